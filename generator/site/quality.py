"""A reviewer's reading of the indicator tables: can each target be checked at the end of the year?

Each rule states what the official guidance asks of a target (财预〔2015〕88号
《中央部门预算绩效目标管理办法》, 财预〔2021〕101号《中央部门项目支出核心绩效目标和
指标设置及取值指引（试行）》, and the form itself) and finds the cells that do not
show it. A finding says what the table shows, never that it is wrong: the rules read
text, they do not audit, and a department may have reasons the table does not give.
The build never fails on a finding; `python -m generator check --quality` lists them
with file and line so that staff can improve a table before it is published.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from enum import Enum
from functools import cached_property

from generator.schema.model import Catalog, Department, Funds, Indicator, Project, field_of, fields_of
from generator.site.results import RowOutcome, Status, execution_rate, grade_of, outcome

GUIDE_2015 = "财预〔2015〕88号《中央部门预算绩效目标管理办法》"
GUIDE_2021 = "财预〔2021〕101号《中央部门项目支出核心绩效目标和指标设置及取值指引（试行）》"
FORM = "项目支出绩效目标表"


class Severity(Enum):
    """注意: the target, as written, cannot be checked at year end; 提示: the table leaves out what the guidance asks."""

    ATTENTION = "注意"
    HINT = "提示"


@dataclass(frozen=True)
class Hit:
    """Where a rule fires in one project, and what the table shows there."""

    field: str  # the YAML path of the cell: "indicators[2].value", "plan", "indicators"
    detail: str  # what the table shows, quoting it: 指标值为“≥100%”，是百分比
    row: int | None = None  # the indicator row's index (from 0) when the finding is about one row


@dataclass(frozen=True)
class Rule:
    """One documented rule: what a finding is called, what the guidance asks and where it says so."""

    id: str  # stable, for links and the downloads: quantity-no-unit
    severity: Severity
    title: str  # what a finding says, neutrally: 数量指标的指标值没有计量单位
    description: str  # one sentence: what the rule asks of the table
    basis: str  # the document and the part of it the rule rests on
    check: Callable[[Department, Project], Iterable[Hit]] = field(repr=False, compare=False)


@dataclass(frozen=True)
class Finding:
    """One rule firing on one cell (or on the whole table) of one project."""

    rule: Rule
    department: Department
    project: Project
    hit: Hit

    @property
    def indicator(self) -> Indicator | None:
        """The indicator row the finding is about; None for a finding on the whole project."""
        return None if self.hit.row is None else self.project.indicators[self.hit.row]

    @property
    def row_number(self) -> int | None:
        """The row's place in its project's table, from 1, as the page and the downloads count it."""
        return None if self.hit.row is None else self.hit.row + 1

    @property
    def section(self) -> str:
        """The top-level field the finding is in (indicators, plan, goal), which names its section of the page."""
        return re.split(r"[.\[]", self.hit.field, maxsplit=1)[0]

    @property
    def place(self) -> str:
        """Where in the project's table, for a reader: 第 4 行（预算资金完成率）, or the section: 资金支出计划（%）."""
        if self.indicator is not None:
            return f"第 {self.row_number} 行（{self.indicator.level3}）"
        if self.section == "result":
            return "自评表"
        return field_of(Project, self.section).spec.label


RULES: list[Rule] = []


def project_rule(
    id: str, severity: Severity, title: str, description: str, basis: str
) -> Callable[[Callable[[Department, Project], Iterable[Hit]]], Callable[[Department, Project], Iterable[Hit]]]:
    """Register a rule that reads a whole project (its plan, or its table as a whole)."""

    def register(check: Callable[[Department, Project], Iterable[Hit]]) -> Callable[..., Iterable[Hit]]:
        RULES.append(Rule(id, severity, title, description, basis, check))
        return check

    return register


