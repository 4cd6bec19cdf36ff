"""`python -m generator province DIR`: every county of a province built as a shard on Dask, then the portal.

The order is what keeps a published province safe: every county is surveyed (digested,
and validated unless a shard of the same digest is kept), and one bad file anywhere
stops the build, named, before any shard is built; the shards that are not kept are
built, a task each; the province's own pages are built from the shards' summaries; the
site is assembled beside the published one and replaces it in one rename. A failed
or killed build leaves the published site as it was.

Workers need the same version of this package (checked: each task reports its code's
digest) and the province's folder at the same path (a shared folder on a cluster): the
shards are written there, in `.site.cache/shards/`, and only summaries come back.
"""

from __future__ import annotations

import os
import shutil
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from distributed import Client, Future, as_completed
from distributed.client import FutureCancelledError
from distributed.scheduler import KilledWorker

from generator.publish.atomic import CACHE_DIR, discard, promote, recover, staging_dir
from generator.publish.executor import ExecutorError, executor
from generator.publish.settings import ProvinceConfig, SettingError, load_province_settings
from generator.publish.shards import (
    Shard,
    ShardJob,
    Survey,
    build_shard,
    entry_keys,
    generator_version,
    remove_tree,
    survey_county,
)
from generator.publish.starter import CONFIG, scalar
from generator.schema.problems import display_path
from generator.site.portal import CountySummary, Portal
from generator.site.publisher import Publisher
from generator.site.search_index import province_index_files

SETTINGS_FILE = "province.yml"
SITE = "site"
SHARDS = "shards"
PORTAL = "portal"

Result = TypeVar("Result")


class ProvinceError(Exception):
    """The province cannot be built: what is wrong, in the words of the person who runs the build."""


@dataclass(frozen=True)
class Built:
    """What a province build did: its counties, how many shards were built and kept, and where the site is."""

    counties: int
    built: int
    kept: int
    site: Path


def build_province(
    folder: Path, scheduler: str | None = None, workers: int | None = None, log: Callable[[str], None] = print
) -> Built:
    """Build and publish the province in `folder`; ProvinceError (the published site untouched) if it cannot."""
    folder = folder.resolve()
    settings_file = folder / SETTINGS_FILE
    if not settings_file.is_file():
        raise ProvinceError(
            f"{display_path(settings_file)}: 不存在（省的文件夹应有 province.yml，写明 name 和 counties）"
        )
    try:
        settings = load_province_settings(settings_file)
    except SettingError as error:
        raise ProvinceError(str(error)) from None
    cache = folder / CACHE_DIR
    counties = _county_folders(settings_file, settings.counties)
    if not settings.site_url:
        log(
            f"未设置网站地址：{display_path(settings_file)} 中没有 site_url，各页的引用和下载数据中的网址只有路径"
            "（如 /130225/2024/），sitemap.xml 为空"
        )
    site_dir = folder / SITE
    recover(site_dir)
    staging = staging_dir(site_dir)
    staging.mkdir()
    jobs = [
        ShardJob(str(county), settings.name, settings.site_url, str(cache / SHARDS), str(staging))
        for county in counties
    ]
    _sweep(cache / SHARDS)
    try:
        with executor(scheduler, workers) as client:
            log(f"{len(jobs)} 个县（市、区）：检查内容（{_workers(client)}）")
            surveys = _run(client, survey_county, [(job,) for job in jobs], jobs, "检查")
            regions = _checked(surveys)
            todo = [(job, survey) for job, survey in zip(jobs, surveys) if survey.kept is None]
            log(f"内容检查通过；生成 {len(todo)} 个县的网站，沿用 {len(jobs) - len(todo)} 个此前生成的结果")
            shards = _run(
                client,
                build_shard,
                [(job, survey.key, regions[job.county]) for job, survey in todo],
                [job for job, _ in todo],
                "生成",
            )
            built = {job.county: shard for (job, _), shard in zip(todo, shards)}
            entries = [
                built.get(job.county) or Shard(survey.key, survey.kept or "", survey.epoch or 0)
                for job, survey in zip(jobs, surveys)
            ]
            retired = _publish(folder, settings, entries, staging)
            # The site replaced is removed a county at a time by the workers, as they linked it.
            if retired is not None:
                client.gather(client.map(remove_tree, [str(path) for path in retired.iterdir()], pure=False))
                shutil.rmtree(retired, ignore_errors=True)
    except ExecutorError as error:
        raise ProvinceError(str(error)) from None
    finally:
        discard(staging)  # left only by a build that failed
        _sweep(cache / SHARDS)  # what a killed attempt left, once no task is running
    _evict(cache / SHARDS, {entry.key for entry in entries})
    return Built(len(jobs), len(todo), len(jobs) - len(todo), site_dir)


