"""The typed model of a published 绩效目标表: the one place each field is declared.

Each field states here, with `declare()`, its YAML key (the attribute's name), its
label on the official form, its kind of value, whether it must be filled in, and its
column in the download tables. Validation, the importers' YAML writer, the download
tables and JSON documents, the downloads page and `datapackage.json` all walk these
declarations (`fields_of`); the forms' optional rows, the pages' facts and the search
take their labels and order from them too, so adding an optional field means adding it
here and nowhere else. Money is `Decimal` in 万元 as typed, never `float`.
"""

from __future__ import annotations

import dataclasses
import functools
import typing
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from enum import Enum
from pathlib import Path
from typing import Any

CENT = Decimal("0.01")


class Kind(Enum):
    """What a scalar field holds: how it is checked, typed in the downloads and read from a form."""

    # Each value is (the kind's own name, its Frictionless Table Schema type): kinds that
    # share a type would otherwise be one member of the enum.
    TEXT = ("text", "string")
    CODE = ("code", "string")  # letters and digits only: it becomes a URL and a file name
    ANCHOR = ("anchor", "string")  # a slug for an indicator row's link: quantity-1
    CHOICE = ("choice", "string")  # one of the field's `choices`
    AMOUNT = ("amount", "number")  # exact decimal, at least 0
    SCORE = ("score", "number")  # exact decimal, at least 0: a 分值 or 得分 of the 自评表
    RATE = ("rate", "number")  # exact decimal, at least 0, may pass 100: an 执行率 as stated; a form may write 99.8%
    PERCENT = ("percent", "number")  # exact decimal from 0 to 100; a form may write 20%
    ORDINAL = ("ordinal", "integer")  # 1, 2, 3 …
    YEAR = ("year", "integer")
    TEXT_LIST = ("text_list", "array")  # paragraphs, numbering kept as typed
    DATE = ("date", "date")  # a calendar day, written 2024-02-01

    def __init__(self, kind: str, schema_type: str) -> None:
        self.schema_type = schema_type


@dataclass(frozen=True)
class Spec:
    """What the model says of one field; everything but the Python type."""

    label: str  # as the official form prints it: 项目编码
    kind: Kind | None = None  # None for a nested mapping or a list of rows (their class says)
    may_be_blank: bool = False  # may be left blank (None or ""); otherwise it must be filled in
    may_be_absent: bool = False  # on some counties' forms only: left out of the YAML when absent
    on_form: bool = True  # printed on the official form; False for what only the site uses (continues)
    column: str | None = None  # its column in the download tables, for fields of a tabled class
    description: str = ""  # what a reader of the downloads needs to know about it
    choices: tuple[str, ...] = ()  # the values a CHOICE field may take
    unit: str = ""  # "money": in the department's money unit; "%": a percentage
    aliases: tuple[str, ...] = ()  # other labels that counties' forms print for it: 年度预算数

    @property
    def labels(self) -> tuple[str, ...]:
        """Every label a form may print for the field, the official one first."""
        return (self.label, *self.aliases)


def declare(
    label: str, kind: Kind | None = None, *, may_be_blank: bool = False, default: Any = None, **spec: Any
) -> Any:
    """A dataclass field carrying its Spec; a field that may be blank defaults to `default`."""
    metadata = {"spec": Spec(label, kind, may_be_blank, **spec)}
    if not may_be_blank:
        return dataclasses.field(metadata=metadata)
    return dataclasses.field(default=default, metadata=metadata)


@dataclass(frozen=True)
class SchemaField:
    """A declared field of a model class, with what its annotation says about its shape."""

    key: str
    spec: Spec
    group: type | None  # the class of a nested mapping (budget: Budget)
    rows: type | None  # the class of each item of a list of mappings (indicators: Indicator)
    blank: Any  # what the field holds when its cell is blank: "" for some texts, else None

    @property
    def is_scalar(self) -> bool:
        return self.group is None and self.rows is None


@functools.cache
def fields_of(cls: type) -> tuple[SchemaField, ...]:
    """The declared fields of a model class, in declaration (and YAML) order."""
    hints = typing.get_type_hints(cls)
    declared = []
    for item in dataclasses.fields(cls):
        spec = item.metadata.get("spec")
        if spec is None:
            continue  # filled in by the loader (projects, source), not typed by anyone
        hint = hints[item.name]
        group = hint if dataclasses.is_dataclass(hint) else None
        args = typing.get_args(hint)
        rows = args[0] if typing.get_origin(hint) is tuple and args and dataclasses.is_dataclass(args[0]) else None
        blank = None if item.default is dataclasses.MISSING else item.default
        declared.append(SchemaField(item.name, spec, group, rows, blank))
    return tuple(declared)


