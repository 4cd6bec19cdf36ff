"""The reviewer's report on indicator quality: each rule, the seed's findings, and where they are published."""

from __future__ import annotations

import csv
import dataclasses
import io
import json
import re
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest
from conftest import CONTENT, FIXTURES, page_text

from generator.schema.model import Department, Project
from generator.schema.validate import load_catalog
from generator.site.quality import RULES, RULES_BY_ID, Review, Severity, review_project

CATALOG = load_catalog(CONTENT)
SEED = CATALOG.departments[0]
BY_NUMBER = {project.number: project for project in SEED.projects}
BASIC_PAY = BY_NUMBER[1]  # 村干部基础职务补贴: six rows, quantity-1 … satisfaction-1
QUALITY_PAGE = "quality/index.html"
DEPARTMENT_QUALITY = "2024/203001/quality/index.html"


def text_of(site: Path, path: str) -> str:
    return " ".join(page_text(site / path).split())


def findings_of(project: Project, rule_id: str, department: Department = SEED) -> list[str]:
    """What one rule says of a project: each finding's field and detail."""
    return [
        f"{finding.hit.field}: {finding.hit.detail}"
        for finding in review_project(department, project)
        if finding.rule.id == rule_id
    ]


def with_row(index: int, base: Project = BASIC_PAY, **cells: str) -> Project:
    """The seed's first project (or another) with some cells of one indicator row changed."""
    rows = list(base.indicators)
    rows[index] = dataclasses.replace(rows[index], **cells)
    return dataclasses.replace(base, indicators=tuple(rows))


#: The first project with no 绩效指标描述, as forms without that column have it.
UNDESCRIBED = dataclasses.replace(
    BASIC_PAY, indicators=tuple(dataclasses.replace(row, description="") for row in BASIC_PAY.indicators)
)


QUANTITY, QUALITY, TIMELINESS, COST, BENEFIT, SATISFACTION = range(6)

# --- Each rule: a table that triggers it, and one that does not ---------------------------------

