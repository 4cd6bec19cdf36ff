"""A table of the downloads as its writers see it: columns with names, types and titles, and rows of cells.

Which tables the site offers, and how their rows are read from the model, is the site's
business (`generator/site/downloads.py`); the CSV, XLSX and data package writers take a
Table and its rows.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

Cell = str | int | Decimal | date | None
Row = tuple[Cell, ...]

#: The Table Schema types in the words of the downloads page.
TYPE_TITLES = {"string": "文本", "integer": "整数", "number": "数值", "date": "日期"}


@dataclass(frozen=True)
class Column:
    """One column of a table: its name in CSV and JSON, type for the Table Schema, Chinese title."""

    name: str
    type: str  # Table Schema type: "string", "integer", "number" or "date"
    title: str  # the XLSX header and the schema's title
    value: Callable[[Any], Cell] = field(compare=False, repr=False)  # of a Record; of a ProjectChange in CHANGES
    description: str = ""
    required: bool = False
    money: bool = False  # an amount in the department's money unit (shown with separators in XLSX)

    @property
    def type_title(self) -> str:
        return TYPE_TITLES[self.type]


@dataclass(frozen=True)
class Table:
    name: str  # the datapackage resource name and file suffix: "projects"
    title: str  # the XLSX sheet name
    description: str
    columns: tuple[Column, ...]
    primary_key: tuple[str, ...]
    records: Callable[[Any], Iterable[Any]] = field(compare=False, repr=False)  # a project's rows, from its record
    foreign_keys: tuple[tuple[str, ...], ...] = ()  # column groups pointing at the projects table's primary key

    def rows(self, record: Any) -> list[Row]:
        return [tuple(c.value(r) for c in self.columns) for r in self.records(record)]


#: Columns of long text, given a wide column in the XLSX.
WIDE_COLUMNS = {"purpose", "goal", "description", "detail"}
