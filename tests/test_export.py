"""A department exported to Word and Excel, read back with python-docx and openpyxl, is laid out as the official form."""

from __future__ import annotations

import hashlib
import io
import itertools
import os
import subprocess
import sys
import zipfile
from dataclasses import replace
from datetime import datetime, timedelta, timezone
from decimal import Decimal

import docx
import openpyxl
import pytest
from conftest import CONTENT, ROOT

from generator.formats.forms import EXPORTERS, department_docx, department_xlsx
from generator.schema.model import Budget, Department, Project, SpendingPlan
from generator.schema.validate import load_catalog

CREATED = datetime(2024, 3, 1, 8, 30)
SEED = load_catalog(CONTENT).departments[0]
FIRST = SEED.projects[0]  # 1.村干部基础职务补贴: 4916.86 万元, plan 20/40/60/100, six indicators
UNIT = "203001中国共产党乐亭县委员会组织部本级"


def word(department: Department = SEED) -> docx.document.Document:
    return docx.Document(io.BytesIO(department_docx(department, created=CREATED)))


def workbook(department: Department = SEED) -> openpyxl.Workbook:
    return openpyxl.load_workbook(io.BytesIO(department_xlsx(department, created=CREATED)))


def with_project(project: Project) -> Department:
    return replace(SEED, projects=(project,))


def cell_texts(table) -> list[list[str]]:
    """Every row's cells as python-docx reports them: a merged cell once per grid column it covers."""
    return [[cell.text for cell in row.cells] for row in table.rows]


def spans(table) -> list[list[int]]:
    """How many grid columns each distinct cell of a row covers."""
    return [[len(list(group)) for _, group in itertools.groupby(row.cells)] for row in table.rows]


def same(a, b) -> bool:
    """Whether two of python-docx's cells are one table cell (it makes a new object for a cell merged down)."""
    return a._tc is b._tc


def first_vmerge(rows) -> list[str | None]:
    """Each row's own first cell's vMerge as stored: restart on top of a merge, continue below it."""
    return [row._tr.tc_lst[0].vMerge for row in rows]


def sheet_values(sheet) -> list[list[object]]:
    return [[cell.value for cell in row] for row in sheet.iter_rows()]


def merged(sheet) -> set[str]:
    return {str(cell_range) for cell_range in sheet.merged_cells.ranges}


def part_one(department: Department) -> list[str]:
    goals = department.goals
    return [
        "一、总体绩效目标",
        *([goals.overall.intro] if goals.overall.intro is not None else []),
        *goals.overall.items,
        "二、分项绩效目标",
        *goals.itemized.items,
        "三、工作保障措施",
        *goals.safeguards.items,
    ]


# --- Word ------------------------------------------------------------------------------------


def test_word_document_has_the_title_then_part_one_then_part_two_with_a_titled_form_per_project() -> None:
    document = word()
    paragraphs = [(p.text, p.style.name) for p in document.paragraphs]
    titles = [(f"{p.number}.{p.name}绩效目标表", "Heading 3") for p in SEED.projects]
    assert paragraphs[:3] == [
        ("2024年中国共产党乐亭县委员会组织部本级预算绩效目标", "Title"),
        ("第一部分", "Normal"),
        ("部门整体绩效目标", "Normal"),
    ]
    assert [text for text, _ in paragraphs[3 : 3 + len(part_one(SEED))]] == part_one(SEED)
    assert [text for text, style in paragraphs if style == "Heading 2"] == [
        "一、总体绩效目标",
        "二、分项绩效目标",
        "三、工作保障措施",
    ]
    rest = paragraphs[3 + len(part_one(SEED)) :]
    assert rest[:2] == [("第二部分", "Normal"), ("预算项目绩效目标", "Normal")]
    assert rest[2:] == [paragraph for title in titles for paragraph in (title, ("", "Normal"))]
    assert len(document.tables) == 2 * len(SEED.projects) == 26


def test_word_blocks_alternate_title_form_empty_paragraph_indicators() -> None:
    body = list(word().iter_inner_content())
    first = next(i for i, block in enumerate(body) if getattr(block, "text", None) == "1.村干部基础职务补贴绩效目标表")
    kinds = [type(block).__name__ for block in body[first : first + 5]]
    assert kinds == ["Paragraph", "Table", "Paragraph", "Table", "Paragraph"]
    assert body[first + 2].text == ""


