"""Province benchmark: a synthetic province built on Dask, cold and kept, with every process's peak memory.

    python -m benchmarks.province --projects 20000      # --counties (projects // 1000), --years 1, --only a,b

Writes a province under --out (default /tmp/budget-province-bench): `province.yml` and
--counties county folders, each made as `python -m generator new` makes one, with its
share of the projects from benchmarks/synthetic.py (a 自评表 for every project, as the
scale benchmark's site has) under a region code of its own (130201, 130202, ...). A
province written by an earlier run with the same arguments is reused (OUT/stamp.json).

Then it builds it with `python -m generator province`, each build a fresh subprocess
whose whole process tree (the client and every Dask worker it starts) is polled for
each process's RSS every 0.1 s:

  a. cold, a LocalCluster of one worker process (`--workers 1`);
  b. cold, two worker processes (`--workers 2`): the speed-up is a / b;
  c. cold, on a cluster this benchmark starts as separate processes (`dask scheduler`
     and two `dask worker`, polled too) and stops afterwards (`--scheduler ADDRESS`);
  d. a rebuild with nothing changed, and one after one department's name changed;
  e. the site the last build published: its largest HTML page, size and file count.

"Cold" removes the province's kept shards, its site and every county's kept forms
first. It prints one Markdown table with the targets beside the figures and writes
them to OUT/results.json. Nothing goes into the repository.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path

import psutil

from benchmarks import synthetic
from benchmarks.scale import ROOT, commit, machine
from generator.publish.atomic import CACHE_DIR
from generator.publish.province import SETTINGS_FILE, SITE
from generator.publish.starter import scalar, write_starter
from generator.schema.load import DEPARTMENT_FILE

PROVINCE_NAME = "基准省预算绩效目标公开"
PROVINCE_URL = "https://example.gov.cn/province/"
FIRST_REGION = 130201
POLL_SECONDS = 0.1
#: The `dask` command installed with this Python's distributed.
DASK = str(Path(sys.executable).with_name("dask"))
#: How long a started process gets to stop after SIGTERM, and a cluster to come up, in seconds.
STOP_SECONDS, START_SECONDS = 20, 120
#: What is digested into the stamp besides the arguments: the code that writes the province.
WRITERS = (
    Path(__file__),
    ROOT / "benchmarks" / "synthetic.py",
    ROOT / "generator" / "source" / "yaml_writer.py",
    ROOT / "generator" / "publish" / "starter.py",
)
MIB, GIB = 2**20, 2**30
#: Seconds by which two readings of one process's start time may differ (see TreeWatch._key).
START_TIME_SLACK = 2.0
CLIENT_LIMIT, WORKER_LIMIT, PAGE_LIMIT_KB = 1 * GIB, 1.5 * GIB, 200
SPEEDUP_TARGET, REBUILD_TARGET_SECONDS = 1.7, 60
#: The province command's last line: `...：生成 N 个，沿用 M 个此前生成且内容未变的结果`.
COUNTS = re.compile(r"生成 (\d+) 个，沿用 (\d+) 个")

BUILDS = {
    "a": "cold, LocalCluster --workers 1",
    "b": "cold, LocalCluster --workers 2",
    "c": "cold, dask scheduler + 2 dask worker",
    "d0": "rebuild, nothing changed (--workers 2)",
    "d1": "rebuild, one department changed (--workers 2)",
    "prime": "a build for d to rebuild from (not measured)",
}


# --- The synthetic province ------------------------------------------------------------------------


@dataclass(frozen=True)
class Shape:
    projects: int
    counties: int
    years: int
    seed: int

    def regions(self) -> list[str]:
        return [str(FIRST_REGION + index) for index in range(self.counties)]

    def projects_of(self, index: int) -> int:
        """The county's share of the projects: equal, the remainder to the first counties."""
        return self.projects // self.counties + (index < self.projects % self.counties)


def changed_department(province: Path) -> Path:
    """The department file step d changes: the first county's first department of its first year."""
    return min((province / str(FIRST_REGION) / "content").glob(f"*/*/{DEPARTMENT_FILE}"))


def _stamp(shape: Shape, province: Path) -> dict:
    """What the written province was made from, and the digest of the file step d changes: a run stopped
    before it put that file back leaves a province that does not match, and is written again."""
    return {
        **asdict(shape),
        "writers": hashlib.sha256(b"".join(path.read_bytes() for path in WRITERS)).hexdigest(),
        "changed_department": hashlib.sha256(changed_department(province).read_bytes()).hexdigest(),
    }