def row_rule(
    id: str, severity: Severity, title: str, description: str, basis: str, *, cell: str
) -> Callable[[Callable[[Indicator], str | None]], Callable[[Indicator], str | None]]:
    """Register a rule that reads one indicator row at a time; it returns what the row shows, or None."""

    def register(test: Callable[[Indicator], str | None]) -> Callable[[Indicator], str | None]:
        def check(department: Department, project: Project) -> Iterator[Hit]:
            for index, indicator in enumerate(project.indicators):
                detail = test(indicator)
                if detail is not None:
                    yield Hit(f"indicators[{index}].{cell}", detail, index)

        RULES.append(Rule(id, severity, title, description, basis, check))
        return test

    return register


# --- Reading the text of a cell ------------------------------------------------------------------

#: A comparison, as a symbol or in words: ≥95%, 不低于 95%, 30个工作日内, 2024年底前.
COMPARISON = re.compile(
    r"[≥≤≧≦⩾⩽<>＜＞=＝]|不低于|不少于|不高于|不超过|不大于|不小于|不多于|以上|以下|以内|之内|至少|至多|最多|"
    r"达到|低于|高于|超过|大于|小于|控制在|前|内"
)
#: Two comparison symbols in a row, other than the ASCII spellings of ≥ and ≤ (>=, <=).
DOUBLED_COMPARISON = re.compile(r"[≥≤≧≦⩾⩽<>＜＞=＝]{2,}")
ASCII_COMPARISONS = {">=", "<=", "＞=", "＜=", ">＝", "<＝", "＞＝", "＜＝"}
#: A number that is a quantity, not part of a date: 95 in ≥95%, 200 in 200人, not 2024 in 2024年底.
QUANTITY = re.compile(r"\d+(?:\.\d+)?(?!\s*(?:年|月|日|号|季度|\d|\.))")
CHINESE_COUNT = re.compile(r"[一二两三四五六七八九十百千万]+(?=[个次人份本家所项场期批篇条台套辆座户名处间册张部块])")
#: A number followed by its unit: 200人, 3 次, 10000个 (a percent sign is no unit of a count).
NUMBER_WITH_UNIT = re.compile(r"\d\s*[^\W\d_]")
PERCENT = re.compile(r"(\d+(?:\.\d+)?)\s*[%％]")
PERCENT_WITHOUT_NUMBER = re.compile(r"(?<![\d.\s])\s*[%％]|^\s*[%％]")
AMOUNT = re.compile(r"\d\s*(?:亿元|万元|千元|元)")
#: A date or a period of time: 2024年底前, 6月30日, 30个工作日内, 年内, 上半年.
DATE = re.compile(
    r"\d+\s*(?:年|月|日|号|季度|周|天|个?工作日|小时|个月)|[一二三四五六七八九十]+\s*(?:个月|季度|周|天|日)|"
    r"年底|年末|年内|年初|年中|月底|月末|上半年|下半年|季度|当年|本年|全年"
)
#: Words that say how satisfaction is measured: 问卷调查, 抽样, 回访 …
MEASURED_BY = re.compile(r"问卷|调查|调研|测评|访谈|回访|抽样|抽查|座谈|评议|打分|评价|统计")
#: Text left in place of a value: XX, ××, 待定, 见附件.
PLACEHOLDER = re.compile(r"(?<![A-Za-z])[Xx]{2,}(?![A-Za-z])|[×＊*]{2,}|待定|待补充|待填|见附件|详见附件|另附")
#: Names of shares that cannot pass 100%: 满意度, 覆盖率, 占比 (a 增长率 can).
BOUNDED_SHARE = re.compile(r"满意度|比例|占比|比重|率")
UNBOUNDED_RATE = re.compile(r"增长|增幅|提高|提升|降低|下降|回报|收益|利润|周转")


def _has_number(text: str) -> bool:
    return bool(re.search(r"\d", text) or CHINESE_COUNT.search(text))


def _quoted(text: str) -> str:
    return f"“{text}”"


