"""A 项目支出绩效自评表 reads the same from Word's text export, a Word document and a workbook.

The seed 自评表 (13 projects, two of them without 项目编码) is a text export. Its rows
are parsed here and laid out again as a .docx and an .xlsx, with the merges Word and
Excel make (一级指标 merged down its group, 项目名称's value across the row), and as
small text exports that print a label the way another county's form does.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import replace
from decimal import Decimal
from pathlib import Path

import docx
import openpyxl
import pytest
from conftest import FIXTURES

from generator.schema.model import ProjectResult
from generator.source.readers import ReadError, read_document, word
from generator.source.readers.blocks import Place, Row
from generator.source.readers.result_form import ResultsReading

RESULTS = FIXTURES / "2024-203001-zuzhibu-自评.txt"
TITLE, YEAR_LINE = "项目支出绩效自评表", "（2024年度）"
COLUMNS = 8  # the widest row: the indicator table's
NUMBER = re.compile(r"\d+(?:\.(\d+))?(%?)")

Form = list[list[str]]  # one project's rows, each its cells' text


def fixture_forms() -> list[Form]:
    """The seed's forms as rows of cells: a tab-led line is a cell, any other line ends the row."""
    forms: list[Form] = []
    row: list[str] = []
    for line in RESULTS.read_text(encoding="utf-8").split("\n"):
        if line.startswith("\t"):
            row.append(line[1:])
            continue
        if row:
            forms[-1].append(row)
            row = []
        if line == TITLE:
            forms.append([])
    if row:
        forms[-1].append(row)
    return forms


FORMS = fixture_forms()
EXPECTED = [form.result for form in read_document(RESULTS).forms]


def exact(results: list[ProjectResult]) -> list[str]:
    """Each result field by field, numbers as printed: == would take Decimal("100") for Decimal("100.00")."""
    return [repr(replace(result, source=Path())) for result in results]


def read(path: Path, year: int | None = None) -> ResultsReading:
    reading = read_document(path, year)
    assert isinstance(reading, ResultsReading), path.name
    return reading


def row_index(form: Form, first: str) -> int:
    return next(i for i, row in enumerate(form) if row[0] == first)


def level1_groups(form: Form) -> list[tuple[int, int]]:
    """(first, last) row of each 一级指标 group: its named row and the blank-led rows below it."""
    groups = []
    for index in range(row_index(form, "一级指标") + 1, row_index(form, "总分")):
        if form[index][0]:
            groups.append((index, index))
        else:
            groups[-1] = (groups[-1][0], index)
    return groups


def export_text(forms: list[Form], year_line: str | None = YEAR_LINE) -> str:
    """A Word text export of the forms: each cell a tab-led line, an empty line after each row."""
    lines = []
    for form in forms:
        lines += [TITLE, *([year_line] if year_line else [])]
        for row in form:
            lines += [f"\t{cell}" for cell in row] + [""]
    return "\n".join(lines) + "\n"


def text_file(path: Path, forms: list[Form], encoding: str = "utf-8", **options: str | None) -> Path:
    path.write_bytes(export_text(forms, **options).encode(encoding))
    return path


def test_the_seed_results_text_export_reads_every_cell() -> None:
    reading = read(RESULTS)
    assert reading.year == 2024 and reading.source == RESULTS and reading.warnings == ()
    assert [form.number for form in reading.forms] == list(range(1, 14))
    assert [form.result.name for form in reading.forms] == [form[0][1] for form in FORMS]
    first = reading.forms[0]
    assert first.place == Place(line=5)  # its 项目名称 row
    result = first.result
    assert result.code == "13022524P00442P10057D" and result.name == "村干部基础职务补贴"
    assert result.competent_department == result.implementing_unit == "中国共产党乐亭县委员会组织部本级"
    total = result.funds.total
    assert [str(total.executed), str(total.weight), str(total.rate), str(total.score)] == [
        "4916.86",
        "10",
        "100.00",
        "10.00",
    ]
    assert result.funds.fiscal.weight is None and result.funds.fiscal.score is None  # —
    assert result.funds.carried_over.executed is None
    assert result.goal_expected == "1.用于发入村干部基础职务补贴"
    assert len(result.indicators) == 6
    indicator = result.indicators[0]
    assert (indicator.level1, indicator.level2, indicator.target, indicator.actual) == (
        "产出指标（50分）", "数量指标", "≥100%", "100%",
    )  # fmt: skip
    assert indicator.weight == Decimal("12.5") and indicator.reason == ""
    assert result.indicators[3].level1 == "产出指标（50分）"  # merged down its group
    assert (str(result.total_weight), str(result.total_score)) == ("100", "100.00")  # as printed
    assert result.grade == "优"
    rural = next(form.result for form in reading.forms if form.result.name == "农村党建（综合服务中心）经费")
    cost = next(row for row in rural.indicators if row.level3 == "预算资金完成率")
    assert (cost.actual, str(cost.score)) == ("85.20%", "11.21")
    assert cost.reason.startswith("部分党建示范点后续提升项目因验收时间推迟")
    assert [form.result.code == "" for form in reading.forms].count(True) == 2
    assert reading.forms[3].result.code == reading.forms[10].result.code == ""
    assert reading.forms[3].result.name == "非公和社会组织党建经费"


