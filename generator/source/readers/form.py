"""Read a department from its document's blocks, finding every cell by its label.

Counties' forms differ in where a cell sits and in how a label is printed (预算数 or
年度预算数, 财政    资金 with spaces, （%） or (%)), so a value is the cell after its
label, and labels are compared in one normal form (`label_key`). The labels are the
model's own (`Spec.labels`); only the words that structure the document come from
`layout.py`. Cell text is kept verbatim inside; amounts and percents are read as exact
decimals, with thousands separators and full-width digits allowed.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from generator.schema import layout
from generator.schema.ids import level2_slug
from generator.schema.load import DEPARTMENT_FILE
from generator.schema.model import (
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
    optional_fields,
)
from generator.schema.validate import CHECKS
from generator.source.readers.blocks import Block, Cell, Paragraph, Place, Row
from generator.source.readers.errors import ReadError

NUMBERED_ITEM = re.compile(r"^\d+[、.．]")
AMOUNT = re.compile(r"\d+(\.\d+)?")
PERCENT = re.compile(r"(\d+(?:\.\d+)?)\s*%?")
YEAR_MENTION = re.compile(r"(20\d\d)年")
#: A year in a file's name, as clerks name them: 2024年组织部.docx, 2024-203001.txt (not inside 203001).
YEAR_IN_NAME = re.compile(r"(?<!\d)(20\d\d)(?!\d)")
#: A project's file is named by its code, so no project may be coded as the department's file.
RESERVED_CODE = DEPARTMENT_FILE.removesuffix(".yaml")
INDICATOR_COLUMNS = tuple(f for f in fields_of(Indicator) if f.key != "id")


def label_key(text: str) -> str:
    """A label in the one form labels are compared in: 其中：财政    资金 and 财政资金 are one label."""
    key = re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))
    return key.removeprefix("其中:")


#: The labels whose value is the cell after them, in the form's part above the indicators.
VALUE_LABELS = {
    label_key(label)
    for field in (
        *(f for cls in (Project, Budget) for f in fields_of(cls) if f.is_scalar and f.key != "number"),
        *optional_fields(Department),
    )
    for label in field.spec.labels
}


@dataclass(frozen=True)
class Reading:
    """A department read from a file, and what the reader had to assume."""

    department: Department
    warnings: tuple[str, ...] = ()


def _keys(field: SchemaField) -> set[str]:
    return {label_key(label) for label in field.spec.labels}


@dataclass
class _Table:
    """One project's table: its title and rows, and where to say a problem is."""

    source: Path
    number: int
    name: str
    title: Paragraph
    rows: list[Row]

    def fail(self, message: str, place: Place | None = None) -> ReadError:
        return ReadError(self.source, f"第 {self.number} 个项目表（{self.name}）{message}", place or self.title.place)

    def labelled(self, field: SchemaField, rows: Sequence[Row] | None = None) -> tuple[Row, Cell] | None:
        """The row and the cell after the field's label; a label ending its row has a blank value.

        The cell after any label is that label's value, never a label itself: a project
        named 其他 is not the label of 其他资金.
        """
        keys = _keys(field)
        for row in self.rows if rows is None else rows:
            index = 0
            while index < len(row.cells):
                key = label_key(row.cells[index].text)
                after = row.cells[index + 1] if index + 1 < len(row.cells) else Cell("", row.place, None)
                if key in keys:
                    return row, after
                index += 2 if key in VALUE_LABELS else 1
        return None

    def value(self, field: SchemaField, cell: Cell) -> object:
        """A cell's value for a field: verbatim text, or an exact number read from it."""
        value, problem = cell_value(field, cell.text)
        if problem is not None:
            raise self.fail(problem, cell.place)
        return value

    def form(self) -> list[Row]:
        """The rows above the indicators' header: the form's labelled cells."""
        header_index = next((i for i, row in enumerate(self.rows) if is_indicator_header(row)), None)
        if header_index is None:
            labels = "、".join(c.spec.label for c in INDICATOR_COLUMNS)
            raise self.fail(f"找不到绩效指标表的表头（{labels}）")
        return self.rows[:header_index]

    def cell(self, cls: type, key: str, rows: Sequence[Row] | None = None) -> Cell:
        """The cell after a field's label; the label must be on the form."""
        field = field_of(cls, key)
        found = self.labelled(field, rows)
        if found is None:
            raise self.fail(f"找不到“{field.spec.label}”一格")
        return found[1]

    def field(self, cls: type, key: str, rows: Sequence[Row] | None = None) -> object:
        """A field's value from the cell after its label."""
        return self.value(field_of(cls, key), self.cell(cls, key, rows))

    def code(self, cls: type, key: str, text: str, place: Place, example: str) -> str:
        """A code, checked as soon as it is read: it names a folder or a file under content/."""
        field = field_of(cls, key)
        label = field.spec.label
        if not text:
            raise self.fail(f"的“{label}”为空（应为字母和数字组成的编码，如 {example}）", place)
        _, problem = CHECKS[Kind.CODE](text, field)
        if problem is not None:
            raise self.fail(f"的“{label}”{problem}", place)
        if text.casefold() == RESERVED_CODE:
            raise self.fail(f"的“{label}”不能是“{text}”（这是部门文件 {DEPARTMENT_FILE} 的名字）", place)
        return text


