"""The MkDocs plugin: the one module that knows about MkDocs.

`mkdocs build` runs the whole pipeline: before MkDocs cleans the output folder
the content is loaded, validated and rendered in memory (so bad content stops
the build with the previous site still in place), then the pages are added to
the build as generated files. Moving to another MkDocs-compatible builder means
rewriting only this module.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path

from material.plugins.search.plugin import SearchIndex as MaterialSearchIndex
from mkdocs.config import config_options
from mkdocs.config.base import Config
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.livereload import LiveReloadServer
from mkdocs.plugins import BasePlugin, event_priority
from mkdocs.structure.files import File, Files, InclusionLevel
from mkdocs.structure.pages import Page
from mkdocs.utils import CountHandler

from generator import search
from generator.downloads import Downloads
from generator.model import Catalog
from generator.problems import ContentError
from generator.publish import content_epoch, discard, promote, staging_dir
from generator.render import SiteLayout, fill_sizes, restore_html_blocks, set_aside_html_blocks
from generator.site_parts import SiteParts, start_child
from generator.validate import load_catalog

log = logging.getLogger("mkdocs.plugins.budget")


class BudgetPluginConfig(Config):
    content_dir = config_options.Type(str, default="content")
    """Folder of the YAML content, relative to mkdocs.yml."""


class BudgetPlugin(BasePlugin[BudgetPluginConfig]):
    """Generates the pages and download files of `content/` and publishes the build atomically."""

    def __init__(self) -> None:
        self.catalog: Catalog | None = None
        self.html_blocks: dict[str, tuple[str, ...]] = {}  # src_uri -> blocks set aside from Markdown
        self.downloads = Downloads(())
        self.layout = SiteLayout()
        self.command = "build"
        self.site_dir: Path | None = None  # where the finished site goes
        self.staging: Path | None = None  # where this build is written meanwhile
        self.epoch_was_set_here = False
        self.warnings = CountHandler()
        self.config_nav: list | None = None  # the nav written in mkdocs.yml (hand-written pages)
        self.search_index: MaterialSearchIndex | None = None  # Material's index of this build, if search is on
        self.search_rewriter: search.BackgroundRewriter | None = None
        self.parts: SiteParts | None = None  # the pages and download files, made in a second process
        self.generated_pages: set[str] = set()  # src_uri of every page made from the content
        self.download_files: list[File] = []  # the MkDocs files of self.downloads.files, in order

    def on_startup(self, *, command: str, dirty: bool) -> None:
        self.command = command

    def content_path(self, config: MkDocsConfig) -> Path:
        return Path(config.config_file_path or ".").parent / self.config.content_dir

    def on_pre_build(self, *, config: MkDocsConfig) -> None:
        # Runs before MkDocs writes anything: bad content stops the build with the site untouched.
        self._close_background()
        child = start_child()  # starts up while the content loads
        content_dir = self.content_path(config)
        try:
            self.catalog = load_catalog(content_dir)
        except BaseException as error:
            child.close()
            if isinstance(error, ContentError):
                raise PluginError(f"\n{error.report()}") from None
            raise
        self._date_build_from_content(content_dir, self.catalog)
        self.layout = SiteLayout(directory_urls=config.use_directory_urls, site_url=config.site_url or "")
        # The pages and the download files are made in a second process from here on
        # (site_parts.py); MkDocs gets each page when it reads it (on_page_read_source)
        # and the files' bytes and sizes just before it writes anything (on_env).
        self.parts = SiteParts(self.catalog, config.site_name, self.layout, child)
        self.downloads = self.parts.listing
        self.generated_pages = set(self.parts.page_uris)
        log.info(
            "budget: %d departments, %d projects from %s",
            len(self.catalog.departments),
            len(self.catalog.projects),
            self.config.content_dir,
        )

    def on_files(self, files: Files, *, config: MkDocsConfig) -> Files:
        assert self.catalog is not None
        nav_pages = {self.layout.home()} | {self.layout.year(year) for year in self.catalog.years}
        for src_uri in self.parts.page_uris:
            if files.get_file_from_path(src_uri) is not None:
                raise PluginError(f"docs/{src_uri} 与生成的页面重名，请改名或删除该文件")
            # Departments and projects stay out of the global navigation: the nav is rendered
            # into every page, so a nav listing them makes the site quadratic in size (with
            # 100 departments it added 28 KB to every page; see benchmarks/README.md).
            inclusion = InclusionLevel.UNDEFINED if src_uri in nav_pages else InclusionLevel.NOT_IN_NAV
            # The Markdown comes in on_page_read_source, when MkDocs reads the page.
            files.append(File.generated(config, src_uri, content="", inclusion=inclusion))
        self.download_files = []
        for download in self.downloads.files:
            if files.get_file_from_path(download.path) is not None:
                raise PluginError(f"docs/{download.path} 与生成的下载文件重名，请改名或删除该文件")
            self.download_files.append(File.generated(config, download.path, content=download.content or b""))
            files.append(self.download_files[-1])
        config.nav = self._navigation(files, config)
        return files

    def _navigation(self, files: Files, config: MkDocsConfig) -> list:
        """Home, one page per year listing its departments, the downloads, then the hand-written pages."""
        assert self.catalog is not None
        nav: list = [self.layout.home()]
        nav.extend({f"{year}年": self.layout.year(year)} for year in self.catalog.years)
        nav.append(self.layout.downloads())
        handwritten = self.config_nav or [
            file.src_uri for file in files.documentation_pages() if file.src_uri not in self.generated_pages
        ]
        return nav + list(handwritten)

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        # Remember the nav of mkdocs.yml once: on_files replaces config.nav on every build.
        if self.config_nav is None:
            self.config_nav = list(config.nav or [])
        if _offline_enabled(config):
            # Pages opened from file:// cannot rely on a server mapping folder/ to folder/index.html.
            config.use_directory_urls = False
        if self.command != "serve":
            # Build into a staging folder; on_post_build swaps it in only when complete.
            self.site_dir = Path(config.site_dir)
            self.staging = staging_dir(self.site_dir)
            discard(self.staging)
            config.site_dir = str(self.staging)
            self.warnings = CountHandler()
            self.warnings.setLevel(logging.WARNING)
            logging.getLogger("mkdocs").addHandler(self.warnings)
        return config

    @event_priority(-1000)  # after every other plugin has written its files (search index, offline)
    def on_post_build(self, *, config: MkDocsConfig) -> None:
        sizes = search.rewrite_index_file(
            Path(config.site_dir) / "search" / "search_index.json", self.search_rewriter
        )
        self.search_rewriter = None
        if sizes:
            log.info("budget: search index %d -> %d bytes (Chinese sub-words added)", *sizes)
        self._forget_epoch()
        logging.getLogger("mkdocs").removeHandler(self.warnings)
        if self.staging is None or self.site_dir is None:
            return
        if config.strict and self.warnings.get_counts():
            return  # MkDocs aborts right after this event; on_build_error discards the staging folder
        promote(self.staging, self.site_dir)
        config.site_dir = str(self.site_dir)
        self.staging = None

    def on_build_error(self, *, error: Exception) -> None:
        self._close_background()
        self._forget_epoch()
        logging.getLogger("mkdocs").removeHandler(self.warnings)
        if self.staging is not None:
            discard(self.staging)
            self.staging = None

    def _date_build_from_content(self, content_dir: Path, catalog: Catalog) -> None:
        """Reproducible builds: the date in sitemap.xml(.gz) comes from the content, not the clock."""
        if "SOURCE_DATE_EPOCH" not in os.environ:
            os.environ["SOURCE_DATE_EPOCH"] = str(content_epoch(content_dir, catalog))
            self.epoch_was_set_here = True

    def _forget_epoch(self) -> None:
        if self.epoch_was_set_here:
            os.environ.pop("SOURCE_DATE_EPOCH", None)
            self.epoch_was_set_here = False

    def _start_search_rewrite(self, config: MkDocsConfig) -> None:
        """Rewrite Material's index entries in a second process as the pages are built (search.py)."""
        self.search_index = _unsegmented_search_index(config)
        self.search_rewriter = search.BackgroundRewriter() if self.search_index is not None else None

    @event_priority(-100)  # after Material's search plugin has indexed the page
    def on_page_context(self, context, *, page: Page, config: MkDocsConfig, nav):
        if self.search_rewriter is not None and self.search_index is not None:
            entries = self.search_index.entries
            self.search_rewriter.send(entries[len(self.search_rewriter.sent) :])
        return context

    def on_page_read_source(self, *, page: Page, config: MkDocsConfig) -> str | None:
        src_uri = page.file.src_uri
        if self.parts is None or src_uri not in self.generated_pages:
            return None  # a hand-written page
        skeleton, self.html_blocks[src_uri] = set_aside_html_blocks(self.parts.markdown(src_uri))
        return skeleton

    def on_env(self, env, *, config: MkDocsConfig, files: Files):
        # Runs after every page is read and converted, right before MkDocs writes the files.
        assert self.parts is not None
        self.downloads = self.parts.downloads()
        for file, download in zip(self.download_files, self.downloads.files):
            file.content_bytes = download.content
        sizes = {download.path: download.size for download in self.downloads.files}
        for src_uri in self.generated_pages:
            page = files.get_file_from_path(src_uri).page
            page.content = fill_sizes(page.content, sizes)
        # Started now, when the pages' second process is done: it loads jieba's dictionary
        # while MkDocs renders the first pages, and cuts their index entries as they come.
        self._start_search_rewrite(config)
        return env

    def _close_background(self) -> None:
        """Stop what a failed or unfinished build left running."""
        if self.parts is not None:
            self.parts.close()
            self.parts = None
        if self.search_rewriter is not None:
            self.search_rewriter.close()
            self.search_rewriter = None

    def on_page_content(self, html: str, *, page: Page, config: MkDocsConfig, files: Files) -> str:
        blocks = self.html_blocks.pop(page.file.src_uri, None)  # once restored, no longer needed
        return restore_html_blocks(html, blocks) if blocks else html

    def on_serve(self, server: LiveReloadServer, *, config: MkDocsConfig, builder) -> LiveReloadServer:
        server.watch(str(self.content_path(config)))
        return server


