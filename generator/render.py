"""Render the validated catalog into Markdown pages (with HTML blocks) for MkDocs.

Templates hold the markup; this module holds the logic they need. Every text
from the content passes through Jinja's autoescape, and pages are mostly raw
HTML blocks, which Markdown leaves alone: a `|`, `*` or `[x](javascript:…)`
typed by staff can never become table syntax, emphasis or a link.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from functools import partial
from html import unescape
from typing import TYPE_CHECKING

import jinja2
from markupsafe import Markup, escape

from generator import charts
from generator.model import Catalog, Department, Indicator, Project

if TYPE_CHECKING:  # downloads imports SiteLayout from here
    from generator.downloads import Download, Downloads


@dataclass(frozen=True)
class RenderedPage:
    """One generated page: where it lives in the docs tree, and its Markdown."""

    src_uri: str  # e.g. "2024/203001/13022524P00442P10057D.md"
    markdown: str


@dataclass(frozen=True)
class SiteLayout:
    """Where each page lives, and how one page links to another.

    Links inside HTML blocks are not rewritten by MkDocs, so they are written
    here as final relative URLs, for either URL style of `use_directory_urls`.
    """

    directory_urls: bool = True
    site_url: str = ""  # config.site_url, ending in "/", or "" when unset

    def home(self) -> str:
        return "index.md"

    def department(self, department: Department) -> str:
        return f"{department.year}/{department.code}/index.md"

    def project(self, department: Department, project: Project) -> str:
        return f"{department.year}/{department.code}/{project.code}.md"

    def year(self, year: int) -> str:
        return f"{year}/index.md"

    def downloads(self) -> str:
        return "downloads/index.md"

    def url(self, src_uri: str) -> str:
        """The URL path of a page, relative to the site root (src_uri is a clean path: a/b/c.md)."""
        stem = src_uri.removesuffix(".md")
        if not self.directory_urls:
            return f"{stem}.html"
        if stem == "index" or stem.endswith("/index"):
            return stem.removesuffix("index")
        return f"{stem}/"

    def link(self, from_src: str, to_src: str) -> str:
        """A relative link from one page to another, as the browser resolves it."""
        target = self.url(to_src)
        relative = _relative(target.rstrip("/"), self.url(from_src))
        if target.endswith("/") or not target:
            relative = "./" if relative == "." else relative + "/"
        return relative

    def file_link(self, from_src: str, path: str) -> str:
        """A relative link from a page to a file served as is (a download), given its path from the site root."""
        return _relative(path, self.url(from_src))

    def public_url(self, src_uri: str) -> str:
        """The address to cite a page by: absolute when site_url is set, else its path from the site root."""
        return f"{self.site_url}{self.url(src_uri)}" if self.site_url else f"/{self.url(src_uri)}"


def _relative(target: str, here: str) -> str:
    """The path from the page at URL `here` to `target`, both relative to the site root.

    Plain string work: posixpath.relpath asks the file system for the working
    directory on every call, ten thousand times a build.
    """
    base = [part for part in here.split("/")[:-1] if part]  # the folder the browser resolves from
    parts = [part for part in target.split("/") if part]
    common = 0
    while common < min(len(base), len(parts)) and base[common] == parts[common]:
        common += 1
    return "/".join([".."] * (len(base) - common) + parts[common:]) or "."


def format_amount(value: Decimal | None) -> str:
    """Money as published: two decimals and thousands separators (4,916.86)."""
    return "" if value is None else f"{value:,.2f}"


def format_percent(value: Decimal | None) -> str:
    """A plan point as the form writes it: 20%, 12.5%."""
    if value is None:
        return ""
    text = f"{value.normalize():f}"
    return f"{text}%"


def format_share(value: Decimal) -> str:
    return f"{value:.2f}%"


def format_size(size: int) -> str:
    """A file size as a reader expects it: 812 字节, 3.3 KB, 1.2 MB."""
    if size < 1024:
        return f"{size} 字节"
    if size < 1024 * 1024:
        return f"{size / 1024:.1f} KB"
    return f"{size / 1024 / 1024:.1f} MB"


#: Where a file's size goes in a page rendered before the file's bytes exist (plugin.py).
SIZE_PLACEHOLDER = re.compile(r"<!--bp-size:([^>]*)-->")


def size_note(file: Download) -> Markup:
    """A file's size for a reader, with the exact bytes on hover; a placeholder until the bytes exist."""
    if file.size is None:
        return Markup("<!--bp-size:{}-->").format(file.path)
    return _size_note(file.size)


def _size_note(size: int) -> Markup:
    return Markup('<span title="{} 字节">{}</span>').format(size, format_size(size))


def fill_sizes(html: str, sizes: Mapping[str, int]) -> str:
    """Put the sizes of the files into a page rendered with placeholders for them."""
    return SIZE_PLACEHOLDER.sub(lambda match: _size_note(sizes[unescape(match.group(1))]), html)


def multiline(text: str) -> Markup:
    """Escape text and keep its line breaks, as the cell in the Word file has them."""
    if "\n" not in text:
        return escape(text)
    return Markup("<br>\n").join(escape(line) for line in text.split("\n"))


@dataclass(frozen=True)
class IndicatorRow:
    """An indicator with the rowspan of its merged 一级指标 cell (0 = covered by the row above)."""

    indicator: Indicator
    level1_rowspan: int


