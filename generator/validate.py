"""Check parsed YAML against the model and build it, collecting every problem.

Nothing is rendered until the whole catalog is valid: each check adds a
`Problem` (file, line, field, what is wrong and what was expected) and the
caller stops once, with all of them, so staff fix a batch of typos in one go.
"""

from __future__ import annotations

import difflib
import hashlib
import re
from collections.abc import Callable
from dataclasses import replace
from decimal import Decimal
from pathlib import Path
from typing import Any

from generator.load import (
    DEPARTMENT_FILE,
    ContentFile,
    DepartmentFolder,
    LineDict,
    LineList,
    collector_paused,
    read_content,
)
from generator.model import (
    QUARTER_ENDS,
    Budget,
    Catalog,
    Department,
    GoalSection,
    Indicator,
    Project,
    SpendingPlan,
)
from generator.problems import ContentError, Problem, display_path

CODE_PATTERN = re.compile(r"^[A-Za-z0-9]+$")
INDICATOR_ID_PATTERN = re.compile(r"^[a-z0-9][a-z0-9-]*$")
MAX_DECIMAL_PLACES = 6


class _Fields:
    """Reads the fields of one YAML mapping, recording a Problem for each bad one."""

    def __init__(
        self, data: Any, path: Path, prefix: str, problems: list[Problem], line: int | None, allowed: tuple[str, ...]
    ) -> None:
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

    def missing(self, key: str) -> None:
        self.fail(key, self.line, f"缺少必填字段（应填写{FIELD_LABELS.get(key, key)}）")

    def get(self, key: str, check: Callable[[Any], tuple[Any, str | None]], *, required: bool = True) -> Any:
        if key not in self.data or self.data[key] is None:
            if required and self.ok:
                self.missing(key)
            return None
        value, error = check(self.data[key])
        if error:
            self.fail(key, self.line_of(key), error)
            return None
        return value

    def text(self, key: str, *, required: bool = True) -> str | None:
        value = self.get(key, _check_text, required=required)
        if value is not None and required and not value.strip():
            self.fail(key, self.line_of(key), "不能为空（应填写文字）")
            return None
        return value

    def amount(self, key: str, *, required: bool = True) -> Decimal | None:
        if not required and self.data.get(key) == "":
            return None
        return self.get(key, _check_amount, required=required)

    def child(self, key: str, allowed: tuple[str, ...]) -> _Fields:
        if self.ok and self.data.get(key) is None:
            self.missing(key)
            return _Fields(None, self.path, self.field_path(key), [], self.line, allowed)
        return _Fields(self.data.get(key), self.path, self.field_path(key), self.problems, self.line_of(key), allowed)


def _describe(value: Any) -> str:
    if value is None:
        return "空"
    if isinstance(value, bool):
        return f"布尔值 {str(value).lower()}"
    if isinstance(value, (int, Decimal)):
        return f"数字 {value}"
    if isinstance(value, list):
        return "列表"
    if isinstance(value, dict):
        return "键值表"
    return f"“{value}”"


def _check_text(value: Any) -> tuple[str | None, str | None]:
    if isinstance(value, str):
        return value, None
    return None, f"应为文字，实际为{_describe(value)}（如需原样保存数字或 yes/no，请加引号）"


def _check_code(value: Any) -> tuple[str | None, str | None]:
    if not isinstance(value, str):
        return None, f"应为加引号的编码文字，实际为{_describe(value)}"
    if not CODE_PATTERN.match(value):
        return None, f"“{value}”含有字母和数字以外的字符（编码只能由字母和数字组成）"
    return value, None


def _check_amount(value: Any) -> tuple[Decimal | None, str | None]:
    number: Decimal | None = None
    if isinstance(value, bool):
        number = None
    elif isinstance(value, (int, Decimal)):
        number = Decimal(value)
    elif isinstance(value, str) and re.fullmatch(r"\s*-?\d+(\.\d+)?\s*", value):
        number = Decimal(value.strip())
    if number is None:
        return None, f"{_describe(value)}不是金额（应为精确小数，如 4916.86）"
    exponent = number.as_tuple().exponent
    if not isinstance(exponent, int) or exponent > 0 or -exponent > MAX_DECIMAL_PLACES:
        return None, f"{value} 不是精确小数（应为不超过 {MAX_DECIMAL_PLACES} 位小数的普通写法，如 4916.86）"
    if number < 0:
        return None, f"{value} 是负数（金额应大于或等于 0）"
    return number, None


def _check_percent(value: Any) -> tuple[Decimal | None, str | None]:
    if isinstance(value, str) and value.strip().endswith("%"):
        value = value.strip()[:-1]
    number, error = _check_amount(value)
    if error:
        return None, f"{_describe(value)}不是百分数（应为 0 到 100 之间的数字，如 40 表示 40%）"
    assert number is not None
    if number > 100:
        return None, f"{number} 超出范围（应为 0 到 100 之间的累计百分比）"
    return number, None


