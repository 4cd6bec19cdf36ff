"""The MkDocs plugin: glue between MkDocs' events and our stages (its settings: settings.py).

Before MkDocs writes anything the content is loaded, validated and made into pages
and download files (`site.make_site`), so bad content stops the build with the
previous site in place; the build is written to a staging folder and published
all at once (`publish.py`). `serve` instead keeps serving the last good site, with
the problems at the top of every page, until they are fixed.
"""

from __future__ import annotations

import logging
import os
import re
import shutil
from collections.abc import Callable
from contextlib import ExitStack
from pathlib import Path

from jinja2 import Environment
from markdown import Markdown
from markdown.extensions.toc import nest_toc_tokens
from markupsafe import Markup, escape
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.livereload import LiveReloadServer
from mkdocs.plugins import BasePlugin, CombinedEvent, event_priority
from mkdocs.structure.files import File, Files, InclusionLevel
from mkdocs.structure.pages import Page
from mkdocs.structure.toc import get_toc
from mkdocs.utils import CountHandler, write_file

from generator.formats.forms_cache import FormCache
from generator.publish.atomic import (
    CACHE_DIR,
    BuildDate,
    discard,
    downloads_dir,
    move_into,
    promote,
    recover,
    staging_dir,
)
from generator.publish.compact import compact
from generator.publish.dates import last_changed
from generator.publish.executor import county_executor
from generator.publish.settings import BudgetPluginConfig, SettingError, publisher_of, raise_first
from generator.schema.categories import Categories, with_county
from generator.schema.model import Catalog
from generator.schema.problems import ContentError
from generator.schema.validate import load_catalog
from generator.site.downloads import Download, Downloads
from generator.site.parts import DownloadMissing, SiteParts, forget, make_site, written_here
from generator.site.portal import COUNTIES_FILE, Portal
from generator.site.publisher import Publisher
from generator.site.render import SIZE_MARK_START, PagePieces, page_pieces, problems_banner, with_sizes
from generator.site.urls import SiteUrls

log = logging.getLogger("mkdocs.plugins.budget")
#: Our templates, scripts and stylesheets, shipped in the package: a county's mkdocs.yml names no folder of ours.
THEME_DIR = Path(__file__).resolve().parent / "theme"


