"""Search in the browser (issue 14): what a visitor fetches and waits for, in headless Chromium.

    python -m benchmarks.search_browser --projects 10000      # --out /tmp/budget-bench-search

Prepares the synthetic county exactly as `benchmarks.scale` prepares "ours" and builds the
real site in a fresh process (reused when --out already holds a site of that size), serves
it on 127.0.0.1 counting every file body the server sends, and drives Debian's Chromium
with Playwright (never `playwright install`):

- page view: the bytes of opening a project page, and any of them for search (target 0);
- first search of each sample query, in a fresh browser context so that nothing is cached:
  the bytes from focusing the box until the results are shown, by kind (search.js, meta.js,
  key chunks, documents), then a second query in the same context (only its new files);
- time to results once the files are there, with the CPU slowed 4× (CDP
  `Emulation.setCPUThrottlingRate`): measured in the page, from the event that starts the
  search to `data-bp-state="ready"` for the query; median of 5 runs per query.

Prints Markdown tables with the targets. Exits non-zero on errors (a build that fails,
results that never come, errors in the page's console), never on a missed target.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from benchmarks import scale, synthetic
from benchmarks.browser import CHROMIUM, CHROMIUM_FLAGS, Served, serve, served_since
from generator.schema.model import Department, Project
from generator.site.search_index import script_data
from generator.site.urls import SiteUrls

SEED = 2024
#: Targets of issue 14.
FIRST_SEARCH_KB = 300
RESULTS_MS = 100
CPU_SLOWDOWN = 4
RUNS = 5
#: Playwright's wait for results, in ms: a client that never shows them is an error, not a slow figure.
WAIT_MS = 300_000
#: The build's own record next to its site, so that a reused site still reports its build.
BUILD_RECORD = "search_browser_build.json"
CODE = "assets/javascripts/search.js"
KINDS = ("code", "meta", "keys", "documents", "other")


def kind(served: Served) -> str:
    """What a file sent is to the search: its code, meta, a key chunk, a document, or other."""
    if served.path.endswith("/" + CODE):
        return "code"
    if served.path.endswith("/search/meta.js"):
        return "meta"
    if "/search/k/" in served.path:
        return "keys"
    if "/search/d/" in served.path:
        return "documents"
    return "other"


# ---- The queries ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Query:
    text: str
    what: str
    then: str  # the second query in the same context, sharing some keys with the first


def sample_queries(departments: list[Department]) -> list[Query]:
    """Queries in the synthetic vocabulary (benchmarks/synthetic.py); code and amount from a real project."""
    project = middle_project(departments)[1]
    large = [p for d in departments for p in d.projects if p.budget.total >= 1000]
    amount = f"{(large[len(large) // 2] if large else project).budget.total:.2f}"
    return [
        Query("补贴", "2 characters", "农机补贴"),
        Query("满意度", "3 characters", "群众满意度"),
        Query("2024年", "digits and Chinese", "2024年底前完成"),
        Query("群众生活水平持续改善", "10 characters", "群众获得感"),
        Query(project.code[-7:], "code tail, 7 characters", project.code),
        Query(amount, "amount without separators", amount.split(".")[0]),
        Query("村", "1 character", "村卫生室"),
        # No page holds these as typed (issue 25): the client reads every pair's postings.
        Query("学校满意度", "pieces: 学校 + 满意度", "学校经费"),
        Query("群众满意渡", "one-character typo", "群众满意度"),
        Query("量子纠缠引擎", "nothing: what to try", "量子"),
        Query("cunganbu", "pinyin of 村干部", "cgb"),
    ]


def middle_project(departments: list[Department]) -> tuple[Department, Project]:
    """The first project of the middle department: not the index's first document."""
    department = departments[len(departments) // 2]
    return department, department.projects[0]


# ---- The site -----------------------------------------------------------------------------------


@dataclass
class SiteBuild:
    seconds: float | None  # None when the site was built by someone else (benchmarks.scale) and reused
    peak_rss_mib: float | None
    commit: str
    reused: bool
    files: dict[str, int] = field(default_factory=dict)  # search/ files by kind: count
    sizes: dict[str, int] = field(default_factory=dict)  # and bytes
    largest_chunk: int = 0


def _built_for(site: Path, size: synthetic.Size) -> bool:
    meta = site / "search" / "meta.js"
    return meta.exists() and script_data(meta.read_bytes())["documents"] == size.projects + size.departments


def prepare_site(size: synthetic.Size, out: Path) -> tuple[Path, SiteBuild]:
    """The built site of `size` under `out`: reused if it is there, else prepared as benchmarks.scale does and built."""
    root = out / f"p{size.projects}"
    project = root / "ours"
    site = project / "site"
    record = root / BUILD_RECORD
    if _built_for(site, size):
        known = json.loads(record.read_text(encoding="utf-8")) if record.exists() else {}
        build = SiteBuild(known.get("seconds"), known.get("peak_rss_mib"), known.get("commit", "unknown"), True)
    else:
        record.unlink(missing_ok=True)
        print(f"preparing {size.projects:,} projects in {size.departments:,} departments ...", file=sys.stderr)
        scale.prepare_ours(root, size, SEED)
        print("building (mkdocs build in a fresh process) ...", file=sys.stderr, flush=True)
        result = scale.run_build(project, root)
        build = SiteBuild(result.seconds, result.peak_rss_mib, scale.commit(), False)
        known = {"seconds": build.seconds, "peak_rss_mib": build.peak_rss_mib, "commit": build.commit}
        record.write_text(json.dumps(known, indent=2), encoding="utf-8")
    for path in (site / "search").rglob("*"):
        if path.is_file():
            what = kind(Served("/" + path.relative_to(site).as_posix(), 0))
            build.files[what] = build.files.get(what, 0) + 1
            build.sizes[what] = build.sizes.get(what, 0) + path.stat().st_size
            if what == "keys":
                build.largest_chunk = max(build.largest_chunk, path.stat().st_size)
    return site, build


# ---- In the browser -------------------------------------------------------------------------------

#: Installed before a query is typed (and, for a first search, before the box is focused): when the
#: box is focused, when the search starts, when its results are ready and which files the page had
#: loaded by then. The search starts on the box's `input` event (which `fill` fires, as an input
#: method does on commit) or on the keyup after it, whichever comes first; "ready" is the client's
#: own mark, set as the list is rendered; "painted" is the next frame after it.
TIMER = """query => {
  const box = document.querySelector('.md-search');
  const input = box.querySelector('input.md-search__input');
  const armed = performance.now();
  const timing = window.__searchTiming = {focused: null, start: null, ready: null, painted: null, loaded: []};
  performance.setResourceTimingBufferSize(1000000);
  input.addEventListener('focus', () => { timing.focused = performance.now(); }, {once: true});
  const start = () => {
    if (timing.start === null && input.value === query) timing.start = performance.now();
  };
  document.addEventListener('input', start, true);
  document.addEventListener('keyup', start, true);
  const observer = new MutationObserver(() => {
    if (box.dataset.bpState !== 'ready' || box.dataset.bpQuery !== query) return;
    timing.ready = performance.now();
    observer.disconnect();
    document.removeEventListener('input', start, true);
    document.removeEventListener('keyup', start, true);
    timing.loaded = performance.getEntriesByType('resource')
      .filter(entry => entry.startTime >= armed)
      .map(entry => decodeURIComponent(new URL(entry.name).pathname));
    requestAnimationFrame(() => setTimeout(() => { timing.painted = performance.now(); }));
  });
  observer.observe(box, {attributes: true, attributeFilter: ['data-bp-state', 'data-bp-query']});
}"""
READY = """query => {
  const box = document.querySelector('.md-search');
  return box.dataset.bpState === 'ready' && box.dataset.bpQuery === query;
}"""


class PageError(Exception):
    """The page logged an error, failed a request or never showed results."""


@dataclass
class Console:
    """What went wrong in the browser, across every page."""

    errors: list[str] = field(default_factory=list)

    def watch(self, page) -> None:
        page.on("console", lambda message: message.type == "error" and self.errors.append(f"console: {message.text}"))
        page.on("pageerror", lambda error: self.errors.append(f"page error: {error}"))
        page.on("requestfailed", lambda request: self.errors.append(f"request failed: {request.url}"))
        page.on(
            "response",
            lambda response: response.status >= 400 and self.errors.append(f"HTTP {response.status}: {response.url}"),
        )


def search(page, query: str, *, focus: bool = False) -> dict:
    """Type a query as an input method commits it (focusing the box first if asked); wait for its results.

    Returns the page's timing of it (TIMER).
    """
    box = page.locator("input.md-search__input")
    page.evaluate(TIMER, query)
    if focus:
        box.click()
    box.fill(query)
    box.press("End")
    try:
        page.wait_for_function(READY, arg=query, timeout=WAIT_MS)
    except Exception as error:
        state = page.evaluate("document.querySelector('.md-search').dataset.bpState")
        raise PageError(f"{query}: no results after {WAIT_MS / 1000:.0f} s (data-bp-state={state!r})") from error
    page.wait_for_function("() => window.__searchTiming.painted !== null", timeout=WAIT_MS)
    return page.evaluate("window.__searchTiming")


def clear(page) -> None:
    box = page.locator("input.md-search__input")
    box.fill("")
    box.press("End")
    page.wait_for_function("() => document.querySelector('.md-search').dataset.bpState === 'idle'")


def result_count(page) -> str:
    """The count line as shown, reduced to its number: "1,234", "~1,234" (an estimate) or "0".

    A list of pages that hold the query's pieces says so, not how many: "pieces, N shown";
    a correction offered is named after the count.
    """
    text = page.locator(".md-search-result__meta").text_content() or ""
    note = page.locator(".bp-search-note .bp-search-suggestion")
    offered = f", 您是不是要找 {note.text_content()}" if note.count() else ""
    if text.startswith("没有完全匹配"):
        return f"pieces, {page.locator('li.md-search-result__item').count()} shown{offered}"
    number = "".join(char for char in text if char.isdigit() or char == ",")
    return ("~" if text.startswith("约") else "") + (number or "0") + offered


@dataclass
class PageView:
    files: int
    bytes: int
    search_files: list[str]
    search_bytes: int


def page_view(browser, base: str, url: str, served: list[Served], console: Console) -> PageView:
    """Open a page in a fresh context and wait until the network is idle: what did it fetch?"""
    context = browser.new_context()
    page = context.new_page()
    console.watch(page)
    start = len(served)
    page.goto(base + url, wait_until="networkidle")
    files = served_since(served, start)
    context.close()
    # Material's own search worker (assets/javascripts/workers/search.*.js) counts too.
    found = [f for f in files if "search" in f.path]
    return PageView(len(files), sum(f.size for f in files), [f.path for f in found], sum(f.size for f in found))


@dataclass
class Fetched:
    """Bytes and files fetched until the results were ready, by kind; and any fetched after."""

    bytes: dict[str, int]
    files: dict[str, int]
    after_ready: int  # bytes

    @classmethod
    def of(cls, served: list[Served], loaded: list[str]) -> Fetched:
        """Split what the server sent by what the page had loaded when its results were ready."""
        pending = Counter(loaded)
        until: list[Served] = []
        after = 0
        for item in served:
            if pending[item.path]:
                pending[item.path] -= 1
                until.append(item)
            else:
                after += item.size
        return cls(
            {what: sum(f.size for f in until if kind(f) == what) for what in KINDS},
            {what: sum(kind(f) == what for f in until) for what in KINDS},
            after,
        )

    @property
    def total(self) -> int:
        return sum(self.bytes.values())


@dataclass
class FirstSearch:
    query: Query
    results: str
    fetched: Fetched
    wall_ms: float  # from focusing the box to the results, unthrottled, on 127.0.0.1
    then_results: str
    then_fetched: Fetched


def first_search(browser, base: str, url: str, query: Query, served: list[Served], console: Console) -> FirstSearch:
    """A fresh context (nothing cached): focus the box, type the query, then a second one."""
    context = browser.new_context()
    page = context.new_page()
    console.watch(page)
    page.goto(base + url, wait_until="networkidle")
    start = len(served)
    timing = search(page, query.text, focus=True)
    first = Fetched.of(served_since(served, start), timing["loaded"])
    results = result_count(page)
    start = len(served)
    then_timing = search(page, query.then)
    then = Fetched.of(served_since(served, start), then_timing["loaded"])
    then_results = result_count(page)
    context.close()
    return FirstSearch(query, results, first, timing["ready"] - timing["focused"], then_results, then)


def time_to_results(browser, base: str, url: str, queries: list[Query], rate: float, console: Console) -> dict:
    """Median ms from the search's start to ready (and to the next frame), files already loaded; CPU slowed `rate`×."""
    context = browser.new_context()
    page = context.new_page()
    console.watch(page)
    page.goto(base + url, wait_until="networkidle")
    page.locator("input.md-search__input").click()
    page.wait_for_function("() => window.budgetSearch !== undefined")
    cdp = page.context.new_cdp_session(page)
    cdp.send("Emulation.setCPUThrottlingRate", {"rate": rate})
    medians = {}
    for query in queries:
        search(page, query.text)  # loads its files
        ready, painted = [], []
        for _ in range(RUNS):
            clear(page)
            timing = search(page, query.text)
            ready.append(timing["ready"] - timing["start"])
            painted.append(timing["painted"] - timing["start"])
        medians[query.text] = (statistics.median(ready), statistics.median(painted))
        clear(page)
    context.close()
    return medians


# ---- Report ---------------------------------------------------------------------------------------


def kb(size: int) -> str:
    return f"{size / 1000:,.1f}"


def files_kb(fetched: Fetched, kind: str) -> str:
    return f"{kb(fetched.bytes[kind])} ({fetched.files[kind]})"


def report(
    size: synthetic.Size,
    build: SiteBuild,
    url: str,
    view: PageView,
    searches: list[FirstSearch],
    slowed: dict,
    unthrottled: dict,
) -> str:
    """Markdown: the site and the page view, then one row per query, with the targets."""
    seconds = f"{build.seconds:.1f}" if build.seconds is not None else "not measured (site reused)"
    peak = f"{build.peak_rss_mib:,.0f}" if build.peak_rss_mib is not None else "not measured"
    keys, documents = build.sizes.get("keys", 0), build.sizes.get("documents", 0)
    figures = [
        ("build wall s", seconds, ""),
        ("build peak RSS MiB", peak, ""),
        ("files under site/search/", f"{sum(build.files.values()):,}", ""),
        ("their size MB", f"{sum(build.sizes.values()) / 1e6:,.1f}", ""),
        (
            "  key chunks: files, MB, largest KB",
            f"{build.files.get('keys', 0):,}, {keys / 1e6:,.1f}, {kb(build.largest_chunk)}",
            "",
        ),
        ("  documents: files, MB", f"{build.files.get('documents', 0):,}, {documents / 1e6:,.1f}", ""),
        ("page view: files, KB", f"{view.files}, {kb(view.bytes)}", ""),
        ("**page view: search files, KB**", f"**{len(view.search_files)}, {kb(view.search_bytes)}**", "0"),
    ]
    columns = [
        ("query", "---"),
        ("what", "---"),
        ("results", "---:"),
        ("code KB (files)", "---:"),
        ("meta", "---:"),
        ("key chunks", "---:"),
        ("documents", "---:"),
        (f"**first search KB** (≤ {FIRST_SEARCH_KB})", "---:"),
        ("ms, focus to results", "---:"),
        ("second query", "---"),
        ("results", "---:"),
        ("its KB: key chunks + documents", "---:"),
        (f"**ms to results, CPU {CPU_SLOWDOWN}× slower** (< {RESULTS_MS})", "---:"),
        (f"ms to next frame, {CPU_SLOWDOWN}×", "---:"),
        ("ms to results, 1×", "---:"),
    ]
    lines = [
        f"{size.projects:,} projects in {size.departments:,} departments; site built at commit {build.commit}"
        + (", reused from an earlier run" if build.reused else ""),
        f"page: /{url}",
        "",
        "| figure | value | target |",
        "|---|---:|---|",
        *(f"| {label} | {value} | {target} |" for label, value, target in figures),
        "",
        "| " + " | ".join(name for name, _ in columns) + " |",
        "|" + "|".join(align for _, align in columns) + "|",
    ]
    for s in searches:
        then = s.then_fetched
        ready, painted = slowed[s.query.text]
        cells = [
            s.query.text,
            s.query.what,
            s.results,
            *(files_kb(s.fetched, kind) for kind in ("code", "meta", "keys", "documents")),
            f"**{kb(s.fetched.total)}**",
            f"{s.wall_ms:,.0f}",
            s.query.then,
            s.then_results,
            f"{kb(then.total)}: {kb(then.bytes['keys'])} + {kb(then.bytes['documents'])}",
            f"**{ready:,.1f}**",
            f"{painted:,.1f}",
            f"{unthrottled[s.query.text][0]:,.1f}",
        ]
        lines.append("| " + " | ".join(cells) + " |")
    for s in searches:
        for query, fetched in ((s.query.text, s.fetched), (s.query.then, s.then_fetched)):
            if fetched.bytes["other"]:
                lines.append(
                    f"\n{query}: {kb(fetched.bytes['other'])} KB of other files before the results (in the totals)"
                )
            if fetched.after_ready:
                lines.append(
                    f"\n{query}: {kb(fetched.after_ready)} KB fetched after the results were ready (not in the totals)"
                )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--projects", type=int, default=10_000, help="projects in the synthetic county")
    parser.add_argument("--per-department", type=int, default=10, help="average projects per department")
    parser.add_argument("--out", type=Path, default=Path("/tmp/budget-bench-search"), help="work folder for the site")
    args = parser.parse_args(argv)
    if not Path(CHROMIUM).exists():
        print(f"{CHROMIUM} is not installed (apt-get install chromium)", file=sys.stderr)
        return 2

    from playwright.sync_api import sync_playwright

    size = synthetic.Size.for_projects(args.projects, args.per_department)
    site, build = prepare_site(size, args.out)
    departments = synthetic.departments(size, SEED)
    queries = sample_queries(departments)
    url = SiteUrls().url(SiteUrls().project(*middle_project(departments)))
    served: list[Served] = []
    console = Console()
    with serve(site, served) as base, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        try:
            print("page view ...", file=sys.stderr, flush=True)
            view = page_view(browser, base, url, served, console)
            searches = []
            for query in queries:
                print(f"first search: {query.text} ...", file=sys.stderr, flush=True)
                searches.append(first_search(browser, base, url, query, served, console))
            print(f"time to results, CPU {CPU_SLOWDOWN}× slower ...", file=sys.stderr, flush=True)
            slowed = time_to_results(browser, base, url, queries, CPU_SLOWDOWN, console)
            print("time to results, CPU not slowed ...", file=sys.stderr, flush=True)
            unthrottled = time_to_results(browser, base, url, queries, 1, console)
        except PageError as error:
            print(f"error: {error}", *console.errors, sep="\n  ", file=sys.stderr)
            return 1
        finally:
            browser.close()
    print(f"{scale.machine()}; Chromium headless, served from 127.0.0.1\n")
    print(report(size, build, url, view, searches, slowed, unthrottled))
    if console.errors:
        print("\nErrors in the browser:", *console.errors, sep="\n  ", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
