"""Targets beside results (绩效自评) as a citizen reads them: every new page at 375 and 1280 px, normal and large text.

Real headless Chromium on the seed with its 自评表 imported (one project's left unpublished),
served as in test_browser_citizen.py, whose helpers these tests share.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator

import pytest
from browser import requires_chromium, serve
from conftest import CONTENT, build_site, copy_project
from test_browser_citizen import SCREENSHOTS, browser, serious_violations
from test_browser_page_width import CUT_TABLES, MODES, TEXT_SIZES, open_in
from test_results import RESULTS, TALENT, run

__all__ = ["browser"]
pytestmark = requires_chromium

PAGES = {
    "result-project": f"2024/203001/{TALENT}/",
    "result-department": "2024/203001/",
    "result-year": "2024/",
    "result-home": "",
}


@pytest.fixture(scope="module")
def results_portal(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    content = tmp_path_factory.mktemp("results-www") / "content"
    shutil.copytree(CONTENT, content)
    assert run("import", str(RESULTS), "--out", str(content)).returncode == 0
    (content / "2024/203001/results/13022524P00442P10051P.yaml").unlink()
    site = build_site(copy_project(tmp_path_factory.mktemp("results-project"), content))
    with serve(site) as base:
        yield base


@pytest.mark.parametrize("reading", MODES)
@pytest.mark.parametrize("width", [375, 1280])
@pytest.mark.parametrize("page_name", PAGES)
def test_every_results_page_reads_whole_at_14_px_and_passes_axe(
    results_portal: str, browser, page_name: str, width: int, reading: str
) -> None:
    page = open_in(browser, results_portal + PAGES[page_name], width, reading)
    assert page.evaluate(CUT_TABLES) == []
    assert page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth") <= 0
    assert [size for size in page.evaluate(TEXT_SIZES) if size[2] < 14] == []
    assert serious_violations(page) == []
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{page_name}-{width}-{reading}.png"), full_page=True)
    page.close()


@pytest.mark.parametrize("reading", MODES)
def test_a_missed_target_is_marked_by_more_than_colour_on_a_phone(results_portal: str, browser, reading: str) -> None:
    page = open_in(browser, results_portal + PAGES["result-project"], 375, reading)
    row = page.locator(f"[id='{TALENT}-quantity-1-result']")
    assert "✗ 未达成" in row.inner_text()
    assert row.evaluate("tr => getComputedStyle(tr).borderLeftWidth") != "0px"
    page.close()