#: (rule, the project, what the rule reports: "" when it must not fire)
CASES = [
    ("quantity-no-number", with_row(QUANTITY, value="全覆盖"), "indicators[0].value: 指标值为“全覆盖”，没有数字"),
    ("quantity-no-number", with_row(QUANTITY, value="≥200人"), ""),
    (
        "quantity-no-unit", with_row(QUANTITY, value="≥100%"),
        "indicators[0].value: 指标值为“≥100%”，是百分比，没有写明数量和计量单位",
    ),
    ("quantity-no-unit", with_row(QUANTITY, value="500"), "indicators[0].value: 指标值为“500”，没有计量单位"),
    ("quantity-no-unit", with_row(QUANTITY, value="≥200人"), ""),
    ("quantity-no-unit", with_row(QUANTITY, value="三次"), ""),
    (
        "rate-no-number", with_row(QUALITY, level3="验收合格率", value="合格"),
        "indicators[1].value: 三级指标为“验收合格率”，指标值为“合格”，没有数字",
    ),
    ("rate-no-number", with_row(QUALITY, level3="验收合格率", value="≥95%"), ""),
    (
        "value-no-comparison", with_row(QUALITY, value="90%"),
        "indicators[1].value: 指标值为“90%”，没有 ≥、≤、= 或“不低于”等比较方式",
    ),
    ("value-no-comparison", with_row(QUALITY, value="不低于90%"), ""),
    ("value-no-comparison", with_row(QUALITY, value="≥90%"), ""),
    ("value-no-comparison", with_row(TIMELINESS, value="2024年6月"), ""),  # a date is no quantity
    (
        "value-malformed", with_row(TIMELINESS, value="2024年底前完成%"),
        "indicators[2].value: 指标值为“2024年底前完成%”，百分号前没有数字",
    ),
    (
        "value-malformed", with_row(QUALITY, value="≥≥90%"),
        "indicators[1].value: 指标值为“≥≥90%”，比较符号“≥≥”重复",
    ),
    (
        "value-malformed", with_row(SATISFACTION, value="110%"),
        "indicators[5].value: 三级指标为“村干部满意度”，是占比，指标值为“110%”，超过 100%",
    ),
    ("value-malformed", with_row(QUALITY, value=">=90%"), ""),
    ("value-malformed", with_row(QUALITY, level3="收入增长率", description="", value="≥120%"), ""),
    ("timeliness-no-date", with_row(TIMELINESS, value="按时完成"), "indicators[2].value: 指标值为“按时完成”，没有日期或期限"),
    ("timeliness-no-date", with_row(TIMELINESS, value="30个工作日内"), ""),
    ("timeliness-no-date", with_row(TIMELINESS, value="2024年底前"), ""),
    ("cost-not-amount", BASIC_PAY, "indicators[3].value: 指标值为“≥95%”，是比率，没有金额"),
    ("cost-not-amount", with_row(COST, value="控制在预算内"), "indicators[3].value: 指标值为“控制在预算内”，没有金额（元、万元）"),
    ("cost-not-amount", with_row(COST, value="≤4916.86万元"), ""),
    ("cost-not-amount", with_row(COST, level1="成本指标", level2="社会成本指标", value="无"), ""),  # not money
    (
        "satisfaction-no-method", BASIC_PAY,
        "indicators[5].basis: 确定依据为“县委县政府安排”，没有写明满意度的调查方式",
    ),
    ("satisfaction-no-method", with_row(SATISFACTION, basis="随机抽取 100 名村干部问卷调查"), ""),
    ("satisfaction-no-method", with_row(SATISFACTION, basis=""), ""),  # an empty basis is basis-empty's
    (
        "description-repeats-name", with_row(BENEFIT, UNDESCRIBED, description="有效改善村干部生活情况"),
        "indicators[4].description: 三级指标和绩效指标描述都是“有效改善村干部生活情况”",
    ),
    ("description-repeats-name", with_row(QUALITY, UNDESCRIBED, description="足额拨付的资金占应拨付资金的比例"), ""),
    ("description-repeats-name", UNDESCRIBED, ""),  # some forms have no such column
    ("basis-empty", with_row(QUALITY, basis=""), "indicators[1].basis: 指标值确定依据一栏为空"),
    ("basis-empty", BASIC_PAY, ""),
    (
        "basis-same-for-all", BASIC_PAY,
        "indicators: 全部 6 条指标的确定依据都是“县委县政府安排”；本部门 78 条指标中有 72 条是这一句",
    ),
    ("basis-same-for-all", with_row(QUANTITY, basis="2024年村干部花名册"), ""),
    (
        "category-missing", dataclasses.replace(BASIC_PAY, indicators=BASIC_PAY.indicators[:4]),
        "indicators: 指标表没有效益指标、满意度指标",
    ),
    ("category-missing", BASIC_PAY, ""),
    (
        "cost-missing", dataclasses.replace(BASIC_PAY, indicators=BASIC_PAY.indicators[:3] + BASIC_PAY.indicators[4:]),
        "indicators: 指标表没有成本指标",
    ),
    ("cost-missing", BASIC_PAY, ""),
    ("placeholder", with_row(QUANTITY, value="XX人"), "indicators[0].value: 指标值为“XX人”"),
    ("placeholder", dataclasses.replace(BASIC_PAY, goal="详见附件"), "goal: 绩效目标中有“详见附件”"),
    ("placeholder", with_row(QUANTITY, value="≥200人", basis="待定"), "indicators[0].basis: 指标值确定依据为“待定”"),
    ("placeholder", with_row(QUANTITY, level3="XXL码服装发放数量"), ""),  # a size, not a placeholder
    (
        "duplicate-row", dataclasses.replace(BASIC_PAY, indicators=(*BASIC_PAY.indicators, BASIC_PAY.indicators[0])),
        "indicators[6]: 第 7 行与第 1 行都是“符合村干部基础职务补贴资金发放人员”",
    ),
    ("duplicate-row", BASIC_PAY, ""),
    (
        "plan-below-100", dataclasses.replace(BASIC_PAY, plan=dataclasses.replace(BASIC_PAY.plan, dec=Decimal(90))),
        "plan.dec: 12月底为 90%",
    ),
    ("plan-below-100", BASIC_PAY, ""),
    (
        "plan-blank", dataclasses.replace(BASIC_PAY, plan=dataclasses.replace(BASIC_PAY.plan, mar=None, jun=None)),
        "plan: 3月底、6月底未填写",
    ),
    ("plan-blank", BASIC_PAY, ""),
]  # fmt: skip


