"""Check parsed YAML against the model and build it, collecting every problem.

The checks follow the model's declarations (`model.fields_of`): each field is read
by its kind, its label names it in messages, and a mapping may hold only the declared
keys. What no single field can say (a budget's parts add up, a plan never decreases,
a file is named by its code) is checked per class below. Nothing is rendered until
the whole catalog is valid: each check adds a `Problem` (file, line, field, what is
wrong and what was expected) and the caller stops once, with all of them.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable
from dataclasses import replace
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from generator.schema.categories import OFFICIAL, SETTING, Categories
from generator.schema.ids import indicator_id
from generator.schema.load import (
    DEPARTMENT_FILE,
    ContentFile,
    DepartmentFolder,
    LineDict,
    LineList,
    collector_paused,
    read_content,
)
from generator.schema.model import (
    Budget,
    Catalog,
    Department,
    Indicator,
    Kind,
    Project,
    ProjectResult,
    SchemaField,
    SpendingPlan,
    fields_of,
)
from generator.schema.problems import UNPRINTABLE, ContentError, Problem, display_path, unprintable
from generator.schema.walk import Shapes, walk

CODE_PATTERN = re.compile(r"[A-Za-z0-9]+")
#: A code names a folder and files (`<code>.yaml`, downloads); real ones have 6 to 22 characters.
MAX_CODE_LENGTH = 64
INDICATOR_ID_PATTERN = re.compile(r"[a-z0-9][a-z0-9-]*")
AMOUNT_PATTERN = re.compile(r"\s*-?\d+(\.\d+)?\s*")
MAX_DECIMAL_PLACES = 6
#: Ten thousand trillion in any unit is no county's budget; longer numbers are typing mistakes.
MAX_INTEGER_DIGITS = 15
#: Messages quote at most this much of what was typed.
QUOTED_LENGTH = 60


class _Fields:
    """Reads the fields of one YAML mapping, recording a Problem for each bad one."""

    def __init__(
        self, data: Any, path: Path, prefix: str, problems: list[Problem], line: int | None, cls: type
    ) -> None:
        allowed = tuple(field.key for field in fields_of(cls))
        self.path = path
        self.prefix = prefix
        self.problems = problems
        self.ok = isinstance(data, dict)
        self.data: dict[Any, Any] = data if self.ok else {}
        self.line = getattr(data, "line", line)
        if not self.ok:
            self.fail(None, line, f"应为键值表，实际为{_describe(data)}")
            return
        for key in self.data:
            if key not in allowed:
                hint = difflib.get_close_matches(str(key), allowed, n=1)
                expected = f"是否应为 {hint[0]}？" if hint else f"可用字段：{', '.join(allowed)}"
                self.fail(str(key), self.line_of(key), f"未知字段（{expected}）")

    def field_path(self, key: str | None) -> str:
        if key is None:
            return self.prefix
        return f"{self.prefix}.{key}" if self.prefix else key

    def line_of(self, key: str) -> int | None:
        if isinstance(self.data, LineDict):
            return self.data.key_lines.get(key, self.line)
        return self.line

    def fail(self, key: str | None, line: int | None, message: str) -> None:
        self.problems.append(Problem(self.path, line, self.field_path(key), message))

    def missing(self, field: SchemaField) -> None:
        self.fail(field.key, self.line, f"缺少必填字段（应填写{field.spec.label}）")

    def child(self, field: SchemaField) -> _Fields:
        """The reader of a nested mapping; a missing one is reported and read as empty."""
        if self.ok and self.data.get(field.key) is None:
            self.missing(field)
            return _Fields(None, self.path, self.field_path(field.key), [], self.line, field.group)
        value = self.data.get(field.key)
        return _Fields(
            value, self.path, self.field_path(field.key), self.problems, self.line_of(field.key), field.group
        )


def _describe(value: Any) -> str:
    if value is None:
        return "空"
    if isinstance(value, bool):
        return f"布尔值 {str(value).lower()}"
    if isinstance(value, (int, Decimal)):
        return f"数字 {_shortened(str(value))}"
    if isinstance(value, list):
        return "列表"
    if isinstance(value, dict):
        return "键值表"
    return f"“{_shortened(str(value))}”"


def _shortened(text: str) -> str:
    """What was typed, cut short: a message quoting a page of text (or a 4,300-digit number) helps nobody."""
    if len(text) <= QUOTED_LENGTH:
        return text
    return f"{text[:QUOTED_LENGTH]}…（共 {len(text)} 个字符）"


Check = Callable[[Any, SchemaField], tuple[Any, str | None]]


def _check_text(value: Any, field: SchemaField) -> tuple[str | None, str | None]:
    if not isinstance(value, str):
        return None, f"应为文字，实际为{_describe(value)}（如需原样保存数字或 yes/no，请加引号）"
    if not field.spec.may_be_blank and not value.strip():
        return None, "不能为空（应填写文字）"
    error = _unprintable_in(value)
    return (None, error) if error else (value, None)


def _unprintable_in(text: str) -> str | None:
    """What is wrong with a character a YAML file may not hold, typed as an escape in quotes ("\\x01", "\\ud800").

    Tabs and line breaks are text; other control characters, lone surrogates and U+FFFE
    cannot be written to the Word and Excel downloads, or (surrogates) to any page.
    """
    found = UNPRINTABLE.search(text)
    return unprintable(found.group()) if found else None


def _check_code(value: Any, field: SchemaField) -> tuple[str | None, str | None]:
    if not isinstance(value, str):
        return None, f"应为加引号的编码文字，实际为{_describe(value)}"
    if not CODE_PATTERN.fullmatch(value):
        return None, f"{_describe(value)}含有字母和数字以外的字符（编码只能由字母和数字组成）"
    if len(value) > MAX_CODE_LENGTH:
        return None, f"{_describe(value)}过长（编码应不超过 {MAX_CODE_LENGTH} 个字符）"
    return value, None


def _check_anchor(value: Any, field: SchemaField) -> tuple[str | None, str | None]:
    if isinstance(value, str) and INDICATOR_ID_PATTERN.fullmatch(value):
        return value, None
    return None, f"{_describe(value)}不能用作链接锚点（应为小写字母、数字和连字符，如 quantity-1）"


def _check_choice(value: Any, field: SchemaField) -> tuple[str | None, str | None]:
    if isinstance(value, str) and value in field.spec.choices:
        return value, None
    return None, f"{_describe(value)}不是可选的值（应为 {'、'.join(field.spec.choices)} 之一）"


def _check_amount(value: Any, field: SchemaField | None = None) -> tuple[Decimal | None, str | None]:
    number: Decimal | None = None
    if isinstance(value, bool):
        number = None
    elif isinstance(value, (int, Decimal)):
        number = Decimal(value)
    elif isinstance(value, str) and AMOUNT_PATTERN.fullmatch(value):
        number = Decimal(value.strip())
    if number is None:
        return None, f"{_describe(value)}不是金额（应为精确小数，如 4916.86）"
    _, digits, exponent = number.as_tuple()
    if not isinstance(exponent, int) or exponent > 0 or -exponent > MAX_DECIMAL_PLACES:
        expected = f"应为不超过 {MAX_DECIMAL_PLACES} 位小数的普通写法，如 4916.86"
        return None, f"{_shortened(str(value))} 不是精确小数（{expected}）"
    if len(digits) + exponent > MAX_INTEGER_DIGITS:
        return None, f"数字过长（整数部分有 {len(digits) + exponent} 位，金额应不超过 {MAX_INTEGER_DIGITS} 位）"
    if number < 0:
        return None, f"{value} 是负数（金额应大于或等于 0）"
    return number, None


def _check_percent(value: Any, field: SchemaField) -> tuple[Decimal | None, str | None]:
    if isinstance(value, str) and value.strip().endswith("%"):
        value = value.strip()[:-1]
    number, error = _check_amount(value)
    if error:
        return None, f"{_describe(value)}不是百分数（应为 0 到 100 之间的数字，如 40 表示 40%）"
    assert number is not None
    if number > 100:
        return None, f"{number} 超出范围（应为 0 到 100 之间的累计百分比）"
    return number, None


def _check_score(value: Any, field: SchemaField) -> tuple[Decimal | None, str | None]:
    number, error = _check_amount(value)
    if error:
        return None, f"{_describe(value)}不是分数（应为大于或等于 0 的数字，如 12.5）"
    return number, None


def _check_rate(value: Any, field: SchemaField) -> tuple[Decimal | None, str | None]:
    """执行率 as the form states it: a percentage that may pass 100 when more was spent than budgeted."""
    if isinstance(value, str) and value.strip().endswith("%"):
        value = value.strip()[:-1]
    number, error = _check_amount(value)
    if error:
        return None, f"{_describe(value)}不是百分数（应为数字，如 99.82 表示 99.82%）"
    return number, None


def _check_ordinal(value: Any, field: SchemaField) -> tuple[int | None, str | None]:
    if isinstance(value, int) and not isinstance(value, bool) and value > 0:
        return value, None
    return None, f"{_describe(value)}不是正整数（应为 1、2、3……）"


def _check_year(value: Any, field: SchemaField) -> tuple[int | None, str | None]:
    if isinstance(value, int) and not isinstance(value, bool) and 1949 <= value <= 2999:
        return value, None
    return None, f"{_describe(value)}不是年份（应为四位数字，如 2024）"


def _check_date(value: Any, field: SchemaField) -> tuple[date | None, str | None]:
    """YAML reads 2024-02-01 as a date; a quoted '2024-02-01' is accepted too."""
    if isinstance(value, str):
        try:
            value = date.fromisoformat(value.strip())
        except ValueError:
            pass
    if isinstance(value, date) and not isinstance(value, datetime) and 1949 <= value.year <= 2999:
        return value, None
    return None, f"{_describe(value)}不是日期（应写作 年-月-日，如 2024-02-01）"


CHECKS: dict[Kind, Check] = {
    Kind.TEXT: _check_text,
    Kind.CODE: _check_code,
    Kind.ANCHOR: _check_anchor,
    Kind.CHOICE: _check_choice,
    Kind.AMOUNT: _check_amount,
    Kind.PERCENT: _check_percent,
    Kind.SCORE: _check_score,
    Kind.RATE: _check_rate,
    Kind.ORDINAL: _check_ordinal,
    Kind.YEAR: _check_year,
    Kind.DATE: _check_date,
}


def _read(cls: type, fields: _Fields) -> dict[str, Any] | None:
    """The values of a mapping's declared fields by key, or None if it is not a mapping."""
    if not fields.ok:
        return None
    shapes: Shapes[Any] = Shapes(
        group=lambda field: _read(field.group, fields.child(field)),
        rows=lambda field: _rows(field, fields),
        text_list=lambda field: _text_list(field, fields),
        scalar=lambda field: _scalar(field, fields),
    )
    values = {field.key: value for field, value in walk(cls, shapes)}
    CROSS_CHECKS.get(cls, _no_cross_check)(values, fields)
    return values


