"""Write the model as `content/` YAML, in the form's order, each field labelled in a comment.

The layout follows the model's declarations: a field's key, then its value, then
`# label`; a blank cell of the form is an empty value (never 0), and an optional
field that the form did not have is left out, so files of forms without it stay
as they were. Values are quoted only where YAML would misread them, and text that
spans lines is a literal block, so a file reads like the table it came from.

Importing a department again makes its folder match the document. Each file carries
a fingerprint of what the import wrote, so a file changed by hand since is told apart
and never overwritten or removed unless the import is forced (`plan_department`). The
folder changes all at once or not at all (`apply_changes`), and no path is made from a
code that would leave it (`department_folder`, `project_file`).
"""

from __future__ import annotations

import hashlib
import os
import shutil
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import Enum
from pathlib import Path

import yaml

from generator.schema.load import DEPARTMENT_FILE, RESULTS_FOLDER
from generator.schema.model import Department, Project, ProjectResult, SchemaField, fields_of
from generator.schema.problems import display_path
from generator.schema.validate import CODE_PATTERN
from generator.schema.walk import Shapes, walk

PROJECT_HEADER = """\
# 项目支出绩效目标表：{name}
# 由 `python -m generator import` 从原始文件导入，可直接修改；修改后再导入须加 --force 才会覆盖。
# 金额单位为部门文件中的 money_unit；留空表示原表该格为空。
"""
DEPARTMENT_HEADER = """\
# 部门整体绩效目标：{name}
# 由 `python -m generator import` 从原始文件导入，可直接修改；修改后再导入须加 --force 才会覆盖。
"""
RESULT_HEADER = """\
# 项目支出绩效自评表：{name}
# 由 `python -m generator import` 从原始文件导入，可直接修改；修改后再导入须加 --force 才会覆盖。
# 金额单位为部门文件中的 money_unit；留空表示原表该格为空或为“—”。
"""
#: The last comment line of an imported file: a digest of the lines below it as imported.
FINGERPRINT = "# 导入指纹："


def _scalar(value: object) -> str:
    """One YAML scalar, quoted only where YAML would misread it."""
    if value is None:
        return ""
    if isinstance(value, (Decimal, int, date)):
        return str(value)  # a date as 2024-02-01, which YAML reads back as a date
    text = str(value)
    if _is_block(text):
        return text  # written as a literal block by the caller
    dumped = yaml.safe_dump(text, allow_unicode=True, default_flow_style=True, width=10_000)
    return dumped.removesuffix("\n...\n").removesuffix("\n")


def _is_block(text: str) -> bool:
    """Text of several lines that a literal block keeps exactly: no line with outer spaces."""
    return "\n" in text and not text.endswith("\n") and not any(line != line.strip() for line in text.split("\n"))


def _emit(key: str, value: object, indent: str, comment: str = "") -> str:
    suffix = f"  # {comment}" if comment else ""
    if isinstance(value, str) and _is_block(value):
        body = "".join(f"{indent}  {line}\n" for line in value.split("\n"))
        return f"{indent}{key}: |-{suffix}\n{body}"
    text = _scalar(value)
    return f"{indent}{key}:{' ' + text if text else ''}{suffix}\n"


def _list_item(value: str, indent: str) -> str:
    """One item of a list of texts: `- text`, or `- |-` and its block."""
    return f"{indent}- " + _emit("x", value, indent)[len(indent) + len("x: ") :]


def _mapping(item: object, indent: str, labelled: bool = True) -> list[str]:
    """The lines of one model object; `labelled` puts each field's label in a comment."""

    def rows(field: SchemaField) -> list[str]:
        columns = "、".join(f.spec.label for f in fields_of(field.rows))
        out = [f"{indent}{field.key}:  # {field.spec.label}：{columns}\n"]
        for row in getattr(item, field.key):
            lines = _mapping(row, indent + "    ", labelled=False)
            out.append(f"{indent}  - " + lines[0][len(indent) + 4 :])
            out.extend(lines[1:])
        return out

    def scalar(field: SchemaField) -> list[str]:
        value = getattr(item, field.key)
        if field.spec.may_be_absent and value is None:
            return []
        return [_emit(field.key, value, indent, field.spec.label if labelled else "")]

    shapes = Shapes(
        group=lambda field: [
            f"{indent}{field.key}:  # {field.spec.label}\n",
            *_mapping(getattr(item, field.key), indent + "  "),
        ],
        rows=rows,
        text_list=lambda field: [
            f"{indent}{field.key}:  # {field.spec.label}\n",
            *(_list_item(text, indent + "  ") for text in getattr(item, field.key)),
        ],
        scalar=scalar,
    )
    return [line for _, lines in walk(type(item), shapes) for line in lines]


