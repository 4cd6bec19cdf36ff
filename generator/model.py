"""The typed model of a published 绩效目标表: the one place each field is declared.

Everything downstream (render, downloads, search) reads these frozen objects and
never the raw YAML, so a field's type and unit are stated exactly once, here.
Money is `Decimal` in 万元 as typed in the source, never `float`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

CENT = Decimal("0.01")

#: Quarter-end checkpoints of the 资金支出计划, in the order of the official form.
QUARTER_ENDS: tuple[tuple[str, str], ...] = (
    ("mar", "3月底"),
    ("jun", "6月底"),
    ("oct", "10月底"),
    ("dec", "12月底"),
)


@dataclass(frozen=True)
class Indicator:
    """One row of the 绩效指标 table, all six cells verbatim."""

    id: str  # stable anchor slug, unique within its project (e.g. "quantity-1")
    level1: str  # 一级指标
    level2: str  # 二级指标
    level3: str  # 三级指标
    description: str  # 绩效指标描述
    value: str  # 指标值, kept as text: "≥100%", "2024年底前完成%", "10000个"
    basis: str  # 指标值确定依据


@dataclass(frozen=True)
class Budget:
    """预算数 and its split, in the department's money unit (万元)."""

    total: Decimal  # 预算数
    fiscal: Decimal | None  # 其中：财政资金; None when the cell is blank
    other: Decimal | None  # 其他资金; None when the cell is blank


@dataclass(frozen=True)
class PlanPoint:
    """Cumulative share of the budget to be spent by one quarter end."""

    key: str  # "mar", "jun", "oct", "dec"
    label: str  # "3月底"
    percent: Decimal | None  # cumulative %, None when the cell is blank


@dataclass(frozen=True)
class SpendingPlan:
    """资金支出计划（%）: four cumulative points; a blank cell stays blank."""

    mar: Decimal | None
    jun: Decimal | None
    oct: Decimal | None
    dec: Decimal | None

    def points(self) -> tuple[PlanPoint, ...]:
        return tuple(PlanPoint(key, label, getattr(self, key)) for key, label in QUARTER_ENDS)


@dataclass(frozen=True)
class Project:
    """项目支出绩效目标表 of one budget project."""

    code: str  # 项目编码, the permanent identity of the project
    name: str  # 项目名称
    number: int  # position in the department's published document (1-based)
    budget: Budget
    purpose: str  # 资金用途
    plan: SpendingPlan
    goal: str  # 绩效目标
    indicators: tuple[Indicator, ...]
    source: Path = field(compare=False)  # the YAML file it was loaded from

    def planned_amount(self, percent: Decimal | None) -> Decimal | None:
        """万元 spent by a plan point: the cumulative % of the total, to the cent."""
        if percent is None:
            return None
        return (self.budget.total * percent / 100).quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class GoalSection:
    """One of the department's three goal sections, its paragraphs verbatim."""

    intro: str | None  # the paragraph before the numbered items, if any
    items: tuple[str, ...]  # numbered items, numbering kept as published ("1、…")


@dataclass(frozen=True)
class Department:
    """A budget unit's document for one year: its goals and its projects."""

    year: int
    code: str  # 单位编码, e.g. "203001"
    name: str
    money_unit: str  # "万元"
    overall_goals: GoalSection  # 总体绩效目标
    itemized_goals: GoalSection  # 分项绩效目标
    safeguards: GoalSection  # 工作保障措施
    projects: tuple[Project, ...]  # in published order
    source: Path = field(compare=False)

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
