"""Which published project each 自评表 of a file reports on.

A 自评表 names its project by code where the form prints one; otherwise by name, within
the department its 实施单位 or 主管部门 names (or the one `--unit` gives). Names are
compared in the readers' one normal form, so 村干部 基础职务补贴 with a space is the
same project. A form that matches no project, or more than one, is an error naming the
file's table: guessing would put one project's results on another's page.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from generator.schema.load import DEPARTMENT_FILE, read_yaml
from generator.source.readers.form import label_key
from generator.source.readers.result_form import ResultForm


@dataclass(frozen=True)
class Unit:
    """A department of the year as `content/` (or this import run) has it: its name and its projects' names by code."""

    code: str
    name: str
    projects: Mapping[str, str]


class JoinError(Exception):
    """A 自评表 that names no published project, or more than one; the message names the form."""


def units_on_disk(year_folder: Path) -> dict[str, Unit]:
    """The year's departments in `content/<year>/`, each with its projects' codes and names."""
    units = {}
    folders = sorted(year_folder.iterdir()) if year_folder.is_dir() else []
    for folder in folders:
        if folder.name.startswith(".") or folder.is_symlink() or not folder.is_dir():
            continue
        projects = {}
        for path in sorted(folder.glob("*.yaml")):
            if path.name != DEPARTMENT_FILE:
                projects[path.stem] = _name(path)
        units[folder.name] = Unit(folder.name, _name(folder / DEPARTMENT_FILE), projects)
    return units


def _name(path: Path) -> str:
    data = read_yaml(path).data if path.is_file() else None
    return str(data.get("name") or "") if isinstance(data, dict) else ""


def join(form: ResultForm, units: Mapping[str, Unit], year: int, unit: str | None) -> tuple[str, str]:
    """The department's code and the project's code that the form reports on; JoinError if none or several."""
    result = form.result
    candidates = [units[unit]] if unit in units else [] if unit else list(units.values())
    if unit is not None and not candidates:
        raise JoinError(f"{form.described}：--unit 给出的 {unit} 在 {year} 年没有部门（应先导入它的绩效目标表）")
    if result.code:
        owners = [u for u in candidates if result.code in u.projects]
        if not owners:
            where = f"{unit} 部门" if unit else f"{year} 年的内容"
            raise JoinError(
                f"{form.described}的项目编码 {result.code} 在{where}中没有（应先导入这个项目的绩效目标表，或核对编码）"
            )
        return owners[0].code, result.code
    if unit is None:
        named = {label_key(n) for n in (result.implementing_unit, result.competent_department) if n}
        candidates = [u for u in candidates if label_key(u.name) in named] or candidates
    wanted = label_key(result.name)
    matches = [(u, code) for u in candidates for code, name in u.projects.items() if label_key(name) == wanted]
    if not matches:
        where = "、".join(f"{u.code} {u.name}" for u in candidates[:3]) + (" 等" if len(candidates) > 3 else "")
        raise JoinError(
            f"{form.described}没有项目编码，{year} 年 {where} 中也没有名为“{result.name}”的项目"
            "（请核对项目名称，或在自评表中填写项目编码）"
        )
    if len(matches) > 1:
        found = "、".join(f"{u.code} {u.name} 的 {code}" for u, code in matches)
        raise JoinError(
            f"{form.described}没有项目编码，名为“{result.name}”的项目有 {len(matches)} 个（{found}），"
            "无法确定是哪一个（请在自评表中填写项目编码，或用 --unit 指定部门）"
        )
    chosen, code = matches[0]
    return chosen.code, code


def one_department(joined: Sequence[tuple[ResultForm, str, str]], units: Mapping[str, Unit]) -> str | None:
    """Why the forms cannot be imported together: they report on several departments, or twice on one project."""
    departments = sorted({unit for _, unit, _ in joined})
    if len(departments) > 1:
        listed = "、".join(f"{code} {units[code].name}" for code in departments)
        return f"其中的自评表属于 {len(departments)} 个部门（{listed}），一个文件只能是一个部门的自评表，请分开导入"
    first: dict[str, ResultForm] = {}
    for form, _, code in joined:
        other = first.setdefault(code, form)
        if other is not form:
            return f"{form.described}与{other.described}是同一个项目（{code}），一个项目只能有一份自评表"
    return None