def word_file(path: Path, forms: list[Form]) -> Path:
    """One 8-column table per form, merged as Word merges the official form's cells."""
    document = docx.Document()
    for form in forms:
        document.add_paragraph(TITLE)
        document.add_paragraph(YEAR_LINE)
        table = document.add_table(rows=len(form), cols=COLUMNS)
        for index, row in enumerate(form):
            if len(row) < COLUMNS:  # the last cell spans the rest of the row: 项目名称's value, 得分 …
                table.cell(index, len(row) - 1).merge(table.cell(index, COLUMNS - 1))
        goal = row_index(form, "年度总体目标")
        table.cell(goal, 0).merge(table.cell(goal + 1, 0))
        for top, bottom in level1_groups(form):
            if bottom > top:
                table.cell(top, 0).merge(table.cell(bottom, 0))
        for index, row in enumerate(form):
            for column, text in enumerate(row):
                if text:
                    table.cell(index, column).text = text
    document.save(str(path))
    return path


def test_a_word_document_with_merged_cells_reads_as_its_text_export(tmp_path: Path) -> None:
    path = word_file(tmp_path / "自评.docx", FORMS)
    table = docx.Document(str(path)).tables[0]
    assert [cell.text for cell in table.rows[0].cells] == ["项目名称"] + ["村干部基础职务补贴"] * 7  # once per column
    assert table.cell(11, 0)._tc is table.cell(14, 0)._tc  # 产出指标 merged down
    # Collapsed as the text export writes them: one cell per span, a blank cell below a vertical merge.
    blocks = word.blocks(docx.Document(str(path)))
    assert [[cell.text for cell in row.cells] for row in blocks if isinstance(row, Row)] == [
        row for form in FORMS for row in form
    ]
    reading = read(path)
    assert reading.year == 2024
    assert [form.number for form in reading.forms] == list(range(1, 14))
    assert exact([form.result for form in reading.forms]) == exact(EXPECTED)


def cell_value(text: str) -> tuple[object, str]:
    """A number-looking cell as the number Excel stores and the format that shows it as `text`."""
    match = NUMBER.fullmatch(text)
    if match is None:
        return text, "General"
    decimals, percent = match.groups()
    number_format = "0" + (f".{'0' * len(decimals)}" if decimals else "") + percent
    value = Decimal(text.rstrip("%")) / (100 if percent else 1)
    return (float(value) if decimals or percent else int(value)), number_format


def excel_file(path: Path, forms: list[Form]) -> Path:
    """A sheet per form, named by its number, titled in a merged first row; numbers stored as numbers."""
    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)
    for number, form in enumerate(forms, start=1):
        sheet = workbook.create_sheet(str(number))
        sheet.cell(1, 1, f"{TITLE}{YEAR_LINE}")
        sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=COLUMNS)
        for index, row in enumerate(form, start=2):
            for column, text in enumerate(row, start=1):
                if text:
                    cell = sheet.cell(index, column)
                    cell.value, cell.number_format = cell_value(text)
            if len(row) < COLUMNS:
                sheet.merge_cells(start_row=index, start_column=len(row), end_row=index, end_column=COLUMNS)
        goal = row_index(form, "年度总体目标") + 2
        sheet.merge_cells(start_row=goal, start_column=1, end_row=goal + 1, end_column=1)
        for top, bottom in level1_groups(form):
            if bottom > top:
                sheet.merge_cells(start_row=top + 2, start_column=1, end_row=bottom + 2, end_column=1)
    workbook.save(path)
    return path


