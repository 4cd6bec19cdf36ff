"""`python -m generator import` takes a county's folder of files; re-importing is safe; `export` goes back out."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from dataclasses import replace
from datetime import date
from pathlib import Path

import two_years
from conftest import CONTENT, ROOT, SEED
from test_readers import SEED_DEPARTMENT, excel_file, word_file

from generator.source.readers import read_document


def run(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "generator", *args],
        capture_output=True, text=True, timeout=300, cwd=ROOT, check=False, env=env,
    )  # fmt: skip


def snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_a_folder_of_word_excel_and_text_files_is_imported_file_by_file(tmp_path: Path) -> None:
    inbox = tmp_path / "收文"
    inbox.mkdir()
    word_file(inbox, name="组织部.docx")
    later = replace(SEED_DEPARTMENT, year=2025, projects=SEED_DEPARTMENT.projects[:2])
    excel_file(inbox, later, name="组织部2025.xlsx")
    (inbox / "损坏.docx").write_bytes(b"not a zip")
    (inbox / "~$组织部.docx").write_bytes(b"Word's lock file")
    (inbox / "说明.pdf").write_bytes(b"%PDF")
    out = tmp_path / "content"

    result = run("import", str(inbox), "--out", str(out))

    assert result.returncode == 1  # one file failed
    name, today = SEED_DEPARTMENT.name, date.today()  # a first import is published the day it is made
    assert result.stdout.splitlines() == [
        f"{inbox / '组织部.docx'} → 2024 年 203001 {name} 绩效目标：13 个项目，78 条指标，发布日期 {today}；文件新增 14，更新 0，删除 0，未变 0；警告 0 条",
        *[
            f"  新增：{out / '2024/203001' / n}"
            for n in ["department.yaml", *(f"{p.code}.yaml" for p in SEED_DEPARTMENT.projects)]
        ],
        f"{inbox / '组织部2025.xlsx'} → 2025 年 203001 {name} 绩效目标：2 个项目，12 条指标，发布日期 {today}；文件新增 3，更新 0，删除 0，未变 0；警告 0 条",
        *[
            f"  新增：{out / '2025/203001' / n}"
            for n in ["department.yaml", *(f"{p.code}.yaml" for p in later.projects)]
        ],
        "共 3 个文件：导入 2 个部门，15 个项目，90 条指标；失败 1 个。",
    ]
    assert result.stderr == (
        f"未导入：{inbox / '损坏.docx'}: 不是能打开的 Word .docx 文件（PackageNotFoundError），文件可能已损坏\n"
    )
    assert len(list((out / "2024/203001").glob("*.yaml"))) == 14
    assert len(list((out / "2025/203001").glob("*.yaml"))) == 3
    assert "Traceback" not in result.stderr


def test_reimporting_makes_the_folder_match_the_document_and_says_what_changed(tmp_path: Path) -> None:
    out = tmp_path / "content"
    assert run("import", str(SEED), "--out", str(out)).returncode == 0
    dropped = SEED_DEPARTMENT.projects[12]
    first = replace(SEED_DEPARTMENT.projects[0], goal="1.用于发放村干部基础职务补贴")
    corrected = replace(SEED_DEPARTMENT, projects=(first, *SEED_DEPARTMENT.projects[1:12]))
    document = word_file(tmp_path, corrected, name="更正.docx")

    before = snapshot(out)
    dry = run("import", str(document), "--out", str(out), "--dry-run")
    assert dry.returncode == 0, dry.stderr
    assert snapshot(out) == before
    assert "文件将新增 0，更新 1，删除 1，未变 12" in dry.stdout
    assert dry.stdout.endswith("（试运行，未写入任何文件）\n")

    result = run("import", str(document), "--out", str(out))
    assert result.returncode == 0, result.stderr
    folder = out / "2024/203001"
    assert f"  更新：{folder / (first.code + '.yaml')}" in result.stdout.splitlines()
    assert f"  删除：{folder / (dropped.code + '.yaml')}" in result.stdout.splitlines()
    assert not (folder / f"{dropped.code}.yaml").exists()
    assert read_document(document).department.projects == corrected.projects


def test_the_publication_date_is_given_once_and_kept_by_later_imports(tmp_path: Path) -> None:
    out = tmp_path / "content"
    department_file = out / "2024/203001/department.yaml"
    first = run("import", str(SEED), "--out", str(out), "--published", "2024-02-01")
    assert first.returncode == 0, first.stderr
    assert "发布日期 2024-02-01；" in first.stdout
    assert "published: 2024-02-01  # 发布日期\n" in department_file.read_text(encoding="utf-8")

    again = run("import", str(word_file(tmp_path)), "--out", str(out))
    assert "发布日期 2024-02-01；文件新增 0，更新 0，删除 0，未变 14" in again.stdout

    corrected = run("import", str(SEED), "--out", str(out), "--published", "2024-03-15")
    assert "发布日期 2024-03-15；文件新增 0，更新 1，删除 0，未变 13" in corrected.stdout

    # A day staff corrected by hand (quoted, as YAML allows) is the one later imports keep.
    department_file.write_text(
        department_file.read_text(encoding="utf-8").replace("published: 2024-03-15", "published: '2024-03-18'"),
        encoding="utf-8",
    )
    forced = run("import", str(SEED), "--out", str(out), "--force")
    assert "发布日期 2024-03-18；" in forced.stdout


def test_a_publication_date_that_is_not_a_day_is_refused(tmp_path: Path) -> None:
    result = run("import", str(SEED), "--out", str(tmp_path / "content"), "--published", "2024-02-30")
    assert result.returncode == 2
    assert result.stderr.endswith("argument --published: “2024-02-30”不是日期（应写作 年-月-日，如 2024-02-01）\n")
    assert not (tmp_path / "content").exists()


def test_a_file_edited_by_hand_is_not_overwritten_without_force(tmp_path: Path) -> None:
    out = tmp_path / "content"
    assert run("import", str(SEED), "--out", str(out)).returncode == 0
    edited = out / "2024/203001" / f"{SEED_DEPARTMENT.projects[0].code}.yaml"
    edited.write_text(edited.read_text(encoding="utf-8").replace("≥90%", "≥95%"), encoding="utf-8")
    first = replace(SEED_DEPARTMENT.projects[0], purpose="用于发放村干部基础职务补贴")
    document = word_file(tmp_path, replace(SEED_DEPARTMENT, projects=(first, *SEED_DEPARTMENT.projects[1:])))
    before = snapshot(out)

    refused = run("import", str(document), "--out", str(out))
    assert refused.returncode == 1
    assert refused.stderr == (
        f"未导入：{document}: {edited} 在上次导入后被手工修改过，未写入这个部门的任何文件"
        "（确认以文件为准、放弃手工修改，请加 --force；要保留其中的文件、导入其余内容，请加 --keep 该文件）\n"
    )
    assert snapshot(out) == before

    forced = run("import", str(document), "--out", str(out), "--force")
    assert forced.returncode == 0, forced.stderr
    assert "用于发放村干部基础职务补贴" in edited.read_text(encoding="utf-8")


def test_an_unchanged_file_edited_by_hand_back_to_its_imported_text_is_not_a_conflict(tmp_path: Path) -> None:
    out = tmp_path / "content"
    assert run("import", str(SEED), "--out", str(out)).returncode == 0
    again = run("import", str(SEED), "--out", str(out))
    assert again.returncode == 0
    assert "文件新增 0，更新 0，删除 0，未变 14" in again.stdout


def test_two_files_of_one_department_and_year_import_only_the_first(tmp_path: Path) -> None:
    first, second = word_file(tmp_path, name="a.docx"), excel_file(tmp_path, name="b.xlsx")
    result = run("import", str(first), str(second), "--out", str(tmp_path / "content"))
    assert result.returncode == 1
    assert result.stderr == f"未导入：{second}: 与 {first} 是同一部门同一年度（2024 年 203001），只导入了前者\n"


def test_problems_of_the_imported_content_are_shown_as_warnings(tmp_path: Path) -> None:
    first = replace(
        SEED_DEPARTMENT.projects[0], indicators=(replace(SEED_DEPARTMENT.projects[0].indicators[0], level2="数量指票"),)
    )
    document = word_file(tmp_path, replace(SEED_DEPARTMENT, projects=(first,)))
    result = run("import", str(document), "--out", str(tmp_path / "content"))
    assert result.returncode == 0, result.stderr
    assert "；警告 1 条" in result.stdout.splitlines()[0]
    assert "  警告：" in result.stdout and "数量指票" in result.stdout
    warning = f"  警告：{tmp_path / 'content/2024/203001' / (first.code + '.yaml')}:22: indicators[0].level2:"
    assert warning in result.stdout  # located in the file written, not in a scratch copy


def test_legacy_files_are_converted_when_libreoffice_is_installed(tmp_path: Path) -> None:
    """A stand-in `soffice` on the PATH converts the way LibreOffice does: a file of the new format beside."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    converted = word_file(tmp_path / "bin", name="template.docx")
    soffice = bin_dir / "soffice"
    soffice.write_text(
        "#!/bin/sh\n"
        'while [ "$1" != "--outdir" ]; do shift; done; out="$2"; src="$3"\n'
        f'name=$(basename "$src"); cp "{converted}" "$out/${{name%.*}}.docx"\n',
        encoding="utf-8",
    )
    soffice.chmod(0o755)
    legacy = tmp_path / "组织部.doc"
    legacy.write_bytes(b"\xd0\xcf\x11\xe0")
    env = {**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}"}
    result = run("import", str(legacy), "--out", str(tmp_path / "content"), env=env)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith(f"{legacy} → 2024 年 203001")


