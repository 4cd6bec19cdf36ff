"""Scale benchmark: build a county-sized (or province-sized) site and a plain baseline.

    python -m benchmarks.scale --projects 1000 10000

For each size this writes synthetic content shaped like the seed (benchmarks/synthetic.py),
with a 自评表 for every project, builds our site, our site of the same targets without
the 自评表 (what the results cost), and a plain MkDocs + Material site with the same pages
(benchmarks/plain.py), alternating them, each build in a fresh subprocess
(benchmarks/timed_build.py), and prints one table: pages, build seconds of both and
their ratio, peak memory, page sizes, search index and site size, and the share of the
build spent in our own plugin code. Everything is written under --out (default
/tmp/budget-bench); nothing goes into the repository.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import yaml

from benchmarks import plain, synthetic
from generator.publish.atomic import CACHE_DIR
from generator.publish.plugin import THEME_DIR
from generator.schema.load import RESULTS_FOLDER

ROOT = Path(__file__).resolve().parent.parent
#: What our site needs besides content/: the same files tests/conftest.py copies.
PROJECT_FILES = ("mkdocs.yml", "docs")
#: Plugins of our own package, dropped from the baseline's config.
OWN_PLUGINS = ("budget",)


class _ConfigLoader(yaml.SafeLoader):
    """Reads mkdocs.yml for the baseline; `!ENV [NAME, default]` becomes its default."""


def _env_tag(loader: _ConfigLoader, suffix: str, node: yaml.Node) -> Any:
    if isinstance(node, yaml.SequenceNode):
        values = loader.construct_sequence(node)
        return values[-1] if len(values) > 1 else None
    if isinstance(node, yaml.MappingNode):
        return loader.construct_mapping(node)
    return None


_ConfigLoader.add_multi_constructor("!", _env_tag)


def _plugin_name(entry: Any) -> str:
    return next(iter(entry)) if isinstance(entry, dict) else str(entry)


def prepare_ours(root: Path, size: synthetic.Size, seed: int) -> list:
    """Our project: the repository's config, docs and theme, with synthetic content/ and every project's 自评表;
    and beside it the same project without the 自评表 (`targets`)."""
    project = root / "ours"
    shutil.rmtree(project, ignore_errors=True)
    project.mkdir(parents=True)
    for name in PROJECT_FILES:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, project / name)
        elif source.exists():
            shutil.copy2(source, project / name)
    (project / "docs").mkdir(exist_ok=True)
    departments = synthetic.write(size, project / "content", seed, results=True)
    targets = root / "targets"
    shutil.rmtree(targets, ignore_errors=True)
    shutil.copytree(project, targets, ignore=shutil.ignore_patterns(RESULTS_FOLDER))
    return departments


def prepare_plain(root: Path, departments: list) -> None:
    """The baseline project: same theme, search and nav; Markdown pages instead of our plugin."""
    project = root / "plain"
    shutil.rmtree(project, ignore_errors=True)
    project.mkdir(parents=True)
    config = yaml.load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"), Loader=_ConfigLoader)
    docs = project / "docs"
    if (ROOT / "docs").is_dir():
        shutil.copytree(ROOT / "docs", docs)
    docs.mkdir(exist_ok=True)
    handwritten = sorted(str(p.relative_to(docs)) for p in docs.rglob("*.md"))
    nav = plain.write_site(docs, config["site_name"], departments)
    config["plugins"] = [p for p in config.get("plugins", []) if _plugin_name(p) not in OWN_PLUGINS]
    if not any(_plugin_name(p) == "search" for p in config["plugins"]):
        config["plugins"].append({"search": {"lang": "zh"}})
    # Our plugin adds the package's theme folder itself; without the plugin, the baseline names it.
    config["theme"]["custom_dir"] = str(THEME_DIR)
    config["docs_dir"] = "docs"
    config["site_dir"] = "site"
    config["nav"] = nav + [page for page in handwritten if page != "index.md"]
    # Departments and projects are reachable by links only, as in our plugin (InclusionLevel.NOT_IN_NAV).
    config["not_in_nav"] = "/*/*/*.md"
    (project / "mkdocs.yml").write_text(yaml.safe_dump(config, allow_unicode=True, sort_keys=False), encoding="utf-8")


@dataclass
class Build:
    seconds: float
    ours_seconds: float  # every handler of our plugins
    search_seconds: float  # Material's search plugin (jieba)
    peak_rss_mib: float
    handlers: dict[str, float]  # seconds per "module:event"
    cpu_seconds: float = 0.0  # of the build and any process it started and waited for
    children_peak_rss_mib: float = 0.0  # the largest process the build started: a Dask worker, or `git log`

    def own(self, event: str) -> float:
        """Seconds in one event of our own plugins, e.g. pre_build (load, validate, render)."""
        return sum(t for key, t in self.handlers.items() if key.startswith("generator.") and key.endswith(f":{event}"))


def run_build(project: Path, log_dir: Path) -> Build:
    """One cold `mkdocs build` of `project` in a fresh Python process: without the forms an earlier build kept."""
    shutil.rmtree(project / CACHE_DIR, ignore_errors=True)
    result = log_dir / f"{project.name}-{time.time_ns()}.json"
    log = log_dir / f"{project.name}.log"
    with log.open("w", encoding="utf-8") as out:
        subprocess.run(
            [sys.executable, "-m", "benchmarks.timed_build", str(project / "mkdocs.yml"), str(result)],
            cwd=ROOT,
            check=True,
            stdout=out,
            stderr=subprocess.STDOUT,
            env={**os.environ, "PYTHONPATH": str(ROOT)},
        )
    data = json.loads(result.read_text(encoding="utf-8"))
    return Build(
        data["seconds"],
        data["ours_seconds"],
        data["search_seconds"],
        data["peak_rss_mib"],
        data["handlers"],
        data["cpu_seconds"],
        data["children_peak_rss_mib"],
    )


@dataclass
class SiteStats:
    pages: int
    median_page_kb: float
    largest_page_kb: float
    largest_page: str
    pages_over_40kb: int
    median_project_page_kb: float
    search_index_kb: float
    site_mb: float


def site_stats(site: Path) -> SiteStats:
    pages = {p: p.stat().st_size for p in site.rglob("*.html") if p.name != "404.html"}
    largest = max(pages, key=pages.__getitem__)
    # Project pages are the third level: <year>/<unit>/<project>/index.html, beside <year>/<unit>/quality/.
    projects = [
        size for path, size in pages.items() if len(path.relative_to(site).parts) == 4 and path.parent.name != "quality"
    ]
    return SiteStats(
        pages=len(pages),
        median_page_kb=statistics.median(pages.values()) / 1024,
        largest_page_kb=pages[largest] / 1024,
        largest_page=str(largest.relative_to(site)),
        pages_over_40kb=sum(size > 40 * 1024 for size in pages.values()),
        median_project_page_kb=statistics.median(projects) / 1024 if projects else 0.0,
        search_index_kb=sum(p.stat().st_size for p in (site / "search").rglob("*") if p.is_file()) / 1024,
        site_mb=sum(p.stat().st_size for p in site.rglob("*") if p.is_file()) / 1024 / 1024,
    )


@dataclass
class Result:
    projects: int
    departments: int
    ours_seconds: float
    plain_seconds: float
    ratio: float
    own_code_share: float  # all our hooks
    pipeline_share: float  # load, validate, render, downloads: our pre_build, files and page_content
    post_build_share: float  # our on_post_build: publishing the site
    plain_search_share: float  # Material's search plugin in the plain build (ours has none)
    ours_peak_mib: float
    plain_peak_mib: float
    ours_children_peak_mib: float
    ours_cpu_seconds: float
    plain_cpu_seconds: float
    ours: SiteStats
    plain: SiteStats
    targets_seconds: float  # our site of the same targets without any 自评表
    targets: SiteStats


def measure(size: synthetic.Size, out: Path, rounds: int, seed: int = 2024) -> Result:
    """Build both sites `rounds` times each, alternating which goes first; keep each one's fastest."""
    root = out / f"p{size.projects}"
    departments = prepare_ours(root, size, seed)
    prepare_plain(root, departments)
    ours: list[Build] = []
    baseline: list[Build] = []
    targets: list[Build] = []
    for index in range(rounds):
        order = [("ours", ours), ("targets", targets), ("plain", baseline)]
        for name, builds in order if index % 2 == 0 else reversed(order):
            builds.append(run_build(root / name, root))
            print(f"  round {index + 1}: {name} {builds[-1].seconds:.1f} s", file=sys.stderr, flush=True)
    best = min(ours, key=lambda b: b.seconds)
    plain_best = min(baseline, key=lambda b: b.seconds)
    return Result(
        projects=size.projects,
        departments=size.departments,
        ours_seconds=best.seconds,
        plain_seconds=plain_best.seconds,
        ratio=best.seconds / plain_best.seconds,
        own_code_share=best.ours_seconds / best.seconds,
        # All in the build's own process: on_pre_build loads, validates, renders the pages and
        # makes the download files; on_files adds them; on_page_content restores each page's HTML blocks.
        pipeline_share=sum(best.own(event) for event in ("pre_build", "files", "page_content")) / best.seconds,
        post_build_share=best.own("post_build") / best.seconds,
        plain_search_share=plain_best.search_seconds / plain_best.seconds,
        ours_peak_mib=max(b.peak_rss_mib for b in ours),
        plain_peak_mib=max(b.peak_rss_mib for b in baseline),
        ours_children_peak_mib=max(b.children_peak_rss_mib for b in ours),
        ours_cpu_seconds=best.cpu_seconds,
        plain_cpu_seconds=plain_best.cpu_seconds,
        ours=site_stats(root / "ours" / "site"),
        plain=site_stats(root / "plain" / "site"),
        targets_seconds=min(b.seconds for b in targets),
        targets=site_stats(root / "targets" / "site"),
    )


