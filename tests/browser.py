"""Headless Chromium for end-to-end tests: Debian's /usr/bin/chromium driven by Playwright.

Tests that need the browser are skipped only when Chromium is not installed
(CI installs it; see .ci/run).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from benchmarks.browser import CHROMIUM, Served, chromium, serve, served_since

__all__ = ["Served", "chromium", "requires_chromium", "search", "serve", "served_since"]

requires_chromium = pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Debian's chromium is not installed")


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
