"""Targets beside results: each 自评表 row joined to its target row, and whether the target was met.

A result row finds its target by its indicator's names (一级, 二级, 三级, compared in one
normal form, the weight a 一级 cell carries such as （50分） left out), never by position;
a target row without a result and a result row without a target are kept and shown as
such. Whether a target was met is read from the published target's operator and value
against 实际完成值, by the rules below; whatever they cannot read with certainty is
无法判断 with the reason, never a guess: a status computed wrongly is worse than none.

Rules, in the order they are tried (README, 自评结果):
- numbers: ≥ ≤ > < = and their words (不低于, 不超过, 以上, 以内 …), and ranges (90%-100%),
  in the same unit on both sides (%, 个, 次 …). A target without an operator is met by
  the same number; falling short of it is a miss whether ≥ or = was meant, and so is
  passing it for a cost or a time limit (成本指标, 时效指标), where less is better;
  the other way it is 无法判断;
- dates: a deadline (2024年底前, 2024年6月30日前, 年底前) against the month or day the
  actual names (2024年12月完成); 按时完成 and 如期完成 say it was met;
- qualitative values on one scale (差 < 一般 < 较好 < 好; 低 < 较低 < 一般 < 较高 < 高;
  一般 < 较显著 < 显著; 中 < 良 < 优): met when the actual is at least the target;
- the same text on both sides is met.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from enum import Enum

from generator.schema.model import GRADES, Department, Indicator, IndicatorResult, Project, ProjectResult


class Status(Enum):
    """Whether an indicator's target was met: its words, and a mark that says it without colour."""

    MET = ("达成", "✓", "met")
    MISSED = ("未达成", "✗", "missed")
    UNKNOWN = ("无法判断", "?", "unknown")

    def __init__(self, words: str, mark: str, slug: str) -> None:
        self.words = words
        self.mark = mark
        self.slug = slug


def _normal(text: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))


#: The weight a 一级指标 cell of a 自评表 carries: 产出指标（50分）, 效益指标(30)
WEIGHT = re.compile(r"[(（]\s*\d+(?:\.\d+)?\s*分?\s*[)）]$|\d+(?:\.\d+)?分$")


def level_key(level1: str, level2: str, level3: str) -> tuple[str, str, str]:
    """An indicator's names in the one form rows are joined by."""
    return WEIGHT.sub("", _normal(level1)), _normal(level2), _normal(level3)


# --- Reading a target and an actual value --------------------------------------------------------

NUMBER = r"(\d+(?:\.\d+)?)"
UNIT = r"\s*(%|[^\d\s≥≤<>=~～至到\-—－.,，、。；;（）()]{0,5}?)"
AT_LEAST = ("≥", ">=", "不低于", "不少于", "不小于", "至少", "达到")
AT_MOST = ("≤", "<=", "不高于", "不超过", "不大于", "不多于", "至多", "最多", "控制在")
MORE = (">", "大于", "高于", "超过", "多于")
LESS = ("<", "小于", "低于", "少于")
EQUAL = ("=", "等于")
SUFFIX_AT_LEAST = ("以上", "及以上")
SUFFIX_AT_MOST = ("以下", "及以下", "以内", "之内", "内")
QUANTITY = re.compile(rf"^{NUMBER}{UNIT}$")
RANGE = re.compile(rf"^{NUMBER}{UNIT}\s*(?:-|~|～|—|－|至|到)\s*{NUMBER}{UNIT}$")
#: A period a date names, from its year: 2024年底, 2024年12月, 2024年6月30日; the year may be implied (年底前).
DATE = re.compile(r"^(?:(20\d\d)?年)?(?:(\d{1,2})月)?(?:(\d{1,2})[日号])?(底|末|中|上旬|中旬|下旬)?")
DEADLINE = re.compile(r"(前|之前|以前|内|之内|完成|底|末)")
ON_TIME = re.compile(r"按时|如期|按期|准时|及时完成")
SCALES = (
    ("差", "较差", "一般", "较好", "好"),
    ("低", "较低", "一般", "较高", "高"),
    ("不显著", "一般", "较显著", "显著"),
    ("不明显", "一般", "较明显", "明显"),
    GRADES[::-1],
    ("不满意", "基本满意", "较满意", "满意", "非常满意"),
)
QUALITY_SUFFIX = re.compile(r"(提升|提高|改善|增强)$")


