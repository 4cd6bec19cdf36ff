"""Every page's Markdown and every download file's bytes, made in a second process.

The build's own process only loads and validates the content (bad content must
stop the build before anything is written) and lists what the site will hold. A
child process (generator/background.py) renders the pages in build order, each
sent as soon as it is made, then makes the download files' bytes. MkDocs asks for
each page when it reads it, seconds after the child has made it, and for the
files just before it writes them. The pages are rendered with placeholders for
the files' sizes (render.size_note); `fill_sizes` replaces them once the bytes exist.

If the child fails, whatever it has not delivered is made in this process: the
site is the same, only slower.
"""

from __future__ import annotations

import gc
import sys
from typing import BinaryIO

from generator.background import Background, BackgroundFailed, messages, replies
from generator.downloads import Downloads, build_downloads, with_contents
from generator.model import Catalog
from generator.render import Renderer, SiteLayout


def start_child() -> Background:
    """The child process, started before the content is loaded so that its start-up is hidden."""
    return Background("generator.site_parts")


class SiteParts:
    """The pages and download files of one build, as the child delivers them."""

    def __init__(self, catalog: Catalog, site_name: str, layout: SiteLayout, child: Background | None = None) -> None:
        self.catalog = catalog
        self.site_name = site_name
        self.layout = layout
        #: The files the site will hold, without their bytes: enough to list and link them.
        self.listing = build_downloads(catalog, site_name, layout, contents=False)
        self._makers = Renderer(site_name, layout, self.listing).page_makers(catalog)
        self._pages: dict[str, str] = {}  # delivered, not yet asked for
        self._downloads: Downloads | None = None
        self._background = child or start_child()
        self._background.send((catalog, site_name, layout))
        self._background.finish_sending()

    @property
    def page_uris(self) -> list[str]:
        """The src_uri of every page, in the order they are made."""
        return list(self._makers)

    def markdown(self, src_uri: str) -> str:
        """The page's Markdown, waiting for the child if it has not delivered it yet."""
        # Once the files have come, every page has: one asked for again is made here.
        while src_uri not in self._pages and self._downloads is None and self._take_next():
            pass
        if src_uri in self._pages:
            return self._pages.pop(src_uri)
        return self._makers[src_uri]().markdown

    def downloads(self) -> Downloads:
        """Every download file with its bytes, waiting for the child if need be."""
        while self._downloads is None and self._take_next():
            pass
        if self._downloads is None:
            self._downloads = build_downloads(self.catalog, self.site_name, self.layout)
        self.close()
        return self._downloads

    def _take_next(self) -> bool:
        try:
            kind, payload = self._background.receive()
        except BackgroundFailed:
            return False
        if kind == "page":
            src_uri, markdown = payload
            self._pages[src_uri] = markdown
        else:
            self._downloads = with_contents(self.listing, payload)
        return True

    def close(self) -> None:
        self._background.close()


def _make_in_background(incoming: BinaryIO, outgoing: BinaryIO) -> None:
    with replies(outgoing) as outbox:
        for catalog, site_name, layout in messages(incoming):
            # This process lives for one build: keep its cycle collector off the catalog,
            # which lives as long and holds no cycles (see load.collector_paused).
            gc.freeze()
            listing = build_downloads(catalog, site_name, layout, contents=False)
            for src_uri, make in Renderer(site_name, layout, listing).page_makers(catalog).items():
                outbox.send(("page", (src_uri, make().markdown)))
            downloads = build_downloads(catalog, site_name, layout)
            outbox.send(("files", {file.path: file.content for file in downloads.files}))


if __name__ == "__main__":
    _make_in_background(sys.stdin.buffer, sys.stdout.buffer)
