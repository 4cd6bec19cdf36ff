"""Readers of the departments' own files, registered by file extension.

Each reader turns its file into blocks (`blocks.py`: paragraphs and table rows, merged
cells collapsed) and `form.read_department` reads the department from them, so a Word
document, a workbook and a text export of the same form give the same model — the
objects validation makes from `content/`. A new input format is a module here and a
line in READERS.

Whatever is wrong with a file is a ReadError naming it and, where known, the table and
cell: a damaged or mislabelled package and one too big to be a department's form
(`package.py`), a character no text may hold or a cell too long (`blocks.readable`).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from generator.source.readers import excel, text_export, word
from generator.source.readers.errors import ReadError
from generator.source.readers.form import Reading

Reader = Callable[[Path, "int | None"], Reading]

#: The reader of each input format, by file extension.
READERS: dict[str, Reader] = {
    ".docx": word.read,
    ".xlsx": excel.read,
    ".txt": text_export.read,
}
#: Older formats that Word, WPS or Excel save as one of READERS' formats.
LEGACY = {".doc": ".docx", ".wps": ".docx", ".xls": ".xlsx", ".et": ".xlsx"}


def read_document(path: Path, year: int | None = None) -> Reading:
    """The department of one input file, read by the reader of its extension; ReadError if it cannot be."""
    suffix = path.suffix.lower()
    if suffix in LEGACY:
        raise ReadError(path, f"这是旧的 {suffix} 格式，请用 Word、WPS 或 Excel 打开后“另存为” {LEGACY[suffix]} 再导入")
    reader = READERS.get(suffix)
    if reader is None:
        known = "、".join(READERS)
        raise ReadError(path, f"不能导入 {path.suffix or '没有扩展名的'} 文件（可导入：{known}）")
    return reader(path, year)


__all__ = ["LEGACY", "READERS", "ReadError", "Reading", "read_document"]