#: What a form prints in a number's cell that does not apply (the 分值 of 其中：财政拨款): no value.
NOT_APPLICABLE = {"—", "——", "-", "－", "/", "／", "─"}


def cell_value(field: SchemaField, text: str) -> tuple[object, str | None]:
    """A cell's value for a field, verbatim text or an exact number; or what is wrong with it.

    Amounts, scores and percents are read with thousands separators and full-width digits.
    """
    if not text:
        return field.blank, None
    label = field.spec.label
    if field.spec.kind in (Kind.AMOUNT, Kind.SCORE, Kind.RATE, Kind.PERCENT) and text in NOT_APPLICABLE:
        return field.blank, None
    if field.spec.kind in (Kind.AMOUNT, Kind.SCORE):
        number = unicodedata.normalize("NFKC", text).replace(",", "")
        if not AMOUNT.fullmatch(number):
            what = "金额（应为数字，如 4916.86）" if field.spec.kind is Kind.AMOUNT else "分数（应为数字，如 12.5）"
            return None, f"“{label}”的值“{text}”不是{what}"
        return Decimal(number), None
    if field.spec.kind in (Kind.PERCENT, Kind.RATE):
        match = PERCENT.fullmatch(unicodedata.normalize("NFKC", text).replace(",", ""))
        if not match:
            return None, f"“{label}”的值“{text}”不是百分数（应为数字，如 20% 或 20）"
        return Decimal(match.group(1)), None
    if field.spec.kind is Kind.CHOICE:
        # A form writes 新增项目 where the model's choice is 新增, 优秀 where it is 优.
        return next((choice for choice in field.spec.choices if text.startswith(choice)), text), None
    return text, None


def aligned(header: Row, row: Row) -> list[Cell] | None:
    """The row's cells under each header cell: by order when they match one to one, else by grid column."""
    if len(row.cells) == len(header.cells):
        return list(row.cells)
    if any(cell.column is None for cell in (*header.cells, *row.cells)):
        return None
    by_column = {cell.column: cell for cell in row.cells}
    aligned = [by_column.pop(cell.column, Cell("", row.place, cell.column)) for cell in header.cells]
    return aligned if not any(cell.text for cell in by_column.values()) else None


def trimmed(row: Row) -> tuple[Cell, ...]:
    cells = list(row.cells)
    while cells and not cells[-1].text:
        cells.pop()
    return tuple(cells)


def is_indicator_header(row: Row) -> bool:
    """Whether the row is the indicator table's header (一级指标, 二级指标, …), blank cells after it aside."""
    keys = [label_key(cell.text) for cell in trimmed(row)]
    return len(keys) == len(INDICATOR_COLUMNS) and all(
        key in _keys(column) for key, column in zip(keys, INDICATOR_COLUMNS)
    )


def _indicators(table: _Table, header_index: int) -> tuple[Indicator, ...]:
    header = Row(trimmed(table.rows[header_index]), table.rows[header_index].place)
    indicators = []
    level1 = ""
    per_level2: Counter[str] = Counter()
    for row in table.rows[header_index + 1 :]:
        if not any(cell.text for cell in row.cells):
            continue
        cells = aligned(header, row)
        if cells is None:
            raise table.fail(
                f"指标行应有 {len(header.cells)} 格（{'、'.join(c.spec.label for c in INDICATOR_COLUMNS)}），"
                f"实际为 {len(row.cells)} 格",
                row.place,
            )
        values = {column.key: cell.text for column, cell in zip(INDICATOR_COLUMNS, cells)}
        # 一级指标 is merged down its rows on the form: a blank cell belongs to the one above.
        level1 = values["level1"] or level1
        if not level1:
            raise table.fail("第一条指标的“一级指标”为空", cells[0].place)
        values["level1"] = level1
        slug = level2_slug(values["level2"])
        per_level2[slug] += 1
        indicators.append(Indicator(id=f"{slug}-{per_level2[slug]}", **values))
    if not indicators:
        raise table.fail("的绩效指标表没有指标行", header.place)
    return tuple(indicators)