@dataclass(frozen=True)
class Bound:
    """A numeric target: what the actual is compared with, and how."""

    op: str  # ">=", "<=", ">", "<", "=", "range"
    low: Decimal
    high: Decimal
    unit: str

    def holds(self, actual: Decimal) -> bool:
        return {
            ">=": actual >= self.low,
            "<=": actual <= self.low,
            ">": actual > self.low,
            "<": actual < self.low,
            "=": actual == self.low,
            "range": self.low <= actual <= self.high,
        }[self.op]


def _strip(text: str, words: tuple[str, ...], suffix: bool = False) -> str | None:
    for word in sorted(words, key=len, reverse=True):
        if suffix and text.endswith(word):
            return text[: -len(word)]
        if not suffix and text.startswith(word):
            return text[len(word) :]
    return None


def bound(value: str) -> Bound | None:
    """The numeric target a 指标值 states, or None if it states none that can be compared."""
    text = _normal(value).replace("％", "%").replace(",", "")
    text = text.replace("＞", ">").replace("＜", "<").replace("＝", "=").replace("≧", "≥").replace("≦", "≤")
    match = RANGE.match(text)
    if match:
        low, low_unit, high, high_unit = match.groups()
        unit = high_unit or low_unit
        if low_unit and low_unit != unit:
            return None
        return Bound("range", Decimal(low), Decimal(high), unit)
    op = "="
    for words, name in ((AT_LEAST, ">="), (AT_MOST, "<="), (MORE, ">"), (LESS, "<"), (EQUAL, "=")):
        rest = _strip(text, words)
        if rest is not None:
            op, text = name, rest
            break
    else:
        for words, name in ((SUFFIX_AT_LEAST, ">="), (SUFFIX_AT_MOST, "<=")):
            rest = _strip(text, words, suffix=True)
            if rest is not None:
                op, text = name, rest
                break
    match = QUANTITY.match(text)
    if match is None:
        return None
    return Bound(op, Decimal(match.group(1)), Decimal(match.group(1)), match.group(2))


def quantity(value: str) -> tuple[Decimal, str] | None:
    """The number and unit an actual value states: 98%, 118个, 2 次."""
    text = _normal(value).replace("％", "%").replace(",", "")
    text = re.sub(r"^(?:实际|完成|达到|为)+", "", text)
    match = QUANTITY.match(text)
    if match is None:
        return None
    try:
        return Decimal(match.group(1)), match.group(2)
    except InvalidOperation:
        return None


def _period_end(text: str, year: int) -> date | None:
    """The last day of the period a text names (2024年底 → 2024-12-31, 2025年1月 → 2025-01-31), or None."""
    match = DATE.match(text)
    if match is None or not any(match.group(i) for i in (1, 2, 3)) and match.group(4) is None:
        return None
    y = int(match.group(1)) if match.group(1) else year
    month = int(match.group(2)) if match.group(2) else None
    day = int(match.group(3)) if match.group(3) else None
    try:
        if month is None:
            return date(y, 6, 30) if match.group(4) == "中" else date(y, 12, 31)
        if day is not None:
            return date(y, month, day)
        following = date(y + (month == 12), month % 12 + 1, 1)
        return date.fromordinal(following.toordinal() - 1)
    except ValueError:
        return None


def _scale(text: str) -> tuple[tuple[str, ...], int] | None:
    word = QUALITY_SUFFIX.sub("", text)
    for scale in SCALES:
        if word in scale:
            return scale, scale.index(word)
    return None


@dataclass(frozen=True)
class Judgement:
    """A status and, in a few words, why."""

    status: Status
    why: str


#: 二级指标 where less is better: a target without an operator is an upper limit there.
LOWER_IS_BETTER = re.compile(r"成本|时效")


