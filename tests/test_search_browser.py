"""A citizen types Chinese into the search box of the built site, in headless Chromium.

The projects each query must find are computed from the seed document (every
project whose text contains the query), never from the site.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from browser import chromium, requires_chromium, serve
from conftest import ROOT, SEED
from seed_cells import project_blocks, squash

from generator.validate import load_catalog

pytestmark = requires_chromium

PROJECTS = load_catalog(ROOT / "content").departments[0].projects
#: Invisible characters the index puts between and after words.
INVISIBLE = re.compile("[\u200b\u2060]")


@dataclass(frozen=True)
class Case:
    query: str
    words: tuple[str, ...] = ()  # a query of several words typed together: each must be in the text

    @property
    def all_words(self) -> tuple[str, ...]:
        return self.words or (self.query,)


CASES = [
    # Part of a longer word (jieba keeps 村干部, 示范村, 示范点, 人事档案 whole).
    Case("干部"),
    Case("示范"),
    Case("档案"),
    Case("服务中心"),
    Case("职务补贴"),
    Case("绩效补贴"),
    Case("党员干部"),
    Case("示范村"),
    # Cut where no word starts: jieba reads 组织史征编 as 组织|史征|编, 周转速率 as 周转|速率.
    Case("征编"),
    Case("史征编"),
    Case("周转"),
    Case("满意度"),
    # Whole names.
    Case("村干部基础职务补贴"),
    Case("干部培训费"),
    # Several words typed together.
    Case("困难党员慰问", ("困难党员", "慰问")),
    Case("远程教育站点", ("远程教育", "站点")),
    Case("档案数字化", ("档案", "数字化")),
    # Project codes, whole or only their tail.
    Case("13022524P00442P10057D"),
    Case("P10057D"),
    Case("10063T"),
    Case("P00442P10052B"),
]


def seed_texts() -> dict[str, str]:
    """Each project's code -> its whole table as the document has it (title and every cell)."""
    blocks = project_blocks(SEED)
    assert [title for title, _ in blocks] == [p.name for p in PROJECTS]
    return {p.code: squash(title + "".join(cells)) + p.code for p, (title, cells) in zip(PROJECTS, blocks)}


TEXTS = seed_texts()
NAMES = {p.code: p.name for p in PROJECTS}


def expected(case: Case) -> set[str]:
    return {code for code, text in TEXTS.items() if all(word in text for word in case.all_words)}


def named(case: Case) -> set[str]:
    return {code for code in expected(case) if all(word in NAMES[code] + code for word in case.all_words)}


@dataclass(frozen=True)
class Result:
    url: str  # the page, relative to the site root
    title: str  # as shown
    title_html: str
    text: str  # the snippets shown under it
    html: str

    @property
    def project(self) -> str | None:
        match = re.fullmatch(r"2024/203001/([0-9A-Z]+)/", self.url)
        return match.group(1) if match else None


class SearchBox:
    """The site's search box, typed into like a citizen does."""

    def __init__(self, page, base: str) -> None:
        self.page = page
        self.base = base
        self.box = page.locator("input.md-search__input")
        self.box.click()

    def _wait_until_settled(self) -> None:
        """The result list and its count no longer change (the worker answered the last query)."""
        previous = None
        for _ in range(100):
            state = (self._meta(), self.page.locator("li.md-search-result__item").count())
            if state == previous:
                return
            previous = state
            self.page.wait_for_timeout(100)

    def _meta(self) -> str:
        return self.page.locator(".md-search-result__meta").text_content() or ""

    def search(self, query: str) -> list[Result]:
        self.box.fill("")
        self.box.press("End")  # Material reads the box on keyup
        self.page.wait_for_function(
            "() => document.querySelector('.md-search-result__meta').textContent.includes('键入')"
        )
        # An input method commits a Chinese word at once: one value, one keyup, one search.
        # (Typing letter by letter would let the count of an earlier, shorter query be read.)
        self.box.fill(query)
        self.box.press("End")
        self.page.wait_for_function(
            "() => !document.querySelector('.md-search-result__meta').textContent.includes('键入')"
        )
        self._wait_until_settled()
        count = int(re.search(r"\d+", self._meta()).group(0)) if re.search(r"\d+", self._meta()) else 0
        items = self.page.locator("li.md-search-result__item")
        # Material shows 10 results, then 4 more each time the list is scrolled to its end.
        for _ in range(50):
            if items.count() >= count:
                break
            self.page.evaluate("document.querySelector('.md-search__scrollwrap').scrollTop = 0")
            self.page.wait_for_timeout(30)
            self.page.evaluate("document.querySelector('.md-search__scrollwrap').scrollTop = 1e9")
            self.page.wait_for_timeout(30)
        assert items.count() == count, f"{query}: {items.count()} shown of {count}"
        return [self._result(items.nth(i)) for i in range(count)]

    def _result(self, item) -> Result:
        href = item.locator("a.md-search-result__link").first.get_attribute("href")
        title = item.locator("h1").first
        articles = item.locator("article")
        snippets = " ".join(articles.all_inner_texts())
        return Result(
            url=href.split("?")[0].removeprefix(self.base),
            title=INVISIBLE.sub("", title.inner_text()),
            title_html=title.inner_html(),
            text=INVISIBLE.sub("", snippets),
            html=item.inner_html(),
        )