def test_word_form_table_holds_every_cell_of_the_form() -> None:
    form = word().tables[0]
    purpose, goal = FIRST.purpose, FIRST.goal
    assert cell_texts(form) == [
        [UNIT] * 6 + ["单位：万元"],
        ["项目编码", FIRST.code, FIRST.code, "项目名称", *["村干部基础职务补贴"] * 3],
        ["预算规模及资金用途", "预算数", "4916.86", "其中：财政资金", "4916.86", "其他资金", ""],
        ["预算规模及资金用途", *[purpose] * 6],
        ["资金支出计划（%）", "3月底", "6月底", "6月底", "10月底", "10月底", "12月底"],
        ["资金支出计划（%）", "20%", "40%", "40%", "60%", "60%", "100%"],
        ["绩效目标", *[goal] * 6],
    ]
    assert spans(form) == [[6, 1], [1, 2, 1, 3], [1] * 7, [1, 6], [1, 1, 2, 2, 1], [1, 1, 2, 2, 1], [1, 6]]
    assert form.style.name == "Table Grid"


def test_word_form_merges_the_budget_and_plan_labels_down_one_row() -> None:
    rows = word().tables[0].rows
    assert same(rows[3].cells[0], rows[2].cells[0])  # 预算规模及资金用途 over the purpose
    assert same(rows[5].cells[0], rows[4].cells[0])  # 资金支出计划（%） over the percentages
    assert not same(rows[2].cells[0], rows[1].cells[0])
    assert not same(rows[4].cells[0], rows[3].cells[0])
    assert not same(rows[6].cells[0], rows[5].cells[0])
    assert first_vmerge(rows) == [None, None, "restart", "continue", "restart", "continue", None]


def test_word_indicator_table_holds_every_indicator_cell_verbatim() -> None:
    table = word().tables[1]
    header = ["一级指标", "二级指标", "三级指标", "绩效指标描述", "指标值", "指标值确定依据"]
    expected = [[i.level1, i.level2, i.level3, i.description, i.value, i.basis] for i in FIRST.indicators]
    assert cell_texts(table) == [header, *expected]
    assert expected[0] == [
        "产出指标",
        "数量指标",
        *["符合村干部基础职务补贴资金发放人员"] * 2,
        "≥100%",
        "县委县政府安排",
    ]
    assert spans(table) == [[1] * 6] * 7


def test_word_indicator_table_merges_each_run_of_one_level1_down() -> None:
    rows = word().tables[1].rows
    first_column = [row.cells[0] for row in rows[1:]]
    assert [cell.text for cell in first_column] == ["产出指标"] * 4 + ["效益指标", "满意度指标"]
    assert all(same(first_column[0], cell) for cell in first_column[1:4])  # one cell, four rows
    assert not same(first_column[4], first_column[3]) and not same(first_column[5], first_column[4])
    assert not same(rows[0].cells[0], first_column[0])  # the header is not part of the run
    assert first_vmerge(rows) == [None, "restart", *["continue"] * 3, None, None]
    assert len(first_column[0].paragraphs) == 1  # its text once, not once per merged row


def test_word_level1_run_restarts_after_another_level1() -> None:
    a, b = FIRST.indicators[0], FIRST.indicators[4]  # 产出指标, 效益指标
    project = replace(FIRST, indicators=(a, a, b, a))
    rows = word(with_project(project)).tables[1].rows
    first_column = [row.cells[0] for row in rows[1:]]
    assert [cell.text for cell in first_column] == ["产出指标", "产出指标", "效益指标", "产出指标"]
    assert same(first_column[0], first_column[1])
    assert not same(first_column[2], first_column[1]) and not same(first_column[3], first_column[2])


def test_word_optional_fields_get_their_row_only_when_present() -> None:
    both = replace(FIRST, implementing_unit="乐亭县委组织部", attribute="延续")
    only_attribute = replace(FIRST, attribute="新增")
    only_unit = replace(FIRST, implementing_unit="乐亭县委组织部")
    assert cell_texts(word(with_project(both)).tables[0])[2] == [
        "实施单位",
        *["乐亭县委组织部"] * 2,
        "项目属性",
        *["延续"] * 3,
    ]
    assert cell_texts(word(with_project(only_attribute)).tables[0])[2] == ["项目属性", *["新增"] * 6]
    assert cell_texts(word(with_project(only_unit)).tables[0])[2] == ["实施单位", *["乐亭县委组织部"] * 6]
    assert len(word(with_project(both)).tables[0].rows) == 8
    assert len(word(with_project(FIRST)).tables[0].rows) == 7


