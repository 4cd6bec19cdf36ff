"""The plugin brings its own theme folder: a county's mkdocs.yml names none, and its own custom_dir still wins."""

from __future__ import annotations

import shutil
from pathlib import Path

from conftest import CONTENT, build_site

PROJECT_PAGE = Path("2024", "203001", "13022524P00442P10057D", "index.html")
CONFIG = """\
site_name: 某某县预算绩效目标公开
theme:
  name: material
  language: zh
{custom_dir}
markdown_extensions:
  - attr_list
  - toc:
      permalink: true
plugins:
  - budget
"""


def _project(tmp_path: Path, custom_dir: str = "") -> Path:
    """A county folder with the seed's content and a mkdocs.yml that names no theme folder of ours."""
    (tmp_path / "docs").mkdir()
    shutil.copytree(CONTENT, tmp_path / "content")
    (tmp_path / "mkdocs.yml").write_text(CONFIG.format(custom_dir=custom_dir), encoding="utf-8")
    return tmp_path


def test_the_plugin_adds_its_theme_folder_itself(tmp_path: Path) -> None:
    site = build_site(_project(tmp_path))
    page = (site / PROJECT_PAGE).read_text(encoding="utf-8")
    assert "assets/stylesheets/budget.css" in page
    assert "assets/javascripts/reading.js" in page
    assert 'localStorage.getItem("bp-reading")' in page  # main.html applies the reading mode before the page is drawn
    assert (site / "assets" / "javascripts" / "search.js").is_file()
    assert (site / "assets" / "stylesheets" / "budget.css").is_file()
    assert "页面不存在" in (site / "404.html").read_text(encoding="utf-8")


def test_a_countys_own_custom_dir_wins_over_ours_and_ours_over_materials(tmp_path: Path) -> None:
    project = _project(tmp_path, "  custom_dir: county_theme")
    (project / "county_theme" / "partials").mkdir(parents=True)
    (project / "county_theme" / "partials" / "copyright.html").write_text(
        '<div class="county-footer">本县自己的页脚</div>', encoding="utf-8"
    )
    site = build_site(project)
    page = (site / PROJECT_PAGE).read_text(encoding="utf-8")
    assert '<div class="county-footer">本县自己的页脚</div>' in page
    assert "assets/javascripts/reading.js" in page  # our main.html, not Material's
