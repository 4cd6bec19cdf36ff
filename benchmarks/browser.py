"""Debian's Chromium driven by Playwright, and a local server that counts what it sends.

Shared by the browser tests (`tests/browser.py`) and `benchmarks/search_browser.py`.
Never `playwright install`: it downloads a browser, which this network refuses.
"""

from __future__ import annotations

import contextlib
import functools
import http.server
import shutil
import threading
import time
import urllib.parse
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

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

    Every file sent is appended to `served`, so that what the browser fetched is counted
    at the server, scripts and workers included.
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


def served_since(served: list[Served], start: int) -> list[Served]:
    """The files sent since `start`, once the server has recorded the last one sent.

    The server records a file just after its last byte is written, so the browser can
    show results a moment before the record is made.
    """
    previous = -1
    while previous != len(served):
        previous = len(served)
        time.sleep(0.1)
    return served[start:]


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