def test_word_blank_amounts_and_plan_points_are_empty_cells() -> None:
    plan = SpendingPlan(mar=None, jun=Decimal("12.5"), oct=None, dec=Decimal(100))
    project = replace(FIRST, budget=Budget(total=Decimal("1700.00"), fiscal=None, other=None), plan=plan)
    rows = cell_texts(word(with_project(project)).tables[0])
    assert rows[2] == ["预算规模及资金用途", "预算数", "1700.00", "其中：财政资金", "", "其他资金", ""]
    assert rows[5] == ["资金支出计划（%）", "", "12.5%", "12.5%", "", "", "100%"]


def test_word_line_breaks_stay_inside_their_paragraph_and_cell() -> None:
    goals = replace(SEED.goals, overall=replace(SEED.goals.overall, intro="第一行\n第二行"))
    project = replace(FIRST, purpose="用途一\n用途二")
    document = word(replace(SEED, goals=goals, projects=(project,)))
    assert document.paragraphs[3].text == "一、总体绩效目标"
    assert document.paragraphs[4].text == "第一行\n第二行"
    assert cell_texts(document.tables[0])[3][1] == "用途一\n用途二"
    assert len(document.tables[0].rows[3].cells[1].paragraphs) == 1


def test_word_records_the_given_date_and_title() -> None:
    properties = word().core_properties
    assert properties.created == properties.modified == CREATED.replace(tzinfo=timezone.utc)
    assert properties.title == "2024年中国共产党乐亭县委员会组织部本级预算绩效目标"
    assert properties.revision == 1
    assert properties.last_modified_by == "中国共产党乐亭县委员会组织部本级"


# --- Excel -----------------------------------------------------------------------------------


def test_excel_has_a_goals_sheet_then_one_sheet_per_project() -> None:
    names = workbook().sheetnames
    assert names[0] == "部门整体绩效目标"
    assert names[1:] == [f"{p.number}.{p.name}" for p in SEED.projects]
    assert names[1] == "1.村干部基础职务补贴"


def test_excel_goals_sheet_has_the_title_then_one_row_per_paragraph_of_part_one() -> None:
    sheet = workbook()["部门整体绩效目标"]
    assert sheet.max_column == 1
    assert [row[0] for row in sheet_values(sheet)] == [
        "2024年中国共产党乐亭县委员会组织部本级预算绩效目标",
        "部门整体绩效目标",
        *part_one(SEED),
    ]
    assert sheet["A4"].alignment.wrap_text
    assert sheet.column_dimensions["A"].width >= 80


def test_excel_project_sheet_holds_the_form_then_the_indicators() -> None:
    sheet = workbook()["1.村干部基础职务补贴"]
    purpose, goal = FIRST.purpose, FIRST.goal
    header = ["一级指标", "二级指标", "三级指标", "绩效指标描述", "指标值", "指标值确定依据"]
    indicators = [[i.level1, i.level2, i.level3, i.description, i.value, i.basis, None] for i in FIRST.indicators]
    for row in indicators[1:4]:
        row[0] = None  # inside 产出指标's merged range
    assert sheet_values(sheet) == [
        ["1.村干部基础职务补贴绩效目标表", *[None] * 6],
        [UNIT, *[None] * 5, "单位：万元"],
        ["项目编码", FIRST.code, None, "项目名称", "村干部基础职务补贴", None, None],
        ["预算规模及资金用途", "预算数", 4916.86, "其中：财政资金", 4916.86, "其他资金", None],
        [None, purpose, *[None] * 5],
        ["资金支出计划（%）", "3月底", "6月底", None, "10月底", None, "12月底"],
        [None, 0.2, 0.4, None, 0.6, None, 1],
        ["绩效目标", goal, *[None] * 5],
        [None] * 7,
        [*header, None],
        *indicators,
    ]


def test_excel_project_sheet_merges_every_span_of_the_form() -> None:
    sheet = workbook()["1.村干部基础职务补贴"]
    assert merged(sheet) == {
        "A1:G1",  # the title
        "A2:F2",  # the unit
        "B3:C3",  # 项目编码's value
        "E3:G3",  # 项目名称's value
        "A4:A5",  # 预算规模及资金用途, down
        "B5:G5",  # the purpose
        "A6:A7",  # 资金支出计划（%）, down
        "C6:D6",  # 6月底
        "E6:F6",  # 10月底
        "C7:D7",
        "E7:F7",
        "B8:G8",  # the goal
        "A11:A14",  # 产出指标 over its four rows
    }


