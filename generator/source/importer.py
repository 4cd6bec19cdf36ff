"""Import a county's files into `content/`: read each, plan its folder's changes, check them, write.

A finance bureau imports about a hundred departments' files at once. Each file stands
alone: one that cannot be read, or whose department folder holds files changed by
hand since the last import, is reported and nothing is written for it, while the
others are imported; whatever goes wrong with one file, even a fault of ours, is that
file's message and never stops the rest. A department's folder is made to match its
document (projects no longer in it are removed), wholly or not at all, and what the
import wrote is checked as `check` would check it, so its problems show at once as
warnings. A dry run writes nothing but inside a temporary folder it removes.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from collections.abc import Callable, Collection, Iterable, Iterator
from dataclasses import dataclass, field, replace
from datetime import date
from functools import partial
from pathlib import Path
from typing import NamedTuple

import yaml

from generator.schema.categories import OFFICIAL, Categories
from generator.schema.load import DEPARTMENT_FILE, read_yaml
from generator.schema.model import Department, Project, ProjectResult, field_of, fields_of
from generator.schema.problems import ContentError, display_path
from generator.schema.validate import CHECKS, load_catalog
from generator.source.readers import LEGACY, READERS, ReadError, Reading, read_document
from generator.source.readers.result_form import ResultsReading
from generator.source.results_join import JoinError, Unit, join, one_department, units_on_disk
from generator.source.yaml_writer import (
    FileAction,
    FileChange,
    FolderError,
    apply_changes,
    department_folder,
    last_imported,
    plan_department,
    plan_results,
    project_file,
    results_folder,
)

#: LibreOffice converts the legacy formats when it is installed.
SOFFICE = ("soffice", "libreoffice")


@dataclass
class FileImport:
    """What importing one file did, or why it did nothing."""

    source: Path
    reading: Reading | None = None  # a department's 绩效目标
    results: ResultsReading | None = None  # or its projects' 自评表
    unit: str | None = None  # the department the 自评表 report on: its code and name
    published: date | None = None  # the 发布日期 written to department.yaml
    error: str | None = None
    folder: Path | None = None  # the department's folder in content/
    changes: list[FileChange] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def count(self, action: FileAction) -> int:
        return sum(1 for item in self.changes if item.action is action)


def input_files(paths: Iterable[Path]) -> Iterator[Path]:
    """The files named, and every importable file in the folders named (Word's ~$ lock files left out)."""
    kinds = set(READERS) | set(LEGACY)
    for path in paths:
        if path.is_dir():
            found = sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in kinds)
            yield from (p for p in found if not p.name.startswith(("~$", ".")))
        else:
            yield path


def _converted(source: Path, folder: Path) -> Path:
    """A legacy .doc/.xls/.wps/.et file saved as .docx/.xlsx by LibreOffice, when it is installed."""
    target = LEGACY[source.suffix.lower()]
    soffice = next((found for name in SOFFICE if (found := shutil.which(name))), None)
    if soffice is None:
        raise ReadError(
            source,
            f"这是旧的 {source.suffix} 格式，请用 Word、WPS 或 Excel 打开后“另存为” {target} 再导入"
            "（安装 LibreOffice 后可自动转换）",
        )
    converted = folder / f"{source.stem}{target}"
    try:
        subprocess.run(
            [soffice, "--headless", "--convert-to", target[1:], "--outdir", str(folder), str(source)],
            capture_output=True, timeout=300, check=True,
        )  # fmt: skip
    except (OSError, subprocess.SubprocessError):
        pass  # said below: no converted file
    if not converted.is_file():
        raise ReadError(source, f"LibreOffice 未能把它转换为 {target}，请手工“另存为” {target} 再导入")
    return converted


def _read(source: Path, year: int | None) -> Reading | ResultsReading:
    if not source.is_file():
        raise ReadError(source, "文件不存在")
    if source.suffix.lower() not in LEGACY:
        return read_document(source, year)
    with tempfile.TemporaryDirectory() as folder:
        reading = read_document(_converted(source, Path(folder)), year)
    if isinstance(reading, ResultsReading):
        return replace(reading, source=source)
    return Reading(replace(reading.department, source=source), reading.warnings)


