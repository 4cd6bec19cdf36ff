"""Content is data, never markup: poisoned text appears literally everywhere and never runs."""

from __future__ import annotations

import html
import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from browser import chromium, requires_chromium, search, serve
from conftest import build_site, copy_project, page_text
from hostile import (
    BLANK_LINES,
    HOSTILE,
    HOSTILE_DEPARTMENT,
    HOSTILE_NAME,
    allow_categories,
    allow_hostile_categories,
    assert_no_script_attributes,
    html_attributes,
    write_blank_line_content,
    write_hostile_content,
)

from generator.schema.model import Department, Kind, Project, fields_of
from generator.site.search_index import script_data

PROJECT_PAGE = Path("2024/999001/X999/index.html")
DEPARTMENT_PAGE = Path("2024/999001/index.html")


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("hostile")
    write_hostile_content(root / "content")
    project = copy_project(root / "project", root / "content")
    allow_hostile_categories(project / "mkdocs.yml")
    return build_site(project)


def test_no_hostile_markup_reaches_any_page(hostile_site: Path) -> None:
    for page in hostile_site.rglob("*.html"):
        source = page.read_text(encoding="utf-8")
        assert "<script>alert" not in source, page
        assert "<img src=x" not in source, page
        assert "<b>粗</b>" not in source, page
        assert not re.search(r"""href=["']?javascript:""", source), page


def test_every_hostile_text_appears_literally_on_the_project_page(hostile_site: Path) -> None:
    text = page_text(hostile_site / PROJECT_PAGE)
    for hostile in HOSTILE:
        for line in hostile.split("\n"):
            assert line in text, line
    assert HOSTILE_NAME in text


def test_quality_report_quotes_hostile_cells_literally(hostile_site: Path) -> None:
    """A finding quotes the cell it is about: on the pages and in the downloads, the text stays as typed."""
    for page in ("2024/999001/quality/index.html", str(PROJECT_PAGE)):
        text = page_text(hostile_site / page)
        assert f"三级指标和绩效指标描述都是“{HOSTILE[0]}”" in text, page
        assert f"指标值为“{HOSTILE[4]}”，没有 ≥、≤、= 或“不低于”等比较方式" in text, page
    findings = json.loads((hostile_site / "downloads/all-findings.json").read_text(encoding="utf-8"))["findings"]
    details = {finding["detail"] for finding in findings}
    assert f"三级指标和绩效指标描述都是“{HOSTILE[1]}”" in details
    assert f"三级指标和绩效指标描述都是“{HOSTILE[3]}”" in details  # its line break kept


def test_markdown_syntax_in_content_is_not_rendered(hostile_site: Path) -> None:
    source = (hostile_site / PROJECT_PAGE).read_text(encoding="utf-8")
    assert "<strong>粗体</strong>" not in source
    assert "<em>斜体</em>" not in source
    assert "<code>代码</code>" not in source
    assert '<a href="javascript' not in source
    tables = re.findall(r"<table\b", source)
    assert len(tables) == 3  # budget, plan and indicators: the pipes made no table


def test_template_syntax_in_content_is_not_evaluated(hostile_site: Path) -> None:
    text = page_text(hostile_site / PROJECT_PAGE)
    assert "{{ 7*7 }} {% if true %}模板{% endif %} {# 注释 #}" in text
    assert "{% raw %}" in page_text(hostile_site / DEPARTMENT_PAGE)


def test_page_title_and_navigation_show_the_text_as_typed(hostile_site: Path) -> None:
    source = (hostile_site / PROJECT_PAGE).read_text(encoding="utf-8")
    title = re.search(r"<title>(.*?)</title>", source, re.DOTALL).group(1)
    assert html.unescape(title) == f"{HOSTILE_NAME} - 乐亭县预算绩效目标公开"
    # Departments are not in the global nav (it would grow with the county); their page header shows the title.
    department = (hostile_site / DEPARTMENT_PAGE).read_text(encoding="utf-8")
    header = re.search(
        r'<div class="md-header__topic" data-md-component="header-topic">.*?</div>', department, re.DOTALL
    )
    assert html.escape(HOSTILE_DEPARTMENT, quote=False) in header.group(0)


def test_chart_labels_are_escaped(hostile_site: Path) -> None:
    source = (hostile_site / DEPARTMENT_PAGE).read_text(encoding="utf-8")
    chart = re.search(r'<ol class="bp-bars">.*?</ol>', source, re.DOTALL).group(0)
    assert "&lt;script&gt;alert(&#39;name&#39;)&lt;/script&gt;村干部补贴 &amp; {{ 7*7 }}" in chart
    assert "<script" not in chart


def test_search_index_holds_the_text_as_typed(hostile_site: Path) -> None:
    documents = [script_data(path.read_bytes()) for path in sorted((hostile_site / "search" / "d").glob("*.js"))]
    titles = {document["title"] for document in documents}
    assert HOSTILE_NAME in titles
    texts = {field[2] for document in documents for field in document["fields"]}
    for hostile in HOSTILE:
        assert any(hostile in text for text in texts), hostile


@pytest.fixture
def watched_page(hostile_site: Path) -> Iterator[tuple[str, object, list[str]]]:
    """A browser page on the served hostile site, recording every dialog a script opens."""
    with serve(hostile_site) as base, chromium() as browser:
        page = browser.new_page()
        dialogs: list[str] = []
        page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
        yield base, page, dialogs


