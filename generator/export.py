"""Write a department back out in the official layout of its document, as Word and as Excel.

Staff print these, or edit them and import them again; each department page offers
them. The layout is the one the readers read (`layout.py` and the model's labels), so
importing an exported file gives back the same content. A table is written the way
Word and Excel store the form: cells spanning columns, the budget's and the plan's
group labels merged down two rows, 一级指标 merged down its rows. The same department
and date always give the same bytes: zip entries carry a fixed date and the document
properties the given one.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable, Iterator
from datetime import datetime
from decimal import Decimal

import docx
import xlsxwriter
from docx.oxml.ns import qn
from docx.table import Table as WordTable

from generator import layout
from generator.model import Budget, Department, Goals, Indicator, Project, field_of, fields_of

ZIP_DATE = (1980, 1, 1, 0, 0, 0)
FORM_COLUMNS = 7  # the form's grid: a label column and six
INDICATOR_COLUMNS = tuple(f for f in fields_of(Indicator) if f.key != "id")
#: Cells of a form row: (text, columns spanned); a row covers all FORM_COLUMNS.
FormRow = list[tuple[str, int]]


def _label(cls: type, key: str) -> str:
    return field_of(cls, key).spec.label


def _amount(value: Decimal | None) -> str:
    return "" if value is None else str(value)


def _percent(value: Decimal | None) -> str:
    return "" if value is None else f"{value}%"


def _form_rows(department: Department, project: Project) -> tuple[list[FormRow], list[int]]:
    """The rows of a project's form table, and the rows whose first cell is merged with the row below."""
    rows: list[FormRow] = [
        [(f"{department.code}{department.name}", 6), (layout.MONEY_UNIT.format(unit=department.money_unit), 1)],
        [(_label(Project, "code"), 1), (project.code, 2), (_label(Project, "name"), 1), (project.name, 3)],
    ]
    optional = [(_label(Project, f.key), getattr(project, f.key)) for f in fields_of(Project) if f.spec.optional]
    present = [(label, value) for label, value in optional if value is not None]
    if len(present) == 2:
        rows.append([(present[0][0], 1), (present[0][1], 2), (present[1][0], 1), (present[1][1], 3)])
    elif present:
        rows.append([(present[0][0], 1), (present[0][1], 6)])
    budget = project.budget
    merged_down = [len(rows), len(rows) + 2]
    rows.append(
        [(layout.BUDGET_ROW, 1)]
        + [cell for f in fields_of(Budget) for cell in ((f.spec.label, 1), (_amount(getattr(budget, f.key)), 1))]
    )
    rows.append([("", 1), (project.purpose, 6)])
    points = project.plan.points()
    spans = (1, 2, 2, 1)
    rows.append([(layout.PLAN_ROW, 1)] + [(point.label, span) for point, span in zip(points, spans)])
    rows.append([("", 1)] + [(_percent(point.percent), span) for point, span in zip(points, spans)])
    rows.append([(_label(Project, "goal"), 1), (project.goal, 6)])
    return rows, merged_down


def _level1_runs(indicators: tuple[Indicator, ...]) -> Iterator[tuple[int, int]]:
    """(first, last) row index of each run of rows sharing one 一级指标: merged down on the form."""
    start = 0
    for index in range(1, len(indicators) + 1):
        if index == len(indicators) or indicators[index].level1 != indicators[start].level1:
            yield start, index - 1
            start = index


def _goal_paragraphs(department: Department) -> Iterator[tuple[str, str]]:
    """Part one's paragraphs and their Word styles: the section headings, intros and items."""
    for number, section in zip(layout.SECTION_NUMBERS, fields_of(Goals)):
        goal = getattr(department.goals, section.key)
        yield layout.SECTION_HEADING.format(number=number, label=section.spec.label), "Heading 2"
        if goal.intro is not None:
            yield goal.intro, "Normal"
        for item in goal.items:
            yield item, "Normal"


def _title(department: Department) -> str:
    return layout.DOCUMENT_TITLE.format(year=department.year, name=department.name)


def _project_title(project: Project) -> str:
    return layout.PROJECT_TITLE.format(number=project.number, name=project.name.replace("\n", " "))


# --- Word ------------------------------------------------------------------------------------


