"""How a reader says that a file does not have the shape of a 绩效目标表, and where in it."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from generator.schema.problems import display_path


@dataclass(frozen=True)
class Place:
    """Where a paragraph or cell is in its file, said so that a person can find it."""

    line: int | None = None  # in a text export
    text: str = ""  # in a Word or Excel file: 第 3 个表格第 5 行第 2 列, 工作表“1.村干部”的 C7


class ReadError(Exception):
    """The file cannot be read as a department's document; names the file and, where known, the place in it."""

    def __init__(self, source: Path, message: str, place: Place | None = None) -> None:
        location = display_path(source)
        if place is not None and place.line:
            location += f":{place.line}"
        elif place is not None and place.text:
            location += f": {place.text}"
        super().__init__(f"{location}: {message}")
