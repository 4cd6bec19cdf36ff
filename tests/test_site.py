"""The seed department, built by the real `mkdocs build`, shows every figure and sentence."""

from __future__ import annotations

import re
from dataclasses import replace
from decimal import Decimal
from pathlib import Path

from conftest import CONTENT, SEED, page_text
from seed_cells import FORM_LABELS, goal_paragraphs, project_blocks, squash

from generator.schema.model import Budget
from generator.schema.validate import load_catalog
from generator.site import charts

CATALOG = load_catalog(CONTENT)
DEPARTMENT = CATALOG.departments[0]


def project_page(site: Path, code: str) -> Path:
    return site / "2024" / "203001" / code / "index.html"


def test_every_project_has_a_page_at_a_url_with_its_code(seed_site: Path) -> None:
    codes = [project.code for project in DEPARTMENT.projects]
    assert len(codes) == 13
    for code in codes:
        assert project_page(seed_site, code).is_file(), code


def test_project_page_shows_every_cell_of_the_seed(seed_site: Path) -> None:
    blocks = project_blocks(SEED)
    assert len(blocks) == 13
    for (title, cells), project in zip(blocks, DEPARTMENT.projects):
        assert title == project.name
        text = squash(page_text(project_page(seed_site, project.code)))
        missing = [cell for cell in cells if squash(cell) not in text and squash(cell) not in FORM_LABELS]
        assert not missing, f"{project.code} is missing {missing}"


def test_project_page_has_title_code_budget_summary_and_share(seed_site: Path) -> None:
    text = page_text(project_page(seed_site, "13022524P00442P10057D"))
    assert "村干部基础职务补贴" in text
    assert "13022524P00442P10057D" in text
    assert "4,916.86" in text
    assert "67.06%" in text  # 4916.86 / 7331.80
    html = project_page(seed_site, "13022524P00442P10057D").read_text(encoding="utf-8")
    assert "<title>村干部基础职务补贴 - 乐亭县预算绩效目标公开</title>" in html


def test_spending_plan_shows_percent_and_amount_by_quarter_end(seed_site: Path) -> None:
    html = project_page(seed_site, "13022524P00442P10057D").read_text(encoding="utf-8")
    table = re.search(r'<table class="bp-table bp-plan">.*?</table>', html, re.DOTALL).group(0)
    rows = re.findall(r"<tr><th scope=\"row\">(.*?)</th><td[^>]*>(.*?)</td><td[^>]*>(.*?)</td></tr>", table)
    assert rows == [
        ("3月底", "20%", "983.37"),
        ("6月底", "40%", "1,966.74"),
        ("10月底", "60%", "2,950.12"),
        ("12月底", "100%", "4,916.86"),
    ]


def test_blank_plan_cells_stay_blank(seed_site: Path) -> None:
    html = project_page(seed_site, "13022524P00442P10051P").read_text(encoding="utf-8")
    table = re.search(r'<table class="bp-table bp-plan">.*?</table>', html, re.DOTALL).group(0)
    assert table.count("原表此格为空") == 6  # 3月底, 6月底, 10月底: percent and amount
    assert "0%" not in table.replace("100%", "")
    assert '<td class="bp-num">100%</td><td class="bp-num">14.00</td>' in table


def test_indicator_table_merges_first_level_cells_like_the_form(seed_site: Path) -> None:
    html = project_page(seed_site, "13022524P00442P10057D").read_text(encoding="utf-8")
    spans = re.findall(r'<th scope="rowgroup" rowspan="(\d+)">(.*?)</th>', html)
    assert spans == [("4", "产出指标"), ("1", "效益指标"), ("1", "满意度指标")]


def test_every_indicator_row_has_a_unique_linkable_id(seed_site: Path) -> None:
    for project in DEPARTMENT.projects:
        html = project_page(seed_site, project.code).read_text(encoding="utf-8")
        ids = re.findall(r'<tr id="([^"]+)">', html)
        assert len(ids) == len(project.indicators) == 6
        assert len(set(ids)) == 6
        for row_id in ids:
            assert row_id.startswith(project.code + "-")
            assert f'href="#{row_id}"' in html