def _word_form(document: docx.document.Document, department: Department, project: Project) -> None:
    rows, merged_down = _form_rows(department, project)
    table = document.add_table(rows=len(rows), cols=FORM_COLUMNS)
    table.style = "Table Grid"
    for row_index, cells in enumerate(rows):
        column = 0
        for text, span in cells:
            cell = table.cell(row_index, column)
            if span > 1:
                cell = cell.merge(table.cell(row_index, column + span - 1))
            if text:
                cell.text = text
            column += span
    for row_index in merged_down:
        table.cell(row_index, 0).merge(table.cell(row_index + 1, 0))


def _word_indicators(document: docx.document.Document, project: Project) -> WordTable:
    table = document.add_table(rows=len(project.indicators) + 1, cols=len(INDICATOR_COLUMNS))
    table.style = "Table Grid"
    for column, field in enumerate(INDICATOR_COLUMNS):
        table.cell(0, column).text = field.spec.label
    for row_index, indicator in enumerate(project.indicators, start=1):
        for column, field in enumerate(INDICATOR_COLUMNS[1:], start=1):
            table.cell(row_index, column).text = getattr(indicator, field.key)
    for first, last in _level1_runs(project.indicators):
        cell = table.cell(first + 1, 0)
        if last > first:
            cell = cell.merge(table.cell(last + 1, 0))
        cell.text = project.indicators[first].level1
    return table


def _stable_zip(data: bytes) -> bytes:
    """The same zip with every entry dated ZIP_DATE, so that equal documents are equal bytes."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for entry in source.infolist():
            target.writestr(zipfile.ZipInfo(entry.filename, ZIP_DATE), source.read(entry), zipfile.ZIP_DEFLATED)
    return out.getvalue()


def department_docx(department: Department, *, created: datetime) -> bytes:
    """The department's document as Word writes it: part one's goals, then one form per project."""
    document = docx.Document()
    normal = document.styles["Normal"]
    normal.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), "宋体")
    document.add_paragraph(_title(department), style="Title")
    document.add_paragraph(layout.PART_ONE)
    document.add_paragraph(layout.PART_ONE_TITLE)
    for text, style in _goal_paragraphs(department):
        document.add_paragraph(text, style=style)
    document.add_paragraph(layout.PART_TWO)
    document.add_paragraph(layout.PART_TWO_TITLE)
    for project in department.projects:
        document.add_paragraph(_project_title(project), style="Heading 3")
        _word_form(document, department, project)
        document.add_paragraph()
        _word_indicators(document, project)
    properties = document.core_properties
    properties.title = _title(department)
    properties.author = properties.last_modified_by = department.name
    properties.created = properties.modified = created
    properties.revision = 1
    saved = io.BytesIO()
    document.save(saved)
    return _stable_zip(saved.getvalue())


# --- Excel -----------------------------------------------------------------------------------


def _places(value: Decimal) -> int:
    exponent = value.as_tuple().exponent
    return max(0, -exponent) if isinstance(exponent, int) else 0


def _exact_float(value: Decimal, places: int) -> float | None:
    """The value as a float when the float shows it exactly at its places; else None (kept as text)."""
    number = float(value)
    return number if format(number, f".{places}f") == format(value, f".{places}f") and value.is_finite() else None


class _Sheets:
    """One workbook's formats and sheet names."""

    def __init__(self, workbook: xlsxwriter.Workbook) -> None:
        self.workbook = workbook
        self.cell = workbook.add_format({"border": 1, "text_wrap": True, "valign": "vcenter"})
        self.title = workbook.add_format({"bold": True, "font_size": 14})
        self.heading = workbook.add_format({"bold": True})
        self.wrap = workbook.add_format({"text_wrap": True, "valign": "top"})
        self.numbers: dict[str, object] = {}
        self.names: set[str] = set()

    def number_format(self, pattern: str) -> object:
        if pattern not in self.numbers:
            self.numbers[pattern] = self.workbook.add_format({"border": 1, "valign": "vcenter", "num_format": pattern})
        return self.numbers[pattern]

    def add(self, name: str):
        """A sheet named for a person (≤ 31 characters, none Excel forbids), unique in the workbook."""
        clean = "".join("_" if char in "[]:*?/\\" else char for char in name.replace("\n", " "))[:31]
        unique, suffix = clean, 2
        while unique.lower() in self.names:
            unique = f"{clean[: 31 - len(str(suffix)) - 1]}~{suffix}"
            suffix += 1
        self.names.add(unique.lower())
        return self.workbook.add_worksheet(unique)