class UnsegmentedSearchIndex(MaterialSearchIndex):
    """Material's search index without its own jieba pass over every page.

    on_post_build cuts every entry of the index again, finer (generator/search.py,
    which strips Material's separators first), so Material's cut never reaches the
    site: it was 1.5 s of a 1,000-project build (benchmarks/README.md).
    """

    def _segment_chinese(self, data: str) -> str:
        return data


def _unsegmented_search_index(config: MkDocsConfig) -> MaterialSearchIndex | None:
    """Material's search index of this build, made an UnsegmentedSearchIndex; None if search is off."""
    search_plugin = config.plugins.get("material/search")
    if search_plugin is None or not search_plugin.config.get("enabled", True):
        return None
    index = getattr(search_plugin, "search_index", None)
    if type(index) is MaterialSearchIndex:  # only Material's own; leave anything else alone
        search_plugin.search_index = index = UnsegmentedSearchIndex(**search_plugin.config)
    return index if isinstance(index, MaterialSearchIndex) else None


def _offline_enabled(config: MkDocsConfig) -> bool:
    """Whether Material's offline plugin (a site for file://) is on in this build."""
    for name, plugin in config.plugins.items():
        if name.endswith("offline") and getattr(plugin, "config", None) is not None:
            return bool(plugin.config.get("enabled", True))
    return False