def _level2(indicator: Indicator) -> str:
    return indicator.level2.strip()


def _is_satisfaction(indicator: Indicator) -> bool:
    return "满意度" in indicator.level1 or "满意度" in indicator.level2


def _names_share(indicator: Indicator) -> bool:
    """Whether the indicator is a share of a whole (满意度, 覆盖率), which cannot pass 100%."""
    name = indicator.level3 + indicator.description
    return bool(BOUNDED_SHARE.search(indicator.level3) and not UNBOUNDED_RATE.search(name))


# --- The rules, in the order the reports list them -----------------------------------------------


@row_rule(
    "quantity-no-number", Severity.ATTENTION, "数量指标的指标值没有数字",
    "数量指标应写明要提供的产品或服务的数量。",
    f"{GUIDE_2021}，产出指标中的数量指标", cell="value",
)  # fmt: skip
def _quantity_without_number(indicator: Indicator) -> str | None:
    if _level2(indicator) != "数量指标" or _has_number(indicator.value):
        return None
    return f"指标值为{_quoted(indicator.value)}，没有数字"


@row_rule(
    "quantity-no-unit", Severity.ATTENTION, "数量指标的指标值没有计量单位",
    "数量指标的指标值应写明数量及其计量单位（如 200人、3次），只写百分比或数字时无法知道要完成多少。",
    f"{GUIDE_2021}，产出指标中的数量指标", cell="value",
)  # fmt: skip
def _quantity_without_unit(indicator: Indicator) -> str | None:
    value = indicator.value
    if _level2(indicator) != "数量指标" or not _has_number(value):
        return None
    if NUMBER_WITH_UNIT.search(value) or CHINESE_COUNT.search(value):
        return None
    if PERCENT.search(value):
        return f"指标值为{_quoted(value)}，是百分比，没有写明数量和计量单位"
    return f"指标值为{_quoted(value)}，没有计量单位"


@row_rule(
    "rate-no-number", Severity.ATTENTION, "比率或满意度指标的指标值没有数字",
    "以“率”“比例”“满意度”为名的指标是定量指标，指标值应是一个数值（如 ≥90%）。",
    f"{GUIDE_2015}，第二章绩效目标的设定（细化量化）", cell="value",
)  # fmt: skip
def _rate_without_number(indicator: Indicator) -> str | None:
    if _level2(indicator) == "时效指标" or not BOUNDED_SHARE.search(indicator.level3) or _has_number(indicator.value):
        return None
    return f"三级指标为{_quoted(indicator.level3)}，指标值为{_quoted(indicator.value)}，没有数字"


@row_rule(
    "value-no-comparison", Severity.HINT, "定量指标值没有写明比较方式",
    "定量的指标值应写明是不低于、不高于还是等于目标（≥、≤、=），年底才能按同一标准判断是否完成。",
    f"{GUIDE_2021}，绩效指标值的设定", cell="value",
)  # fmt: skip
def _value_without_comparison(indicator: Indicator) -> str | None:
    value = indicator.value
    if _level2(indicator) == "时效指标" or not QUANTITY.search(value) or COMPARISON.search(value):
        return None
    return f"指标值为{_quoted(value)}，没有 ≥、≤、= 或“不低于”等比较方式"


@row_rule(
    "value-malformed", Severity.ATTENTION, "指标值的写法无法按字面核对",
    "指标值应是一个能核对的目标：百分号前应有数字，比较符号只写一个，占比和满意度不超过 100%。",
    f"{GUIDE_2021}，绩效指标值的设定", cell="value",
)  # fmt: skip
def _value_malformed(indicator: Indicator) -> str | None:
    value = indicator.value
    if PERCENT_WITHOUT_NUMBER.search(value):
        return f"指标值为{_quoted(value)}，百分号前没有数字"
    doubled = [run for run in DOUBLED_COMPARISON.findall(value) if run not in ASCII_COMPARISONS]
    if doubled:
        return f"指标值为{_quoted(value)}，比较符号{_quoted(doubled[0])}重复"
    if _names_share(indicator):
        over = [number for number in PERCENT.findall(value) if Decimal(number) > 100]
        if over:
            return f"三级指标为{_quoted(indicator.level3)}，是占比，指标值为{_quoted(value)}，超过 100%"
    return None