def test_odd_cells_reach_the_page_verbatim(seed_site: Path) -> None:
    text = page_text(project_page(seed_site, "13022524P00442P10054J"))
    assert "2024年底前完成%" in text
    html = project_page(seed_site, "13022524P00442P10059L").read_text(encoding="utf-8")
    assert '<p class="bp-text">1.<br>\n对全县非公企业及社会组织书记和党务工作者开展教育培训</p>' in html


def test_department_page_lists_all_13_projects_with_the_total(seed_site: Path) -> None:
    html = (seed_site / "2024" / "203001" / "index.html").read_text(encoding="utf-8")
    table = re.search(r'<table class="bp-table bp-projects[^"]*">.*?</table>', html, re.DOTALL).group(0)
    links = re.findall(r'<a href="([^"]+)">([^<]+)</a>', table)
    assert [(href, name) for href, name in links] == [(f"{p.code}/", p.name) for p in DEPARTMENT.projects]
    assert "7,331.80" in re.search(r"<tfoot>.*?</tfoot>", table, re.DOTALL).group(0)


def test_department_page_shows_all_goal_paragraphs_word_for_word(seed_site: Path) -> None:
    text = page_text(seed_site / "2024" / "203001" / "index.html")
    paragraphs = goal_paragraphs(SEED)
    assert len(paragraphs) == 3 + 1 + 8 + 10 + 3  # headings, intro, items
    for paragraph in paragraphs:
        assert paragraph in text


def test_home_page_shows_the_year_the_department_and_its_total(seed_site: Path) -> None:
    text = page_text(seed_site / "index.html")
    assert "2024年" in text
    assert "中国共产党乐亭县委员会组织部本级" in text
    assert "7,331.80" in text
    assert "什么是绩效目标表" in text


def test_charts_are_html_whose_words_read_as_text(seed_site: Path) -> None:
    project = page_text(project_page(seed_site, "13022524P00442P10057D"))
    department = page_text(seed_site / "2024" / "203001" / "index.html")
    plan = project[project.index("资金支出计划：截至各季度末的累计支出比例") :]
    assert " ".join(plan.split()).startswith(
        "资金支出计划：截至各季度末的累计支出比例和金额（万元） 0% 25% 50% 75% 100% 20% 3月底 983.37 40% 6月底 1,966.74"
    )
    shares = " ".join(department[department.index("各项目预算占部门预算的比例") :].split())
    assert "村干部基础职务补贴 4,916.86 万元 · 67.06% 村干部绩效补贴 1,700.00 万元 · 23.19%" in shares
    source = (seed_site / "2024" / "203001" / "index.html").read_text(encoding="utf-8")
    assert "<svg role" not in source and source.count('class="bp-bars__bar"') == 13
    assert '<span class="bp-bars__bar" style="width: 100.00%"></span>' in source  # the largest fills its row


def test_a_large_departments_chart_has_its_largest_projects_and_one_bar_for_the_rest() -> None:
    seed = DEPARTMENT
    projects = tuple(
        replace(
            project,
            code=f"C{i:02}",
            name=f"项目{i}",
            number=i + 1,
            budget=Budget(total=Decimal(i + 1), fiscal=None, other=None),
        )
        for i, project in enumerate(seed.projects + seed.projects[:7])
    )
    department = replace(seed, projects=projects)
    bars = charts.share_bars(department)
    assert len(bars) == charts.MOST_BARS == 15
    assert [bar.label for bar in bars[:14]] == [f"项目{i}" for i in range(19, 5, -1)]
    assert [bar.item for bar in bars[:14]] == list(projects[19:5:-1])
    rest = bars[-1]
    assert (rest.label, rest.amount, rest.item) == ("其余 6 个项目合计", Decimal(1 + 2 + 3 + 4 + 5 + 6), None)
    assert rest.share == Decimal(21) * 100 / department.total
    assert sum(bar.amount for bar in bars) == department.total
    # Scaled to the largest project; the rest, larger still, is cut at full length and says so.
    assert bars[0].length == Decimal(100) and bars[1].length == Decimal("95.00") and not bars[0].truncated
    assert (rest.length, rest.truncated) == (Decimal(100), True)
    assert len(charts.share_bars(replace(department, projects=projects[:15]))) == 15  # all, no "rest"