def _plan(table: _Table, rows: list[Row]) -> SpendingPlan:
    points = fields_of(SpendingPlan)
    for index, row in enumerate(rows[:-1]):
        keys = [label_key(cell.text) for cell in row.cells]
        if all(label_key(point.spec.label) in keys for point in points):
            values = aligned(row, rows[index + 1])
            if values is None:
                raise table.fail("资金支出计划的百分数与其表头对不齐", rows[index + 1].place)
            return SpendingPlan(**{p.key: table.value(p, values[keys.index(label_key(p.spec.label))]) for p in points})
    labels = "、".join(point.spec.label for point in points)
    raise table.fail(f"找不到资金支出计划（{labels}）的表头和它下面的百分数")


def _purpose(table: _Table, rows: list[Row]) -> str:
    """资金用途: the cell after its label, or on the official form the row below the budget's rows."""
    purpose = field_of(Project, "purpose")
    found = table.labelled(purpose, rows)
    # A label ending its row is the purpose itself on the official form when its text is 资金用途.
    if found is not None and any(cell is found[1] for cell in found[0].cells):
        return found[1].text
    budget_keys = set().union(*(_keys(f) for f in fields_of(Budget)))
    budget_rows = [i for i, row in enumerate(rows) if any(label_key(c.text) in budget_keys for c in row.cells)]
    if not budget_rows or budget_rows[-1] + 1 >= len(rows):
        raise table.fail(f"找不到“{purpose.spec.label}”（应在“{layout.BUDGET_ROW}”的预算数下面一行）")
    return rows[budget_rows[-1] + 1].cells[-1].text


def _project(table: _Table) -> Project:
    form = table.form()
    header_index = len(form)
    optional = {key: value for key, (value, _) in _optional(table, Project).items()}
    code = table.cell(Project, "code", form)
    return Project(
        code=table.code(Project, "code", code.text, code.place, example="13022524P00442P10057D"),
        name=table.field(Project, "name", form),
        number=table.number,
        **optional,
        budget=Budget(**{f.key: table.field(Budget, f.key, form) for f in fields_of(Budget)}),
        purpose=_purpose(table, form),
        plan=_plan(table, form),
        goal=table.field(Project, "goal", form),
        indicators=_indicators(table, header_index),
        source=table.source,
    )


def _optional(table: _Table, cls: type) -> dict[str, tuple[object, Cell]]:
    """The fields of `cls` only some counties' forms print, by key, for those this table has: value and cell."""
    found = {item: table.labelled(item, table.form()) for item in optional_fields(cls)}
    return {item.key: (table.value(item, cell[1]), cell[1]) for item, cell in found.items() if cell is not None}


def _department_optional(tables: Sequence[_Table]) -> dict[str, object]:
    """A department's fields that some forms print in each project's table (主管部门): the same in every table."""
    values: dict[str, tuple[object, _Table]] = {}
    for table in tables:
        for key, (value, cell) in _optional(table, Department).items():
            first, other = values.setdefault(key, (value, table))
            if value != first:
                label = field_of(Department, key).spec.label
                raise table.fail(
                    f"的“{label}”“{value}”与第 {other.number} 个项目表（{other.name}）的“{first}”不同"
                    f"（一个部门只有一个{label}）",
                    cell.place,
                )
    return {key: value for key, (value, _) in values.items()}


def _unit(table: _Table) -> tuple[str, str, str]:
    """The unit's code, name and money unit, from the first row of a project's table."""
    first = trimmed(table.rows[0]) if table.rows else ()
    unit = layout.UNIT_PATTERN.match(first[0].text) if first else None
    money = layout.MONEY_UNIT_PATTERN.match(first[-1].text) if first else None
    if unit is None or money is None or len(first) < 2:
        example = layout.MONEY_UNIT.format(unit="万元")
        raise table.fail(f"的第一行应为“单位编码单位名称”和“{example}”", table.rows[0].place if table.rows else None)
    code = table.code(Department, "code", unit.group(1), first[0].place, example="203001")
    return code, unit.group(2), money.group(1)


def _lines(paragraphs: Sequence[Paragraph]) -> list[str]:
    return [line.strip() for p in paragraphs for line in p.text.split("\n")]


def _goals(paragraphs: Sequence[Paragraph], source: Path) -> Goals | None:
    """Part one: each section under its heading (一、总体绩效目标 …), an intro and numbered items."""
    sections = fields_of(Goals)
    headings = {
        label_key(layout.SECTION_HEADING.format(number=n, label=f.spec.label)): f.key
        for n, f in zip(layout.SECTION_NUMBERS, sections)
    }
    found: dict[str, dict] = {}
    current: dict | None = None
    for line in _lines(paragraphs):
        heading = headings.get(label_key(line))
        if label_key(line) == layout.PART_TWO:
            break
        if heading:
            current = found[heading] = {"intro": None, "items": []}
        elif current is None or not line:
            continue
        elif NUMBERED_ITEM.match(line):
            current["items"].append(line)
        elif current["items"]:
            current["items"][-1] += "\n" + line
        else:
            current["intro"] = line if current["intro"] is None else current["intro"] + "\n" + line
    if not found:
        return None
    missing = [f"{n}、{f.spec.label}" for n, f in zip(layout.SECTION_NUMBERS, sections) if f.key not in found]
    if missing:
        raise ReadError(source, f"第一部分缺少标题：{'、'.join(missing)}", paragraphs[0].place if paragraphs else None)
    return Goals(**{key: GoalSection(intro=s["intro"], items=tuple(s["items"])) for key, s in found.items()})