@row_rule(
    "timeliness-no-date", Severity.ATTENTION, "时效指标没有写明时间",
    "时效指标应写明完成的日期或期限（如 2024年6月底前、30个工作日内）。",
    f"{GUIDE_2021}，产出指标中的时效指标", cell="value",
)  # fmt: skip
def _timeliness_without_date(indicator: Indicator) -> str | None:
    if _level2(indicator) != "时效指标" or DATE.search(indicator.value):
        return None
    return f"指标值为{_quoted(indicator.value)}，没有日期或期限"


@row_rule(
    "cost-not-amount", Severity.ATTENTION, "成本指标的指标值不是金额",
    "成本指标反映提供产品或服务的成本，指标值应是金额（如 ≤50万元），而不是比率。",
    f"{GUIDE_2021}，成本指标（经济成本指标）", cell="value",
)  # fmt: skip
def _cost_not_amount(indicator: Indicator) -> str | None:
    value = indicator.value
    if _level2(indicator) not in ("成本指标", "经济成本指标") or AMOUNT.search(value):
        return None
    if PERCENT.search(value):
        return f"指标值为{_quoted(value)}，是比率，没有金额"
    return f"指标值为{_quoted(value)}，没有金额（元、万元）"


@row_rule(
    "satisfaction-no-method", Severity.HINT, "满意度指标的依据没有写明测量方式",
    "满意度应通过问卷、抽样调查、回访等方式取得，确定依据宜写明怎样调查、调查谁。",
    f"{GUIDE_2021}，满意度指标", cell="basis",
)  # fmt: skip
def _satisfaction_without_method(indicator: Indicator) -> str | None:
    basis = indicator.basis.strip()
    if not _is_satisfaction(indicator) or not basis or MEASURED_BY.search(basis):
        return None
    return f"确定依据为{_quoted(indicator.basis)}，没有写明满意度的调查方式"


@row_rule(
    "description-repeats-name", Severity.HINT, "绩效指标描述与三级指标相同",
    "绩效指标描述应说明指标的含义、范围或计算方法，与三级指标名称相同时没有提供说明。",
    f"{FORM}，绩效指标描述栏", cell="description",
)  # fmt: skip
def _description_repeats_name(indicator: Indicator) -> str | None:
    description = indicator.description.strip()
    if not description or description != indicator.level3.strip():
        return None
    return f"三级指标和绩效指标描述都是{_quoted(description)}"


@row_rule(
    "basis-empty", Severity.ATTENTION, "指标值确定依据为空",
    "每个指标值都应写明确定依据，如计划标准、行业标准、历史标准或政策文件。",
    f"{GUIDE_2015}，第二章绩效目标的设定（绩效标准）", cell="basis",
)  # fmt: skip
def _basis_empty(indicator: Indicator) -> str | None:
    return None if indicator.basis.strip() else "指标值确定依据一栏为空"


@project_rule(
    "basis-same-for-all", Severity.HINT, "全部指标的确定依据是同一句话",
    "确定依据应分别说明每个指标值从何而来；全部指标写同一句话时，无法看出各个目标值的来由。",
    f"{GUIDE_2015}，第二章绩效目标的设定（绩效标准）",
)  # fmt: skip
def _basis_same_for_all(department: Department, project: Project) -> Iterator[Hit]:
    bases = {indicator.basis.strip() for indicator in project.indicators}
    if len(project.indicators) < 3 or len(bases) != 1 or "" in bases:
        return
    basis = bases.pop()
    in_department = sum(i.basis.strip() == basis for p in department.projects for i in p.indicators)
    rows = sum(len(p.indicators) for p in department.projects)
    yield Hit(
        "indicators",
        f"全部 {len(project.indicators)} 条指标的确定依据都是{_quoted(basis)}；"
        f"本部门 {rows} 条指标中有 {in_department} 条是这一句",
    )


