"""`python -m generator serve` keeps answering while the content is broken: the last good site with the problems on it."""

from __future__ import annotations

import html
import json
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from conftest import copy_project

PROJECT = "content/2024/203001/13022524P00442P10057D.yaml"
PROJECT_PAGE = "2024/203001/13022524P00442P10057D/"
DEPARTMENT_FILE = "downloads/2024/203001/203001.json"
KEPT = "内容有错误：网站仍是上次校验通过时的内容，改正下列问题并保存后自动更新"
NOT_YET = "内容有错误：改正下列问题并保存后，网站自动生成"
HOSTILE_AMOUNT = "4916.8.6<script>alert(1)</script>"
AMOUNT_PROBLEM = f"{PROJECT}:9: budget.total: “{HOSTILE_AMOUNT}”不是金额（应为精确小数，如 4916.86）"
REQUEST_TIMEOUT = 5  # a hung request fails the test instead of hanging it


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def fetch(url: str) -> tuple[int, str]:
    """Status and text of a page; a request that waits longer than REQUEST_TIMEOUT fails the test."""
    try:
        with urllib.request.urlopen(url, timeout=REQUEST_TIMEOUT) as response:
            return response.status, response.read().decode("utf-8")
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode("utf-8")
    except TimeoutError:
        pytest.fail(f"{url}: no answer in {REQUEST_TIMEOUT} s")


def visible(page: str) -> str:
    """The page's text as a reader sees it: tags removed, entities decoded."""
    page = re.sub(r"<(script|style)\b.*?</\1>", " ", page, flags=re.DOTALL)
    return html.unescape(re.sub(r"<[^>]+>", " ", page))


def wait_for(url: str, until: Callable[[str], bool], seconds: float = 15) -> str:
    """The page once `until` holds for it: a rebuild follows a saved file within a second or two."""
    deadline = time.monotonic() + seconds
    while True:
        status, page = fetch(url)
        if until(page):
            assert status == 200
            return page
        assert time.monotonic() < deadline, f"{url} did not change in {seconds} s:\n{visible(page)[:2000]}"
        time.sleep(0.2)


@contextmanager
def serving(project: Path) -> Iterator[str]:
    """`python -m generator serve` of the project on a free port; yields its address, and stops it whatever happens."""
    port = _free_port()
    log = (project / "serve.log").open("w", encoding="utf-8")
    process = subprocess.Popen(
        [sys.executable, "-m", "generator", "serve", "-a", f"127.0.0.1:{port}"],
        cwd=project, stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 20
        while True:
            assert process.poll() is None, (project / "serve.log").read_text(encoding="utf-8")
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                assert time.monotonic() < deadline, "serve did not start in 20 s"
                time.sleep(0.2)
        yield f"http://127.0.0.1:{port}/"
    finally:
        process.kill()
        process.wait(timeout=10)
        log.close()


def break_amount(project: Path) -> str:
    """Puts a wrong amount holding markup into the project file; returns the file's good text."""
    path = project / PROJECT
    good = path.read_text(encoding="utf-8")
    path.write_text(good.replace("  total: 4916.86", f'  total: "{HOSTILE_AMOUNT}"'), encoding="utf-8")
    return good


def test_serve_shows_the_last_good_site_with_the_problems_and_recovers_when_fixed(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "project")
    with serving(project) as site:
        status, page = fetch(site + PROJECT_PAGE)
        assert status == 200 and "村干部基础职务补贴" in page and KEPT not in visible(page)
        epoch = int(re.search(r"livereload\((\d+),", page)[1])

        good = break_amount(project)
        page = wait_for(site + PROJECT_PAGE, lambda page: KEPT in visible(page))
        assert AMOUNT_PROBLEM in visible(page)
        assert "<script>alert(1)" not in page  # the file's text is shown, never run
        assert "村干部基础职务补贴" in visible(page)  # the last good page, under the problems
        assert "<!--bp-size" not in page  # with its files' sizes, and the files themselves:
        status, document = fetch(site + DEPARTMENT_FILE)
        assert status == 200 and json.loads(document)["projects"]
        home = visible(fetch(site)[1])
        assert KEPT in home and AMOUNT_PROBLEM in home
        assert AMOUNT_PROBLEM in visible(fetch(site + "no-such-page/")[1])
        # The open browser tab is told to reload: a new version of the site is there.
        assert int(fetch(f"{site}livereload/{epoch}/1")[1]) > epoch

        (project / PROJECT).write_text(good, encoding="utf-8")
        page = wait_for(site + PROJECT_PAGE, lambda page: KEPT not in visible(page))
        assert "村干部基础职务补贴" in page and "budget.total" not in visible(page)
    log = (project / "serve.log").read_text(encoding="utf-8")
    assert AMOUNT_PROBLEM in log  # and the console says it too


def test_serve_of_content_broken_from_the_start_shows_the_problems_and_the_site_once_fixed(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "project")
    good = break_amount(project)
    with serving(project) as site:
        status, page = fetch(site)
        assert status == 200
        assert NOT_YET in visible(page) and AMOUNT_PROBLEM in visible(page)
        assert "<script>alert(1)" not in page

        (project / PROJECT).write_text(good, encoding="utf-8")
        page = wait_for(site, lambda page: NOT_YET not in visible(page))
        assert "budget.total" not in visible(page)
        assert "村干部基础职务补贴" in visible(fetch(site + PROJECT_PAGE)[1])
