"""A citizen checks who runs the site: the government-site marks at the foot of every page, the dates, the about page.

Real headless Chromium on one build of the seed whose mkdocs.yml sets every `publisher`
key (generator/site/publisher.py) to a plausible but fake value, as in test_browser_citizen.py,
whose fixtures and helpers these tests share.
"""

from __future__ import annotations

import struct
import zlib
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlparse

import pytest
from browser import requires_chromium, serve
from conftest import build_site, copy_project
from test_browser_citizen import SCREENSHOTS, VIEWPORTS, browser, open_page, serious_violations

# The citizen tests' browser, imported so that pytest finds it here too.
__all__ = ["browser"]
pytestmark = requires_chromium

PAGES = {
    "home": "",
    "department": "2024/203001/",
    "project": "2024/203001/13022524P00442P10057D/",
    "about": "about/",
}
ICP_URL = "https://beian.miit.gov.cn/"
MARK_URL = "https://bszs.conac.cn/sitename?method=show&id=0"
PUBLISHER = f"""      publisher:
        sponsor: 某某县财政局
        operator: 某某县财政局预算股
        phone: 0315-0000000
        email: ys@example.gov.cn
        address: 某某县某某路 1 号
        site_code: '1302250000'
        icp: 冀ICP备00000000号
        icp_url: {ICP_URL}
        police: 冀公网安备00000000000000号
        mark: images/dzjg.png
        mark_url: '{MARK_URL}'
"""
#: Every text the footer shows of the setting above, one per span.
FOOTER_TEXTS = [
    "主办单位：某某县财政局",
    "承办单位：某某县财政局预算股",
    "联系电话：0315-0000000",
    "电子邮箱：ys@example.gov.cn",
    "联系地址：某某县某某路 1 号",
    "网站标识码：1302250000",
    "冀ICP备00000000号",
    "冀公网安备00000000000000号",
]
MARK = "img[alt='党政机关网站标识']"
TOGGLE = "button.bp-reading-toggle"
SIDEWAYS = "document.documentElement.scrollWidth - window.innerWidth"
#: Each item of the footer that does not end inside the screen: [text, left, right].
CUT_ITEMS = """width => Array.from(document.querySelectorAll('.bp-footer span, .bp-footer__mark img'))
    .map(el => { const box = el.getBoundingClientRect();
                 return [el.textContent.trim() || el.alt, box.left, box.right]; })
    .filter(([, left, right]) => left < 0 || right > width)"""


def mark_png(width: int = 110, height: int = 55) -> bytes:
    """A plain red image in the proportions of the 党政机关网站标识, made here rather than committed."""
    rows = b"".join(b"\x00" + b"\xcc\x10\x10" * width for _ in range(height))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b"")


