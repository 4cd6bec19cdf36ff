"""Import writes inside `content/` only, one department at a time and all of it or none, and no file stops the others."""

from __future__ import annotations

import os
from dataclasses import replace
from pathlib import Path

import pytest
from conftest import ROOT, SEED
from test_import_command import run, snapshot
from test_readers import SEED_DEPARTMENT, excel_file, word_file

from generator.schema.problems import ContentError
from generator.schema.validate import load_catalog
from generator.source import importer
from generator.source.importer import import_files
from generator.source.readers import ReadError, read_document
from generator.source.yaml_writer import FileAction, OutsideFolder, department_folder, project_file

FIRST = SEED_DEPARTMENT.projects[0]
#: Lines of the seed text export (sources/2024-203001-zuzhibu.txt): the first table's unit row
#: and its code cell, and the code cells of tables 3 and 7.
UNIT_LINE, FIRST_CODE_LINE, THIRD_CODE_LINE, SEVENTH_CODE_LINE = 39, 43, 221, 578


def seed_text(folder: Path, name: str = "组织部.txt", **lines: str) -> Path:
    """The seed's text export with some lines replaced, by line number: `seed_text(p, L43="\\tP1")`."""
    text = SEED.read_text(encoding="utf-8").split("\n")
    for key, line in lines.items():
        text[int(key[1:]) - 1] = line
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text("\n".join(text), encoding="utf-8")
    return path


def run_in(tmp_path: Path, *args: str) -> tuple[int, str, str]:
    """The command with its temporary files under tmp_path/tmp, so that a test sees every file it writes."""
    temp = tmp_path / "tmp"
    temp.mkdir(exist_ok=True)
    result = run(*args, env={**os.environ, "TMPDIR": str(temp)})
    assert "Traceback" not in result.stderr, result.stderr
    return result.returncode, result.stdout, result.stderr


NOTHING_IMPORTED = "共 1 个文件：导入 0 个部门，0 个项目，0 条指标；失败 1 个。\n"


ESCAPING = "“../../../escaped/P1”含有字母和数字以外的字符（编码只能由字母和数字组成）"


@pytest.mark.parametrize(
    ("code", "problem", "dry_run"),
    [
        ("../../../escaped/P1", ESCAPING, False),
        ("../../../escaped/P1", ESCAPING, True),
        ("sub/P3", "“sub/P3”含有字母和数字以外的字符（编码只能由字母和数字组成）", False),
        ("", "为空（应为字母和数字组成的编码，如 13022524P00442P10057D）", False),
        ("department", "不能是“department”（这是部门文件 department.yaml 的名字）", False),
        ("Department", "不能是“Department”（这是部门文件 department.yaml 的名字）", True),
    ],
)
def test_a_project_code_that_is_not_a_plain_name_is_refused_and_nothing_is_written_anywhere(
    tmp_path: Path, code: str, problem: str, dry_run: bool
) -> None:
    source = seed_text(tmp_path / "收文", **{f"L{FIRST_CODE_LINE}": f"\t{code}"})
    before = snapshot(tmp_path)

    status, stdout, stderr = run_in(tmp_path, "import", str(source), "--out", str(tmp_path / "content"),
                                    *(["--dry-run"] if dry_run else []))  # fmt: skip

    assert status == 1
    assert stderr == f"未导入：{source}:{FIRST_CODE_LINE}: 第 1 个项目表（{FIRST.name}）的“项目编码”{problem}\n"
    assert stdout.startswith(NOTHING_IMPORTED.removesuffix("\n"))
    assert snapshot(tmp_path) == before  # nothing under content/, nor beside it, nor in the temporary folder
    assert sorted(p.name for p in tmp_path.iterdir()) == ["tmp", "收文"]


