"""Damaged, mislabelled, hostile and oversized input files are refused with a message naming the place, never a traceback or a hang.

Every file is made here: the seed department exported to Word and Excel, then damaged
the way a broken download, a careless edit or a crafted file would.
"""

from __future__ import annotations

import io
import time
import zipfile
from collections.abc import Callable
from pathlib import Path
from random import Random

import openpyxl
import pytest
from conftest import SEED
from openpyxl.styles import Font
from test_readers import SEED_DEPARTMENT, edit_word_cell, excel_file, word_file

from generator.source.readers import ReadError, read_document
from generator.source.readers.blocks import MAX_CELL_CHARS
from generator.source.readers.package import MAX_BYTES

WORD_REPAIR = "应为完整的 Word .docx 文件：请找回原文件，或用 Word 或 WPS 打开修复后另存再导入"
EXCEL_REPAIR = "应为完整的 Excel .xlsx 文件：请找回原文件，或用 Excel 或 WPS 打开修复后另存再导入"


def refusal(path: Path) -> str:
    with pytest.raises(ReadError) as error:
        read_document(path)
    return str(error.value)


def rezipped(path: Path, change: Callable[[str, bytes], bytes | None]) -> None:
    """The package with each part as `change` makes it (None leaves the part out)."""
    with zipfile.ZipFile(path) as source:
        parts = [(name, change(name, source.read(name))) for name in source.namelist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
        for name, data in parts:
            if data is not None:
                out.writestr(name, data)


def damage_deflate(path: Path, part: str) -> None:
    """Flip bytes inside one part's compressed data, leaving the zip's directory whole."""
    data = bytearray(path.read_bytes())
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        info = archive.getinfo(part)
    start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
    for offset in range(start + 10, start + 40):
        data[offset] ^= 0x55
    path.write_bytes(bytes(data))


@pytest.mark.parametrize(
    ("make", "part", "repair"),
    [
        (word_file, "word/document.xml", WORD_REPAIR),
        (word_file, "word/styles.xml", WORD_REPAIR),
        (excel_file, "xl/worksheets/sheet2.xml", EXCEL_REPAIR),
        (excel_file, "xl/styles.xml", EXCEL_REPAIR),
    ],
)
def test_a_part_with_damaged_compressed_data_is_refused_naming_the_part(
    tmp_path: Path, make: Callable, part: str, repair: str
) -> None:
    path = make(tmp_path)
    damage_deflate(path, part)
    assert refusal(path) == f"{path}: 文件已损坏：其中的 {part} 无法解压（{repair}）"


def test_a_word_document_with_broken_styles_xml_is_refused_naming_the_part_and_position(tmp_path: Path) -> None:
    path = word_file(tmp_path)
    rezipped(path, lambda name, data: b"<styles><style></styles>" if name == "word/styles.xml" else data)
    assert (
        refusal(path) == f"{path}: 文件已损坏：其中的 word/styles.xml 第 1 行第 18 列起不是正确的 XML（{WORD_REPAIR}）"
    )


@pytest.mark.parametrize("part", ["word/styles.xml", "word/document.xml", "[Content_Types].xml"])
def test_a_word_document_missing_a_part_is_refused_naming_the_part(tmp_path: Path, part: str) -> None:
    path = word_file(tmp_path)
    rezipped(path, lambda name, data: None if name == part else data)
    assert refusal(path) == f"{path}: 文件已损坏：缺少其中的 {part}（{WORD_REPAIR}）"


def test_a_workbook_missing_a_sheets_part_is_refused_not_read_without_that_project(tmp_path: Path) -> None:
    path = excel_file(tmp_path)
    rezipped(path, lambda name, data: None if name == "xl/worksheets/sheet3.xml" else data)
    title = openpyxl.load_workbook(excel_file(tmp_path, name="whole.xlsx"), read_only=True).sheetnames[2]
    assert refusal(path) == f"{path}: 工作表“{title}”的内容（xl/worksheets/sheet3.xml）不在文件中，文件已损坏"


def test_a_formula_without_a_saved_result_is_refused_naming_its_sheet_and_cell(tmp_path: Path) -> None:
    """openpyxl saves formulas without their results; read as blank, the amount would be lost silently."""
    path = excel_file(tmp_path)
    workbook = openpyxl.load_workbook(path)
    sheet = workbook.worksheets[1]
    cell = next(c for row in sheet.iter_rows() for c in row if c.value == 4916.86)
    cell.value = "=4900+16.86"
    workbook.save(path)
    assert refusal(path) == (
        f"{path}: 工作表“{sheet.title}”的 {cell.coordinate}: 公式没有保存计算结果，请在 Excel 中打开并保存后再导入"
    )


@pytest.mark.parametrize(
    ("make", "name", "message"),
    [
        (excel_file, "部门.docx", "这是 Excel .xlsx 文件，扩展名却是 .docx（应把文件改名为 部门.xlsx 再导入）"),
        (word_file, "部门.xlsx", "这是 Word .docx 文件，扩展名却是 .xlsx（应把文件改名为 部门.docx 再导入）"),
        (None, "部门.docx", "这是纯文本导出的绩效目标表，扩展名却是 .docx（应把文件改名为 部门.txt 再导入）"),
        (None, "部门.xlsx", "这是纯文本导出的绩效目标表，扩展名却是 .xlsx（应把文件改名为 部门.txt 再导入）"),
    ],
)
def test_a_file_whose_extension_is_not_its_kind_is_refused_saying_what_it_is(
    tmp_path: Path, make: Callable | None, name: str, message: str
) -> None:
    path = tmp_path / name
    data = SEED.read_bytes() if make is None else make(tmp_path, name="原文件" + name[-5:]).read_bytes()
    path.write_bytes(data)
    assert refusal(path) == f"{path}: {message}"


@pytest.mark.parametrize("suffix", [".docx", ".xlsx"])
def test_an_empty_office_file_is_refused_saying_it_is_empty(tmp_path: Path, suffix: str) -> None:
    path = tmp_path / f"部门{suffix}"
    path.write_bytes(b"")
    kind = "Word .docx" if suffix == ".docx" else "Excel .xlsx"
    assert refusal(path) == f"{path}: 文件是空的（应为 {kind} 文件）"


# Control characters


def test_words_line_break_and_page_break_characters_become_line_breaks(tmp_path: Path) -> None:
    """Shift+Enter and a page break reach a text export or a workbook as \\x0b and \\x0c."""
    name = SEED_DEPARTMENT.projects[0].name
    path = tmp_path / "部门.txt"
    path.write_text(SEED.read_text(encoding="utf-8").replace("\t用于发入", "\t用于\x0b发入\x0c"), encoding="utf-8")
    assert read_document(path).department.projects[0].purpose.startswith("用于\n发入")

    path = excel_file(tmp_path)
    workbook = openpyxl.load_workbook(path)
    cell = next(c for row in workbook.worksheets[1].iter_rows() for c in row if c.value == name)
    cell.value = "村干部\r\n基础职务_x000B_补贴"  # how Excel saves a pasted Shift+Enter
    workbook.save(path)
    assert read_document(path).department.projects[0].name == "村干部\n基础职务\n补贴"


@pytest.mark.parametrize(("character", "kind"), [("\x01", "控制字符"), ("\x1c", "控制字符"), ("\x7f", "控制字符")])
def test_a_control_character_in_a_text_export_is_refused_naming_its_line(
    tmp_path: Path, character: str, kind: str
) -> None:
    text = SEED.read_text(encoding="utf-8")
    path = tmp_path / "部门.txt"
    path.write_text(text.replace("\t用于发入", f"\t用于{character}发入", 1), encoding="utf-8")
    line = next(n for n, raw in enumerate(text.split("\n"), start=1) if raw.startswith("\t用于发入"))
    code = f"U+{ord(character):04X}"
    assert refusal(path) == f"{path}:{line}: 文字中有{kind} {code}（应为文字、换行或制表符，请删去该字符再导入）"


@pytest.mark.parametrize("character", ["\x80", "\x85", "\x9f"])
def test_a_c1_control_character_in_a_word_cell_is_refused_naming_the_cell(tmp_path: Path, character: str) -> None:
    """The only control characters XML lets into a .docx; the others make it a damaged file."""
    path = word_file(tmp_path)
    edit_word_cell(path, "4916.86", f"49{character}16.86")
    code = f"U+{ord(character):04X}"
    assert refusal(path) == (
        f"{path}: 第 1 个表格第 3 行第 3 格: 文字中有控制字符 {code}（应为文字、换行或制表符，请删去该字符再导入）"
    )


@pytest.mark.parametrize(
    ("escaped", "code", "kind"),
    [("_x0001_", "U+0001", "控制字符"), ("_xD800_", "U+D800", "无效字符"), ("_xFFFF_", "U+FFFF", "无效字符")],
)
def test_a_control_character_or_lone_surrogate_in_an_excel_cell_is_refused_naming_sheet_and_cell(
    tmp_path: Path, escaped: str, code: str, kind: str
) -> None:
    path = excel_file(tmp_path)
    workbook = openpyxl.load_workbook(path)
    sheet = workbook.worksheets[1]
    cell = next(c for row in sheet.iter_rows() for c in row if c.value == SEED_DEPARTMENT.projects[0].name)
    cell.value = f"村干部{escaped}补贴"
    workbook.save(path)
    assert refusal(path) == (
        f"{path}: 工作表“{sheet.title}”的 {cell.coordinate}: 文字中有{kind} {code}（应为文字、换行或制表符，请删去该字符再导入）"
    )


# Size and extent


def far_styled_workbook(tmp_path: Path) -> Path:
    """The seed's workbook with one formatted empty cell at XFD1048576 and a merged range A20:ZZ20000 on a project sheet."""
    path = excel_file(tmp_path)
    workbook = openpyxl.load_workbook(path)
    sheet = workbook.worksheets[1]
    assert sheet.max_row < 20
    sheet["XFD1048576"].font = Font(bold=True)
    sheet.merged_cells.add("A20:ZZ20000")  # as Excel saves it; merge_cells() would fill 14 million cells here
    workbook.save(path)
    return path


def test_a_formatted_cell_or_merged_range_far_from_the_table_reads_in_no_time(tmp_path: Path) -> None:
    """Only the cells up to the last value are read: this took minutes when every row was read to XFD."""
    path = far_styled_workbook(tmp_path)
    started = time.perf_counter()
    assert read_document(path).department == SEED_DEPARTMENT
    assert time.perf_counter() - started < 20


def test_a_value_far_from_the_table_is_refused_naming_its_cell(tmp_path: Path) -> None:
    path = excel_file(tmp_path)
    workbook = openpyxl.load_workbook(path)
    sheet = workbook.worksheets[1]
    sheet["XFD1048576"] = "x"
    workbook.save(path)
    assert refusal(path) == (
        f"{path}: 工作表“{sheet.title}”: 有内容的单元格远到 XFD1048576，超过 1000000 个单元格"
        "（应只有绩效目标表：请删去表格外远处单元格的内容再导入）"
    )


def test_a_text_export_over_the_size_limit_is_refused_without_being_read(tmp_path: Path) -> None:
    path = tmp_path / "部门.txt"
    with path.open("wb") as file:
        file.truncate(50 * 1024 * 1024)  # 50 MB, sparse: nothing is written
    assert refusal(path) == f"{path}: 文件有 50.0 MB，超过一个部门文件的上限 20.0 MB（应只含这个部门的绩效目标表）"


def test_a_word_document_unpacking_beyond_the_size_limit_is_refused_before_it_is_parsed(tmp_path: Path) -> None:
    path = word_file(tmp_path)
    with zipfile.ZipFile(path, "a", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("word/media/image1.png", bytes(MAX_BYTES))  # compresses to a few kilobytes
    assert refusal(path).startswith(f"{path}: 文件解压后有 20.")
    assert refusal(path).endswith("超过一个部门文件的上限 20.0 MB（应只含绩效目标表：请删去图片等其他内容再导入）")


def test_a_cell_of_ten_megabytes_is_refused_naming_it(tmp_path: Path) -> None:
    text = SEED.read_text(encoding="utf-8")
    path = tmp_path / "部门.txt"
    path.write_text(text.replace("\t用于发入", "\t" + "x" * 10_000_000 + "用于发入", 1), encoding="utf-8")
    line = next(n for n, raw in enumerate(text.split("\n"), start=1) if raw.startswith("\t用于发入"))
    assert refusal(path) == (
        f"{path}:{line}: 文字有 {10_000_000 + len('用于发入村干部基础职务补贴')} 个字符，"
        f"超过一格的上限 {MAX_CELL_CHARS}（应为一个表格单元格或一段的文字）"
    )


def test_a_formula_with_its_saved_result_reads_as_that_result(tmp_path: Path) -> None:
    path = excel_file(tmp_path)
    part = "xl/worksheets/sheet2.xml"
    with zipfile.ZipFile(path) as archive:
        assert b"<v>4916.86</v>" in archive.read(part)
    formula = b"<f>4900+16.86</f><v>4916.86</v>"
    rezipped(path, lambda name, data: data.replace(b"<v>4916.86</v>", formula) if name == part else data)
    assert read_document(path).department == SEED_DEPARTMENT


@pytest.mark.parametrize("make", [word_file, excel_file])
def test_randomly_damaged_files_are_read_or_refused_never_a_traceback(tmp_path: Path, make: Callable) -> None:
    """Seeded damage of two kinds: bytes of the file flipped, and characters of one XML part changed."""
    whole = make(tmp_path).read_bytes()
    with zipfile.ZipFile(io.BytesIO(whole)) as archive:
        xml_parts = sorted(name for name in archive.namelist() if name.endswith((".xml", ".rels")))
    random = Random(24)
    for case in range(30):
        path = tmp_path / f"case{case}{'.docx' if make is word_file else '.xlsx'}"
        if case % 2:
            data = bytearray(whole)
            for _ in range(random.randint(1, 8)):
                data[random.randrange(len(data))] = random.randrange(256)
            path.write_bytes(bytes(data))
        else:
            path.write_bytes(whole)
            part, count = random.choice(xml_parts), random.randint(1, 5)

            def damaged(name: str, data: bytes, part: str = part, count: int = count) -> bytes:
                if name != part:
                    return data
                text = bytearray(data)
                for _ in range(count):
                    text[random.randrange(len(text))] = random.choice(b'<>/="&\x00\x0b x0\xe4')
                return bytes(text)

            rezipped(path, damaged)
        try:
            read_document(path)
        except ReadError as error:
            assert str(error).startswith(f"{path}: "), str(error)
