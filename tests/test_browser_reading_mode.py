"""An older reader on a phone turns on large text and high contrast (适老化) from the header.

Real headless Chromium on the two-year site served under a sub-path, as in
test_browser_citizen.py, whose fixtures and helpers these tests share.
"""

from __future__ import annotations

import pytest
from browser import requires_chromium, search
from test_browser_citizen import PAGES, VIEWPORTS, browser, open_page, portal, serious_violations

# The citizen tests' fixtures, imported so that pytest finds them here too.
__all__ = ["browser", "portal"]
pytestmark = requires_chromium

TOGGLE = "button.bp-reading-toggle"
KEY = "bp-reading"
#: The computed size and line height of every paragraph, table cell and list item of the article.
TEXT_METRICS = """() => Array.from(document.querySelectorAll('article p, article td, article li'))
    .filter(el => el.getClientRects().length)
    .map(el => { const style = getComputedStyle(el);
                 return {text: el.textContent.trim().slice(0, 20), size: parseFloat(style.fontSize),
                         lineHeight: parseFloat(style.lineHeight) / parseFloat(style.fontSize)}; })"""
PARAGRAPH_SIZE = "parseFloat(getComputedStyle(document.querySelector('article p')).fontSize)"
SIDEWAYS = "document.documentElement.scrollWidth - document.documentElement.clientWidth"


def mode(page) -> dict:
    """What the page shows and keeps of the reading mode."""
    return page.evaluate(
        """key => ({attribute: document.documentElement.getAttribute('data-bp-reading'),
                    pressed: document.querySelector('button.bp-reading-toggle').getAttribute('aria-pressed'),
                    saved: localStorage.getItem(key)})""",
        KEY,
    )


ON = {"attribute": "large", "pressed": "true", "saved": "large"}
OFF = {"attribute": None, "pressed": "false", "saved": None}


def test_the_button_is_reached_with_tab_named_in_chinese_and_pressed_with_enter_or_space(portal: str, browser) -> None:
    page = open_page(browser, portal + PAGES["department"], VIEWPORTS["desktop"], [])
    for _ in range(40):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.matches('button.bp-reading-toggle')"):
            break
    else:
        pytest.fail("Tab never reaches the reading-mode button")
    button = page.locator(TOGGLE)
    assert button.get_attribute("type") == "button"
    assert button.get_attribute("aria-label") == button.get_attribute("title") == "大字模式"
    assert button.locator("svg").count() == 1
    assert mode(page) == OFF

    page.keyboard.press("Enter")
    assert mode(page) == ON
    # Focus is a solid ring, not Material's faint one.
    outline = button.evaluate(
        "el => [getComputedStyle(el).outlineStyle, parseFloat(getComputedStyle(el).outlineWidth)]"
    )
    assert outline[0] == "solid" and outline[1] >= 3, outline

    page.keyboard.press("Space")
    assert mode(page) == OFF
    page.close()


@pytest.mark.parametrize("viewport_name", VIEWPORTS)
def test_large_text_is_a_third_larger_with_roomy_lines_and_turns_back_off(
    portal: str, browser, viewport_name: str
) -> None:
    viewport = VIEWPORTS[viewport_name]
    page = open_page(browser, portal + PAGES["project"], viewport, [])
    normal = page.evaluate(TEXT_METRICS)
    normal_size = page.evaluate(PARAGRAPH_SIZE)

    page.locator(TOGGLE).click()
    assert mode(page) == ON
    assert page.evaluate(PARAGRAPH_SIZE) / normal_size >= 1.3
    large = page.evaluate(TEXT_METRICS)
    assert large, "no text measured"
    assert [item for item in large if item["lineHeight"] < 1.5] == []
    # The button stays on the screen, beside the others, and the header does not grow wider than it.
    box = page.locator(TOGGLE).bounding_box()
    assert box is not None and 0 <= box["x"] and box["x"] + box["width"] <= viewport["width"]
    assert page.locator(".md-header__inner").evaluate("el => el.scrollWidth - el.clientWidth") <= 0
    assert page.locator(".md-header__title").evaluate("el => el.clientWidth") >= 100  # a few characters of the title

    page.locator(TOGGLE).click()
    assert mode(page) == OFF
    assert page.evaluate(TEXT_METRICS) == normal
    page.close()