@project_rule(
    "category-missing", Severity.ATTENTION, "缺少产出、效益或满意度指标",
    "绩效指标一般应包括产出指标、效益指标和满意度指标三类。",
    f"{GUIDE_2015}，第二章绩效目标的设定（绩效指标）",
)  # fmt: skip
def _category_missing(department: Department, project: Project) -> Iterator[Hit]:
    present = {indicator.level1.strip() for indicator in project.indicators}
    missing = [level1 for level1 in ("产出指标", "效益指标", "满意度指标") if level1 not in present]
    if missing:
        yield Hit("indicators", f"指标表没有{'、'.join(missing)}")


@project_rule(
    "cost-missing", Severity.HINT, "没有成本指标",
    "项目应设置成本指标，反映提供产品或服务的成本。",
    f"{GUIDE_2021}，成本指标",
)  # fmt: skip
def _cost_missing(department: Department, project: Project) -> Iterator[Hit]:
    if not any("成本" in indicator.level1 + indicator.level2 for indicator in project.indicators):
        yield Hit("indicators", "指标表没有成本指标")


@project_rule(
    "placeholder", Severity.ATTENTION, "表中留有占位文字",
    "表中应写实际内容，而不是 XX、待定、见附件等占位文字（附件不随本表公开）。",
    FORM,
)  # fmt: skip
def _placeholder(department: Department, project: Project) -> Iterator[Hit]:
    for key in ("purpose", "goal"):
        found = PLACEHOLDER.search(getattr(project, key))
        if found:
            yield Hit(key, f"{field_of(Project, key).spec.label}中有{_quoted(found.group())}")
    for index, indicator in enumerate(project.indicators):
        for cell in fields_of(Indicator):
            text = getattr(indicator, cell.key)
            found = PLACEHOLDER.search(text) if cell.key != "id" else None
            if found:
                yield Hit(f"indicators[{index}].{cell.key}", f"{cell.spec.label}为{_quoted(text)}", index)


@project_rule(
    "duplicate-row", Severity.ATTENTION, "同一指标出现两次",
    "同一个三级指标在一张表中只应出现一次，出现两次时年底无法确定按哪一行核对。",
    FORM,
)  # fmt: skip
def _duplicate_row(department: Department, project: Project) -> Iterator[Hit]:
    first: dict[tuple[str, str, str], int] = {}
    for index, indicator in enumerate(project.indicators):
        key = (indicator.level1.strip(), indicator.level2.strip(), indicator.level3.strip())
        if key in first:
            yield Hit(
                f"indicators[{index}]",
                f"第 {index + 1} 行与第 {first[key] + 1} 行都是{_quoted(indicator.level3)}",
                index,
            )
        else:
            first[key] = index


@project_rule(
    "plan-below-100", Severity.ATTENTION, "12月底累计支出计划不到 100%",
    "资金支出计划是截至各季度末的累计比例，12月底应达到 100%，否则表中没有说明其余资金何时支出。",
    f"{FORM}，资金支出计划（%）栏",
)  # fmt: skip
def _plan_below_100(department: Department, project: Project) -> Iterator[Hit]:
    december = project.plan.dec
    if december is not None and december < 100:
        yield Hit("plan.dec", f"12月底为 {december.normalize():f}%")


@project_rule(
    "plan-blank", Severity.HINT, "资金支出计划有空格",
    "资金支出计划应填写每个季度末的累计比例，空格使支出进度无法跟踪。",
    f"{FORM}，资金支出计划（%）栏",
)  # fmt: skip
def _plan_blank(department: Department, project: Project) -> Iterator[Hit]:
    blank = [point.label for point in project.plan.points() if point.percent is None]
    if blank:
        yield Hit("plan", f"{'、'.join(blank)}未填写")