def judge(target: str, actual: str, year: int, level2: str = "") -> Judgement:
    """Whether `actual` meets `target`, by the module's rules; 无法判断 whenever they cannot tell."""
    if not actual.strip():
        return Judgement(Status.UNKNOWN, "未填写实际完成值")
    if not target.strip():
        return Judgement(Status.UNKNOWN, "没有指标值可比较")
    wanted, got = _normal(target), _normal(actual)
    limit = bound(target)
    measured = quantity(actual)
    if limit is not None and measured is not None:
        number, unit = measured
        if limit.unit and unit and limit.unit != unit:
            return Judgement(Status.UNKNOWN, f"计量单位不同（指标值为{limit.unit}，实际为{unit}）")
        shown = f"{number.normalize():f}{unit or limit.unit}"
        if limit.op == "=" and number != limit.low:
            worse = number > limit.low if LOWER_IS_BETTER.search(level2) else number < limit.low
            if not worse:
                return Judgement(Status.UNKNOWN, f"指标值未写明 ≥ 或 ≤，实际 {shown} 与指标值不同")
        met = limit.holds(number)
        return Judgement(Status.MET if met else Status.MISSED, f"实际 {shown}，指标值 {target.strip()}")
    deadline = _period_end(wanted, year) if DEADLINE.search(wanted) else None
    if deadline is not None:
        if ON_TIME.search(got):
            return Judgement(Status.MET, f"自评表写明“{actual.strip()}”")
        done = _period_end(got, year)
        if done is None:
            return Judgement(Status.UNKNOWN, "实际完成值没有写明完成时间")
        met = done <= deadline
        return Judgement(
            Status.MET if met else Status.MISSED, f"完成于 {_day(done)}，期限 {_day(deadline, exact=True)}"
        )
    scales = _scale(wanted), _scale(got)
    if scales[0] and scales[1] and scales[0][0] == scales[1][0]:
        met = scales[1][1] >= scales[0][1]
        return Judgement(Status.MET if met else Status.MISSED, f"实际“{actual.strip()}”，指标值“{target.strip()}”")
    if wanted == got:
        return Judgement(Status.MET, "实际完成值与指标值相同")
    return Judgement(Status.UNKNOWN, "指标值或实际完成值不是可比较的数值、日期或等级")


def _day(day: date, exact: bool = False) -> str:
    """A day as a reader writes it; a month's last day, unless `exact`, as its month (2025年1月)."""
    last = date.fromordinal(date(day.year + (day.month == 12), day.month % 12 + 1, 1).toordinal() - 1)
    if day == last and not exact:
        return f"{day.year}年{day.month}月"
    return f"{day.year}年{day.month}月{day.day}日"


# --- A project's results ------------------------------------------------------------------------


@dataclass(frozen=True)
class RowOutcome:
    """One indicator's target and result side by side; either may be missing."""

    target: Indicator | None  # the published target row; None for a row only on the 自评表
    result: IndicatorResult | None  # the 自评表's row; None for a target not evaluated
    judgement: Judgement
    position: int  # its place in the project's rows, from 1: the targets' rows, then those only on the 自评表

    @property
    def anchor_id(self) -> str | None:
        """What names the row in its link: its target's id; None for a row only on the 自评表 (named by position)."""
        return self.target.id if self.target is not None else None

    @property
    def status(self) -> Status:
        return self.judgement.status

    @property
    def target_differs(self) -> bool:
        """The 自评表 states another 年度指标值 than the published target."""
        return bool(self.target and self.result and _normal(self.result.target) != _normal(self.target.value))

    @property
    def names(self) -> Indicator | IndicatorResult:
        return self.target or self.result  # type: ignore[return-value]


def execution_rate(budget: Decimal | None, executed: Decimal | None) -> Decimal | None:
    """执行率 in %, computed: 全年执行数 / 全年预算数, to two decimals; None without both."""
    if budget is None or executed is None or budget == 0:
        return None
    return (executed * 100 / budget).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def grade_of(score: Decimal) -> str:
    """The grade of a 总分 by the bands of 财预〔2020〕10号: 优 ≥ 90, 良 80–89, 中 60–79, 差 < 60."""
    return "优" if score >= 90 else "良" if score >= 80 else "中" if score >= 60 else "差"


@dataclass(frozen=True)
class Outcome:
    """A project's 自评表 read against its targets."""

    project: Project
    result: ProjectResult
    rows: tuple[RowOutcome, ...]
    year: int

    @property
    def rate(self) -> Decimal | None:
        funds = self.result.funds.total
        return execution_rate(funds.budget, funds.executed)

    def count(self, status: Status) -> int:
        return sum(1 for row in self.rows if row.status is status)


