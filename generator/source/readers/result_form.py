"""Read each project's 项目支出绩效自评表 from a document's blocks, every cell by its label.

A 自评表 file holds one form per project (a Word table, an Excel sheet, a table of a
text export), each beginning with its 项目名称 row. Labels are the model's own
(`ProjectResult`, `Funds`, `FundsLine`, `IndicatorResult`) compared in `label_key`'s one
normal form, and the funds block and the indicator table are read under their header
rows, so a county's form may leave a column out or print it elsewhere. Which project a
form belongs to is the importer's question: a form without 项目编码 is read with the code
blank and its 主管部门 and 实施单位 as printed.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from generator.schema import layout
from generator.schema.model import (
    Funds,
    FundsLine,
    IndicatorResult,
    Kind,
    ProjectResult,
    SchemaField,
    field_of,
    fields_of,
)
from generator.schema.validate import CHECKS
from generator.source.readers.blocks import Block, Cell, Paragraph, Place, Row
from generator.source.readers.errors import ReadError
from generator.source.readers.form import YEAR_IN_NAME, aligned, cell_value, label_key, trimmed

#: The columns an indicator table of a 自评表 must have; the others (分值, 得分, the reason) may be left out.
REQUIRED_COLUMNS = ("level1", "level2", "level3", "actual")
TOTAL_KEYS = {label_key(label) for label in layout.TOTAL_ROW_ALIASES}
NUMBER = re.compile(r"\d+(\.\d+)?")


def label_keys(field: SchemaField) -> set[str]:
    return {label_key(label) for label in field.spec.labels}


@dataclass(frozen=True)
class ResultForm:
    """One project's 自评表 as read, and where it is in its file."""

    result: ProjectResult  # its code is "" when the form prints none
    number: int  # its order in the file, from 1
    place: Place  # its 项目名称 row

    @property
    def described(self) -> str:
        return f"第 {self.number} 个自评表（{self.result.name}）"


@dataclass(frozen=True)
class ResultsReading:
    """The 自评表 of one file, the year they report on, and what the reader had to assume."""

    year: int
    forms: tuple[ResultForm, ...]
    source: Path
    warnings: tuple[str, ...] = ()


def _keys_of(row: Row) -> list[str]:
    return [label_key(cell.text) for cell in row.cells]


def _column(keys: Sequence[str], field: SchemaField) -> int | None:
    wanted = label_keys(field)
    return next((index for index, key in enumerate(keys) if key in wanted), None)


def is_results_header(row: Row) -> bool:
    """Whether a row is a 自评表's indicator header: 一级指标, 二级指标, 三级指标 and 实际完成值 among its cells."""
    keys = _keys_of(row)
    return all(_column(keys, field_of(IndicatorResult, key)) is not None for key in REQUIRED_COLUMNS)


def is_results(blocks: Sequence[Block]) -> bool:
    """Whether a document is a 自评表: titled as one, or with a 自评表's indicator header."""
    return any(
        layout.RESULTS_TITLE_PATTERN.match(block.text) if isinstance(block, Paragraph) else is_results_header(block)
        for block in blocks
    )


@dataclass
class _Form:
    """One project's rows, and where to say a problem is."""

    source: Path
    number: int
    name: str
    rows: list[Row]

    @property
    def place(self) -> Place:
        return self.rows[0].place

    def fail(self, message: str, place: Place | None = None) -> ReadError:
        return ReadError(self.source, f"第 {self.number} 个自评表（{self.name}）{message}", place or self.place)

    def value(self, field: SchemaField, cell: Cell) -> object:
        value, problem = cell_value(field, cell.text)
        if problem is not None:
            raise self.fail(problem, cell.place)
        return value

    def labelled(self, field: SchemaField, rows: Sequence[Row]) -> Cell | None:
        """The cell after the field's label in `rows`; a label ending its row has a blank value."""
        keys = label_keys(field)
        for row in rows:
            for index, cell in enumerate(row.cells):
                if label_key(cell.text) in keys:
                    return row.cells[index + 1] if index + 1 < len(row.cells) else Cell("", row.place, None)
        return None

    def find(self, test, start: int = 0, what: str = "") -> int:
        """The index of the first row from `start` that passes `test`; ReadError saying `what` is missing."""
        found = next((i for i in range(start, len(self.rows)) if test(self.rows[i])), None)
        if found is None:
            raise self.fail(f"找不到{what}")
        return found

    def under(self, header: Row, row: Row) -> list[Cell]:
        cells = aligned(header, row)
        if cells is None:
            raise self.fail(f"的这一行应有 {len(header.cells)} 格，与其表头对齐，实际为 {len(row.cells)} 格", row.place)
        return cells


