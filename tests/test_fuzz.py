"""Damaged and hostile input thrown at `import`, `check` and `build`: every case ends in a message, never a traceback.

Each case is made by a seeded generator from the seed department (its text export, and
the Word and Excel forms the project writes of it), so a failure names a case that can
be made again. For every case:

- the command exits 0 or 1 and prints no traceback; a refusal names the file;
- `check` and `build` agree: what `check` passes builds, what it refuses builds nothing;
- a refused import or build leaves `content/` and `site/` as they were, and nothing is
  ever written outside the case's folder (nor at `/escaped`);
- no built page carries a script handler or a `javascript:` link, and Chromium opens
  them without a dialog (`test_built_fuzz_pages_run_no_script_in_a_real_browser`).
"""

from __future__ import annotations

import hashlib
import io
import os
import random
import re
import shutil
import subprocess
import sys
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import pytest
from browser import chromium, requires_chromium, serve
from conftest import SEED, copy_project
from hostile import BLANK_LINES, HOSTILE, assert_no_script_attributes

from generator.formats.forms import EXPORTERS
from generator.schema.validate import load_catalog
from generator.source.importer import import_files

RANDOM_SEED = 20241205
CASE_TIMEOUT = 30  # seconds, for each command of a case
HOSTILE_TEXTS = (BLANK_LINES, *HOSTILE, "\u202e反向\u200b零宽")
NUMBERS = ("0100", "81:56", "0x10", "0o17", "0b101", "1_000", "+12", ".inf", ".nan", "1e3", "-5", "4916.8.6",
           "9" * 4400, "１２３")  # fmt: skip


@dataclass(frozen=True)
class Case:
    """One damaged input: `make` writes it into a case folder holding a copy of the project."""

    id: str
    make: Callable[[Path, dict[str, bytes]], Path]  # (project, the seed's inputs) -> the file it damaged or wrote


def _run(args: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "generator", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=CASE_TIMEOUT,
        check=False,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
    )


def _tree(folder: Path) -> dict[str, str]:
    """Every file under `folder` (links as links) with a digest of its bytes: what a command must not change."""
    found = {}
    for path in sorted(folder.rglob("*")):
        relative = path.relative_to(folder).as_posix()
        if path.is_symlink():
            found[relative] = f"-> {os.readlink(path)}"
        elif path.is_file():
            found[relative] = hashlib.sha256(path.read_bytes()).hexdigest()
        elif path.is_dir():
            found[relative] = "dir"
    return found


# The seed, read once: its content, its text export and its Word and Excel forms.


@pytest.fixture(scope="module")
def seed_inputs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, bytes]:
    folder = tmp_path_factory.mktemp("fuzz-seed")
    content = folder / "content"
    results = list(import_files([SEED], content, published=datetime(2024, 2, 1).date()))
    assert all(result.error is None for result in results)
    department = load_catalog(content).departments[0]
    created = datetime(2024, 2, 1)
    inputs = {"txt": SEED.read_bytes()}
    for suffix, exporter in EXPORTERS.items():
        inputs[suffix.lstrip(".")] = exporter(department, created=created)
    return inputs


@pytest.fixture(scope="module")
def seed_project(tmp_path_factory: pytest.TempPathFactory, seed_inputs: dict[str, bytes]) -> Path:
    """A county folder with the seed's content and its built site, copied into every case."""
    folder = tmp_path_factory.mktemp("fuzz-project")
    content = folder / "imported"
    seed = folder / "seed.txt"
    seed.write_bytes(seed_inputs["txt"])
    list(import_files([seed], content, published=datetime(2024, 2, 1).date()))
    project = copy_project(folder / "project", content)
    result = _run(["build", "-q"], project)
    assert result.returncode == 0, result.stderr
    return project


def _case_folder(tmp_path: Path, seed_project: Path) -> Path:
    """The project copied four folders deep, so that a path climbing out of content/ still lands in tmp_path."""
    project = tmp_path / "a" / "b" / "c" / "d" / "project"
    shutil.copytree(seed_project, project, symlinks=True)
    return project


# YAML cases: a content file damaged as hand edits, editors and copies damage them.


def _project_files(project: Path) -> list[Path]:
    return sorted(path for path in (project / "content").rglob("*.yaml") if path.name != "department.yaml")


YAML_KINDS = (
    "control", "escaped", "hostile", "number", "nested", "alias", "truncate", "bytes", "gbk", "code", "long-unit",
    "delete-line", "type", "upper-suffix", "link-out", "folder-suffix", "duplicate-key", "bom-crlf",
)  # fmt: skip