def field_of(cls: type, key: str) -> SchemaField:
    return next(f for f in fields_of(cls) if f.key == key)


def optional_fields(cls: type) -> tuple[SchemaField, ...]:
    """The fields only some counties' forms print (实施单位, 项目属性): read, shown and exported when present."""
    return tuple(f for f in fields_of(cls) if f.spec.may_be_absent and f.spec.on_form)


@dataclass(frozen=True, kw_only=True)
class Indicator:
    """One row of the 绩效指标 table, all six cells verbatim."""

    id: str = declare(
        "指标编号", Kind.ANCHOR, may_be_blank=True, default="", column="indicator_id",
        description="在项目内唯一且稳定，不随行序变化。",
    )  # fmt: skip
    level1: str = declare("一级指标", Kind.TEXT, column="level1")
    level2: str = declare("二级指标", Kind.TEXT, column="level2")
    level3: str = declare("三级指标", Kind.TEXT, column="level3")
    description: str = declare("绩效指标描述", Kind.TEXT, may_be_blank=True, default="", column="description")
    value: str = declare("指标值", Kind.TEXT, column="value", description="原样保留的文字，如 ≥100%。")
    basis: str = declare(
        "指标值确定依据", Kind.TEXT, may_be_blank=True, default="", column="basis", aliases=("指标值设定依据",)
    )


@dataclass(frozen=True, kw_only=True)
class Budget:
    """预算数 and its split, in the department's money unit (万元)."""

    total: Decimal = declare(
        "预算数", Kind.AMOUNT, unit="money", column="budget_total", description="精确小数，单位见 money_unit。",
        aliases=("年度预算数", "项目资金"),
    )  # fmt: skip
    fiscal: Decimal | None = declare(
        "其中：财政资金", Kind.AMOUNT, may_be_blank=True, unit="money", column="budget_fiscal",
        description="精确小数；原表为空时留空。", aliases=("其中：财政拨款",),
    )  # fmt: skip
    other: Decimal | None = declare(
        "其他资金", Kind.AMOUNT, may_be_blank=True, unit="money", column="budget_other",
        description="精确小数；原表为空时留空。", aliases=("其他",),
    )  # fmt: skip


@dataclass(frozen=True)
class PlanPoint:
    """Cumulative share of the budget to be spent by one quarter end."""

    key: str  # "mar", "jun", "oct", "dec"
    label: str  # "3月底"
    percent: Decimal | None  # cumulative %, None when the cell is blank


@dataclass(frozen=True, kw_only=True)
class SpendingPlan:
    """资金支出计划（%）: cumulative % at each quarter end, in the form's order; a blank cell stays blank."""

    mar: Decimal | None = declare("3月底", Kind.PERCENT, may_be_blank=True, unit="%")
    jun: Decimal | None = declare("6月底", Kind.PERCENT, may_be_blank=True, unit="%")
    oct: Decimal | None = declare("10月底", Kind.PERCENT, may_be_blank=True, unit="%")
    dec: Decimal | None = declare("12月底", Kind.PERCENT, may_be_blank=True, unit="%")

    def points(self) -> tuple[PlanPoint, ...]:
        return tuple(PlanPoint(f.key, f.spec.label, getattr(self, f.key)) for f in fields_of(SpendingPlan))


@dataclass(frozen=True, kw_only=True)
class Project:
    """项目支出绩效目标表 of one budget project."""

    code: str = declare("项目编码", Kind.CODE, column="project_code", description="项目的永久编号，同一年度内唯一。")
    name: str = declare("项目名称", Kind.TEXT, column="project_name")
    number: int = declare("序号", Kind.ORDINAL, column="project_number", description="在部门文件中的序号。")
    implementing_unit: str | None = declare(
        "实施单位", Kind.TEXT, may_be_blank=True, may_be_absent=True, column="implementing_unit",
        description="具体实施项目的单位；原表没有此项时留空。",
    )  # fmt: skip
    attribute: str | None = declare(
        "项目属性", Kind.CHOICE, may_be_blank=True, may_be_absent=True, choices=("新增", "延续"),
        column="project_attribute", description="新增或延续；原表没有此项时留空。",
    )  # fmt: skip
    funding_source: str | None = declare(
        "资金来源", Kind.TEXT, may_be_blank=True, may_be_absent=True, column="funding_source",
        description="项目资金的来源，如本级财政、上级转移支付；原表没有此项时留空。",
    )  # fmt: skip
    continues: str | None = declare(
        "上年项目编码", Kind.CODE, may_be_blank=True, may_be_absent=True, on_form=False, column="continues",
        description="上年度同一项目的编码，仅在项目改了编码、名称也不同时填写；否则按相同编码或同名认定。",
    )  # fmt: skip
    budget: Budget = declare("预算规模")
    purpose: str = declare("资金用途", Kind.TEXT, column="purpose")
    plan: SpendingPlan = declare("资金支出计划（%）")
    goal: str = declare("绩效目标", Kind.TEXT, column="goal", aliases=("年度绩效目标", "年度目标"))
    indicators: tuple[Indicator, ...] = declare("绩效指标")
    result: ProjectResult | None = None  # its 自评表, from results/<code>.yaml, once published
    source: Path = dataclasses.field(compare=False, default=Path())  # the YAML file it was loaded from

    def planned_amount(self, percent: Decimal | None) -> Decimal | None:
        """万元 spent by a plan point: the cumulative % of the total, to the cent."""
        if percent is None:
            return None
        return (self.budget.total * percent / 100).quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass(frozen=True, kw_only=True)
