"""What is wrong with the content, said so that the person who typed it can fix it."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

#: Characters a YAML file may not hold as typed (YAML 1.1's printable set; tab and line
#: breaks are allowed). Text in content may not hold them either, escaped or not: XML
#: (the Word and Excel downloads) and UTF-8 (every page and JSON file) cannot carry them.
UNPRINTABLE = re.compile(r"[^\t\n\r\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
#: The control characters Word writes for its line and page breaks in a text export.
WORD_BREAKS = {"\x0b": "Word 的手动换行符", "\x0c": "Word 的分页符"}


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
        text = f"{location}: {self.field}: {self.message}" if self.field else f"{location}: {self.message}"
        # A message quotes what was typed; a lone surrogate in it could not even be printed.
        return UNPRINTABLE.sub(lambda found: f"<{code_point(found.group())}>", text)


def code_point(character: str) -> str:
    return f"U+{ord(character):04X}"


def unprintable(character: str) -> str:
    """What is wrong with a character of UNPRINTABLE, and what to do instead."""
    if character in WORD_BREAKS:
        return f"含有控制字符 {code_point(character)}（{WORD_BREAKS[character]}，应改为换行）"
    return f"含有不可显示的字符 {code_point(character)}（应删除）"


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
