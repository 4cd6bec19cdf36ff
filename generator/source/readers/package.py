"""What a Word .docx and an Excel .xlsx share: a zip package of parts, checked whole before it is parsed.

python-docx and openpyxl unpack a part when they need it and let zlib's, zipfile's or
their own exceptions through, and a file renamed from the other kind opens as the wrong
one. Checked first, the file is refused in one sentence saying what is wrong: what it
really is, which part is damaged, or that it is too big to be a department's form.
"""

from __future__ import annotations

import posixpath
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path
from xml.etree import ElementTree

from generator.source.readers.errors import ReadError

#: What a department's file may unpack to; its forms are a few hundred kilobytes, and the
#: parsers hold every part in memory. Also the bound on a text export's size.
MAX_BYTES = 20 * 1024 * 1024
#: What python-docx and openpyxl let through from the zip and XML libraries on a damaged file,
#: besides their own exceptions.
PARSER_ERRORS = (
    zipfile.BadZipFile,
    ArithmeticError,
    AttributeError,
    LookupError,
    OSError,
    RuntimeError,
    SyntaxError,
    TypeError,
    ValueError,
)
#: The start of an OLE compound file: a .doc or .xls, or a .docx/.xlsx saved with a password.
OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
#: Every department's document has one of these words (its targets' or its 自评表's title);
#: a text file without them is not a text export of either.
FORM_WORDS = ("绩效目标", "绩效自评")
#: The encodings Word saves a text export in without a byte-order mark, in the order they are tried:
#: UTF-8 almost never decodes text in another encoding. A decoding without FORM_WORDS is the wrong one.
TEXT_ENCODINGS = ("utf-8", "gb18030", "utf-16-le", "utf-16-be")


@dataclass(frozen=True)
class Kind:
    """A kind of package: how people call it, its extension, and the part every such file has."""

    label: str
    suffix: str
    main_part: str
    apps: str  # the programs that can repair and save it
    every_part: bool  # python-docx loads every part a relationship names; openpyxl only those it uses


WORD = Kind("Word .docx", ".docx", "word/document.xml", "Word 或 WPS", every_part=True)
EXCEL = Kind("Excel .xlsx", ".xlsx", "xl/workbook.xml", "Excel 或 WPS", every_part=False)
RELATIONSHIP = "{http://schemas.openxmlformats.org/package/2006/relationships}Relationship"


def megabytes(size: int) -> str:
    return f"{size / 1024 / 1024:.1f} MB"


def check(source: Path, kind: Kind) -> None:
    """ReadError unless the file is a whole package of the kind its extension says, small enough to read."""
    try:
        with source.open("rb") as file:
            head = file.read(4096)
    except OSError as error:
        raise ReadError(source, f"无法读取文件（{error.strerror}）") from None
    if not head:
        raise ReadError(source, f"文件是空的（应为 {kind.label} 文件）")
    if head.startswith(OLE):
        raise ReadError(
            source,
            f"不是 {kind.suffix} 格式，而是旧的 .doc/.xls 格式或设了打开密码的文件（应为 {kind.label} 文件：请用 Word、WPS 或"
            f" Excel 打开，去掉密码后“另存为” {kind.suffix} 再导入）",
        )
    try:
        archive = zipfile.ZipFile(source)
    except PARSER_ERRORS:
        if any(word in head.decode(encoding, errors="ignore") for encoding in TEXT_ENCODINGS for word in FORM_WORDS):
            raise ReadError(
                source,
                f"这是纯文本导出的绩效目标表，扩展名却是 {kind.suffix}（应把文件改名为 {source.stem}.txt 再导入）",
            ) from None
        return  # not a package at all: python-docx or openpyxl says so, as of any file it cannot open
    with archive:
        _check_parts(archive, source, kind)


def _check_parts(archive: zipfile.ZipFile, source: Path, kind: Kind) -> None:
    names = set(archive.namelist())
    if kind.main_part not in names:
        other = next((other for other in (WORD, EXCEL) if other.main_part in names), None)
        if other is not None:
            raise ReadError(
                source,
                f"这是 {other.label} 文件，扩展名却是 {kind.suffix}（应把文件改名为 {source.stem}{other.suffix} 再导入）",
            )
    unpacked = sum(info.file_size for info in archive.infolist())
    if unpacked > MAX_BYTES:
        raise ReadError(
            source,
            f"文件解压后有 {megabytes(unpacked)}，超过一个部门文件的上限 {megabytes(MAX_BYTES)}"
            "（应只含绩效目标表：请删去图片等其他内容再导入）",
        )
    for info in archive.infolist():
        try:
            with archive.open(info) as part:
                if info.filename.endswith((".xml", ".rels")):
                    for _, element in ElementTree.iterparse(part):
                        element.clear()
                else:
                    while part.read(1024 * 1024):
                        pass  # unpacked in full: zipfile checks the CRC at the end
        except ElementTree.ParseError as error:
            line, column = error.position
            raise ReadError(
                source,
                f"文件已损坏：其中的 {info.filename} 第 {line} 行第 {column + 1} 列起不是正确的 XML（{_whole(kind)}）",
            ) from None
        except (zipfile.BadZipFile, zlib.error, EOFError, OSError, RuntimeError, NotImplementedError, ValueError):
            raise ReadError(source, f"文件已损坏：其中的 {info.filename} 无法解压（{_whole(kind)}）") from None
    missing = _missing_part(archive) if kind.every_part else None
    if missing is not None:
        raise ReadError(source, f"文件已损坏：缺少其中的 {missing}（{_whole(kind)}）")


def _whole(kind: Kind) -> str:
    return f"应为完整的 {kind.label} 文件：请找回原文件，或用 {kind.apps} 打开修复后另存再导入"


def _missing_part(archive: zipfile.ZipFile) -> str | None:
    """The first part that a relationship of the package or of one of its parts names but the file lacks."""
    names = set(archive.namelist())
    for required in ("[Content_Types].xml", "_rels/.rels"):
        if required not in names:
            return required
    for rels in sorted(name for name in names if name.endswith(".rels")):
        folder, file = posixpath.split(posixpath.dirname(rels))[0], posixpath.basename(rels)
        if rels != "_rels/.rels" and posixpath.join(folder, file.removesuffix(".rels")) not in names:
            continue  # the relationships of a part that is gone; nothing reads them
        try:
            relationships = ElementTree.fromstring(archive.read(rels)).iter(RELATIONSHIP)
        except ElementTree.ParseError:
            continue  # python-docx's own parser says so
        for relationship in relationships:
            target = relationship.get("Target", "")
            if relationship.get("TargetMode") == "External" or not target:
                continue
            part = target[1:] if target.startswith("/") else posixpath.normpath(posixpath.join(folder, target))
            if part not in names:
                return part
    return None
