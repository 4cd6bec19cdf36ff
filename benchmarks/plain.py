"""The baseline: a plain MkDocs + Material site with the same pages, written by hand.

For every page of our site (home, one per department, one per project, plus the
hand-written pages of docs/) this writes an ordinary Markdown page at the same
path, with the same text and tables of the same shape as Markdown pipe tables,
so the baseline is what a team would get by typing the pages into MkDocs. It has
no SVG chart and no plugin of ours. The config is the project's mkdocs.yml minus
our plugins, with the same theme, our theme folder
(generator/publish/theme/, as its custom_dir), search plugin and the same
navigation (home, one page per year listing its departments; departments and
projects are `not_in_nav`), so the comparison isolates the cost of our generator.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from generator.schema.model import Department, Project
from generator.site.quality import RULES, review_project

HOWTO = (
    "**万元**：金额单位，1 万元即 10,000 元。**预算数**是本年度安排给项目的资金，"
    "其中财政资金来自本级财政，其他资金来自其他来源。\n\n"
    "**资金支出计划**：截至 3 月底、6 月底、10 月底、12 月底，计划累计花出去的资金占预算数的比例。"
    "例如“6月底 40%”表示上半年计划支出预算的四成。\n\n"
    "**一级指标**是评价的大类：产出（做了多少、做得怎样、是否按时、花了多少钱）、效益（带来什么社会经济效果）、"
    "满意度（服务对象是否满意）。**二级指标**细分大类，**三级指标**是具体考核的事项，"
    "**指标值**是要达到的目标，**指标值确定依据**说明目标从何而来。\n"
)


def _cell(value: Any) -> str:
    text = "" if value is None else str(value)
    return text.replace("|", "\\|").replace("\n", "<br>")


def _money(value: Any) -> str:
    return "—" if value is None else f"{value:,.2f}"


def _table(header: list[str], rows: list[list[Any]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(_cell(cell) for cell in row) + " |" for row in rows]
    return "\n".join(lines) + "\n"


def _title(title: str) -> str:
    return f"---\ntitle: {yaml.safe_dump(title, allow_unicode=True).removesuffix(chr(10) + '...' + chr(10)).strip()}\n---\n\n"


def project_page(department: Department, project: Project, total: Any) -> str:
    budget = project.budget
    plan_rows = [
        [
            point.label,
            "—" if point.percent is None else f"{point.percent}%",
            "—" if point.percent is None else _money(budget.total * point.percent / 100),
        ]
        for point in project.plan.points()
    ]
    indicators = [
        [row.level1, row.level2, row.level3, row.description, row.value, row.basis] for row in project.indicators
    ]
    share = budget.total * 100 / total if total else 0
    return "".join(
        [
            _title(project.name),
            f"[首页](../../index.md) › [{department.year}年 {department.name}](index.md) › 项目 {project.number}\n\n",
            f"# {project.name}\n\n",
            f"- 项目编码：`{project.code}`\n- 预算单位：{department.code} {department.name}\n",
            f"- 年度：{department.year}\n- 预算数：{_money(budget.total)} 万元\n\n",
            "## 预算规模\n\n",
            _table(
                ["项目", "金额（万元）"],
                [
                    ["预算数", _money(budget.total)],
                    ["其中：财政资金", _money(budget.fiscal)],
                    ["其他资金", _money(budget.other)],
                    ["占部门预算", f"{share:.2f}%（部门合计 {_money(total)}）"],
                ],
            ),
            f"\n## 资金用途\n\n{project.purpose}\n\n## 绩效目标\n\n{project.goal}\n\n",
            "## 资金支出计划\n\n截至各季度末累计支出占预算数的比例，括号内为按预算数折算的金额。\n\n",
            _table(["时点", "累计支出比例", "累计支出金额（万元）"], plan_rows),
            "\n## 绩效指标\n\n",
            _table(["一级指标", "二级指标", "三级指标", "绩效指标描述", "指标值", "指标值确定依据"], indicators),
            f"\n## 如何阅读本页\n\n{HOWTO}",
        ]
    )


def department_page(department: Department, total: Any) -> str:
    rows = [
        [
            p.number,
            f"`{p.code}`",
            f"[{_cell(p.name)}]({p.code}.md)",
            _money(p.budget.total),
            f"{p.budget.total * 100 / total:.2f}%" if total else "0.00%",
        ]
        for p in department.projects
    ]
    goals = department.goals
    sections = []
    for title, section in (
        ("一、总体绩效目标", goals.overall),
        ("二、分项绩效目标", goals.itemized),
        ("三、工作保障措施", goals.safeguards),
    ):
        paragraphs = ([section.intro] if section.intro else []) + list(section.items)
        sections.append(f"### {title}\n\n" + "\n\n".join(paragraphs) + "\n\n")
    return "".join(
        [
            _title(department.name),
            f"[首页](../../index.md) › {department.year}年\n\n# {department.name}\n\n",
            f"- 单位编码：`{department.code}`\n- 年度：{department.year}\n",
            f"- 项目数：{len(department.projects)} 个\n- 项目预算合计：{_money(total)} 万元\n\n",
            "## 项目支出绩效目标\n\n",
            _table(["序号", "项目编码", "项目名称", "预算数（万元）", "占比"], rows),
            "\n## 部门整体绩效目标\n\n",
            *sections,
        ]
    )


def department_quality_page(department: Department) -> str:
    rows = [
        [finding.rule.title, finding.project.name, finding.place, finding.hit.detail]
        for project in department.projects
        for finding in review_project(department, project)
    ]
    return "".join(
        [
            _title(f"{department.name}：指标质量"),
            f"[首页](../../index.md) › [{department.name}](index.md) › 指标质量\n\n# {department.name}：指标质量\n\n",
            _table(["规则", "项目", "位置", "表中所见"], rows),
        ]
    )


def quality_page(years: list[int]) -> str:
    links = "".join(f"- [{year}年各部门的指标质量]({year}.md)\n" for year in years)
    rules = [[rule.id, rule.severity.value, rule.title, rule.description, rule.basis] for rule in RULES]
    return "".join(
        [
            _title("指标质量"),
            "# 指标质量\n\n",
            links,
            "\n## 规则及其依据\n\n",
            _table(["编号", "程度", "规则", "要求", "依据"], rules),
        ]
    )


def quality_year_page(year: int, departments: list[Department]) -> str:
    rows = [
        [f"[{_cell(d.name)}](../{d.year}/{d.code}/quality.md)", sum(len(review_project(d, p)) for p in d.projects)]
        for d in departments
        if d.year == year
    ]
    return _title(f"{year}年各部门的指标质量") + f"# {year}年各部门的指标质量\n\n" + _table(["部门", "提示"], rows)


def home_page(site_name: str, departments: list[Department], totals: dict[str, Any]) -> str:
    out = [_title(site_name), f"# {site_name}\n\n本站公开各预算部门的**项目支出绩效目标表**。\n\n"]
    for year in sorted({d.year for d in departments}, reverse=True):
        rows = [
            [
                f"`{d.code}`",
                f"[{_cell(d.name)}]({d.year}/{d.code}/index.md)",
                len(d.projects),
                f"{_money(totals[f'{d.year}/{d.code}'])} 万元",
            ]
            for d in departments
            if d.year == year
        ]
        out += [f"## {year}年\n\n", _table(["单位编码", "部门", "项目数", "项目预算合计"], rows), "\n"]
    return "".join(out)


def year_page(year: int, departments: list[Department], totals: dict[str, Any]) -> str:
    rows = [
        [
            f"`{d.code}`",
            f"[{_cell(d.name)}]({d.code}/index.md)",
            len(d.projects),
            f"{_money(totals[f'{d.year}/{d.code}'])} 万元",
        ]
        for d in departments
        if d.year == year
    ]
    return (
        _title(f"{year}年")
        + f"[首页](../index.md) › {year}年\n\n# {year}年\n\n## 部门\n\n"
        + _table(["单位编码", "部门", "项目数", "项目预算合计"], rows)
    )


def write_site(docs_dir: Path, site_name: str, departments: list[Department]) -> list:
    """Write the Markdown pages; return the nav (home, a page per year, the quality, downloads and about pages)."""
    totals = {}
    for department in departments:
        total = department.total
        totals[f"{department.year}/{department.code}"] = total
        folder = docs_dir / str(department.year) / department.code
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "index.md").write_text(department_page(department, total), encoding="utf-8")
        (folder / "quality.md").write_text(department_quality_page(department), encoding="utf-8")
        for project in department.projects:
            page = project_page(department, project, total)
            (folder / f"{project.code}.md").write_text(page, encoding="utf-8")
    (docs_dir / "index.md").write_text(home_page(site_name, departments, totals), encoding="utf-8")
    # Our site has a generated downloads page after the years (issue 5); the baseline gets one too.
    (docs_dir / "downloads").mkdir(exist_ok=True)
    (docs_dir / "downloads" / "index.md").write_text(_title("下载数据") + "# 下载数据\n", encoding="utf-8")
    # And a report on indicator quality: site-wide, per year and per department (issue 16).
    (docs_dir / "quality").mkdir(exist_ok=True)
    years = sorted({d.year for d in departments}, reverse=True)
    (docs_dir / "quality" / "index.md").write_text(quality_page(years), encoding="utf-8")
    for year in years:
        (docs_dir / "quality" / f"{year}.md").write_text(quality_year_page(year, departments), encoding="utf-8")
    nav: list = ["index.md"]
    for year in sorted({d.year for d in departments}, reverse=True):
        (docs_dir / str(year) / "index.md").write_text(year_page(year, departments, totals), encoding="utf-8")
        nav.append({f"{year}年": f"{year}/index.md"})
    # And an about page, generated since issue 17 (who publishes, on what basis, whom to contact).
    (docs_dir / "about.md").write_text(_title("关于本站") + "# 关于本站\n", encoding="utf-8")
    nav += ["quality/index.md", "downloads/index.md", "about.md"]
    return nav
