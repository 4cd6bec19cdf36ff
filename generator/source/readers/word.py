"""Read a department's Word document (.docx) with python-docx.

Paragraphs and tables are taken in document order. python-docx returns a merged cell
once per grid column it spans and repeats a cell merged downwards in the rows below;
both are collapsed here as Word's own text export shows them: one cell per span, and
a blank cell where a vertical merge continues. python-docx makes a new `_Cell` object
each time, so a cell is known again by its XML element (`_tc`).
"""

from __future__ import annotations

from pathlib import Path

import docx
from docx.opc.exceptions import PackageNotFoundError
from docx.table import Table, _Row
from docx.text.paragraph import Paragraph as WordParagraph

from generator.source.readers import package
from generator.source.readers.blocks import Block, Cell, Paragraph, Place, Row, readable
from generator.source.readers.document import read_blocks
from generator.source.readers.errors import ReadError
from generator.source.readers.form import Reading
from generator.source.readers.result_form import ResultsReading


def _row(row: _Row, table_number: int, row_number: int, above: dict[int, object]) -> tuple[Row, dict[int, object]]:
    """One row's cells, and its cells by grid column for the row below to compare with."""
    cells = []
    by_column: dict[int, object] = {}
    previous = None
    for offset, cell in enumerate(row.cells):
        column = row.grid_cols_before + offset
        by_column[column] = cell._tc
        if cell._tc is previous:
            continue  # the same cell again: it spans this grid column too
        previous = cell._tc
        place = Place(text=f"第 {table_number} 个表格第 {row_number} 行第 {len(cells) + 1} 格")
        continued = above.get(column) is cell._tc  # merged down from the row above
        cells.append(Cell("" if continued else cell.text.strip(), place, column))
    return Row(tuple(cells), Place(text=f"第 {table_number} 个表格第 {row_number} 行")), by_column


def _table(table: Table, table_number: int) -> list[Row]:
    rows = []
    above: dict[int, object] = {}
    for row_number, row in enumerate(table.rows, start=1):
        read, above = _row(row, table_number, row_number, above)
        rows.append(read)
    return rows


def blocks(document: docx.document.Document) -> list[Block]:
    out: list[Block] = []
    tables = paragraphs = 0
    for item in document.iter_inner_content():
        if isinstance(item, WordParagraph):
            paragraphs += 1
            if item.text.strip():
                out.append(Paragraph(item.text.strip(), Place(text=f"第 {paragraphs} 段")))
        else:
            tables += 1
            out.extend(_table(item, tables))
    return out


def read(source: Path, year: int | None = None) -> Reading | ResultsReading:
    """One department's Word document, as the model."""
    package.check(source, package.WORD)
    try:
        read = blocks(docx.Document(str(source)))
    except (PackageNotFoundError, *package.PARSER_ERRORS) as error:
        raise ReadError(source, f"不是能打开的 Word .docx 文件（{type(error).__name__}），文件可能已损坏") from None
    return read_blocks(readable(read, source), source, year)
