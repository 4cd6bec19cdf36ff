"""The site's generated parts, made in one step from the validated catalog.

Every page's Markdown, every download file and the search index's files: the plugin
hands the pages and the index to MkDocs as generated files, and the downloads are
written into a folder of their own, by a cluster's workers when there is one, while
MkDocs writes the pages: a page marks where a file's size goes (render.size_mark), and the
plugin fills the marks in as MkDocs writes the page with the sizes of the files written by
then (`SiteParts.written_so_far`), and the rest once every file is (`SiteParts.written`).
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime
from pathlib import Path
from typing import Protocol

from generator.formats.forms_cache import FormCache
from generator.schema.model import Catalog, Department
from generator.site.downloads import (
    DepartmentDownloads,
    Download,
    Downloads,
    SiteFacts,
    department_downloads,
    listed_downloads,
    site_facts,
    site_files,
)
from generator.site.history import History
from generator.site.publisher import Publisher
from generator.site.quality import Review
from generator.site.render import Renderer
from generator.site.results import outcome
from generator.site.search_index import index_files, pinyin_of
from generator.site.urls import SiteUrls


@dataclass(frozen=True)
class SiteParts:
    """What the content makes of the site: pages by their path in the docs tree, and the downloads."""

    pages: dict[str, str]  # src_uri -> Markdown, in build order, each download's size a mark
    downloads: Downloads  # listed: the files the pages link to, in order, written into a folder meanwhile
    search: tuple[tuple[str, bytes], ...] = ()  # (path, bytes) of the search index's files
    as_of: date | None = None  # the day the pages say 数据更新至: every page's lastmod in sitemap.xml
    written: Callable[[], dict[str, int]] = dict  # path -> bytes of every download, once all are written
    written_so_far: Callable[[], dict[str, int]] = dict  # path -> bytes of those written by now, not waiting


class DownloadMissing(Exception):
    """A task said it wrote a file that is not in the folder: its worker writes another machine's disk."""


class Executor(Protocol):
    """Where each department's downloads may be made meanwhile: a Dask client (generator/publish/executor.py)."""

    def submit(self, function: Callable[..., object], *args: object, **kwargs: object) -> Future: ...

    def scatter(self, data: object) -> Future: ...


class Future(Protocol):
    def done(self) -> bool: ...

    def exception(self) -> BaseException | None: ...

    def result(self) -> object: ...


def make_site(
    catalog: Catalog,
    site_name: str,
    urls: SiteUrls,
    dated: datetime,
    folder: Path,
    *,
    changed: Mapping[tuple[int, str], date] | None = None,
    publisher: Publisher | None = None,
    form_cache: FormCache | None = None,
    province: str | None = None,
    executor: Executor | None = None,
) -> SiteParts:
    """`dated` is the build's date, which the Word and Excel files record (the content's, not the clock's);
    `folder` where the downloads are written, laid out as in the site; `changed` the day each
    department's files last changed (generator.publish.dates), for its 更新日期; `publisher` who runs
    the site, for the about page; `form_cache` where departments' forms are kept between builds (none:
    every form is written); `province` the province's site name when the county is built as one of its
    shards; `executor` a cluster that makes and writes the downloads meanwhile.

    A department's downloads are a task of their own, sent the department (a few projects, never
    the catalog); the site's own files are one more task, made of what the departments' tasks
    hold. They write into `folder` and send nothing back, while this process writes the pages
    and the search index; a task that failed (its worker lost) is made here instead. Either
    way the bytes are the same.
    """
    cache = form_cache or FormCache(None)
    forms = None if cache.folder is None else str(cache.folder)
    tasks = [
        executor.submit(department_written, department, urls, dated, forms, str(folder), pure=False)
        if executor
        else None
        for department in catalog.departments
    ]
    history, review = History(catalog), Review(catalog)
    facts = site_facts(history, review, urls)
    site_task = (  # the quality report is tens of MB: sent to a worker as data, not in the task's description
        executor.submit(site_written, executor.scatter(facts), site_name, urls, str(folder), *tasks, pure=False)
        if executor
        else None
    )
    listed = listed_downloads(facts, catalog, site_name, urls)
    renderer = Renderer(site_name, history, urls, listed, review, changed, publisher)
    pages = renderer.pages()
    search = tuple(index_files(catalog, urls, province))
    writing = _Writing(
        listed,
        folder,
        list(zip(catalog.departments, tasks)),
        site_task,
        lambda department: department_downloads(department, urls, dated, cache, review.of_project),
        functools.partial(site_files, facts, site_name, urls),
    )
    return SiteParts(pages, listed, search, renderer.data_as_of, writing.written, writing.written_so_far)


