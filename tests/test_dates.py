"""Each department shows when it was published and when its files last changed; citations carry both."""

from __future__ import annotations

import csv
import json
import os
import subprocess
from datetime import date, datetime
from pathlib import Path

from conftest import CONTENT, build_site, copy_project, page_text

from generator.publish.dates import BEIJING, last_changed
from generator.schema.validate import load_catalog

FOLDER = Path("2024/203001")
PROJECT = FOLDER / "13022524P00442P10057D.yaml"


def stamp(day: str) -> float:
    """A time on the given day in Beijing, as a file time or a commit time."""
    return datetime.fromisoformat(f"{day}T10:00:00").replace(tzinfo=BEIJING).timestamp()


def touch(path: Path, day: str) -> None:
    os.utime(path, (stamp(day), stamp(day)))


def git(repo: Path, *args: str, day: str | None = None) -> None:
    env = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.gov.cn"}
    env |= {"GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.gov.cn"}
    if day is not None:
        env |= {"GIT_AUTHOR_DATE": f"{day}T10:00:00+08:00", "GIT_COMMITTER_DATE": f"{day}T10:00:00+08:00"}
    subprocess.run(["git", *args], cwd=repo, env=env, check=True, capture_output=True)


def content_dated(tmp_path: Path, day: str) -> Path:
    """The seed's content with every file (and folder) last changed on `day`, outside git."""
    content = copy_project(tmp_path / "project") / "content"
    for path in [content, *content.rglob("*")]:
        touch(path, day)
    return content


def changed_day(content: Path) -> date:
    return last_changed(load_catalog(content), content)[(2024, "203001")]


def test_outside_git_a_department_is_dated_by_its_newest_file(tmp_path: Path) -> None:
    content = content_dated(tmp_path, "2025-01-10")
    assert changed_day(content) == date(2025, 1, 10)
    touch(content / PROJECT, "2025-03-05")
    assert changed_day(content) == date(2025, 3, 5)


def test_in_git_a_department_is_dated_by_its_last_commit_then_by_what_changed_since(tmp_path: Path) -> None:
    content = content_dated(tmp_path, "2030-01-01")  # a fresh clone's file times say nothing
    repo = content.parent
    git(repo, "init", "-q")
    git(repo, "add", "content")
    git(repo, "commit", "-q", "-m", "import", day="2025-02-01")
    assert changed_day(content) == date(2025, 2, 1)

    path = content / PROJECT
    path.write_text(path.read_text(encoding="utf-8").replace("≥90%", "≥95%"), encoding="utf-8")
    git(repo, "commit", "-q", "-am", "correct", day="2025-04-20")
    assert changed_day(content) == date(2025, 4, 20)

    path.write_text(path.read_text(encoding="utf-8").replace("≥95%", "≥96%"), encoding="utf-8")
    touch(path, "2025-06-01")  # changed since the last commit: dated by the file
    assert changed_day(content) == date(2025, 6, 1)

    git(repo, "commit", "-q", "-am", "again", day="2025-05-01")
    (content / FOLDER / "13022524P00442P10063T.yaml").unlink()  # a project removed, not yet committed:
    touch(content / FOLDER, "2025-07-02")  # its folder changed when it went
    assert changed_day(content) == date(2025, 7, 2)


def facts(site: Path, page: str) -> str:
    return " ".join(page_text(site / page).split())


def test_pages_show_the_publication_day_and_a_later_update(tmp_path: Path) -> None:
    content = content_dated(tmp_path, "2026-11-24")  # the day of the import: nothing updated since
    site = build_site(content.parent, tmp_path / "first")
    department = (site / FOLDER / "index.html").read_text(encoding="utf-8")
    assert '<dt>发布日期</dt><dd><time datetime="2026-11-24">2026年11月24日</time></dd>' in department
    assert "更新日期" not in department
    assert "《2024年部门预算绩效目标》，2024年，2026年11月24日发布，/2024/203001/</p>" in department
    assert "《项目支出绩效目标公开》，2024年，数据更新至2026年11月24日，/</p>" in (site / "index.html").read_text(
        encoding="utf-8"
    )

    touch(content / PROJECT, "2027-01-05")
    site = build_site(content.parent, tmp_path / "second")
    department = (site / FOLDER / "index.html").read_text(encoding="utf-8")
    assert '<dt>更新日期</dt><dd><time datetime="2027-01-05">2027年1月5日</time></dd>' in department
    assert "，2024年，2026年11月24日发布，2027年1月5日更新，/2024/203001/</p>" in department
    project = (site / FOLDER / "13022524P00442P10051P/index.html").read_text(encoding="utf-8")
    assert "2026年11月24日发布，2027年1月5日更新，/2024/203001/13022524P00442P10051P/</p>" in project
    assert "数据更新至2027年1月5日，" in (site / "index.html").read_text(encoding="utf-8")
    assert "全站数据更新至 2027年1月5日" in facts(site, "about/index.html")


def test_downloads_carry_the_publication_day(seed_site: Path) -> None:
    published = load_catalog(CONTENT).departments[0].published
    with (seed_site / "downloads/2024/203001/203001-projects.csv").open(encoding="utf-8-sig", newline="") as file:
        assert {row["published"] for row in csv.DictReader(file)} == {str(published)}
    document = json.loads((seed_site / "downloads/all.json").read_text(encoding="utf-8"))
    assert {department["published"] for department in document["departments"]} == {str(published)}