ROWS: tuple[tuple[str, str], ...] = (
    ("projects", "{r.projects:,}"),
    ("departments", "{r.departments:,}"),
    ("pages (ours / plain)", "{r.ours.pages:,} / {r.plain.pages:,}"),
    ("build s (ours / plain)", "{r.ours_seconds:.1f} / {r.plain_seconds:.1f}"),
    ("build ratio ours/plain", "{r.ratio:.2f}x"),
    ("build s without the 自评表 (targets only)", "{r.targets_seconds:.1f}"),
    ("build growth from the 自评表", "{results_growth:+.1%}"),
    ("pages added by the 自评表", "{pages_added:+,} ({pages_added_share:+.1%})"),
    ("median project page KB (targets only)", "{r.targets.median_project_page_kb:.1f}"),
    ("CPU s, all processes (ours / plain)", "{r.ours_cpu_seconds:.1f} / {r.plain_cpu_seconds:.1f}"),
    ("our code, all hooks (share of build)", "{r.own_code_share:.1%}"),
    ("  load+validate+render+downloads (pre_build, files, page_content)", "{r.pipeline_share:.1%}"),
    ("  post_build (publish)", "{r.post_build_share:.1%}"),
    ("Material search plugin (share of the plain build)", "{r.plain_search_share:.1%}"),
    ("peak RSS MiB (ours / plain)", "{r.ours_peak_mib:.0f} / {r.plain_peak_mib:.0f}"),
    ("peak RSS MiB of our largest child process (a Dask worker)", "{r.ours_children_peak_mib:.0f}"),
    ("median page KB (ours / plain)", "{r.ours.median_page_kb:.1f} / {r.plain.median_page_kb:.1f}"),
    ("median project page KB (ours)", "{r.ours.median_project_page_kb:.1f}"),
    ("largest page KB (ours / plain)", "{r.ours.largest_page_kb:.1f} / {r.plain.largest_page_kb:.1f}"),
    ("largest page (ours)", "{r.ours.largest_page}"),
    ("pages over 40 KB (ours / plain)", "{r.ours.pages_over_40kb} / {r.plain.pages_over_40kb}"),
    ("search index KB, all files (ours / plain)", "{r.ours.search_index_kb:,.0f} / {r.plain.search_index_kb:,.0f}"),
    ("search index KB per project", "{per_project_index:.2f}"),
    ("site MB (ours / plain)", "{r.ours.site_mb:,.1f} / {r.plain.site_mb:,.1f}"),
)