def _check_positive_int(value: Any) -> tuple[int | None, str | None]:
    if isinstance(value, int) and not isinstance(value, bool) and value > 0:
        return value, None
    return None, f"{_describe(value)}不是正整数（应为 1、2、3……）"


def _check_year(value: Any) -> tuple[int | None, str | None]:
    if isinstance(value, int) and not isinstance(value, bool) and 1949 <= value <= 2999:
        return value, None
    return None, f"{_describe(value)}不是年份（应为四位数字，如 2024）"


def _goal_section(fields: _Fields, key: str) -> GoalSection | None:
    section = fields.child(key, ("intro", "items"))
    if not section.ok:
        return None
    intro = section.text("intro", required=False)
    items = _text_list(section, "items")
    return GoalSection(intro, items) if items is not None else None


def _text_list(fields: _Fields, key: str) -> tuple[str, ...] | None:
    value = fields.data.get(key)
    if value is None:
        fields.missing(key)
        return None
    if not isinstance(value, list) or not value:
        fields.fail(key, fields.line_of(key), f"应为至少一项的文字列表，实际为{_describe(value)}")
        return None
    lines = value.item_lines if isinstance(value, LineList) else [fields.line] * len(value)
    items = []
    for index, (item, line) in enumerate(zip(value, lines)):
        if not isinstance(item, str) or not item.strip():
            fields.fail(f"{key}[{index}]", line, f"应为非空文字，实际为{_describe(item)}")
        else:
            items.append(item)
    return tuple(items) if len(items) == len(value) else None


#: What each field is called on the official form, for messages that staff can act on.
FIELD_LABELS = {
    "year": "年度",
    "code": "编码",
    "name": "名称",
    "money_unit": "金额单位，如 万元",
    "goals": "部门整体绩效目标",
    "overall": "总体绩效目标",
    "itemized": "分项绩效目标",
    "safeguards": "工作保障措施",
    "number": "在部门文件中的序号",
    "budget": "预算规模",
    "total": "预算数",
    "purpose": "资金用途",
    "plan": "资金支出计划",
    "goal": "绩效目标",
    "indicators": "绩效指标",
    "level1": "一级指标",
    "level2": "二级指标",
    "level3": "三级指标",
    "value": "指标值",
}

DEPARTMENT_FIELDS = ("year", "code", "name", "money_unit", "goals")
GOAL_FIELDS = ("overall", "itemized", "safeguards")
PROJECT_FIELDS = ("code", "name", "number", "budget", "purpose", "plan", "goal", "indicators")
BUDGET_FIELDS = ("total", "fiscal", "other")
PLAN_FIELDS = tuple(key for key, _ in QUARTER_ENDS)
INDICATOR_FIELDS = ("id", "level1", "level2", "level3", "description", "value", "basis")


def _project(file: ContentFile, problems: list[Problem]) -> Project | None:
    start = len(problems)
    fields = _Fields(file.data, file.path, "", problems, 1, PROJECT_FIELDS)
    if not fields.ok:
        return None
    code = fields.get("code", _check_code)
    name = fields.text("name")
    number = fields.get("number", _check_positive_int)
    purpose = fields.text("purpose")
    goal = fields.text("goal")
    budget = _budget(fields.child("budget", BUDGET_FIELDS))
    plan = _plan(fields.child("plan", PLAN_FIELDS))
    indicators = _indicators(fields)
    if code is not None and file.path.stem != code:
        fields.fail("code", fields.line_of("code"), f"“{code}”与文件名 {file.path.name} 不一致（文件应命名为 {code}.yaml）")
    if len(problems) > start:
        return None
    return Project(code, name, number, budget, purpose, plan, goal, indicators, file.path)


def _budget(fields: _Fields) -> Budget | None:
    if not fields.ok:
        return None
    total = fields.amount("total")
    fiscal = fields.amount("fiscal", required=False)
    other = fields.amount("other", required=False)
    if total is None:
        return None
    parts = (fiscal or Decimal(0)) + (other or Decimal(0))
    if (fiscal is not None or other is not None) and parts != total:
        fields.fail(
            "total",
            fields.line_of("total"),
            f"{total} 不等于财政资金 {fiscal or 0} 加其他资金 {other or 0}（应为 {parts}）",
        )
    return Budget(total, fiscal, other)


def _plan(fields: _Fields) -> SpendingPlan | None:
    if not fields.ok:
        return None
    values = {key: fields.get(key, _check_percent, required=False) for key in PLAN_FIELDS}
    previous: tuple[str, Decimal] | None = None
    for key, label in QUARTER_ENDS:
        value = values[key]
        if value is None:
            continue
        if previous and value < previous[1]:
            fields.fail(
                key,
                fields.line_of(key),
                f"{label}累计 {value}% 小于前一时点的 {previous[1]}%（累计百分比不能减少）",
            )
        previous = (label, value)
    return SpendingPlan(**values)


