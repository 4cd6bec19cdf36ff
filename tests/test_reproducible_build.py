"""Builds are reproducible, and a failed build never replaces or damages the published site."""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import mkdocs.utils
import pytest
from conftest import build_site, copy_project
from mkdocs.exceptions import Abort

from generator.formats.zips import FILE_MODE, ZIP_DATE

SITE_URL = "https://example.gov.cn/zwgk/ys/"


def digest_tree(root: Path) -> dict[str, str]:
    return {
        str(path.relative_to(root)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }


class _ThreeDaysLater(dt.datetime):
    @classmethod
    def now(cls, tz: dt.tzinfo | None = None) -> dt.datetime:  # type: ignore[override]
        return dt.datetime.now(tz) + dt.timedelta(days=3)


def test_two_builds_on_different_days_are_byte_identical(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    project = copy_project(tmp_path / "project")
    first = digest_tree(build_site(project, tmp_path / "first", site_url=SITE_URL))
    monkeypatch.setattr(mkdocs.utils, "datetime", _ThreeDaysLater)
    second = digest_tree(build_site(project, tmp_path / "second", site_url=SITE_URL))
    assert first == second
    for name in ("sitemap.xml", "sitemap.xml.gz", "search/meta.js", "index.html"):
        assert name in first
    sitemap = (tmp_path / "first" / "sitemap.xml").read_text(encoding="utf-8")
    assert "<lastmod>" in sitemap  # the day the pages say 数据更新至 (tests/test_sitemap_dates.py)


CONTENT_TIME = 1_717_200_000  # 2024-06-01: the content's files keep this time in both builds


def _build_in_subprocess(project: Path, site: Path, zone: str, umask: int) -> None:
    env = {key: value for key, value in os.environ.items() if key not in ("SOURCE_DATE_EPOCH", "SITE_URL")}
    built = subprocess.run(
        [sys.executable, "-m", "generator", "build", "--site-dir", str(site)],
        cwd=project, env={**env, "TZ": zone, "SITE_URL": SITE_URL}, umask=umask,
        capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    assert built.returncode == 0, built.stderr


def _date_content(project: Path, folders: int) -> None:
    """Every content file dated CONTENT_TIME (the pages' 更新日期 come from them); folders dated `folders`."""
    for path in (project / "content").rglob("*"):
        if path.is_file():
            os.utime(path, (CONTENT_TIME, CONTENT_TIME))
    for path in [project / "content", *(p for p in (project / "content").rglob("*") if p.is_dir())]:
        os.utime(path, (folders, folders))


def test_same_content_gives_the_same_bytes_whatever_the_zone_umask_and_folder_times(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "project")
    _date_content(project, CONTENT_TIME)
    _build_in_subprocess(project, tmp_path / "first", "UTC", 0o022)
    _date_content(project, CONTENT_TIME + 86_400 * 40)
    _build_in_subprocess(project, tmp_path / "second", "Asia/Shanghai", 0o077)
    first, second = digest_tree(tmp_path / "first"), digest_tree(tmp_path / "second")
    assert first.keys() == second.keys()
    differing = sorted(name for name in first if first[name] != second[name])
    assert differing == [], f"built twice, these files differ: {differing}"
    zips = [name for name in first if name.endswith((".xlsx", ".docx"))]
    assert len(zips) >= 3  # the site's workbook, and the department's Word and Excel forms
    for name in zips:
        with zipfile.ZipFile(tmp_path / "first" / name) as archive:
            assert {(e.date_time, e.create_system, e.external_attr) for e in archive.infolist()} == {
                (ZIP_DATE, 0, FILE_MODE << 16)
            }, name


def test_build_date_is_not_left_in_the_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    build_site(copy_project(tmp_path / "project"))
    assert "SOURCE_DATE_EPOCH" not in os.environ


def test_content_error_leaves_the_previous_site_in_place(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    project = copy_project(tmp_path / "project")
    site = build_site(project)
    before = digest_tree(site)
    broken = project / "content/2024/203001/13022524P00442P10057D.yaml"
    broken.write_text(broken.read_text(encoding="utf-8").replace("  mar: 20", "  mar: 200"), encoding="utf-8")
    with pytest.raises(Abort):
        build_site(project)
    assert "13022524P00442P10057D.yaml:14: plan.mar: 200 超出范围" in caplog.text
    assert digest_tree(site) == before
    # No staging or retired folder is left; the forms kept for the next build stay.
    assert [p.name for p in project.iterdir() if p.name.startswith(".site") and p.name != ".site.cache"] == []


def test_build_failing_half_way_leaves_the_previous_site_in_place(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "project")
    site = build_site(project)
    before = digest_tree(site)
    # A broken link is only found after pages are written; in strict mode the build then aborts.
    (project / "docs" / "broken.md").write_text("# 坏链接\n\n[不存在](missing.md)\n", encoding="utf-8")
    with pytest.raises(Abort, match="strict mode"):
        build_site(project, strict=True)
    assert digest_tree(site) == before
    # No staging or retired folder is left; the forms kept for the next build stay.
    assert [p.name for p in project.iterdir() if p.name.startswith(".site") and p.name != ".site.cache"] == []