def test_large_text_stays_on_on_the_next_page_and_after_a_reload_from_the_first_paint(portal: str, browser) -> None:
    page = open_page(browser, portal + PAGES["department"], VIEWPORTS["phone"], [])
    page.locator(TOGGLE).click()
    page.locator("table.bp-projects a", has_text="村干部基础职务补贴").click()
    page.wait_for_load_state("load")
    assert page.url.endswith(PAGES["project"])
    assert mode(page) == ON

    # Without the button's script the head's own script still applies the saved mode before the body is drawn.
    page.route("**/reading.js", lambda route: route.abort())
    page.reload()
    assert page.evaluate("document.documentElement.getAttribute('data-bp-reading')") == "large"
    page.close()


def test_the_button_still_works_where_the_browser_refuses_storage(portal: str, browser) -> None:
    page = browser.new_page(viewport=VIEWPORTS["phone"])
    # (Material's own scripts then throw too; the page still reads, and the button still works.)
    page.add_init_script(
        "Object.defineProperty(window, 'localStorage', {get() { throw new DOMException('refused', 'SecurityError'); }})"
    )
    page.goto(portal + PAGES["project"])
    page.locator(TOGGLE).click()
    assert page.evaluate("document.documentElement.getAttribute('data-bp-reading')") == "large"
    assert page.locator(TOGGLE).get_attribute("aria-pressed") == "true"
    page.locator(TOGGLE).click()
    assert page.locator(TOGGLE).get_attribute("aria-pressed") == "false"
    page.close()


@pytest.mark.parametrize("page_name", ["department", "project"])
def test_large_text_on_a_phone_never_scrolls_the_page_sideways(portal: str, browser, page_name: str) -> None:
    page = open_page(browser, portal + PAGES[page_name], VIEWPORTS["phone"], [])
    page.locator(TOGGLE).click()
    assert page.evaluate(SIDEWAYS) <= 0
    # Every table and chart ends inside the screen; a wide table scrolls inside its own box.
    rights = page.locator("article .bp-scroll, article figure.bp-chart").evaluate_all(
        "boxes => boxes.map(box => box.getBoundingClientRect().right)"
    )
    assert rights and max(rights) <= VIEWPORTS["phone"]["width"]
    page.close()


@pytest.mark.parametrize("color_scheme", ["light", "dark"])
def test_axe_passes_with_large_text_on_and_off_and_text_reaches_aaa_contrast(
    portal: str, browser, color_scheme: str
) -> None:
    from axe_playwright_python.sync_playwright import Axe

    page = open_page(browser, portal + PAGES["project"], VIEWPORTS["phone"], [], color_scheme=color_scheme)
    assert page.evaluate("document.body.dataset.mdColorScheme") == {"light": "default", "dark": "slate"}[color_scheme]
    assert serious_violations(page) == []

    page.locator(TOGGLE).click()
    assert serious_violations(page) == []
    aaa = Axe().run(page, options={"runOnly": {"type": "rule", "values": ["color-contrast-enhanced"]}})
    assert [node["target"] for rule in aaa.response["violations"] for node in rule["nodes"]] == []
    underlined = page.locator("article a:not(.headerlink)").evaluate_all(
        "links => links.map(a => getComputedStyle(a).textDecorationLine)"
    )
    assert underlined and set(underlined) == {"underline"}
    page.close()


def test_search_still_finds_pages_with_large_text_on_a_phone(portal: str, browser) -> None:
    page = open_page(browser, portal + PAGES["department"], VIEWPORTS["phone"], [])
    page.locator(TOGGLE).click()
    search(page, "干部")
    page.wait_for_selector("body[data-md-scrolllock]", state="attached")  # Material's search fills the screen
    assert page.locator(".md-search-result__item").count() == 10
    assert page.evaluate(SIDEWAYS) <= 0
    page.close()
