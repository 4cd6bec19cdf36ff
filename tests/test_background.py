"""Pages and download files made in a second process are exactly those made in the build's own."""

from __future__ import annotations

import pytest
from conftest import ROOT

from generator.background import Background, BackgroundFailed
from generator.downloads import build_downloads
from generator.render import Renderer, SiteLayout
from generator.site_parts import SiteParts
from generator.validate import load_catalog

CATALOG = load_catalog(ROOT / "content")
SITE_NAME = "乐亭县预算绩效目标公开"


def in_process() -> tuple[dict[str, str], dict[str, bytes]]:
    layout = SiteLayout()
    listing = build_downloads(CATALOG, SITE_NAME, layout, contents=False)
    pages = {page.src_uri: page.markdown for page in Renderer(SITE_NAME, layout, listing).all_pages(CATALOG)}
    files = {file.path: file.content for file in build_downloads(CATALOG, SITE_NAME, layout).files}
    return pages, files


def test_pages_and_files_from_the_second_process_are_those_made_in_process() -> None:
    pages, files = in_process()
    parts = SiteParts(CATALOG, SITE_NAME, SiteLayout())
    assert parts.page_uris == list(pages)
    assert {uri: parts.markdown(uri) for uri in parts.page_uris} == pages
    assert not parts._background.failed  # they did come from the second process
    assert {file.path: file.content for file in parts.downloads().files} == files
    assert "<!--bp-size:downloads/2024/203001/203001.xlsx-->" in pages["2024/203001/index.md"]


def test_a_second_process_dying_half_way_costs_time_not_pages(caplog: pytest.LogCaptureFixture) -> None:
    pages, files = in_process()
    parts = SiteParts(CATALOG, SITE_NAME, SiteLayout())
    first = parts.page_uris[0]
    assert parts.markdown(first) == pages[first]
    parts._background._process.kill()
    assert {uri: parts.markdown(uri) for uri in parts.page_uris[1:]} == {uri: pages[uri] for uri in parts.page_uris[1:]}
    assert {file.path: file.content for file in parts.downloads().files} == files
    assert "its work is done in this process" in caplog.text


def test_a_child_that_cannot_start_fails_receiving_not_sending() -> None:
    background = Background("generator.no_such_module")
    background.send("anything")
    background.finish_sending()
    with pytest.raises(BackgroundFailed):
        background.receive()
    background.close()


def test_a_hung_child_is_given_up_on_not_waited_for_forever(caplog: pytest.LogCaptureFixture) -> None:
    background = Background("generator.site_parts")  # waits for a catalog that never comes
    with pytest.raises(BackgroundFailed):
        background.receive(patience=0.5)
    assert "no result in 0.5 s" in caplog.text
    background.close()


def test_a_page_asked_for_twice_is_made_again_without_a_false_alarm(caplog: pytest.LogCaptureFixture) -> None:
    pages, _ = in_process()
    parts = SiteParts(CATALOG, SITE_NAME, SiteLayout())
    for uri in parts.page_uris:
        parts.markdown(uri)
    parts.downloads()
    assert parts.markdown(parts.page_uris[0]) == pages[parts.page_uris[0]]
    assert "failed" not in caplog.text
