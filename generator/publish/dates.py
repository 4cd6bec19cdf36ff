"""When each department's files last changed: the 更新日期 its page shows beside its 发布日期.

A file committed to git and unchanged since is dated by its last commit, because a
fresh clone's file times say only when it was cloned; a file changed since, not in
git, or in no git repository at all is dated by its own modification time. Days are
counted in Beijing time, the county's.
"""

from __future__ import annotations

import subprocess
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

from generator.schema.model import Catalog, Department

BEIJING = timezone(timedelta(hours=8))


def _git(content_dir: Path, *args: str) -> str | None:
    try:
        result = subprocess.run(
            ["git", *args], cwd=content_dir, capture_output=True, text=True, timeout=60, check=False
        )  # fmt: skip
    except (OSError, subprocess.SubprocessError):
        return None
    return result.stdout if result.returncode == 0 else None


class _GitChanges:
    """The last commit time of each folder under content_dir, and the files changed since or never committed."""

    def __init__(self, committed: dict[Path, int], dirty: dict[Path, list[Path]]) -> None:
        self.committed = committed
        self.dirty = dirty  # by folder

    @classmethod
    def read(cls, content_dir: Path) -> _GitChanges | None:
        """None when content_dir is not in a git repository (or git is not installed)."""
        log = _git(content_dir, "-c", "core.quotepath=off", "log", "--format=%x00%ct", "--name-only", "--relative")
        changed = _git(content_dir, "ls-files", "--modified", "--others", "--exclude-standard", "-z")
        if log is None or changed is None:
            return None
        committed: dict[Path, int] = {}
        for commit in log.split("\0")[1:]:  # newest first: a folder's first appearance is its last change
            stamp, *names = commit.strip("\n").split("\n")
            for name in filter(None, names):
                committed.setdefault((content_dir / name).parent, int(stamp))
        dirty: dict[Path, list[Path]] = {}
        for name in filter(None, changed.split("\0")):
            path = content_dir / name
            dirty.setdefault(path.parent, []).append(path)
        return cls(committed, dirty)


def _modified(path: Path) -> int:
    """A file's modification time; a deleted file's is its folder's, which changed when it went."""
    return int((path if path.exists() else path.parent).stat().st_mtime)


def last_changed(catalog: Catalog, content_dir: Path) -> dict[tuple[int, str], date]:
    """Each department's (year, code) with the day a file in its folder was last added, changed or removed."""
    content_dir = content_dir.resolve()
    git = _GitChanges.read(content_dir)
    days: dict[tuple[int, str], date] = {}
    for department in catalog.departments:
        folder = department.source.parent.resolve()
        if git is not None and (folder in git.committed or folder in git.dirty):
            stamps = [git.committed.get(folder, 0), *map(_modified, git.dirty.get(folder, ()))]
        else:
            stamps = [_modified(folder), *map(_modified, _files(department))]
        days[(department.year, department.code)] = datetime.fromtimestamp(max(stamps), BEIJING).date()
    return days


def _files(department: Department) -> list[Path]:
    return [department.source, *(project.source for project in department.projects)]