@pytest.mark.parametrize(("rule_id", "project", "expected"), CASES, ids=[f"{c[0]}-{bool(c[2])}" for c in CASES])
def test_each_rule_reports_what_the_table_shows(rule_id: str, project: Project, expected: str) -> None:
    assert findings_of(project, rule_id) == ([expected] if expected else [])


def test_a_finding_on_a_row_names_the_row_it_is_about() -> None:
    duplicated = dataclasses.replace(BASIC_PAY, indicators=(*BASIC_PAY.indicators, BASIC_PAY.indicators[0]))
    [finding] = [f for f in review_project(SEED, duplicated) if f.rule.id == "duplicate-row"]
    assert (finding.row_number, finding.place) == (7, "第 7 行（符合村干部基础职务补贴资金发放人员）")
    [plan] = [f for f in review_project(SEED, BY_NUMBER[9]) if f.rule.id == "plan-blank"]
    assert (plan.row_number, plan.indicator, plan.place) == (None, None, "资金支出计划（%）")


def test_every_rule_has_a_table_that_triggers_it_and_one_that_does_not() -> None:
    fired = {rule_id for rule_id, _, expected in CASES if expected}
    quiet = {rule_id for rule_id, _, expected in CASES if not expected}
    # The rules on a 自评表 have their cases in test_results.py.
    assert fired == quiet == {rule_id for rule_id in RULES_BY_ID if not rule_id.startswith("result-")}


def test_every_rule_is_documented_with_its_basis_and_worded_neutrally() -> None:
    for rule in RULES:
        assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", rule.id), rule.id
        assert rule.severity in (Severity.ATTENTION, Severity.HINT)
        assert rule.description.endswith("。") and rule.description.count("。") == 1, rule.id  # one sentence
        assert re.search(r"财预〔20\d\d〕\d+号|项目支出绩效目标表", rule.basis), rule.id
        for text in (rule.title, rule.description):
            assert not re.search(r"错|不合格|违规|不规范|问题|差", text), (rule.id, text)


# --- The seed's findings, checked by reading its tables -------------------------------------------

#: Every finding in the seed, by project number, rule and row (0-based, as in the YAML). Read off the tables:
#: every project's 成本指标 is 预算资金完成率 ≥90–95% (a rate); every 满意度's basis is 县委县政府安排 or
#: 2024年通知安排, and so is every row's basis; 三级指标 and 绩效指标描述 are the same words on every row but
#: 时效 (完成时间 / 2024年底前完成) and project 2's 质量指标 (村干部生活情况 / 村干部生活水平逐步上升).
EVERY_PROJECT = {"cost-not-amount": [COST], "satisfaction-no-method": [SATISFACTION], "basis-same-for-all": [None]}
SEED_FINDINGS = {
    # 数量指标 ≥100% on a head count (符合…发放人员, 发放符合条件选调生).
    "quantity-no-unit": {1: [QUANTITY], 2: [QUANTITY], 13: [QUANTITY]},
    # 10000个, 1个 (党建示范带), 109份 and 90%, 2次, 69人, 74个: counts and a share written without ≥ or =.
    "value-no-comparison": {3: [QUANTITY], 4: [QUALITY], 6: [QUANTITY, QUALITY], 8: [QUANTITY], 9: [QUANTITY], 11: [QUANTITY]},
    # 农村党建: the 时效 value is “2024年底前完成%”.
    "value-malformed": {7: [TIMELINESS]},
    # 慰问困难党员经费 plans only 12月底 100%; its three other points are blank.
    "plan-blank": {9: [None]},
    "description-repeats-name": {
        number: [QUANTITY, COST, BENEFIT, SATISFACTION] if number == 2 else [QUANTITY, QUALITY, COST, BENEFIT, SATISFACTION]
        for number in BY_NUMBER
    },
    **{rule_id: {number: rows for number in BY_NUMBER} for rule_id, rows in EVERY_PROJECT.items()},
}  # fmt: skip


def test_the_seeds_findings_are_exactly_those_read_off_its_tables() -> None:
    found = {
        (finding.rule.id, finding.project.number, finding.row_number - 1 if finding.row_number else None)
        for finding in Review(CATALOG).findings
    }
    expected = {
        (rule_id, number, row)
        for rule_id, projects in SEED_FINDINGS.items()
        for number, rows in projects.items()
        for row in rows
    }
    assert found == expected
    assert len(Review(CATALOG).findings) == len(expected) == 115