@requires_chromium
def test_hostile_page_runs_no_script_in_a_real_browser(watched_page) -> None:
    base, page, dialogs = watched_page
    for url in ("2024/999001/X999/", "2024/999001/", ""):
        page.goto(base + url)
        page.wait_for_load_state("load")
    assert dialogs == []
    page.goto(base + "2024/999001/X999/")
    assert page.title() == f"{HOSTILE_NAME} - 乐亭县预算绩效目标公开"
    assert page.locator("h1").inner_text() == HOSTILE_NAME
    assert page.locator("img[src=x]").count() == 0


@requires_chromium
def test_search_results_show_hostile_text_literally(watched_page) -> None:
    base, page, dialogs = watched_page
    page.goto(base)
    search(page, "补贴")
    titles = page.locator(".md-search-result__item h1").all_inner_texts()
    assert HOSTILE_NAME in titles
    for hostile in ("<script>", "{{ 7*7 }}", "<img src=x"):
        search(page, hostile)
        snippets = page.locator(".md-search-result__item p:not(.bp-search-result__where)").all_inner_texts()
        assert any(hostile in snippet for snippet in snippets), (hostile, snippets)
        assert page.locator(".md-search-result script, .md-search-result img, .md-search-result b").count() == 0
    assert dialogs == []


def _declared_text_fields(cls: type, prefix: str = "") -> list[str]:
    paths = []
    for field in fields_of(cls):
        path = f"{prefix}{field.key}"
        if field.spec.kind in (Kind.TEXT, Kind.TEXT_LIST):
            paths.append(path)
        elif field.group is not None:
            paths += _declared_text_fields(field.group, f"{path}.")
        elif field.rows is not None:
            paths += _declared_text_fields(field.rows, f"{path}[].")
    return paths


@pytest.fixture(scope="module")
def blank_line_site(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[str]]:
    """A site whose every declared text field holds a blank line followed by Markdown."""
    root = tmp_path_factory.mktemp("blank-lines")
    filled = write_blank_line_content(root / "content")
    project = copy_project(root / "project", root / "content")
    allow_categories(project / "mkdocs.yml", {BLANK_LINES: [BLANK_LINES]})
    return build_site(project), filled


def test_blank_line_payload_fills_every_declared_text_field(blank_line_site) -> None:
    _, filled = blank_line_site
    assert filled == _declared_text_fields(Department) + _declared_text_fields(Project)


def test_blank_lines_in_any_text_field_make_no_attribute_or_link(blank_line_site) -> None:
    site, _ = blank_line_site
    pages = sorted(site.rglob("*.html"))
    assert len(pages) >= 8  # home, year, department, its quality page, project, quality, downloads, about
    for page in pages:
        source = page.read_text(encoding="utf-8")
        assert_no_script_attributes(source, page)
        assert ("tabindex", "1") not in html_attributes(source), page


def test_blank_line_text_appears_literally_on_every_page_it_reaches(blank_line_site) -> None:
    site, _ = blank_line_site
    for page in (
        "2024/999002/X998/index.html",
        "2024/999002/index.html",
        "2024/999002/quality/index.html",
        "2024/index.html",
        "index.html",
    ):
        text = " ".join(page_text(site / page).split())
        assert "说明 {: tabindex=1 autofocus onfocus=alert(document.domain) } [详情](javascript:alert(1))" in text, page


@requires_chromium
def test_blank_line_pages_run_no_script_in_a_real_browser(blank_line_site) -> None:
    site, _ = blank_line_site
    with serve(site) as base, chromium() as browser:
        page = browser.new_page()
        dialogs: list[str] = []
        page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
        for path in sorted(site.rglob("index.html")):
            page.goto(base + path.parent.relative_to(site).as_posix().removeprefix(".") + "/")
            page.wait_for_load_state("load")
            page.keyboard.press("Tab")  # focus moves: an onfocus handler would fire now
        assert dialogs == []
        page.goto(base + "2024/999002/X998/")
        assert page.locator("a[href^='javascript']").count() == 0


HOSTILE_SITE_NAME = "<script>alert('站名')</script>某县 & \"公开\""
HOSTILE_DESCRIPTION = '说明"><script>alert(3)</script>'


@pytest.fixture(scope="module")
def hostile_name_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The seed under a site name and description that would be markup if Material printed them as they are."""
    project = copy_project(tmp_path_factory.mktemp("hostile-name"))
    config = project / "mkdocs.yml"
    text = config.read_text(encoding="utf-8").split("\n", 2)[2]  # site_name and site_description are the first lines
    names = f"site_name: {json.dumps(HOSTILE_SITE_NAME)}\nsite_description: {json.dumps(HOSTILE_DESCRIPTION)}\n"
    config.write_text(names + text, encoding="utf-8")
    return build_site(project)


def test_site_name_and_description_reach_every_page_escaped(hostile_name_site: Path) -> None:
    for page in ("index.html", "2024/203001/index.html", "downloads/index.html", "404.html"):
        source = (hostile_name_site / page).read_text(encoding="utf-8")
        assert "<script>alert(" not in source, page
        title = re.search(r"<title>(.*?)</title>", source, re.DOTALL).group(1)
        assert html.unescape(title).endswith(HOSTILE_SITE_NAME), page
    home = (hostile_name_site / "index.html").read_text(encoding="utf-8")
    assert ("content", HOSTILE_DESCRIPTION) in html_attributes(home)
    assert ("aria-label", HOSTILE_SITE_NAME) in html_attributes(home)  # the header's logo


def test_site_name_is_plain_text_in_the_downloads(hostile_name_site: Path) -> None:
    package = json.loads((hostile_name_site / "downloads/datapackage.json").read_text(encoding="utf-8"))
    assert package["title"] == f"{HOSTILE_SITE_NAME}：项目支出绩效目标"