def _problems(changes: list[FileChange], out_dir: Path, categories: Categories) -> list[str]:
    """What `check` would say of the department's files as the import writes them (and as its other files are)."""
    with tempfile.TemporaryDirectory() as scratch:
        for change in changes:
            if change.text is not None:
                target = Path(scratch) / change.path.relative_to(out_dir)
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_text(change.text, encoding="utf-8")
        try:
            load_catalog(Path(scratch), categories)
        except ContentError as error:
            # Each problem located in the file the import writes, not in its scratch copy.
            return [
                str(replace(problem, path=out_dir / problem.path.relative_to(scratch))) for problem in error.problems
            ]
    return []


def _keeping_site_fields(department: Department, out_dir: Path, published: date | None) -> Department:
    """The department with what staff added that no form carries: its projects' `continues` and its 发布日期.

    The date is the one given (--published), else the one an earlier import or staff wrote,
    else the day of this import.
    """
    folder = last_imported(department_folder(department, out_dir))
    site_fields = [f.key for f in fields_of(Project) if not f.spec.on_form]
    projects = []
    for project in department.projects:
        data = _existing(project_file(folder, project.code))
        kept = {key: str(data[key]) for key in site_fields if data.get(key) not in (None, "")}
        projects.append(replace(project, **kept))
    if published is None:
        field = field_of(Department, "published")
        earlier, problem = CHECKS[field.spec.kind](_existing(folder / "department.yaml").get(field.key), field)
        published = earlier if problem is None else date.today()
    return replace(department, published=published, projects=tuple(projects))


class CodeOwner(NamedTuple):
    """The department that uses a project code, and the file it is in."""

    unit: str  # the department's code
    name: str  # its name, "" when its folder has none
    file: Path


@dataclass
class _Run:
    """What the files read so far in this run hold, for the files after them."""

    files: dict[tuple[int, str], Path] = field(default_factory=dict)  # each department-year's file
    #: Each year's project codes in the departments this run imports: (year, project code) → who uses it.
    codes: dict[tuple[int, str], CodeOwner] = field(default_factory=dict)
    #: The files this run writes for each department-year, for its 自评表 to be joined and checked against.
    planned: dict[tuple[int, str], list[FileChange]] = field(default_factory=dict)
    units_of_year: dict[int, dict[str, Unit]] = field(default_factory=dict)  # `units`, once read

    def imports(self, department: Department, source: Path, changes: list[FileChange]) -> None:
        for project in department.projects:
            self.codes[(department.year, project.code)] = CodeOwner(department.code, department.name, source)
        self.planned[(department.year, department.code)] = changes

    def units(self, year: int, out_dir: Path) -> dict[str, Unit]:
        """The year's departments as they will be once this run has written its targets.

        Read once a year per run: files of 自评表 come after every file of targets and
        write only `results/`, so the year's projects no longer change; reading them for
        each of a hundred files read every project's YAML a hundred times.
        """
        if year in self.units_of_year:
            return self.units_of_year[year]
        units = self.units_of_year[year] = units_on_disk(out_dir / str(year))
        for (planned_year, code), changes in self.planned.items():
            if planned_year == year:
                texts = {c.path.name: c.text for c in changes if c.text is not None}
                units[code] = Unit(
                    code,
                    _name_in(texts.pop(DEPARTMENT_FILE, "")),
                    {Path(name).stem: _name_in(text) for name, text in texts.items()},
                )
        return units

    def imported(self, year: int, unit: str) -> bool:
        return any(used_in == year and owner.unit == unit for (used_in, _), owner in self.codes.items())


def _codes_of_others(department: Department, out_dir: Path, run: _Run) -> dict[str, CodeOwner]:
    """The project codes other departments use in the department's year, and who uses each.

    A department this run imports counts with its document's codes, since its folder is
    about to become that; any other with the files its folder holds now.
    """
    year = department.year
    used = {code: owner for (y, code), owner in run.codes.items() if y == year and owner.unit != department.code}
    year_folder = out_dir / str(year)
    folders = sorted(year_folder.iterdir()) if year_folder.is_dir() else []
    for folder in folders:
        unit = folder.name
        if unit.startswith(".") or unit == department.code or folder.is_symlink() or not folder.is_dir():
            continue
        if run.imported(year, unit):
            continue
        name = str(_existing(folder / DEPARTMENT_FILE).get("name") or "").strip()
        for path in sorted(folder.glob("*.yaml")):
            if path.name != DEPARTMENT_FILE:
                used.setdefault(path.stem, CodeOwner(unit, name, path))
    return used


