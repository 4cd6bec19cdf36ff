"""A citizen searches the built site from the header's box, in headless Chromium.

Which projects a query must find is computed from the seed document (every project
with a cell that contains the query, compared after NFKC and lower case), never from
the site. Queries are typed as an input method commits them: one value, then a key-up.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pytest
from browser import Served, chromium, requires_chromium, search, serve, served_since
from conftest import CONTENT, SEED, build_site, copy_project
from seed_cells import project_blocks

from benchmarks import synthetic
from generator.formats.numbers import format_amount
from generator.schema.validate import load_catalog
from generator.site.search_index import documents
from generator.site.urls import SiteUrls

pytestmark = requires_chromium

PROJECTS = load_catalog(CONTENT).departments[0].projects
NAMES = {p.code: p.name for p in PROJECTS}
AMOUNT = re.compile(r"[\d.]+")


def folded(text: str) -> str:
    return unicodedata.normalize("NFKC", text).lower()


def seed_cells() -> dict[str, list[str]]:
    """Each project's code -> its title, its code and every cell of its table, as the document has them."""
    blocks = project_blocks(SEED)
    assert [title for title, _ in blocks] == [p.name for p in PROJECTS]
    return {p.code: [title, p.code, *cells] for p, (title, cells) in zip(PROJECTS, blocks)}


CELLS = seed_cells()


def shown(cell: str) -> str:
    """A cell as the site shows it: amounts with thousands separators (4916.86 -> 4,916.86)."""
    return format_amount(Decimal(cell)) if AMOUNT.fullmatch(cell) else cell


def in_cell(term: str, cell: str) -> bool:
    """A term is in a cell as shown, or in an amount as typed without thousands separators."""
    return term in folded(shown(cell)) or (AMOUNT.fullmatch(cell) is not None and term.replace(",", "") in cell)


def expected(query: str) -> set[str]:
    """The projects with every term of the query (terms are separated by spaces) in one of their cells."""
    terms = folded(query).split()
    return {code for code, cells in CELLS.items() if all(any(in_cell(t, c) for c in cells) for t in terms)}


CASES = [
    # Part of a longer word: jieba keeps 村干部, 示范点 and 人事档案 whole.
    "干部",
    "示范",
    "档案",
    # Where no word starts or ends: jieba reads 组织史征编 as 组织|史征|编.
    "征编",
    "史征编",
    "周转",
    "满意度",
    "党员干部",
    # Whole names, and a phrase across words.
    "村干部基础职务补贴",
    "干部培训费",
    "开展干部教育",
    # Digits mixed with Chinese, and symbols.
    "2024年底前完成",
    "2024年",
    "10000个",
    "109份",
    "≥300本",
    "≥95%",
    "95%",
    # Amounts as the page shows them and as typed without separators.
    "4,916.86",
    "4916.86",
    "916.8",
    # Project codes, whole or by a tail of five or more characters.
    "13022524P00442P10057D",
    "P10057D",
    "10063T",
    "P00442P10052B",
    # Full-width forms, as a Chinese input method types them.
    "Ｐ１００５７Ｄ",
    "≥９５％",
    "２０２４年",
    # One character.
    "档",
    # Several terms: each must be on the page.
    "困难党员 慰问",
]


@dataclass(frozen=True)
class Result:
    url: str  # the page, relative to the site root, without query or fragment
    query: dict[str, list[str]]
    fragment: str
    title: str
    title_html: str
    where: str  # the line under the title: year and department
    snippet: str  # the text shown under it, '' when the match is in the title only
    snippet_html: str

    @property
    def project(self) -> str | None:
        match = re.fullmatch(r"\d{4}/203001/([0-9A-Z]+)/", self.url)
        return match.group(1) if match else None


