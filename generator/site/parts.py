"""The site's generated parts, made in one pure step from the validated catalog.

Every page's Markdown, every download file's bytes and the search index's files: the
plugin hands them to MkDocs as generated files. The downloads come first because
pages show their sizes.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime

from generator.formats.forms_cache import FormCache
from generator.schema.model import Catalog
from generator.site.downloads import Downloads, build_downloads
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

    pages: dict[str, str]  # src_uri -> Markdown, in build order
    downloads: Downloads
    search: tuple[tuple[str, bytes], ...] = ()  # (path, bytes) of the search index's files
    as_of: date | None = None  # the day the pages say 数据更新至: every page's lastmod in sitemap.xml


def make_site(
    catalog: Catalog,
    site_name: str,
    urls: SiteUrls,
    dated: datetime,
    changed: Mapping[tuple[int, str], date] | None = None,
    publisher: Publisher | None = None,
    form_cache: FormCache | None = None,
    province: str | None = None,
) -> SiteParts:
    """`dated` is the build's date, which the Word and Excel files record (the content's, not the clock's);
    `changed` the day each department's files last changed (generator.publish.dates), for its 更新日期;
    `publisher` who runs the site, for the about page; `form_cache` where departments' forms are kept
    between builds (none: every form is written); `province` the province's site name when the county is
    built as one of its shards."""
    # The search index first: it needs no download, so it is made while forms are written elsewhere.
    search = tuple(index_files(catalog, urls, province))
    history, review = History(catalog), Review(catalog)
    downloads = build_downloads(history, review, site_name, urls, dated, form_cache)
    renderer = Renderer(site_name, history, urls, downloads, review, changed, publisher)
    return SiteParts(renderer.pages(), downloads, search, renderer.data_as_of)


def forget() -> None:
    """Drop what making one site kept to make it faster: a process that builds again (`serve`, a
    province's worker building county after county) must not hold every build's projects."""
    outcome.cache_clear()
    pinyin_of.cache_clear()