# --- Where the report is published ----------------------------------------------------------------


def test_project_page_lists_its_findings_collapsed_with_links_to_the_rows(seed_site: Path) -> None:
    source = (seed_site / "2024/203001/13022524P00442P10051P/index.html").read_text(encoding="utf-8")
    details = re.search(r'<details class="bp-quality">(.*?)</details>', source, re.DOTALL)
    assert details, "collapsed by default: no open attribute"
    report = details.group(1)
    assert "按本站的 27 条审核规则，本表有 10 处值得留意（注意 1 处，提示 9 处）" in report
    # Each finding links to its indicator row (or section) on the page, and each rule to its explanation.
    targets = re.findall(r'<a href="#([^"]+)">', report)
    assert targets[:2] == ["13022524P00442P10051P-quantity-1", "13022524P00442P10051P-cost-1"]
    assert "plan" in targets and "indicators" in targets
    assert all(f'id="{target}"' in source for target in targets)
    assert '<a href="../../../quality/#rule-cost-not-amount">成本指标的指标值不是金额</a>' in report
    assert "第 4 行（预算资金完成率）</a>：指标值为“≥95%”，是比率，没有金额" in report


def test_department_quality_page_counts_each_rule_and_links_every_finding_to_its_row(seed_site: Path) -> None:
    source = (seed_site / DEPARTMENT_QUALITY).read_text(encoding="utf-8")
    text = text_of(seed_site, DEPARTMENT_QUALITY)
    assert (
        "本部门 2024 年 13 个项目、78 条绩效指标，按本站的 27 条审核规则共有 115 处值得留意（注意 17 处，提示 98 处）"
        in text
    )
    counts = re.findall(
        r'<a href="#rule-([a-z0-9-]+)">[^<]+</a></td><td class="bp-num" data-label="处数">(\d+)</td>', source
    )
    assert counts == [
        ("quantity-no-unit", "3"), ("value-no-comparison", "7"), ("value-malformed", "1"), ("cost-not-amount", "13"),
        ("satisfaction-no-method", "13"), ("description-repeats-name", "64"), ("basis-same-for-all", "13"),
        ("plan-blank", "1"),
    ]  # fmt: skip
    links = re.findall(r'<a href="\.\./([0-9A-Z]+)/#([^"]+)">', source)
    assert len(links) == 115
    for code, anchor in links:
        assert f'id="{anchor}"' in (seed_site / "2024/203001" / code / "index.html").read_text(encoding="utf-8")
    department = text_of(seed_site, "2024/203001/index.html")
    assert "本部门的绩效指标表有 115 处值得留意（注意 17 处，提示 98 处），逐条列在 本部门的指标质量页" in department


def test_site_quality_page_ranks_rules_by_how_often_they_fire_and_explains_each(seed_site: Path) -> None:
    source = (seed_site / QUALITY_PAGE).read_text(encoding="utf-8")
    text = text_of(seed_site, QUALITY_PAGE)
    ranking = source[source.index('id="year-2024-rules"') : source.index('id="rules"')]
    counts = [int(n) for n in re.findall(r'data-label="处数">(\d+)<', ranking)]
    assert counts == [64, 13, 13, 13, 7, 3, 1, 1]
    assert "各部门的提示数和最常见的规则见 2024年各部门的指标质量" in text
    for rule in RULES:  # every rule, even one that never fired, with its text and basis
        assert f'id="rule-{rule.id}"' in source
        assert f"{rule.description}" in text and f"依据：{rule.basis}" in text
    assert "不是审计或评价结论" in text


def test_each_years_page_lists_its_departments_with_their_most_frequent_rules(seed_site: Path) -> None:
    text = text_of(seed_site, "quality/2024/index.html")
    assert "1 个部门的 13 个项目中，按本站的 27 条审核规则共有 115 处值得留意（注意 17 处，提示 98 处）" in text
    assert (
        "中国共产党乐亭县委员会组织部本级 78 17 98 绩效指标描述与三级指标相同（64）；成本指标的指标值不是金额（13）"
        in text
    )
    source = (seed_site / "quality/2024/index.html").read_text(encoding="utf-8")
    assert '<a href="../../2024/203001/quality/">中国共产党乐亭县委员会组织部本级</a>' in source


