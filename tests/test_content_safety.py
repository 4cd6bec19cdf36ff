"""Damaged and crafted content files are refused with file, line and field, by `check` and `build` alike.

Each refused case runs both commands on a small project and asserts the same lines from
both, and that nothing was built; what `check` passes, `build` builds.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

import pytest
from conftest import copy_project

from generator.schema.problems import ContentError
from generator.schema.validate import load_catalog

FOLDER = "content/2024/203001"
P = f"{FOLDER}/P1.yaml"
DEPT = f"{FOLDER}/department.yaml"

DEPARTMENT_YAML = """\
year: 2024
code: '203001'
name: 组织部
money_unit: 万元
published: 2024-02-01
goals:
  overall:
    items:
      - 1、提高工作质量。
  itemized:
    items:
      - 1.干部培训费：开展培训。
  safeguards:
    items:
      - 1.加强组织领导。
"""
PROJECT_YAML = """\
code: P1
name: 村干部补贴
number: 1
budget:
  total: 4916.86
  fiscal:
  other:
purpose: 用于发放补贴
plan:
  mar: 20
  jun: 40
  oct: 60
  dec: 100
goal: 1.用于发放补贴
indicators:
  - id: quantity-1
    level1: 产出指标
    level2: 数量指标
    level3: 发放人员
    description: 符合条件的人员
    value: ≥100%
    basis: 县委县政府安排
"""
PROJECT_LINES = PROJECT_YAML.count("\n")


def write_content(content: Path) -> Path:
    folder = content / "2024" / "203001"
    folder.mkdir(parents=True)
    (folder / "department.yaml").write_text(DEPARTMENT_YAML, encoding="utf-8")
    (folder / "P1.yaml").write_text(PROJECT_YAML, encoding="utf-8")
    return content


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A site project (config, docs, theme) with one department of one project."""
    return copy_project(tmp_path / "project", write_content(tmp_path / "content"))


def edit(project: Path, relative: str, old: str, new: str) -> None:
    path = project / relative
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {relative}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def run(project: Path, command: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "generator", command],
        cwd=project,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def refused_alike(project: Path) -> list[str]:
    """The problems `check` reports, after asserting that `build` reports the same and builds nothing."""
    check, build = run(project, "check"), run(project, "build")
    assert check.returncode == 1 and build.returncode == 1, (check.stderr, build.stderr)
    assert "Traceback" not in check.stderr + build.stderr
    lines = check.stderr.splitlines()
    assert lines[-1] == f"内容有 {len(lines) - 1} 处错误，未生成网站。"
    assert "\n".join(lines) in build.stderr
    assert not (project / "site").exists()
    return lines[:-1]


def outside_secret(project: Path) -> Path:
    secret = project.parent / "secret.yaml"
    secret.write_text("机密内容\n", encoding="utf-8")
    return secret


def link(path: Path, target: Path | str) -> None:
    path.symlink_to(target)


def touch(folder: Path, *names: str) -> None:
    for name in names:
        (folder / name).write_text("", encoding="utf-8")


Edit = Callable[[Path], None]

