"""The clerk's import (issue 25): the year from the file's name, codes another department uses,
re-importing over hand edits (--dry-run, --keep), the publisher's mark, and text exports
written one table row per line.

Everything is built here from the seed text export in `sources/`; the repository's
`content/` is never read.
"""

from __future__ import annotations

import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from conftest import ROOT, SEED
from test_publisher import read_publisher

from generator.publish.settings import SettingError
from generator.source.importer import import_files
from generator.source.readers import ReadError, read_document


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "generator", *args],
        capture_output=True, text=True, timeout=120, cwd=ROOT, check=False,
    )  # fmt: skip


def snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def seed_as(folder: Path, name: str, text: str | None = None) -> Path:
    """The seed text export under another name (and text)."""
    path = folder / name
    path.write_text(SEED.read_text(encoding="utf-8") if text is None else text, encoding="utf-8")
    return path


# Item 7: the year from the file's name, before any warning.


@pytest.mark.parametrize("name", ["2024年组织部.txt", "2024-203001.txt", "组织部（2024）.txt", "zuzhibu_2024.txt"])
def test_the_year_is_taken_from_the_files_name_without_a_warning(tmp_path: Path, name: str) -> None:
    reading = read_document(seed_as(tmp_path, name))
    assert (reading.department.year, reading.warnings) == (2024, ())


def test_the_name_year_wins_over_the_years_the_text_mentions(tmp_path: Path) -> None:
    reading = read_document(seed_as(tmp_path, "2025年组织部.txt"))
    assert (reading.department.year, reading.warnings) == (2025, ())


@pytest.mark.parametrize("name", ["组织部.txt", "203001.txt", "2024-2025组织部.txt"])
def test_without_a_year_in_title_or_name_the_text_decides_with_a_warning(tmp_path: Path, name: str) -> None:
    reading = read_document(seed_as(tmp_path, name))
    assert reading.department.year == 2024
    assert reading.warnings == (
        "文件标题和文件名都没有写明年度，按正文中最常出现的年份定为 2024 年；如不对请用 --year 指定",
    )


def test_the_seed_imports_with_no_warning(tmp_path: Path) -> None:
    result = run("import", str(SEED), "--out", str(tmp_path / "content"), "--published", "2024-02-01")
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[0] == (
        "tests/fixtures/2024-203001-zuzhibu.txt → 2024 年 203001 中国共产党乐亭县委员会组织部本级 绩效目标：13 个项目，78 条指标，发布日期 2024-02-01；"
        "文件新增 14，更新 0，删除 0，未变 0；警告 0 条"
    )


# Item 9: the publisher's mark is an image by its bytes, not its name.

IMAGES = {
    "PNG": b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
    "JPEG": b"\xff\xd8\xff\xe0\x00\x10JFIF\x00",
    "GIF": b"GIF89a\x02\x00\x02\x00",
    "WebP": b"RIFF\x24\x00\x00\x00WEBPVP8 ",
    "SVG": b'<svg xmlns="http://www.w3.org/2000/svg" width="2" height="2"/>',
    "SVG with its XML declaration": (
        b'\xef\xbb\xbf<?xml version="1.0" encoding="UTF-8"?>\n<!-- \xe6\xa0\x87\xe8\xaf\x86 -->\n'
        b'<svg xmlns="http://www.w3.org/2000/svg"/>'
    ),
}


@pytest.mark.parametrize("kind", IMAGES)
def test_a_mark_is_accepted_by_its_content_whatever_its_name(tmp_path: Path, kind: str) -> None:
    (tmp_path / "docs/images").mkdir(parents=True)
    (tmp_path / "docs/images/标识.bin").write_bytes(IMAGES[kind])
    assert read_publisher({"mark": "images/标识.bin"}, tmp_path / "docs").mark == "images/标识.bin"


