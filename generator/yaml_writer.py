"""Write the model as `content/` YAML, in the form's order, each field labelled in a comment.

The layout follows the model's declarations: a field's key, then its value, then
`# label`; a blank cell of the form is an empty value (never 0), and an optional
field that the form did not have is left out, so files of forms without it stay
as they were. Values are quoted only where YAML would misread them, and text that
spans lines is a literal block, so a file reads like the table it came from.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import yaml

from generator.load import DEPARTMENT_FILE
from generator.model import Department, Kind, Project, fields_of

PROJECT_HEADER = """\
# 项目支出绩效目标表：{name}
# 由 `python -m generator import` 从原始文件导入，可直接修改。
# 金额单位为部门文件中的 money_unit；留空表示原表该格为空。
"""
DEPARTMENT_HEADER = """\
# 部门整体绩效目标：{name}
# 由 `python -m generator import` 从原始文件导入，可直接修改。
"""


def _scalar(value: object) -> str:
    """One YAML scalar, quoted only where YAML would misread it."""
    if value is None:
        return ""
    if isinstance(value, (Decimal, int)):
        return str(value)
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
    out = []
    for field in fields_of(type(item)):
        value = getattr(item, field.key)
        label = field.spec.label if labelled else ""
        if field.spec.optional and value is None:
            continue
        if field.group is not None:
            out.append(f"{indent}{field.key}:  # {field.spec.label}\n")
            out.extend(_mapping(value, indent + "  "))
        elif field.rows is not None:
            columns = "、".join(f.spec.label for f in fields_of(field.rows))
            out.append(f"{indent}{field.key}:  # {field.spec.label}：{columns}\n")
            for row in value:
                lines = _mapping(row, indent + "    ", labelled=False)
                out.append(f"{indent}  - " + lines[0][len(indent) + 4 :])
                out.extend(lines[1:])
        elif field.spec.kind is Kind.TEXT_LIST:
            out.append(f"{indent}{field.key}:  # {field.spec.label}\n")
            out.extend(_list_item(text, indent + "  ") for text in value)
        else:
            out.append(_emit(field.key, value, indent, label))
    return out


def project_yaml(project: Project) -> str:
    """The YAML text of one project's file."""
    return PROJECT_HEADER.format(name=project.name.replace("\n", " ")) + "".join(_mapping(project, ""))


def department_yaml(department: Department) -> str:
    """The YAML text of a department's file: identity, money unit and its three goal sections."""
    return DEPARTMENT_HEADER.format(name=department.name.replace("\n", " ")) + "".join(_mapping(department, ""))


def write_content(department: Department, out_dir: Path) -> list[Path]:
    """Write the department file and one file per project under out_dir/<year>/<code>/."""
    folder = out_dir / str(department.year) / department.code
    folder.mkdir(parents=True, exist_ok=True)
    written = [folder / DEPARTMENT_FILE]
    written[0].write_text(department_yaml(department), encoding="utf-8")
    for project in department.projects:
        path = folder / f"{project.code}.yaml"
        path.write_text(project_yaml(project), encoding="utf-8")
        written.append(path)
    return written