class BudgetPlugin(BasePlugin[BudgetPluginConfig]):
    """Generates the pages and download files of `content/` and publishes the build atomically."""

    def __init__(self) -> None:
        self.command = "build"
        self.site_name = ""  # as written in mkdocs.yml: our pages escape it themselves, downloads carry it as text
        self.catalog = Catalog(())
        self.publisher = Publisher()
        self.urls = SiteUrls()
        self.parts = SiteParts({}, Downloads(()))
        self.bodies: dict[str, PagePieces] = {}  # src_uri -> our page's HTML blocks and headings, Markdown never sees
        self.headings: Headings | None = None
        self.cluster = ExitStack()  # the county's Dask cluster, from pre_build until the downloads are made
        self.made_note = ""  # where the downloads were made, said once they are
        self.download_files: list[File] = []  # the downloads, files for MkDocs until it writes the pages
        self.downloads_dir: Path | None = None  # where the downloads are written meanwhile (atomic.downloads_dir)
        self.sizes: dict[str, int] = {}  # path -> bytes of each download made so far, for the pages that show them
        self.unsized: list[str] = []  # the pages written before a file they show was made: filled in on_post_build
        self.config_nav: list | None = None  # the nav written in mkdocs.yml (hand-written pages)
        self.site_dir: Path | None = None  # where the finished site goes
        self.staging: Path | None = None  # where this build is written meanwhile
        self.build_date = BuildDate()
        self.warnings = CountHandler()
        self.problems: str | None = None  # serve: the banner naming what is wrong with the content
        self.province: str | None = None  # a county built as a province's shard: the province site's name
        self.portal: Portal | None = None  # the province's own pages, built instead of a county's

    def load_config(self, options: dict, config_file_path: str | None = None) -> tuple[list, list]:
        """MkDocs checks the settings as it reads mkdocs.yml (settings.py); a wrong one stops it in our words."""
        errors, warnings = super().load_config(options, config_file_path)
        raise_first(errors, self.config)
        return errors, warnings

    def on_startup(self, *, command: str, dirty: bool) -> None:
        self.command = command

    def content_path(self, config: MkDocsConfig) -> Path:
        return Path(config.config_file_path or ".").parent / self.config.content_dir

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        # After the county's own custom_dir, which overrides ours, and before Material's, which ours extends.
        if str(THEME_DIR) not in config.theme.dirs:
            config.theme.dirs.insert(1 if config.theme.custom_dir else 0, str(THEME_DIR))
        if not isinstance(config.site_name, Markup):
            self.site_name = config.site_name
        # Material's templates print these unescaped (MkDocs' Jinja has no autoescape): as
        # Markup they print escaped there, and `| e` leaves them as they are.
        for key in ("site_name", "site_description", "site_author"):
            if isinstance(config[key], str) and not isinstance(config[key], Markup):
                config[key] = escape(config[key])
        if self.config_nav is None:  # on_files replaces config.nav on every build
            self.config_nav = list(config.nav or [])
        if self.config.offline:
            # Pages opened from file:// cannot rely on a server mapping folder/ to folder/index.html.
            config.use_directory_urls = False
        if self.command != "serve":
            self.site_dir = Path(config.site_dir)
            recover(self.site_dir)
            self.staging = staging_dir(self.site_dir)
            config.site_dir = str(self.staging)
            self.warnings = CountHandler()
            self.warnings.setLevel(logging.WARNING)
            logging.getLogger("mkdocs").addHandler(self.warnings)
        return config

    def on_pre_build(self, *, config: MkDocsConfig) -> None:
        content_dir = self.content_path(config)
        self.urls = SiteUrls(directory_urls=config.use_directory_urls, site_url=config.site_url or "")
        try:
            self.publisher = publisher_of(self.config, Path(config.docs_dir))
            if self.portal is not None:  # a province's own pages: no content of their own
                self.catalog, self.problems = Catalog(()), None
                self.parts = _portal_parts(self.portal, self.urls, self._emptied_downloads_dir(config))
                return
            self.catalog = self._load(content_dir, with_county(self.config.indicator_categories))
        except SettingError as error:
            self._refuse(str(error))
            return
        except ContentError as error:
            self._refuse(f"\n{error.report()}")
            return
        self.problems = None
        dated = self.build_date.set(content_dir, self.catalog)
        changed = last_changed(self.catalog, content_dir)
        forms = FormCache(Path(config.config_file_path).parent / CACHE_DIR / "forms")
        unkept = len(forms.missing(self.catalog.departments, dated))
        # The cluster writes the downloads while MkDocs writes the pages; on_post_build waits for them and lets it go.
        client = self.cluster.enter_context(county_executor(len(self.catalog.departments)))
        self.parts = make_site(
            self.catalog, self.site_name, self.urls, dated, self._emptied_downloads_dir(config),
            changed=changed, publisher=self.publisher, form_cache=forms, province=self.province, executor=client,
        )  # fmt: skip
        self.made_note = (
            f"budget: downloads of {len(self.catalog.departments)} departments made"
            f"{'' if client is None else ' on a Dask cluster'}; forms of {unkept} written, "
            f"{len(self.catalog.departments) - unkept} kept from earlier builds"
        )
        if not config.site_url and self.command != "serve" and self.province is None and self.portal is None:
            log.warning(
                "未设置网站地址 site_url（或环境变量 SITE_URL）：sitemap.xml 为空，引用和下载数据中的网址只有路径"
                "（如 /2024/）。发布前请在 mkdocs.yml 设置 site_url，或如 SITE_URL=https://www.example.gov.cn/ys/ "
                "python -m generator build"
            )
        log.info("budget: %d departments, %d projects", len(self.catalog.departments), len(self.catalog.projects))

    def _emptied_downloads_dir(self, config: MkDocsConfig) -> Path:
        """The folder this build's downloads are written into, rid of an earlier build's."""
        self.downloads_dir = downloads_dir(Path(config.site_dir))
        discard(self.downloads_dir)
        return self.downloads_dir

    def _load(self, content_dir: Path, categories: Categories) -> Catalog:
        """The content's catalog; a new county's first site, before any import, is a home page saying so.

        Empty content is refused once a site is published (load_catalog): it would replace the county's site.
        """
        published = self.site_dir is not None and (self.site_dir / "index.html").is_file()
        if not published and content_dir.is_dir() and not _holds_yaml(content_dir):
            return Catalog(())
        return load_catalog(content_dir, categories)

    def _refuse(self, report: str) -> None:
        """Bad content stops a build; `serve` goes on with the last good site and the problems on every page.

        MkDocs' live server answers no request after a failed build until one succeeds,
        so the person editing the content would see the browser hang instead of the report.
        """
        if self.command != "serve":
            raise PluginError(report) from None
        log.error(report)
        kept = bool(self.catalog.departments)  # content that never passed has no site to keep
        lines = report.strip().splitlines()
        self.problems = problems_banner(lines, kept)
        if not kept:
            self.parts = SiteParts({self.urls.home(): "# 网站尚未生成 {#not-built}\n"}, Downloads(()))

    def on_env(self, env: Environment, *, config: MkDocsConfig, files: Files) -> Environment:
        # MkDocs has read every page and writes them next, while the downloads are written into a
        # folder of their own: the pages show the sizes of those written by now, on_post_build moves them in.
        for download in self.download_files:
            files.remove(download)
        self._learn_sizes(self.parts.written_so_far)
        env.globals["budget_publisher"] = self.publisher  # theme/partials/copyright.html
        env.globals["budget_province"] = self.province  # theme/main.html: the link up to the province
        env.globals["budget_portal"] = self.portal is not None  # partials/search.html: the portal searches every county
        return env

    def on_files(self, files: Files, *, config: MkDocsConfig) -> Files:
        # Departments and projects stay out of the global navigation: it is rendered into
        # every page, so listing them makes the site quadratic in size (benchmarks/README.md).
        in_nav = {self.urls.home(), self.urls.quality(), self.urls.downloads(), self.urls.about()}
        in_nav |= {self.urls.year(year) for year in self.catalog.years}
        if self.portal is not None:
            in_nav.add(self.portal.portal_urls.counties(0))
        for src_uri, markdown in self.parts.pages.items():
            _refuse_clash(files, src_uri, "页面")
            self.bodies[src_uri] = body = page_pieces(markdown, src_uri)
            inclusion = InclusionLevel.UNDEFINED if src_uri in in_nav else InclusionLevel.NOT_IN_NAV
            files.append(File.generated(config, src_uri, content=body.front_matter + "\n", inclusion=inclusion))
        self.headings = Headings(config)
        self.download_files = []
        for download in self.parts.downloads.files:  # listed, to be linked to: written into downloads_dir
            _refuse_clash(files, download.path, "下载文件")
            self.download_files.append(File.generated(config, download.path, content=b""))
            files.append(self.download_files[-1])
        for path, content in self.parts.search:
            _refuse_clash(files, path, "搜索索引文件")
            files.append(File.generated(config, path, content=content))
        config.nav = self._navigation(files)
        return files

    def _navigation(self, files: Files) -> list:
        """Home, a page per year listing its departments, the quality report, the downloads, about, hand-written pages."""
        nav: list = [{"首页": self.urls.home()}]  # the header already shows the site's name, the home page's title
        nav.extend({f"{year}年": self.urls.year(year)} for year in self.catalog.years)
        if self.portal is not None:
            nav.append({"各县（市、区）": self.portal.portal_urls.counties(0)})
        # Served content that never passed has only the page of its problems.
        listed = (self.urls.quality(), self.urls.downloads(), self.urls.about())
        nav += [uri for uri in listed if uri in self.parts.pages]
        handwritten = self.config_nav or [
            file.src_uri for file in files.documentation_pages() if file.src_uri not in self.parts.pages
        ]
        return nav + list(handwritten)

    def on_pre_page(self, page: Page, *, config: MkDocsConfig, files: Files) -> Page:
        # MkDocs dates every page by the build (SOURCE_DATE_EPOCH: the content's last commit, in UTC);
        # sitemap.xml then gives search engines a day the pages do not say. They say 数据更新至.
        if self.parts.as_of is not None:
            page.update_date = self.parts.as_of.isoformat()
        return page

    def on_page_content(self, html: str, *, page: Page, config: MkDocsConfig, files: Files) -> str:
        body, headings = self.bodies.pop(page.file.src_uri, None), self.headings  # once made, no longer needed
        if body is None or headings is None:
            return html  # a hand-written page, which Markdown made
        tokens: list[dict] = []
        html = body.html(lambda heading: headings.html(heading, tokens))
        # What Markdown would have given MkDocs: the table of contents, and the ids links may point to.
        page.toc = get_toc(nest_toc_tokens(tokens))
        page.present_anchor_ids = {token["id"] for token in tokens}
        return html

    def on_post_page(self, output: str, *, page: Page, config: MkDocsConfig) -> str:
        output = with_sizes(compact(self._with_problems(output)), self.sizes)
        if SIZE_MARK_START in output:  # a file still being made: asked once more, else filled in on_post_build
            self._learn_sizes(self.parts.written_so_far)
            output = with_sizes(output, self.sizes)
            if SIZE_MARK_START in output:
                self.unsized.append(page.file.abs_dest_path)
        return output

    def _learn_sizes(self, written: Callable[[], dict[str, int]]) -> None:
        """The sizes of the downloads `written` (so far, or all, waiting for them)."""
        try:
            self.sizes = written()
        except DownloadMissing as error:
            raise PluginError(str(error)) from None

    def on_post_template(self, output_content: str, *, template_name: str, config: MkDocsConfig) -> str:
        return compact(self._with_problems(output_content)) if template_name.endswith(".html") else output_content

    def _with_problems(self, page: str) -> str:
        """The problems of the content being served at the top of the page's article."""
        if self.problems is None:
            return page
        article = re.search(r"<article\b[^>]*>", page)
        end = article.end() if article else 0
        return page[:end] + self.problems + page[end:]

    @event_priority(100)  # before any other plugin reads the site
    def _add_downloads(self, *, config: MkDocsConfig) -> None:
        """Every download into the site, and its size into the pages written before it was."""
        self._learn_sizes(self.parts.written)
        self.cluster.close()
        if self.made_note:
            log.info(self.made_note)
            self.made_note = ""
        if self.downloads_dir is not None and self.downloads_dir.is_dir():
            if self.command == "serve":  # kept for the builds that serve this site while its content is refused
                shutil.copytree(self.downloads_dir, config.site_dir, dirs_exist_ok=True)
            else:
                move_into(self.downloads_dir, Path(config.site_dir))
        for path in self.unsized:
            with open(path, encoding="utf-8") as page:
                filled = with_sizes(page.read(), self.sizes)
            write_file(filled.encode("utf-8"), path)

    @event_priority(-1000)  # after every other plugin has written its files
    def _publish(self, *, config: MkDocsConfig) -> None:
        self._end_build()
        if self.staging is None or self.site_dir is None:
            return
        if config.strict and self.warnings.get_counts():
            return  # MkDocs aborts right after this event; on_build_error discards the staging folder
        promote(self.staging, self.site_dir)
        config.site_dir = str(self.site_dir)
        self.staging = None

    on_post_build = CombinedEvent(_add_downloads, _publish)

    def on_build_error(self, *, error: Exception) -> None:
        self._end_build()
        if self.downloads_dir is not None:
            discard(self.downloads_dir)
        if self.staging is not None:
            discard(self.staging)
            self.staging = None

    def _end_build(self) -> None:
        self.build_date.forget()
        self.bodies.clear()
        self.headings = None
        self.cluster.close()  # a build that failed before its downloads were written
        self.download_files, self.sizes, self.unsized = [], {}, []
        forget()
        logging.getLogger("mkdocs").removeHandler(self.warnings)

    def release(self) -> None:
        """Let go of the last build's catalog and pages, once its caller has read what it needs of them."""
        self.catalog, self.parts = Catalog(()), SiteParts({}, Downloads(()))
        forget()

    def on_shutdown(self) -> None:
        if self.downloads_dir is not None:  # `serve` keeps it from build to build
            discard(self.downloads_dir)

    def on_serve(self, server: LiveReloadServer, *, config: MkDocsConfig, builder) -> LiveReloadServer:
        server.watch(str(self.content_path(config)))
        return server


