"""Headless Chromium for end-to-end tests: Debian's /usr/bin/chromium driven by Playwright.

Never `playwright install`: it downloads a browser, which this network refuses.
Tests that need the browser are skipped only when Chromium is not installed
(CI installs it; see .ci/run).
"""

from __future__ import annotations

import contextlib
import functools
import http.server
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]

requires_chromium = pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Debian's chromium is not installed")


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@contextlib.contextmanager
def serve(root: Path) -> Iterator[str]:
    """Serve a folder on 127.0.0.1 on a free port; yields the base URL ending in '/'."""
    handler = functools.partial(_QuietHandler, directory=str(root))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


@contextlib.contextmanager
def chromium() -> Iterator[object]:
    """A Playwright Browser running Debian's Chromium headless."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        try:
            yield browser
        finally:
            browser.close()


def search(page, query: str, attempts: int = 10) -> None:
    """Type a query into Material's search box and wait until results are listed.

    The index loads in the background and a query typed before it is ready is not
    answered, so the query is typed again until it is, as a citizen would.
    """
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    box = page.locator("input.md-search__input")
    first_result = page.locator(".md-search-result__item").first
    for _ in range(attempts):
        box.fill("")
        box.fill(query)
        box.press("End")
        try:
            first_result.wait_for(timeout=3_000)
            return
        except PlaywrightTimeout:
            continue
    raise AssertionError(f"no search results for {query!r}")
