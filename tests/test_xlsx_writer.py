"""One XLSX writer, generator/formats/xlsx.py, writes the downloads' tables and the department's Excel form."""

from __future__ import annotations

import io
import re
from datetime import datetime

import openpyxl
from conftest import CONTENT, ROOT

from generator.formats.forms import department_xlsx
from generator.schema.validate import load_catalog

CREATED = datetime(2024, 3, 1, 8, 30)
SEED = load_catalog(CONTENT).departments[0]


def test_no_module_of_the_generator_writes_xlsx_with_another_library() -> None:
    importing = [
        str(path.relative_to(ROOT))
        for path in sorted((ROOT / "generator").rglob("*.py"))
        if re.search(r"^\s*(import|from)\s+xlsxwriter\b", path.read_text(encoding="utf-8"), re.MULTILINE)
    ]
    assert importing == []


def test_the_excel_form_keeps_its_print_setup_title_style_and_properties() -> None:
    book = openpyxl.load_workbook(io.BytesIO(department_xlsx(SEED, created=CREATED)))
    sheet = book.worksheets[1]
    assert sheet.page_setup.paperSize == 9  # A4
    assert sheet.sheet_properties.pageSetUpPr.fitToPage
    assert (
        sheet.page_setup.fitToWidth in (None, 1) and sheet.page_setup.fitToHeight == 0
    )  # one page wide (1 is the default)
    assert [sheet.column_dimensions[c].width for c in "ABCDEFG"] == [20, 14, 14, 14, 14, 14, 14]
    title = sheet["A1"]
    assert (title.font.b, title.font.sz, title.alignment.horizontal) == (True, 14, "center")
    assert sheet["A3"].border.top.style == "thin" and sheet["A3"].alignment.wrap_text
    assert sheet["C3"].border.top.style == "thin"  # inside a merged cell: its border shows all round
    assert sheet.row_dimensions[4].height == 30  # 其中：财政资金 wraps to two lines
    assert (book.properties.title, book.properties.creator) == (
        "2024年中国共产党乐亭县委员会组织部本级预算绩效目标",
        "中国共产党乐亭县委员会组织部本级",
    )
    assert book.properties.created == CREATED