def _scalar(field: SchemaField, fields: _Fields) -> Any:
    value = fields.data.get(field.key)
    if value is None or (value == "" and field.spec.may_be_blank):
        if not field.spec.may_be_blank and fields.ok:
            fields.missing(field)
        elif _left_out(field, fields):
            fields.fail(
                field.key, fields.line, f"缺少字段（应填写{field.spec.label}；原表为空时也应写出 {field.key}: 并留空）"
            )
        return field.blank
    checked, error = CHECKS[field.spec.kind](value, field)
    if error:
        fields.fail(field.key, fields.line_of(field.key), error)
    return checked


def _left_out(field: SchemaField, fields: _Fields) -> bool:
    """Whether a field that may be blank is absent altogether: a plan without `dec:` lost a line, not a value."""
    return fields.ok and field.key not in fields.data and field.blank is None and not field.spec.may_be_absent


def _items(field: SchemaField, fields: _Fields, what: str) -> list[tuple[Any, int | None]] | None:
    """The items of a list field with the line of each; a missing or empty list is reported."""
    value = fields.data.get(field.key)
    if value is None:
        fields.missing(field)
        return None
    if not isinstance(value, list) or not value:
        fields.fail(field.key, fields.line_of(field.key), f"应为至少一{what}列表，实际为{_describe(value)}")
        return None
    lines = value.item_lines if isinstance(value, LineList) else [fields.line] * len(value)
    return list(zip(value, lines))