def write_province(out: Path, shape: Shape) -> Path:
    """The province folder under `out`, written unless the one there was made from the same shape and code."""
    province, stamp_file = out / "province", out / "stamp.json"
    written = stamp_file.is_file() and (province / SETTINGS_FILE).is_file()
    if written and json.loads(stamp_file.read_text(encoding="utf-8")) == _stamp(shape, province):
        print(f"reusing the province in {province}", file=sys.stderr, flush=True)
        return province
    stamp_file.unlink(missing_ok=True)
    shutil.rmtree(province, ignore_errors=True)
    province.mkdir(parents=True)
    for index, region in enumerate(shape.regions()):
        print(f"writing county {index + 1}/{shape.counties} ({region}) ...", file=sys.stderr, flush=True)
        county = province / region
        write_starter(county, f"基准县{region}预算绩效目标公开")
        size = synthetic.Size.for_projects(shape.projects_of(index), years=shape.years)
        # Seeds 10 apart: synthetic.write also draws the 自评表 from seed + 1.
        synthetic.write(size, county / "content", shape.seed + 10 * index, results=True, region=region)
    counties = "".join(f"  - {scalar(region)}\n" for region in shape.regions())  # quoted: a folder, not a number
    (province / SETTINGS_FILE).write_text(
        f"name: {scalar(PROVINCE_NAME)}\nsite_url: {PROVINCE_URL}\ncounties:\n{counties}", encoding="utf-8"
    )
    stamp_file.write_text(json.dumps(_stamp(shape, province), indent=2), encoding="utf-8")
    return province


def clear_kept(province: Path) -> None:
    """Make the next build cold: no kept shard, no published site, no county's kept forms."""
    shutil.rmtree(province / CACHE_DIR, ignore_errors=True)
    shutil.rmtree(province / SITE, ignore_errors=True)
    for county in province.iterdir():
        if county.is_dir():
            shutil.rmtree(county / CACHE_DIR, ignore_errors=True)


@contextmanager
def department_renamed(department: Path) -> Iterator[None]:
    """The department's `name:` line changed for the block, then its bytes put back."""
    original = department.read_bytes()
    text = original.decode("utf-8")
    changed, count = re.subn(r"^(name: [^#\n]*?)(\s+#)", r"\1（调整）\2", text, count=1, flags=re.MULTILINE)
    if not count:
        raise SystemExit(f"{department}: no `name:` line to change")
    department.write_text(changed, encoding="utf-8")
    try:
        yield
    finally:
        department.write_bytes(original)


# --- Memory of process trees ---------------------------------------------------------------------


@dataclass
class ProcessPeak:
    pid: int
    role: str  # client, worker (runs tasks), nanny (a `dask worker`'s), scheduler, or helper (anything else)
    command: str
    rss_mib: float = 0.0
    cpu_seconds: float = 0.0  # user + system, as last seen: a process that ends is read up to 0.1 s early


def _role(process: psutil.Process, root: psutil.Process, root_role: str) -> str:
    """A task-running worker is a process multiprocessing spawned from the client (LocalCluster) or a nanny."""
    if process.pid == root.pid:
        return root_role
    if "spawn_main" in " ".join(process.cmdline()) and process.ppid() == root.pid and root_role in ("client", "nanny"):
        return "worker"
    return "helper"