def _digest(body: str) -> str:
    return hashlib.sha256(body.encode("utf-8")).hexdigest()[:16]


def _fingerprinted(header: str, body: str) -> str:
    return f"{header}{FINGERPRINT}{_digest(body)}\n{body}"


def project_yaml(project: Project) -> str:
    """The YAML text of one project's file."""
    return _fingerprinted(PROJECT_HEADER.format(name=project.name.replace("\n", " ")), "".join(_mapping(project, "")))


def result_yaml(result: ProjectResult) -> str:
    """The YAML text of one project's 自评表 file."""
    return _fingerprinted(RESULT_HEADER.format(name=result.name.replace("\n", " ")), "".join(_mapping(result, "")))


def department_yaml(department: Department) -> str:
    """The YAML text of a department's file: identity, money unit and its three goal sections."""
    header = DEPARTMENT_HEADER.format(name=department.name.replace("\n", " "))
    return _fingerprinted(header, "".join(_mapping(department, "")))


def edited_by_hand(text: str) -> bool:
    """Whether a content file differs from what the import wrote (or was never imported)."""
    _, marker, after = text.partition(FINGERPRINT)
    if not marker:
        return True
    digest, _, body = after.partition("\n")
    return digest != _digest(body)


class FileAction(Enum):
    """What an import does to one file; the value is how the report says it."""

    ADDED = "新增"
    CHANGED = "更新"
    REMOVED = "删除"
    UNCHANGED = "未变"


@dataclass(frozen=True)
class FileChange:
    """What importing a department does to one file of its folder."""

    path: Path
    action: FileAction
    text: str | None  # the new text; None for a removal
    by_hand: bool = False  # the file on disk was changed by hand since it was imported
    kept: bool = False  # left as it is on disk, as asked (`import --keep`), though the document says otherwise


class FolderError(Exception):
    """The department's folder cannot be made as planned; names the path and why."""


class OutsideFolder(FolderError):
    """A code that is not one plain name: a path made from it could leave the output folder."""


def _named(folder: Path, name: str, suffix: str = "") -> Path:
    """`folder/name+suffix`, refused unless the name is letters and digits only, so always inside `folder`.

    The readers refuse such codes with the cell named; this is the last defence should
    a department reach the writer by another way.
    """
    if not isinstance(name, str) or not CODE_PATTERN.fullmatch(name):
        raise OutsideFolder(f"{display_path(folder)}: 编码“{name}”不能用作文件夹或文件的名字（应只由字母和数字组成）")
    if suffix and f"{name}{suffix}".casefold() == DEPARTMENT_FILE:
        raise OutsideFolder(f"{display_path(folder)}: 项目编码“{name}”会与部门文件 {DEPARTMENT_FILE} 同名")
    return folder / f"{name}{suffix}"


def department_folder(department: Department, out_dir: Path) -> Path:
    """`out_dir/<year>/<unit code>`, never a folder outside `out_dir`."""
    return _named(_named(out_dir, str(department.year)), department.code)


def project_file(folder: Path, code: str) -> Path:
    """The project's file in its department's folder, never a file outside it nor the department's file."""
    return _named(folder, code, ".yaml")


def _present(folder: Path) -> dict[Path, str]:
    """The folder's YAML files and their text, to compare with what the import writes."""
    if folder.exists() and not folder.is_dir():
        raise FolderError(f"{display_path(folder)}: 是文件，不是文件夹（应为部门文件夹，请移走或改名）")
    present = {}
    for path in sorted(last_imported(folder).glob("*.yaml")):
        if path.is_dir():
            raise FolderError(
                f"{display_path(path)}: 是文件夹，不是 YAML 文件（部门文件夹中的 .yaml 应是部门或项目的文件，请移走或改名）"
            )
        try:
            present[folder / path.name] = path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            raise FolderError(
                f"{display_path(path)}: 不是 UTF-8 编码的文本，无法确认是否被手工修改过（应以 UTF-8 编码另存）"
            ) from None
    return present