class SearchBox:
    """The header's search box of one open page."""

    def __init__(self, page, base: str) -> None:
        self.page = page
        self.base = base

    def search(self, query: str) -> list[Result]:
        search(self.page, query)
        items = self.page.locator("li.md-search-result__item")
        # Ten results are shown, then ten more each time the list is scrolled to its end;
        # the count is "约 N" (about) until every candidate has been confirmed.
        for _ in range(100):
            meta = self.page.locator(".md-search-result__meta").inner_text()
            count = int(re.sub(r"\D", "", meta) or 0)
            if items.count() >= count and not meta.startswith("约"):
                break
            self.page.evaluate("document.querySelector('.md-search__scrollwrap').scrollTop = 1e9")
            self.page.wait_for_timeout(50)
            self.page.evaluate("document.querySelector('.md-search__scrollwrap').scrollTop = 0")
        assert items.count() == count, f"{query}: {items.count()} shown of {meta}"
        return [self._result(items.nth(i)) for i in range(count)]

    def _result(self, item) -> Result:
        href = urlparse(item.locator("a.md-search-result__link").get_attribute("href"))
        snippet = item.locator("article > p:not(.bp-search-result__where)")
        return Result(
            url=href.path.removeprefix(urlparse(self.base).path),
            query=parse_qs(href.query),
            fragment=href.fragment,
            title=item.locator("h1").inner_text(),
            title_html=item.locator("h1").inner_html(),
            where=item.locator(".bp-search-result__where").inner_text(),
            snippet=snippet.inner_text() if snippet.count() else "",
            snippet_html=snippet.inner_html() if snippet.count() else "",
        )


@pytest.fixture(scope="module")
def browser():
    with chromium() as running:
        yield running


@pytest.fixture(scope="module")
def served(seed_site: Path) -> Iterator[tuple[str, list[Served]]]:
    files: list[Served] = []
    with serve(seed_site, files) as base:
        yield base, files


@pytest.fixture(scope="module")
def search_box(served, browser) -> Iterator[SearchBox]:
    base, _ = served
    page = browser.new_page()
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    page.goto(base)
    yield SearchBox(page, base)
    elsewhere = [url for url in requests if not url.startswith(base)]
    assert not elsewhere, f"requests to another host: {elsewhere}"


@pytest.fixture(scope="module")
def answers(search_box: SearchBox) -> dict[str, list[Result]]:
    return {query: search_box.search(query) for query in CASES}


def test_every_case_is_in_the_seed_and_some_only_inside_longer_words() -> None:
    for query in CASES:
        assert expected(query), f"{query} is in no project of the seed"
    # 干部 inside 村干部: the case a word index misses.
    assert any("村干部" in NAMES[code] for code in expected("干部"))


@pytest.mark.parametrize("query", CASES)
def test_a_query_finds_exactly_the_projects_that_contain_it(query: str, answers) -> None:
    found = {result.project for result in answers[query]} - {None}
    assert found == expected(query), {NAMES.get(code, code) for code in found ^ expected(query)}


def tier(code: str, query: str) -> int:
    """0 when the project's name holds every term, 1 when its own fields do (code, amounts, purpose, goal, plan), else 2."""
    project = next(p for p in PROJECTS if p.code == code)
    terms = folded(query).split()
    budget = [format_amount(v) for v in (project.budget.total, project.budget.fiscal, project.budget.other) if v]
    plan = [f"{p.percent.normalize():f}%" for p in project.plan.points() if p.percent is not None]
    own = [project.name, project.code, project.purpose, project.goal, *budget, *plan]
    if all(t in folded(project.name) for t in terms):
        return 0
    amounts = [b.replace(",", "") for b in budget]
    return 1 if all(any(t in folded(f) for f in own + amounts) for t in terms) else 2


@pytest.mark.parametrize("query", CASES)
def test_results_rank_the_title_then_the_projects_own_fields_then_the_rest(query: str, answers) -> None:
    ranked = [(tier(r.project, query), r.project) for r in answers[query] if r.project]
    assert ranked == sorted(ranked), [(t, NAMES[code]) for t, code in ranked]


def test_a_name_match_is_highlighted_in_the_title(answers) -> None:
    for result in answers["干部"]:
        if result.project and "干部" in NAMES[result.project]:
            assert result.title == NAMES[result.project]
            assert "<mark>干部</mark>" in result.title_html


