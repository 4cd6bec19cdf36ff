"""A department's Word document, workbook and text export all read as the same department.

The Word and Excel files are made here, in code: the exporter writes the seed department
in the official layout (with the merges Word and Excel make), and variants change a cell
the way another county's form or a careless edit would.
"""

from __future__ import annotations

import io
from dataclasses import replace
from datetime import datetime
from decimal import Decimal
from pathlib import Path

import docx
import openpyxl
import pytest
from conftest import CONTENT, SEED

from generator.formats.forms import department_docx, department_xlsx
from generator.schema.model import Department
from generator.schema.validate import load_catalog
from generator.source.readers import ReadError, read_document, text_export, word
from generator.source.yaml_writer import FileAction, plan_department

CONTENT_DEPARTMENT = load_catalog(CONTENT).departments[0]
SEED_DEPARTMENT = replace(CONTENT_DEPARTMENT, published=None)  # as the form has it: no 发布日期 on the form
CREATED = datetime(2024, 1, 1)


def word_file(tmp_path: Path, department: Department = SEED_DEPARTMENT, name: str = "部门.docx") -> Path:
    path = tmp_path / name
    path.write_bytes(department_docx(department, created=CREATED))
    return path


def excel_file(tmp_path: Path, department: Department = SEED_DEPARTMENT, name: str = "部门.xlsx") -> Path:
    path = tmp_path / name
    path.write_bytes(department_xlsx(department, created=CREATED))
    return path


def edit_word_cell(path: Path, old: str, new: str, table: int | None = None) -> None:
    """Replace the text of every Word table cell reading `old` (in one table, or in all)."""
    document = docx.Document(str(path))
    tables = document.tables if table is None else [document.tables[table]]
    edited = 0
    for item in tables:
        for row in item.rows:
            for cell in dict.fromkeys(row.cells):
                if cell.text == old:
                    cell.text = new
                    edited += 1
    assert edited, old
    document.save(str(path))


def test_the_seed_reads_the_same_from_word_excel_and_its_text_export(tmp_path: Path) -> None:
    for path in (SEED, word_file(tmp_path), excel_file(tmp_path)):
        reading = read_document(path)
        assert reading.department == SEED_DEPARTMENT, path.name
        # Written out, it is the committed content file for file: nothing added, changed or removed.
        imported = replace(reading.department, published=CONTENT_DEPARTMENT.published)  # as the import keeps it
        changes = plan_department(imported, CONTENT)
        assert {change.action for change in changes} == {FileAction.UNCHANGED}, path.name


def test_a_word_or_excel_file_names_its_year_in_its_title_so_nothing_is_assumed(tmp_path: Path) -> None:
    assert read_document(word_file(tmp_path)).warnings == ()
    assert read_document(excel_file(tmp_path)).warnings == ()
    assert read_document(SEED).warnings == ()  # its file's name, 2024-203001-zuzhibu.txt, names the year


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030", "gbk", "utf-16", "utf-16-le", "utf-16-be"])
def test_a_text_export_reads_the_same_in_every_encoding_word_saves(tmp_path: Path, encoding: str) -> None:
    path = tmp_path / "部门.txt"
    path.write_bytes(SEED.read_text(encoding="utf-8").replace("\n", "\r\n").encode(encoding))
    assert read_document(path).department == SEED_DEPARTMENT


def test_a_text_file_in_no_known_encoding_is_refused_with_what_was_tried(tmp_path: Path) -> None:
    path = tmp_path / "部门.txt"
    path.write_bytes("預算績效目標表".encode("big5"))  # Big5, which Word in Taiwan saves
    with pytest.raises(ReadError) as error:
        read_document(path)
    assert str(error.value) == (
        f"{path}: 无法识别文件的编码，或文件中没有“绩效目标”或“绩效自评”字样（已试 UTF-8、GB18030/GBK、UTF-16）；"
        "请在 Word 中“另存为”纯文本或直接导入 .docx 文件"
    )


OTHER_LABELS = [
    ("\t预算数\n", "\t年度预算数\n"),
    ("\t其中：财政    资金\n", "\t其中:财政拨款\n"),
    ("\t其他资金\n", "\t其他\n"),
    ("\t资金支出计划（%）\n", "\t资金支出计划(%)\n"),
    ("\t绩效目标\n", "\t年度绩效目标\n"),
    ("\t指标值确定依据\n", "\t 指标值设定依据\u3000\n"),
    ("\t4916.86\n", "\t4,916.86\n"),
    ("\t20%\n", "\t２０\n"),
    ("\t村干部基础职务补贴\n", "\t\u3000村干部基础职务补贴  \n"),
]


