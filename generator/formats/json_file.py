"""JSON as the downloads write it: exact decimals as strings, compact, UTF-8.

Amounts and percents are *strings*, because a JSON number is read as a binary float by
most parsers (Python's json, JavaScript) and loses `1700.00`'s scale; a blank cell of
the form is null; keys keep their insertion order, so equal documents are equal bytes.
"""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal


def json_value(value: object) -> object:
    """Amounts and percents as exact decimal strings, dates as 2024-02-01; everything else as it is."""
    if isinstance(value, date):
        return value.isoformat()
    return f"{value:f}" if isinstance(value, Decimal) else value


def to_json(document: object) -> bytes:
    # Compact: with `indent` Python falls back to its pure-Python encoder, 10x slower on a
    # county's thousand projects; browsers and editors pretty-print JSON on their own.
    return (json.dumps(document, ensure_ascii=False, separators=(",", ":")) + "\n").encode("utf-8")
