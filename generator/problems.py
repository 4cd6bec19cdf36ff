"""What is wrong with the content, said so that the person who typed it can fix it."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True, order=True)
class Problem:
    """One mistake in one file, located as precisely as the source allows."""

    path: Path
    line: int | None
    field: str  # dotted path in the file, e.g. "indicators[2].value"
    message: str  # what is wrong, then (in brackets) what was expected

    def __str__(self) -> str:
        location = display_path(self.path)
        if self.line is not None:
            location += f":{self.line}"
        return f"{location}: {self.field}: {self.message}" if self.field else f"{location}: {self.message}"


def display_path(path: Path) -> str:
    """Paths relative to the working directory read best in a terminal and in CI logs."""
    try:
        relative = os.path.relpath(path)
    except ValueError:  # another drive on Windows
        return str(path)
    return str(path) if relative.startswith("..") else relative


class ContentError(Exception):
    """The content has problems; the site must not be built from it."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = sorted(problems, key=lambda p: (str(p.path), p.line or 0, p.field))
        super().__init__(self.report())

    def report(self) -> str:
        count = len(self.problems)
        lines = [str(problem) for problem in self.problems]
        lines.append(f"内容有 {count} 处错误，未生成网站。")
        return "\n".join(lines)