def test_cells_are_found_by_any_label_counties_print_and_read_through_stray_spaces(tmp_path: Path) -> None:
    text = SEED.read_text(encoding="utf-8")
    for old, new in OTHER_LABELS:
        assert old in text, old
        text = text.replace(old, new)
    path = tmp_path / "另一县.txt"
    path.write_text(text, encoding="utf-8")
    assert read_document(path).department == SEED_DEPARTMENT


def test_word_tables_with_other_labels_and_amounts_with_separators_read_the_same(tmp_path: Path) -> None:
    path = word_file(tmp_path)
    edit_word_cell(path, "预算数", "年度预算数")
    edit_word_cell(path, "其中：财政资金", "财政拨款")
    edit_word_cell(path, "4916.86", " 4,916.86\u3000")
    edit_word_cell(path, "指标值确定依据", "指标值设定依据")
    assert read_document(path).department == SEED_DEPARTMENT


def test_amounts_typed_as_text_in_excel_read_as_the_same_exact_amount(tmp_path: Path) -> None:
    path = excel_file(tmp_path)
    workbook = openpyxl.load_workbook(path)
    sheet = workbook.worksheets[1]
    cells = [cell for row in sheet.iter_rows() for cell in row if cell.value == 4916.86]
    assert cells
    for cell in cells:
        cell.value = "4,916.86"
    workbook.save(path)
    first = read_document(path).department.projects[0]
    assert first.budget.total == Decimal("4916.86") and str(first.budget.fiscal) == "4916.86"


def test_a_workbook_without_a_goals_sheet_is_imported_with_a_warning(tmp_path: Path) -> None:
    path = excel_file(tmp_path)
    workbook = openpyxl.load_workbook(path)
    workbook.remove(workbook.worksheets[0])
    workbook.save(path)
    reading = read_document(path, year=2024)
    assert reading.department.projects == SEED_DEPARTMENT.projects
    assert reading.warnings == ("文件中没有第一部分“部门整体绩效目标”，部门文件的三项目标为空，请补充",)


def test_hostile_text_in_a_word_cell_is_read_as_literal_text(tmp_path: Path) -> None:
    hostile = "<script>alert(1)</script>{{ site_name }}"
    first = replace(SEED_DEPARTMENT.projects[0], name=hostile)
    path = word_file(tmp_path, replace(SEED_DEPARTMENT, projects=(first, *SEED_DEPARTMENT.projects[1:])))
    assert read_document(path).department.projects[0].name == hostile


def test_a_bad_amount_in_word_names_the_project_table_the_cell_and_its_label(tmp_path: Path) -> None:
    path = word_file(tmp_path)
    edit_word_cell(path, "1700.00", "17OO.00")
    with pytest.raises(ReadError) as error:
        read_document(path)
    assert str(error.value) == (
        f"{path}: 第 3 个表格第 3 行第 3 格: 第 2 个项目表（村干部绩效补贴）“预算数”的值“17OO.00”不是金额（应为数字，如 4916.86）"
    )


def test_a_bad_percent_in_excel_names_the_sheet_and_cell(tmp_path: Path) -> None:
    path = excel_file(tmp_path)
    workbook = openpyxl.load_workbook(path)
    sheet = workbook.worksheets[1]
    cell = next(c for row in sheet.iter_rows() for c in row if c.value == 0.4)
    cell.value = "四成"
    workbook.save(path)
    with pytest.raises(ReadError) as error:
        read_document(path)
    assert str(error.value) == (
        f"{path}: 工作表“{sheet.title}”的 {cell.coordinate}: 第 1 个项目表（村干部基础职务补贴）"
        "“6月底”的值“四成”不是百分数（应为数字，如 20% 或 20）"
    )


def test_a_project_without_its_indicator_table_is_refused_naming_the_project(tmp_path: Path) -> None:
    path = word_file(tmp_path)
    document = docx.Document(str(path))
    indicators = document.tables[5]  # the third project's second table
    indicators._tbl.getparent().remove(indicators._tbl)
    document.save(str(path))
    with pytest.raises(ReadError) as error:
        read_document(path)
    name = SEED_DEPARTMENT.projects[2].name
    assert str(error.value).endswith(
        f"第 3 个项目表（{name}）找不到绩效指标表的表头（一级指标、二级指标、三级指标、绩效指标描述、指标值、指标值确定依据）"
    )