@pytest.mark.parametrize(
    "content",
    [b"not an image", "<html>党政机关网站标识</html>".encode(), b"", b"<?xml version='1.0'?><html/>", b"RIFF0000WAVE"],
)
def test_a_mark_named_png_that_is_not_an_image_is_refused(
    tmp_path: Path, content: bytes, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "docs/images").mkdir(parents=True)
    (tmp_path / "docs/images/dzjg.png").write_bytes(content)
    with pytest.raises(SettingError) as raised:
        read_publisher({"mark": "images/dzjg.png"}, tmp_path / "docs")
    assert str(raised.value) == (
        "mkdocs.yml: publisher.mark（党政机关网站标识）：docs/images/dzjg.png 不是图片"
        "（按文件内容应为 PNG、JPEG、GIF、WebP、SVG 图片，不看扩展名）"
    )


# Item 10: a text export written one table row per line, its cells separated by tabs.


def rows_per_line(text: str) -> str:
    """The seed's text as Word or WPS may save it: each table row on one line, its cells separated by tabs.

    In the seed each cell is a line starting with a tab (a line without one continues
    it) and an empty line ends a row; a line break inside a cell becomes Word's
    line break within a line, the vertical tab.
    """
    out: list[str] = []
    row: list[list[str]] = []
    for line in text.split("\n"):
        if line.startswith("\t"):
            row.append([line[1:]])
        elif line.strip() and row:
            row[-1].append(line)
        else:
            if row:
                out.append("\t".join("\x0b".join(cell) for cell in row))
                row = []
            out.append(line)
    return "\n".join(out)


def test_a_text_export_with_one_row_per_line_imports_as_the_seed(tmp_path: Path) -> None:
    text = rows_per_line(SEED.read_text(encoding="utf-8"))
    assert "一级指标\t二级指标\t三级指标\t绩效指标描述\t指标值\t指标值确定依据" in text.split("\n")
    assert "项目编码\t13022524P00442P10057D\t项目名称\t村干部基础职务补贴" in text.split("\n")
    by_rows = seed_as(tmp_path, "2024-203001-按行.txt", text)
    published = date(2024, 2, 1)
    for source, out in ((SEED, tmp_path / "cells"), (by_rows, tmp_path / "rows")):
        (result,) = import_files([source], out, published=published)
        assert (result.error, result.warnings) == (None, [])
    assert snapshot(tmp_path / "rows") == snapshot(tmp_path / "cells")


def test_a_row_per_line_export_names_the_line_of_a_bad_cell(tmp_path: Path) -> None:
    text = rows_per_line(SEED.read_text(encoding="utf-8")).replace("\t4916.86\t其中", "\t4916.8.6\t其中", 1)
    with pytest.raises(ReadError) as raised:
        read_document(seed_as(tmp_path, "2024-203001.txt", text))
    line = next(n for n, row in enumerate(text.split("\n"), start=1) if "4916.8.6" in row)
    assert str(raised.value) == (
        f"{tmp_path / '2024-203001.txt'}:{line}: 第 1 个项目表（村干部基础职务补贴）“预算数”的值“4916.8.6”不是金额（应为数字，如 4916.86）"
    )


# Item 6: a project code another department uses in the same year refuses the file at once.

SEED_UNIT = "203001中国共产党乐亭县委员会组织部本级"
SEED_NAME = "203001 中国共产党乐亭县委员会组织部本级"
FIRST_CODE = "13022524P00442P10057D"


def other_department(folder: Path, name: str = "2024-203002.txt", *, same_first_code: bool = True) -> Path:
    """The seed as another unit's document (203002 乐亭县财政局), its codes its own but maybe the first."""
    text = SEED.read_text(encoding="utf-8").replace(SEED_UNIT, "203002乐亭县财政局")
    text = text.replace("P00442P", "P00999P").replace("13022524P00N62U10002L", "13022524P00N62U10009L")
    if same_first_code:
        text = text.replace("13022524P00999P10057D", FIRST_CODE)
    return seed_as(folder, name, text)