def _yaml_case(rng: random.Random, number: int, kind: str) -> Case:
    pick = rng.randrange(1000)
    char = rng.choice(["\x00", "\x01", "\x08", "\x0b", "\x0c", "\x1b", "\x7f", "\x85", "\ufeff", "\u2028"])
    escaped = rng.choice(['"\\x01"', '"\\ud800"', '"\\uFFFE"', '"\\x0b"', '"\\0"'])
    hostile = rng.choice(HOSTILE_TEXTS)
    number_text = rng.choice(NUMBERS)
    cut = rng.random()

    def make(project: Path, inputs: dict[str, bytes]) -> Path:
        files = _project_files(project)
        target = files[pick % len(files)]
        department = target.parent / "department.yaml"
        text = target.read_text(encoding="utf-8")
        lines = text.split("\n")
        if kind == "control":
            target.write_text(text.replace("name: ", f"name: 前{char}后", 1), encoding="utf-8")
        elif kind == "escaped":
            target.write_text(re.sub(r"(?m)^purpose: .*$", f"purpose: {escaped}", text, count=1), encoding="utf-8")
        elif kind == "hostile":
            field = ("name", "purpose", "goal", "    level3", "    value", "    basis")[pick % 6]
            quoted = '"' + hostile.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'
            quoted = quoted.replace("\x0b", "\\v").replace("\x0c", "\\f")
            text = re.sub(rf"(?m)^({re.escape(field)}): .*?(  #.*)?$", lambda m: f"{m.group(1)}: {quoted}", text, 1)
            target.write_text(text, encoding="utf-8")
        elif kind == "number":
            field = ("  total", "  fiscal", "  dec", "  jun", "number")[pick % 5]
            target.write_text(re.sub(rf"(?m)^{field}: [^ #]*", f"{field}: {number_text}", text, count=1), "utf-8")
        elif kind == "nested":
            target.write_text(text.replace("name: ", "name: " + "[" * 10000, 1), encoding="utf-8")
        elif kind == "alias":
            alias = "goal: &big " + "长文本" * 2000 + "\n" + "".join(f"x{i}: *big\n" for i in range(200))
            target.write_text(re.sub(r"(?m)^goal: .*$", lambda _: alias.rstrip("\n"), text, count=1), "utf-8")
        elif kind == "truncate":
            data = target.read_bytes()
            target.write_bytes(data[: int(len(data) * cut)])
        elif kind == "bytes":
            data = bytearray(target.read_bytes())
            for _ in range(8):
                data[int(len(data) * rng.random())] = rng.randrange(256)
            target.write_bytes(bytes(data))
        elif kind == "gbk":
            target.write_bytes(text.encode("gbk", errors="replace"))
        elif kind == "code":
            code = ("../../../../escaped/P1", "department", "sub/P3", "", "P1\n", "A" * 300)[pick % 6]
            target.write_text(re.sub(r"(?m)^code: .*$", f"code: {code!r}".replace("'", '"'), text, count=1), "utf-8")
        elif kind == "long-unit":
            long_code = "1" * 245
            department.write_text(
                re.sub(r"(?m)^code: .*$", f"code: '{long_code}'", department.read_text("utf-8"), 1), "utf-8"
            )
            target = department
        elif kind == "delete-line":
            del lines[pick % len(lines)]
            target.write_text("\n".join(lines), encoding="utf-8")
        elif kind == "type":
            target.write_text(re.sub(r"(?m)^budget:.*$", "budget: [1, 2, 3]", text, count=1), encoding="utf-8")
        elif kind == "upper-suffix":
            renamed = target.with_suffix(".YAML")
            target.rename(renamed)
            target = renamed
        elif kind == "link-out":
            outside = project.parent / "secret.txt"
            outside.write_text("code: SECRET-PASSWORD\n", encoding="utf-8")
            target.unlink()
            target.symlink_to(outside)
        elif kind == "folder-suffix":
            target = target.parent / "备份.yaml"
            target.mkdir()
        elif kind == "duplicate-key":
            target.write_text(text.replace("name: ", "name: 重复\nname: ", 1), encoding="utf-8")
        elif kind == "bom-crlf":
            target.write_bytes(b"\xef\xbb\xbf" + text.replace("\n", "\r\n").encode("utf-8"))
        return target

    return Case(f"yaml-{number:02d}-{kind}", make)


# Input cases: a department's file for `import`, damaged as mail, USB sticks and editors damage them.