@pytest.mark.parametrize("query", ["示范", "2024年底前完成", "≥95%", "征编", "4916.86"])
def test_a_snippet_is_one_cell_of_the_page_with_the_match_highlighted(query: str, answers) -> None:
    for result in answers[query]:
        if not result.project:
            continue
        label, _, text = result.snippet.partition("：")
        assert any(text.strip("…") in shown(cell) for cell in CELLS[result.project]), (label, text)  # one cell
        marked = re.findall(r"<mark>(.*?)</mark>", result.snippet_html)
        assert marked and all(folded(m).replace(",", "") == folded(query) for m in marked), result.snippet_html


def test_results_say_the_year_and_department_and_show_no_index_internals(answers) -> None:
    for results in answers.values():
        for result in results:
            assert result.where.startswith("2024年 · "), result
            assert result.where.endswith(("中国共产党乐亭县委员会组织部本级", "部门")), result
            for shown in (result.title, result.snippet):
                assert not re.search(r"[|~\u200b\u2060]|\+\d", shown), result


def test_a_result_links_to_the_indicator_row_and_carries_the_query_to_highlight(answers) -> None:
    result = next(r for r in answers["2024年底前完成"] if r.project == "13022524P00442P10051P")
    assert result.query == {"h": ["2024年底前完成"]}
    assert result.fragment.startswith("13022524P00442P10051P-timeliness")
    assert all(r.query["h"] for results in answers.values() for r in results)  # never an empty ?h=


def test_charts_breadcrumbs_and_the_reading_guide_are_not_searched(search_box: SearchBox) -> None:
    # Words that appear on project pages only in a chart, the breadcrumb or the "如何阅读本页" guide.
    for query in ("折算", "季度末", "首页", "四成"):
        projects = {result.project for result in search_box.search(query)} - {None}
        assert not projects, f"{query} finds {projects}"


def test_following_a_result_highlights_the_match_on_the_page(served, browser) -> None:
    base, _ = served
    page = browser.new_page(viewport={"width": 375, "height": 740})
    page.goto(base + "2024/")
    search(page, "2024年底前完成")
    page.locator(".md-search-result__link", has_text="慰问困难党员经费").click()
    page.wait_for_url("**/13022524P00442P10051P/?h=*")
    marks = page.locator("article mark")
    marks.first.wait_for()
    assert set(marks.all_inner_texts()) == {"2024年底前完成"}
    row = page.locator("tr:target")
    assert "2024年底前完成" in row.inner_text()
    assert row.evaluate("el => { const r = el.getBoundingClientRect(); return r.top >= 0 && r.top < innerHeight; }")
    page.close()


def test_a_q_link_opens_the_search_with_its_results(served, browser) -> None:
    base, _ = served
    page = browser.new_page()
    page.goto(base + "2024/?q=" + "职务补贴")
    page.wait_for_function("() => document.querySelector('.md-search').dataset.bpState === 'ready'")
    assert page.locator("input.md-search__input").input_value() == "职务补贴"
    assert page.evaluate("document.getElementById('__search').checked")
    titles = page.locator(".md-search-result__item h1").all_inner_texts()
    assert titles == ["村干部基础职务补贴", "中国共产党乐亭县委员会组织部本级"]  # the department's goals name it too
    page.close()


def test_the_search_works_from_the_keyboard(served, browser) -> None:
    base, _ = served
    page = browser.new_page()
    page.goto(base + "2024/")
    page.keyboard.press("/")
    assert page.evaluate("document.activeElement.classList.contains('md-search__input')")
    page.keyboard.insert_text("干部")
    page.keyboard.press("End")
    page.wait_for_function("() => document.querySelector('.md-search').dataset.bpQuery === '干部'")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    second = page.locator(".md-search-result__link").nth(1)
    assert second.evaluate("el => el === document.activeElement")
    href = second.get_attribute("href")
    page.keyboard.press("Enter")
    page.wait_for_url(href)
    page.keyboard.press("s")
    assert page.evaluate("document.getElementById('__search').checked")
    page.keyboard.press("Escape")
    assert not page.evaluate("document.getElementById('__search').checked")
    page.close()