@functools.lru_cache(maxsize=65_536)
def outcome(project: Project, year: int) -> Outcome | None:
    """The project's results joined to its targets, row by row; None before its 自评表 is published.

    Kept for the pages, the rules and the downloads that each read it (a project hashes
    in microseconds; reading its rows takes a hundred).
    """
    result = project.result
    if result is None:
        return None
    unmatched = list(enumerate(result.indicators))
    rows = []
    for target in project.indicators:
        key = level_key(target.level1, target.level2, target.level3)
        found = next(
            (item for item in unmatched if level_key(item[1].level1, item[1].level2, item[1].level3) == key), None
        )
        if found is None:  # 一级 written differently on the 自评表: its 二级 and 三级 still name the row
            found = next(
                (item for item in unmatched if level_key("", item[1].level2, item[1].level3)[1:] == key[1:]), None
            )
        if found is None:
            rows.append(RowOutcome(target, None, Judgement(Status.UNKNOWN, "自评表中没有这一指标"), len(rows) + 1))
            continue
        unmatched.remove(found)
        rows.append(
            RowOutcome(target, found[1], judge(target.value, found[1].actual, year, target.level2), len(rows) + 1)
        )
    for _, extra in unmatched:
        rows.append(RowOutcome(None, extra, judge(extra.target, extra.actual, year, extra.level2), len(rows) + 1))
    return Outcome(project, result, tuple(rows), year)


# --- A department's and a year's results ---------------------------------------------------------


@dataclass(frozen=True)
class DepartmentOutcome:
    """A department's published 自评表 together: what it spent of its budgets and which targets it met.

    Sums run over the projects whose 自评表 is published (and states both 全年预算数 and
    全年执行数): a rate over some projects is said to be over some, never passed off as the
    department's.
    """

    department: Department
    outcomes: tuple[Outcome, ...]  # the projects with a 自评表, in the department's order

    @property
    def complete(self) -> bool:
        return len(self.outcomes) == len(self.department.projects)

    @property
    def counted(self) -> tuple[Outcome, ...]:
        """The outcomes whose funds the sums count: both 全年预算数 and 全年执行数 stated."""
        return tuple(o for o in self.outcomes if o.rate is not None)

    @property
    def budget(self) -> Decimal:
        return sum((o.result.funds.total.budget for o in self.counted), Decimal("0.00"))  # type: ignore[misc]

    @property
    def executed(self) -> Decimal:
        return sum((o.result.funds.total.executed for o in self.counted), Decimal("0.00"))  # type: ignore[misc]

    @property
    def rate(self) -> Decimal | None:
        return execution_rate(self.budget, self.executed) if self.counted else None

    def count(self, status: Status) -> int:
        return sum(o.count(status) for o in self.outcomes)

    @property
    def indicators(self) -> int:
        return sum(len(o.rows) for o in self.outcomes)

    @property
    def met_share(self) -> Decimal | None:
        """% of the indicators met, to two decimals: 无法判断 counts as not shown met."""
        if not self.indicators:
            return None
        return (Decimal(self.count(Status.MET) * 100) / self.indicators).quantize(
            Decimal("0.01"), rounding=ROUND_HALF_UP
        )

    @property
    def missed(self) -> tuple[tuple[Outcome, RowOutcome], ...]:
        """Every missed target, by project, with its row (its reason is the 自评表's)."""
        return tuple((o, row) for o in self.outcomes for row in o.rows if row.status is Status.MISSED)


def department_outcome(department: Department) -> DepartmentOutcome | None:
    """The department's results, or None while none of its projects' 自评表 is published."""
    outcomes = tuple(o for p in department.projects if (o := outcome(p, department.year)) is not None)
    return DepartmentOutcome(department, outcomes) if outcomes else None


@dataclass(frozen=True)
class YearOutcome:
    """A year's departments with published 自评表, and how much of the year that is."""

    departments: tuple[Department, ...]  # every department published that year
    evaluated: tuple[DepartmentOutcome, ...]  # those with any 自评表, in the year's order

    @property
    def complete(self) -> bool:
        """Every department's every project has its 自评表."""
        return len(self.evaluated) == len(self.departments) and all(d.complete for d in self.evaluated)

    @property
    def projects(self) -> int:
        return sum(len(d.projects) for d in self.departments)

    @property
    def evaluated_projects(self) -> int:
        return sum(len(d.outcomes) for d in self.evaluated)

    @property
    def by_rate(self) -> tuple[DepartmentOutcome, ...]:
        """Highest 执行率 first; departments whose rate cannot be computed last."""
        return tuple(sorted(self.evaluated, key=lambda d: (d.rate is None, -(d.rate or 0))))


def year_outcome(departments: tuple[Department, ...]) -> YearOutcome:
    evaluated = tuple(found for d in departments if (found := department_outcome(d)) is not None)
    return YearOutcome(departments, evaluated)