def _text_list(field: SchemaField, fields: _Fields) -> tuple[str, ...] | None:
    items = _items(field, fields, "项的文字")
    if items is None:
        return None
    texts = []
    for index, (item, line) in enumerate(items):
        if not isinstance(item, str) or not item.strip():
            fields.fail(f"{field.key}[{index}]", line, f"应为非空文字，实际为{_describe(item)}")
            continue
        error = _unprintable_in(item)
        if error:
            fields.fail(f"{field.key}[{index}]", line, error)
        else:
            texts.append(item)
    return tuple(texts)


def _rows(field: SchemaField, fields: _Fields) -> list[tuple[_Fields, dict[str, Any]]] | None:
    """Each row of a list of mappings, with the reader that knows its lines."""
    items = _items(field, fields, f"行的{field.spec.label}")
    if items is None:
        return None
    rows = []
    for index, (row, line) in enumerate(items):
        cells = _Fields(row, fields.path, f"{field.key}[{index}]", fields.problems, line, field.rows)
        values = _read(field.rows, cells)
        if values is not None:
            rows.append((cells, values))
    return rows


# --- What no single field can say ----------------------------------------------------------------


def _no_cross_check(values: dict[str, Any], fields: _Fields) -> None:
    pass


def _budget_adds_up(values: dict[str, Any], fields: _Fields) -> None:
    total, fiscal, other = values["total"], values["fiscal"], values["other"]
    if total is None or (fiscal is None and other is None):
        return
    parts = (fiscal or Decimal(0)) + (other or Decimal(0))
    if parts != total:
        fields.fail(
            "total",
            fields.line_of("total"),
            f"{total} 不等于财政资金 {fiscal or 0} 加其他资金 {other or 0}（应为 {parts}）",
        )


