"""A province's search in the browser: a county's search widened to every county, and the province's own search box."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from browser import Served, chromium, requires_chromium, search, serve, served_since
from province import NEIGHBOUR_NAME, NEIGHBOUR_REGION, QUOTED_CODE, SEED_NAME, SEED_REGION, make_province
from two_years import ADDED_NAME

from generator.publish.province import build_province

pytestmark = requires_chromium


@pytest.fixture(scope="module")
def province_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = make_province(tmp_path_factory.mktemp("province-search"))
    build_province(folder, workers=1, log=lambda line: None)
    return folder / "site"


@pytest.fixture(scope="module")
def served(province_site: Path) -> Iterator[tuple[str, list[Served]]]:
    files: list[Served] = []
    with serve(province_site, files) as base:
        yield base, files


@pytest.fixture(scope="module")
def browser():
    with chromium() as running:
        yield running


@pytest.fixture
def page(served, browser):
    base, _ = served
    opened = browser.new_page(viewport={"width": 375, "height": 800})
    requests: list[str] = []
    opened.on("request", lambda request: requests.append(request.url))
    yield opened
    opened.close()
    assert not [url for url in requests if not url.startswith(base)], "a request to another host"


def results(page) -> list[tuple[str, str]]:
    """Each result's "where" line and its link."""
    items = page.locator(".md-search-result__item")
    return [
        (items.nth(i).locator(".bp-search-result__where").inner_text(), items.nth(i).locator("a").get_attribute("href"))
        for i in range(items.count())
    ]


def wait_ready(page) -> None:
    page.wait_for_function("document.querySelector('.md-search').dataset.bpState === 'ready'")


def test_a_countys_search_stays_in_the_county_until_widened_to_every_county(page, served) -> None:
    base, _ = served
    page.goto(f"{base}{SEED_REGION}/")
    search(page, "村干部")
    alone = results(page)
    assert alone and all(href.startswith(f"{base}{SEED_REGION}/") for _, href in alone)
    assert not any(SEED_NAME in where for where, _ in alone)  # the county's own search names no county

    page.get_by_role("button", name="在全省各县中搜索").click()
    wait_ready(page)
    wide = results(page)
    counties = [where.split(" · ")[0] for where, _ in wide]
    assert set(counties) == {SEED_NAME, NEIGHBOUR_NAME}
    assert counties == sorted(counties, key=lambda name: name != SEED_NAME)  # the county being browsed first
    for where, href in wide:
        region = SEED_REGION if where.startswith(SEED_NAME) else NEIGHBOUR_REGION
        assert href.startswith(f"{base}{region}/"), (where, href)
    assert page.locator(".md-search-result__meta").inner_text() == f"全省各县共找到 {len(wide)} 个结果"

    page.get_by_role("button", name="只搜索本县").click()
    wait_ready(page)
    assert results(page) == alone


def test_the_provinces_own_pages_search_every_county(page, served) -> None:
    base, _ = served
    page.goto(f"{base}?q=村干部")
    wait_ready(page)
    found = results(page)
    assert {where.split(" · ")[0] for where, _ in found} == {SEED_NAME, NEIGHBOUR_NAME}
    assert page.get_by_role("button", name="只搜索本县").count() == 0


def test_a_province_wide_search_opens_only_the_counties_that_hold_its_keys(page, served) -> None:
    base, files = served
    page.goto(base)
    start = len(files)
    search(page, ADDED_NAME)  # a project 滦南县 added in 2025; 乐亭县 has none of its keys
    found = results(page)
    assert found and all(where.startswith(NEIGHBOUR_NAME) for where, _ in found)
    fetched = [file.path for file in served_since(files, start)]
    assert any(path.startswith(f"/{NEIGHBOUR_REGION}/search/") for path in fetched)
    assert not any(path.startswith(f"/{SEED_REGION}/") for path in fetched), fetched


def test_a_project_code_is_looked_up_in_its_county_first_and_in_the_others_on_asking(page, served) -> None:
    base, files = served
    page.goto(base)
    start = len(files)
    search(page, QUOTED_CODE)  # 乐亭县's code, which 滦南县 quotes too: both hold every key of it
    found = results(page)
    assert found and all(where.startswith(SEED_NAME) for where, _ in found)
    fetched = [file.path for file in served_since(files, start)]
    assert not any(path.startswith(f"/{NEIGHBOUR_REGION}/") for path in fetched), fetched
    page.get_by_role("button", name="继续搜索").click()
    page.wait_for_function(f"document.querySelectorAll('.md-search-result__item').length > {len(found)}")
    counties = [where.split(" · ")[0] for where, _ in results(page)]
    assert counties[: len(found)] == [SEED_NAME] * len(found) and NEIGHBOUR_NAME in counties


def test_a_province_wide_search_that_finds_nothing_says_so(page, served) -> None:
    base, _ = served
    page.goto(f"{base}?q=不存在的词语")
    wait_ready(page)
    assert page.locator(".md-search-result__meta").inner_text() == "全省各县都没有找到符合条件的结果"
    assert page.locator(".bp-search-note li").count() >= 3
