"""Geometry of the build-time SVG charts; the markup lives in templates/charts.html.j2.

Charts are computed here as plain numbers so that they need no JavaScript, no
library and no network, and so that tests can check the geometry directly.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from generator.model import Department, Project

PLAN_WIDTH = 520  # narrow enough that its text stays legible scaled to a phone
PLAN_HEIGHT = 300
PLAN_TOP = 30  # room for the % label above a full bar
PLAN_BOTTOM = 250  # baseline; below it the quarter label and the 万元 amount
PLAN_LEFT = 56  # room for the axis labels


@dataclass(frozen=True)
class PlanBar:
    label: str  # "3月底"
    percent: Decimal | None
    amount: Decimal | None
    x: float
    width: float
    y: float  # top of the bar
    height: float


@dataclass(frozen=True)
class PlanChart:
    width: int
    height: int
    left: int
    top: int
    baseline: int
    bars: tuple[PlanBar, ...]
    gridlines: tuple[tuple[int, float], ...]  # (percent, y)


def plan_chart(project: Project) -> PlanChart:
    """Columns of the cumulative % at each quarter end, on a fixed 0–100 % scale."""
    points = project.plan.points()
    slot = (PLAN_WIDTH - PLAN_LEFT) / len(points)
    span = PLAN_BOTTOM - PLAN_TOP
    bars = []
    for index, point in enumerate(points):
        percent = point.percent
        height = float(percent) / 100 * span if percent is not None else 0.0
        bars.append(
            PlanBar(
                label=point.label,
                percent=percent,
                amount=project.planned_amount(percent),
                x=round(PLAN_LEFT + index * slot + slot * 0.2, 2),
                width=round(slot * 0.6, 2),
                y=round(PLAN_BOTTOM - height, 2),
                height=round(height, 2),
            )
        )
    gridlines = tuple((pct, round(PLAN_BOTTOM - pct / 100 * span, 2)) for pct in (0, 25, 50, 75, 100))
    return PlanChart(PLAN_WIDTH, PLAN_HEIGHT, PLAN_LEFT, PLAN_TOP, PLAN_BOTTOM, tuple(bars), gridlines)


SHARE_WIDTH = 520
SHARE_ROW = 50  # one bar: its label on a line, the bar below
SHARE_BAR = 16
SHARE_LABEL_ROOM = 200  # room right of the longest bar for "4,916.86 万元 67.06%"
#: Bars drawn at most. A department with more projects gets its largest projects and one
#: bar for the rest: a bar per project made a 30-project page 9 KB heavier and a chart
#: taller than a phone's screen, and the table above lists every project's share anyway.
SHARE_MOST_BARS = 15


@dataclass(frozen=True)
class ShareBar:
    label: str  # a project's name, or "其余 16 个项目合计"
    amount: Decimal
    share: Decimal  # % of the department total
    y: float  # baseline of the label
    bar_y: float
    width: float


@dataclass(frozen=True)
class ShareChart:
    width: int
    height: int
    bar_height: int
    bars: tuple[ShareBar, ...]


def share_chart(department: Department) -> ShareChart:
    """Horizontal bars of the projects' budgets, largest first, scaled to the longest bar."""
    ranked = sorted(department.projects, key=lambda p: (-p.budget.total, p.number))
    if len(ranked) <= SHARE_MOST_BARS:
        entries = [(project.name, project.budget.total) for project in ranked]
    else:
        shown, rest = ranked[: SHARE_MOST_BARS - 1], ranked[SHARE_MOST_BARS - 1 :]
        entries = [(project.name, project.budget.total) for project in shown]
        entries.append((f"其余 {len(rest)} 个项目合计", sum((project.budget.total for project in rest), Decimal(0))))
    largest = max((amount for _, amount in entries), default=Decimal(0))
    room = SHARE_WIDTH - SHARE_LABEL_ROOM
    bars = []
    for index, (label, amount) in enumerate(entries):
        top = index * SHARE_ROW
        fraction = float(amount / largest) if largest else 0.0
        bars.append(
            ShareBar(
                label=label,
                amount=amount,
                share=amount * 100 / department.total if department.total else Decimal(0),
                y=top + 18,
                bar_y=top + 26,
                width=round(max(fraction * room, 1.0), 2),
            )
        )
    return ShareChart(SHARE_WIDTH, max(len(entries), 1) * SHARE_ROW, SHARE_BAR, tuple(bars))