def _plan_never_decreases(values: dict[str, Any], fields: _Fields) -> None:
    previous: Decimal | None = None
    for field in fields_of(SpendingPlan):
        value = values[field.key]
        if value is None:
            continue
        if previous is not None and value < previous:
            fields.fail(
                field.key,
                fields.line_of(field.key),
                f"{field.spec.label}累计 {value}% 小于前一时点的 {previous}%（累计百分比不能减少）",
            )
        previous = value


def _indicator_ids_are_unique(values: dict[str, Any], fields: _Fields) -> None:
    """Every row's id, typed or derived from its text (`_build` derives it), is unique in the project."""
    seen: dict[str, int] = {}
    for index, (cells, row) in enumerate(values["indicators"] or ()):
        row_id = indicator_id(row["id"], row["level2"], row["level3"])
        if row_id in seen:
            cells.fail("id", cells.line_of("id"), f"“{row_id}”与 indicators[{seen[row_id]}] 重复（同一项目内应唯一）")
        elif row_id:
            seen[row_id] = index


CROSS_CHECKS: dict[type, Callable[[dict[str, Any], _Fields], None]] = {
    Budget: _budget_adds_up,
    SpendingPlan: _plan_never_decreases,
    Project: _indicator_ids_are_unique,
}


def _build(cls: type, values: dict[str, Any], **context: Any) -> Any:
    """The model object of values read by `_read`, nested objects included."""
    arguments = dict(context)
    for field in fields_of(cls):
        value = values[field.key]
        if field.group is not None:
            value = _build(field.group, value)
        elif field.rows is not None:
            value = tuple(_build(field.rows, row) for _, row in value)
        arguments[field.key] = value
    if cls is Indicator:
        arguments["id"] = indicator_id(values["id"], values["level2"], values["level3"])
    return cls(**arguments)


# --- Files and folders ---------------------------------------------------------------------------


def _indicators_are_in_categories(values: dict[str, Any], categories: Categories) -> None:
    """一级 and 二级指标 are the official categories, or those the county added in mkdocs.yml."""
    hint = f"本县自设的类别请加入 mkdocs.yml 中 budget 插件的 {SETTING} 设置"
    for cells, row in values["indicators"] or ():
        level1, level2 = row["level1"], row["level2"]
        if level1 and level1 not in categories:
            expected = "、".join(categories)
            cells.fail("level1", cells.line_of("level1"), f"“{level1}”不是规定的一级指标（应为 {expected}；{hint}）")
        elif level1 and level2 and level2 not in categories[level1]:
            expected = "、".join(categories[level1])
            cells.fail(
                "level2", cells.line_of("level2"), f"“{level2}”不是{level1}下规定的二级指标（应为 {expected}；{hint}）"
            )