def _county_folders(settings_file: Path, counties: list[str]) -> list[Path]:
    """The counties' folders, each a county site folder, each once."""
    folders: list[Path] = []
    for entry in counties:
        county = (settings_file.parent / entry).resolve()
        if not (county / "mkdocs.yml").is_file():
            what = "不存在" if not county.exists() else "不是县的网站文件夹（没有 mkdocs.yml）"
            raise ProvinceError(
                f"{display_path(settings_file)}: counties: {entry}: {what}（应为 python -m generator new 建立的文件夹，"
                "路径相对于 province.yml）"
            )
        if county in folders:
            raise ProvinceError(f"{display_path(settings_file)}: counties: {entry}: 重复列出")
        folders.append(county)
    return folders


def _workers(client: Client) -> str:
    workers = client.scheduler_info(n_workers=-1)["workers"]
    threads = sum(worker.get("nthreads", 1) for worker in workers.values())
    return f"{len(workers)} 个工作进程，共 {threads} 个线程"


def _run(
    client: Client, task: Callable[..., Result], arguments: list[tuple], jobs: list[ShardJob], doing: str
) -> list[Result]:
    """Run `task` once per arguments on the cluster; ProvinceError naming the county of the first that failed."""
    futures: list[Future] = [client.submit(task, *args, pure=False) for args in arguments]
    county_of = {future.key: job.county for future, job in zip(futures, jobs)}
    try:
        for future in as_completed(futures):
            if future.status == "error":
                raise _failure(future.exception(), county_of[future.key], doing)
    finally:
        client.cancel([future for future in futures if not future.done()])
    return [future.result() for future in futures]


def _failure(error: BaseException, county: str, doing: str) -> ProvinceError:
    where = display_path(Path(county))
    if isinstance(error, KilledWorker):
        return ProvinceError(
            f"{where}: {doing}时工作进程多次意外退出（内存不足或被终止），已停止；已发布的网站未改动。"
            "请检查工作进程的内存和日志后重新运行"
        )
    if isinstance(error, FutureCancelledError):
        return ProvinceError(f"{where}: {doing}的任务被取消（集群已关闭？），已停止；已发布的网站未改动")
    return ProvinceError(f"{where}: {doing}失败：{error}；已发布的网站未改动")


def _checked(surveys: list[Survey]) -> dict[str, str]:
    """Every county's region code, once every county has passed; ProvinceError listing every problem otherwise."""
    lines: list[str] = []
    version = generator_version()
    for survey in surveys:
        if survey.version != version:
            lines.append(
                f"{display_path(Path(survey.county))}: 工作进程的 budget-targets 与本机的版本不同（须安装同一版本）"
            )
        if survey.refused:
            lines.append(survey.refused)
        lines += [str(problem) for problem in survey.problems]
    regions: dict[str, str] = {}
    seen: dict[str, str] = {}
    for survey in surveys:
        region = survey.region or (CountySummary.from_json(survey.kept).region if survey.kept else None)
        if region is None:
            continue
        if region in seen:
            lines.append(
                f"{display_path(Path(survey.county))}: 区划代码 {region} 与 {display_path(Path(seen[region]))} 相同"
                "（每个县只能列出一次，项目编码的前 6 位应为本县的区划代码）"
            )
        seen[region] = survey.county
        regions[survey.county] = region
    if lines:
        failed = sum(1 for survey in surveys if survey.problems or survey.refused or survey.version != version)
        raise ProvinceError("\n".join([*lines, f"{failed} 个县未通过检查，未生成任何县的网站，已发布的网站未改动。"]))
    return regions