def test_two_years_of_a_project_are_told_apart_newest_first(tmp_path: Path, browser) -> None:
    project = copy_project(tmp_path / "project")
    earlier = project / "content" / "2023" / "203001"
    earlier.mkdir(parents=True)
    for source in (project / "content" / "2024" / "203001").glob("*.yaml"):
        text = source.read_text(encoding="utf-8").replace("year: 2024  #", "year: 2023  #")
        (earlier / source.name).write_text(text, encoding="utf-8")
    site = build_site(project)
    with serve(site) as base:
        page = browser.new_page()
        page.goto(base)
        results = SearchBox(page, base).search("村干部基础职务补贴")
        assert [(r.url, r.where) for r in results if r.project] == [
            ("2024/203001/13022524P00442P10057D/", "2024年 · 中国共产党乐亭县委员会组织部本级"),
            ("2023/203001/13022524P00442P10057D/", "2023年 · 中国共产党乐亭县委员会组织部本级"),
        ]
        page.close()


def ranked(catalog_dir: Path, query: str) -> list[str]:
    """The addresses a query must list, in order: every page holding each term in one field, by its worst term's best tier, then year (newest first) and code."""
    terms = folded(query).split()
    pages = []
    for document in documents(load_catalog(catalog_dir), SiteUrls()):
        tiers = [
            min((f.tier for f in document.fields if t in folded(f.text) or t in folded(f.alternative)), default=None)
            for t in terms
        ]
        if None not in tiers:
            pages.append((max(tiers), document.order, document.url))
    return [url for *_, url in sorted(pages)]


def test_a_long_result_list_is_ranked_as_a_whole_while_shown_ten_at_a_time(tmp_path: Path, browser) -> None:
    """60 synthetic projects: the client confirms candidates ten at a time, yet the order is the whole list's."""
    content = tmp_path / "content"
    synthetic.write(synthetic.Size.for_projects(60, per_department=12), content)
    site = build_site(copy_project(tmp_path / "project", content))
    with serve(site) as base:
        page = browser.new_page()
        page.goto(base)
        box = SearchBox(page, base)
        for query in ("经费", "培训", "满意度", "年底前完成", "保障 满意度"):
            want = ranked(content, query)
            assert len(want) > 10, query  # more than one page of results
            assert [r.url for r in box.search(query)] == want, query
        page.close()


def test_a_name_is_found_by_its_pinyin_in_full_or_by_initials(search_box: SearchBox) -> None:
    both = ["村干部基础职务补贴", "村干部绩效补贴"]
    assert [r.title for r in search_box.search("cunganbu")] == both
    assert [r.title for r in search_box.search("CGB")] == both
    assert [r.title for r in search_box.search("ganbupeixun")] == ["干部培训费"]
    assert [r.title for r in search_box.search("dyjf")] == ["慰问困难党员经费"]  # initials from the middle
    department = search_box.search("zuzhibu")
    assert [(r.title, r.where) for r in department] == [("中国共产党乐亭县委员会组织部本级", "2024年 · 部门")]


# --- What a search costs a visitor ------------------------------------------------------------------


def test_a_page_view_fetches_nothing_for_search(served, browser) -> None:
    base, files = served
    page = browser.new_page()
    before = len(files)
    page.goto(base + "2024/203001/13022524P00442P10057D/")
    page.wait_for_load_state("networkidle")
    paths = [f.path for f in served_since(files, before)]
    assert paths and not [p for p in paths if "/search/" in p or p.endswith("/search.js")], paths
    page.close()


def test_a_first_search_fetches_its_code_its_keys_chunks_and_the_results_shown(served, browser) -> None:
    base, files = served
    context = browser.new_context()  # nothing cached
    page = context.new_page()
    page.goto(base + "2024/203001/13022524P00442P10057D/")
    page.wait_for_load_state("networkidle")
    before = len(files)
    search(page, "档案")
    first = served_since(files, before)
    kinds = {re.sub(r"\d+\.js$", "N.js", f.path.removeprefix("/")) for f in first}
    assert kinds == {"assets/javascripts/search.js", "search/meta.js", "search/k/N.js", "search/d/N.js"}
    assert sum(f.size for f in first) < 60_000
    shown = page.locator("li.md-search-result__item").count()
    assert len([f for f in first if "/search/d/" in f.path]) == shown
    # The same keys again fetch nothing; a new query fetches only what it has not seen.
    before = len(files)
    search(page, "档案数字化")
    again = served_since(files, before)
    assert not {f.path for f in again} & {f.path for f in first}
    assert not [f for f in again if f.path.endswith(("search.js", "meta.js"))]
    context.close()