def table(results: list[Result]) -> str:
    """A Markdown table, one column per size, ready to paste into benchmarks/README.md."""
    lines = ["| | " + " | ".join(f"{r.projects:,} projects" for r in results) + " |"]
    lines.append("|---|" + "---:|" * len(results))
    for label, template in ROWS:
        cells = [
            template.format(
                r=r,
                per_project_index=r.ours.search_index_kb / r.projects,
                results_growth=r.ours_seconds / r.targets_seconds - 1,
                pages_added=r.ours.pages - r.targets.pages,
                pages_added_share=(r.ours.pages - r.targets.pages) / r.targets.pages,
            )
            for r in results
        ]
        lines.append(f"| {label} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return f"{cpu}, {os.cpu_count()} cores, {memory:.0f} GiB, Python {platform.python_version()}, {platform.system()}"


def commit() -> str:
    try:
        head = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True, check=False
        )
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--", "generator", "mkdocs.yml"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=False,
        )
    except OSError:
        return "unknown"
    return head.stdout.strip() + (" (with uncommitted changes)" if dirty.stdout.strip() else "")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--projects", type=int, nargs="+", default=[1000], help="sizes to build (projects per year)")
    parser.add_argument("--per-department", type=int, default=10, help="average projects per department")
    parser.add_argument(
        "--years", type=int, default=2, help="years of content, each made from the one before (pages compare them)"
    )
    parser.add_argument("--rounds", type=int, default=2, help="builds of each site per size, alternating")
    parser.add_argument("--out", type=Path, default=Path("/tmp/budget-bench"), help="work folder for sites")
    parser.add_argument("--json", type=Path, help="also write the results to this JSON file")
    args = parser.parse_args(argv)

    results = []
    for projects in args.projects:
        size = synthetic.Size.for_projects(projects, args.per_department, args.years)
        print(
            f"{projects:,} projects a year in {size.departments:,} departments, {args.years} years ...",
            file=sys.stderr,
            flush=True,
        )
        results.append(measure(size, args.out, args.rounds))
    print(f"commit {commit()}; {machine()}; best of {args.rounds} builds each\n")
    print(table(results))
    if args.json:
        args.json.write_text(json.dumps([asdict(r) for r in results], ensure_ascii=False, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
