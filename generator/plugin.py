"""The MkDocs plugin: the one module that knows about MkDocs.

`mkdocs build` runs the whole pipeline: before MkDocs cleans the output folder
the content is loaded, validated and rendered in memory (so bad content stops
the build with the previous site still in place), then the pages are added to
the build as generated files. Moving to another MkDocs-compatible builder means
rewriting only this module.
"""

from __future__ import annotations

import logging
from pathlib import Path

from mkdocs.config import config_options
from mkdocs.config.base import Config
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.livereload import LiveReloadServer
from mkdocs.plugins import BasePlugin
from mkdocs.structure.files import File, Files, InclusionLevel

from generator.model import Catalog
from generator.problems import ContentError
from generator.render import RenderedPage, Renderer, SiteLayout
from generator.validate import load_catalog

log = logging.getLogger("mkdocs.plugins.budget")


class BudgetPluginConfig(Config):
    content_dir = config_options.Type(str, default="content")
    """Folder of the YAML content, relative to mkdocs.yml."""


class BudgetPlugin(BasePlugin[BudgetPluginConfig]):
    """Generates the home, department and project pages from `content/`."""

    def __init__(self) -> None:
        self.catalog: Catalog | None = None
        self.pages: list[RenderedPage] = []
        self.layout = SiteLayout()

    def content_path(self, config: MkDocsConfig) -> Path:
        return Path(config.config_file_path or ".").parent / self.config.content_dir

    def on_pre_build(self, *, config: MkDocsConfig) -> None:
        # Runs before MkDocs empties site_dir: a content error leaves the old site intact.
        try:
            self.catalog = load_catalog(self.content_path(config))
        except ContentError as error:
            raise PluginError(f"\n{error.report()}") from None
        self.layout = SiteLayout(directory_urls=config.use_directory_urls)
        renderer = Renderer(config.site_name, self.layout)
        self.pages = renderer.all_pages(self.catalog)
        log.info(
            "budget: %d departments, %d projects from %s",
            len(self.catalog.departments),
            len(self.catalog.projects),
            self.config.content_dir,
        )

    def on_files(self, files: Files, *, config: MkDocsConfig) -> Files:
        assert self.catalog is not None
        nav_pages = {self.layout.home()} | {self.layout.department(d) for d in self.catalog.departments}
        for page in self.pages:
            existing = files.get_file_from_path(page.src_uri)
            if existing is not None:
                raise PluginError(f"docs/{page.src_uri} 与生成的页面重名，请改名或删除该文件")
            # Projects stay out of the global navigation: a nav listing every project
            # is rendered into every page and makes the site quadratic in size.
            inclusion = InclusionLevel.UNDEFINED if page.src_uri in nav_pages else InclusionLevel.NOT_IN_NAV
            files.append(File.generated(config, page.src_uri, content=page.markdown, inclusion=inclusion))
        config.nav = self._navigation(files, config)
        return files

    def _navigation(self, files: Files, config: MkDocsConfig) -> list:
        """Home, one section per year listing its departments, then the hand-written pages."""
        assert self.catalog is not None
        generated = {page.src_uri for page in self.pages}
        nav: list = [self.layout.home()]
        for year in self.catalog.years:
            nav.append({f"{year}年": [self.layout.department(d) for d in self.catalog.departments_of(year)]})
        handwritten = self.config_nav or [
            file.src_uri for file in files.documentation_pages() if file.src_uri not in generated
        ]
        return nav + list(handwritten)

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        # Remember the nav of mkdocs.yml once: on_files replaces config.nav on every build.
        if not hasattr(self, "config_nav"):
            self.config_nav = list(config.nav or [])
        return config

    def on_serve(self, server: LiveReloadServer, *, config: MkDocsConfig, builder) -> LiveReloadServer:
        server.watch(str(self.content_path(config)))
        return server
