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
from hostile import HOSTILE, HOSTILE_DEPARTMENT, HOSTILE_NAME, allow_hostile_categories, write_hostile_content

from generator.search_index import script_data

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