class TreeWatch:
    """Peak RSS of every process in the trees of some root processes, polled on a thread of its own."""

    def __init__(self, roots: dict[int, str]) -> None:
        self.roots = roots  # pid: role
        self.peaks: dict[tuple[int, float], ProcessPeak] = {}  # by pid and start time: pids are reused
        self.last_start: dict[tuple[int, float], float] = {}  # each key's start time as last read
        self._stop = threading.Event()

    @contextmanager
    def polling(self) -> Iterator[None]:
        thread = threading.Thread(target=self._poll, daemon=True)
        thread.start()
        try:
            yield
        finally:
            self._stop.set()
            thread.join()

    def _poll(self) -> None:
        while True:
            self._sample()
            if self._stop.wait(POLL_SECONDS):
                return

    def _sample(self) -> None:
        for pid, root_role in self.roots.items():
            try:
                root = psutil.Process(pid)
                tree = [root, *root.children(recursive=True)]
            except psutil.Error:
                continue
            for process in tree:
                try:
                    key = self._key(process)
                    peak = self.peaks.get(key)
                    # Seen between its fork and its exec, a worker still has its parent's command: look again.
                    if peak is None or peak.role == "helper":
                        command = " ".join(process.cmdline())[:200]
                        role = _role(process, root, root_role)
                        peak = self.peaks[key] = ProcessPeak(process.pid, role, command, peak.rss_mib if peak else 0.0)
                    peak.rss_mib = max(peak.rss_mib, process.memory_info().rss / MIB)
                    times = process.cpu_times()
                    peak.cpu_seconds = max(peak.cpu_seconds, times.user + times.system)
                except psutil.Error:
                    continue  # it ended between the listing and the reading

    def _key(self, process: psutil.Process) -> tuple[int, float]:
        """The process's key: its pid and its start time as first seen.

        psutil reckons a start time from the boot time, which the kernel gives as the clock
        less the uptime: as the clock was adjusted it moved by whole seconds during a run, and
        keyed on it exactly one worker counted as up to five (100,000 projects, step c). So a
        reading is matched against the one before it, never more than a poll apart.
        """
        started = process.create_time()
        for key, last in self.last_start.items():
            if key[0] == process.pid and abs(last - started) < START_TIME_SLACK:
                self.last_start[key] = started
                return key
        key = (process.pid, started)
        self.last_start[key] = started
        return key

    def largest(self, role: str) -> float:
        return max((peak.rss_mib for peak in self.peaks.values() if peak.role == role), default=0.0)


# --- Builds --------------------------------------------------------------------------------------


@dataclass
class Build:
    name: str
    seconds: float
    built: int  # shards built
    kept: int  # shards reused
    client_mib: float
    worker_mib: float  # the largest task-running worker process
    workers: int  # task-running worker processes seen
    helper_mib: float  # the largest other process (git, multiprocessing's resource tracker, ...)
    client_cpu_seconds: float
    workers_cpu_seconds: float  # all task-running workers together: with a/b, whether the cores were shared
    processes: list[ProcessPeak] = field(default_factory=list)


def _environment() -> dict[str, str]:
    environment = {**os.environ, "PYTHONPATH": str(ROOT)}
    environment.pop("DASK_SCHEDULER_ADDRESS", None)  # it would send the LocalCluster builds to another cluster
    return environment


def run_build(
    name: str, province: Path, options: list[str], logs: Path, cluster: dict[int, str] | None = None
) -> Build:
    """One `python -m generator province` in a fresh process, its tree and the `cluster` processes' trees polled."""
    log = logs / f"{name}.log"
    print(f"  {name}: {BUILDS[name]} ...", file=sys.stderr, flush=True)
    with log.open("w", encoding="utf-8") as out:
        start = time.perf_counter()
        client = subprocess.Popen(
            [sys.executable, "-m", "generator", "province", str(province), *options],
            cwd=ROOT,
            stdout=out,
            stderr=subprocess.STDOUT,
            env=_environment(),
        )
        watch = TreeWatch({client.pid: "client", **(cluster or {})})
        with watch.polling():
            code = client.wait()
        seconds = time.perf_counter() - start
    output = log.read_text(encoding="utf-8")
    counts = COUNTS.search(output)
    if code != 0 or counts is None:
        raise SystemExit(f"build {name} failed (exit {code}); its log, {log}:\n{output[-3000:]}")
    processes = sorted(watch.peaks.values(), key=lambda peak: -peak.rss_mib)
    print(f"  {name}: {seconds:.1f} s", file=sys.stderr, flush=True)
    return Build(
        name=name,
        seconds=seconds,
        built=int(counts[1]),
        kept=int(counts[2]),
        client_mib=watch.largest("client"),
        worker_mib=watch.largest("worker"),
        workers=sum(peak.role == "worker" for peak in processes),
        helper_mib=watch.largest("helper"),
        client_cpu_seconds=sum(peak.cpu_seconds for peak in processes if peak.role == "client"),
        workers_cpu_seconds=sum(peak.cpu_seconds for peak in processes if peak.role == "worker"),
        processes=processes,
    )


def _stop(processes: list[subprocess.Popen]) -> None:
    """Terminate the processes and what they started, then kill whatever is left after STOP_SECONDS."""
    started = []
    for process in processes:
        try:
            started += psutil.Process(process.pid).children(recursive=True)
        except psutil.Error:
            pass
        process.terminate()
    for process in processes:
        try:
            process.wait(STOP_SECONDS)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
    _, alive = psutil.wait_procs(started, timeout=STOP_SECONDS)
    for leftover in alive:  # a worker whose nanny was killed
        try:
            leftover.kill()
        except psutil.Error:
            pass


