"""Shared fixtures: the real project, built into a temporary folder once per session."""

from __future__ import annotations

import html
import re
import shutil
from pathlib import Path

import pytest
from mkdocs.commands.build import build
from mkdocs.config import load_config

ROOT = Path(__file__).resolve().parent.parent
#: The tests' own copies of the seed: a county replaces the repository's content/ and sources/ with its own.
FIXTURES = ROOT / "tests" / "fixtures"
#: The department's published document as exported from Word (a copy of sources/2024-203001-zuzhibu.txt).
SEED = FIXTURES / "2024-203001-zuzhibu.txt"
#: The seed's content, imported from SEED (a copy of the repository's content/ as first published).
CONTENT = FIXTURES / "content"
PROJECT_FILES = ("mkdocs.yml", "docs")


def copy_project(destination: Path, content: Path | None = None) -> Path:
    """A copy of the project (config, docs, theme) with the given content folder."""
    destination.mkdir(parents=True, exist_ok=True)
    for name in PROJECT_FILES:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, destination / name)
        else:
            shutil.copy2(source, destination / name)
    shutil.copytree(content or CONTENT, destination / "content")
    return destination


def build_site(project: Path, site_dir: Path | None = None, **overrides) -> Path:
    """Run the real MkDocs build of a project folder; returns the site folder."""
    site_dir = site_dir or project / "site"
    config = load_config(str(project / "mkdocs.yml"), site_dir=str(site_dir), **overrides)
    config.plugins.on_startup(command="build", dirty=False)
    try:
        build(config)
    finally:
        config.plugins.on_shutdown()
    return site_dir


@pytest.fixture(scope="session")
def seed_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The seed department's site, built once from the tests' copy of the seed content."""
    project = copy_project(tmp_path_factory.mktemp("seed-project"))
    return build_site(project)


@pytest.fixture(scope="session")
def two_year_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The seed department in 2024 and a second year, 2025, made from it (tests/two_years.py)."""
    from two_years import content_with_two_years

    content = content_with_two_years(CONTENT, tmp_path_factory.mktemp("two-years") / "content")
    return build_site(copy_project(tmp_path_factory.mktemp("two-years-project"), content))


def page_text(path: Path) -> str:
    """The visible text of an HTML page's article, tags removed and entities decoded."""
    source = path.read_text(encoding="utf-8")
    article = re.search(r"<article[^>]*>(.*)</article>", source, re.DOTALL)
    body = article.group(1) if article else source
    body = re.sub(r"<(script|style)\b.*?</\1>", " ", body, flags=re.DOTALL)
    return html.unescape(re.sub(r"<[^>]+>", " ", body))
