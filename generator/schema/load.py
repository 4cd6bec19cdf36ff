"""Read `content/` YAML into plain Python data that remembers where it came from.

PyYAML alone would lose what budget staff need in an error message: it forgets
line numbers, silently keeps the last of two duplicate keys, and turns 4916.86
into a float. This loader keeps the line of every key and list item, reports
duplicate keys, and reads every decimal number as an exact `Decimal`.

It also reads numbers by our own rule, not YAML 1.1's: only 4916.86, 100 and -5 are
numbers; 0100 (octal 64 to YAML 1.1), 81:56 (sexagesimal 4916), 0x10, 1_000, +12 and
.inf stay the text they are, for validation to read by the field's kind or refuse.
Anchors, aliases and tags are refused (an alias repeated 200 times made an 827 MB
site), and so is whatever would stop the parser: a control character, nesting too deep.
Whatever is wrong with a file is a Problem naming it, never an exception.
"""

from __future__ import annotations

import gc
import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml

from generator.schema.problems import UNPRINTABLE, Problem, display_path, unprintable

DEPARTMENT_FILE = "department.yaml"
#: The subfolder of a department's folder that holds its projects' 自评表, one `<project code>.yaml` each.
RESULTS_FOLDER = "results"
#: Content is a few levels deep (goals, a section, its items); PyYAML's C composer
#: crashes the process on some 100,000 nested brackets, and our constructors recurse.
MAX_DEPTH = 20
#: Longer integers are read as a Decimal: Python refuses to print an int of 4,300 digits
#: (so no message could quote it), and validation refuses numbers this long by their field.
MAX_INT_DIGITS = 18


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


def _construct_decimal(loader: _ContentLoader, node: yaml.ScalarNode) -> Decimal:
    return Decimal(node.value)


def _construct_integer(loader: _ContentLoader, node: yaml.ScalarNode) -> int | Decimal:
    digits = node.value.lstrip("-")
    return int(node.value) if len(digits) <= MAX_INT_DIGITS else Decimal(node.value)


def _construct_timestamp(loader: _ContentLoader, node: yaml.ScalarNode) -> object:
    """A date as YAML reads it; an impossible one (2024-02-30) stays text, for validation to report."""
    try:
        return loader.construct_yaml_timestamp(node)
    except ValueError:
        return str(node.value)


INT_TAG, FLOAT_TAG = "tag:yaml.org,2002:int", "tag:yaml.org,2002:float"
#: What YAML 1.1 reads from an unquoted value that we read the same way: empty, ~ and null;
#: true/false/yes/no (validation asks for quotes); dates. Not numbers, nor `<<` merge keys.
KEPT_RESOLVERS = {"tag:yaml.org,2002:null", "tag:yaml.org,2002:bool", "tag:yaml.org,2002:timestamp"}

for _loader in (_ContentLoader, _FastContentLoader):
    _loader.yaml_implicit_resolvers = {
        first: [(tag, pattern) for tag, pattern in resolvers if tag in KEPT_RESOLVERS]
        for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
    }
    _loader.add_implicit_resolver(INT_TAG, re.compile(r"-?(?:0|[1-9][0-9]*)\Z"), list("-0123456789"))
    _loader.add_implicit_resolver(FLOAT_TAG, re.compile(r"-?(?:0|[1-9][0-9]*)\.[0-9]+\Z"), list("-0123456789"))
    _loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
    _loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _construct_sequence)
    _loader.add_constructor(INT_TAG, _construct_integer)
    _loader.add_constructor(FLOAT_TAG, _construct_decimal)
    _loader.add_constructor("tag:yaml.org,2002:timestamp", _construct_timestamp)


@dataclass
class ContentFile:
    """One parsed YAML file, or the problems that stopped it from parsing."""

    path: Path
    data: Any = None
    problems: list[Problem] = field(default_factory=list)


def read_yaml(path: Path) -> ContentFile:
    """Parse one file; whatever stops it from parsing becomes a Problem naming the file, not an exception."""
    try:
        raw = path.read_bytes()
    except OSError as error:
        return _refused(path, None, f"无法读取文件（{error.strerror or error}）")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        line = raw.count(b"\n", 0, error.start) + 1
        return _refused(path, line, f"不是 UTF-8 编码的文本（{error.reason}）")
    text = text.replace("\r\n", "\n").replace("\r", "\n")  # as reading in text mode would
    unprintables = _unprintable_characters(text, path)
    if unprintables:
        return ContentFile(path, problems=unprintables)
    refused = _refused_structure(text, path)
    if refused is not None:
        return ContentFile(path, problems=[refused])
    try:
        return _parse(text, path)
    except RecursionError:
        return _refused(path, None, _too_deep())
    except (yaml.YAMLError, ValueError) as error:  # none known: a safety net, so the file is still named
        return _refused(path, None, f"无法读取此 YAML 文件（{error}）")


def _refused(path: Path, line: int | None, message: str) -> ContentFile:
    return ContentFile(path, problems=[Problem(path, line, "", message)])


def _too_deep() -> str:
    return f"列表或键值表嵌套超过 {MAX_DEPTH} 层（内容文件只有几层，请检查括号和缩进）"