def clash(source: Path, owner: str) -> str:
    return (
        f"未导入：{source}: 第 1 个项目表（村干部基础职务补贴）的项目编码“{FIRST_CODE}”已被 2024 年 {SEED_NAME} 使用"
        f"（{owner}），未写入 203002 乐亭县财政局 的任何文件"
        "（同一年度各部门的项目编码不能重复，否则 check 会拒绝这些内容；请核对编码）\n"
    )


def test_a_code_another_department_uses_in_content_refuses_the_file(tmp_path: Path) -> None:
    out = tmp_path / "content"
    assert run("import", str(SEED), "--out", str(out)).returncode == 0
    before = snapshot(out)
    other = other_department(tmp_path)
    result = run("import", str(other), "--out", str(out))
    assert result.returncode == 1
    assert result.stderr == clash(other, str(out / "2024/203001" / f"{FIRST_CODE}.yaml"))
    assert snapshot(out) == before  # nothing written for it
    assert run("check", str(out)).returncode == 0


@pytest.mark.parametrize("dry_run", [[], ["--dry-run"]])
def test_a_code_an_earlier_file_of_the_run_uses_refuses_the_later_file(tmp_path: Path, dry_run: list[str]) -> None:
    other = other_department(tmp_path)
    result = run("import", str(SEED), str(other), "--out", str(tmp_path / "content"), *dry_run)
    assert result.returncode == 1
    assert result.stderr == clash(other, "tests/fixtures/2024-203001-zuzhibu.txt")
    assert "导入 1 个部门" in result.stdout.splitlines()[-1]


def test_another_year_may_use_the_code_again(tmp_path: Path) -> None:
    result = run("import", str(SEED), str(other_department(tmp_path, "2025-203002.txt")), "--out", str(tmp_path / "c"))
    assert result.returncode == 0, result.stderr


def test_a_department_this_run_imports_counts_with_its_new_codes(tmp_path: Path) -> None:
    out = tmp_path / "content"
    (tmp_path / "旧").mkdir()
    assert run("import", str(other_department(tmp_path / "旧")), "--out", str(out)).returncode == 0
    corrected = other_department(tmp_path, same_first_code=False)  # 203002 gives the code up
    refused = run("import", str(SEED), str(corrected), "--out", str(out))  # its folder still holds the code
    assert refused.returncode == 1 and f"使用（{out / '2024/203002' / (FIRST_CODE + '.yaml')}）" in refused.stderr
    result = run("import", str(corrected), str(SEED), "--out", str(out))
    assert result.returncode == 0, result.stderr
    assert run("check", str(out)).returncode == 0


# Item 8: re-importing over hand edits: the whole plan in a dry run, and --keep.

EDITED, NOTED = "13022524P00442P10057D.yaml", "13022524P00442P10051P.yaml"
GONE, NEW = "13022524P00N62U10002L.yaml", "13022524P00N62U10003L.yaml"


def hand_edited(tmp_path: Path) -> tuple[Path, Path]:
    """Content imported from the seed, two files edited by hand, and a corrected document (one code changed)."""
    out = tmp_path / "content"
    assert run("import", str(SEED), "--out", str(out), "--published", "2024-02-01").returncode == 0
    folder = out / "2024/203001"
    (folder / EDITED).write_text((folder / EDITED).read_text(encoding="utf-8").replace("≥90%", "≥95%"), "utf-8")
    with (folder / NOTED).open("a", encoding="utf-8") as file:
        file.write("# 财政局 3 月 5 日核对\n")
    text = SEED.read_text(encoding="utf-8").replace("13022524P00N62U10002L", "13022524P00N62U10003L")
    return seed_as(tmp_path, "2024-203001.txt", text), folder


