"""sitemap.xml dates every page by the day the pages say 数据更新至, not by the build's clock or time zone."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from conftest import build_site, page_text
from test_dates import content_dated, git

SITE_URL = "https://ys.example.gov.cn/"


def said_and_listed(project: Path) -> tuple[str, set[str]]:
    """The home page's 数据更新至 day as 2027-03-05, and every lastmod of sitemap.xml."""
    site = build_site(project, site_url=SITE_URL)
    year, month, day = re.search(r"数据更新至(\d{4})年(\d{1,2})月(\d{1,2})日", page_text(site / "index.html")).groups()
    lastmods = set(re.findall(r"<lastmod>([^<]*)</lastmod>", (site / "sitemap.xml").read_text(encoding="utf-8")))
    return f"{year}-{int(month):02}-{int(day):02}", lastmods


def test_outside_git_the_sitemap_dates_pages_by_the_newest_file_as_the_pages_do(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    content = content_dated(
        tmp_path, "2027-03-05"
    )  # was: every lastmod 2024-01-01, the newest budget year; the seed was published 2026-11-24
    assert said_and_listed(content.parent) == ("2027-03-05", {"2027-03-05"})


def test_in_git_a_commit_early_in_the_morning_is_dated_by_the_day_in_beijing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    content = content_dated(tmp_path, "2031-01-01")  # a fresh clone's file times say nothing
    git(content.parent, "init", "-q")
    git(content.parent, "add", "content")
    monkeypatch.setenv("GIT_COMMITTER_DATE", "2027-02-01T07:00:00+08:00")  # 31 January in UTC
    git(content.parent, "commit", "-q", "-m", "import")
    assert said_and_listed(content.parent) == ("2027-02-01", {"2027-02-01"})  # was: every lastmod 2027-01-31
