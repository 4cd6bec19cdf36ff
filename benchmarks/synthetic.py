"""Realistic synthetic content for the scale benchmark, in the exact format of `content/`.

Departments and projects are shaped like the seed (content/2024/203001/): about a
dozen projects per department, six indicator rows per project, amounts with two
decimals where total = fiscal + other, and a cumulative spending plan that never
decreases. Names and texts are drawn from vocabulary of real county budgets so that
the Chinese search index (jieba) sees text of realistic variety, not one repeated
string. The content is built as the model's own objects (generator/model.py) and
written with generator.source.yaml_writer, the writer of `python -m generator import`, so
the format can never drift from what the importer produces.

Everything comes from one seeded `random.Random`: the same arguments always give
byte-identical content, so two benchmark runs build the same site.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal
from pathlib import Path

from generator.schema.model import (
    Budget,
    Department,
    Funds,
    FundsLine,
    Goals,
    GoalSection,
    Indicator,
    IndicatorResult,
    Project,
    ProjectResult,
    SpendingPlan,
)
from generator.site.results import grade_of
from generator.source.yaml_writer import result_yaml, results_folder, write_content

COUNTY_CODE = "130225"  # 乐亭县, as in the seed's project codes

# Budget units of a county: (unit name, the words its projects are about).
UNITS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("中国共产党{county}委员会组织部", ("党建", "干部培训", "村干部", "人才工作", "档案管理", "党员教育")),
    ("中国共产党{county}委员会宣传部", ("新闻宣传", "精神文明建设", "理论学习", "网络安全", "志愿服务")),
    ("{county}教育和体育局", ("学校", "校舍维修", "学生资助", "教师培训", "校园安全", "体育场馆")),
    ("{county}卫生健康局", ("卫生院", "村卫生室", "基本公共卫生", "疾病预防控制", "妇幼保健", "医疗设备")),
    ("{county}农业农村局", ("农田水利", "高标准农田", "动物防疫", "种子推广", "农村人居环境", "农机补贴")),
    ("{county}交通运输局", ("道路养护", "农村公路", "桥梁检测", "客运站", "公交补贴", "交通安全")),
    ("{county}水务局", ("河道治理", "农村饮水安全", "水库维护", "防汛抗旱", "水资源监测")),
    ("{county}民政局", ("低保", "特困供养", "养老服务", "儿童福利", "社区治理", "殡葬改革")),
    ("{county}自然资源和规划局", ("国土调查", "地质灾害防治", "不动产登记", "耕地保护", "测绘")),
    ("{county}住房和城乡建设局", ("老旧小区改造", "城市道路", "市政设施", "燃气安全", "园林绿化")),
    ("{county}财政局", ("财政信息化", "预算绩效管理", "国有资产管理", "政府采购", "会计监督")),
    ("{county}人力资源和社会保障局", ("就业培训", "社会保险", "劳动监察", "人才引进", "公益性岗位")),
    ("{county}市场监督管理局", ("食品安全", "特种设备", "计量检定", "药品监管", "市场秩序")),
    ("{county}文化广电和旅游局", ("图书馆", "文化馆", "文物保护", "乡村旅游", "广播电视", "全民阅读")),
    ("{county}应急管理局", ("安全生产", "应急物资储备", "森林防火", "应急救援", "防灾减灾")),
    ("{county}{town}人民政府", ("村级组织运转", "环境卫生", "道路养护", "农田水利", "便民服务", "村干部")),
)
COUNTIES = ("乐亭县", "滦南县", "迁西县", "玉田县", "遵化市", "迁安市", "滦州市", "丰南区")
TOWNS = ("乐亭镇", "汤家河镇", "胡家坨镇", "王滩镇", "闫各庄镇", "马头营镇", "新寨镇", "汀流河镇", "姜各庄镇")
UNIT_SUFFIXES = ("本级", "机关", "事务中心", "服务中心", "综合执法大队", "监测站")

PROJECT_KINDS = (
    "经费",
    "专项经费",
    "补助资金",
    "运行维护费",
    "建设项目",
    "购置经费",
    "工作经费",
    "培训费",
    "补贴",
    "奖补资金",
    "提升工程",
    "信息化建设经费",
)
PROJECT_PREFIXES = ("", "", "", "{year}年", "全县", "农村", "城区", "重点", "年度", "基层")

TIMELINESS = ("{year}年底前完成", "{year}年6月底前完成", "按季度完成", "{year}年10月底前完成", "及时完成")
BASES = (
    "县委县政府安排",
    "年度工作计划",
    "行业标准",
    "上级文件要求",
    "历史数据",
    "部门职责",
    "《{topic}工作实施方案》",
    "省市有关规定",
    "项目实施方案",
    "财政部门核定",
)
UNITS_OF_COUNT = ("人", "个", "次", "处", "所", "公里", "亩", "台", "户", "场")
QUALITY = ("合格率", "达标率", "完成率", "覆盖率", "验收合格率", "规范化率", "准确率")
BENEFITS = (
    "群众生活水平持续改善",
    "{topic}工作水平明显提升",
    "基层治理能力提高",
    "公共服务均等化水平提高",
    "为经济社会发展提供保障",
    "{topic}长效机制基本建立",
    "群众获得感、幸福感增强",
)
SATISFIED = ("服务对象满意度", "群众满意度", "参训人员满意度", "受益群众满意度", "村民满意度", "师生满意度")
VERBS = ("保障", "推进", "完善", "加强", "落实", "开展", "提升", "规范")
PURPOSES = (
    "用于{topic}相关的{kind}支出，包括{a}、{b}等。",
    "保障{topic}工作正常开展，主要用于{a}和{b}。",
    "按照上级要求，{verb}{topic}工作，资金用于{a}、{b}及日常运行。",
)
ITEMS = (
    "设备购置",
    "人员培训",
    "宣传印刷",
    "维修维护",
    "劳务费用",
    "办公耗材",
    "差旅会议",
    "信息系统运维",
    "专家咨询",
    "场地租赁",
    "材料采购",
    "第三方服务",
)


@dataclass(frozen=True)
class Size:
    """How much content to generate: projects in total, spread over departments per year."""

    projects: int
    departments: int
    years: tuple[int, ...] = (2024,)

    @classmethod
    def for_projects(cls, projects: int, per_department: int = 10, years: int = 1) -> Size:
        """A county's shape: about `per_department` projects per department (the seed has 13), for
        `years` years from 2024."""
        return cls(projects, max(1, round(projects / per_department)), tuple(range(2024, 2024 + years)))


def _amount(rng: random.Random, low: int, high: int) -> Decimal:
    """A budget amount in 万元 with exactly two decimals, log-uniform like real budgets."""
    cents = int(10 ** rng.uniform(low, high) * 100)
    return Decimal(max(cents, 1)).scaleb(-2)


def _budget(rng: random.Random) -> Budget:
    total = _amount(rng, 0, 3.5)  # 1 to ~3,000 万元
    shape = rng.random()
    if shape < 0.6:
        return Budget(total=total, fiscal=total, other=None)
    if shape < 0.9:
        fiscal = (total * Decimal(rng.randint(30, 95)) / 100).quantize(Decimal("0.01"))
        return Budget(total=total, fiscal=fiscal, other=total - fiscal)
    return Budget(total=total, fiscal=None, other=None)


def _plan(rng: random.Random) -> SpendingPlan:
    """Cumulative % at each quarter end: non-decreasing, sometimes blank like the seed."""
    if rng.random() < 0.3:
        return SpendingPlan(mar=None, jun=None, oct=None, dec=Decimal(100))
    points = sorted(rng.sample(range(5, 100, 5), 3))
    return SpendingPlan(mar=Decimal(points[0]), jun=Decimal(points[1]), oct=Decimal(points[2]), dec=Decimal(100))


def _indicators(rng: random.Random, topic: str, year: int) -> tuple[Indicator, ...]:
    count = rng.randint(20, 5000)
    unit = rng.choice(UNITS_OF_COUNT)
    quality = rng.choice(QUALITY)
    benefit = rng.choice(BENEFITS).format(topic=topic)
    satisfied = rng.choice(SATISFIED)

    def basis() -> str:
        return rng.choice(BASES).format(topic=topic)

    return (
        Indicator(
            id="quantity-1",
            level1="产出指标",
            level2="数量指标",
            level3=f"{topic}{rng.choice(('覆盖', '完成', '服务', '实施'))}数量",
            description=f"{year}年{topic}{rng.choice(('覆盖', '完成', '服务', '实施'))}{count}{unit}",
            value=f"{count}{unit}",
            basis=basis(),
        ),
        Indicator(
            id="quality-1",
            level1="产出指标",
            level2="质量指标",
            level3=f"{topic}{quality}",
            description=f"{topic}{quality}达到要求",
            value=f"≥{rng.choice((80, 85, 90, 95, 98, 100))}%",
            basis=basis(),
        ),
        Indicator(
            id="timeliness-1",
            level1="产出指标",
            level2="时效指标",
            level3="完成时间",
            description=f"{year}年底前完成{topic}各项任务",
            value=rng.choice(TIMELINESS).format(year=year),
            basis=basis(),
        ),
        Indicator(
            id="cost-1",
            level1="产出指标",
            level2="成本指标",
            level3="预算资金完成率",
            description="预算资金按计划支出",
            value=f"≥{rng.choice((90, 95, 100))}%",
            basis=basis(),
        ),
        Indicator(
            id="social-benefit-1",
            level1="效益指标",
            level2="社会效益指标",
            level3=benefit,
            description=f"{rng.choice(VERBS)}{topic}，{benefit}",
            value=rng.choice(("有效提升", "明显改善", "≥80%", "持续提高")),
            basis=basis(),
        ),
        Indicator(
            id="satisfaction-1",
            level1="满意度指标",
            level2="服务对象满意度指标",
            level3=satisfied,
            description=f"{satisfied}调查结果",
            value=f"≥{rng.choice((85, 90, 95))}%",
            basis=basis(),
        ),
    )


def _project(rng: random.Random, code: str, number: int, topics: tuple[str, ...], year: int) -> Project:
    topic = rng.choice(topics)
    kind = rng.choice(PROJECT_KINDS)
    name = f"{rng.choice(PROJECT_PREFIXES).format(year=year)}{topic}{kind}"
    a, b = rng.sample(ITEMS, 2)
    verb = rng.choice(VERBS)
    purpose = rng.choice(PURPOSES).format(topic=topic, kind=kind, a=a, b=b, verb=verb)
    goals = [
        f"{i}.{rng.choice(VERBS)}{topic}{rng.choice(('工作', '管理', '服务', '建设'))}，{rng.choice(BENEFITS).format(topic=topic)}"
        for i in range(1, rng.randint(1, 3) + 1)
    ]
    # Keyword arguments are evaluated in order: budget, plan, then indicators draw from rng.
    return Project(
        code=code,
        name=name,
        number=number,
        budget=_budget(rng),
        purpose=purpose,
        plan=_plan(rng),
        goal="\n".join(goals),
        indicators=_indicators(rng, topic, year),
    )


def _goal_items(rng: random.Random, topics: tuple[str, ...], count: int) -> tuple[str, ...]:
    return tuple(
        f"{i}、{rng.choice(VERBS)}{rng.choice(topics)}工作，{rng.choice(BENEFITS).format(topic=rng.choice(topics))}。"
        for i in range(1, count + 1)
    )


def _check_char(rng: random.Random) -> str:
    return rng.choice("0123456789ABCDEFGHJKLMNPRSTUWXY")


def departments(size: Size, seed: int = 2024, region: str = COUNTY_CODE) -> list[Department]:
    """The synthetic catalog: `size.projects` projects in the first year over `size.departments` departments;
    each later year is made from the year before it, as a county's next budget is. Every project code
    begins with `region`, as a county's do (a province has one per county)."""
    rng = random.Random(seed)
    first, *later = size.years
    result = _first_year(rng, size, first, region)
    previous = result
    for year in later:
        previous = [_year_after(rng, department, year, region) for department in previous]
        result.extend(previous)
    return result


