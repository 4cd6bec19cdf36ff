"""A citizen reads every table whole and every word at 14 px or more, at any width, with large text or without.

Real headless Chromium on the two-year site served under a sub-path, as in
test_browser_citizen.py, whose fixtures and helpers these tests share.
"""

from __future__ import annotations

import pytest
from browser import requires_chromium
from test_browser_citizen import PAGES, SCREENSHOTS, browser, portal, serious_violations

# The citizen tests' fixtures, imported so that pytest finds them here too.
__all__ = ["browser", "portal"]
pytestmark = requires_chromium

WIDTHS = (375, 768, 1024, 1280, 1440)
MODES = ("normal", "large")
#: Each table's box that would have to be scrolled sideways to see its last column, and by how much.
CUT_TABLES = """() => Array.from(document.querySelectorAll('article .bp-scroll'))
    .filter(box => box.scrollWidth > box.clientWidth)
    .map(box => [box.getAttribute('aria-label'), box.scrollWidth - box.clientWidth])"""
#: Every visible element of the article with words of its own, and the size they are drawn at.
TEXT_SIZES = """() => Array.from(document.querySelectorAll('article *'))
    .filter(el => el.getClientRects().length
                  && Array.from(el.childNodes).some(node => node.nodeType === 3 && node.data.trim()))
    .map(el => [el.className || el.tagName, el.textContent.trim().slice(0, 20), parseFloat(getComputedStyle(el).fontSize)])"""


def open_in(browser, url: str, width: int, reading: str, page=None):
    """A page at a width, in the normal or the large-text mode, with the quality findings open."""
    if page is None:
        page = browser.new_page(viewport={"width": width, "height": 900})
        if reading == "large":
            page.add_init_script("localStorage.setItem('bp-reading', 'large')")
    response = page.goto(url, wait_until="load")
    assert response is not None and response.ok, url
    for summary in page.locator("details.bp-quality > summary").all():
        summary.click()
    return page


@pytest.mark.parametrize("reading", MODES)
@pytest.mark.parametrize("width", WIDTHS)
def test_no_table_needs_sideways_scrolling(portal: str, browser, width: int, reading: str) -> None:
    cut, page = {}, None
    for name, path in PAGES.items():
        page = open_in(browser, portal + path, width, reading, page)
        tables = page.evaluate(CUT_TABLES)
        sideways = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
        if tables or sideways > 0:
            cut[name] = (tables, sideways)
    page.close()
    assert cut == {}


@pytest.mark.parametrize("reading", MODES)
@pytest.mark.parametrize("width", [1024, 1280, 1440])
def test_the_indicator_table_uses_the_width_beside_the_navigation(
    portal: str, browser, width: int, reading: str
) -> None:
    page = open_in(browser, portal + PAGES["project"], width, reading)
    table = page.locator("table.bp-indicators").bounding_box()
    assert table is not None and table["width"] >= 850, table
    page.close()


@pytest.mark.parametrize("reading", MODES)
@pytest.mark.parametrize("width", [375, 1024, 1280])
@pytest.mark.parametrize("page_name", ["project", "department", "quality", "department-quality"])
def test_every_word_a_citizen_reads_is_at_least_14_px_and_the_page_passes_axe(
    portal: str, browser, page_name: str, width: int, reading: str
) -> None:
    page = open_in(browser, portal + PAGES[page_name], width, reading)
    sizes = page.evaluate(TEXT_SIZES)
    assert sizes
    assert [size for size in sizes if size[2] < 14] == []
    if page_name in ("project", "quality"):
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / f"{page_name}-{width}-{reading}.png"), full_page=True)
        assert serious_violations(page) == []
    page.close()


@pytest.mark.parametrize("reading", MODES)
def test_a_chart_amount_on_a_phone_stays_on_one_line_inside_its_column(portal: str, browser, reading: str) -> None:
    page = open_in(browser, portal + PAGES["project"], 375, reading)
    amounts = page.locator(".bp-plan-chart .bp-columns__amount").evaluate_all(
        """spans => spans.map(span => { const box = span.getBoundingClientRect(), column = span.closest('li').getBoundingClientRect();
            return {text: span.textContent, lines: Math.round(box.height / parseFloat(getComputedStyle(span).lineHeight)),
                    inside: box.left >= column.left && box.right <= column.right}; })"""
    )
    assert [amount["text"] for amount in amounts] == ["1,020.00", "2,040.00", "3,060.00", "5,100.00"]
    assert [amount for amount in amounts if amount["lines"] != 1 or not amount["inside"]] == []
    assert (
        page.locator(".bp-plan-chart figcaption").inner_text()
        == "资金支出计划：截至各季度末的累计支出比例和金额（万元）"
    )
    page.close()
