"""Readers of the departments' own files, registered by file extension.

Each reader turns one department's document into the model (`Department` with its
`Project`s), the same objects validation makes from `content/`; `yaml_writer`
then writes them as content files. A new input format is a module here and a line
in READERS.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from generator.model import Department
from generator.readers import text_export
from generator.readers.errors import ReadError

Reader = Callable[[Path, "int | None"], Department]

#: The reader of each input format, by file extension.
READERS: dict[str, Reader] = {
    ".txt": text_export.read,
}


def read_document(path: Path, year: int | None = None) -> Department:
    """The department of one input file, read by the reader of its extension; ReadError if it cannot be."""
    reader = READERS.get(path.suffix.lower())
    if reader is None:
        known = "、".join(sorted(READERS))
        raise ReadError(path, None, f"不能导入 {path.suffix or '没有扩展名的'} 文件（可导入：{known}）")
    return reader(path, year)


__all__ = ["READERS", "ReadError", "read_document"]
