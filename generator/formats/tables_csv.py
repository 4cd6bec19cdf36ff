"""A table as CSV: UTF-8 with a BOM and CRLF line ends, every text cell safe to open in a spreadsheet.

UTF-8 with a BOM because Excel on Windows guesses the code page without it; CRLF as RFC
4180 says. A text cell beginning with = + - @ (or a tab, a carriage return, or a ') gets
one ' in front, so that a spreadsheet never runs it as a formula; removing one leading '
restores the exact text. Amounts are plain decimal text (`4916.86`, `1700.00`), blank
cells empty.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from datetime import date
from decimal import Decimal

from generator.formats.tables import Cell, Row, Table

#: First characters that make Excel, LibreOffice or Google Sheets read a cell as a formula.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def csv_text(value: str) -> str:
    """Text for a CSV cell, defused: see the module's docstring. A leading ' is doubled to stay reversible."""
    if value.startswith(FORMULA_START) or value.startswith("'"):
        return "'" + value
    return value


def csv_cell(value: Cell) -> str:
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return f"{value:f}"  # never exponent notation
    if isinstance(value, (int, date)):
        return str(value)  # a date as 2024-02-01
    return csv_text(value)


def csv_lines(rows: Sequence[Row]) -> str:
    """Rows as CSV lines (CRLF); a file is its header line and the lines of its projects."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerows([csv_cell(value) for value in row] for row in rows)
    return buffer.getvalue()


def csv_file(table: Table, chunks: Iterable[str]) -> bytes:
    header = csv_lines([tuple(column.name for column in table.columns)])
    return ("\ufeff" + header + "".join(chunks)).encode("utf-8")