def _first_year(rng: random.Random, size: Size, year: int, region: str) -> list[Department]:
    # Spread the projects unevenly, as in a county: most units have a few, some have dozens.
    weights = [min(rng.paretovariate(2.0), 6.0) for _ in range(size.departments)]
    scale = (size.projects - size.departments) / sum(weights)
    counts = [1 + int(w * scale) for w in weights]
    for index in range(size.projects - sum(counts)):
        counts[index % size.departments] += 1
    result = []
    for index, count in enumerate(counts):
        unit_name, topics = UNITS[index % len(UNITS)]
        county = COUNTIES[(index // len(UNITS)) % len(COUNTIES)]
        name = unit_name.format(county=county, town=TOWNS[index % len(TOWNS)])
        name += UNIT_SUFFIXES[(index // (len(UNITS) * len(COUNTIES))) % len(UNIT_SUFFIXES)]
        code = f"{201 + index // 50:03d}{index % 50 + 1:03d}"
        projects = []
        for number in range(1, count + 1):
            project_code = f"{region}{year % 100:02d}P{index:05d}P{number:05d}{_check_char(rng)}"
            projects.append(_project(rng, project_code, number, topics, year))
        # Drawn in this order (overall, itemized, safeguards), the same as ever for a given seed.
        goals = Goals(
            overall=GoalSection(
                intro=f"我单位将紧紧围绕{year}年目标任务，全力推进重点工作。",
                items=_goal_items(rng, topics, rng.randint(3, 8)),
            ),
            itemized=GoalSection(items=_goal_items(rng, topics, min(count, 10))),
            safeguards=GoalSection(items=_goal_items(rng, topics, 3)),
        )
        result.append(
            Department(
                year=year,
                code=code,
                name=name,
                money_unit="万元",
                published=date(year, 2, 1),
                goals=goals,
                projects=tuple(projects),
            )
        )
    return result


#: Of last year's projects: the share that ends, and the share of the rest whose budget or a target changes.
ENDED_SHARE, BUDGET_CHANGED_SHARE, TARGET_CHANGED_SHARE = 0.1, 0.7, 0.3


def _year_after(rng: random.Random, department: Department, year: int, region: str) -> Department:
    """The department a year later: a tenth of its projects end and as many new ones start; most
    budgets move by up to a fifth; some targets change; codes stay, as counties keep them."""
    index = int(department.code[3:]) - 1 + 50 * (int(department.code[:3]) - 201)  # as _first_year numbered it
    topics = UNITS[index % len(UNITS)][1]
    kept = [p for p in department.projects if rng.random() >= ENDED_SHARE]
    projects = []
    for project in kept:
        if rng.random() < BUDGET_CHANGED_SHARE:
            total = (project.budget.total * Decimal(rng.randint(80, 120)) / 100).quantize(Decimal("0.01"))
            project = replace(project, budget=Budget(total=total, fiscal=total, other=None))
        if rng.random() < TARGET_CHANGED_SHARE:
            first, *rest = project.indicators
            project = replace(project, indicators=(replace(first, value=f"{rng.randint(20, 5000)}个"), *rest))
        projects.append(project)
    for number in range(len(department.projects) - len(kept)):
        code = f"{region}{year % 100:02d}P{index:05d}P{90000 + number:05d}{_check_char(rng)}"
        projects.append(_project(rng, code, 0, topics, year))
    numbered = tuple(replace(p, number=n) for n, p in enumerate(projects, start=1))
    return replace(department, year=year, projects=numbered)


#: Weights of the 自评表: 10 for the funds, then each 一级指标's, split over its rows.
WEIGHTS = {"产出指标": Decimal(50), "效益指标": Decimal(30), "满意度指标": Decimal(10)}
MISSED_SHARE = 0.08  # of indicators; the seed's 自评表 misses 4 of 78
REASONS = (
    "受项目实施进度影响，部分资金未能在年内支付；下一步将加快实施进度，合理安排支出。",
    "部分服务对象反映服务内容与需求结合不够紧密；下一步将开展需求调研，改进服务方式。",
    "因上级政策调整，部分任务顺延至次年完成；今后将提前谋划，预留调整时间。",
)


def _actual(rng: random.Random, value: str, year: int, missed: bool) -> str:
    """An actual value in the target's own terms: met, or short of it when `missed`."""
    if value.startswith("≥") and value.endswith("%"):
        target = int(value[1:-1])
        return f"{target - rng.randint(3, 10)}%" if missed else f"{min(100, target + rng.randint(0, 8))}%"
    if value[:1].isdigit():
        number = int("".join(char for char in value if char.isdigit()))
        unit = value.lstrip("0123456789")
        return f"{number * rng.randint(70, 95) // 100}{unit}" if missed else value
    if "年" in value and "前" in value:
        return f"{year + 1}年2月完成" if missed else f"{year}年{rng.randint(6, 12)}月完成"
    return "未见明显成效" if missed else value


def project_result(rng: random.Random, project: Project, year: int) -> ProjectResult:
    """A realistic 自评表 of a project: most targets met, a few missed with a reason, scores that add up."""
    budget = project.budget.total
    executed = (budget * Decimal(rng.randint(850, 1000)) / 1000).quantize(Decimal("0.01"))
    rate = (executed * 100 / budget).quantize(Decimal("0.01")) if budget else Decimal("0.00")
    funds_score = (Decimal(10) * rate / 100).quantize(Decimal("0.01"))
    per_level1 = {level1: sum(1 for i in project.indicators if i.level1 == level1) for level1 in WEIGHTS}
    rows = []
    for indicator in project.indicators:
        weight = (WEIGHTS[indicator.level1] / per_level1[indicator.level1]).quantize(Decimal("0.01"))
        missed = rng.random() < MISSED_SHARE
        rows.append(
            IndicatorResult(
                level1=f"{indicator.level1}（{WEIGHTS[indicator.level1]}分）",
                level2=indicator.level2,
                level3=indicator.level3,
                target=indicator.value,
                actual=_actual(rng, indicator.value, year, missed),
                weight=weight,
                score=(weight * Decimal("0.8")).quantize(Decimal("0.01")) if missed else weight,
                reason=rng.choice(REASONS) if missed else "",
            )
        )
    total = funds_score + sum((row.score for row in rows), Decimal(0))
    line = FundsLine(initial=budget, budget=budget, executed=executed, weight=Decimal(10), rate=rate, score=funds_score)
    return ProjectResult(
        code=project.code,
        name=project.name,
        published=date(year + 1, 6, 30),
        funds=Funds(
            total=line,
            fiscal=FundsLine(initial=budget, budget=budget, executed=executed, rate=rate),
            carried_over=FundsLine(),
            other=FundsLine(),
        ),
        goal_expected=project.goal.split("\n")[0],
        goal_achieved=f"{project.name}按计划实施，资金支出{rate}%，主要绩效目标基本完成。",
        indicators=tuple(rows),
        total_weight=Decimal(100),
        total_score=total,
        grade=grade_of(total),
    )


def write(
    size: Size, out_dir: Path, seed: int = 2024, results: bool = False, region: str = COUNTY_CODE
) -> list[Department]:
    """Write the synthetic content under out_dir/<year>/<unit code>/, like `generator import`; with
    `results`, a 自评表 for every project in its department's results/ (from an rng of its own, so
    the targets are the same bytes either way)."""
    catalog = departments(size, seed, region)
    rng = random.Random(seed + 1)
    for department in catalog:
        folder = write_content(department, out_dir)[0].parent
        if results:
            target = results_folder(folder)
            target.mkdir()
            for project in department.projects:
                result = project_result(rng, project, department.year)
                (target / f"{project.code}.yaml").write_text(result_yaml(result), encoding="utf-8")
    return catalog
