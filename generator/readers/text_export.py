"""Read the text export of a 部门预算绩效目标 document (Word saved as plain text).

The export writes each table cell on a line of its own that starts with a tab; an
empty line ends a table row; a line without a tab continues the cell above (a line
break inside the cell). Part one holds the department's goals as numbered
paragraphs, part two one table per project. Cells are found by the labels the
model declares, so the form's optional fields (实施单位, 项目属性) are read wherever
the table has them. Cell text is kept verbatim; only Word's `[bookmark: …]` markers
are dropped.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from generator.model import (
    Budget,
    Department,
    Goals,
    GoalSection,
    Indicator,
    Kind,
    Project,
    SchemaField,
    SpendingPlan,
    field_of,
    fields_of,
)
from generator.readers.errors import ReadError
from generator.urls import level2_slug

BOOKMARK = re.compile(r"\[bookmark: [^\]]*\]")
PROJECT_TITLE = re.compile(r"^(\d+)[.．、](.+)绩效目标表\s*$")
NUMBERED_ITEM = re.compile(r"^\d+[、.．]")
PART_TWO = "第二部分"
UNIT_LINE = re.compile(r"^(\d+)(\S.*)$")
MONEY_UNIT = re.compile(r"^单位[:：]\s*(\S+)$")
#: The rows of the form that hold no field of their own but say where the fields are.
BUDGET_ROW = "预算规模及资金用途"
PLAN_ROW = "资金支出计划（%）"


@dataclass
class Row:
    """One table row of the export: its cells and the line it starts on."""

    line: int
    cells: list[str] = field(default_factory=list)


def _clean(text: str) -> str:
    return BOOKMARK.sub("", text)


def _squash(label: str) -> str:
    """Labels are matched without their spaces: the form writes 财政    资金."""
    return re.sub(r"\s+", "", label)


def _blank(cell: str) -> bool:
    return not cell.strip()


def parse_rows(lines: list[tuple[int, str]]) -> list[Row]:
    """Group tab-led cell lines into rows; an empty or space-only line ends a row."""
    rows: list[Row] = []
    current: Row | None = None
    for number, raw in lines:
        if raw.startswith("\t"):
            if current is None:
                current = Row(number)
                rows.append(current)
            current.cells.append(_clean(raw[1:]))
        elif raw.strip() and current is not None and current.cells:
            current.cells[-1] += "\n" + _clean(raw)
        else:
            current = None
    return rows


def _goals(lines: list[tuple[int, str]], source: Path) -> Goals:
    """Part one: each section under its heading (一、总体绩效目标 …), an intro and numbered items."""
    headings = {f"{number}、{f.spec.label}": f.key for number, f in zip("一二三", fields_of(Goals))}
    sections: dict[str, dict] = {}
    current: dict | None = None
    for _, raw in lines:
        text = _clean(raw)
        if text.strip() == PART_TWO:
            break
        heading = headings.get(text.strip())
        if heading:
            current = sections[heading] = {"intro": None, "items": []}
            continue
        if current is None or not text.strip():
            continue
        if NUMBERED_ITEM.match(text):
            current["items"].append(text)
        elif current["items"]:
            current["items"][-1] += "\n" + text
        else:
            current["intro"] = text if current["intro"] is None else current["intro"] + "\n" + text
    missing = [title for title, key in headings.items() if key not in sections]
    if missing:
        raise ReadError(source, None, f"找不到第一部分的标题：{'、'.join(missing)}")
    return Goals(
        **{key: GoalSection(intro=s["intro"], items=tuple(s["items"])) for key, s in sections.items()}
    )


def _find_row(rows: list[Row], label: str, source: Path, title_line: int) -> int:
    for index, row in enumerate(rows):
        if row.cells and _squash(row.cells[0]) == label:
            return index
    raise ReadError(source, title_line, f"项目表缺少“{label}”一行")


def _labelled(rows: list[Row], label: str) -> tuple[Row, str] | None:
    """The cell after the first cell reading `label`, and its row; None if no cell reads it."""
    for row in rows:
        squashed = [_squash(cell) for cell in row.cells]
        if label in squashed and squashed.index(label) + 1 < len(row.cells):
            return row, row.cells[squashed.index(label) + 1]
    return None


def _value(field: SchemaField, row: Row, cell: str, source: Path) -> object:
    """A cell's value for a field of the model: verbatim text, or a number read from it."""
    if _blank(cell):
        return field.blank
    text = cell.strip()
    if field.spec.kind is Kind.AMOUNT:
        number = text.replace(",", "")
        if not re.fullmatch(r"\d+(\.\d+)?", number):
            raise ReadError(source, row.line, f"“{field.spec.label}”的值“{cell}”不是金额")
        return Decimal(number)
    if field.spec.kind is Kind.PERCENT:
        match = re.fullmatch(r"(\d+(?:\.\d+)?)\s*%?", text)
        if not match:
            raise ReadError(source, row.line, f"{field.spec.label}的值“{cell}”不是百分数")
        return Decimal(match.group(1))
    if field.spec.kind is Kind.CHOICE:
        # A form writes 新增项目 where the model's choice is 新增.
        return next((choice for choice in field.spec.choices if text.startswith(choice)), text)
    return cell