# --- The 自评表 against its targets and its own figures ----------------------------------------

RESULTS_GUIDE = "财预〔2020〕10号《项目支出绩效评价管理办法》"
RESULTS_FORM = f"{RESULTS_GUIDE}附件《项目支出绩效自评表》"


def _rows(department: Department, project: Project) -> Iterator[tuple[int, RowOutcome]]:
    """Each result row with its index: its target row's (the rows follow the targets), then those only on the 自评表."""
    found = outcome(project, department.year)
    yield from enumerate(found.rows if found is not None else ())


def _row_hit(project: Project, index: int, row: RowOutcome, cell: str, detail: str) -> Hit:
    """A finding on one result row: its field in the 自评表's file, placed on its target row when it has one."""
    assert project.result is not None and row.result is not None
    field = f"result.indicators[{project.result.indicators.index(row.result)}].{cell}"
    if row.target is None:
        return Hit(field, f"“{row.names.level3}”：{detail}")
    return Hit(field, detail, index)


def result_row_rule(
    id: str, severity: Severity, title: str, description: str, basis: str, *, cell: str
) -> Callable[[Callable[[RowOutcome], str | None]], Callable[[RowOutcome], str | None]]:
    """Register a rule that reads one row of a 自评表 against its target; it returns what the row shows, or None."""

    def register(test: Callable[[RowOutcome], str | None]) -> Callable[[RowOutcome], str | None]:
        def check(department: Department, project: Project) -> Iterator[Hit]:
            for index, row in _rows(department, project):
                detail = test(row) if row.result is not None else None
                if detail is not None:
                    yield _row_hit(project, index, row, cell, detail)

        RULES.append(Rule(id, severity, title, description, basis, check))
        return test

    return register


def _places(value: Decimal) -> int:
    exponent = value.as_tuple().exponent
    return -exponent if isinstance(exponent, int) and exponent < 0 else 0


def _score(value: Decimal | None) -> str:
    """A figure of the 自评表 as it is written there, its decimals kept: 100.00, 12.5."""
    return "空" if value is None else f"{value:f}"


@result_row_rule(
    "result-missed-full-marks", Severity.ATTENTION, "未达成的指标得了满分",
    "实际完成值未达到指标值的，按偏离程度扣分；得分等于分值，与完成情况不符。",
    f"{RESULTS_FORM}“分值”“得分”栏", cell="score",
)  # fmt: skip
def _missed_full_marks(row: RowOutcome) -> str | None:
    result = row.result
    assert result is not None
    if row.status is Status.MISSED and result.weight is not None and result.score == result.weight:
        return f"{row.judgement.why}，得分 {_score(result.score)} 等于分值 {_score(result.weight)}"
    return None


@result_row_rule(
    "result-score-above-weight", Severity.ATTENTION, "得分高于分值",
    "每项指标的得分不能超过它的分值。",
    f"{RESULTS_FORM}“分值”“得分”栏", cell="score",
)  # fmt: skip
def _score_above_weight(row: RowOutcome) -> str | None:
    result = row.result
    assert result is not None
    if result.weight is not None and result.score is not None and result.score > result.weight:
        return f"得分 {_score(result.score)}，分值 {_score(result.weight)}"
    return None


@result_row_rule(
    "result-missed-without-reason", Severity.HINT, "未达成的指标没有说明原因",
    "未完成绩效目标或偏离绩效目标的，应分析原因并提出改进措施。",
    f"{RESULTS_FORM}“偏差原因分析及改进措施”栏", cell="reason",
)  # fmt: skip
def _missed_without_reason(row: RowOutcome) -> str | None:
    assert row.result is not None
    if row.status is Status.MISSED and not row.result.reason.strip():
        return f"{row.judgement.why}，偏差原因栏为空"
    return None


