"""How a reader says that a file does not have the shape of a 绩效目标表."""

from __future__ import annotations

from pathlib import Path

from generator.problems import display_path


class ReadError(Exception):
    """The file cannot be read as a department's document; names the file and, where known, the line."""

    def __init__(self, source: Path, line: int | None, message: str) -> None:
        location = f"{display_path(source)}:{line}" if line else display_path(source)
        super().__init__(f"{location}: {message}")