REFUSED: dict[str, tuple[Edit, list[str]]] = {
    "Word's Shift+Enter typed into a file": (
        lambda p: edit(p, P, "name: 村干部补贴", "name: 村干部\x0b补贴"),
        [f"{P}:2: 含有控制字符 U+000B（Word 的手动换行符，应改为换行）"],
    ),
    "Word's page break typed into a file": (
        lambda p: edit(p, DEPT, "1.加强组织领导。", "1.加强组织领导。\x0c"),
        [f"{DEPT}:15: 含有控制字符 U+000C（Word 的分页符，应改为换行）"],
    ),
    "a control character typed into a file, on two lines": (
        lambda p: edit(p, P, "purpose: 用于发放补贴", "purpose: 用于\x01发放\x02补贴\ngoal_note: \x7f"),
        [f"{P}:8: 含有不可显示的字符 U+0001（应删除）", f"{P}:9: 含有不可显示的字符 U+007F（应删除）"],
    ),
    "an escaped control character in a text": (
        lambda p: edit(p, P, "name: 村干部补贴", 'name: "村干部\\x01补贴"'),
        [f"{P}:2: name: 含有不可显示的字符 U+0001（应删除）"],
    ),
    "an escaped Shift+Enter in a text": (
        lambda p: edit(p, DEPT, "money_unit: 万元", 'money_unit: "万\\v元"'),
        [f"{DEPT}:4: money_unit: 含有控制字符 U+000B（Word 的手动换行符，应改为换行）"],
    ),
    "a lone surrogate in an indicator cell": (
        lambda p: edit(p, P, "level3: 发放人员", 'level3: "发放\\ud800人员"'),
        [f"{P}:19: indicators[0].level3: 含有不可显示的字符 U+D800（应删除）"],
    ),
    "a non-character in a goal item": (
        lambda p: edit(p, DEPT, "- 1、提高工作质量。", '- "1、提高\\uFFFE工作质量。"'),
        [f"{DEPT}:9: goals.overall.items[0]: 含有不可显示的字符 U+FFFE（应删除）"],
    ),
    "a lone surrogate quoted in a message": (
        lambda p: edit(p, P, "code: P1", 'code: "P\\ud8001"'),
        [
            f"{P}:1: code: “P<U+D800>1”含有字母和数字以外的字符（编码只能由字母和数字组成）",
        ],
    ),
    "an amount of 5,000 digits": (
        lambda p: edit(p, P, "total: 4916.86", "total: " + "9" * 5000),
        [f"{P}:5: budget.total: 数字过长（整数部分有 5000 位，金额应不超过 15 位）"],
    ),
    "an ordinal of 5,000 digits": (
        lambda p: edit(p, P, "number: 1", "number: " + "1" * 5000),
        [f"{P}:3: number: 数字 {'1' * 60}…（共 5000 个字符）不是正整数（应为 1、2、3……）"],
    ),
    "10,000 nested brackets": (
        lambda p: edit(p, P, "goal: 1.用于发放补贴", "goal: " + "[" * 10_000 + "]" * 10_000),
        [f"{P}:14: 列表或键值表嵌套超过 20 层（内容文件只有几层，请检查括号和缩进）"],
    ),
    "a million nested brackets (the C parser crashed the process)": (
        lambda p: edit(p, P, "goal: 1.用于发放补贴", "goal: " + "[" * 1_000_000),
        [f"{P}:14: 列表或键值表嵌套超过 20 层（内容文件只有几层，请检查括号和缩进）"],
    ),
    "an alias repeating a text": (
        lambda p: edit(p, P, "name: 村干部补贴\nnumber: 1", "name: &name 村干部补贴\nnumber: 1\nnote: *name"),
        [f"{P}:2: 内容文件不能使用 YAML 锚点和别名（&/*），请直接写出内容"],
    ),
    "a tag reading hexadecimal": (
        lambda p: edit(p, P, "total: 4916.86", "total: !!int 0x10"),
        [f"{P}:5: 内容文件不能使用 YAML 标签 !!int（请直接写出内容；文字可加引号）"],
    ),
    "an amount in hexadecimal": (
        lambda p: edit(p, P, "total: 4916.86", "total: 0x10"),
        [f"{P}:5: budget.total: “0x10”不是金额（应为精确小数，如 4916.86）"],
    ),
    "a time of day as a percent (YAML 1.1 sexagesimal)": (
        lambda p: edit(p, P, "mar: 20", "mar: 1:20"),
        [f"{P}:10: plan.mar: “1:20”不是百分数（应为 0 到 100 之间的数字，如 40 表示 40%）"],
    ),
    "a project file linked to a file outside content/": (
        lambda p: link(p / FOLDER / "P2.yaml", outside_secret(p)),
        [f"{FOLDER}/P2.yaml: 是指向 content/ 之外的链接（→ {{secret}}），不能发布"],
    ),
    "a department file linked outside content/": (
        lambda p: (p / FOLDER / "department.yaml").unlink() or link(p / FOLDER / "department.yaml", outside_secret(p)),
        [
            f"{FOLDER}/P1.yaml: 所在目录没有部门文件 department.yaml（每个部门目录都需要一个）",
            f"{FOLDER}/department.yaml: 是指向 content/ 之外的链接（→ {{secret}}），不能发布",
        ],
    ),
    "a year folder linked outside content/": (
        lambda p: link(p / "content/2023", p.parent / "content/2024"),
        ["content/2023: 是指向 content/ 之外的链接（→ {content}/2024），不能发布"],
    ),
    "a department folder linked inside content/": (
        lambda p: link(p / "content/2024/203002", "203001"),
        [
            "content/2024/203002: 是链接（→ 203001），不能发布（内容目录不读取链接，以免同一内容发布两次；请复制文件或移动目录）"
        ],
    ),
    "files named .YAML, .yml and Department.yaml": (
        lambda p: touch(p / FOLDER, "P2.YAML", "P3.yml", "Department.yaml"),
        [
            f"{FOLDER}/Department.yaml: 只读取扩展名为 .yaml 的文件（请改名为 department.yaml）",
            f"{FOLDER}/P2.YAML: 只读取扩展名为 .yaml 的文件（请改名为 P2.yaml）",
            f"{FOLDER}/P3.yml: 只读取扩展名为 .yaml 的文件（请改名为 P3.yaml）",
        ],
    ),
}


