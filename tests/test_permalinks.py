"""Reviewers can link to any project, indicator row and section, and cite the page."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path
from urllib.parse import urljoin

import pytest
from conftest import CONTENT, build_site, copy_project

from generator.schema.validate import load_catalog
from generator.site.history import History
from generator.site.render import Renderer, page_pieces
from generator.site.urls import SiteUrls

CODE = "13022524P00442P10057D"
YAML = f"2024/203001/{CODE}.yaml"
SITE_URL = "https://example.gov.cn/zwgk/ys/"


def content_copy(tmp_path: Path) -> Path:
    content = tmp_path / "content"
    shutil.copytree(CONTENT, content)
    return content


def split_indicators(text: str) -> tuple[str, list[str]]:
    """The YAML before the indicator list, and each list item's lines (the list ends the file)."""
    head, rows = text.split("\nindicators:", 1)
    first_line, rest = rows.split("\n", 1)
    items = re.split(r"(?m)^(?=  - )", rest)
    return f"{head}\nindicators:{first_line}\n", [item for item in items if item.strip()]


def row_ids(content: Path, code: str = CODE) -> dict[str, str]:
    """三级指标 -> the id of its row on the rendered page."""
    catalog = load_catalog(content)
    department = catalog.departments[0]
    project = next(p for p in department.projects if p.code == code)
    page = Renderer("站点", History(catalog)).project(department, project)
    rows = re.findall(r'<tr id="([^"]+)">.*?</td><td[^>]*>(.*?)</td><td', page)
    assert len(rows) == len(project.indicators)
    return {level3: row_id for row_id, level3 in rows}


def test_indicator_ids_stay_with_their_rows_when_rows_are_reordered(tmp_path: Path) -> None:
    content = content_copy(tmp_path)
    before = row_ids(content)
    path = content / YAML
    head, items = split_indicators(path.read_text(encoding="utf-8"))
    path.write_text(head + "".join(reversed(items)), encoding="utf-8")
    after = row_ids(content)
    assert list(after) == list(reversed(list(before)))  # the order really changed
    assert after == before
    assert before["村干部满意度"] == f"{CODE}-satisfaction-1"


def test_rows_typed_without_an_id_get_one_from_their_text_not_their_position(tmp_path: Path) -> None:
    content = content_copy(tmp_path)
    path = content / YAML
    text = re.sub(r"(?m)^  - id: \S+\n    level1:", "  - level1:", path.read_text(encoding="utf-8"))
    assert "id:" not in text.split("indicators:")[1]
    path.write_text(text, encoding="utf-8")
    derived = row_ids(content)
    assert len(set(derived.values())) == 6
    assert all(re.fullmatch(rf"{CODE}-[a-z-]+-[0-9a-f]{{6}}", row_id) for row_id in derived.values())
    head, items = split_indicators(text)
    path.write_text(head + "".join(reversed(items)), encoding="utf-8")
    assert row_ids(content) == derived


def test_project_url_is_built_from_its_code_only(tmp_path: Path) -> None:
    content = content_copy(tmp_path)
    layout = SiteUrls()
    department = load_catalog(content).departments[0]
    url = layout.url(layout.project(department, department.projects[0]))
    path = content / YAML
    text = path.read_text(encoding="utf-8").replace("name: 村干部基础职务补贴", "name: 改名后的项目")
    path.write_text(text.replace("number: 1 ", "number: 99 "), encoding="utf-8")
    moved = next(p for p in load_catalog(content).departments[0].projects if p.code == CODE)
    assert (moved.name, moved.number) == ("改名后的项目", 99)
    assert layout.url(layout.project(department, moved)) == url == f"2024/203001/{CODE}/"


def test_every_indicator_row_has_a_visible_link_to_itself(seed_site: Path) -> None:
    seen: set[str] = set()
    for page in (seed_site / "2024" / "203001").glob("*/index.html"):
        html = page.read_text(encoding="utf-8")
        for row_id, row in re.findall(r'<tr id="([^"]+)">(.*?)</tr>', html, re.DOTALL):
            # A real link (reachable with Tab) with a name a screen reader can read out.
            links = re.findall(r'<a class="bp-permalink"[^>]*>', row)
            assert len(links) == 1 and f'href="#{row_id}"' in links[0] and 'aria-label="本行指标的链接"' in links[0]
            assert row_id not in seen
            seen.add(row_id)
    assert len(seen) == 13 * 6
    css = (seed_site / "assets" / "stylesheets" / "budget.css").read_text(encoding="utf-8")
    rule = re.search(r"\.md-typeset \.bp-permalink \{([^}]*)\}", css).group(1)
    assert "opacity: 0;" not in rule and "display: none" not in rule  # visible without hover, on touch screens too


def test_indicator_links_in_the_downloads_point_at_the_rows_on_the_page(seed_site: Path) -> None:
    document = json.loads((seed_site / "downloads/2024/203001" / f"{CODE}.json").read_text(encoding="utf-8"))
    html = (seed_site / "2024/203001" / CODE / "index.html").read_text(encoding="utf-8")
    for indicator in document["indicators"]:
        page, anchor = indicator["url"].split("#")
        assert page == f"/2024/203001/{CODE}/" and f'<tr id="{anchor}">' in html


