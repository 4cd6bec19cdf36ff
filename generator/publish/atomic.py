"""The write stage: publish a finished build all at once, dated by its content.

A site on a government server must never be half-written: the build goes to a
staging folder beside the output folder and replaces it only once MkDocs has
written every file. Two builds of the same content must be byte-identical, so
the build date comes from the content (SOURCE_DATE_EPOCH), never the clock.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from datetime import datetime, timezone
from pathlib import Path

from generator.schema.model import Catalog

#: Beside mkdocs.yml: what one build keeps for the next (each department's forms), never published.
CACHE_DIR = ".site.cache"


def staging_dir(site_dir: Path) -> Path:
    """The folder a build is written to: beside the site, on its file system, so that the final move is a rename."""
    return site_dir.with_name(f".{site_dir.name}.building")


def downloads_dir(site_dir: Path) -> Path:
    """Where a build's downloads are written while MkDocs writes its pages (which first empties `site_dir`)."""
    return site_dir.with_name(f"{site_dir.name}.downloads")


def move_into(source: Path, destination: Path) -> None:
    """Everything under `source` moved to the same place under `destination`: a folder that is not there yet
    moves whole, by a rename; `source` is gone after."""
    for entry in os.scandir(source):
        target = destination / entry.name
        if entry.is_dir() and target.is_dir():
            move_into(Path(entry.path), target)
        else:
            os.replace(entry.path, target)
    source.rmdir()


def _retired_dir(site_dir: Path) -> Path:
    return site_dir.with_name(f".{site_dir.name}.previous")


def recover(site_dir: Path) -> None:
    """Undo what a killed build left: its staging folder, and a published site moved aside but not yet replaced.

    Names are fixed (not per process), so the next build finds them; two builds
    into one output folder at the same time are not supported anyway.
    """
    discard(staging_dir(site_dir))
    discard(downloads_dir(staging_dir(site_dir)))
    retired = _retired_dir(site_dir)
    if retired.exists():
        if site_dir.exists():
            discard(retired)
        else:
            retired.rename(site_dir)  # killed between the two renames: the old site goes back up


def promote(staging: Path, site_dir: Path, keep_replaced: bool = False) -> Path | None:
    """Replace site_dir by the finished build in staging, keeping the old site until the swap.

    The old site is then removed, or with `keep_replaced` left beside for the caller to
    remove (a province removes it a county at a time on its workers): its path, or None.
    A build killed before it is removed leaves it for `recover`.
    """
    retired = _retired_dir(site_dir)
    replaced = site_dir.exists()
    if replaced:
        site_dir.rename(retired)
    try:
        staging.rename(site_dir)
    except OSError:
        if retired.exists():
            retired.rename(site_dir)
        raise
    if keep_replaced and replaced:
        return retired
    shutil.rmtree(retired, ignore_errors=True)
    return None


def discard(staging: Path) -> None:
    shutil.rmtree(staging, ignore_errors=True)


def content_epoch(content_dir: Path, catalog: Catalog) -> int:
    """Seconds since 1970 that date this content, identical for identical content.

    The time of the last git commit that touched the content when it is in git;
    otherwise 1 January of the newest budget year, which depends on nothing else.
    """
    committed = git_epoch(content_dir)
    if committed is not None:
        return committed
    year = max(catalog.years, default=1970)
    return int(datetime(year, 1, 1, tzinfo=timezone.utc).timestamp())


def git_epoch(content_dir: Path) -> int | None:
    """The time of the last git commit that touched the folder; None when it is not in git."""
    try:
        result = subprocess.run(
            ["git", "log", "-1", "--format=%ct", "--", "."],
            cwd=content_dir,
            capture_output=True,
            text=True,
            timeout=30,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    found = result.stdout.strip()
    return int(found) if result.returncode == 0 and found.isdigit() else None


def epoch_date(epoch: int) -> datetime:
    """The date and time of an epoch, in UTC without a zone, as Word and Excel record a document's dates."""
    return datetime.fromtimestamp(epoch, tz=timezone.utc).replace(tzinfo=None)


class BuildDate:
    """Dates the build by its content through SOURCE_DATE_EPOCH, which MkDocs reads for sitemap.xml.

    Set only when the caller has not set it, and removed after the build, so that
    nothing of one build's date is left for the next.
    """

    def __init__(self) -> None:
        self._set_here = False
        self.epoch: int | None = None  # the last build's, kept after it for a province's shard

    def set(self, content_dir: Path, catalog: Catalog) -> datetime:
        """Date the build, and return its date (UTC, naive) for the files that record one."""
        if "SOURCE_DATE_EPOCH" not in os.environ:
            os.environ["SOURCE_DATE_EPOCH"] = str(content_epoch(content_dir, catalog))
            self._set_here = True
        self.epoch = int(os.environ["SOURCE_DATE_EPOCH"])
        return epoch_date(self.epoch)

    def forget(self) -> None:
        if self._set_here:
            os.environ.pop("SOURCE_DATE_EPOCH", None)
            self._set_here = False
