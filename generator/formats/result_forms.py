"""Write a department's 项目支出绩效自评表 in the official layout, as Word and as Excel.

One form per project with a 自评表, in the department's order: its name and code, 主管部门
and 实施单位 where known, the funds block, the year's goal and what was achieved, the
indicator table (一级指标 merged down its rows) and the total. Labels are the model's own
and the structure words `layout.py`'s, so the readers read an exported file back as the
same results (`result_form.py`); tables and merges are written by `forms.py`'s writers.
"""

from __future__ import annotations

from datetime import datetime

from generator.formats.forms import (
    Amount,
    FormCell,
    Merge,
    Percent,
    Rows,
    _Document,
    _one_line,
    _utc,
    _Workbook,
)
from generator.formats.xlsx import Properties, workbook
from generator.schema import layout
from generator.schema.model import (
    Department,
    Funds,
    FundsLine,
    IndicatorResult,
    Kind,
    ProjectResult,
    field_of,
    fields_of,
)

COLUMNS = 8  # the indicator table's eight columns; the form above spans them
WIDTHS = (14, 14, 16, 14, 14, 9, 9, 24)


def _label(key: str) -> str:
    return field_of(ProjectResult, key).spec.label


def _title(department: Department) -> str:
    return f"{department.year}年{_one_line(department.name)}{layout.RESULTS_TITLE}"


def _cell(field_kind: Kind | None, value: object) -> FormCell:
    """A figure as the form states it (amounts and scores as typed, 执行率 with %), or text."""
    if field_kind is Kind.RATE:
        return FormCell(Percent(value))  # type: ignore[arg-type]
    if field_kind in (Kind.AMOUNT, Kind.SCORE):
        return FormCell(Amount(value))  # type: ignore[arg-type]
    return FormCell("" if value is None else str(value))


def _identity(result: ProjectResult) -> Rows:
    rows: Rows = [
        [FormCell(_label("name")), FormCell(result.name, COLUMNS - 1)],
        [FormCell(_label("code")), FormCell(result.code, COLUMNS - 1)],
    ]
    present = [
        (_label(key), value) for key in ("competent_department", "implementing_unit") if (value := getattr(result, key))
    ]
    if len(present) == 2:
        (first_label, first), (second_label, second) = present
        rows.append([FormCell(first_label), FormCell(first, 3), FormCell(second_label), FormCell(second, 3)])
    elif present:
        rows.append([FormCell(present[0][0]), FormCell(present[0][1], COLUMNS - 1)])
    return rows


def _funds(result: ProjectResult) -> Rows:
    columns = fields_of(FundsLine)
    rows: Rows = [[FormCell(layout.FUNDS_ROW, 2), *(FormCell(f.spec.label) for f in columns)]]
    for line in fields_of(Funds):
        values = getattr(result.funds, line.key)
        rows.append([FormCell(line.spec.label, 2), *(_cell(f.spec.kind, getattr(values, f.key)) for f in columns)])
    return rows


def _goal(result: ProjectResult) -> Rows:
    return [
        [FormCell(layout.GOAL_ROW, 2), FormCell(_label("goal_expected"), 3), FormCell(_label("goal_achieved"), 3)],
        [FormCell(Merge.ABOVE, 2), FormCell(result.goal_expected, 3), FormCell(result.goal_achieved, 3)],
    ]


def _indicators(result: ProjectResult) -> Rows:
    columns = fields_of(IndicatorResult)
    rows: Rows = [[FormCell(f.spec.label) for f in columns]]
    above = None
    for row in result.indicators:
        cells = [_cell(f.spec.kind, getattr(row, f.key)) for f in columns]
        if row.level1 == above:
            cells[0] = FormCell(Merge.ABOVE)
        rows.append(cells)
        above = row.level1
    return rows


def _total(result: ProjectResult) -> Rows:
    weight = next(i for i, f in enumerate(fields_of(IndicatorResult)) if f.key == "weight")
    rows: Rows = [
        [
            FormCell(layout.TOTAL_ROW, weight),
            FormCell(Amount(result.total_weight)),
            FormCell(Amount(result.total_score)),
            FormCell("", COLUMNS - weight - 2),
        ]
    ]
    if result.grade is not None:
        rows.append([FormCell(_label("grade"), weight), FormCell(result.grade, COLUMNS - weight)])
    return rows


def result_form(result: ProjectResult) -> Rows:
    """One project's 自评表 as rows of cells over the form's eight grid columns."""
    return [*_identity(result), *_funds(result), *_goal(result), *_indicators(result), *_total(result)]


def _results(department: Department) -> list[ProjectResult]:
    return [project.result for project in department.projects if project.result is not None]


def results_docx(department: Department, *, created: datetime) -> bytes:
    """The department's 自评表 as one Word document: a titled table per project."""
    writer = _Document()
    writer.paragraph(_title(department), "Title")
    for result in _results(department):
        writer.paragraph(layout.RESULTS_TITLE, "Heading 3")
        writer.paragraph(layout.RESULTS_YEAR.format(year=department.year))
        writer.table(result_form(result), COLUMNS)
    return writer.save(_title(department), _one_line(department.name), created)


def results_xlsx(department: Department, *, created: datetime) -> bytes:
    """The department's 自评表 as a workbook: a sheet per project, titled with the form's title and year."""
    book = _Workbook()
    projects = {id(project.result): project for project in department.projects}
    for result in _results(department):
        project = projects[id(result)]
        sheet = book.add_sheet(f"{project.number}.{project.name}", WIDTHS, a4=True)
        sheet.merge(0, 0, 0, COLUMNS - 1, book.title)
        sheet.text(0, 0, f"{layout.RESULTS_TITLE}{layout.RESULTS_YEAR.format(year=department.year)}", book.title)
        book.table(sheet, 1, result_form(result), WIDTHS)
    properties = Properties(_title(department), _one_line(department.name), _utc(created))
    return workbook([(sheet.name, sheet.xml()) for sheet in book.sheets], book.styles, properties)


RESULT_EXPORTERS = {".docx": results_docx, ".xlsx": results_xlsx}