@pytest.mark.parametrize("case", REFUSED)
def test_check_and_build_refuse_alike_naming_file_line_and_field(case: str, project: Path) -> None:
    change, expected = REFUSED[case]
    change(project)
    secret, content = project.parent / "secret.yaml", project.parent / "content"
    assert refused_alike(project) == [line.format(secret=secret, content=content) for line in expected]


def test_a_unit_code_too_long_for_a_file_name_is_refused(project: Path) -> None:
    code = "2" * 245
    (project / FOLDER).rename(project / "content/2024" / code)
    edit(project, f"content/2024/{code}/department.yaml", "code: '203001'", f"code: '{code}'")
    assert refused_alike(project) == [
        f"content/2024/{code}/department.yaml:2: code: “{'2' * 60}…（共 245 个字符）”过长（编码应不超过 64 个字符）"
    ]


def test_a_linked_file_is_never_read_nor_quoted(project: Path) -> None:
    link(project / FOLDER / "P2.yaml", outside_secret(project))
    check, build = run(project, "check"), run(project, "build")
    assert "机密内容" not in check.stderr + build.stderr


def test_what_check_passes_builds(project: Path) -> None:
    """Tabs and line breaks are text; &, * and ! inside text are text; 010 is 10%; stray folders and files are left alone."""
    edit(project, P, "name: 村干部补贴", 'name: "村干部\\t补贴\\n（第二行）"')
    edit(project, P, "purpose: 用于发放补贴", "purpose: 用于 R&D * 补贴！还有 ! 和 [括号]")
    edit(project, P, "mar: 20", "mar: 010")
    (project / FOLDER / "备份.yaml").mkdir()
    (project / "content" / "备份.yaml").mkdir()
    (project / FOLDER / "说明.txt").write_text("不是内容", encoding="utf-8")
    (project / FOLDER / "P1.yaml~").write_text("编辑器的备份", encoding="utf-8")
    check = run(project, "check")
    assert check.returncode == 0, check.stderr
    assert check.stdout.startswith("内容校验通过（未生成网站）：1 个部门，1 个项目")
    build = run(project, "build")
    assert build.returncode == 0, build.stderr
    assert (project / "site" / "2024" / "203001" / "P1" / "index.html").is_file()
    [(_, loaded)] = load_catalog(project / "content").projects
    assert loaded.name == "村干部\t补贴\n（第二行）" and loaded.plan.mar == Decimal(10)


# --- Numbers as written (in-process: no site to build) -------------------------------------------