def test_a_unit_code_that_is_not_letters_and_digits_is_refused_naming_its_cell(tmp_path: Path) -> None:
    unit_row = SEED.read_text(encoding="utf-8").split("\n")[UNIT_LINE - 1]
    assert unit_row.startswith("\t203001")
    source = seed_text(tmp_path, **{f"L{UNIT_LINE}": unit_row.replace("203001", "２０３００１")})
    with pytest.raises(ReadError) as error:
        read_document(source)
    assert str(error.value) == (
        f"{source}:{UNIT_LINE}: 第 1 个项目表（{FIRST.name}）的“单位编码”“２０３００１”含有字母和数字以外的字符"
        "（编码只能由字母和数字组成）"
    )


def test_codes_from_word_and_excel_cells_are_checked_the_same_way(tmp_path: Path) -> None:
    escaping = replace(SEED_DEPARTMENT, projects=(replace(FIRST, code="../P1"), *SEED_DEPARTMENT.projects[1:]))
    for document in (word_file(tmp_path, escaping), excel_file(tmp_path, escaping)):
        with pytest.raises(ReadError, match=r"第 1 个项目表（.*）的“项目编码”“\.\./P1”含有字母和数字以外的字符"):
            read_document(document)


def test_the_path_builders_refuse_a_name_that_would_leave_the_output_folder(tmp_path: Path) -> None:
    """The last defence, should a reader ever let a code through unchecked."""
    with pytest.raises(OutsideFolder) as error:
        department_folder(replace(SEED_DEPARTMENT, code="../../etc"), tmp_path)
    assert str(error.value) == (
        f"{tmp_path / '2024'}: 编码“../../etc”不能用作文件夹或文件的名字（应只由字母和数字组成）"
    )
    folder = department_folder(SEED_DEPARTMENT, tmp_path)
    assert folder == tmp_path / "2024" / "203001"
    for code in ("../P1", "a/b", "", ".", "P1\n", "department"):
        with pytest.raises(OutsideFolder):
            project_file(folder, code)
    assert project_file(folder, "P1") == folder / "P1.yaml"


def test_out_that_is_a_file_is_a_message(tmp_path: Path) -> None:
    out = tmp_path / "content"
    out.write_text("not a folder", encoding="utf-8")
    for dry_run in ([], ["--dry-run"]):
        status, stdout, stderr = run_in(tmp_path, "import", str(SEED), "--out", str(out), *dry_run)
        assert (status, stdout) == (1, "")
        assert stderr == f"{out}: 不是文件夹（--out 应为内容目录，如 content）\n"
    assert out.read_text(encoding="utf-8") == "not a folder"


def test_a_dry_run_writes_nothing_anywhere(tmp_path: Path) -> None:
    source = seed_text(tmp_path / "收文")
    before = snapshot(tmp_path)
    status, stdout, _ = run_in(tmp_path, "import", str(source), "--out", str(tmp_path / "content"), "--dry-run")
    assert status == 0
    assert "文件将新增 14，更新 0，删除 0，未变 0" in stdout
    assert snapshot(tmp_path) == before
    assert not (tmp_path / "content").exists()


def test_one_bad_file_in_a_folder_stops_only_itself(tmp_path: Path) -> None:
    inbox = tmp_path / "收文"
    good = seed_text(inbox, "组织部.txt")
    later = word_file(inbox, replace(SEED_DEPARTMENT, year=2025), name="组织部2025.docx")
    disguised = word_file(inbox, name="伪装.xlsx")  # a Word document named as a workbook
    (inbox / "备份.docx").mkdir()  # folders named like documents are not documents
    (inbox / "备份.yaml").mkdir()
    out = tmp_path / "content"

    status, stdout, stderr = run_in(tmp_path, "import", str(inbox), "--out", str(out))

    assert status == 1
    assert stderr.startswith(f"未导入：{disguised}: ")
    assert stderr.count("\n") == 1
    lines = stdout.splitlines()
    assert lines[0].startswith(f"{good} → 2024 年 203001")
    assert f"{later} → 2025 年 203001" in stdout
    assert lines[-1] == "共 3 个文件：导入 2 个部门，26 个项目，156 条指标；失败 1 个。"
    assert len(list((out / "2024/203001").glob("*.yaml"))) == 14
    assert len(list((out / "2025/203001").glob("*.yaml"))) == 14