def test_export_then_import_gives_back_the_same_content(tmp_path: Path) -> None:
    content = tmp_path / "content"
    shutil.copytree(CONTENT, content)
    before = snapshot(content)
    for suffix in (".docx", ".xlsx"):
        target = tmp_path / f"导出{suffix}"
        exported = run("export", str(content / "2024/203001"), "--to", str(target))
        assert exported.returncode == 0, exported.stderr
        assert exported.stdout == f"已导出 2024 年 203001 的 13 个项目到 {target}\n"
        again = run("import", str(target), "--out", str(content))
        assert again.returncode == 0, again.stderr
        assert "文件新增 0，更新 0，删除 0，未变 14" in again.stdout
        assert snapshot(content) == before


def test_exports_are_byte_identical_from_the_same_content(tmp_path: Path) -> None:
    for suffix in (".docx", ".xlsx"):
        first, second = tmp_path / f"1{suffix}", tmp_path / f"2{suffix}"
        assert run("export", str(CONTENT / "2024/203001"), "--to", str(first)).returncode == 0
        assert run("export", str(CONTENT / "2024/203001"), "--to", str(second)).returncode == 0
        assert first.read_bytes() == second.read_bytes()


def test_reimporting_keeps_the_continues_that_staff_added(tmp_path: Path) -> None:
    out = tmp_path / "content"
    assert run("import", str(SEED), "--out", str(out)).returncode == 0
    next_year = two_years.second_year(SEED_DEPARTMENT)
    on_the_form = replace(next_year, projects=tuple(replace(p, continues=None) for p in next_year.projects))
    document = word_file(tmp_path, on_the_form)
    assert run("import", str(document), "--out", str(out)).returncode == 0
    renamed = out / "2025/203001" / f"{two_years.RENAMED_NEW}.yaml"
    text = renamed.read_text(encoding="utf-8")
    renamed.write_text(text.replace("\nname:", f"\ncontinues: {two_years.RENAMED_OLD}\nname:", 1), encoding="utf-8")
    assert run("check", str(out)).returncode == 0

    again = run("import", str(document), "--out", str(out), "--force")
    assert again.returncode == 0, again.stderr
    assert f"continues: {two_years.RENAMED_OLD}  # 上年项目编码" in renamed.read_text(encoding="utf-8")
    assert run("check", str(out)).returncode == 0