def test_excel_amounts_and_plan_points_are_numbers_in_their_formats() -> None:
    sheet = workbook()["1.村干部基础职务补贴"]
    assert isinstance(sheet["C4"].value, float) and sheet["C4"].value == 4916.86
    assert sheet["C4"].number_format == "#,##0.00"
    assert sheet["G4"].value is None and sheet["G4"].border.left.style == "thin"  # 其他资金 blank, boxed
    assert sheet["B7"].value == 0.2 and sheet["B7"].number_format == "0%"
    assert sheet["G7"].value == 1 and sheet["G7"].number_format == "0%"
    second = workbook()["2.村干部绩效补贴"]
    assert second["C4"].value == 1700.0 and second["C4"].number_format == "#,##0.00"


def test_excel_number_formats_follow_the_decimal_places_and_keep_inexact_values_as_text() -> None:
    budget = Budget(total=Decimal("1E+3"), fiscal=Decimal("12.345"), other=Decimal("12345678901234567.89"))
    plan = SpendingPlan(mar=Decimal("12.5"), jun=Decimal("33.33"), oct=None, dec=Decimal(100))
    sheet = workbook(with_project(replace(FIRST, budget=budget, plan=plan))).worksheets[1]
    assert (sheet["C4"].value, sheet["C4"].data_type) == ("1E+3", "s")  # exponent form: kept as typed
    assert (sheet["E4"].value, sheet["E4"].number_format) == (12.345, "#,##0.000")
    assert (sheet["G4"].value, sheet["G4"].data_type) == ("12345678901234567.89", "s")  # beyond a float
    assert (sheet["B7"].value, sheet["B7"].number_format) == (0.125, "0.0%")
    assert (sheet["C7"].value, sheet["C7"].number_format) == (0.3333, "0.00%")
    assert sheet["E7"].value is None
    assert (sheet["G7"].value, sheet["G7"].number_format) == (1, "0%")


def test_excel_optional_fields_get_their_row_only_when_present() -> None:
    both = replace(FIRST, implementing_unit="乐亭县委组织部", attribute="延续")
    sheet = workbook(with_project(both)).worksheets[1]
    assert sheet_values(sheet)[3] == ["实施单位", "乐亭县委组织部", None, "项目属性", "延续", None, None]
    assert {"B4:C4", "E4:G4", "A5:A6", "A7:A8"} <= merged(sheet)
    only = workbook(with_project(replace(FIRST, attribute="新增"))).worksheets[1]
    assert sheet_values(only)[3] == ["项目属性", "新增", *[None] * 5]
    assert "B4:G4" in merged(only)
    assert sheet_values(workbook(with_project(FIRST)).worksheets[1])[3][0] == "预算规模及资金用途"


def test_excel_level1_run_restarts_after_another_level1() -> None:
    a, b = FIRST.indicators[0], FIRST.indicators[4]
    sheet = workbook(with_project(replace(FIRST, indicators=(a, a, b, a)))).worksheets[1]
    assert [sheet.cell(row, 1).value for row in range(11, 15)] == ["产出指标", None, "效益指标", "产出指标"]
    assert {r for r in merged(sheet) if r.startswith("A1") and r != "A1:G1"} == {"A11:A12"}


# --- Both ------------------------------------------------------------------------------------

HOSTILE = "<script>alert(1)</script>"


def hostile_department() -> Department:
    indicator = replace(FIRST.indicators[0], level3='=HYPERLINK("http://example.com")', value="+1", basis="@SUM(A1)")
    project = replace(FIRST, name=HOSTILE, purpose="=1+1", goal="http://example.com/?a=<b>", indicators=(indicator,))
    goals = replace(SEED.goals, overall=replace(SEED.goals.overall, intro="=cmd|' /C calc'!A0"))
    return replace(SEED, name=f"{HOSTILE}&amp;", goals=goals, projects=(project,))


def test_hostile_text_stays_literal_text_in_word() -> None:
    document = word(hostile_department())
    assert document.paragraphs[0].text == f"2024年{HOSTILE}&amp;预算绩效目标"
    assert document.paragraphs[4].text == "=cmd|' /C calc'!A0"
    rows = cell_texts(document.tables[0])
    assert rows[0][0] == f"203001{HOSTILE}&amp;"
    assert rows[1][4] == HOSTILE
    assert rows[3][1] == "=1+1"
    level3, _, value, basis = cell_texts(document.tables[1])[1][2:6]
    assert (level3, value, basis) == ('=HYPERLINK("http://example.com")', "+1", "@SUM(A1)")