def _indicators(fields: _Fields) -> tuple[Indicator, ...] | None:
    rows = fields.data.get("indicators")
    if rows is None:
        fields.missing("indicators")
        return None
    if not isinstance(rows, list) or not rows:
        fields.fail("indicators", fields.line_of("indicators"), f"应为至少一行的指标列表，实际为{_describe(rows)}")
        return None
    lines = rows.item_lines if isinstance(rows, LineList) else [fields.line] * len(rows)
    indicators = []
    seen: dict[str, int] = {}
    for index, (row, line) in enumerate(zip(rows, lines)):
        cells = _Fields(row, fields.path, f"indicators[{index}]", fields.problems, line, INDICATOR_FIELDS)
        if not cells.ok:
            continue
        texts = {key: cells.text(key) for key in ("level1", "level2", "level3", "value")}
        texts["description"] = cells.text("description", required=False) or ""
        texts["basis"] = cells.text("basis", required=False) or ""
        row_id = cells.get("id", _check_indicator_id, required=False)
        if row_id is None and texts["level2"] and texts["level3"]:
            row_id = derived_indicator_id(texts["level2"], texts["level3"])
        if row_id in seen:
            cells.fail("id", cells.line_of("id"), f"“{row_id}”与 indicators[{seen[row_id]}] 重复（同一项目内应唯一）")
        elif row_id is not None:
            seen[row_id] = index
        indicators.append(Indicator(id=row_id or "", **texts))
    return tuple(indicators)


def _check_indicator_id(value: Any) -> tuple[str | None, str | None]:
    if isinstance(value, str) and INDICATOR_ID_PATTERN.match(value):
        return value, None
    return None, f"{_describe(value)}不能用作链接锚点（应为小写字母、数字和连字符，如 quantity-1）"


#: English slugs for the standard 二级指标, so that anchors read well in a URL.
LEVEL2_SLUGS = {
    "数量指标": "quantity",
    "质量指标": "quality",
    "时效指标": "timeliness",
    "成本指标": "cost",
    "经济效益指标": "economic-benefit",
    "社会效益指标": "social-benefit",
    "生态效益指标": "ecological-benefit",
    "可持续影响指标": "sustainability",
    "服务对象满意度指标": "satisfaction",
    "满意度指标": "satisfaction",
}


def level2_slug(level2: str) -> str:
    return LEVEL2_SLUGS.get(level2.strip(), "indicator")


def derived_indicator_id(level2: str, level3: str) -> str:
    """An anchor for a row typed without an `id`: stable while its 三级指标 stays the same."""
    digest = hashlib.sha1(level3.strip().encode("utf-8")).hexdigest()[:6]
    return f"{level2_slug(level2)}-{digest}"


def _department(folder: DepartmentFolder, problems: list[Problem]) -> Department | None:
    file = folder.department
    assert file is not None
    start = len(problems)
    fields = _Fields(file.data, file.path, "", problems, 1, DEPARTMENT_FIELDS)
    if not fields.ok:
        return None
    year = fields.get("year", _check_year)
    code = fields.get("code", _check_code)
    name = fields.text("name")
    money_unit = fields.text("money_unit")
    goals = fields.child("goals", GOAL_FIELDS)
    sections = [_goal_section(goals, key) if goals.ok else None for key in GOAL_FIELDS]
    if year is not None and folder.folder.parent.name != str(year):
        fields.fail("year", fields.line_of("year"), f"{year} 与所在目录 {folder.folder.parent.name}/ 不一致（应相同）")
    if code is not None and folder.folder.name != code:
        fields.fail("code", fields.line_of("code"), f"“{code}”与所在目录 {folder.folder.name}/ 不一致（应相同）")
    if len(problems) > start:
        return None
    return Department(year, code, name, money_unit, *sections, projects=(), source=file.path)


def build_catalog(folders: list[DepartmentFolder]) -> Catalog:
    """Validate every parsed file and assemble the catalog, or raise ContentError with all problems."""
    problems: list[Problem] = []
    departments = []
    for folder in folders:
        for file in [folder.department, *folder.projects]:
            if file is not None:
                problems.extend(file.problems)
        if folder.department is None:
            for file in folder.projects:
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
            project = _project(file, problems)
            if project is not None:
                projects.append(project)
        _check_unique(projects, lambda p: p.number, "number", "序号", problems)
        if department is not None:
            projects.sort(key=lambda p: (p.number, p.code))
            departments.append(replace(department, projects=tuple(projects)))
    for year in {d.year for d in departments}:
        in_year = [p for d in departments if d.year == year for p in d.projects]
        _check_unique(in_year, lambda p: p.code, "code", f"{year} 年项目编码", problems)
    if problems:
        raise ContentError(problems)
    departments.sort(key=lambda d: (-d.year, d.code))
    return Catalog(tuple(departments))


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


def load_catalog(content_dir: Path) -> Catalog:
    """Read and validate everything under `content_dir`; raise ContentError listing every problem."""
    if not content_dir.is_dir():
        raise ContentError([Problem(content_dir, None, "", "内容目录不存在（应为包含 YAML 文件的目录）")])
    with collector_paused():
        return build_catalog(read_content(content_dir))