@pytest.fixture(scope="module")
def search_box(seed_site: Path) -> Iterator[SearchBox]:
    with serve(seed_site) as base, chromium() as browser:
        page = browser.new_page()
        requests: list[str] = []
        page.on("request", lambda request: requests.append(request.url))
        page.goto(base)
        yield SearchBox(page, base)
        elsewhere = [url for url in requests if not url.startswith(base)]
        assert not elsewhere, f"requests to another host: {elsewhere}"


@pytest.fixture(scope="module")
def answers(search_box: SearchBox) -> dict[str, list[Result]]:
    return {case.query: search_box.search(case.query) for case in CASES}


def test_the_cases_cover_at_least_15_queries_each_found_in_the_seed() -> None:
    assert len(CASES) >= 15
    for case in CASES:
        assert expected(case), f"{case.query} is in no project of the seed"
    # A word of the query inside a longer jieba word: the case the index used to miss.
    assert len(expected(Case("干部"))) > len(named(Case("干部"))) >= 3


@pytest.mark.parametrize("case", CASES, ids=[case.query for case in CASES])
def test_search_finds_every_project_that_contains_the_query(case: Case, answers: dict[str, list[Result]]) -> None:
    found = {result.project for result in answers[case.query]}
    missing = {f"{code} {NAMES[code]}" for code in expected(case) - found}
    assert not missing, f"{case.query} does not find {missing}"


@pytest.mark.parametrize("case", CASES, ids=[case.query for case in CASES])
def test_projects_named_by_the_query_come_first(case: Case, answers: dict[str, list[Result]]) -> None:
    results = answers[case.query]
    first = {result.project for result in results[: len(named(case))]}
    assert first == named(case), [result.title for result in results]


@pytest.mark.parametrize(
    "case", [case for case in CASES if len(case.query) == 2 or case.query.isascii()], ids=lambda case: case.query
)
def test_a_short_query_or_a_code_finds_only_pages_that_contain_it(case: Case, answers: dict[str, list[Result]]) -> None:
    found = {result.project for result in answers[case.query]} - {None}
    assert found == expected(case)


def test_result_titles_show_the_real_name_with_the_match_highlighted(answers: dict[str, list[Result]]) -> None:
    results = {result.project: result for result in answers["干部"] if result.project}
    for code in named(Case("干部")):
        assert results[code].title == NAMES[code]
        assert "<mark>干部</mark>" in results[code].title_html


def test_snippets_show_the_page_text_with_the_match_highlighted(search_box: SearchBox) -> None:
    # 示范 is in no project's name: the result shows the cell of the indicator table that has it.
    result = next(r for r in search_box.search("示范") if r.project == "13022524P00442P10059L")
    assert "党建示范带" in result.text
    assert "<mark>示范</mark>" in result.html


def test_results_show_no_index_tokens(answers: dict[str, list[Result]]) -> None:
    for results in answers.values():
        for result in results:
            assert "~" not in result.text, result


def test_charts_breadcrumbs_and_the_reading_guide_are_not_searched(search_box: SearchBox) -> None:
    # Words that appear on project pages only in a chart, the breadcrumb or the "如何阅读本页" guide.
    for query in ("折算", "季度末", "首页", "四成", "一级指标"):
        projects = {result.project for result in search_box.search(query)} - {None}
        assert not projects, f"{query} finds {projects}"