def test_hostile_text_stays_literal_text_in_excel() -> None:
    data = department_xlsx(hostile_department(), created=CREATED)
    book = openpyxl.load_workbook(io.BytesIO(data))
    sheet = book.worksheets[1]
    assert book.sheetnames[1] == "1.<script>alert(1)<_script>"  # "/" is not allowed in a sheet name
    assert sheet["A1"].value == f"1.{HOSTILE}绩效目标表"
    assert sheet["B5"].value == "=1+1" and sheet["B5"].data_type == "s"
    assert sheet["C11"].value == '=HYPERLINK("http://example.com")' and sheet["C11"].data_type == "s"
    assert sheet["E11"].value == "+1" and sheet["F11"].value == "@SUM(A1)"
    assert book.worksheets[0]["A4"].value == "=cmd|' /C calc'!A0"
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        sheets = [package.read(name) for name in package.namelist() if name.startswith("xl/worksheets/sheet")]
        assert not any(b"<f>" in xml for xml in sheets)  # no formula anywhere
        assert not any(name.startswith("xl/worksheets/_rels") for name in package.namelist())  # no hyperlink


def test_sheet_names_are_unique_short_and_allowed_for_long_duplicate_and_odd_names() -> None:
    long = "农村党建综合服务中心建设及村级组织活动场所维修改造专项经费"
    projects = (
        replace(FIRST, number=1, name=long + "甲"),
        replace(FIRST, number=1, name=long + "乙"),
        replace(FIRST, number=1, name=long + "丙"),
        replace(FIRST, number=2, name="abc"),
        replace(FIRST, number=2, name="Abc"),
        replace(FIRST, number=3, name="a/b:c*d?[e]\\f"),
        replace(FIRST, number=4, name="😀" * 40),
        replace(FIRST, number=5, name="部门整体\n绩效目标'"),
    )
    names = workbook(replace(SEED, projects=projects)).sheetnames
    assert len({name.lower() for name in names}) == len(names) == 9
    assert all(len(name.encode("utf-16-le")) // 2 <= 31 for name in names)
    assert names[1] == f"1.{long}"[:31]
    assert names[2].endswith("(2)") and names[3].endswith("(3)")
    assert names[4:6] == ["2.abc", "2.Abc(2)"]
    assert names[6] == "3.a_b_c_d__e__f"
    assert names[8] == "5.部门整体 绩效目标_"


def test_exporters_are_registered_by_extension() -> None:
    assert EXPORTERS == {".docx": department_docx, ".xlsx": department_xlsx}


@pytest.mark.parametrize("suffix", [".docx", ".xlsx"])
def test_the_same_department_and_date_give_the_same_bytes(suffix: str) -> None:
    export = EXPORTERS[suffix]
    first = export(SEED, created=CREATED)
    assert export(SEED, created=CREATED) == first
    assert export(SEED, created=CREATED + timedelta(days=1)) != first  # the date is in the file
    aware = CREATED.replace(tzinfo=timezone(timedelta(hours=8))) + timedelta(hours=8)
    assert export(SEED, created=aware) == first  # the same instant in UTC+8
    with zipfile.ZipFile(io.BytesIO(first)) as package:
        assert {entry.date_time for entry in package.infolist()} == {(1980, 1, 1, 0, 0, 0)}


def test_the_bytes_are_the_same_in_other_processes_whatever_their_hash_seed() -> None:
    script = (
        "import hashlib, sys; from datetime import datetime; from pathlib import Path;"
        "from generator.formats.forms import EXPORTERS; from generator.schema.validate import load_catalog;"
        f"d = load_catalog(Path({str(CONTENT)!r})).departments[0];"
        "print(*(hashlib.sha256(EXPORTERS[s](d, created=datetime(2024, 3, 1, 8, 30))).hexdigest() for s in EXPORTERS))"
    )
    runs = [
        subprocess.Popen(
            [sys.executable, "-c", script],
            cwd=ROOT,
            env={**os.environ, "PYTHONHASHSEED": seed},
            stdout=subprocess.PIPE,
            text=True,
        )
        for seed in ("1", "2")
    ]
    outputs = [run.communicate(timeout=120)[0].split() for run in runs]
    here = [hashlib.sha256(EXPORTERS[suffix](SEED, created=CREATED)).hexdigest() for suffix in EXPORTERS]
    assert outputs == [here, here]
