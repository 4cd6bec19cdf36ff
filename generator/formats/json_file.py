"""JSON as the downloads write it: exact decimals as strings, compact, UTF-8.

Amounts and percents are *strings*, because a JSON number is read as a binary float by
most parsers (Python's json, JavaScript) and loses `1700.00`'s scale; a blank cell of
the form is null; keys keep their insertion order, so equal documents are equal bytes.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
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


def with_documents(fields: dict[str, object], key: str, documents: Iterable[bytes]) -> bytes:
    """`to_json({**fields, key: [document, ...]})` from documents each already written by `to_json`: the same
    bytes, without reading the documents back or writing them twice (the site's JSON holds every department's)."""
    head = json.dumps({**fields, key: []}, ensure_ascii=False, separators=(",", ":"))[: -len("[]}")]
    return head.encode("utf-8") + b"[" + b",".join(document[:-1] for document in documents) + b"]}\n"