def _year(paragraphs: Sequence[Paragraph], blocks: Sequence[Block], source: Path) -> tuple[int, str | None]:
    """The document's year: from its title or its file's name, else the year its text names most (said in a warning).

    Text exports usually lose the title, and clerks name files by year, so the file's
    name is trusted before a guess from the text.
    """
    for paragraph in paragraphs[:5]:
        match = layout.DOCUMENT_TITLE_PATTERN.match(paragraph.text)
        if match:
            return int(match.group(1)), None
    named = set(YEAR_IN_NAME.findall(source.stem))
    if len(named) == 1:
        return int(named.pop()), None
    texts = [b.text for b in blocks if isinstance(b, Paragraph)]
    texts += [c.text for b in blocks if isinstance(b, Row) for c in b.cells]
    years = Counter(year for text in texts for year in YEAR_MENTION.findall(text))
    if not years:
        raise ReadError(source, "文件中没有写明年度（如“2024年”），请用 --year 指定")
    year = int(years.most_common(1)[0][0])
    return year, f"文件标题和文件名都没有写明年度，按正文中最常出现的年份定为 {year} 年；如不对请用 --year 指定"


def _tables(blocks: Sequence[Block], source: Path) -> list[_Table]:
    starts = [
        (index, block, match)
        for index, block in enumerate(blocks)
        if isinstance(block, Paragraph) and (match := layout.PROJECT_TITLE_PATTERN.match(block.text))
    ]
    tables = []
    for position, (index, title, match) in enumerate(starts):
        end = starts[position + 1][0] if position + 1 < len(starts) else len(blocks)
        rows = [block for block in blocks[index + 1 : end] if isinstance(block, Row)]
        table = _Table(source, int(match.group(1)), match.group(2), title, rows)
        if not rows:
            raise table.fail("的标题后面没有表格")
        tables.append(table)
    return tables


def _refuse_repeated_codes(tables: Sequence[_Table], projects: Sequence[Project]) -> None:
    """Each project is written to the file its code names: two with one code would leave one of them.

    Codes that differ only in case are one file name on Windows and macOS.
    """
    first: dict[str, tuple[_Table, str]] = {}
    for table, project in zip(tables, projects):
        earlier = first.setdefault(project.code.casefold(), (table, project.code))
        if earlier[0] is table:
            continue
        other, code = earlier
        same = "的相同" if code == project.code else f"的“{code}”只差大小写"
        why = "一个部门的项目编码不能重复" + ("" if code == project.code else "，大小写不同也是同一个文件名")
        raise table.fail(
            f"的项目编码“{project.code}”与第 {other.number} 个项目表（{other.name}）{same}（{why}）",
            table.cell(Project, "code").place,
        )


def read_department(blocks: Sequence[Block], source: Path, year: int | None = None) -> Reading:
    """The department of one document's blocks: its goals (part one) and one project per table."""
    tables = _tables(blocks, source)
    if not tables:
        example = layout.PROJECT_TITLE.format(number=1, name="……")
        raise ReadError(source, f"找不到任何项目表的标题（如“{example}”）")
    first_title = next(i for i, block in enumerate(blocks) if block is tables[0].title)
    part_one = [block for block in blocks[:first_title] if isinstance(block, Paragraph)]
    warnings = []
    goals = _goals(part_one, source)
    if goals is None:
        warnings.append(f"文件中没有第一部分“{layout.PART_ONE_TITLE}”，部门文件的三项目标为空，请补充")
        goals = Goals(**{f.key: GoalSection(items=()) for f in fields_of(Goals)})
    if year is None:
        year, assumed = _year(part_one, blocks, source)
        warnings.extend([assumed] if assumed else [])

    code, name, money_unit = _unit(tables[0])
    projects = []
    for table in tables:
        unit = _unit(table)
        if unit != (code, name, money_unit):
            raise table.fail(
                f"的预算单位“{unit[0]}{unit[1]}”与前面的表格不同：一个文件只能是一个部门", table.rows[0].place
            )
        projects.append(_project(table))
    _refuse_repeated_codes(tables, projects)
    department = Department(
        year=year, code=code, name=name, money_unit=money_unit, published=None, goals=goals, projects=tuple(projects),
        source=source, **_department_optional(tables),
    )  # fmt: skip
    return Reading(department, tuple(warnings))