def _code_clashes(department: Department, out_dir: Path, run: _Run) -> str | None:
    """Why the department's project codes cannot be imported: another department uses them in the same year."""
    used = _codes_of_others(department, out_dir, run)
    clashes = [
        f"第 {project.number} 个项目表（{project.name}）的项目编码“{project.code}”已被 {department.year} 年 "
        f"{' '.join(filter(None, (used[project.code].unit, used[project.code].name)))} 使用（{display_path(used[project.code].file)}）"
        for project in department.projects
        if project.code in used
    ]
    if not clashes:
        return None
    return (
        f"{display_path(department.source)}: {'；'.join(clashes)}，未写入 {department.code} {department.name} 的任何文件"
        "（同一年度各部门的项目编码不能重复，否则 check 会拒绝这些内容；请核对编码）"
    )


def _name_in(text: str) -> str:
    """The `name:` of a content file's text as the import plans it."""
    data = yaml.safe_load(text) if text else None
    return str(data.get("name") or "") if isinstance(data, dict) else ""


def import_results(
    result: FileImport,
    out_dir: Path,
    *,
    unit: str | None,
    published: date | None,
    force: bool,
    keep: Collection[Path],
    run: _Run,
    categories: Categories,
) -> FileImport:
    """Plan a file's 自评表 into its department's `results/`, each joined to its project (`results_join`)."""
    reading = result.results
    assert reading is not None
    source = display_path(result.source)
    units = run.units(reading.year, out_dir)
    joined, errors = [], []
    for form in reading.forms:
        try:
            joined.append((form, *join(form, units, reading.year, unit)))
        except JoinError as error:
            errors.append(str(error))
    why = "；".join(errors) or one_department(joined, units)
    if why:
        result.error = f"{source}: {why}，未写入任何自评表"
        return result
    code = joined[0][1]
    result.unit = f"{code} {units[code].name}".strip()
    department = out_dir / str(reading.year) / code
    folder = results_folder(department)
    results = [
        replace(form.result, code=code, published=_result_published(folder, code, published))
        for form, _, code in joined
    ]
    try:
        result.changes = _keeping(plan_results(folder, results), folder, keep)
    except FolderError as error:
        result.error = f"{source}: {error}，未写入任何自评表"
        return result
    result.folder = folder
    planned = run.planned.get((reading.year, code))
    targets = planned if planned is not None else _on_disk(last_imported(department))
    result.warnings = [*reading.warnings, *_problems([*targets, *result.changes], out_dir, categories)]
    result.error = _hand_edits(result.changes, force, f"{source}: ", "未写入任何自评表")
    return result


def _hand_edits(changes: list[FileChange], force: bool, source: str, written: str) -> str | None:
    """Why the plan is not written: files it changes or removes were edited by hand, and --force was not given.

    The plan stays in the result, for a dry run to show what --force would discard.
    """
    by_hand = [c for c in changes if c.by_hand and c.action in (FileAction.CHANGED, FileAction.REMOVED)]
    if not by_hand or force:
        return None
    names = "、".join(display_path(c.path) for c in by_hand)
    return (
        f"{source}{names} 在上次导入后被手工修改过，{written}"
        "（确认以文件为准、放弃手工修改，请加 --force；要保留其中的文件、导入其余内容，请加 --keep 该文件）"
    )


def _result_published(folder: Path, code: str, published: date | None) -> date:
    """A 自评表's 发布日期: the one given, else the one its file has, else today."""
    if published is not None:
        return published
    field = field_of(ProjectResult, "published")
    earlier, problem = CHECKS[field.spec.kind](_existing(last_imported(folder) / f"{code}.yaml").get(field.key), field)
    return earlier if problem is None else date.today()


def _on_disk(folder: Path) -> list[FileChange]:
    """A department folder's own files as they are, to check its 自评表 against."""
    files = sorted(folder.glob("*.yaml")) if folder.is_dir() else []
    return [FileChange(path, FileAction.UNCHANGED, path.read_text(encoding="utf-8")) for path in files]


def _existing(path: Path) -> dict:
    """The mapping in a content file already in the folder; empty if there is none."""
    data = read_yaml(path).data if path.is_file() else None
    return data if isinstance(data, dict) else {}