class Headings:
    """Our pages' Markdown headings as the site's Markdown extensions make them (toc's permalinks, attr_list's ids).

    Each distinct heading is made once a build: 预算规模 is the same on every project page.
    """

    def __init__(self, config: MkDocsConfig) -> None:
        self.markdown = Markdown(extensions=config.markdown_extensions, extension_configs=config.mdx_configs or {})
        self.made: dict[str, tuple[str, tuple[dict, ...]]] = {}

    def html(self, heading: str, tokens: list[dict]) -> str:
        """The heading's HTML; its entries of the table of contents are added to `tokens`, unnested."""
        if heading not in self.made:
            self.markdown.reset()
            html = self.markdown.convert(heading)
            self.made[heading] = html, tuple(_flat(getattr(self.markdown, "toc_tokens", [])))
        html, made = self.made[heading]
        tokens.extend(dict(token) for token in made)  # nest_toc_tokens nests them in place
        return html


def _flat(tokens: list[dict]) -> list[dict]:
    return [entry for token in tokens for entry in ({**token, "children": []}, *_flat(token["children"]))]


def run_mkdocs(command: str, arguments: list[str]) -> int:
    """`mkdocs build` or `mkdocs serve` in this process, quiet about Material's end of life.

    Material prints its end-of-life banner when its theme is loaded from the `mkdocs`
    program, before any plugin runs; its documented switch, NO_MKDOCS_2_WARNING, is set here.
    """
    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
    from mkdocs.__main__ import cli

    try:
        cli.main(args=[command, *arguments], prog_name="python -m generator")
    except SystemExit as finished:
        return finished.code if isinstance(finished.code, int) else 1
    return 0


