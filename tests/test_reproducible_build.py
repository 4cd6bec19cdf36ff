"""Builds are reproducible, and a failed build never replaces or damages the published site."""

from __future__ import annotations

import datetime as dt
import hashlib
import os
from pathlib import Path

import mkdocs.utils
import pytest
from conftest import build_site, copy_project
from mkdocs.exceptions import Abort

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
    assert [p.name for p in project.iterdir() if p.name.startswith(".site")] == []


def test_build_failing_half_way_leaves_the_previous_site_in_place(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "project")
    site = build_site(project)
    before = digest_tree(site)
    # A broken link is only found after pages are written; in strict mode the build then aborts.
    (project / "docs" / "broken.md").write_text("# 坏链接\n\n[不存在](missing.md)\n", encoding="utf-8")
    with pytest.raises(Abort, match="strict mode"):
        build_site(project, strict=True)
    assert digest_tree(site) == before
    assert [p.name for p in project.iterdir() if p.name.startswith(".site")] == []
