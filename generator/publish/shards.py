"""A province's shards: each county built on its own, by a Dask task, and kept by a digest of what made it.

A shard is one county's whole site (all its years: its year pages compare each year with
the one before), built exactly as the county builds alone, under its region code and
with a link up to the province. Two tasks per county, both plain functions of a folder's
path and a few names, so that any worker that sees the province's folder at the same
path can run them:

- `survey_county` digests the county's files with the generator's own code, finds a kept
  shard of that digest, and otherwise validates the content; the province build starts
  no shard until every county has passed.
- `build_shard` builds the county into the cache, beside its entries, and renames the
  finished folder into place: an entry is whole or absent.

An entry is its site and `shard.json`, which lists every file's digest after a digest
of itself; an entry that does not match it (a disk fault, a hand edit) is never used.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import shutil
import uuid
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from importlib.metadata import version
from pathlib import Path

from generator.publish.atomic import git_epoch
from generator.publish.settings import SettingError, load_settings
from generator.schema.categories import with_county
from generator.schema.load import line_of_field
from generator.schema.model import Catalog
from generator.schema.problems import ContentError, Problem
from generator.schema.validate import load_catalog
from generator.site.portal import CountySummary, summarize
from generator.site.search_index import chunk_keys

PACKAGE = Path(__file__).resolve().parent.parent
MAGIC = b"budget-shard 1 sha256:"
MANIFEST = "shard.json"
KEYS = "keys.txt"
SITE = "site"
REGION_DIGITS = 6
#: A county folder's entries that are not its content: its own builds and what they keep.
NOT_CONTENT = ("site",)


@functools.cache
def generator_version() -> str:
    """A digest of the generator's code and templates and of the MkDocs and Material it builds with."""
    digest = hashlib.sha256()
    for package in ("mkdocs", "mkdocs-material"):
        digest.update(f"{package}=={version(package)}\0".encode())
    for path in sorted(PACKAGE.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts:
            digest.update(path.relative_to(PACKAGE).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def folder_fingerprint(folder: Path) -> str:
    """A digest of every file a county's build may read: all but hidden entries and its own site folder.

    Links are digested as where they point, never followed.
    """
    digest = hashlib.sha256()
    for root, folders, files in os.walk(folder):
        here = Path(root)
        if here == folder:
            folders[:] = [name for name in folders if not name.startswith(".") and name not in NOT_CONTENT]
            files = [name for name in files if not name.startswith(".")]
        folders.sort()
        for name in sorted(files):
            path = here / name
            relative = path.relative_to(folder).as_posix().encode()
            data = os.readlink(path).encode() if path.is_symlink() else path.read_bytes()
            digest.update(relative + b"\0" + hashlib.sha256(data).digest())
    return digest.hexdigest()


@dataclass(frozen=True)
class ShardJob:
    """What a task needs to know of a county and its province: paths and names, never content."""

    county: str  # the county folder's absolute path, the same on every worker
    province: str  # the province site's name, for the link up
    province_url: str  # the province site's address ending in "/", or ""
    cache: str  # the folder of kept shards, absolute
    staging: str  # the province's site being assembled, absolute: each shard is linked in under its region

    def site_url(self, region: str) -> str:
        return f"{self.province_url}{region}/" if self.province_url else ""

    def publish(self, key: str, region: str) -> None:
        """Link the kept shard into the site being assembled, under its region code."""
        target = Path(self.staging) / region
        shutil.rmtree(target, ignore_errors=True)  # what an attempt killed while linking left
        link_tree(os.path.join(self.cache, key, SITE), str(target))


@dataclass(frozen=True)
class Survey:
    """What `survey_county` found: the county's key, and its kept shard or its region, or what is wrong."""

    county: str
    key: str
    version: str  # the worker's generator_version(), which must be the client's
    region: str | None = None
    kept: str | None = None  # the kept shard's summary (JSON) when there is one
    epoch: int | None = None  # the kept shard's date (SOURCE_DATE_EPOCH)
    problems: tuple[Problem, ...] = ()
    refused: str | None = None  # a wrong setting of the county, or a folder the worker cannot see


@dataclass(frozen=True)
class Shard:
    """A built shard: its key, its summary (JSON) and its date."""

    key: str
    summary: str
    epoch: int


def shard_key(job: ShardJob) -> str:
    county = Path(job.county)
    text = "\n".join(
        (
            generator_version(),
            folder_fingerprint(county),
            str(git_epoch(county)),
            os.environ.get("SOURCE_DATE_EPOCH", ""),
            job.province,
            job.province_url,
        )
    )
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def survey_county(job: ShardJob) -> Survey:
    """The county's key and kept shard; else its content validated and its region code. Runs on a worker."""
    county = Path(job.county)
    if not (county / "mkdocs.yml").is_file():
        return Survey(job.county, "", generator_version(), refused=f"{county}: 工作进程找不到该县的 mkdocs.yml")
    key = shard_key(job)
    kept = read_entry(Path(job.cache) / key)
    if kept is not None:
        job.publish(key, CountySummary.from_json(kept[0]).region)
        return Survey(job.county, key, generator_version(), kept=kept[0], epoch=kept[1])
    try:
        catalog = _catalog(county)
    except SettingError as error:
        return Survey(job.county, key, generator_version(), refused=str(error))
    except ContentError as error:
        return Survey(job.county, key, generator_version(), problems=tuple(error.problems))
    region, problems = region_of(catalog)
    return Survey(job.county, key, generator_version(), region=region, problems=problems)


def _catalog(county: Path) -> Catalog:
    settings = load_settings(county / "mkdocs.yml")
    if settings is None:
        raise SettingError(
            f"{county / 'mkdocs.yml'}: 没有使用 budget 插件（应为 python -m generator new 建立的网站文件夹）"
        )
    return load_catalog(county / settings.content_dir, with_county(settings.indicator_categories))


def region_of(catalog: Catalog) -> tuple[str | None, tuple[Problem, ...]]:
    """The county's region code, the 6 digits every project code begins with; else the projects that differ."""
    projects = [project for _, project in catalog.projects]
    prefixes = Counter(project.code[:REGION_DIGITS] for project in projects)
    region = prefixes.most_common(1)[0][0] if prefixes else None
    if region is None or not region.isdigit() or len(prefixes) > 1:
        expected = f"本县其他项目的 {region}" if region and region.isdigit() else "6 位数字"
        return None, tuple(
            Problem(project.source, line_of_field(project.source, "code"), "code", f"项目编码的前 6 位（区划代码）为 {project.code[:REGION_DIGITS]}，"
                    f"应为{expected}：一个县的网站只公开本县的项目")
            for project in projects
            if project.code[:REGION_DIGITS] != region or not region.isdigit()
        )  # fmt: skip
    return region, ()


def build_shard(job: ShardJob, key: str, region: str) -> Shard:
    """Build the county into the cache as the entry `key`, and return its summary. Runs on a worker."""
    from generator.publish.plugin import build_site  # MkDocs is loaded only where a site is built

    cache = Path(job.cache)
    cache.mkdir(parents=True, exist_ok=True)
    building = cache / f".{key}.{uuid.uuid4().hex}.part"
    try:
        county = Path(job.county)
        plugin = build_site(
            county / "mkdocs.yml", building / SITE, site_url=job.site_url(region), province=job.province
        )
        epoch = plugin.build_date.epoch
        assert epoch is not None  # a build that ran has its date
        summary = summarize(region, plugin.site_name, plugin.catalog).to_json()
        plugin.release()  # a worker builds county after county: never two counties' content at once
        write_entry(building, summary, epoch)
        if (cache / key).exists() and read_entry(cache / key) is None:
            shutil.rmtree(cache / key)  # a corrupted entry, found so by the survey: never used, now replaced
        try:
            building.rename(cache / key)
        except OSError:  # another attempt of this task finished first: its entry is the same
            if read_entry(cache / key) is None:
                raise
    finally:
        shutil.rmtree(building, ignore_errors=True)
    job.publish(key, region)
    return Shard(key, summary, epoch)


def write_entry(entry: Path, summary: str, epoch: int) -> None:
    """Write the entry's keys.txt (its search index's keys, for the province's filter) and shard.json.

    shard.json holds the summary, the date and each file's size and modification time,
    after a digest of all that: a file rewritten, truncated, added or removed since is seen
    by its metadata alone, without reading a byte of the site.
    """
    keys = sorted(
        {key for chunk in (entry / SITE / "search" / "k").glob("*.js") for key in chunk_keys(chunk.read_bytes())}
    )
    (entry / KEYS).write_text("".join(f"{key}\n" for key in keys), encoding="utf-8")
    files = {name: _stamp(path) for name, path in _files(entry)}
    payload = json.dumps({"summary": summary, "epoch": epoch, "files": files}, ensure_ascii=False).encode("utf-8")
    (entry / MANIFEST).write_bytes(MAGIC + hashlib.sha256(payload).hexdigest().encode() + b"\n" + payload)


def read_entry(entry: Path) -> tuple[str, int] | None:
    """A kept entry's summary and date, if its files are those its shard.json lists, as they were written; else None."""
    try:
        data = (entry / MANIFEST).read_bytes()
    except OSError:
        return None
    header, _, payload = data.partition(b"\n")
    if header != MAGIC + hashlib.sha256(payload).hexdigest().encode():
        return None
    manifest = json.loads(payload)
    listed: dict[str, list[int]] = manifest["files"]
    try:
        found = {name: _stamp(path) for name, path in _files(entry)}
    except OSError:
        return None
    if found != listed:
        return None
    return manifest["summary"], manifest["epoch"]


def entry_keys(entry: Path) -> Iterator[str]:
    """The keys of a kept shard's search index."""
    with (entry / KEYS).open(encoding="utf-8") as lines:
        for line in lines:
            yield line.rstrip("\n")


def link_tree(source: str, target: str) -> int:
    """The kept shard's files under `target` as hard links (copies where links cannot be made); returns how many.

    Links cost no bytes and keep each file's time, so the kept entry still matches its shard.json.
    A rebuild links every file of the province (540,000 at 100,000 projects): plain strings and
    `os.scandir`, not `Path` objects, halve the time.
    """
    count = 0
    os.makedirs(target, exist_ok=True)
    with os.scandir(source) as found:
        for item in found:
            destination = os.path.join(target, item.name)
            if item.is_dir(follow_symlinks=False):
                count += link_tree(item.path, destination)
                continue
            try:
                os.link(item.path, destination)
            except OSError:
                shutil.copy2(item.path, destination)
            count += 1
    return count


def remove_tree(path: str) -> None:
    """A task: remove a folder of a replaced site."""
    shutil.rmtree(path, ignore_errors=True)


def _files(entry: Path) -> Iterator[tuple[str, os.DirEntry]]:
    """Every file of an entry but its shard.json, by its path in the entry."""
    return (item for item in _tree(str(entry), "") if item[0] != MANIFEST)


def _tree(folder: str, prefix: str) -> Iterator[tuple[str, os.DirEntry]]:
    with os.scandir(folder) as found:
        for item in found:
            if item.is_dir(follow_symlinks=False):
                yield from _tree(item.path, f"{prefix}{item.name}/")
            else:
                yield f"{prefix}{item.name}", item


def _stamp(item: os.DirEntry) -> list[int]:
    found = item.stat()
    return [found.st_size, found.st_mtime_ns]
