"""Read a department's workbook (.xlsx) with openpyxl.

One project's table per sheet, optionally a sheet of the department's goals (part
one), in sheet order. Excel keeps merged ranges apart from the values, which sit in
a range's top-left cell only; a range is collapsed here as Word's text export shows
it: one cell across the columns it spans, a blank cell in the rows it continues into.
A row whose only text is one unmerged cell, or one range across the row, is a
paragraph (a title or a goal); a sheet whose table has no title row is titled by its
order and name, as a budget system's export may leave the title out. Numbers are shown as the cell's number format shows
them (4,916.86, 20%), so a value reads the same as in Word.

openpyxl's read-only mode does not read merged ranges, so the workbook is loaded
whole; one department's workbook is small.
"""

from __future__ import annotations

import re
import zipfile
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import openpyxl
from openpyxl.cell.cell import Cell as SheetCell
from openpyxl.utils import get_column_letter
from openpyxl.utils.exceptions import InvalidFileException
from openpyxl.worksheet.worksheet import Worksheet

from generator import layout
from generator.readers.blocks import Block, Cell, Paragraph, Place, Row
from generator.readers.errors import ReadError
from generator.readers.form import Reading, read_department

QUOTED = re.compile(r'"[^"]*"|\\.')
DECIMALS = re.compile(r"\.([0#]+)")


def _number(value: float, number_format: str) -> str:
    """A number as its format shows it: decimals, thousands separators and % as the format says."""
    shown = QUOTED.sub("", number_format.split(";")[0])
    exact = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
    if "%" in shown:
        exact *= 100
    places = DECIMALS.search(shown)
    if places is not None:
        text = f"{exact:{',' if ',' in shown else ''}.{len(places.group(1))}f}"
    elif "0" in shown:
        text = f"{exact:{',' if ',' in shown else ''}.0f}"
    else:  # General: the shortest exact form, no exponent
        text = format(exact.normalize(), "f")
    return text + ("%" if "%" in shown else "")


def _text(cell: SheetCell) -> str:
    value = cell.value
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, (int, float)):
        return _number(value, cell.number_format or "General")
    if isinstance(value, (datetime, date)):
        day = value.date() if isinstance(value, datetime) else value
        return f"{day.year}年{day.month}月{day.day}日" if "年" in (cell.number_format or "") else day.isoformat()
    return str(value).strip()


def _sheet(sheet: Worksheet) -> list[Block]:
    merged = {}
    for cell_range in sheet.merged_cells.ranges:
        for row in range(cell_range.min_row, cell_range.max_row + 1):
            for column in range(cell_range.min_col, cell_range.max_col + 1):
                merged[row, column] = cell_range
    out: list[Block] = []
    for row_number in range(1, sheet.max_row + 1):
        cells = []
        in_range = False
        for column in range(1, sheet.max_column + 1):
            cell_range = merged.get((row_number, column))
            if cell_range is not None and column != cell_range.min_col:
                continue
            in_range = in_range or cell_range is not None
            top_left = cell_range is None or row_number == cell_range.min_row
            text = _text(sheet.cell(row_number, column)) if top_left else ""
            place = Place(text=f"工作表“{sheet.title}”的 {get_column_letter(column)}{row_number}")
            cells.append(Cell(text, place, column))
        while cells and not cells[-1].text and (row_number, cells[-1].column) not in merged:
            cells.pop()
        texts = [cell for cell in cells if cell.text]
        if not texts and not in_range:
            continue  # an empty row between tables; a row of blank merged cells is a row of the form
        whole_row = len(cells) == 1 or (len(texts) == 1 and not in_range)
        if whole_row and len(texts) == 1:
            out.append(Paragraph(texts[0].text, texts[0].place))
        else:
            out.append(Row(tuple(cells), Place(text=f"工作表“{sheet.title}”第 {row_number} 行")))
    return out


def read(source: Path, year: int | None = None) -> Reading:
    """One department's workbook, as the model."""
    try:
        workbook = openpyxl.load_workbook(source, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, ValueError, SyntaxError) as error:
        raise ReadError(source, f"不是能打开的 Excel .xlsx 文件（{type(error).__name__}），文件可能已损坏") from None
    blocks: list[Block] = []
    tables = 0
    for sheet in workbook.worksheets:
        read = _sheet(sheet)
        if any(isinstance(block, Row) for block in read):
            tables += 1
            if not any(isinstance(b, Paragraph) and layout.PROJECT_TITLE_PATTERN.match(b.text) for b in read):
                # A budget system's export may start the sheet with the table: the sheet is its title.
                title = layout.PROJECT_TITLE.format(number=tables, name=sheet.title)
                read.insert(0, Paragraph(title, Place(text=f"工作表“{sheet.title}”")))
        blocks.extend(read)
    return read_department(blocks, source, year)
