"""A citizen on a phone or a desktop, and a site published under a sub-path or opened from a zip.

Real headless Chromium (Debian's package, driven by Playwright) on the real build,
served from 127.0.0.1 under /zwgk/ys/ as a government portal would publish it.
"""

from __future__ import annotations

import shutil
import unicodedata
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlparse

import pytest
from browser import chromium, requires_chromium, search, serve
from conftest import ROOT, build_site, copy_project

pytestmark = requires_chromium

SUB_PATH = "zwgk/ys/"
SCREENSHOTS = ROOT / "test-artifacts" / "screenshots"
PAGES = {
    "home": "",
    "year": "2024/",
    "department": "2025/203001/",
    "project": "2025/203001/13022524P00442P10057D/",
    "changed-indicators": "2025/203001/13022524P00442P10051P/",
    "downloads": "downloads/",
    "quality": "quality/",
    "quality-year": "quality/2025/",
    "department-quality": "2025/203001/quality/",
}
WITHOUT_CHARTS = {"downloads", "quality", "quality-year", "department-quality"}
VIEWPORTS = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 375, "height": 740}}


@pytest.fixture(scope="module")
def portal(two_year_site: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The seed's two years published under a sub-path of a web server; yields its base URL."""
    www = tmp_path_factory.mktemp("www")
    shutil.copytree(two_year_site, www / SUB_PATH)
    with serve(www) as base:
        yield base + SUB_PATH


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    with chromium() as running:
        yield running


def open_page(browser, url: str, viewport: dict, requests: list[str], color_scheme: str = "light"):
    page = browser.new_page(viewport=viewport, color_scheme=color_scheme)
    page.on("request", lambda request: requests.append(request.url))
    response = page.goto(url)
    assert response is not None and response.ok, url
    page.wait_for_load_state("networkidle")
    return page


def serious_violations(page) -> list[str]:
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    return [
        f"{violation['id']} ({violation['impact']}): {[node['target'] for node in violation['nodes']]}"
        for violation in results.response["violations"]
        if violation["impact"] in ("serious", "critical")
    ]


@pytest.mark.parametrize("viewport_name", VIEWPORTS)
@pytest.mark.parametrize("page_name", PAGES)
def test_page_fits_the_screen_stays_on_this_host_and_passes_axe(
    portal: str, browser, page_name: str, viewport_name: str
) -> None:
    requests: list[str] = []
    viewport = VIEWPORTS[viewport_name]
    page = open_page(browser, portal + PAGES[page_name], viewport, requests)
    for summary in page.locator("details.bp-quality > summary").all():
        summary.click()  # the findings, collapsed by default, are checked open
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{page_name}-{viewport['width']}.png"), full_page=True)

    sideways = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert sideways <= 0, f"{page_name} scrolls sideways by {sideways}px at {viewport['width']}px"

    foreign = {urlparse(url).netloc for url in requests if urlparse(url).netloc != urlparse(portal).netloc}
    assert foreign == set(), f"requests to other hosts: {foreign}"

    if page_name not in WITHOUT_CHARTS:
        # Every word of every chart at 12 px or more, inside the screen.
        sizes = page.locator("article figure.bp-chart").evaluate_all(
            """figures => figures.flatMap(figure => Array.from(figure.querySelectorAll('*'))
                .filter(el => Array.from(el.childNodes).some(node => node.nodeType === 3 && node.data.trim()))
                .map(el => [el.textContent.trim(), parseFloat(getComputedStyle(el).fontSize),
                            el.getBoundingClientRect().right]))"""
        )
        assert sizes, page_name
        assert [s for s in sizes if s[1] < 12 or s[2] > viewport["width"]] == []

    assert serious_violations(page) == []
    page.close()


def test_project_page_passes_axe_in_the_dark_scheme(portal: str, browser) -> None:
    page = open_page(browser, portal + PAGES["project"], VIEWPORTS["desktop"], [], color_scheme="dark")
    assert page.evaluate("document.body.getAttribute('data-md-color-scheme')") == "slate"
    assert serious_violations(page) == []


@pytest.mark.parametrize("color_scheme", ["light", "dark"])
@pytest.mark.parametrize("viewport_name", VIEWPORTS)
def test_search_results_fit_the_screen_and_pass_axe(
    portal: str, browser, viewport_name: str, color_scheme: str
) -> None:
    viewport = VIEWPORTS[viewport_name]
    page = open_page(browser, portal + PAGES["project"], viewport, [], color_scheme=color_scheme)
    search(page, "干部")
    if viewport_name == "phone":  # Material locks the page under the open search once its animation ends
        page.wait_for_selector("body[data-md-scrolllock]", state="attached")
    # Material fades the result list in: measure contrast once it is fully opaque.
    page.wait_for_function(
        """() => { for (let el = document.querySelector('.md-search-result__item'); el; el = el.parentElement)
                     if (getComputedStyle(el).opacity !== '1') return false;
                   return true; }"""
    )
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"search-{viewport['width']}-{color_scheme}.png"))
    assert page.locator(".md-search-result__item").count() == 10  # the first ten; six pages a year match
    assert page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth") <= 0
    assert serious_violations(page) == []
    page.close()