def test_a_dry_run_blocked_by_hand_edits_shows_the_whole_plan_marking_what_force_discards(tmp_path: Path) -> None:
    document, folder = hand_edited(tmp_path)
    before = snapshot(tmp_path / "content")
    result = run("import", str(document), "--out", str(tmp_path / "content"), "--dry-run")
    assert result.returncode == 1
    mark = "（手工修改过，--force 会放弃这处修改）"
    assert result.stdout.splitlines() == [
        f"{document} → 2024 年 {SEED_NAME} 绩效目标：13 个项目，78 条指标，发布日期 2024-02-01；文件将新增 1，更新 2，删除 1，未变 11；警告 0 条",
        f"  更新：{folder / EDITED}{mark}",
        f"  更新：{folder / NOTED}{mark}",
        f"  新增：{folder / NEW}",
        f"  删除：{folder / GONE}",
        "共 1 个文件：导入 0 个部门，0 个项目，0 条指标；失败 1 个。（试运行，未写入任何文件）",
    ]
    assert result.stderr == (
        f"未导入：{document}: {folder / EDITED}、{folder / NOTED} 在上次导入后被手工修改过，未写入这个部门的任何文件"
        "（确认以文件为准、放弃手工修改，请加 --force；要保留其中的文件、导入其余内容，请加 --keep 该文件）\n"
    )
    forced = run("import", str(document), "--out", str(tmp_path / "content"), "--dry-run", "--force")
    assert forced.returncode == 0
    assert forced.stdout.splitlines()[1:5] == result.stdout.splitlines()[1:5]
    assert snapshot(tmp_path / "content") == before
    written = run("import", str(document), "--out", str(tmp_path / "content"), "--force")
    assert written.stdout.splitlines()[1] == f"  更新：{folder / EDITED}（手工修改过，已按 --force 放弃这处修改）"


def test_keep_leaves_a_hand_edited_file_byte_for_byte_and_imports_the_rest(tmp_path: Path) -> None:
    document, folder = hand_edited(tmp_path)
    edited, noted = (folder / EDITED).read_bytes(), (folder / NOTED).read_bytes()
    result = run(
        "import", str(document), "--out", str(tmp_path / "content"), "--keep", str(folder / EDITED), "--keep",
        str(folder / NOTED),
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [
        f"{document} → 2024 年 {SEED_NAME} 绩效目标：13 个项目，78 条指标，发布日期 2024-02-01；文件新增 1，更新 0，删除 1，未变 13；警告 0 条",
        f"  保留：{folder / EDITED}（手工修改过，按 --keep 原样保留）",
        f"  保留：{folder / NOTED}（手工修改过，按 --keep 原样保留）",
        f"  新增：{folder / NEW}",
        f"  删除：{folder / GONE}",
        "共 1 个文件：导入 1 个部门，13 个项目，78 条指标；失败 0 个。",
    ]
    assert ((folder / EDITED).read_bytes(), (folder / NOTED).read_bytes()) == (edited, noted)
    assert (folder / NEW).is_file() and not (folder / GONE).exists()
    assert run("check", str(tmp_path / "content")).returncode == 0


def test_keep_with_one_file_still_refuses_the_other_hand_edit(tmp_path: Path) -> None:
    document, folder = hand_edited(tmp_path)
    result = run("import", str(document), "--out", str(tmp_path / "content"), "--keep", str(folder / EDITED))
    assert result.returncode == 1
    assert result.stderr.startswith(f"未导入：{document}: {folder / NOTED} 在上次导入后被手工修改过")


def test_keep_names_only_content_files_of_a_department(tmp_path: Path) -> None:
    document, folder = hand_edited(tmp_path)
    out = tmp_path / "content"
    result = run("import", str(document), "--out", str(out), "--keep", str(folder / "x.yaml"), "--keep", str(document))
    assert result.returncode == 1
    assert result.stderr == (
        f"{folder / 'x.yaml'}: --keep 的文件不存在（--keep 应为 {out}/<年度>/<单位编码>/ 或其 results/ 下的 .yaml 文件）\n"
        f"{document}: 不是部门文件夹中的 YAML 文件（--keep 应为 {out}/<年度>/<单位编码>/ 或其 results/ 下的 .yaml 文件）\n"
    )
    assert result.stdout == ""
