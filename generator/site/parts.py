"""The site's generated parts, made in one step from the validated catalog.

Every page's Markdown, every download file and the search index's files: the plugin
hands them to MkDocs as generated files. The pages are written while the downloads are
made, by a cluster's workers when there is one: a page marks where a file's size goes
(render.size_mark), and the plugin fills the marks in as MkDocs writes the page with the
sizes of the files made by then (`SiteParts.newly_made`), and the rest once every file is
made (`SiteParts.made`).
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Protocol

from generator.formats.forms_cache import FormCache
from generator.schema.model import Catalog, Department
from generator.site.downloads import (
    DepartmentDownloads,
    Download,
    Downloads,
    department_downloads,
    listed_downloads,
    site_downloads,
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
    downloads: Downloads  # listed: the files the pages link to, in order; `made()` gives their bytes
    search: tuple[tuple[str, bytes], ...] = ()  # (path, bytes) of the search index's files
    as_of: date | None = None  # the day the pages say 数据更新至: every page's lastmod in sitemap.xml
    made: Callable[[], Downloads] = field(default=lambda: Downloads(()))  # every file, waited for
    newly_made: Callable[[], tuple[Download, ...]] = tuple  # the files made since last asked, not waiting


class Executor(Protocol):
    """Where each department's downloads may be made meanwhile: a Dask client (generator/publish/executor.py)."""

    def submit(self, function: Callable[..., DepartmentDownloads], *args: object, **kwargs: object) -> Future: ...


class Future(Protocol):
    def done(self) -> bool: ...

    def result(self) -> DepartmentDownloads: ...


def make_site(
    catalog: Catalog,
    site_name: str,
    urls: SiteUrls,
    dated: datetime,
    changed: Mapping[tuple[int, str], date] | None = None,
    publisher: Publisher | None = None,
    form_cache: FormCache | None = None,
    province: str | None = None,
    executor: Executor | None = None,
) -> SiteParts:
    """`dated` is the build's date, which the Word and Excel files record (the content's, not the clock's);
    `changed` the day each department's files last changed (generator.publish.dates), for its 更新日期;
    `publisher` who runs the site, for the about page; `form_cache` where departments' forms are kept
    between builds (none: every form is written); `province` the province's site name when the county is
    built as one of its shards; `executor` a cluster that makes each department's downloads meanwhile.

    A department's downloads are a task of their own, sent the department (a few projects, never
    the catalog), while this process writes the pages and the search index; their results are
    taken as they finish (`SiteParts.newly_made`) and the rest waited for (`SiteParts.made`), and
    a task that failed (its worker lost) is made here instead. Either way the bytes are the same.
    """
    cache = form_cache or FormCache(None)
    folder = None if cache.folder is None else str(cache.folder)
    tasks = [
        executor.submit(made_elsewhere, department, urls, dated, folder, pure=False) if executor else None
        for department in catalog.departments
    ]
    history, review = History(catalog), Review(catalog)
    renderer = Renderer(
        site_name, history, urls, listed_downloads(history, site_name, urls), review, changed, publisher
    )
    pages = renderer.pages()
    search = tuple(index_files(catalog, urls, province))
    making = _Making(
        tasks,
        [
            functools.partial(department_downloads, d, urls, dated, cache, review.of_project)
            for d in catalog.departments
        ],
        functools.partial(site_downloads, history, review, site_name, urls),
    )
    return SiteParts(pages, renderer.downloads, search, renderer.data_as_of, making.made, making.newly_made)


class _Making:
    """The downloads while they are made: each department's by its task on a cluster, or here when asked for.

    The pages are written meanwhile, and each shows the sizes of the files made by then
    (`newly_made`); the site's own files, made of every department's, come last (`made`).
    """

    def __init__(
        self,
        tasks: Sequence[Future | None],
        made_here: Sequence[Callable[[], DepartmentDownloads]],
        site: Callable[[Sequence[DepartmentDownloads]], Downloads],
    ) -> None:
        self.tasks, self.made_here, self.site = tasks, made_here, site
        self.departments: list[DepartmentDownloads] = []  # in the catalog's order, as far as they are made
        self.all: Downloads | None = None  # serve keeps the last good site's parts through builds of bad content

    def newly_made(self) -> tuple[Download, ...]:
        """The files of the departments made since last asked, in order, up to the first whose task is running."""
        start = len(self.departments)
        while len(self.departments) < len(self.tasks) and _done(self.tasks[len(self.departments)]):
            self._take_next()
        return tuple(file for department in self.departments[start:] for file in department.files)

    def made(self) -> Downloads:
        """Every file: each department's, waited for, then the site's own."""
        if self.all is None:
            while len(self.departments) < len(self.tasks):
                self._take_next()
            self.all = self.site(self.departments)
        return self.all

    def _take_next(self) -> None:
        """The next department's files from its task, or made here if it had none or it failed (a worker lost)."""
        index = len(self.departments)
        self.departments.append(_result(self.tasks[index]) or self.made_here[index]())


def made_elsewhere(department: Department, urls: SiteUrls, dated: datetime, forms: str | None) -> DepartmentDownloads:
    """A cluster's task: the department's downloads, its forms kept in the folder `forms` when the worker can write it."""
    return department_downloads(department, urls, dated, FormCache(None if forms is None else Path(forms)))


def _done(task: Future | None) -> bool:
    """Whether the task has finished, well or not; with none the department is made here, at once."""
    return task is None or task.done()


def _result(task: Future | None) -> DepartmentDownloads | None:
    """What a task made, or None if there was none or it failed (a worker lost, a cluster gone)."""
    if task is None:
        return None
    try:
        return task.result()
    except Exception:  # noqa: BLE001 (the department's downloads are made here instead)
        return None


def forget() -> None:
    """Drop what making one site kept to make it faster: a process that builds again (`serve`, a
    province's worker building county after county) must not hold every build's projects."""
    outcome.cache_clear()
    pinyin_of.cache_clear()