def test_wide_indicator_table_reflows_or_scrolls_inside_its_own_box_on_a_phone(portal: str, browser) -> None:
    page = open_page(browser, portal + PAGES["project"], VIEWPORTS["phone"], [])
    box = page.locator(".bp-scroll:has(table.bp-indicators)")
    assert box.evaluate("el => el.getBoundingClientRect().right") <= VIEWPORTS["phone"]["width"]
    assert box.evaluate("el => getComputedStyle(el).overflowX") == "auto"  # what does not fit scrolls here
    assert box.get_attribute("tabindex") == "0"  # and the box is reachable by keyboard
    # A cell of a long word must still be readable: no column squeezed below two characters.
    narrowest = page.locator("table.bp-indicators td").evaluate_all(
        "cells => Math.min(...cells.map(c => c.clientWidth))"
    )
    assert narrowest >= 28


@pytest.mark.parametrize("page_name", PAGES)
def test_every_table_reads_on_a_phone_without_sideways_scrolling(portal: str, browser, page_name: str) -> None:
    page = open_page(browser, portal + PAGES[page_name], VIEWPORTS["phone"], [])
    tables = page.locator("article table").evaluate_all(
        """tables => tables.map(table => ({
            name: table.className,
            overflow: table.scrollWidth - table.parentElement.clientWidth,
            // Cells narrower than three characters of their own text size (a phone's hidden
            // header row aside: its labels are shown in each card).
            squeezed: Array.from(table.querySelectorAll('td, th'))
                .filter(cell => getComputedStyle(cell.closest('thead') || cell).position !== 'absolute')
                .filter(cell => cell.textContent.trim().length > 2)
                .filter(cell => { const style = getComputedStyle(cell);
                                  const inner = cell.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
                                  return inner < 3 * parseFloat(style.fontSize); })
                .map(cell => cell.textContent.trim()),
        }))"""
    )
    assert tables, page_name
    for table in tables:
        assert table["overflow"] <= 0, table
        assert table["squeezed"] == [], table
    page.close()


def test_project_page_explains_how_to_read_it(portal: str, browser) -> None:
    page = open_page(browser, portal + PAGES["project"], VIEWPORTS["phone"], [])
    page.locator("details.bp-howto summary").click()
    text = page.locator("details.bp-howto").inner_text()
    for term in ("万元", "一级指标", "二级指标", "三级指标", "资金支出计划"):
        assert term in text


def test_printed_project_page_fits_a4_with_the_whole_table_and_chart(portal: str, browser) -> None:
    a4_width_px = 794  # 210 mm at 96 dpi
    page = open_page(browser, portal + PAGES["project"], {"width": a4_width_px, "height": 1123}, [])
    page.emulate_media(media="print")
    for hidden in (".md-header", ".md-sidebar--primary", ".md-search", ".md-footer"):
        assert page.locator(hidden).first.evaluate("el => getComputedStyle(el).display") == "none", hidden
    table = page.locator("table.bp-indicators")
    content_width = page.locator(".md-content").evaluate("el => el.clientWidth")
    assert table.evaluate("el => el.scrollWidth") <= content_width
    assert page.locator("table.bp-indicators tbody tr").count() == 6
    assert page.locator("figure.bp-plan-chart .bp-columns__bar").last.is_visible()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    pdf = page.pdf(format="A4", print_background=True, path=str(SCREENSHOTS / "project-print.pdf"))
    assert pdf.startswith(b"%PDF")


def test_offline_build_works_from_the_file_system(tmp_path: Path, browser, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OFFLINE", "true")
    site = build_site(copy_project(tmp_path / "project"))
    requests: list[str] = []
    page = browser.new_page(viewport=VIEWPORTS["phone"])
    page.on("request", lambda request: requests.append(request.url))
    page.goto((site / "index.html").as_uri())
    page.locator("article a", has_text="中国共产党乐亭县委员会组织部本级").first.click()
    page.locator("table.bp-projects a", has_text="村干部基础职务补贴").click()
    page.wait_for_load_state("load")
    assert page.url.endswith("/2024/203001/13022524P00442P10057D.html")
    assert page.locator("h1").inner_text() == "村干部基础职务补贴"
    assert page.locator("figure.bp-plan-chart .bp-columns__bar").last.is_visible()
    # Search runs from file:// too: the index files are scripts, which load where fetch() is refused.
    search(page, "干部培训费")
    results = page.locator(".md-search-result").inner_text()
    assert "干部培训费" in "".join(char for char in results if unicodedata.category(char) != "Cf")
    assert {urlparse(url).scheme for url in requests} <= {"file", "data", "blob"}