@result_row_rule(
    "result-target-differs", Severity.ATTENTION, "自评表的指标值与公开的绩效目标不同",
    "自评应对照年初批复并公开的绩效目标；两处的指标值应一致，调整过的应说明。",
    f"{RESULTS_FORM}“年度指标值”栏", cell="target",
)  # fmt: skip
def _target_differs(row: RowOutcome) -> str | None:
    if row.target_differs:
        assert row.target is not None and row.result is not None
        return f"绩效目标表为“{row.target.value}”，自评表为“{row.result.target}”；完成情况按绩效目标表判断"
    return None


@project_rule(
    "result-not-evaluated", Severity.ATTENTION, "有绩效目标未在自评表中出现",
    "自评应覆盖年初设定的全部绩效指标。",
    f"{RESULTS_FORM}绩效指标栏",
)  # fmt: skip
def _not_evaluated(department: Department, project: Project) -> Iterator[Hit]:
    for index, row in _rows(department, project):
        if row.result is None:
            yield Hit(f"indicators[{index}]", "自评表中没有这一指标", index)


@result_row_rule(
    "result-extra-row", Severity.HINT, "自评表中有绩效目标表没有的指标",
    "自评表的指标应与年初公开的绩效目标表一一对应；多出的指标无从对照目标。",
    f"{RESULTS_FORM}绩效指标栏", cell="level3",
)  # fmt: skip
def _extra_row(row: RowOutcome) -> str | None:
    assert row.result is not None
    return None if row.target is not None else f"{row.result.level1} / {row.result.level2}，绩效目标表中没有"


@project_rule(
    "result-total-mismatch", Severity.ATTENTION, "各项得分之和与总分不符",
    "总分是预算执行率得分与各项指标得分之和。",
    f"{RESULTS_FORM}“总分”栏",
)  # fmt: skip
def _total_mismatch(department: Department, project: Project) -> Iterator[Hit]:
    result = project.result
    if result is None or result.total_score is None:
        return
    scores = [result.funds.total.score, *(row.score for row in result.indicators)]
    if any(score is None for score in scores):
        return
    total = result.total_score
    added = sum(scores, Decimal(0))  # type: ignore[arg-type]
    if abs(added - total) > Decimal("0.01"):
        # Said to the total's decimals (100.00 beside 99.87, not 100.0), never rounded.
        if _places(added) < _places(total):
            added = added.quantize(total)
        yield Hit("result.total_score", f"各项得分之和为 {_score(added)}，总分为 {_score(total)}")


@project_rule(
    "result-grade-band", Severity.ATTENTION, "自评等级与总分不符",
    "自评等级按总分分档：90 分（含）以上为优，80 分（含）至 90 分为良，60 分（含）至 80 分为中，60 分以下为最低一档。",
    f"{RESULTS_GUIDE}，评价结果的等级划分",
)  # fmt: skip
def _grade_band(department: Department, project: Project) -> Iterator[Hit]:
    result = project.result
    if result is None or result.grade is None or result.total_score is None:
        return
    if grade_of(result.total_score) != result.grade:
        band = grade_of(result.total_score)
        yield Hit("result.grade", f"总分 {_score(result.total_score)} 应为“{band}”，自评等级为“{result.grade}”")


@project_rule(
    "result-rate-mismatch", Severity.ATTENTION, "执行率与执行数、预算数不符",
    "执行率是全年执行数除以全年预算数。",
    f"{RESULTS_FORM}项目资金栏",
)  # fmt: skip
def _rate_mismatch(department: Department, project: Project) -> Iterator[Hit]:
    result = project.result
    if result is None:
        return
    for line in fields_of(Funds):
        funds = getattr(result.funds, line.key)
        computed = execution_rate(funds.budget, funds.executed)
        if computed is None or funds.rate is None:
            continue
        places = Decimal(1).scaleb(funds.rate.as_tuple().exponent)  # type: ignore[arg-type]
        if abs(computed - funds.rate) > max(places / 2, Decimal("0.005")):
            detail = (
                f"{line.spec.label}：{_score(funds.executed)} ÷ {_score(funds.budget)} = {_score(computed)}%，"
                f"表中执行率为 {_score(funds.rate)}%"
            )
            yield Hit(f"result.funds.{line.key}.rate", detail)