def _zip_members(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def _zipped(members: dict[str, bytes], compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def _corrupt_deflate(data: bytes, rng: random.Random) -> bytes:
    """The zip's directory intact, the compressed bytes of its largest member damaged."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        info = max(archive.infolist(), key=lambda item: item.compress_size)
    damaged = bytearray(data)
    start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
    for _ in range(16):
        damaged[start + rng.randrange(info.compress_size)] ^= 0xFF
    return bytes(damaged)


INPUT_KINDS = {
    "txt": ("truncate", "delete-lines", "duplicate-code", "climbing-code", "control", "gbk", "utf16", "garbage"),
    "docx": ("truncate", "deflate", "no-document", "bad-styles", "wrong-suffix", "flip"),
    "xlsx": ("truncate", "deflate", "no-sheet", "formula", "far-cell", "wrong-suffix", "flip"),
}


def _input_case(rng: random.Random, number: int, source: str, kind: str) -> Case:
    cut, pick, char = rng.random(), rng.randrange(1000), rng.choice(["\x00", "\x01", "\x0b", "\x1f", "\x7f"])

    def make(project: Path, inputs: dict[str, bytes]) -> Path:
        data = inputs[source]
        suffix = "." + source
        if kind == "truncate":
            data = data[: int(len(data) * cut)]
        elif kind == "garbage":
            data = bytes(rng.randrange(256) for _ in range(4096))
        elif kind == "flip":
            damaged = bytearray(data)
            for _ in range(32):
                damaged[rng.randrange(len(damaged))] = rng.randrange(256)
            data = bytes(damaged)
        elif kind == "deflate":
            data = _corrupt_deflate(data, rng)
        elif kind == "wrong-suffix":
            suffix = ".xlsx" if source == "docx" else ".docx"
        elif kind in ("no-document", "no-sheet", "bad-styles", "formula", "far-cell"):
            data = _damaged_office_file(data, kind)
        else:
            text = data.decode("utf-8")
            lines = text.split("\n")
            if kind == "delete-lines":
                start = pick % len(lines)
                del lines[start : start + 1 + pick % 7]
                text = "\n".join(lines)
            elif kind == "duplicate-code":
                text = text.replace("13022524P00442P10051P", "13022524P00442P10057D")
            elif kind == "climbing-code":
                text = text.replace("\t13022524P00442P10051P", "\t../../../../escaped/P1")
            elif kind == "control":
                text = text.replace("\t慰问困难党员经费", f"\t慰问困难{char}党员经费", 1)
            encoding = {"gbk": "gb18030", "utf16": "utf-16"}.get(kind, "utf-8")
            data = text.encode(encoding)
        path = project / "收文" / f"组织部{suffix}"
        path.parent.mkdir(exist_ok=True)
        path.write_bytes(data)
        return path

    return Case(f"input-{number:02d}-{source}-{kind}", make)


def _damaged_office_file(data: bytes, kind: str) -> bytes:
    members = _zip_members(data)
    if kind == "no-document":
        del members["word/document.xml"]
    elif kind == "no-sheet":
        for name in [name for name in members if name.startswith("xl/worksheets/")]:
            del members[name]
    elif kind == "bad-styles":
        members["word/styles.xml"] = b"<w:styles xmlns:w='x'><unclosed>"
    elif kind == "formula":  # the budget's amount a formula Excel never calculated: no cached value
        name = "xl/worksheets/sheet2.xml"
        members[name] = re.sub(rb'<c r="C4" s="5"><v>[^<]*</v></c>', b'<c r="C4" s="5"><f>E4</f></c>', members[name])
    elif kind == "far-cell":
        name = next(name for name in members if name.startswith("xl/worksheets/sheet"))
        sheet = members[name].decode("utf-8")
        far = '<row r="1048576"><c r="XFD1048576" s="1"/></row></sheetData>'
        sheet = sheet.replace("</sheetData>", far, 1)
        sheet = re.sub(r"<dimension ref=\"[^\"]*\"/>", '<dimension ref="A1:XFD1048576"/>', sheet)
        members[name] = sheet.encode("utf-8")
    return _zipped(members)


_rng = random.Random(RANDOM_SEED)
# Every kind of damage once, its details (which file, character, number, cut) drawn from the seeded generator.
YAML_CASES = [_yaml_case(_rng, number, kind) for number, kind in enumerate(YAML_KINDS)]
INPUT_CASES = [
    _input_case(_rng, number, source, kind)
    for number, (source, kind) in enumerate((source, kind) for source, kinds in INPUT_KINDS.items() for kind in kinds)
]


def _assert_no_traceback(result: subprocess.CompletedProcess[str], case: str) -> None:
    output = result.stdout + result.stderr
    assert result.returncode in (0, 1), (case, result.returncode, output[-2000:])
    assert "Traceback" not in output, (case, output[-3000:])
    assert "SECRET-PASSWORD" not in output, case  # a linked file's contents never reach a message


def _assert_no_script(site: Path, case: str) -> None:
    for page in site.rglob("*.html"):
        assert_no_script_attributes(page.read_text(encoding="utf-8"), (case, page))


def _changed_outside(before: dict[str, str], after: dict[str, str], allowed: str | tuple[str, ...]) -> set[str]:
    """What changed between two `_watched` snapshots, but for paths under `allowed` (a prefix or several)."""
    changed = {path for path in before.keys() | after.keys() if before.get(path) != after.get(path)}
    return {path for path in changed if not path.startswith(allowed)}


def _watched(tmp_path: Path) -> dict[str, str]:
    """Every file of the case's folder, and whether `/escaped` exists: where a climbing path would land."""
    return _tree(tmp_path) | {"/escaped": str(Path("/escaped").exists())}


BUILT_SITES: dict[str, Path] = {}  # case -> its built site, for the browser test


@pytest.mark.parametrize("case", YAML_CASES, ids=[case.id for case in YAML_CASES])
def test_damaged_content_is_refused_by_check_and_build_alike_or_builds(
    case: Case, seed_project: Path, seed_inputs: dict[str, bytes], tmp_path: Path
) -> None:
    project = _case_folder(tmp_path, seed_project)
    damaged = case.make(project, seed_inputs)
    site_before = _tree(project / "site")
    watched_before = _watched(tmp_path)

    check = _run(["check", "content"], project)
    _assert_no_traceback(check, case.id)
    build = _run(["build", "-q"], project)
    _assert_no_traceback(build, case.id)

    assert (check.returncode == 0) == (build.returncode == 0), (case.id, check.stderr, build.stderr)
    if check.returncode:
        shown = damaged.relative_to(project).as_posix()
        assert shown in check.stderr and shown in build.stderr, (case.id, shown, check.stderr, build.stderr)
        assert _tree(project / "site") == site_before, case.id
    else:
        _assert_no_script(project / "site", case.id)
        BUILT_SITES[case.id] = project / "site"
    # A build writes the site and the forms it keeps for the next build, nothing else.
    written = ("a/b/c/d/project/site", "a/b/c/d/project/.site.cache/")
    assert _changed_outside(watched_before, _watched(tmp_path), written) == set(), case.id


@pytest.mark.parametrize("case", INPUT_CASES, ids=[case.id for case in INPUT_CASES])
def test_damaged_department_file_is_imported_or_refused_by_name(
    case: Case, seed_project: Path, seed_inputs: dict[str, bytes], tmp_path: Path
) -> None:
    project = _case_folder(tmp_path, seed_project)
    source = case.make(project, seed_inputs)
    before = _watched(tmp_path)

    for dry_run in (["--dry-run"], []):
        result = _run(["import", "收文", "--out", "content", *dry_run], project)
        _assert_no_traceback(result, case.id)
        if dry_run:
            assert _watched(tmp_path) == before, (case.id, "试运行写了文件")
    after = _watched(tmp_path)
    assert _changed_outside(before, after, "a/b/c/d/project/content/") == set(), case.id
    if result.returncode:
        assert source.name in result.stderr, (case.id, result.stderr)
        assert after == before, (case.id, "导入失败却改动了 content/")
    assert "共 1 个文件" in result.stdout, (case.id, result.stdout)

    check = _run(["check", "content"], project)
    _assert_no_traceback(check, case.id)


@requires_chromium
def test_built_fuzz_pages_run_no_script_in_a_real_browser(
    seed_project: Path, seed_inputs: dict[str, bytes], tmp_path: Path
) -> None:
    """The pages the content cases built (or, run alone, those of the hostile-text cases), opened in Chromium."""
    sites = dict(BUILT_SITES)
    if not sites:
        for case in (case for case in YAML_CASES if case.id.endswith("-hostile")):
            project = _case_folder(tmp_path / case.id, seed_project)
            case.make(project, seed_inputs)
            if _run(["build", "-q"], project).returncode == 0:
                sites[case.id] = project / "site"
    assert any(case.endswith("-hostile") for case in sites), "no hostile text case built"
    with chromium() as browser:
        page = browser.new_page()
        dialogs: list[str] = []
        page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
        for case, site in sites.items():
            with serve(site) as base:
                for path in sorted(site.glob("2024/*/*/index.html"))[:3] + [site / "index.html"]:
                    page.goto(base + path.parent.relative_to(site).as_posix().removeprefix(".") + "/")
                    page.wait_for_load_state("load")
                    page.keyboard.press("Tab")
            assert dialogs == [], case