@pytest.mark.parametrize("suffix", [".docx", ".xlsx"])
def test_a_damaged_file_is_refused_with_a_message_not_a_traceback(tmp_path: Path, suffix: str) -> None:
    whole = (word_file if suffix == ".docx" else excel_file)(tmp_path)
    damaged = tmp_path / f"损坏{suffix}"
    damaged.write_bytes(whole.read_bytes()[: len(whole.read_bytes()) // 2])
    kind = "Word .docx" if suffix == ".docx" else "Excel .xlsx"
    with pytest.raises(ReadError, match=rf"损坏\{suffix}: 不是能打开的 {kind} 文件（\w+），文件可能已损坏"):
        read_document(damaged)


@pytest.mark.parametrize(("suffix", "target"), [(".doc", ".docx"), (".wps", ".docx"), (".xls", ".xlsx")])
def test_a_legacy_office_file_is_refused_saying_what_to_save_it_as(tmp_path: Path, suffix: str, target: str) -> None:
    path = tmp_path / f"部门{suffix}"
    path.write_bytes(b"\xd0\xcf\x11\xe0")
    with pytest.raises(
        ReadError, match=rf"这是旧的 \{suffix} 格式，请用 Word、WPS 或 Excel 打开后“另存为” \{target} 再导入"
    ):
        read_document(path)


def test_a_word_document_keeps_line_breaks_inside_cells_and_goals(tmp_path: Path) -> None:
    by_code = {p.code: p for p in read_document(word_file(tmp_path)).department.projects}
    assert by_code["13022524P00442P10059L"].goal == "1.\n对全县非公企业及社会组织书记和党务工作者开展教育培训"


def test_an_exported_workbook_has_numbers_staff_can_add_up(tmp_path: Path) -> None:
    sheet = openpyxl.load_workbook(io.BytesIO(excel_file(tmp_path).read_bytes())).worksheets[1]
    numbers = [c for row in sheet.iter_rows() for c in row if isinstance(c.value, float)]
    assert 4916.86 in [c.value for c in numbers]


def test_word_rows_have_the_cells_of_words_own_text_export(tmp_path: Path) -> None:
    """Merged cells collapse as the text export writes them: one cell per span, blank below a merge."""

    def first_project_rows(blocks: list) -> list[list[str]]:
        start = next(i for i, b in enumerate(blocks) if getattr(b, "text", "").startswith("1.村干部基础职务补贴"))
        end = next(i for i, b in enumerate(blocks) if i > start and getattr(b, "text", "").startswith("2.村干部"))
        return [[cell.text for cell in b.cells] for b in blocks[start + 1 : end] if hasattr(b, "cells")]

    exported = first_project_rows(word.blocks(docx.Document(str(word_file(tmp_path)))))
    seed = first_project_rows(text_export.blocks(SEED.read_text(encoding="utf-8")))
    assert [len(row) for row in exported] == [len(row) for row in seed]
    assert [row[0] for row in exported] == [row[0] for row in seed]
    assert exported[3] == ["", "用于发入村干部基础职务补贴"]  # below 预算规模及资金用途, merged down
    assert exported[9][0] == ""  # 一级指标 merged down its rows


def test_sheets_that_start_with_the_table_are_read_in_sheet_order(tmp_path: Path) -> None:
    """A budget system's export may leave out each sheet's title row: the sheets' order numbers the projects."""
    path = excel_file(tmp_path)
    workbook = openpyxl.load_workbook(path)
    for sheet in workbook.worksheets[1:]:
        for cell_range in [r for r in sheet.merged_cells.ranges if r.min_row == 1]:
            sheet.unmerge_cells(str(cell_range))
        sheet.delete_rows(1)
        for cell_range in list(sheet.merged_cells.ranges):  # openpyxl does not move merges with the rows
            sheet.merged_cells.remove(cell_range)
            cell_range.shift(row_shift=-1)
            sheet.merged_cells.add(cell_range)
        assert str(sheet["A1"].value).startswith("203001")  # the unit row now opens the sheet
    workbook.save(path)
    assert read_document(path).department == SEED_DEPARTMENT