class FundsLine:
    """One row of the 自评表's funds block (项目资金), each cell as the form states it; a dash or blank is None."""

    initial: Decimal | None = declare("年初预算数", Kind.AMOUNT, may_be_blank=True, unit="money")
    budget: Decimal | None = declare("全年预算数", Kind.AMOUNT, may_be_blank=True, unit="money")
    executed: Decimal | None = declare("全年执行数", Kind.AMOUNT, may_be_blank=True, unit="money")
    weight: Decimal | None = declare("分值", Kind.SCORE, may_be_blank=True)
    rate: Decimal | None = declare("执行率", Kind.RATE, may_be_blank=True, unit="%")
    score: Decimal | None = declare("得分", Kind.SCORE, may_be_blank=True)

    @property
    def is_blank(self) -> bool:
        """Every cell of the row is blank or a dash: the form states nothing of this money."""
        return all(getattr(self, f.key) is None for f in fields_of(FundsLine))


@dataclass(frozen=True, kw_only=True)
class Funds:
    """项目资金: the year's money and what was spent of it, by source."""

    total: FundsLine = declare("年度资金总额")
    fiscal: FundsLine = declare(
        "其中：本年财政拨款", aliases=("其中：当年财政拨款", "其中：财政拨款", "其中：财政资金")
    )
    carried_over: FundsLine = declare("上年结转资金")
    other: FundsLine = declare("其他资金")


@dataclass(frozen=True, kw_only=True)
class IndicatorResult:
    """One row of the 自评表's indicator table, every cell verbatim; joined to its target row by its 指标 names."""

    level1: str = declare(
        "一级指标", Kind.TEXT, column="level1", description="原样保留，可含权重，如 产出指标（50分）。"
    )
    level2: str = declare("二级指标", Kind.TEXT, column="level2")
    level3: str = declare("三级指标", Kind.TEXT, column="level3")
    target: str = declare(
        "年度指标值", Kind.TEXT, may_be_blank=True, default="", column="target_on_result",
        description="自评表上写的年度指标值，原样保留；与目标表不同时如实显示。", aliases=("年度目标值", "指标值"),
    )  # fmt: skip
    actual: str = declare(
        "实际完成值", Kind.TEXT, may_be_blank=True, default="", column="actual",
        description="原样保留的文字，如 98%。", aliases=("全年实际值", "实际值"),
    )  # fmt: skip
    weight: Decimal | None = declare("分值", Kind.SCORE, may_be_blank=True, column="weight", aliases=("权重",))
    score: Decimal | None = declare("得分", Kind.SCORE, may_be_blank=True, column="score")
    reason: str = declare(
        "偏差原因分析及改进措施", Kind.TEXT, may_be_blank=True, default="", column="deviation_reason",
        aliases=("偏差原因分析及改进措施", "偏差原因及改进措施", "未完成原因及改进措施", "未完成原因分析及改进措施", "偏差原因分析"),
    )  # fmt: skip


GRADES = ("优", "良", "中", "差")


