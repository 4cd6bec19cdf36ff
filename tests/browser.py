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
import urllib.parse
from collections.abc import Iterator
from dataclasses import dataclass
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


@dataclass(frozen=True)
class Served:
    """One file the server sent: its path and the bytes of its body."""

    path: str
    size: int


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    served: list[Served] | None = None

    def log_message(self, format: str, *args: object) -> None:
        pass

    def copyfile(self, source, outputfile) -> None:
        start = source.tell()
        super().copyfile(source, outputfile)
        if self.served is not None:
            self.served.append(Served(urllib.parse.unquote(self.path.split("?")[0]), source.tell() - start))


@contextlib.contextmanager
def serve(root: Path, served: list[Served] | None = None) -> Iterator[str]:
    """Serve a folder on 127.0.0.1 on a free port; yields the base URL ending in '/'.

    Every file sent is appended to `served`, so that a test counts what the browser
    fetched at the server, workers and scripts included.
    """
    handler = functools.partial(type("Handler", (_QuietHandler,), {"served": served}), directory=str(root))
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


def search(page, query: str) -> None:
    """Type a query into the header's search box as an input method commits it, and wait for the results.

    One value, then a key-up: the search runs on the box's value after each key.
    """
    button = page.locator("label.md-header__button[for='__search']")
    is_open = page.evaluate("document.getElementById('__search').checked")
    if button.is_visible() and not is_open:  # on a phone the box opens from the header's search button
        button.click()
    box = page.locator("input.md-search__input")
    box.click()
    box.fill(query)
    box.press("End")
    page.wait_for_function(
        "query => { const box = document.querySelector('.md-search');"
        " return box.dataset.bpState === 'ready' && box.dataset.bpQuery === query; }",
        arg=query,
    )
