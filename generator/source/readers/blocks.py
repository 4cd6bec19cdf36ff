"""What every reader makes of its file: paragraphs and table rows, in document order.

A Word document, a workbook and a text export differ in how they store a table, not
in what it says. Each reader turns its file into these blocks, with merged cells
collapsed as a person sees them: a cell spanning several columns is one cell, and the
rows below a cell merged downwards hold a blank cell (as Word's text export writes
them). `form.read_department` then reads the department from the blocks alone.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, replace
from pathlib import Path

from generator.schema.problems import code_point
from generator.source.readers.errors import Place, ReadError

#: Line breaks as Word and Excel store them: Shift+Enter is a vertical tab, a page break a
#: form feed; \r comes from files made on Windows. On import each is one line break.
LINE_BREAKS = re.compile(r"\r\n?|[\x0b\x0c]")
#: What no form's text holds and YAML, JSON or a Word export cannot carry: every other C0
#: and C1 control character, DEL, a lone surrogate, and the noncharacters U+FFFE and U+FFFF.
CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f-\x9f]")
INVALID = re.compile(r"[\ud800-\udfff\ufffe\uffff]")
#: A cell or paragraph longer than this is not a form's text; refused rather than carried to every page.
MAX_CELL_CHARS = 100_000


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


def readable(blocks: Iterable[Block], source: Path) -> list[Block]:
    """The blocks with Word's and Excel's line breaks as \\n; ReadError naming the cell that holds a character no text may."""
    out: list[Block] = []
    for block in blocks:
        if isinstance(block, Paragraph):
            out.append(replace(block, text=_text(block.text, block.place, source)))
        else:
            cells = tuple(replace(cell, text=_text(cell.text, cell.place, source)) for cell in block.cells)
            out.append(replace(block, cells=cells))
    return out


def _text(text: str, place: Place, source: Path) -> str:
    if len(text) > MAX_CELL_CHARS:
        raise ReadError(
            source,
            f"文字有 {len(text)} 个字符，超过一格的上限 {MAX_CELL_CHARS}（应为一个表格单元格或一段的文字）",
            place,
        )
    for pattern, kind in ((CONTROL, "控制字符"), (INVALID, "无效字符")):
        found = pattern.search(text)
        if found is not None:
            raise ReadError(
                source,
                f"文字中有{kind} {code_point(found.group())}（应为文字、换行或制表符，请删去该字符再导入）",
                place,
            )
    return LINE_BREAKS.sub("\n", text).strip()
