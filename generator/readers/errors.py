"""How a reader says that a file does not have the shape of a 绩效目标表."""

from __future__ import annotations

from pathlib import Path

from generator.problems import display_path
from generator.readers.blocks import Place


class ReadError(Exception):
    """The file cannot be read as a department's document; names the file and, where known, the place in it."""

    def __init__(self, source: Path, message: str, place: Place | None = None) -> None:
        location = display_path(source)
        if place is not None and place.line:
            location += f":{place.line}"
        elif place is not None and place.text:
            location += f": {place.text}"
        super().__init__(f"{location}: {message}")