READ_AS_WRITTEN = {
    # the line of the project file as typed -> the value read
    ("  total: 4916.86", "  total: 0100"): Decimal(100),  # not octal 64
    ("  total: 4916.86", "  total: 4916.860"): Decimal("4916.860"),
    ("  mar: 20", "  mar: 010"): Decimal(10),  # not 8
    ("name: 村干部补贴", "name: 0x10"): "0x10",  # text as typed, not 16
    ("name: 村干部补贴", "name: 1:30"): "1:30",  # not 90
}


@pytest.mark.parametrize(("old", "new"), READ_AS_WRITTEN)
def test_numbers_are_read_as_written(old: str, new: str, tmp_path: Path) -> None:
    write_content(tmp_path / "content")
    edit(tmp_path, P, old, new)
    project = load_catalog(tmp_path / "content").projects[0][1]
    read = {"total": project.budget.total, "mar": project.plan.mar, "name": project.name}
    assert read[old.split(":")[0].strip()] == READ_AS_WRITTEN[(old, new)]


NOT_NUMBERS = {
    # the line of the project file as typed -> the problem
    ("  total: 4916.86", "  total: 81:56"): "budget.total: “81:56”不是金额（应为精确小数，如 4916.86）",  # not 4916
    ("  total: 4916.86", "  total: 1_000"): "budget.total: “1_000”不是金额（应为精确小数，如 4916.86）",
    ("  total: 4916.86", "  total: 0o17"): "budget.total: “0o17”不是金额（应为精确小数，如 4916.86）",
    ("  total: 4916.86", "  total: 0b101"): "budget.total: “0b101”不是金额（应为精确小数，如 4916.86）",
    ("  total: 4916.86", "  total: +12"): "budget.total: “+12”不是金额（应为精确小数，如 4916.86）",
    ("  total: 4916.86", "  total: .inf"): "budget.total: “.inf”不是金额（应为精确小数，如 4916.86）",
    ("  total: 4916.86", "  total: .nan"): "budget.total: “.nan”不是金额（应为精确小数，如 4916.86）",
    (
        "  total: 4916.86",
        "  total: '9999999999999999'",
    ): "budget.total: 数字过长（整数部分有 16 位，金额应不超过 15 位）",
    ("  mar: 20", "  mar: 0x10"): "plan.mar: “0x10”不是百分数（应为 0 到 100 之间的数字，如 40 表示 40%）",
    ("number: 1", "number: 010"): "number: “010”不是正整数（应为 1、2、3……）",  # not 8
    ("number: 1", "number: 1:00"): "number: “1:00”不是正整数（应为 1、2、3……）",  # not 60
    ("code: P1", 'code: "P1\\n"'): "code: “P1\n”含有字母和数字以外的字符（编码只能由字母和数字组成）",
}


@pytest.mark.parametrize(("old", "new"), NOT_NUMBERS)
def test_what_is_not_a_number_as_written_is_refused(
    old: str, new: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_content(tmp_path / "content")
    edit(tmp_path, P, old, new)
    monkeypatch.chdir(tmp_path)
    with pytest.raises(ContentError) as raised:
        load_catalog(Path("content"))
    line = PROJECT_YAML.splitlines().index(old) + 1
    assert [str(problem) for problem in raised.value.problems] == [f"{P}:{line}: {NOT_NUMBERS[(old, new)]}"]


def test_a_year_is_never_octal(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write_content(tmp_path / "content")
    edit(tmp_path, DEPT, "year: 2024", "year: 03750")  # 2024 in YAML 1.1's octal
    monkeypatch.chdir(tmp_path)
    with pytest.raises(ContentError) as raised:
        load_catalog(Path("content"))
    assert [str(problem) for problem in raised.value.problems] == [
        f"{DEPT}:1: year: “03750”不是年份（应为四位数字，如 2024）"
    ]


def test_a_pipe_named_like_content_is_reported_not_read(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write_content(tmp_path / "content")
    os.mkfifo(tmp_path / FOLDER / "P2.yaml")  # reading it would wait forever
    monkeypatch.chdir(tmp_path)
    with pytest.raises(ContentError) as raised:
        load_catalog(Path("content"))
    assert [str(problem) for problem in raised.value.problems] == [f"{FOLDER}/P2.yaml: 不是普通文件（应为 YAML 文本）"]