def test_a_query_no_page_holds_reads_no_page_to_learn_it(tmp_path: Path, browser) -> None:
    """Its keys that cover it are on many pages, the rest of its keys narrow them to none."""
    content = tmp_path / "content"
    synthetic.write(synthetic.Size.for_projects(60, per_department=12), content)
    assert len(ranked(content, "经费 满意 意度")) > 20 and not ranked(content, "经费满意度")
    site = build_site(copy_project(tmp_path / "project", content))
    files: list[Served] = []
    with serve(site, files) as base:
        context = browser.new_context()
        page = context.new_page()
        page.goto(base)
        page.wait_for_load_state("networkidle")
        before = len(files)
        search(page, "经费满意度")
        assert (
            page.locator(".md-search-result__meta").inner_text() == "没有完全匹配的结果，以下结果同时包含：经费、满意度"
        )
        shown = page.locator("li.md-search-result__item").count()
        read = [f for f in served_since(files, before) if "/search/d/" in f.path]
        assert shown == 10 and len(read) <= shown + 10  # the pieces' results and at most one page more
        context.close()


# --- When no page holds the query as typed ----------------------------------------------------------


def note(page) -> str:
    return page.locator(".bp-search-note").inner_text()


def test_a_query_no_page_holds_finds_the_pages_holding_its_pieces_labelled_as_such(served, browser) -> None:
    base, _ = served
    page = browser.new_page()
    page.goto(base)
    assert not expected("村干部补贴")  # no page has it as typed
    search(page, "村干部补贴")
    assert page.locator(".md-search-result__meta").inner_text() == "没有完全匹配的结果，以下结果同时包含：村干部、补贴"
    items = page.locator("li.md-search-result__item")
    assert items.count() == page.locator("li.bp-search-result--partial").count()
    box = SearchBox(page, base)
    results = [box._result(items.nth(i)) for i in range(items.count())]
    projects = [r.project for r in results if r.project]
    assert set(projects) == expected("村干部 补贴") >= {"13022524P00442P10057D", "13022524P00442P10063T"}
    ranked = [(tier(code, "村干部 补贴"), code) for code in projects]
    assert ranked == sorted(ranked)  # titles first, as for any query
    assert "<mark>村干部</mark>" in results[0].title_html and "<mark>补贴</mark>" in results[0].title_html
    assert results[0].query == {"h": ["村干部 补贴"]}
    page.close()


@pytest.mark.parametrize(
    ("typo", "meant", "project"),
    [("慰问困难党圆", "慰问困难党员", "慰问困难党员经费"), ("基础职物补贴", "基础职务补贴", "村干部基础职务补贴")],
)
def test_a_one_character_typo_is_offered_its_correction_which_finds_the_project(
    typo: str, meant: str, project: str, served, browser
) -> None:
    base, _ = served
    page = browser.new_page()
    page.goto(base + "2024/")
    search(page, typo)
    assert note(page).startswith(f"您是不是要找：{meant}\n")
    page.locator("a.bp-search-suggestion").click()
    page.wait_for_function(
        "query => { const box = document.querySelector('.md-search');"
        " return box.dataset.bpState === 'ready' && box.dataset.bpQuery === query; }",
        arg=meant,
    )
    assert page.locator("input.md-search__input").input_value() == meant
    assert project in page.locator(".md-search-result__item h1").all_inner_texts()
    assert not page.locator(".bp-search-note").is_visible()
    page.close()


def test_an_empty_result_says_what_to_try(served, browser) -> None:
    base, _ = served
    page = browser.new_page()
    page.goto(base + "2024/203001/")
    search(page, "量子纠缠引擎")
    assert page.locator(".md-search-result__meta").inner_text() == "没有找到符合条件的结果"
    assert note(page).split() == [
        "可以试试：",
        "用更短的词，或少打几个字",
        "检查有没有错别字",
        "几个词之间用空格隔开，找同时包含它们的页面",
        "按年度浏览各部门和项目：2024",
        "年",
    ]
    year = page.locator(".bp-search-note a")
    assert urlparse(year.get_attribute("href")).path == urlparse(base).path + "2024/"
    page.close()
