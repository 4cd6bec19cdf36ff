"""`python -m generator build` builds the site quietly, and says once what a build without site_url lacks."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from conftest import copy_project

NO_SITE_URL = "未设置网站地址 site_url（或环境变量 SITE_URL）"


def generator_build(project: Path, site_url: str | None = None) -> subprocess.CompletedProcess[str]:
    env = {key: value for key, value in os.environ.items() if key not in ("SITE_URL", "NO_MKDOCS_2_WARNING")}
    if site_url is not None:
        env["SITE_URL"] = site_url
    return subprocess.run(
        [sys.executable, "-m", "generator", "build", "--site-dir", str(project / "site")],
        cwd=project, env=env, capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip


def test_build_prints_no_end_of_life_banner_and_warns_once_without_site_url(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "project")
    built = generator_build(project)
    assert built.returncode == 0, built.stderr
    assert "end of life" not in built.stdout + built.stderr
    assert built.stderr.count(NO_SITE_URL) == 1
    assert "sitemap.xml 为空" in built.stderr
    assert "<url>" not in (project / "site/sitemap.xml").read_text(encoding="utf-8")


def test_with_site_url_the_sitemap_lists_every_page_by_its_full_address(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "project")
    built = generator_build(project, site_url="https://ys.example.gov.cn/zwgk/")
    assert built.returncode == 0, built.stderr
    assert NO_SITE_URL not in built.stderr
    sitemap = (project / "site/sitemap.xml").read_text(encoding="utf-8")
    assert "<loc>https://ys.example.gov.cn/zwgk/2024/203001/13022524P00442P10057D/</loc>" in sitemap
    assert "<loc>https://ys.example.gov.cn/zwgk/about/</loc>" in sitemap
    projects = (project / "site/downloads/all-projects.csv").read_bytes().decode("utf-8-sig")
    assert ",https://ys.example.gov.cn/zwgk/2024/203001/13022524P00442P10057D/\r\n" in projects


def test_build_passes_mkdocs_its_own_options(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "project")
    result = subprocess.run(
        [sys.executable, "-m", "generator", "build", "--no-such-option"],
        cwd=project, capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    assert result.returncode == 2
    assert "Usage: python -m generator build [OPTIONS]" in result.stderr
    assert "No such option '--no-such-option'" in result.stderr