class _Writing:
    """The downloads while they are written: each department's by its task on a cluster, or here when asked for.

    The pages are written meanwhile, and each shows the sizes of the files written by then
    (`written_so_far`); the site's own files, made of every department's, come last (`written`).
    """

    def __init__(
        self,
        listed: Downloads,
        folder: Path,
        tasks: list[tuple[Department, Future | None]],
        site_task: Future | None,
        made_here: Callable[[Department], DepartmentDownloads],
        site_made_here: Callable[[Sequence[DepartmentDownloads]], tuple[Download, ...]],
    ) -> None:
        self.listed, self.folder = listed, folder
        self.tasks, self.site_task = tasks, site_task  # each department with its task, if a cluster has one
        self.made_here, self.site_made_here = made_here, site_made_here
        self.here: dict[int, DepartmentDownloads] = {}  # the departments made here, kept for the site's files
        self.taken = 0  # the departments written so far, in the catalog's order
        self.sizes: dict[str, int] = {}  # path -> bytes of every file written so far
        self.complete = False  # serve keeps the last good site's parts through bad content

    def written_so_far(self) -> dict[str, int]:
        """The files of the departments written by now, up to the first whose task is running."""
        while self.taken < len(self.tasks) and _done(self.tasks[self.taken][1]):
            self._take_next()
        return self.sizes

    def written(self) -> dict[str, int]:
        """Every file: each department's, waited for, then the site's own."""
        if not self.complete:
            while self.taken < len(self.tasks):
                self._take_next()
            if self.site_task is None or _failed(self.site_task):
                _write(self.site_made_here([self._made(index) for index in range(len(self.tasks))]), self.folder)
            self.sizes.update(self._sizes(self.listed.of("site")))
            self.tasks, self.site_task, self.complete = [], None, True  # the cluster lets go of what they hold
        return self.sizes

    def _take_next(self) -> None:
        """The next department's files, written by its task, or made and written here if it had none or it failed."""
        index = self.taken
        department, task = self.tasks[index]
        if task is None or _failed(task):
            made = self.made_here(department)
            _write(made.files, self.folder)
            self.here[index] = replace(made, files=())  # written: only what the site's files take is kept
        self.sizes.update(self._sizes(self.listed.within(department.year, department.code)))
        self.taken += 1

    def _made(self, index: int) -> DepartmentDownloads:
        """What the site's files take from a department, when its site task failed: fetched, or made here."""
        department, task = self.tasks[index]
        if index not in self.here:
            self.here[index] = _result(task) or self.made_here(department)
        return self.here[index]

    def _sizes(self, files: Iterable[Download]) -> dict[str, int]:
        sizes = {}
        for file in files:
            try:
                sizes[file.path] = (self.folder / file.path).stat().st_size
            except FileNotFoundError:
                raise DownloadMissing(
                    f"下载文件 {file.path} 不在 {self.folder}：集群的工作进程写入的文件本机读不到。"
                    "其他机器上的 Dask 工作进程须能以同一路径读写网站所在的文件夹（共享文件夹）"
                ) from None
        return sizes


def department_written(
    department: Department, urls: SiteUrls, dated: datetime, forms: str | None, folder: str
) -> DepartmentDownloads:
    """A cluster's task: the department's downloads written under `folder`, its forms kept in the folder
    `forms` when the worker can write it. Returns what the site's files take from them, not the files."""
    made = department_downloads(department, urls, dated, FormCache(None if forms is None else Path(forms)))
    _write(made.files, Path(folder))
    return replace(made, files=())


def site_written(
    facts: SiteFacts, site_name: str, urls: SiteUrls, folder: str, *departments: DepartmentDownloads
) -> None:
    """A cluster's task: the site's own files, made of what every department's task holds, written under `folder`."""
    _write(site_files(facts, site_name, urls, departments), Path(folder))


def written_here(files: Sequence[Download], folder: Path) -> Callable[[], dict[str, int]]:
    """`SiteParts.written` for files already made: written when asked for."""

    @functools.cache
    def written() -> dict[str, int]:
        _write(files, folder)
        return {file.path: file.size for file in files}

    return written


def _write(files: Iterable[Download], folder: Path) -> None:
    made: set[Path] = set()
    for file in files:
        path = folder / file.path
        if path.parent not in made:
            path.parent.mkdir(parents=True, exist_ok=True)
            made.add(path.parent)
        path.write_bytes(file.made)


def _done(task: Future | None) -> bool:
    """Whether the task has finished, well or not; with none the department is made here, at once."""
    return task is None or task.done()


def _result(task: Future | None) -> DepartmentDownloads | None:
    """What a department's task holds, or None if there was none or it failed (a worker lost since)."""
    try:
        return None if task is None else task.result()  # type: ignore[return-value]
    except Exception:  # noqa: BLE001 (made here instead)
        return None


def _failed(task: Future) -> bool:
    """Whether the task failed (a worker lost, a cluster gone), waiting for it: then it is made here instead."""
    try:
        return task.exception() is not None
    except Exception:  # noqa: BLE001 (the cluster itself is gone)
        return True


def forget() -> None:
    """Drop what making one site kept to make it faster: a process that builds again (`serve`, a
    province's worker building county after county) must not hold every build's projects."""
    outcome.cache_clear()
    pinyin_of.cache_clear()
