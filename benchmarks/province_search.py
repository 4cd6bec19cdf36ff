"""A province-wide search in the browser: the bytes its first page of results fetches (issue 28: ≤ 600 KB).

    python -m benchmarks.province_search /tmp/budget-province-bench/province

Serves a province's built site (`python -m generator province`, e.g. by benchmarks.province)
on 127.0.0.1, counting every file body sent, and drives Debian's Chromium with Playwright.
For each sample query, in a fresh browser context so that nothing is cached:

- from the province's home page: every byte from typing the query to its first page of
  results (the search code, the province's key filter, each county's files opened);
- from a county's page: the county's own search as today, then the bytes of widening it
  to the province (在全省各县中搜索) until that first page is shown.

Prints a Markdown table: results shown, counties opened, KB by kind, against the target.
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from benchmarks.browser import Served, chromium, serve, served_since
from generator.site.search_index import script_data

TARGET_KB = 600
WAIT_MS = 300_000
READY = (
    "query => { const box = document.querySelector('.md-search');"
    " return box.dataset.bpState === 'ready' && box.dataset.bpQuery === query; }"
)

#: A widened search is shown: its count line speaks of the province.
WIDENED = (
    "() => { const box = document.querySelector('.md-search');"
    " const said = box.querySelector('.md-search-result__meta').textContent;"
    " return box.dataset.bpState === 'ready' && (said.includes('全省') || said.includes('个可能包含的县')); }"
)


@dataclass(frozen=True)
class Fetched:
    """What one first page of results cost."""

    query: str
    start: str  # "province" or "county"
    results: int
    meta: str  # the line the search box shows
    counties: int  # counties whose index files were fetched
    kb: dict[str, float]  # by kind

    @property
    def total_kb(self) -> float:
        return sum(self.kb.values())


def kind(path: str) -> str:
    if path.endswith("/search.js"):
        return "code"
    if "/search/p/" in path or path.endswith("/search/province.js"):
        return "province filter"
    if path.endswith("/search/meta.js"):
        return "county meta"
    if "/search/k/" in path:
        return "county keys"
    if "/search/d/" in path:
        return "documents"
    return "other"


def sample_queries(site: Path) -> list[str]:
    """Words of the synthetic vocabulary, and a code that only the last county has."""
    province = script_data((site / "search" / "province.js").read_bytes())
    last = province["counties"][-1][0]
    pages = sorted((site / last).glob("*/*/*/index.html"))
    code = next(path.parent.name for path in pages if path.parent.name.startswith(last))
    return ["补贴", "满意度", "群众生活水平持续改善", code, code[-7:], "量子纠缠引擎"]


def first_page(browser, base: str, served: list[Served], start: str, url: str, query: str) -> Fetched:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(url)
    box = page.locator("input.md-search__input")
    if start == "county":  # the county's own search first: what it costs is today's
        box.click()
        box.fill(query)
        box.press("End")
        page.wait_for_function(READY, arg=query, timeout=WAIT_MS)
        begin = len(served_since(served, 0))
        page.get_by_role("button", name="在全省各县中搜索").click()
        page.wait_for_function(WIDENED, timeout=WAIT_MS)
    else:
        begin = len(served_since(served, 0))
        box.click()
        box.fill(query)
        box.press("End")
        page.wait_for_function(READY, arg=query, timeout=WAIT_MS)
    files = served_since(served, begin)
    sizes: Counter[str] = Counter()
    for file in files:
        sizes[kind(file.path)] += file.size / 1024
    counties = {file.path.split("/")[1] for file in files if "/search/k/" in file.path}
    fetched = Fetched(
        query,
        start,
        page.locator(".md-search-result__item").count(),
        page.locator(".md-search-result__meta").inner_text(),
        len(counties),
        dict(sizes),
    )
    context.close()
    return fetched


def table(rows: list[Fetched]) -> str:
    kinds = sorted({name for row in rows for name in row.kb})
    lines = [
        "| query | from | results | counties opened | "
        + " | ".join(f"{k} KB" for k in kinds)
        + " | total KB | ≤ 600 |",
        "|---|---|---:|---:|" + "---:|" * len(kinds) + "---:|---|",
    ]
    for row in rows:
        cells = " | ".join(f"{row.kb.get(k, 0):.1f}" for k in kinds)
        met = "yes" if row.total_kb <= TARGET_KB else "**no**"
        lines.append(
            f"| {row.query} | {row.start} | {row.results} | {row.counties} | {cells} | {row.total_kb:.1f} | {met} |"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.province_search", description=__doc__.splitlines()[0])
    parser.add_argument("province", help="a province folder built by python -m generator province")
    args = parser.parse_args(argv)
    site = Path(args.province) / "site"
    if not (site / "search" / "province.js").is_file():
        print(f"{site}: no province site here (build it with python -m generator province)", file=sys.stderr)
        return 1
    queries = sample_queries(site)
    first_county = script_data((site / "search" / "province.js").read_bytes())["counties"][0][0]
    served: list[Served] = []
    rows = []
    with serve(site, served) as base, chromium() as browser:
        for query in queries:
            rows.append(first_page(browser, base, served, "province", base, query))
            rows.append(first_page(browser, base, served, "county", f"{base}{first_county}/", query))
    counties = len(script_data((site / "search" / "province.js").read_bytes())["counties"])
    print(f"{counties} counties; first page of a province-wide search, fresh browser each row\n")
    print(table(rows))
    return 0


if __name__ == "__main__":
    sys.exit(main())
