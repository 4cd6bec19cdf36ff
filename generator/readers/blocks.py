"""What every reader makes of its file: paragraphs and table rows, in document order.

A Word document, a workbook and a text export differ in how they store a table, not
in what it says. Each reader turns its file into these blocks, with merged cells
collapsed as a person sees them: a cell spanning several columns is one cell, and the
rows below a cell merged downwards hold a blank cell (as Word's text export writes
them). `form.read_department` then reads the department from the blocks alone.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Place:
    """Where a paragraph or cell is in its file, said so that a person can find it."""

    line: int | None = None  # in a text export
    text: str = ""  # in a Word or Excel file: 第 3 个表格第 5 行第 2 列, 工作表“1.村干部”的 C7


@dataclass(frozen=True)
class Cell:
    """One table cell's text, its outer whitespace stripped."""

    text: str
    place: Place
    column: int | None = None  # the grid column it starts in; None where the file has no grid


@dataclass(frozen=True)
class Row:
    """One table row: its cells left to right, merged cells collapsed."""

    cells: tuple[Cell, ...]
    place: Place


@dataclass(frozen=True)
class Paragraph:
    """A paragraph outside the tables, its outer whitespace stripped; line breaks kept as \\n."""

    text: str
    place: Place


Block = Paragraph | Row