def _field(cls: type, key: str, rows: list[Row], source: Path, title_line: int) -> object:
    """A required field's value, from the cell after its label."""
    field = field_of(cls, key)
    found = _labelled(rows, field.spec.label)
    if found is None:
        raise ReadError(source, title_line, f"找不到“{field.spec.label}”后面的单元格")
    return _value(field, *found, source)


def _optional_fields(rows: list[Row], source: Path) -> dict[str, object]:
    """The form's optional fields (实施单位, 项目属性 …) that this table has."""
    values = {}
    for item in fields_of(Project):
        if item.spec.optional:
            found = _labelled(rows, item.spec.label)
            if found is not None:
                values[item.key] = _value(item, *found, source)
    return values


def _plan(rows: list[Row], source: Path, title_line: int) -> SpendingPlan:
    index = _find_row(rows, PLAN_ROW, source, title_line)
    header, values = rows[index], rows[index + 1]
    labels = [_squash(cell) for cell in header.cells]
    points = {}
    for item in fields_of(SpendingPlan):
        if item.spec.label not in labels:
            raise ReadError(source, header.line, f"资金支出计划缺少“{item.spec.label}”一列")
        points[item.key] = _value(item, values, values.cells[labels.index(item.spec.label)], source)
    return SpendingPlan(**points)


def _indicators(rows: list[Row], source: Path, title_line: int) -> tuple[Indicator, ...]:
    columns = [f for f in fields_of(Indicator) if f.key != "id"]
    header = _find_row(rows, columns[0].spec.label, source, title_line)
    if [_squash(cell) for cell in rows[header].cells] != [f.spec.label for f in columns]:
        raise ReadError(source, rows[header].line, f"指标表的表头不是标准的 {len(columns)} 列")
    indicators = []
    level1 = ""
    per_level2: Counter[str] = Counter()
    for row in rows[header + 1 :]:
        if len(row.cells) != len(columns):
            raise ReadError(source, row.line, f"指标行应有 {len(columns)} 个单元格，实际为 {len(row.cells)} 个")
        cells = {f.key: cell for f, cell in zip(columns, row.cells)}
        # 一级指标 is a merged cell on the form: blank rows belong to the one above.
        level1 = cells["level1"] if not _blank(cells["level1"]) else level1
        cells["level1"] = level1
        slug = level2_slug(cells["level2"])
        per_level2[slug] += 1
        indicators.append(Indicator(id=f"{slug}-{per_level2[slug]}", **cells))
    return tuple(indicators)


def _project(number: int, title_line: int, rows: list[Row], source: Path) -> Project:
    budget_row = _find_row(rows, BUDGET_ROW, source, title_line)
    budget = Budget(**{f.key: _field(Budget, f.key, rows, source, title_line) for f in fields_of(Budget)})
    return Project(
        code=_field(Project, "code", rows, source, title_line),
        name=_field(Project, "name", rows, source, title_line),
        number=number,
        **_optional_fields(rows, source),
        budget=budget,
        purpose=rows[budget_row + 1].cells[-1],
        plan=_plan(rows, source, title_line),
        goal=_field(Project, "goal", rows, source, title_line),
        indicators=_indicators(rows, source, title_line),
        source=source,
    )


def _infer_year(text: str, source: Path) -> int:
    years = Counter(re.findall(r"(20\d\d)年", text))
    if not years:
        raise ReadError(source, None, "无法从文本推断年度，请用 --year 指定")
    return int(years.most_common(1)[0][0])


def read(source: Path, year: int | None = None) -> Department:
    """One department's export, as the model."""
    text = source.read_text(encoding="utf-8-sig")
    lines = list(enumerate(text.splitlines(), start=1))
    goals = _goals(lines, source)

    titles = [(n, PROJECT_TITLE.match(_clean(raw).strip())) for n, raw in lines]
    starts = [(n, match) for n, match in titles if match]
    if not starts:
        raise ReadError(source, None, "找不到任何“……绩效目标表”标题")
    projects = []
    unit: tuple[str, str] | None = None
    money_unit = ""
    for index, (line, match) in enumerate(starts):
        end = starts[index + 1][0] - 1 if index + 1 < len(starts) else len(lines)
        rows = parse_rows(lines[line:end])
        if not rows:
            raise ReadError(source, line, "标题后面没有表格")
        unit_match = UNIT_LINE.match(rows[0].cells[0].strip())
        money_match = MONEY_UNIT.match(rows[0].cells[-1].strip())
        if not unit_match or not money_match:
            raise ReadError(source, rows[0].line, "表格第一行应为“单位编码单位名称”和“单位：万元”")
        if unit is None:
            unit, money_unit = (unit_match.group(1), unit_match.group(2)), money_match.group(1)
        elif unit != (unit_match.group(1), unit_match.group(2)):
            raise ReadError(source, rows[0].line, "一个文件中出现了两个预算单位")
        projects.append(_project(int(match.group(1)), line, rows, source))

    assert unit is not None
    return Department(
        year=year or _infer_year(text, source),
        code=unit[0],
        name=unit[1],
        money_unit=money_unit,
        goals=goals,
        projects=tuple(projects),
        source=source,
    )