def test_an_excel_workbook_with_a_sheet_per_project_reads_as_its_text_export(tmp_path: Path) -> None:
    path = excel_file(tmp_path / "自评.xlsx", FORMS)
    sheet = openpyxl.load_workbook(path)["10"]
    rates = [(cell.value, cell.number_format) for row in sheet.iter_rows() for cell in row if cell.row == 6]
    assert (0.982, "0.00%") in rates and (39.28, "0.00") in rates  # 98.20% and 39.28 as Excel stores them
    assert "A13:A16" in {str(cell_range) for cell_range in sheet.merged_cells.ranges}  # 产出指标 merged down
    reading = read(path)
    assert reading.year == 2024
    assert exact([form.result for form in reading.forms]) == exact(EXPECTED)


def relabel(first: str, old: str, new: str) -> Callable[[Form], Form]:
    """The form with `old` printed as `new` in the row that starts with `first`."""
    return lambda form: [[new if row[0] == first and cell == old else cell for cell in row] for row in form]


def with_indicator_column(form: Form) -> Form:
    """An extra 绩效指标 cell leading the indicator header, blank in every indicator row."""
    header, total = row_index(form, "一级指标"), row_index(form, "总分")
    return [
        ["绩效指标", *row] if i == header else ["", *row] if header < i < total else row for i, row in enumerate(form)
    ]


VARIANTS = {
    "official": (lambda form: form, "utf-8"),
    "年度目标值": (relabel("一级指标", "年度指标值", "年度目标值"), "utf-8"),
    "全年实际值": (relabel("一级指标", "实际完成值", "全年实际值"), "utf-8"),
    "偏差原因及改进措施": (relabel("一级指标", "偏差原因分析及改进措施", "偏差原因及改进措施"), "utf-8"),
    "权重": (relabel("一级指标", "分值", "权重"), "utf-8"),
    "其中：财政资金": (relabel("其中：本年财政拨款", "其中：本年财政拨款", "其中：财政资金"), "utf-8"),
    "绩效指标 column": (with_indicator_column, "utf-8"),
    "gb18030": (lambda form: form, "gb18030"),
}


@pytest.mark.parametrize("variant", VARIANTS)
def test_label_variants_read_as_the_official_labels(tmp_path: Path, variant: str) -> None:
    change, encoding = VARIANTS[variant]
    form = change(FORMS[0])
    assert variant == "official" or encoding != "utf-8" or form != FORMS[0]  # the variant changes the form
    path = text_file(tmp_path / "一个项目.txt", [form], encoding)
    if encoding != "utf-8":
        with pytest.raises(UnicodeDecodeError):
            path.read_bytes().decode("utf-8")
    reading = read(path)
    assert reading.year == 2024 and len(reading.forms) == 1
    assert exact([reading.forms[0].result]) == exact(EXPECTED[:1])


def test_a_results_form_missing_its_funds_header_names_the_form(tmp_path: Path) -> None:
    form = [row for row in FORMS[0] if row[0] != "项目资金（万元）"]
    path = text_file(tmp_path / "无表头.txt", [form])
    with pytest.raises(ReadError) as error:
        read_document(path)
    assert (
        str(error.value)
        == f"{path}:3: 第 1 个自评表（村干部基础职务补贴）找不到资金表头（“全年预算数”“全年执行数”所在的行）"
    )


def test_an_indicator_row_that_does_not_line_up_with_its_header_names_the_row(tmp_path: Path) -> None:
    form = [list(row) for row in FORMS[0]]
    extra = next(row for row in form if len(row) > 2 and row[2] == "经费足额拨付率")
    extra.append("多出的一格")
    path = text_file(tmp_path / "多一格.txt", [form])
    # The row starts at its blank first cell, the line before 质量指标: the 0-based index of 质量指标 is its number.
    line = path.read_text(encoding="utf-8").split("\n").index("\t质量指标")
    assert line == 80
    with pytest.raises(ReadError) as error:
        read_document(path)
    assert str(error.value) == (
        f"{path}:{line}: 第 1 个自评表（村干部基础职务补贴）的这一行应有 8 格，与其表头对齐，实际为 9 格"
    )


def test_a_title_without_a_year_takes_the_year_from_the_file_name_or_asks_for_it(tmp_path: Path) -> None:
    named = read(text_file(tmp_path / "2025-x.txt", FORMS[:2], year_line=None))
    assert named.year == 2025 and exact([form.result for form in named.forms]) == exact(EXPECTED[:2])
    unnamed = text_file(tmp_path / "x.txt", FORMS[:2], year_line=None)
    assert read(unnamed, year=2023).year == 2023  # --year
    with pytest.raises(ReadError) as error:
        read_document(unnamed)
    assert str(error.value) == f"{unnamed}: 自评表的标题和文件名都没有写明年度（如“（2024年度）”），请用 --year 指定"