@dataclass(frozen=True, kw_only=True)
class ProjectResult:
    """项目支出绩效自评表 of one project: what it achieved in its year, every figure as the form states it."""

    code: str = declare("项目编码", Kind.CODE, description="所自评项目的项目编码，与目标表相同。")
    name: str = declare("项目名称", Kind.TEXT)
    competent_department: str | None = declare("主管部门", Kind.TEXT, may_be_blank=True, may_be_absent=True)
    implementing_unit: str | None = declare("实施单位", Kind.TEXT, may_be_blank=True, may_be_absent=True)
    # Not on the form: the import records it (the day of the first import, or --published).
    published: date | None = declare(
        "发布日期", Kind.DATE, on_form=False, description="部门公开本自评表的日期，年-月-日。"
    )
    funds: Funds = declare("项目资金", aliases=("项目资金（万元）",))
    goal_expected: str = declare("预期目标", Kind.TEXT, may_be_blank=True, default="")
    goal_achieved: str = declare("实际完成情况", Kind.TEXT, may_be_blank=True, default="")
    indicators: tuple[IndicatorResult, ...] = declare("绩效指标")
    total_weight: Decimal | None = declare("总分分值", Kind.SCORE, may_be_blank=True)
    total_score: Decimal | None = declare("总分", Kind.SCORE, may_be_blank=True)
    grade: str | None = declare("自评等级", Kind.CHOICE, may_be_blank=True, may_be_absent=True, choices=GRADES)
    source: Path = dataclasses.field(compare=False, default=Path())


@dataclass(frozen=True, kw_only=True)
class GoalSection:
    """One of the department's three goal sections, its paragraphs verbatim."""

    intro: str | None = declare(
        "引言", Kind.TEXT, may_be_blank=True, may_be_absent=True
    )  # the paragraph before the numbered items
    items: tuple[str, ...] = declare("条目", Kind.TEXT_LIST)  # numbered items, numbering kept ("1、…")


@dataclass(frozen=True, kw_only=True)
class Goals:
    """部门整体绩效目标: the first part of the department's document."""

    overall: GoalSection = declare("总体绩效目标")
    itemized: GoalSection = declare("分项绩效目标")
    safeguards: GoalSection = declare("工作保障措施")


@dataclass(frozen=True, kw_only=True)
class Department:
    """A budget unit's document for one year: its goals and its projects."""

    year: int = declare("年度", Kind.YEAR, column="year")
    code: str = declare("单位编码", Kind.CODE, column="department_code")
    name: str = declare("单位名称", Kind.TEXT, column="department_name")
    money_unit: str = declare("金额单位", Kind.TEXT, column="money_unit")
    competent_department: str | None = declare(
        "主管部门", Kind.TEXT, may_be_blank=True, may_be_absent=True, column="competent_department",
        description="部门的主管部门；原表没有此项时留空。",
    )  # fmt: skip
    # Not on the form: the import records it (the day of the first import, or --published).
    published: date | None = declare(
        "发布日期", Kind.DATE, on_form=False, column="published", description="部门公开本文件的日期，年-月-日。"
    )
    goals: Goals = declare("部门整体绩效目标")
    projects: tuple[Project, ...] = ()  # in published order; each from its own file
    source: Path = dataclasses.field(compare=False, default=Path())

    @property
    def total(self) -> Decimal:
        return sum((p.budget.total for p in self.projects), Decimal("0.00"))

    def share(self, project: Project) -> Decimal:
        """The project's share of the department's budget, in %, unrounded."""
        return project.budget.total * 100 / self.total if self.total else Decimal(0)


@dataclass(frozen=True)
class Catalog:
    """Everything published on the site, ordered by year (newest first) then code."""

    departments: tuple[Department, ...]

    @property
    def years(self) -> tuple[int, ...]:
        return tuple(sorted({d.year for d in self.departments}, reverse=True))

    def departments_of(self, year: int) -> tuple[Department, ...]:
        return tuple(d for d in self.departments if d.year == year)

    @property
    def projects(self) -> tuple[tuple[Department, Project], ...]:
        return tuple((d, p) for d in self.departments for p in d.projects)

    def years_of(self, department: Department) -> tuple[Department, ...]:
        """The department (by code) in every year on the site, oldest first."""
        return self._by_code[department.code]

    def previous(self, department: Department) -> Department | None:
        """The same department (by code) in its nearest earlier year on the site, if any."""
        years = self.years_of(department)
        index = years.index(department)
        return years[index - 1] if index else None

    @functools.cached_property
    def _by_code(self) -> dict[str, tuple[Department, ...]]:
        by_code: dict[str, list[Department]] = {}
        for department in sorted(self.departments, key=lambda d: d.year):
            by_code.setdefault(department.code, []).append(department)
        return {code: tuple(years) for code, years in by_code.items()}


#: The classes a content file is made of, each reachable from Department or Project.
MODEL_CLASSES = (
    Department, Goals, GoalSection, Project, Budget, SpendingPlan, Indicator,
    ProjectResult, Funds, FundsLine, IndicatorResult,
)  # fmt: skip
