"""Read `content/` YAML into plain Python data that remembers where it came from.

PyYAML alone would lose what budget staff need in an error message: it forgets
line numbers, silently keeps the last of two duplicate keys, and turns 4916.86
into a float. This loader keeps the line of every key and list item, reports
duplicate keys, and reads every decimal number as an exact `Decimal`.
"""

from __future__ import annotations

import gc
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import yaml

from generator.problems import Problem

DEPARTMENT_FILE = "department.yaml"


@contextmanager
def collector_paused() -> Iterator[None]:
    """Pause Python's cycle collector while data without reference cycles is built.

    Reading content (or the search index) makes millions of small objects and no
    cycles, so reference counting frees all of it; but the allocations trigger full
    collections, each walking every object of the build, MkDocs' too, to free nothing.
    At 10,000 projects that was 40% of the time spent loading (benchmarks/README.md).
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


class LineDict(dict):
    """A YAML mapping that knows its own line and the line of each key."""

    line: int
    key_lines: dict[Any, int]


class LineList(list):
    """A YAML sequence that knows its own line and the line of each item."""

    line: int
    item_lines: list[int]


class _Recording:
    """What our loaders add to PyYAML's: the file's path and the problems found while reading."""

    def __init__(self, stream: str, path: Path) -> None:
        super().__init__(stream)  # type: ignore[call-arg]
        self.path = path
        self.problems: list[Problem] = []


class _ContentLoader(_Recording, yaml.SafeLoader):
    """SafeLoader that records lines, keeps decimals exact and flags duplicate keys."""


class _FastContentLoader(_Recording, getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
    """The same loader on libyaml's parser, five times faster: with the pure-Python
    parser, reading YAML was 80% of our own time in a 1,000-project build.

    Only scanning and parsing move to C; marks, constructors and resolvers are the
    same Python code, so the data, its lines and the problems are identical.
    """


def _construct_mapping(loader: _Recording, node: yaml.MappingNode) -> LineDict:
    loader.flatten_mapping(node)
    mapping = LineDict()
    mapping.line = node.start_mark.line + 1
    mapping.key_lines = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        line = key_node.start_mark.line + 1
        if not isinstance(key, (str, int)):
            loader.problems.append(Problem(loader.path, line, str(key), "键不能是列表或键值表（应为字段名）"))
            continue
        if key in mapping:
            first = mapping.key_lines[key]
            loader.problems.append(
                Problem(loader.path, line, str(key), f"键重复（第 {first} 行已有同名键，每个键只能出现一次）")
            )
            continue
        mapping[key] = loader.construct_object(value_node, deep=True)
        mapping.key_lines[key] = line
    return mapping


def _construct_sequence(loader: _ContentLoader, node: yaml.SequenceNode) -> LineList:
    items = LineList(loader.construct_object(child, deep=True) for child in node.value)
    items.line = node.start_mark.line + 1
    items.item_lines = [child.start_mark.line + 1 for child in node.value]
    return items


def _construct_decimal(loader: _ContentLoader, node: yaml.ScalarNode) -> Decimal | str:
    text = loader.construct_scalar(node).replace("_", "")
    try:
        number = Decimal(text)
    except InvalidOperation:
        return str(node.value)
    # .inf and .nan are YAML floats too; keep them as text so validation rejects them.
    return number if number.is_finite() else str(node.value)


def _construct_timestamp(loader: _ContentLoader, node: yaml.ScalarNode) -> object:
    """A date as YAML reads it; an impossible one (2024-02-30) stays text, for validation to report."""
    try:
        return loader.construct_yaml_timestamp(node)
    except ValueError:
        return str(node.value)


for _loader in (_ContentLoader, _FastContentLoader):
    _loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
    _loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _construct_sequence)
    _loader.add_constructor("tag:yaml.org,2002:float", _construct_decimal)
    _loader.add_constructor("tag:yaml.org,2002:timestamp", _construct_timestamp)


@dataclass
class ContentFile:
    """One parsed YAML file, or the problems that stopped it from parsing."""

    path: Path
    data: Any = None
    problems: list[Problem] = field(default_factory=list)


def read_yaml(path: Path) -> ContentFile:
    """Parse one file; a syntax error becomes a Problem with its line, not an exception."""
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as error:
        return ContentFile(path, problems=[Problem(path, None, "", f"不是 UTF-8 编码的文本（{error.reason}）")])
    fast = _FastContentLoader(text, path)
    try:
        return ContentFile(path, fast.get_single_data(), fast.problems)
    except yaml.YAMLError:
        pass  # parsed again below, so that the error is worded as the pure-Python parser words it
    finally:
        fast.dispose()
    loader = _ContentLoader(text, path)
    try:
        data = loader.get_single_data()
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = mark.line + 1 if mark else None
        reason = error.problem or str(error)
        return ContentFile(path, problems=[Problem(path, line, "", f"YAML 语法错误：{reason}（请检查缩进、冒号、引号和括号）")])
    except yaml.YAMLError as error:
        return ContentFile(path, problems=[Problem(path, None, "", f"YAML 语法错误：{error}")])
    finally:
        loader.dispose()
    return ContentFile(path, data, loader.problems)


FIELD_STEP = re.compile(r"([^.\[\]]+)|\[(\d+)\]")


def line_of_field(path: Path, field_path: str) -> int | None:
    """The line of a field in a content file, by its dotted path: indicators[2].value is the key `value:` of item 3.

    For reports on valid content (`check --quality`), which keeps no lines in the model.
    """
    data = read_yaml(path).data
    line = None
    for key, index in FIELD_STEP.findall(field_path):
        if key and isinstance(data, LineDict) and key in data:
            line, data = data.key_lines[key], data[key]
        elif index and isinstance(data, LineList) and int(index) < len(data):
            line, data = data.item_lines[int(index)], data[int(index)]
        else:
            break
    return line


@dataclass
class DepartmentFolder:
    """A `content/<year>/<unit code>/` folder: its department file and its project files."""

    folder: Path
    department: ContentFile | None
    projects: list[ContentFile]


def read_content(content_dir: Path) -> list[DepartmentFolder]:
    """Parse every YAML file under `content_dir`, grouped by department folder.

    A project's department is the folder it sits in; `department.yaml` in that
    folder describes the department. Files are read in sorted order so that
    every build sees the same sequence.
    """
    folders: dict[Path, DepartmentFolder] = {}
    for path in sorted(content_dir.rglob("*")):
        if path.suffix not in (".yaml", ".yml") or not path.is_file():
            continue
        folder = folders.setdefault(path.parent, DepartmentFolder(path.parent, None, []))
        parsed = read_yaml(path)
        if path.name == DEPARTMENT_FILE:
            folder.department = parsed
        else:
            folder.projects.append(parsed)
    return list(folders.values())