def plan_department(department: Department, out_dir: Path) -> list[FileChange]:
    """What importing the department does to its folder: every file added, changed, removed or left."""
    folder = department_folder(department, out_dir)
    wanted = {folder / DEPARTMENT_FILE: department_yaml(department)}
    wanted.update({project_file(folder, project.code): project_yaml(project) for project in department.projects})
    return _plan(folder, wanted)


def results_folder(department_folder: Path) -> Path:
    """Where a department's 自评表 files are: `results/` in its folder."""
    return department_folder / RESULTS_FOLDER


def plan_results(folder: Path, results: list[ProjectResult]) -> list[FileChange]:
    """What importing a department's 自评表 does to its `results/` folder: one file per project it holds."""
    return _plan(folder, {project_file(folder, result.code): result_yaml(result) for result in results})


def _plan(folder: Path, wanted: dict[Path, str]) -> list[FileChange]:
    """Each file of the folder added, changed, removed or left, so that it holds what is wanted and nothing else."""
    present = _present(folder)
    changes = []
    for path, text in wanted.items():
        if path not in present:
            changes.append(FileChange(path, FileAction.ADDED, text))
        elif present[path] == text:
            changes.append(FileChange(path, FileAction.UNCHANGED, text))
        else:
            changes.append(FileChange(path, FileAction.CHANGED, text, edited_by_hand(present[path])))
    changes.extend(
        FileChange(path, FileAction.REMOVED, None, edited_by_hand(old))
        for path, old in present.items()
        if path not in wanted
    )
    return changes


def apply_changes(folder: Path, changes: list[FileChange]) -> None:
    """Make the department's folder what the plan says, wholly or not at all.

    The new folder is made beside the old one, on the same file system: a copy of it
    (files the import does not own included), with the planned files written and
    removed. Only then is it swapped in, by two renames; a failure before leaves the
    old folder as it was, and a failed second rename puts the old one back. The two
    folders beside it have fixed, hidden names (`load` reads no hidden folder), so an
    import killed half-way is undone by the next one.
    """
    _recover(folder)
    if all(change.action is FileAction.UNCHANGED for change in changes):
        return
    folder.parent.mkdir(parents=True, exist_ok=True)
    new, old = _beside(folder)
    new.mkdir()
    try:
        if folder.is_dir():
            shutil.copytree(folder, new, symlinks=True, dirs_exist_ok=True)
        for change in changes:
            target = new / change.path.name
            if change.action is FileAction.REMOVED:
                target.unlink()
            elif change.action is not FileAction.UNCHANGED and change.text is not None:
                target.write_text(change.text, encoding="utf-8")
        _swap(new, old, folder)
    except BaseException:
        shutil.rmtree(new, ignore_errors=True)
        raise


def _beside(folder: Path) -> tuple[Path, Path]:
    """Where a department's next folder is made, and where its last one waits while they are swapped."""
    return folder.with_name(f".{folder.name}.导入中"), folder.with_name(f".{folder.name}.导入前")


def last_imported(folder: Path) -> Path:
    """The department's folder as the last import left it: still aside if that import was killed between its renames."""
    _, old = _beside(folder)
    return old if not folder.exists() and old.is_dir() else folder


def _recover(folder: Path) -> None:
    """Undo what an import killed half-way left: the old folder back if it was moved aside, no half-made one."""
    new, old = _beside(folder)
    if old.is_dir() and not folder.exists():
        os.rename(old, folder)
    shutil.rmtree(old, ignore_errors=True)
    shutil.rmtree(new, ignore_errors=True)


def _swap(new: Path, old: Path, folder: Path) -> None:
    if not folder.is_dir():
        os.rename(new, folder)
        return
    os.rename(folder, old)
    try:
        os.rename(new, folder)
    except BaseException:
        os.rename(old, folder)
        raise
    shutil.rmtree(old, ignore_errors=True)


def write_content(department: Department, out_dir: Path) -> list[Path]:
    """Write the department file and one file per project under out_dir/<year>/<code>/, whatever was there."""
    changes = plan_department(department, out_dir)
    apply_changes(department_folder(department, out_dir), changes)
    return [change.path for change in changes if change.action is not FileAction.REMOVED]