def _unprintable_characters(text: str, path: Path) -> list[Problem]:
    """Each line holding a character YAML refuses (PyYAML's own error names no line), with the character."""
    problems: list[Problem] = []
    line, counted = 1, 0
    for found in UNPRINTABLE.finditer(text):
        line += text.count("\n", counted, found.start())
        counted = found.start()
        if not problems or problems[-1].line != line:
            problems.append(Problem(path, line, "", unprintable(found.group())))
    return problems


def _refused_structure(text: str, path: Path) -> Problem | None:
    """An anchor, alias or tag, or nesting beyond MAX_DEPTH, found in the parser's events before anything is built.

    The events come from a non-recursive parser, so no depth crashes it; a file that
    could hold none of these (no `&`, `*` or `!`, few brackets and dashes) is not parsed twice.
    """
    openers = sum(text.count(opener) for opener in ("[", "{", "- ", "? "))
    if openers <= MAX_DEPTH and not any(mark in text for mark in "&*!"):
        return None
    depth = 0
    try:
        for event in yaml.parse(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader)):
            line = event.start_mark.line + 1
            if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
                return Problem(path, line, "", "内容文件不能使用 YAML 锚点和别名（&/*），请直接写出内容")
            tag = getattr(event, "tag", None)
            if tag is not None:
                shown = tag.replace("tag:yaml.org,2002:", "!!")
                return Problem(path, line, "", f"内容文件不能使用 YAML 标签 {shown}（请直接写出内容；文字可加引号）")
            if isinstance(event, yaml.CollectionStartEvent):
                depth += 1
                if depth > MAX_DEPTH:
                    return Problem(path, line, "", _too_deep())
            elif isinstance(event, yaml.CollectionEndEvent):
                depth -= 1
    except yaml.YAMLError:
        return None  # a syntax error, reported by the parse that follows with the pure-Python parser's words
    return None


def _parse(text: str, path: Path) -> ContentFile:
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
        return _refused(path, line, f"YAML 语法错误：{reason}（请检查缩进、冒号、引号和括号）")
    except yaml.YAMLError as error:
        return _refused(path, None, f"YAML 语法错误：{error}")
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
    """A `content/<year>/<unit code>/` folder: its department file, its project files and their 自评表 (`results/`)."""

    folder: Path
    department: ContentFile | None
    projects: list[ContentFile]
    results: list[ContentFile] = field(default_factory=list)


def read_content(content_dir: Path) -> tuple[list[DepartmentFolder], list[Problem]]:
    """Parse every YAML file under `content_dir`, grouped by department folder; and what cannot be read as content.

    A project's department is the folder it sits in; `department.yaml` in that
    folder describes the department. Files are read in sorted order so that
    every build sees the same sequence.
    """
    folders: dict[Path, DepartmentFolder] = {}
    problems: list[Problem] = []
    for path in _content_files(content_dir, content_dir, problems):
        is_result = path.parent.name == RESULTS_FOLDER
        unit = path.parent.parent if is_result else path.parent
        folder = folders.setdefault(unit, DepartmentFolder(unit, None, []))
        parsed = read_yaml(path)
        if is_result:
            folder.results.append(parsed)
        elif path.name == DEPARTMENT_FILE:
            folder.department = parsed
        else:
            folder.projects.append(parsed)
    return list(folders.values()), problems


def _content_files(folder: Path, content_dir: Path, problems: list[Problem]) -> Iterator[Path]:
    """The `.yaml` files under a folder, in sorted order; what looks like content but is not read is a Problem.

    Symbolic links are not followed: one leaving content/ would publish (and an error
    message quote) a file from anywhere on the machine, and one inside it would publish
    a file twice. Nothing a link points to is read, not even to say what it is.
    """
    try:
        entries = sorted(os.scandir(folder), key=lambda entry: entry.name)
    except OSError as error:
        problems.append(Problem(folder, None, "", f"无法读取目录（{error.strerror or error}）"))
        return
    for entry in entries:
        if entry.name.startswith("."):
            continue  # hidden: git's, editors' and a killed import's folders (yaml_writer.apply_changes)
        path = Path(entry.path)
        looks_like_yaml = path.suffix.lower() in (".yaml", ".yml")
        if entry.is_symlink():
            if looks_like_yaml or entry.is_dir():
                problems.append(Problem(path, None, "", _link(path, content_dir)))
        elif entry.is_dir():
            yield from _content_files(path, content_dir, problems)
        elif not looks_like_yaml:
            continue  # notes, spreadsheets, editors' backups: not content
        elif not entry.is_file():
            problems.append(Problem(path, None, "", "不是普通文件（应为 YAML 文本）"))
        elif path.suffix != ".yaml" or (path.name.lower() == DEPARTMENT_FILE and path.name != DEPARTMENT_FILE):
            expected = DEPARTMENT_FILE if path.stem.lower() == "department" else f"{path.stem}.yaml"
            problems.append(Problem(path, None, "", f"只读取扩展名为 .yaml 的文件（请改名为 {expected}）"))
        else:
            yield path


def _link(path: Path, content_dir: Path) -> str:
    """Why a symbolic link in the content folder is not read, with where it points."""
    target = os.readlink(path)
    if not Path(os.path.realpath(path)).is_relative_to(content_dir.resolve()):
        return f"是指向 {display_path(content_dir)}/ 之外的链接（→ {target}），不能发布"
    return f"是链接（→ {target}），不能发布（内容目录不读取链接，以免同一内容发布两次；请复制文件或移动目录）"