def test_any_failure_of_one_file_is_its_message_never_a_traceback(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = importer.read_document

    def flawed(path: Path, year: int | None = None) -> object:
        if path.name == "坏.txt":
            raise ZeroDivisionError("division by zero")
        return real(path, year)

    monkeypatch.setattr(importer, "read_document", flawed)
    bad, good = seed_text(tmp_path / "in", "坏.txt"), seed_text(tmp_path / "in", "好.txt")
    results = list(import_files([bad, good], tmp_path / "content"))
    assert [r.error for r in results] == [f"{bad}: 无法读取：ZeroDivisionError: division by zero", None]
    assert (tmp_path / "content/2024/203001/department.yaml").is_file()


def test_two_projects_with_one_code_are_refused_naming_both_tables(tmp_path: Path) -> None:
    third = SEED_DEPARTMENT.projects[2]
    seventh = SEED_DEPARTMENT.projects[6]
    source = seed_text(tmp_path / "收文", **{f"L{SEVENTH_CODE_LINE}": f"\t{third.code}"})
    status, stdout, stderr = run_in(tmp_path, "import", str(source), "--out", str(tmp_path / "content"))
    assert status == 1
    assert stderr == (
        f"未导入：{source}:{SEVENTH_CODE_LINE}: 第 7 个项目表（{seventh.name}）的项目编码“{third.code}”"
        f"与第 3 个项目表（{third.name}）的相同（一个部门的项目编码不能重复）\n"
    )
    assert stdout == NOTHING_IMPORTED
    assert not (tmp_path / "content").exists()


def test_codes_differing_only_in_case_are_one_file_name_on_windows_and_macos(tmp_path: Path) -> None:
    third = SEED_DEPARTMENT.projects[2]
    source = seed_text(tmp_path, **{f"L{SEVENTH_CODE_LINE}": f"\t{third.code.lower()}"})
    with pytest.raises(ReadError) as error:
        read_document(source)
    assert str(error.value).endswith(
        f"的项目编码“{third.code.lower()}”与第 3 个项目表（{third.name}）的“{third.code}”只差大小写"
        "（一个部门的项目编码不能重复，大小写不同也是同一个文件名）"
    )


def changed_department(tmp_path: Path) -> Path:
    """The seed corrected: the first two projects' goals changed, the last project dropped."""
    first, second, *others = SEED_DEPARTMENT.projects[:12]
    corrected = replace(
        SEED_DEPARTMENT,
        projects=(
            replace(first, goal="1.用于发放村干部基础职务补贴"),
            replace(second, goal="1.用于村干部绩效补贴"),
            *others,
        ),
    )
    return word_file(tmp_path, corrected, name="更正.docx")


def test_a_write_failing_part_way_leaves_the_department_folder_as_it_was(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "content"
    assert [r.error for r in import_files([SEED], out)] == [None]
    before = snapshot(out)
    real_write = Path.write_text
    written: list[Path] = []

    def disk_full(self: Path, *args: object, **kwargs: object) -> int:
        if self.parent.parent == out / "2024":  # the department's new folder, beside the old one
            if written:
                raise OSError(28, "No space left on device")
            written.append(self)
        return real_write(self, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(Path, "write_text", disk_full)
    document = changed_department(tmp_path)
    [result] = import_files([document], out)

    assert written  # one file was written before the failure
    assert result.error == (
        f"{document}: 无法写入 {out / '2024/203001'}（OSError: [Errno 28] No space left on device），"
        "这个部门的文件夹保持原样"
    )
    assert snapshot(out) == before  # byte for byte, the dropped project still there, no scratch folder left
    assert sorted(p.name for p in (out / "2024").iterdir()) == ["203001"]


def test_a_failed_swap_puts_the_old_folder_back(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "content"
    assert [r.error for r in import_files([SEED], out)] == [None]
    before = snapshot(out)
    real_rename = os.rename
    renames: list[tuple[str, str]] = []

    def second_fails(source: str, target: str) -> None:
        renames.append((source, target))
        if len(renames) == 2:
            raise PermissionError(13, "Permission denied")
        real_rename(source, target)

    monkeypatch.setattr(os, "rename", second_fails)
    [result] = import_files([changed_department(tmp_path)], out)
    assert (
        result.error is not None
        and "（PermissionError: [Errno 13] Permission denied），这个部门的文件夹保持原样" in result.error
    )
    assert snapshot(out) == before
    assert sorted(p.name for p in (out / "2024").iterdir()) == ["203001"]


def test_a_successful_import_replaces_the_folder_keeping_files_it_does_not_own(tmp_path: Path) -> None:
    out = tmp_path / "content"
    assert [r.error for r in import_files([SEED], out)] == [None]
    folder = out / "2024/203001"
    (folder / "说明.md").write_text("staff's note", encoding="utf-8")
    folder.chmod(0o750)
    [result] = import_files([changed_department(tmp_path)], out)
    assert result.error is None
    assert (folder / "说明.md").read_text(encoding="utf-8") == "staff's note"
    assert not (folder / f"{SEED_DEPARTMENT.projects[12].code}.yaml").exists()
    assert "用于发放村干部基础职务补贴" in (folder / f"{FIRST.code}.yaml").read_text(encoding="utf-8")
    assert folder.stat().st_mode & 0o777 == 0o750
    assert sorted(p.name for p in (out / "2024").iterdir()) == ["203001"]


def test_a_hand_edited_file_saved_as_gbk_is_named_at_reimport(tmp_path: Path) -> None:
    out = tmp_path / "content"
    assert run_in(tmp_path, "import", str(SEED), "--out", str(out))[0] == 0
    edited = out / "2024/203001" / f"{FIRST.code}.yaml"
    edited.write_bytes(edited.read_text(encoding="utf-8").replace("≥90%", "不低于90%").encode("gbk"))
    before = snapshot(out)
    for force in ([], ["--force"]):
        status, _, stderr = run_in(tmp_path, "import", str(SEED), "--out", str(out), *force)
        assert status == 1
        assert stderr == (
            f"未导入：{SEED.relative_to(ROOT)}: {edited}: 不是 UTF-8 编码的文本，无法确认是否被手工修改过（应以 UTF-8 编码另存），"
            "未写入这个部门的任何文件\n"
        )
        assert snapshot(out) == before


def test_a_folder_named_like_a_yaml_file_in_the_department_folder_is_reported(tmp_path: Path) -> None:
    out = tmp_path / "content"
    assert run_in(tmp_path, "import", str(SEED), "--out", str(out))[0] == 0
    backup = out / "2024/203001/备份.yaml"
    backup.mkdir()
    before = snapshot(out)
    status, _, stderr = run_in(tmp_path, "import", str(SEED), "--out", str(out))
    assert status == 1
    assert stderr == (
        f"未导入：{SEED.relative_to(ROOT)}: {backup}: 是文件夹，不是 YAML 文件（部门文件夹中的 .yaml 应是部门或项目的文件，请移走或改名），"
        "未写入这个部门的任何文件\n"
    )
    assert snapshot(out) == before and backup.is_dir()


def test_an_import_killed_between_its_renames_is_undone_by_the_next(tmp_path: Path) -> None:
    """Killed after moving the old folder aside: check reads neither hidden folder, and the next import puts it back."""
    out = tmp_path / "content"
    assert [r.error for r in import_files([SEED], out)] == [None]
    before = snapshot(out)
    folder = out / "2024/203001"
    folder.rename(out / "2024/.203001.导入前")
    (out / "2024/.203001.导入中").mkdir()
    (out / "2024/.203001.导入中/P1.yaml").write_text("code: [", encoding="utf-8")  # half written
    with pytest.raises(ContentError):  # no department: neither hidden folder is read
        load_catalog(out)
    [result] = import_files([SEED], out, dry_run=True)
    assert result.error is None and result.count(FileAction.UNCHANGED) == 14  # planned against the folder moved aside
    [result] = import_files([SEED], out)
    assert result.error is None
    assert snapshot(out) == before