def indicator_rows(indicators: tuple[Indicator, ...]) -> list[IndicatorRow]:
    """Merge consecutive equal 一级指标 cells, as the official form prints them."""
    rows: list[IndicatorRow] = []
    start = 0
    while start < len(indicators):
        end = start
        while end + 1 < len(indicators) and indicators[end + 1].level1 == indicators[start].level1:
            end += 1
        span = end - start + 1
        rows.extend(IndicatorRow(indicators[i], span if i == start else 0) for i in range(start, end + 1))
        start = end + 1
    return rows


def indicator_anchor(project: Project, indicator: Indicator) -> str:
    """The HTML id of an indicator row: the project code plus the row's own stable id."""
    return f"{project.code}-{indicator.id}"


def front_matter(title: str) -> str:
    """YAML front matter; JSON is valid YAML, so json.dumps quotes any title safely.

    Material puts page.title unescaped into <title> and the navigation, so the
    title is stored HTML-escaped: the browser then shows the text as typed.
    """
    return f"---\ntitle: {json.dumps(str(escape(title)), ensure_ascii=False)}\n---\n\n"


def _environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("generator", "templates"),
        auto_reload=False,  # a Renderer lives for one build; no need to stat the template on every page
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        # Markdown heading ids are written {#id}: keep Jinja's comments out of their way.
        comment_start_string="{##",
        comment_end_string="##}",
    )
    env.filters.update(
        amount=format_amount,
        percent=format_percent,
        share=format_share,
        multiline=multiline,
        size_note=size_note,
    )
    env.globals.update(indicator_rows=indicator_rows, indicator_anchor=indicator_anchor)
    return env


class Renderer:
    """Renders every page of the catalog; one Jinja environment for the whole build."""

    def __init__(self, site_name: str, layout: SiteLayout | None = None, downloads: Downloads | None = None) -> None:
        self.site_name = site_name
        self.layout = layout or SiteLayout()
        self.downloads = downloads
        self.env = _environment()

    def _render(self, template: str, src_uri: str, title: str, **context: object) -> RenderedPage:
        layout = self.layout

        def link(target: str) -> str:
            return layout.link(src_uri, target)

        def file_link(path: str) -> str:
            return layout.file_link(src_uri, path)

        def files_of(*owner: object) -> tuple:
            return self.downloads.of(*owner) if self.downloads else ()

        def files_within(year: int, department_code: str) -> tuple:
            return self.downloads.within(year, department_code) if self.downloads else ()

        body = self.env.get_template(template).render(
            link=link,
            file_link=file_link,
            files_of=files_of,
            files_within=files_within,
            has_downloads=self.downloads is not None,
            here=layout.public_url(src_uri),
            layout=layout,
            site_name=self.site_name,
            **context,
        )
        return RenderedPage(src_uri, front_matter(title) + body)

    def home(self, catalog: Catalog) -> RenderedPage:
        return self._render("home.md.j2", self.layout.home(), self.site_name, catalog=catalog)

    def year(self, catalog: Catalog, year: int) -> RenderedPage:
        return self._render("year.md.j2", self.layout.year(year), f"{year}年", catalog=catalog, year=year)

    def department(self, department: Department) -> RenderedPage:
        return self._render(
            "department.md.j2",
            self.layout.department(department),
            department.name,
            department=department,
            chart=charts.share_chart(department),
        )

    def project(self, department: Department, project: Project) -> RenderedPage:
        return self._render(
            "project.md.j2",
            self.layout.project(department, project),
            project.name,
            department=department,
            project=project,
            chart=charts.plan_chart(project),
        )

    def downloads_page(self, catalog: Catalog, downloads: Downloads) -> RenderedPage:
        return self._render("downloads.md.j2", self.layout.downloads(), "下载数据", catalog=catalog, downloads=downloads)

    def page_makers(self, catalog: Catalog) -> dict[str, Callable[[], RenderedPage]]:
        """Every page of the catalog by src_uri, in build order, each rendered when called."""
        layout = self.layout
        makers: dict[str, Callable[[], RenderedPage]] = {layout.home(): partial(self.home, catalog)}
        for year in catalog.years:
            makers[layout.year(year)] = partial(self.year, catalog, year)
        for department in catalog.departments:
            makers[layout.department(department)] = partial(self.department, department)
            for project in department.projects:
                makers[layout.project(department, project)] = partial(self.project, department, project)
        if self.downloads is not None:
            makers[layout.downloads()] = partial(self.downloads_page, catalog, self.downloads)
        return makers

    def all_pages(self, catalog: Catalog) -> list[RenderedPage]:
        return [make() for make in self.page_makers(catalog).values()]


BLOCK_PLACEHOLDER = re.compile(r"<!--bp-block-(\d+)-->")


def set_aside_html_blocks(markdown_page: str) -> tuple[str, tuple[str, ...]]:
    """The page with each raw HTML block replaced by a placeholder comment, and the blocks.

    Our pages are mostly HTML already escaped by Jinja; Python-Markdown would only
    re-parse every tag of it to pass it through unchanged, which was the largest
    part of a 1,000-project build. Headings stay Markdown, so the table of contents
    and the heading permalinks work as before; `restore_html_blocks` puts the blocks back.
    """
    blocks: list[str] = []
    chunks = markdown_page.split("\n\n")
    for index, chunk in enumerate(chunks):
        if chunk.startswith("<") and not chunk.startswith("<!--"):
            chunks[index] = f"<!--bp-block-{len(blocks)}-->"
            blocks.append(chunk)
    return "\n\n".join(chunks), tuple(blocks)


def restore_html_blocks(html: str, blocks: tuple[str, ...]) -> str:
    return BLOCK_PLACEHOLDER.sub(lambda match: blocks[int(match.group(1))], html)
