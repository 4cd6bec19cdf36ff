"""The clerk's import (issue 25): the year from the file's name, codes another department uses,
re-importing over hand edits (--dry-run, --keep), the publisher's mark, and text exports
written one table row per line.

Everything is built here from the seed text export in `sources/`; the repository's
`content/` is never read.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT, SEED

from generator.categories import SettingError
from generator.publisher import from_setting
from generator.readers import read_document


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "generator", *args],
        capture_output=True, text=True, timeout=120, cwd=ROOT, check=False,
    )  # fmt: skip


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
    assert reading.warnings == ("文件标题和文件名都没有写明年度，按正文中最常出现的年份定为 2024 年；如不对请用 --year 指定",)


def test_the_seed_imports_with_no_warning(tmp_path: Path) -> None:
    result = run("import", str(SEED), "--out", str(tmp_path / "content"), "--published", "2024-02-01")
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[0] == (
        "sources/2024-203001-zuzhibu.txt → 2024 年 203001 中国共产党乐亭县委员会组织部本级：13 个项目，78 条指标，发布日期 2024-02-01；"
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
    assert from_setting({"mark": "images/标识.bin"}, tmp_path / "docs").mark == "images/标识.bin"


@pytest.mark.parametrize(
    "content",
    [b"not an image", "<html>党政机关网站标识</html>".encode(), b"", b"<?xml version='1.0'?><html/>", b"RIFF0000WAVE"],
)
def test_a_mark_named_png_that_is_not_an_image_is_refused(tmp_path: Path, content: bytes) -> None:
    (tmp_path / "docs/images").mkdir(parents=True)
    (tmp_path / "docs/images/dzjg.png").write_bytes(content)
    with pytest.raises(SettingError) as raised:
        from_setting({"mark": "images/dzjg.png"}, tmp_path / "docs")
    assert str(raised.value) == (
        "mkdocs.yml: publisher.mark（党政机关网站标识）：docs/images/dzjg.png 不是图片"
        "（按文件内容应为 PNG、JPEG、GIF、WebP、SVG 图片，不看扩展名）"
    )
