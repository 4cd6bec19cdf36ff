"""Read the text export of a department's document (Word's and WPS's “纯文本” save).

The export comes in two layouts. Mostly it writes each table cell on a line of its own
that starts with a tab, and an empty line ends a table row; it may instead write each
row on one line, its cells separated by tabs. A file is read by rows when one line
holds the whole indicator header (一级指标, 二级指标, … separated by tabs), which a
file of cells never has. In either, a line without a tab right after a cell continues
that cell (a line break inside it); any other line is a paragraph. Word on Chinese Windows
saves as GB18030 (GBK) unless “Unicode” is chosen (UTF-16, or UTF-8 with or without
a byte-order mark); the encoding is detected, and a decoding that does not show the
form's words is never taken. Word's `[bookmark: …]` markers are dropped.

Lines end at \n, \r\n or \r only: a vertical tab (Shift+Enter) or form feed inside a line
is a line break within its cell, and any other control character is refused with its
line (`blocks.readable`), not taken as the end of a line as `str.splitlines` would.
"""

from __future__ import annotations

import codecs
import re
from pathlib import Path

from generator.source.readers.blocks import Block, Cell, Paragraph, Place, Row, readable
from generator.source.readers.document import read_blocks
from generator.source.readers.errors import ReadError
from generator.source.readers.form import Reading, is_indicator_header
from generator.source.readers.package import FORM_WORDS, MAX_BYTES, TEXT_ENCODINGS, megabytes
from generator.source.readers.result_form import ResultsReading, is_results_header

BOOKMARK = re.compile(r"\[bookmark: [^\]]*\]")
LINE_END = re.compile(r"\r\n?|\n")
BOMS = ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))


def decode(data: bytes, source: Path) -> str:
    """The file's text, in the encoding its bytes and the form's words agree on."""
    for bom, encoding in BOMS:
        if data.startswith(bom):
            try:
                return data.decode(encoding)
            except UnicodeDecodeError as error:
                raise ReadError(
                    source, f"文件开头标明是 {encoding.upper()} 编码，但第 {error.start} 字节起不是，文件可能已损坏"
                ) from None
    for encoding in TEXT_ENCODINGS:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if any(word in text for word in FORM_WORDS):
            return text
    raise ReadError(
        source,
        f"无法识别文件的编码，或文件中没有“{FORM_WORDS[0]}”或“{FORM_WORDS[1]}”字样（已试 UTF-8、GB18030/GBK、UTF-16）；"
        "请在 Word 中“另存为”纯文本或直接导入 .docx 文件",
    )


def _split(line: str, number: int) -> Row:
    return Row(tuple(Cell(text.strip(), Place(line=number)) for text in line.split("\t")), Place(line=number))


def blocks(text: str) -> list[Block]:
    """The export's paragraphs and table rows, each placed by its line number."""
    lines = [BOOKMARK.sub("", raw) for raw in LINE_END.split(text)]
    by_rows = any(
        "\t" in line and (is_indicator_header(row := _split(line, 0)) or is_results_header(row)) for line in lines
    )
    out: list[Block] = []
    cells: list[tuple[int, list[str]]] = []  # each cell's first line number and its lines

    def end_row() -> None:
        if cells:
            row = tuple(Cell("\n".join(parts).strip(), Place(line=n)) for n, parts in cells)
            out.append(Row(row, Place(line=cells[0][0])))
            cells.clear()

    for number, line in enumerate(lines, start=1):
        if by_rows and "\t" in line:
            end_row()
            cells.extend((number, [cell]) for cell in line.split("\t"))
        elif line.startswith("\t"):
            cells.append((number, [line[1:]]))
        elif line.strip() and cells:
            cells[-1][1].append(line)
        else:
            end_row()
            if line.strip():
                out.append(Paragraph(line.strip(), Place(line=number)))
    end_row()
    return out


def read(source: Path, year: int | None = None) -> Reading | ResultsReading:
    """One department's text export, as the model."""
    size = source.stat().st_size
    if size > MAX_BYTES:
        raise ReadError(
            source,
            f"文件有 {megabytes(size)}，超过一个部门文件的上限 {megabytes(MAX_BYTES)}（应只含这个部门的绩效目标表）",
        )
    return read_blocks(readable(blocks(decode(source.read_bytes(), source)), source), source, year)