def test_departments_and_projects_stay_out_of_the_global_navigation(seed_site: Path) -> None:
    # The nav is in every page: it lists the years, and each year's page lists its departments.
    html = (seed_site / "index.html").read_text(encoding="utf-8")
    nav = re.search(r'<nav class="md-nav md-nav--primary".*?</nav>\s*</div>\s*</div>\s*</div>', html, re.DOTALL).group(
        0
    )
    assert '<a href="2024/" class="md-nav__link">' in nav and "2024年" in nav
    assert "中国共产党乐亭县委员会组织部本级" not in nav
    assert "13022524P00442P10057D" not in nav
    year = (seed_site / "2024" / "index.html").read_text(encoding="utf-8")
    assert '<a href="203001/">中国共产党乐亭县委员会组织部本级</a>' in year


def test_navigation_names_the_site_once_and_links_home_as_shouye(seed_site: Path) -> None:
    html = (seed_site / "2024" / "203001" / "index.html").read_text(encoding="utf-8")  # not in the nav itself
    nav = re.search(r'<nav class="md-nav md-nav--primary".*?</nav>\s*</div>\s*</div>\s*</div>', html, re.DOTALL).group(
        0
    )
    labels = re.findall(r'<span class="md-ellipsis">\s*(.*?)\s*</span>', nav, re.DOTALL)
    assert labels == ["首页", "2024年", "指标质量", "下载数据", "关于本站"]
    site_name = "乐亭县预算绩效目标公开"
    assert re.sub(r"<[^>]+>", " ", nav).count(site_name) == 1  # the drawer's title on a phone; the home link says 首页


def test_built_site_requests_nothing_from_another_host(seed_site: Path) -> None:
    for page in seed_site.rglob("*.html"):
        html = page.read_text(encoding="utf-8")
        # Anything the browser fetches by itself: scripts, images, frames, stylesheets, icons.
        fetched = re.findall(r'\ssrc="([^"]+)"', html) + re.findall(r'<link\b[^>]*\shref="([^"]+)"', html)
        external = [url for url in fetched if re.match(r"(?:https?:)?//", url)]
        assert not external, f"{page}: {external}"
        assert "fonts.googleapis" not in html


def test_the_not_found_page_speaks_chinese_and_leads_home(seed_site: Path) -> None:
    source = (seed_site / "404.html").read_text(encoding="utf-8")
    assert "<title>页面不存在 - 乐亭县预算绩效目标公开</title>" in source
    assert "<h1>页面不存在</h1>" in source and ">首页</a>" in source
    assert "Not found" not in source


def test_pages_leave_out_template_indentation_but_keep_preformatted_text_and_scripts(seed_site: Path) -> None:
    from generator.publish.compact import compact

    built = (seed_site / "2024/203001/13022524P00442P10057D/index.html").read_text(encoding="utf-8")
    outside = re.sub(r"<(script|style|pre)\b.*?</\1>", "kept", built, flags=re.DOTALL)
    assert [line for line in outside.split("\n") if line != line.strip() or not line][:3] == []

    page = "<p>a  \n   b</p>\n\n  <pre>\n  x\n</pre>\n  <script>\n if(a)\n</script>  c\n  <style>\n p {}\n"
    assert compact(page) == "<p>a\nb</p>\n<pre>\n  x\n</pre>\n<script>\n if(a)\n</script>  c\n<style>\n p {}\n"