@pytest.fixture(scope="module")
def county(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The seed built with every publisher setting, served from 127.0.0.1; yields its base URL."""
    project = copy_project(tmp_path_factory.mktemp("county"))
    (project / "docs/images").mkdir(parents=True)
    (project / "docs/images/dzjg.png").write_bytes(mark_png())
    config = project / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    assert text.count("  - budget:\n") == 1
    config.write_text(text.replace("  - budget:\n", "  - budget:\n" + PUBLISHER), encoding="utf-8")
    with serve(build_site(project)) as base:
        yield base


@pytest.mark.parametrize("viewport_name", VIEWPORTS)
@pytest.mark.parametrize("page_name", PAGES)
def test_footer_carries_every_mark_on_every_kind_of_page_and_fits_a_phone(
    county: str, browser, page_name: str, viewport_name: str
) -> None:
    requests: list[str] = []
    viewport = VIEWPORTS[viewport_name]
    page = open_page(browser, county + PAGES[page_name], viewport, requests)
    footer = page.locator(".bp-footer")
    spans = footer.locator(".bp-footer__line span")
    assert spans.all_inner_texts() == FOOTER_TEXTS
    assert [span.is_visible() for span in spans.all()] == [True] * len(FOOTER_TEXTS)

    icp = footer.get_by_role("link", name="冀ICP备00000000号")
    assert icp.get_attribute("href") == ICP_URL
    # The link reads as clearly as the text beside it, not in Material's dimmer link shade.
    assert icp.evaluate("a => getComputedStyle(a).color") == footer.evaluate("el => getComputedStyle(el).color")
    assert footer.locator("a", has_text="冀公网安备").count() == 0  # no police_url given: the number is plain text

    mark = footer.locator(f".bp-footer__mark {MARK}")
    assert mark.is_visible()
    loaded = mark.evaluate("img => ({width: img.naturalWidth, src: img.currentSrc})")
    assert loaded["width"] > 0
    assert urlparse(loaded["src"]).netloc == urlparse(county).netloc and loaded["src"].endswith("/images/dzjg.png")
    assert footer.locator(f"a:has({MARK})").get_attribute("href") == MARK_URL

    foreign = {urlparse(url).netloc for url in requests} - {urlparse(county).netloc}
    assert foreign == set(), f"requests to other hosts: {foreign}"
    assert page.evaluate(SIDEWAYS) <= 0
    assert page.evaluate(CUT_ITEMS, viewport["width"]) == []
    page.close()


def test_department_and_project_pages_show_their_publication_date_and_cite_it(county: str, browser) -> None:
    page = open_page(browser, county + PAGES["department"], VIEWPORTS["phone"], [])
    for page_name in ("department", "project"):
        if page_name != "department":
            page.goto(county + PAGES[page_name])
        published = page.locator("dl.bp-facts > div", has=page.locator("dt", has_text="发布日期")).locator("dd time")
        assert published.inner_text() == "2026年11月24日", page_name
        assert published.get_attribute("datetime") == "2026-11-24", page_name  # machine-readable
        assert "2026年11月24日发布，" in page.locator("blockquote.bp-citation").inner_text(), page_name
    page.close()


def test_home_page_citation_says_how_recent_the_data_is(county: str, browser) -> None:
    page = open_page(browser, county + PAGES["home"], VIEWPORTS["phone"], [])
    assert "数据更新至" in page.locator("blockquote.bp-citation").inner_text()
    page.close()


def test_about_page_names_the_publisher_the_legal_basis_and_whom_to_contact(county: str, browser) -> None:
    page = open_page(browser, county + PAGES["about"], VIEWPORTS["desktop"], [])
    article = " ".join(page.locator("article").inner_text().split())
    for expected in (
        "主办单位 某某县财政局",
        "承办单位 某某县财政局预算股",
        "《中华人民共和国预算法》",
        "财预〔2016〕143号",
        "请联系某某县财政局预算股：",
        "联系电话：0315-0000000",
        "电子邮箱：ys@example.gov.cn",
        "联系地址：某某县某某路 1 号",
    ):
        assert expected in article, expected
    page.close()


# Each page at one width, so that the footer's screenshots show both widths in both schemes.
@pytest.mark.parametrize("color_scheme", ["light", "dark"])
@pytest.mark.parametrize(("page_name", "viewport_name"), [("department", "phone"), ("about", "desktop")])
def test_pages_with_the_footer_pass_axe_with_large_text_on_and_off_in_both_schemes(
    county: str, browser, page_name: str, viewport_name: str, color_scheme: str
) -> None:
    viewport = VIEWPORTS[viewport_name]
    page = open_page(browser, county + PAGES[page_name], viewport, [], color_scheme=color_scheme)
    assert page.locator(".bp-footer__line").count() == 3
    assert serious_violations(page) == []

    page.locator(TOGGLE).click()
    assert page.evaluate("document.documentElement.getAttribute('data-bp-reading')") == "large"
    assert serious_violations(page) == []
    assert page.evaluate(SIDEWAYS) <= 0
    assert page.evaluate(CUT_ITEMS, viewport["width"]) == []
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.locator(".md-footer").screenshot(
        path=str(SCREENSHOTS / f"footer-{viewport['width']}-{color_scheme}-large.png")
    )
    page.close()


@pytest.mark.parametrize("page_name", PAGES)
def test_without_a_publisher_setting_the_footer_has_no_empty_lines(seed_site: Path, page_name: str) -> None:
    html = (seed_site / PAGES[page_name] / "index.html").read_text(encoding="utf-8")
    start = html.index('<div class="md-copyright bp-footer">')
    footer = html[start : html.index("</footer>", start)]
    assert "bp-footer__line" not in footer and "bp-footer__mark" not in footer and "<img" not in footer
    assert "本站公开的绩效目标由各预算部门编制" in footer
