"""Read a department's workbook (.xlsx) with openpyxl.

One project's table per sheet, optionally a sheet of the department's goals (part
one), in sheet order. Excel keeps merged ranges apart from the values, which sit in
a range's top-left cell only; a range is collapsed here as Word's text export shows
it: one cell across the columns it spans, a blank cell in the rows it continues into.
A row whose only text is one unmerged cell, or one range across the row, is a
paragraph (a title or a goal); a sheet whose table has no title row is titled by its
order and name, as a budget system's export may leave the title out. Numbers are shown as the cell's number format shows
them (4,916.86, 20%), so a value reads the same as in Word.

Only the cells up to the last row and column holding a value are read: one formatted
empty cell at XFD1048576, or a merged range down to row 20000, must not make the
sheet a billion cells. openpyxl's full load makes a cell object for every cell of
every merged range, so the workbook is opened read-only, and the merged ranges, the
extent of the values and the formulas without a saved result are found in one pass
over each sheet's XML (`_scan`).
"""

from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING
from xml.etree import ElementTree

from openpyxl.cell.read_only import ReadOnlyCell
from openpyxl.reader.excel import ExcelReader
from openpyxl.utils import get_column_letter
from openpyxl.utils.cell import coordinate_to_tuple, range_boundaries
from openpyxl.utils.escape import unescape
from openpyxl.utils.exceptions import InvalidFileException

from generator.schema import layout
from generator.source.readers import package
from generator.source.readers.blocks import Block, Cell, Paragraph, Place, Row, readable
from generator.source.readers.document import read_blocks
from generator.source.readers.errors import ReadError
from generator.source.readers.form import Reading
from generator.source.readers.result_form import ResultsReading

if TYPE_CHECKING:
    from openpyxl.worksheet._read_only import ReadOnlyWorksheet

QUOTED = re.compile(r'"[^"]*"|\\.')
DECIMALS = re.compile(r"\.([0#]+)")
SHEET = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
#: The most cells a sheet's values may span; a project's table has a few hundred.
MAX_SHEET_CELLS = 1_000_000


@dataclass
class _Scan:
    """What a sheet's XML says beyond its values: how far they reach, its merged ranges, uncomputed formulas."""

    rows: int = 0  # the last row holding a value
    columns: int = 0  # the last column holding a value
    farthest: str = ""  # a cell in that row or column, to name when the extent is too big
    merged: list[tuple[int, int, int, int]] = field(default_factory=list)  # (min_col, min_row, max_col, max_row)
    uncomputed: str = ""  # the first formula cell without a saved result


def _scan(xml: zipfile.ZipExtFile) -> _Scan:
    scan = _Scan()
    row = column = 0
    parents = []
    for event, element in ElementTree.iterparse(xml, events=("start", "end")):
        if event == "start":
            parents.append(element)
            continue
        parents.pop()
        if element.tag == f"{SHEET}row":
            row = int(element.get("r") or row + 1)
            column = 0
            for cell in element.iter(f"{SHEET}c"):
                reference = cell.get("r")
                column = coordinate_to_tuple(reference)[1] if reference else column + 1
                value = cell.findtext(f"{SHEET}v")
                # A formula's result: openpyxl saves none (an empty <v>), Excel saves "" as a string (t="str").
                if cell.find(f"{SHEET}f") is not None and not value and cell.get("t") != "str":
                    scan.uncomputed = scan.uncomputed or f"{get_column_letter(column)}{row}"
                elif value or cell.find(f"{SHEET}is") is not None:
                    if row > scan.rows or column > scan.columns:
                        scan.farthest = f"{get_column_letter(column)}{row}"
                    scan.rows, scan.columns = max(scan.rows, row), max(scan.columns, column)
            parents[-1].remove(element)  # a row read is a row forgotten: memory stays one row
        elif element.tag == f"{SHEET}mergeCell":
            scan.merged.append(range_boundaries(element.get("ref", "")))
    return scan


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


def _text(cell: ReadOnlyCell) -> str:
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
    return unescape(str(value)).strip()  # Excel saves what XML cannot hold (Word's Shift+Enter) as _x000B_


