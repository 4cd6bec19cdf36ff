"""The charts' numbers; the markup lives in templates/charts.html.j2 and the look in budget.css.

Charts are HTML and CSS, computed here at build time: no JavaScript, no library, no
network. Their words are the page's own text, so they stay at the page's size on a
phone (an SVG scaled to a 343 px screen shrank its 14 px labels to 9 px) and wrap
instead of overlapping. Tests check the numbers here directly.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Generic, TypeVar

from generator.schema.model import Department, Project
from generator.site.results import DepartmentOutcome, Outcome

Item = TypeVar("Item")

#: Bars drawn at most. More items get the largest ones and one bar for the rest: a bar
#: per project made a 30-project page much longer than a phone's screen, and the table
#: beside the chart lists every item anyway.
MOST_BARS = 15
#: The plan chart's gridlines, in % of the budget.
PLAN_GRIDLINES = (0, 25, 50, 75, 100)


@dataclass(frozen=True)
class Bar(Generic[Item]):
    """One horizontal bar: an item (None for the rest), its amount and share of the whole."""

    label: str  # a project's or department's name, or "其余 16 个项目合计"
    amount: Decimal
    share: Decimal  # % of the whole
    length: Decimal  # % of the largest item's bar, to 0.01; at most 100
    item: Item | None = None
    truncated: bool = False  # the rest, larger than the largest item: its bar is cut at full length


def ranked_bars(items: Sequence[tuple[str, Decimal, Item]], noun: str) -> tuple[Bar[Item], ...]:
    """Bars of (label, amount, item), largest first (ties in the given order), with one for the rest.

    Lengths are scaled to the largest item, not to the rest: 86 departments together would
    otherwise shrink every named bar to a sliver."""
    ranked = sorted(enumerate(items), key=lambda entry: (-entry[1][1], entry[0]))
    entries: list[tuple[str, Decimal, Item | None]] = [item for _, item in ranked]
    if len(entries) > MOST_BARS:
        rest = entries[MOST_BARS - 1 :]
        entries = [
            *entries[: MOST_BARS - 1],
            (f"其余 {len(rest)} 个{noun}合计", sum((a for _, a, _ in rest), Decimal(0)), None),
        ]
    whole = sum((amount for _, amount, _ in entries), Decimal(0))
    largest = max((amount for _, amount, item in entries if item is not None), default=Decimal(0))
    return tuple(
        Bar(
            label,
            amount,
            amount * 100 / whole if whole else Decimal(0),
            min(_percent_of(amount, largest), Decimal(100)),
            item,
            item is None and amount > largest,
        )
        for label, amount, item in entries
    )


def share_bars(department: Department) -> tuple[Bar[Project], ...]:
    """The department's projects by budget."""
    return ranked_bars([(p.name, p.budget.total, p) for p in department.projects], "项目")


def department_bars(departments: Sequence[Department]) -> tuple[Bar[Department], ...]:
    """A year's departments by their projects' total."""
    return ranked_bars([(d.name, d.total, d) for d in departments], "部门")


@dataclass(frozen=True)
class RateBar(Generic[Item]):
    """One horizontal bar of a rate (执行率, share of targets met) on a 0–100 % track."""

    label: str
    rate: Decimal  # in %, may pass 100 (more spent than budgeted)
    length: Decimal  # % of the track: the rate, at most 100
    item: Item
    note: str = ""  # what the rate is over when not the whole: 13 个项目中的 2 个


#: A ranking of more departments shows its highest and lowest this many each; the table below has all.
RANKED_ENDS = 10


def rate_bars(items: Sequence[tuple[str, Decimal, Item, str]]) -> tuple[tuple[RateBar[Item], ...], int]:
    """Bars of (label, rate, item, note), highest first (ties in the given order); and how many are left out.

    A long ranking keeps its ends, the highest and the lowest RANKED_ENDS, since a reader
    looks for both; the middle is left to the table.
    """
    ranked = [item for _, item in sorted(enumerate(items), key=lambda entry: (-entry[1][1], entry[0]))]
    left_out = max(len(ranked) - 2 * RANKED_ENDS, 0)
    if left_out:
        ranked = [*ranked[:RANKED_ENDS], *ranked[-RANKED_ENDS:]]
    bars = tuple(RateBar(label, rate, min(rate, Decimal(100)), item, note) for label, rate, item, note in ranked)
    return bars, left_out


@dataclass(frozen=True)
class Column(Generic[Item]):
    """One vertical column: its label, value, and height in % of the plot."""

    label: str  # "3月底", "2024年"
    value: Decimal | None  # None: the cell is blank
    height: Decimal
    item: Item | None = None


#: The label of the plan chart's column of what was spent by the year's end, once the 自评表 says.
SPENT_COLUMN = "全年执行"


def plan_columns(project: Project, outcome: Outcome | None = None) -> tuple[Column[Decimal | None], ...]:
    """The cumulative % at each quarter end on a fixed 0–100 % scale; each column's item is the amount it means.

    With the project's 自评表, a last column shows the year's 执行率 (全年执行数 / 全年预算数)
    beside the plan's 12月底, its item the 全年执行数; a rate over 100 % is drawn at the top.
    """
    columns: list[Column[Decimal | None]] = [
        Column(point.label, point.percent, point.percent or Decimal(0), project.planned_amount(point.percent))
        for point in project.plan.points()
    ]
    rate = outcome.rate if outcome is not None else None
    if outcome is not None and rate is not None:
        columns.append(Column(SPENT_COLUMN, rate, min(rate, Decimal(100)), outcome.result.funds.total.executed))
    return tuple(columns)


def year_columns(years: Sequence[tuple[Department, Project]]) -> tuple[Column[tuple[Department, Project]], ...]:
    """A project's budget in each of its years, scaled to the largest."""
    largest = max((project.budget.total for _, project in years), default=Decimal(0))
    return tuple(
        Column(
            f"{department.year}年",
            project.budget.total,
            _percent_of(project.budget.total, largest),
            (department, project),
        )
        for department, project in years
    )


def _percent_of(amount: Decimal, largest: Decimal) -> Decimal:
    """A bar's length in % of the longest, at least a sliver so that a small amount still shows."""
    if not largest or not amount:
        return Decimal(0)
    return max(amount * 100 / largest, Decimal("0.5")).quantize(Decimal("0.01"))


def department_rate_bars(
    evaluated: Sequence[DepartmentOutcome], rate: str
) -> tuple[tuple[RateBar[DepartmentOutcome], ...], int]:
    """The departments ranked by a rate of their results ("rate" or "met_share"), each saying what it is over."""
    return rate_bars(
        [
            (
                d.department.name,
                value,
                d,
                "" if d.complete else f"{len(d.outcomes)}/{len(d.department.projects)} 个项目",
            )
            for d in evaluated
            if (value := getattr(d, rate)) is not None
        ]
    )