def _started(command: list[str], log: Path) -> subprocess.Popen:
    with log.open("w", encoding="utf-8") as out:
        return subprocess.Popen(command, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT, env=_environment())


def _address(scheduler_file: Path) -> str | None:
    """The scheduler's address once it has written the whole file."""
    try:
        return json.loads(scheduler_file.read_text(encoding="utf-8"))["address"]
    except (OSError, ValueError, KeyError):
        return None


@contextmanager
def dask_cluster(work: Path, logs: Path) -> Iterator[tuple[str, dict[int, str], float]]:
    """A scheduler and two single-threaded workers as separate processes, stopped after the block: their
    address, roles by pid, and the seconds they took to come up (not counted in the build's)."""
    from distributed import Client

    scheduler_file = work / "scheduler.json"
    scheduler_file.unlink(missing_ok=True)
    start = time.perf_counter()
    scheduler = _started(
        [DASK, "scheduler", "--scheduler-file", str(scheduler_file), "--no-dashboard", "--port", "0"],
        logs / "scheduler.log",
    )
    workers: list[subprocess.Popen] = []
    try:
        while (address := _address(scheduler_file)) is None:
            if scheduler.poll() is not None or time.perf_counter() - start > START_SECONDS:
                raise SystemExit(f"dask scheduler did not start; see {logs / 'scheduler.log'}")
            time.sleep(POLL_SECONDS)
        for number in (1, 2):
            workers.append(
                _started([DASK, "worker", address, "--nthreads", "1", "--no-dashboard"], logs / f"worker-{number}.log")
            )
        with Client(address, timeout=f"{START_SECONDS}s") as client:
            client.wait_for_workers(len(workers), timeout=START_SECONDS)
        roles = {scheduler.pid: "scheduler", **{worker.pid: "nanny" for worker in workers}}
        yield address, roles, time.perf_counter() - start
    finally:
        _stop(workers)  # before the scheduler, so that they do not wait to reconnect
        _stop([scheduler])


def measure(province: Path, out: Path, steps: set[str]) -> tuple[dict[str, Build], float | None]:
    """The builds of `steps` (a to d), in order: each build by name, and the seconds the cluster of c took to start."""
    logs = out / "logs"
    logs.mkdir(exist_ok=True)
    builds: dict[str, Build] = {}
    cluster_start = None
    for name, workers in (("a", 1), ("b", 2)):
        if name in steps:
            clear_kept(province)
            builds[name] = run_build(name, province, ["--workers", str(workers)], logs)
    if "c" in steps:
        clear_kept(province)
        with dask_cluster(out, logs) as (address, roles, cluster_start):
            builds["c"] = run_build("c", province, ["--scheduler", address], logs, roles)
    if "d" in steps:
        if not builds:  # the kept shards must be of the province as it is now, not as an earlier run left them
            run_build("prime", province, ["--workers", "2"], logs)
        builds["d0"] = run_build("d0", province, ["--workers", "2"], logs)
        with department_renamed(changed_department(province)):
            builds["d1"] = run_build("d1", province, ["--workers", "2"], logs)
    return builds, cluster_start


@dataclass
class SiteFigures:
    files: int
    site_mb: float
    pages: int
    largest_page: str
    largest_page_kb: float
    pages_over_limit: int  # HTML pages over PAGE_LIMIT_KB


def site_figures(site: Path) -> SiteFigures:
    """The published site's files (hard links to the kept shards count at their full size) and its HTML pages."""
    sizes = {path: path.stat().st_size for path in site.rglob("*") if path.is_file()}
    pages = {path: size for path, size in sizes.items() if path.suffix == ".html"}
    largest = max(pages, key=pages.__getitem__)
    return SiteFigures(
        files=len(sizes),
        site_mb=sum(sizes.values()) / MIB,
        pages=len(pages),
        largest_page=str(largest.relative_to(site)),
        largest_page_kb=pages[largest] / 1024,
        pages_over_limit=sum(size > PAGE_LIMIT_KB * 1024 for size in pages.values()),
    )


# --- Report --------------------------------------------------------------------------------------


def _met(ok: bool) -> str:
    return "yes" if ok else "**no**"