def _merged(scan: _Scan, name: str, source: Path) -> dict[tuple[int, int], tuple[int, int, int, int]]:
    """Each cell of a merged range by (row, column), the ranges cut to the cells that hold values."""
    merged: dict[tuple[int, int], tuple[int, int, int, int]] = {}
    for cell_range in scan.merged:
        min_col, min_row, max_col, max_row = cell_range
        for row in range(min_row, min(max_row, scan.rows) + 1):
            for column in range(min_col, min(max_col, scan.columns) + 1):
                if (row, column) in merged:  # Excel never saves this; checked so that the work stays one pass
                    raise ReadError(
                        source, "合并单元格互相重叠，文件可能已损坏（应为 Excel 保存的文件）",
                        Place(text=f"工作表“{name}”的 {get_column_letter(column)}{row}"),
                    )  # fmt: skip
                merged[row, column] = cell_range
    return merged


def _sheet(sheet: ReadOnlyWorksheet, scan: _Scan, source: Path) -> list[Block]:
    if scan.uncomputed:
        raise ReadError(
            source,
            "公式没有保存计算结果，请在 Excel 中打开并保存后再导入",
            Place(text=f"工作表“{sheet.title}”的 {scan.uncomputed}"),
        )
    if scan.rows * scan.columns > MAX_SHEET_CELLS:
        raise ReadError(
            source,
            f"有内容的单元格远到 {scan.farthest}，超过 {MAX_SHEET_CELLS} 个单元格"
            "（应只有绩效目标表：请删去表格外远处单元格的内容再导入）",
            Place(text=f"工作表“{sheet.title}”"),
        )
    if not scan.rows:
        return []
    merged = _merged(scan, sheet.title, source)
    values = {
        (cell.row, cell.column): cell
        for row in sheet.iter_rows(min_row=1, max_row=scan.rows, min_col=1, max_col=scan.columns)
        for cell in row
        if cell.value is not None
    }
    out: list[Block] = []
    for row_number in range(1, scan.rows + 1):
        cells = []
        in_range = False
        for column in range(1, scan.columns + 1):
            cell_range = merged.get((row_number, column))
            if cell_range is not None and column != cell_range[0]:
                continue
            in_range = in_range or cell_range is not None
            top_left = cell_range is None or row_number == cell_range[1]
            value = values.get((row_number, column))
            text = _text(value) if top_left and value is not None else ""
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


def _workbook(source: Path) -> list[Block]:
    """Every sheet's blocks, a sheet that starts with its table titled by its order and name."""
    try:
        reader = ExcelReader(source, read_only=True, data_only=True)
        reader.read()
    except (InvalidFileException, *package.PARSER_ERRORS) as error:
        raise ReadError(source, f"不是能打开的 Excel .xlsx 文件（{type(error).__name__}），文件可能已损坏") from None
    blocks: list[Block] = []
    tables = 0
    try:
        parts = []
        for sheet, rel in reader.parser.find_sheets():
            if rel.target not in reader.valid_files:  # openpyxl would skip the sheet without a word
                raise ReadError(source, f"工作表“{sheet.name}”的内容（{rel.target}）不在文件中，文件已损坏")
            if "chartsheet" not in rel.Type:
                parts.append(rel.target)
        for sheet, part in zip(reader.wb.worksheets, parts):
            with reader.archive.open(part) as xml:
                scan = _scan(xml)
            read = _sheet(sheet, scan, source)
            if any(isinstance(block, Row) for block in read):
                tables += 1
                titled = (layout.PROJECT_TITLE_PATTERN, layout.RESULTS_TITLE_PATTERN)
                if not any(isinstance(b, Paragraph) and any(t.match(b.text) for t in titled) for b in read):
                    # A budget system's export may start the sheet with the table: the sheet is its title.
                    title = layout.PROJECT_TITLE.format(number=tables, name=sheet.title)
                    read.insert(0, Paragraph(title, Place(text=f"工作表“{sheet.title}”")))
            blocks.extend(read)
    except ReadError:
        raise
    except package.PARSER_ERRORS as error:  # a sheet openpyxl cannot make sense of
        raise ReadError(source, f"不是能打开的 Excel .xlsx 文件（{type(error).__name__}），文件可能已损坏") from None
    finally:
        reader.wb.close()
    return blocks


def read(source: Path, year: int | None = None) -> Reading | ResultsReading:
    """One department's workbook, as the model."""
    package.check(source, package.EXCEL)
    return read_blocks(readable(_workbook(source), source), source, year)