def import_file(
    source: Path,
    out_dir: Path,
    *,
    year: int | None,
    published: date | None,
    force: bool,
    keep: Collection[Path],
    run: _Run,
    categories: Categories,
) -> FileImport:
    """Read one file and plan its department's folder; `run` holds what this run's earlier files hold."""
    result = FileImport(source)
    try:
        reading = _read(source, year)
    except ReadError as error:
        result.error = str(error)
        return result
    if isinstance(reading, ResultsReading):
        result.results = reading  # joined once every file's targets are in (`import_results`)
        return result
    result.reading = reading
    department = reading.department
    key = (department.year, department.code)
    if key in run.files:
        result.error = (
            f"{display_path(source)}: 与 {display_path(run.files[key])} 是同一部门同一年度"
            f"（{department.year} 年 {department.code}），只导入了前者"
        )
        return result
    run.files[key] = source
    result.error = _code_clashes(replace(department, source=source), out_dir, run)
    if result.error is not None:
        return result
    try:
        department = _keeping_site_fields(department, out_dir, published)
        result.changes = plan_department(department, out_dir)
    except FolderError as error:
        result.error = f"{display_path(source)}: {error}，未写入这个部门的任何文件"
        return result
    result.published = department.published
    result.folder = department_folder(department, out_dir)
    result.changes = _keeping(result.changes, result.folder, keep)
    result.warnings = [*result.reading.warnings, *_problems(result.changes, out_dir, categories)]
    result.error = _hand_edits(result.changes, force, f"{display_path(source)}: ", "未写入这个部门的任何文件")
    if result.error is not None:
        return result
    run.imports(department, source, result.changes)
    return result


def _keeping(changes: list[FileChange], folder: Path, keep: Collection[Path]) -> list[FileChange]:
    """The plan with each file staff asked to keep (--keep) left as it is on disk, byte for byte."""
    kept = {path.resolve() for path in keep}
    on_disk = last_imported(folder)
    planned = []
    for change in changes:
        if change.action in (FileAction.CHANGED, FileAction.REMOVED) and change.path.resolve() in kept:
            text = (on_disk / change.path.name).read_text(encoding="utf-8")
            change = replace(change, action=FileAction.UNCHANGED, text=text, kept=True)
        planned.append(change)
    return planned


def import_files(
    sources: Iterable[Path],
    out_dir: Path,
    *,
    year: int | None = None,
    unit: str | None = None,
    published: date | None = None,
    force: bool = False,
    keep: Collection[Path] = (),
    dry_run: bool = False,
    categories: Categories = OFFICIAL,
) -> Iterator[FileImport]:
    """Import each file in turn, writing its department's folder unless it failed or this is a dry run.

    Files of 自评表 come last, so that they find the projects that files of targets in
    the same run bring. `keep` names content files to leave as they are (hand edits
    kept) while the rest of their department's folder follows its document; `unit`
    names the department of 自评表 whose forms do not settle it.
    """
    run = _Run()
    results = []
    for source in input_files(sources):
        imported = _guarded(
            source,
            partial(
                import_file, source, out_dir, year=year, published=published, force=force, keep=keep, run=run,
                categories=categories,
            ),
        )  # fmt: skip
        if imported.results is not None and imported.error is None:
            results.append(imported)
        else:
            yield _written(imported, dry_run)
    for imported in results:
        step = partial(
            import_results, imported, out_dir, unit=unit, published=published, force=force, keep=keep, run=run,
            categories=categories,
        )  # fmt: skip
        yield _written(_guarded(imported.source, step), dry_run)


def _guarded(source: Path, step: Callable[[], FileImport]) -> FileImport:
    """The step's result, or whatever went wrong as this file's message: the other files go on."""
    try:
        return step()
    except Exception as error:  # noqa: BLE001 -- said as this file's message; the other files go on
        return FileImport(source, error=f"{display_path(source)}: 无法读取：{_described(error)}")


def _written(result: FileImport, dry_run: bool) -> FileImport:
    """The result, its folder written unless it failed or this is a dry run."""
    if result.error is None and result.folder is not None and not dry_run:
        try:
            apply_changes(result.folder, result.changes)
        except Exception as error:  # noqa: BLE001 -- the folder is as it was; the other files go on
            result.error = (
                f"{display_path(result.source)}: 无法写入 {display_path(result.folder)}（{_described(error)}），"
                "这个部门的文件夹保持原样"
            )
    return result


def _described(error: Exception) -> str:
    """An unexpected error as its type and message, e.g. OSError: File contains no valid workbook part."""
    return f"{type(error).__name__}: {error}" if str(error) else type(error).__name__