def _project(file: ContentFile, problems: list[Problem], categories: Categories) -> Project | None:
    start = len(problems)
    fields = _Fields(file.data, file.path, "", problems, 1, Project)
    values = _read(Project, fields)
    if values is None:
        return None
    _indicators_are_in_categories(values, categories)
    code = values["code"]
    if code is not None and file.path.stem != code:
        fields.fail(
            "code", fields.line_of("code"), f"“{code}”与文件名 {file.path.name} 不一致（文件应命名为 {code}.yaml）"
        )
    if len(problems) > start:
        return None
    return _build(Project, values, source=file.path)


def _result(file: ContentFile, problems: list[Problem], project_codes: set[str]) -> ProjectResult | None:
    """A project's 自评表 from `results/<code>.yaml`: valid, named by its code, and of a project of its department."""
    start = len(problems)
    fields = _Fields(file.data, file.path, "", problems, 1, ProjectResult)
    values = _read(ProjectResult, fields)
    if values is None:
        return None
    code = values["code"]
    if code is not None and file.path.stem != code:
        fields.fail(
            "code", fields.line_of("code"), f"“{code}”与文件名 {file.path.name} 不一致（文件应命名为 {code}.yaml）"
        )
    elif code is not None and code not in project_codes:
        fields.fail(
            "code",
            fields.line_of("code"),
            f"本部门没有编码为 {code} 的项目（自评表应属于 {display_path(file.path.parent.parent)}/ 中的一个项目；"
            "目标表中删去的项目，其自评表也应删去）",
        )
    if len(problems) > start:
        return None
    return _build(ProjectResult, values, source=file.path)


def _department(folder: DepartmentFolder, problems: list[Problem]) -> Department | None:
    file = folder.department
    assert file is not None
    start = len(problems)
    fields = _Fields(file.data, file.path, "", problems, 1, Department)
    values = _read(Department, fields)
    if values is None:
        return None
    year, code = values["year"], values["code"]
    if year is not None and folder.folder.parent.name != str(year):
        fields.fail("year", fields.line_of("year"), f"{year} 与所在目录 {folder.folder.parent.name}/ 不一致（应相同）")
    if code is not None and folder.folder.name != code:
        fields.fail("code", fields.line_of("code"), f"“{code}”与所在目录 {folder.folder.name}/ 不一致（应相同）")
    if len(problems) > start:
        return None
    return _build(Department, values, source=file.path)


def build_catalog(folders: list[DepartmentFolder], categories: Categories = OFFICIAL) -> Catalog:
    """Validate every parsed file and assemble the catalog, or raise ContentError with all problems."""
    problems: list[Problem] = []
    departments = []
    for folder in folders:
        for file in [folder.department, *folder.projects]:
            if file is not None:
                problems.extend(file.problems)
        if folder.department is None:
            for file in [*folder.projects, *folder.results]:
                problems.append(
                    Problem(file.path, None, "", f"所在目录没有部门文件 {DEPARTMENT_FILE}（每个部门目录都需要一个）")
                )
            continue
        department = None
        if folder.department.data is None and not folder.department.problems:
            problems.append(Problem(folder.department.path, None, "", "文件为空（应包含部门信息）"))
        elif not folder.department.problems:
            department = _department(folder, problems)
        projects = []
        for file in folder.projects:
            if file.problems:
                continue
            if file.data is None:
                problems.append(Problem(file.path, None, "", "文件为空（应包含项目信息）"))
                continue
            project = _project(file, problems, categories)
            if project is not None:
                projects.append(project)
        _check_unique(projects, lambda p: p.number, "number", "序号", problems)
        results = _results(folder, problems)
        projects = [replace(project, result=results.get(project.code)) for project in projects]
        if not folder.projects:
            problems.append(
                Problem(folder.department.path, None, "", "部门目录中没有任何项目文件（应至少有一个 <项目编码>.yaml）")
            )
        if department is not None:
            projects.sort(key=lambda p: (p.number, p.code))
            departments.append(replace(department, projects=tuple(projects)))
    for year in {d.year for d in departments}:
        in_year = [p for d in departments if d.year == year for p in d.projects]
        _check_unique(in_year, lambda p: p.code, "code", f"{year} 年项目编码", problems)
    departments.sort(key=lambda d: (-d.year, d.code))
    catalog = Catalog(tuple(departments))
    _one_money_unit(catalog, problems)
    _continues_last_years_project(catalog, problems)
    if problems:
        raise ContentError(problems)
    return catalog