def build_site(
    config_file: Path,
    site_dir: Path,
    *,
    site_url: str | None = None,
    province: str | None = None,
    portal: Portal | None = None,
) -> BudgetPlugin:
    """One `mkdocs build` in this process: a county (a province's shard when `province` names it) or the portal.

    Returns the plugin, which holds what the build read (its catalog, the site's name).
    MkDocs' errors propagate as MkDocs raises them.
    """
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
    overrides: dict[str, str] = {"site_dir": str(site_dir)}
    if site_url is not None:
        overrides["site_url"] = site_url
    config = load_config(str(config_file), **overrides)
    plugin = next((p for p in config.plugins.values() if isinstance(p, BudgetPlugin)), None)
    if plugin is None:
        raise PluginError(f"{config_file}: 没有使用 budget 插件（应为 python -m generator new 建立的网站文件夹）")
    # MkDocs keeps one plugin instance per process across configs: what one build is told ends with it.
    plugin.province, plugin.portal = province, portal
    config.plugins.on_startup(command="build", dirty=False)
    try:
        build(config)
    finally:
        config.plugins.on_shutdown()
        plugin.province = plugin.portal = None
    return plugin


def _portal_parts(portal: Portal, urls: SiteUrls, folder: Path) -> SiteParts:
    counties = Download(COUNTIES_FILE, portal.counties_csv(), "CSV", "全省各县（市、区）各年度的汇总", ("site",))
    return SiteParts(
        portal.pages(urls), Downloads((counties,)), portal.search, written=written_here([counties], folder)
    )


def _holds_yaml(folder: Path) -> bool:
    """Whether anything under the folder is named as a content file, links not followed: then validation judges it."""
    return any(
        Path(name).suffix.lower() in (".yaml", ".yml")
        for _, folders, files in os.walk(folder)
        for name in folders + files
    )


def _refuse_clash(files: Files, path: str, kind: str) -> None:
    if files.get_file_from_path(path) is not None:
        raise PluginError(f"docs/{path} 与生成的{kind}重名，请改名或删除该文件")