def _funds(form: _Form, start: int, end: int) -> tuple[Funds, int]:
    """The funds block under its header (年初预算数, 全年预算数, 全年执行数 …), and the row after it."""
    budget_keys = label_keys(field_of(FundsLine, "budget")) | label_keys(field_of(FundsLine, "executed"))
    header_index = form.find(
        lambda row: budget_keys <= set(_keys_of(row)), start,
        "资金表头（“全年预算数”“全年执行数”所在的行）",
    )  # fmt: skip
    header = trimmed_row(form.rows[header_index])
    keys = _keys_of(header)
    columns = {f.key: _column(keys, f) for f in fields_of(FundsLine)}
    lines: dict[str, FundsLine] = {}
    last = header_index
    for group in fields_of(Funds):
        wanted = label_keys(group)
        index = next((i for i in range(header_index + 1, end) if wanted & set(_keys_of(form.rows[i]))), None)
        if index is None:
            if group.key == "total":
                raise form.fail(f"找不到“{group.spec.label}”一行", header.place)
            lines[group.key] = FundsLine()
            continue
        last = max(last, index)
        if sum(1 for cell in form.rows[index].cells if cell.text) == 1:  # the label alone: every figure blank
            lines[group.key] = FundsLine()
            continue
        cells = form.under(header, trimmed_row(form.rows[index], len(header.cells)))
        lines[group.key] = FundsLine(
            **{
                f.key: form.value(f, cells[column]) if column is not None else None
                for f, column in ((f, columns[f.key]) for f in fields_of(FundsLine))
            }
        )
    return Funds(**lines), last + 1


def trimmed_row(row: Row, width: int | None = None) -> Row:
    """The row without its trailing blank cells, kept to `width` cells when its blanks reach that far."""
    cells = trimmed(row)
    if width is not None and len(cells) < width <= len(row.cells):
        cells = row.cells[:width]
    return Row(tuple(cells), row.place)


def _goal(form: _Form, start: int, end: int) -> tuple[str, str]:
    """预期目标 and 实际完成情况: under their header row, or each after its label."""
    expected, achieved = field_of(ProjectResult, "goal_expected"), field_of(ProjectResult, "goal_achieved")
    for index in range(start, end - 1):
        keys = _keys_of(form.rows[index])
        columns = (_column(keys, expected), _column(keys, achieved))
        if None not in columns:
            header = form.rows[index]
            below = next((row for row in form.rows[index + 1 : end] if any(c.text for c in row.cells)), None)
            if below is None:
                return "", ""
            cells = form.under(header, below)
            return cells[columns[0]].text, cells[columns[1]].text
    rows = form.rows[start:end]
    return tuple(  # type: ignore[return-value]
        cell.text if (cell := form.labelled(field, rows)) is not None else "" for field in (expected, achieved)
    )


def _indicators(form: _Form, header_index: int) -> tuple[tuple[IndicatorResult, ...], int]:
    """The indicator rows under their header, 一级 and 二级 merged down their rows; and the row after them."""
    header = trimmed_row(form.rows[header_index])
    keys = _keys_of(header)
    columns = {f.key: _column(keys, f) for f in fields_of(IndicatorResult)}
    rows = []
    level1 = level2 = ""
    index = header_index + 1
    while index < len(form.rows):
        row = form.rows[index]
        first = next((label_key(c.text) for c in row.cells if c.text), None)
        if first is None:
            index += 1
            continue
        if first in TOTAL_KEYS or first in label_keys(field_of(ProjectResult, "grade")):
            break
        cells = form.under(header, trimmed_row(row, len(header.cells)))
        values = {
            f.key: form.value(f, cells[column]) if column is not None else f.blank
            for f, column in ((f, columns[f.key]) for f in fields_of(IndicatorResult))
        }
        level1 = values["level1"] or level1
        level2 = values["level2"] or level2
        if not level1 or not level2:
            raise form.fail("的第一条指标的“一级指标”或“二级指标”为空", row.place)
        if not values["level3"]:
            raise form.fail("的指标行“三级指标”为空", row.place)
        rows.append(IndicatorResult(**{**values, "level1": level1, "level2": level2}))
        index += 1
    if not rows:
        raise form.fail("的绩效指标表没有指标行", header.place)
    return tuple(rows), index