def test_about_page_explains_the_rules_and_that_they_are_not_an_audit(seed_site: Path) -> None:
    text = text_of(seed_site, "about/index.html")
    assert "指标质量" in text and "不是审计" in text
    assert 'href="../quality/"' in (seed_site / "about/index.html").read_text(encoding="utf-8")


def test_findings_download_as_csv_and_json_described_in_the_data_package(seed_site: Path) -> None:
    rows = list(csv.DictReader(io.StringIO((seed_site / "downloads/all-findings.csv").read_text(encoding="utf-8-sig"))))
    assert len(rows) == 115
    first = rows[0]
    assert first == {
        "year": "2024", "department_code": "203001", "project_code": "13022524P00442P10057D",
        "indicator_id": "quantity-1", "row_number": "1", "field": "indicators[0].value",
        "rule_id": "quantity-no-unit", "severity": "注意", "rule": "数量指标的指标值没有计量单位",
        "detail": "指标值为“≥100%”，是百分比，没有写明数量和计量单位",
        "url": "/2024/203001/13022524P00442P10057D/#13022524P00442P10057D-quantity-1",
    }  # fmt: skip
    plan = next(row for row in rows if row["rule_id"] == "plan-blank")
    assert (plan["indicator_id"], plan["row_number"], plan["url"]) == (
        "",
        "",
        "/2024/203001/13022524P00442P10051P/#plan",
    )
    document = json.loads((seed_site / "downloads/all-findings.json").read_text(encoding="utf-8"))
    assert [rule["id"] for rule in document["rules"]] == [rule.id for rule in RULES]
    assert document["findings"][0] == {**first, "year": 2024, "row_number": 1}
    package = json.loads((seed_site / "downloads/datapackage.json").read_text(encoding="utf-8"))
    resource = next(r for r in package["resources"] if r["name"] == "findings")
    assert resource["path"] == "all-findings.csv"
    assert resource["schema"]["primaryKey"] == ["year", "project_code", "rule_id", "field"]
    department_rows = (seed_site / "downloads/2024/203001/203001-findings.csv").read_text(encoding="utf-8-sig")
    assert (
        department_rows.splitlines()
        == (seed_site / "downloads/all-findings.csv").read_text(encoding="utf-8-sig").splitlines()
    )  # one department: the same rows


def run_check(*options: str) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "generator", "check", *options]
    return subprocess.run(command, cwd=FIXTURES, capture_output=True, text=True, timeout=120, check=False)


def test_check_quality_lists_findings_by_file_and_line_and_still_passes() -> None:
    result = run_check("--quality")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].startswith("内容校验通过（未生成网站）：1 个部门，13 个项目")
    assert (
        "content/2024/203001/13022524P00442P10057D.yaml:25: indicators[0].value: 注意：数量指标的指标值没有计量单位"
        "——指标值为“≥100%”，是百分比，没有写明数量和计量单位（规则 quantity-no-unit）"
    ) in lines
    assert (
        "content/2024/203001/13022524P00442P10051P.yaml:13: plan: 提示：资金支出计划有空格——3月底、6月底、10月底未填写（规则 plan-blank）"
        in lines
    )
    assert lines[-1].startswith(
        "指标质量：13 个项目中 13 个有值得留意之处，共 115 处（注意 17 处，提示 98 处）。这些不是错误，不影响生成网站"
    )
    assert len(lines) == 1 + 115 + 1
    # Each line's number points at the field it names.
    for line in lines[1:-1]:
        path, number, field = re.match(r"([^:]+):(\d+): ([^:]+):", line).groups()
        key = re.split(r"[.\[]", field)[-1].rstrip("]")
        source = (FIXTURES / path).read_text(encoding="utf-8").splitlines()[int(number) - 1]
        assert re.match(rf"\s*(- )?{key if not key.isdigit() else 'id'}:", source), (line, source)


def test_check_without_quality_prints_no_findings() -> None:
    result = run_check()
    assert result.returncode == 0 and len(result.stdout.splitlines()) == 1


def test_findings_do_not_depend_on_other_departments() -> None:
    """A department's findings are its own: adding another department changes none of them."""
    other = dataclasses.replace(SEED, code="999999", projects=(dataclasses.replace(BASIC_PAY, code="X1"),))
    assert Review(dataclasses.replace(CATALOG, departments=(SEED, other))).of_department(SEED) == Review(
        CATALOG
    ).of_department(SEED)