@project_rule(
    "result-funds-score", Severity.HINT, "预算执行率得分与执行率不符",
    "预算执行率得分一般为分值乘以执行率（执行率超过 100% 的按 100% 计）。",
    f"{RESULTS_FORM}“年度资金总额”行",
)  # fmt: skip
def _funds_score(department: Department, project: Project) -> Iterator[Hit]:
    result = project.result
    if result is None:
        return
    funds = result.funds.total
    rate = execution_rate(funds.budget, funds.executed)
    if rate is None or funds.weight is None or funds.score is None:
        return
    expected = (funds.weight * min(rate, Decimal(100)) / 100).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    if abs(expected - funds.score) > Decimal("0.01"):
        detail = (
            f"分值 {_score(funds.weight)} × 执行率 {_score(rate)}% = {_score(expected)}，得分为 {_score(funds.score)}"
        )
        yield Hit("result.funds.total.score", detail)


RULES_BY_ID = {rule.id: rule for rule in RULES}
assert len(RULES_BY_ID) == len(RULES), "rule ids are unique"


# --- The review of a catalog ---------------------------------------------------------------------


@dataclass(frozen=True)
class RuleCount:
    """How often one rule fires among some findings."""

    rule: Rule
    findings: tuple[Finding, ...]

    @property
    def projects(self) -> int:
        return len({(f.department.year, f.project.code) for f in self.findings})

    @property
    def departments(self) -> int:
        return len({(f.department.year, f.department.code) for f in self.findings})


def by_rule(findings: Iterable[Finding]) -> list[RuleCount]:
    """The findings grouped by rule, in the rules' order; rules that did not fire are left out."""
    grouped: dict[str, list[Finding]] = {}
    for finding in findings:
        grouped.setdefault(finding.rule.id, []).append(finding)
    return [RuleCount(rule, tuple(grouped[rule.id])) for rule in RULES if rule.id in grouped]


def ranked(findings: Iterable[Finding]) -> list[RuleCount]:
    """The rules that fired, most findings first (the rules' order among equals)."""
    return sorted(by_rule(findings), key=lambda count: -len(count.findings))


def review_project(department: Department, project: Project) -> tuple[Finding, ...]:
    return tuple(Finding(rule, department, project, hit) for rule in RULES for hit in rule.check(department, project))


@dataclass(frozen=True)
class Review:
    """Every finding of the catalog, by project and by department."""

    catalog: Catalog

    @cached_property
    def _by_project(self) -> dict[tuple[int, str, str], tuple[Finding, ...]]:
        return {
            (department.year, department.code, project.code): review_project(department, project)
            for department, project in self.catalog.projects
        }

    @property
    def findings(self) -> tuple[Finding, ...]:
        """All findings, in the catalog's order of projects, then the rules' order."""
        return tuple(finding for findings in self._by_project.values() for finding in findings)

    def of_project(self, department: Department, project: Project) -> tuple[Finding, ...]:
        return self._by_project[(department.year, department.code, project.code)]

    def of_department(self, department: Department) -> tuple[Finding, ...]:
        return tuple(finding for project in department.projects for finding in self.of_project(department, project))

    def of_year(self, year: int) -> tuple[Finding, ...]:
        return tuple(f for department in self.catalog.departments_of(year) for f in self.of_department(department))

    @staticmethod
    def severities(findings: Iterable[Finding]) -> Counter[Severity]:
        return Counter(finding.rule.severity for finding in findings)