def _total(form: _Form, header: Row, index: int) -> tuple[object, object]:
    """总分's 分值 and 得分: under the indicator table's columns, or the numbers after the label."""
    if index >= len(form.rows):
        return None, None
    row = form.rows[index]
    if label_key(next(c.text for c in row.cells if c.text)) not in TOTAL_KEYS:
        return None, None
    weight, score = field_of(ProjectResult, "total_weight"), field_of(ProjectResult, "total_score")
    keys = _keys_of(trimmed_row(header))
    cells = aligned(trimmed_row(header), trimmed_row(row, len(trimmed_row(header).cells)))
    columns = _column(keys, field_of(IndicatorResult, "weight")), _column(keys, field_of(IndicatorResult, "score"))
    if cells is not None and None not in columns and any(cells[c].text for c in columns):  # type: ignore[index]
        return form.value(weight, cells[columns[0]]), form.value(score, cells[columns[1]])  # type: ignore[index]
    label_at = next(i for i, c in enumerate(row.cells) if label_key(c.text) in TOTAL_KEYS)
    numbers = []
    for cell in row.cells[label_at + 1 :]:
        if NUMBER.fullmatch(cell.text.replace(",", "")):
            numbers.append(cell)
        elif cell.text:
            break
    if len(numbers) >= 2:
        return form.value(weight, numbers[0]), form.value(score, numbers[1])
    return None, form.value(score, numbers[0]) if numbers else None


def _code(form: _Form, rows: Sequence[Row]) -> str:
    field = field_of(ProjectResult, "code")
    cell = form.labelled(field, rows)
    if cell is None or not cell.text:
        return ""
    _, problem = CHECKS[Kind.CODE](cell.text, field)
    if problem is not None:
        raise form.fail(f"的“{field.spec.label}”{problem}", cell.place)
    return cell.text


def _result(form: _Form) -> ProjectResult:
    funds_header = form.find(
        lambda row: label_keys(field_of(FundsLine, "executed")) <= set(_keys_of(row)),
        0,
        "资金表头（“全年预算数”“全年执行数”所在的行）",
    )
    indicator_header = form.find(
        is_results_header, funds_header, "绩效指标表的表头（一级指标、二级指标、三级指标、实际完成值）"
    )
    identity = form.rows[:funds_header]
    funds, after_funds = _funds(form, funds_header, indicator_header)
    expected, achieved = _goal(form, after_funds, indicator_header)
    indicators, after = _indicators(form, indicator_header)
    total_weight, total_score = _total(form, form.rows[indicator_header], after)
    optional = {}
    for key in ("competent_department", "implementing_unit"):
        cell = form.labelled(field_of(ProjectResult, key), identity)
        if cell is not None:
            optional[key] = cell.text or None
    grade = form.labelled(field_of(ProjectResult, "grade"), form.rows[after:])
    if grade is not None and grade.text:
        optional["grade"] = form.value(field_of(ProjectResult, "grade"), grade)
    return ProjectResult(
        code=_code(form, identity),
        name=form.name,
        **optional,
        published=None,
        funds=funds,
        goal_expected=expected,
        goal_achieved=achieved,
        indicators=indicators,
        total_weight=total_weight,
        total_score=total_score,
        source=form.source,
    )


def _forms(blocks: Sequence[Block], source: Path) -> list[_Form]:
    """Each form's rows, a form beginning at its 项目名称 row.

    A paragraph among them is a row of one cell: a workbook's row whose only text is its
    label (年度资金总额 with every figure blank) reads as a paragraph.
    """
    name_keys = label_keys(field_of(ProjectResult, "name"))
    rows = [block if isinstance(block, Row) else Row((Cell(block.text, block.place),), block.place) for block in blocks]
    starts = [
        i for i, row in enumerate(rows) if next((label_key(c.text) for c in row.cells if c.text), None) in name_keys
    ]
    forms = []
    for position, start in enumerate(starts):
        end = starts[position + 1] if position + 1 < len(starts) else len(rows)
        cells = [c for c in rows[start].cells if c.text]
        name = cells[1].text if len(cells) > 1 else ""
        form = _Form(source, position + 1, name, rows[start:end])
        if not name:
            raise form.fail("的“项目名称”为空")
        forms.append(form)
    return forms


def _year(blocks: Sequence[Block], source: Path) -> int:
    """The year a file's forms report on: from their title （2024年度）, else from the file's name."""
    for block in blocks:
        if isinstance(block, Paragraph):
            match = layout.RESULTS_TITLE_PATTERN.match(block.text) or layout.RESULTS_YEAR_PATTERN.match(block.text)
            if match and match.group(1):
                return int(match.group(1))
    named = set(YEAR_IN_NAME.findall(source.stem))
    if len(named) == 1:
        return int(named.pop())
    year = layout.RESULTS_YEAR.format(year=2024)
    raise ReadError(source, f"自评表的标题和文件名都没有写明年度（如“{year}”），请用 --year 指定")


def read_results(blocks: Sequence[Block], source: Path, year: int | None = None) -> ResultsReading:
    """The 自评表 of one document's blocks, one per project."""
    forms = _forms(blocks, source)
    if not forms:
        raise ReadError(source, f"这是{layout.RESULTS_TITLE}，但找不到任何“项目名称”一行（每个项目的自评表应以它开始）")
    results = tuple(ResultForm(_result(form), form.number, form.place) for form in forms)
    return ResultsReading(year if year is not None else _year(blocks, source), results, source)