def rows(
    shape: Shape, builds: dict[str, Build], cluster_start: float | None, site: SiteFigures | None
) -> list[tuple[str, str, str, str]]:
    """The table's rows: figure, value, target, whether the value meets it."""
    table = [("projects / counties / years", f"{shape.projects:,} / {shape.counties} / {shape.years}", "", "")]
    for name, build in builds.items():
        label = f"{name[0]}. {BUILDS[name]}"
        seconds = f"{build.seconds:.1f} (built {build.built}, kept {build.kept})"
        cpu = f"{build.client_cpu_seconds:.1f} / {build.workers_cpu_seconds:.1f}"
        if name.startswith("d"):
            table.append((f"{label}: s", seconds, f"≤ {REBUILD_TARGET_SECONDS} at 100,000 projects",
                          _met(build.seconds <= REBUILD_TARGET_SECONDS)))  # fmt: skip
        else:
            table.append((f"{label}: s", seconds, "", ""))
        table.append((f"{label}: CPU s, client / all workers", cpu, "", ""))
        table.append(
            (
                f"{label}: peak RSS MiB, client / largest of {build.workers} workers",
                f"{build.client_mib:,.0f} / {build.worker_mib:,.0f}",
                f"≤ {CLIENT_LIMIT / MIB:,.0f} / ≤ {WORKER_LIMIT / MIB:,.0f}",
                _met(build.client_mib <= CLIENT_LIMIT / MIB and build.worker_mib <= WORKER_LIMIT / MIB),
            )
        )
        if name == "c":
            nanny = max(p.rss_mib for p in build.processes if p.role == "nanny")
            scheduler = max(p.rss_mib for p in build.processes if p.role == "scheduler")
            table.append(
                (f"{label}: peak RSS MiB, scheduler / largest nanny", f"{scheduler:,.0f} / {nanny:,.0f}", "", "")
            )
            table.append((f"{label}: s to start the cluster (not in the build's)", f"{cluster_start:.1f}", "", ""))
    if "a" in builds and "b" in builds:
        speedup = builds["a"].seconds / builds["b"].seconds
        table.append(
            ("speed-up a / b", f"{speedup:.2f}x", f"≥ {SPEEDUP_TARGET}x on 2 cores", _met(speedup >= SPEEDUP_TARGET))
        )
    if site is not None:
        table += [
            ("e. largest HTML page, KB", f"{site.largest_page_kb:,.1f} ({site.largest_page})", f"≤ {PAGE_LIMIT_KB}",
             _met(site.largest_page_kb <= PAGE_LIMIT_KB)),
            (f"e. HTML pages over {PAGE_LIMIT_KB} KB", f"{site.pages_over_limit:,} of {site.pages:,}", "0",
             _met(site.pages_over_limit == 0)),
            ("e. site MB / files", f"{site.site_mb:,.1f} / {site.files:,}", "", ""),
        ]  # fmt: skip
    return table


def markdown(table: list[tuple[str, str, str, str]]) -> str:
    lines = ["| figure | measured | target | met |", "|---|---:|---:|---|"]
    lines += [f"| {' | '.join(row)} |" for row in table]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--projects", type=int, required=True, help="projects in the province, in its first year")
    parser.add_argument("--counties", type=int, help="counties sharing them (default: one per 1,000 projects)")
    parser.add_argument("--years", type=int, default=1, help="years of content per county")
    parser.add_argument("--seed", type=int, default=2024)
    parser.add_argument("--only", default="a,b,c,d,e", help="the steps to run, of a,b,c,d,e (default: all)")
    parser.add_argument("--out", type=Path, default=Path("/tmp/budget-province-bench"), help="work folder")
    args = parser.parse_args(argv)
    steps = set(args.only.split(","))
    if not steps <= set("abcde"):
        parser.error(f"--only: {args.only}: steps are a, b, c, d and e, separated by commas")
    shape = Shape(args.projects, args.counties or max(1, args.projects // 1000), args.years, args.seed)

    args.out.mkdir(parents=True, exist_ok=True)
    province = write_province(args.out, shape)
    builds, cluster_start = measure(province, args.out, steps)
    site = site_figures(province / SITE) if "e" in steps and (province / SITE).is_dir() else None
    table = rows(shape, builds, cluster_start, site)
    built_from, this_machine = commit(), machine()
    print(f"commit {built_from}; {this_machine}\n")
    print(markdown(table))
    results = {
        "commit": built_from,
        "machine": this_machine,
        "shape": asdict(shape),
        "builds": {name: asdict(build) for name, build in builds.items()},
        "cluster_start_seconds": cluster_start,
        "site": asdict(site) if site else None,
        "table": table,
    }
    (args.out / "results.json").write_text(json.dumps(results, ensure_ascii=False, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