def _write(sheets: _Sheets, sheet, row: int, column: int, last: int, value: object, below: int = 0) -> None:
    """One form cell: text as text, an amount or percent as a number in its format; merged across or down."""
    text, number_format = (value, None) if isinstance(value, str) else value
    cell_format = sheets.cell
    if number_format is not None:
        cell_format = sheets.number_format(number_format)
    if last > column or below:
        sheet.merge_range(row, column, row + below, last, "", cell_format)
    if isinstance(text, float):
        sheet.write_number(row, column, text, cell_format)
    elif text:
        sheet.write_string(row, column, text, cell_format)
    else:
        sheet.write_blank(row, column, None, cell_format)


def _amount_cell(value: Decimal | None) -> object:
    if value is None:
        return ""
    places = _places(value)
    number = _exact_float(value, places)
    pattern = "#,##0" + ("." + "0" * places if places else "")
    return (number, pattern) if number is not None else str(value)


def _percent_cell(value: Decimal | None) -> object:
    if value is None:
        return ""
    places = _places(value / 100)
    share = value / 100
    number = _exact_float(share, places)
    pattern = "0" + ("." + "0" * (places - 2) if places > 2 else "") + "%"
    return (number, pattern) if number is not None else f"{value}%"


def _excel_project(sheets: _Sheets, department: Department, project: Project) -> None:
    sheet = sheets.add(f"{project.number}.{project.name}")
    sheet.set_column(0, 0, 16)
    sheet.set_column(1, FORM_COLUMNS - 1, 14)
    sheet.merge_range(0, 0, 0, FORM_COLUMNS - 1, "", sheets.title)
    sheet.write_string(0, 0, _project_title(project), sheets.title)
    rows, merged_down = _form_rows(department, project)
    amounts = [getattr(project.budget, f.key) for f in fields_of(Budget)]
    budget_row, plan_label_row = merged_down
    for index, cells in enumerate(rows):
        row, column = index + 1, 0
        for position, (text, span) in enumerate(cells):
            value: object = text
            if index == budget_row and position > 0 and position % 2 == 0:  # 预算数 | amount | 其中 | amount …
                value = _amount_cell(amounts[position // 2 - 1])
            elif index == plan_label_row + 1 and position > 0:
                value = _percent_cell(project.plan.points()[position - 1].percent)
            if index - 1 in merged_down and position == 0:
                column += span
                continue  # inside the merge of the row above
            below = 1 if index in merged_down and position == 0 else 0
            _write(sheets, sheet, row, column, column + span - 1, value, below)
            column += span
    first = len(rows) + 2
    for column, field in enumerate(INDICATOR_COLUMNS):
        sheet.write_string(first, column, field.spec.label, sheets.cell)
    for offset, indicator in enumerate(project.indicators, start=1):
        for column, field in enumerate(INDICATOR_COLUMNS[1:], start=1):
            _write(sheets, sheet, first + offset, column, column, getattr(indicator, field.key))
    for start, last in _level1_runs(project.indicators):
        text = project.indicators[start].level1
        _write(sheets, sheet, first + 1 + start, 0, 0, text, below=last - start)


def department_xlsx(department: Department, *, created: datetime) -> bytes:
    """The department's document as a workbook: a sheet of its goals, then one sheet per project."""
    out = io.BytesIO()
    options = {"in_memory": True, "strings_to_numbers": False, "strings_to_formulas": False, "strings_to_urls": False}
    workbook = xlsxwriter.Workbook(out, options)
    workbook.set_properties({"title": _title(department), "author": department.name, "created": created})
    sheets = _Sheets(workbook)
    goals = sheets.add(layout.PART_ONE_TITLE)
    goals.set_column(0, 0, 100)
    goals.write_string(0, 0, _title(department), sheets.title)
    goals.write_string(1, 0, layout.PART_ONE_TITLE, sheets.heading)
    for row, (text, style) in enumerate(_goal_paragraphs(department), start=2):
        goals.write_string(row, 0, text, sheets.heading if style != "Normal" else sheets.wrap)
    for project in department.projects:
        _excel_project(sheets, department, project)
    workbook.close()
    return out.getvalue()


EXPORTERS: dict[str, Callable[..., bytes]] = {".docx": department_docx, ".xlsx": department_xlsx}