def _publish(folder: Path, settings: ProvinceConfig, entries: list[Shard], staging: Path) -> Path | None:
    """Add the portal to the assembled site (every shard linked in by the workers) and put it in place in one rename.

    Returns the site it replaced, moved aside, for the caller to remove; None if there was none.
    """
    summaries = [CountySummary.from_json(entry.summary) for entry in entries]
    search = tuple(_province_search(folder / CACHE_DIR / SHARDS, entries, summaries))
    portal = Portal(settings.name, summaries, Publisher(**settings.publisher), search)
    newest = max((entry.epoch for entry in entries), default=0)
    for item in _portal_site(folder, settings, portal, newest).iterdir():
        item.rename(staging / item.name)
    return promote(staging, folder / SITE, keep_replaced=True)


def _province_search(shards: Path, entries: list[Shard], summaries: list[CountySummary]) -> Iterator[tuple[str, bytes]]:
    """The province's search files, from the keys each shard kept beside its site, counties in region order."""
    ordered = sorted(zip(summaries, entries), key=lambda pair: pair[0].region)
    keys = (entry_keys(shards / entry.key) for _, entry in ordered)
    return province_index_files([(summary.region, summary.name) for summary, _ in ordered], keys)


def _portal_site(folder: Path, settings: ProvinceConfig, portal: Portal, epoch: int) -> Path:
    """The province's own pages, built by MkDocs with the counties' theme into the cache; returns the folder."""
    from generator.publish.plugin import build_site  # MkDocs is loaded only where a site is built

    work = folder / CACHE_DIR / PORTAL
    shutil.rmtree(work, ignore_errors=True)
    docs = folder / "docs"
    if not docs.is_dir():
        docs = work / "docs"
        docs.mkdir(parents=True)
    work.mkdir(parents=True, exist_ok=True)
    publisher = {key: value for key, value in settings.publisher.items() if value is not None}
    config = CONFIG.format(
        name=scalar(settings.name),
        description=scalar(f"{settings.name}：各县（市、区）预算部门的项目支出绩效目标表"),
        settings=f"      publisher: {scalar_map(publisher)}\n",
    ).replace("docs_dir: docs", f"docs_dir: {scalar(str(docs))}")
    (work / "mkdocs.yml").write_text(config, encoding="utf-8")
    with _dated(epoch):
        build_site(work / "mkdocs.yml", work / SITE, site_url=settings.site_url, portal=portal)
    return work / SITE


def scalar_map(values: dict[str, str]) -> str:
    """A YAML flow mapping of text (JSON's object syntax is YAML's)."""
    return "{" + ", ".join(f"{scalar(key)}: {scalar(value)}" for key, value in values.items()) + "}"


@contextmanager
def _dated(epoch: int) -> Iterator[None]:
    """The portal dated by its newest county, as a county's build is dated by its content; a date set by the caller wins."""
    if "SOURCE_DATE_EPOCH" in os.environ or not epoch:
        yield
        return
    os.environ["SOURCE_DATE_EPOCH"] = str(epoch)
    try:
        yield
    finally:
        os.environ.pop("SOURCE_DATE_EPOCH", None)


def _sweep(shards: Path) -> None:
    """Remove what killed tasks left half-built: before a build starts any, and after its last has finished."""
    if shards.is_dir():
        for leftover in shards.glob(".*.part"):
            shutil.rmtree(leftover, ignore_errors=True)


def _evict(shards: Path, used: set[str]) -> None:
    """Keep only the shards of the published site: an older one would be found again only by undoing a change."""
    for entry in shards.iterdir() if shards.is_dir() else ():
        if entry.name not in used and not entry.name.startswith("."):
            shutil.rmtree(entry, ignore_errors=True)


def main(folder: str, scheduler: str | None, workers: int | None) -> int:
    try:
        built = build_province(Path(folder), scheduler, workers)
    except ProvinceError as error:
        print(error, file=sys.stderr)
        return 1
    print(
        f"已发布 {built.counties} 个县（市、区）的网站到 {display_path(built.site)}/："
        f"生成 {built.built} 个，沿用 {built.kept} 个此前生成且内容未变的结果"
    )
    return 0