def _results(folder: DepartmentFolder, problems: list[Problem]) -> dict[str, ProjectResult]:
    """The department's 自评表 by project code; a project file with problems still counts as its project."""
    project_codes = {file.path.stem for file in folder.projects}
    results = {}
    for file in folder.results:
        problems.extend(file.problems)
        if file.problems:
            continue
        if file.data is None:
            problems.append(Problem(file.path, None, "", "文件为空（应包含项目的自评表）"))
            continue
        result = _result(file, problems, project_codes)
        if result is not None:
            results[result.code] = result
    return results


def _one_money_unit(catalog: Catalog, problems: list[Problem]) -> None:
    """The county's totals and the year-over-year changes add departments' amounts: one unit for all."""
    first, *others = catalog.departments or (None,)
    for department in others:
        if department.money_unit != first.money_unit:
            problems.append(
                Problem(
                    department.source,
                    _key_line(department.source, "money_unit"),
                    "money_unit",
                    f"“{department.money_unit}”与 {display_path(first.source)} 的“{first.money_unit}”不同"
                    "（全站应使用同一金额单位，才能合计和逐年比较；请换算后填写）",
                )
            )


def _continues_last_years_project(catalog: Catalog, problems: list[Problem]) -> None:
    """`continues` names a project of the department's previous year, and no two projects name the same one."""
    for department in catalog.departments:
        previous = catalog.previous(department)
        codes = {project.code for project in previous.projects} if previous else set()
        claimed: dict[str, Project] = {}
        for project in department.projects:
            code = project.continues
            if code is None:
                continue
            if previous is None:
                message = f"本部门在 {department.year} 年以前没有数据，无从延续项目 {code}（应删去此项）"
            elif code not in codes:
                message = f"{previous.year} 年本部门没有编码为 {code} 的项目（应为上年项目编码之一）"
            elif code in claimed:
                message = f"{previous.year} 年的项目 {code} 已由 {display_path(claimed[code].source)} 延续（每个上年项目只能延续一次）"
            else:
                claimed[code] = project
                continue
            problems.append(Problem(project.source, _key_line(project.source, "continues"), "continues", message))


def _check_unique(
    projects: list[Project], key: Callable[[Project], Any], field_name: str, label: str, problems: list[Problem]
) -> None:
    first: dict[Any, Project] = {}
    for project in projects:
        value = key(project)
        if value in first:
            problems.append(
                Problem(
                    project.source,
                    _key_line(project.source, field_name),
                    field_name,
                    f"{label} {value} 与 {display_path(first[value].source)} 重复（应唯一）",
                )
            )
        else:
            first[value] = project


def _key_line(path: Path, key: str) -> int | None:
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if line.startswith(f"{key}:"):
            return number
    return None


def load_catalog(content_dir: Path, categories: Categories = OFFICIAL) -> Catalog:
    """Read and validate everything under `content_dir`; raise ContentError listing every problem.

    Content with no department is refused too: publishing it would replace a county's
    site with an empty one.
    """
    if not content_dir.is_dir():
        raise ContentError([Problem(content_dir, None, "", "内容目录不存在（应为包含 YAML 文件的目录）")])
    with collector_paused():
        folders, unread = read_content(content_dir)
    if not folders:
        expected = "应有 <年度>/<单位编码>/department.yaml"
        raise ContentError([*unread, Problem(content_dir, None, "", f"没有任何部门和项目（{expected}），不生成网站")])
    try:
        with collector_paused():
            catalog = build_catalog(folders, categories)
    except ContentError as error:
        raise ContentError([*unread, *error.problems]) from None
    if unread:
        raise ContentError(unread)
    return catalog