def test_home_department_and_project_sections_have_anchors_with_permalinks(seed_site: Path) -> None:
    pages = {
        "index.html": ["year-2024", "what", "how-to-read", "cite"],
        "2024/203001/index.html": ["projects", "budget-share", "goals", "goals-overall", "goals-itemized", "cite"],
        f"2024/203001/{CODE}/index.html": ["budget", "purpose", "goal", "plan", "indicators", "cite"],
        "downloads/index.html": ["formats", "all", "year-2024", "fields", "cite"],
    }
    for page, anchors in pages.items():
        html = (seed_site / page).read_text(encoding="utf-8")
        for anchor in anchors:
            assert re.search(rf'<h[23][^>]* id="{anchor}">.*?<a class="headerlink" href="#{anchor}"', html), (
                page,
                anchor,
            )


def test_every_section_of_a_department_page_is_in_its_table_of_contents(two_year_site: Path) -> None:
    html = (two_year_site / "2025/203001/index.html").read_text(encoding="utf-8")
    toc, article = html.split('<nav class="md-nav md-nav--secondary"')[1].split("<article", 1)
    sections = re.findall(r'<h[23] id="([^"]+)">', article)
    assert re.findall(r'href="#([^"]+)"', toc) == sections and "changes-continuing" in sections
    # 延续项目 (an h3) is listed under 与 2024 年比较 (its h2), as Markdown's own table of contents nests it.
    changes = re.search(r'<a href="#changes".*?</nav>', toc, re.DOTALL).group(0)
    assert 'href="#changes-continuing"' in changes and 'href="#goals"' not in changes


def test_section_headings_follow_the_sites_own_markdown_settings(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "project")
    config = project / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8").replace("permalink: true", 'permalink: "§"'), encoding="utf-8")
    html = (build_site(project) / "2024/203001" / CODE / "index.html").read_text(encoding="utf-8")
    assert '<h2 id="budget">预算规模<a class="headerlink" href="#budget" title="本节的链接">§</a></h2>' in html


def test_a_template_heading_without_an_id_is_refused_by_the_page() -> None:
    with pytest.raises(ValueError, match=r"2024/index\.md.*没有 \{#id\} 的标题"):
        page_pieces("## 概览\n\n<p>…</p>\n", "2024/index.md")


def test_cite_text_names_the_department_project_year_and_address(seed_site: Path) -> None:
    html = (seed_site / "2024/203001" / CODE / "index.html").read_text(encoding="utf-8")
    # Published on the day of its import; updated (when its files changed since) on the day they did.
    dates = r"2026年11月24日发布，(\d{4}年\d{1,2}月\d{1,2}日更新，)?"
    project = "中国共产党乐亭县委员会组织部本级：《村干部基础职务补贴 项目支出绩效目标表》，2024年，"
    assert re.search(f"{project}{dates}/2024/203001/{CODE}/</p>", html)
    department = (seed_site / "2024/203001/index.html").read_text(encoding="utf-8")
    assert re.search(
        f"中国共产党乐亭县委员会组织部本级：《2024年部门预算绩效目标》，2024年，{dates}/2024/203001/</p>", department
    )


def test_cite_text_uses_the_absolute_address_when_site_url_is_set() -> None:
    catalog = load_catalog(CONTENT)
    department = catalog.departments[0]
    renderer = Renderer("乐亭县预算绩效目标公开", History(catalog), SiteUrls(site_url=SITE_URL))
    page = renderer.project(department, department.projects[0])
    assert (
        f"《村干部基础职务补贴 项目支出绩效目标表》，2024年，2026年11月24日发布，{SITE_URL}2024/203001/{CODE}/</p>"
        in page
    )
    flat = Renderer("站", History(catalog), SiteUrls(directory_urls=False, site_url=SITE_URL)).department(department)
    assert f"，2024年，2026年11月24日发布，{SITE_URL}2024/203001/index.html</p>" in flat


PAGES = ["index.md", "2024/index.md", "2024/203001/index.md", "2024/203001/P1.md", "downloads/index.md", "about.md"]
FILES = ["downloads/all.json", "downloads/2024/203001/P1.csv"]


@pytest.mark.parametrize("directory_urls", [True, False])
def test_every_relative_link_resolves_in_the_browser_to_its_target(directory_urls: bool) -> None:
    layout = SiteUrls(directory_urls=directory_urls, site_url="https://example.gov.cn/zwgk/ys/")
    root = layout.site_url
    for here in PAGES:
        page_url = root + layout.url(here)
        for target in PAGES:
            assert urljoin(page_url, layout.link(here, target)) == root + layout.url(target), (here, target)
        for path in FILES:
            assert urljoin(page_url, layout.file_link(here, path)) == root + path, (here, path)
