"""Every kind of bad content is reported, all at once, as `path:line: field: what is wrong (expected)`."""

from __future__ import annotations

import gc
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import CONTENT

from generator.schema.load import collector_paused
from generator.schema.problems import ContentError
from generator.schema.validate import load_catalog

P = "content/2024/203001/13022524P00442P10057D.yaml"
DEPT = "content/2024/203001/department.yaml"


def content_copy(root: Path) -> Path:
    shutil.copytree(CONTENT, root / "content")
    return root


def edit(root: Path, relative: str, old: str, new: str) -> None:
    path = root / relative
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {relative}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def problems_of(root: Path) -> list[str]:
    with pytest.raises(ContentError) as raised:
        load_catalog(Path("content"))
    assert raised.value.report().endswith(f"内容有 {len(raised.value.problems)} 处错误，未生成网站。")
    return [str(problem) for problem in raised.value.problems]


BAD_PROJECT_EDITS = {
    "yaml syntax error": (
        "  total: 4916.86  # 预算数",
        "  total: [4916.86",
        [f"{P}:10: YAML 语法错误：expected ',' or ']', but got ':'（请检查缩进、冒号、引号和括号）"],
    ),
    "duplicate key": (
        "name: 村干部基础职务补贴  # 项目名称",
        "name: 村干部基础职务补贴\nname: 另一个名字",
        [f"{P}:7: name: 键重复（第 6 行已有同名键，每个键只能出现一次）"],
    ),
    "wrong type: number": (
        "number: 1  #",
        "number: 一  #",
        [f"{P}:7: number: “一”不是正整数（应为 1、2、3……）"],
    ),
    "wrong type: text": (
        "purpose: 用于发入村干部基础职务补贴  # 资金用途",
        "purpose: 123",
        [f"{P}:12: purpose: 应为文字，实际为数字 123（如需原样保存数字或 yes/no，请加引号）"],
    ),
    "yes read as a boolean": (
        "    value: ≥100%\n    basis: 县委县政府安排\n  - id: quality-1",
        "    value: yes\n    basis: 县委县政府安排\n  - id: quality-1",
        [f"{P}:25: indicators[0].value: 应为文字，实际为布尔值 true（如需原样保存数字或 yes/no，请加引号）"],
    ),
    "amount not a decimal": (
        "  total: 4916.86",
        "  total: 4916.8.6",
        [f"{P}:9: budget.total: “4916.8.6”不是金额（应为精确小数，如 4916.86）"],
    ),
    "negative amount": (
        "  fiscal: 4916.86",
        "  fiscal: -4916.86",
        [f"{P}:10: budget.fiscal: -4916.86 是负数（金额应大于或等于 0）"],
    ),
    "amount with too many decimal places": (
        "  total: 4916.86",
        "  total: 4916.8600001",
        [f"{P}:9: budget.total: 4916.8600001 不是精确小数（应为不超过 6 位小数的普通写法，如 4916.86）"],
    ),
    "total is not fiscal plus other": (
        "  total: 4916.86",
        "  total: 4916.87",
        [f"{P}:9: budget.total: 4916.87 不等于财政资金 4916.86 加其他资金 0（应为 4916.86）"],
    ),
    "plan point over 100": (
        "  mar: 20",
        "  mar: 120",
        [f"{P}:14: plan.mar: 120 超出范围（应为 0 到 100 之间的累计百分比）"],
    ),
    "plan point decreasing": (
        "  oct: 60",
        "  oct: 30",
        [f"{P}:16: plan.oct: 10月底累计 30% 小于前一时点的 40%（累计百分比不能减少）"],
    ),
    "missing project code": (
        "code: 13022524P00442P10057D  # 项目编码\n",
        "",
        [f"{P}:5: code: 缺少必填字段（应填写项目编码）"],
    ),
    "unknown field (typo)": (
        "budget:  # 预算规模",
        "budgt:  # 预算规模",
        [f"{P}:5: budget: 缺少必填字段（应填写预算规模）", f"{P}:8: budgt: 未知字段（是否应为 budget？）"],
    ),
    "unknown indicator field": (
        "    value: ≥100%\n    basis: 县委县政府安排\n  - id: quality-1",
        "    vaule: ≥100%\n    basis: 县委县政府安排\n  - id: quality-1",
        [
            f"{P}:20: indicators[0].value: 缺少必填字段（应填写指标值）",
            f"{P}:25: indicators[0].vaule: 未知字段（是否应为 value？）",
        ],
    ),
    "empty required text": (
        "name: 村干部基础职务补贴  # 项目名称",
        "name: ''",
        [f"{P}:6: name: 不能为空（应填写文字）"],
    ),
    "blank indicator cell": (
        "    level3: 经费足额拨付率",
        "    level3: ' '",
        [f"{P}:30: indicators[1].level3: 不能为空（应填写文字）"],
    ),
    "project attribute not one of its choices": (
        "number: 1  # 序号",
        "number: 1  # 序号\nattribute: 新建",
        [f"{P}:8: attribute: “新建”不是可选的值（应为 新增、延续 之一）"],
    ),
    "no indicator rows": (
        "indicators:  #",
        "indicators: []\nold_indicators:  #",
        [
            f"{P}:19: indicators: 应为至少一行的绩效指标列表，实际为列表",
            f"{P}:20: old_indicators: 未知字段（是否应为 indicators？）",
        ],
    ),
    "duplicate indicator id": (
        "  - id: quality-1",
        "  - id: quantity-1",
        [f"{P}:27: indicators[1].id: “quantity-1”与 indicators[0] 重复（同一项目内应唯一）"],
    ),
}


@pytest.mark.parametrize("kind", BAD_PROJECT_EDITS)
def test_bad_project_field_is_reported_with_file_line_and_field(
    kind: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    old, new, expected = BAD_PROJECT_EDITS[kind]
    root = content_copy(tmp_path)
    edit(root, P, old, new)
    monkeypatch.chdir(root)
    assert problems_of(root) == expected


def test_project_file_must_be_named_by_its_code(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = content_copy(tmp_path)
    copy = "content/2024/203001/13022524P00442P99999X.yaml"
    shutil.copy(root / P, root / copy)
    monkeypatch.chdir(root)
    assert problems_of(root) == [
        (
            f"{copy}:5: code: “13022524P00442P10057D”与文件名 13022524P00442P99999X.yaml 不一致"
            "（文件应命名为 13022524P00442P10057D.yaml）"
        ),
    ]


def test_project_code_used_twice_in_a_year_is_reported(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = content_copy(tmp_path)
    second = root / "content/2024/203002"
    second.mkdir()
    (second / "department.yaml").write_text(
        (root / DEPT).read_text(encoding="utf-8").replace("code: '203001'", "code: '203002'"), encoding="utf-8"
    )
    shutil.copy(root / P, second / "13022524P00442P10057D.yaml")
    monkeypatch.chdir(root)
    assert problems_of(root) == [
        (
            "content/2024/203002/13022524P00442P10057D.yaml:5: code: 2024 年项目编码 13022524P00442P10057D 与 "
            f"{P} 重复（应唯一）"
        ),
    ]


def test_project_without_a_department_file_is_reported(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = content_copy(tmp_path)
    stray = root / "content/2024/999999"
    stray.mkdir()
    shutil.copy(root / P, stray / "13022524P00442P10057D.yaml")
    monkeypatch.chdir(root)
    assert problems_of(root) == [
        "content/2024/999999/13022524P00442P10057D.yaml: 所在目录没有部门文件 department.yaml（每个部门目录都需要一个）"
    ]


def test_department_year_must_match_its_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = content_copy(tmp_path)
    edit(root, DEPT, "year: 2024", "year: 2023")
    monkeypatch.chdir(root)
    assert problems_of(root) == [f"{DEPT}:4: year: 2023 与所在目录 2024/ 不一致（应相同）"]


BAD_PUBLICATION_DATES = {
    "missing": ("published: 2026-11-24  # 发布日期\n", "", f"{DEPT}:4: published: 缺少必填字段（应填写发布日期）"),
    "no such day": (
        "published: 2026-11-24", "published: 2024-02-30",
        f"{DEPT}:8: published: “2024-02-30”不是日期（应写作 年-月-日，如 2024-02-01）",
    ),
    "a time, not a day": (
        "published: 2026-11-24", "published: 2024-02-03 10:00:00",
        f"{DEPT}:8: published: “2024-02-03 10:00:00”不是日期（应写作 年-月-日，如 2024-02-01）",
    ),
    "written the Chinese way": (
        "published: 2026-11-24", "published: 2024年2月3日",
        f"{DEPT}:8: published: “2024年2月3日”不是日期（应写作 年-月-日，如 2024-02-01）",
    ),
}  # fmt: skip


@pytest.mark.parametrize("kind", BAD_PUBLICATION_DATES)
def test_a_department_needs_its_publication_day(kind: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    old, new, expected = BAD_PUBLICATION_DATES[kind]
    root = content_copy(tmp_path)
    edit(root, DEPT, old, new)
    monkeypatch.chdir(root)
    assert problems_of(root) == [expected]


def test_a_quoted_publication_day_is_read_as_the_day(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = content_copy(tmp_path)
    edit(root, DEPT, "published: 2026-11-24", "published: '2024-02-03'")
    monkeypatch.chdir(root)
    assert str(load_catalog(Path("content")).departments[0].published) == "2024-02-03"


def test_every_problem_in_every_file_is_reported_at_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = content_copy(tmp_path)
    edit(root, P, "  total: 4916.86", "  total: abc")
    edit(root, P, "  oct: 60", "  oct: 30")
    other = "content/2024/203001/13022524P00442P10063T.yaml"
    edit(root, other, "code: 13022524P00442P10063T", "code: 13022524P00442P10063T\ncode: again")
    edit(root, DEPT, "money_unit: 万元", "money_unit: ''")
    monkeypatch.chdir(root)
    assert problems_of(root) == [
        f"{P}:9: budget.total: “abc”不是金额（应为精确小数，如 4916.86）",
        f"{P}:16: plan.oct: 10月底累计 30% 小于前一时点的 40%（累计百分比不能减少）",
        f"{other}:6: code: 键重复（第 5 行已有同名键，每个键只能出现一次）",
        f"{DEPT}:7: money_unit: 不能为空（应填写文字）",
    ]


def run_check(root: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "generator", "check"], cwd=root, capture_output=True, text=True, timeout=120, check=False
    )


def test_check_command_summarises_valid_content(tmp_path: Path) -> None:
    result = run_check(content_copy(tmp_path))
    assert result.returncode == 0
    assert (
        result.stdout
        == "内容校验通过（未生成网站）：1 个部门，13 个项目，78 条绩效指标，年度 2024。生成网站：python -m generator build\n"
    )


def test_check_command_exits_non_zero_listing_every_problem(tmp_path: Path) -> None:
    root = content_copy(tmp_path)
    edit(root, P, "  mar: 20", "  mar: 120")
    edit(root, P, "budget:  # 预算规模", "budgt:  # 预算规模")
    result = run_check(root)
    assert result.returncode == 1
    assert result.stderr.splitlines() == [
        f"{P}:5: budget: 缺少必填字段（应填写预算规模）",
        f"{P}:8: budgt: 未知字段（是否应为 budget？）",
        f"{P}:14: plan.mar: 120 超出范围（应为 0 到 100 之间的累计百分比）",
        "内容有 3 处错误，未生成网站。",
    ]


def test_loading_pauses_the_cycle_collector_and_restores_it_even_on_bad_content(tmp_path: Path) -> None:
    (tmp_path / "2024" / "1").mkdir(parents=True)
    (tmp_path / "2024" / "1" / "department.yaml").write_text("year: [", encoding="utf-8")
    for enabled in (True, False):
        gc.enable() if enabled else gc.disable()
        with pytest.raises(ContentError):
            load_catalog(tmp_path)
        assert gc.isenabled() is enabled
    gc.enable()
    with collector_paused():
        assert not gc.isenabled()
    assert gc.isenabled()


def test_check_command_counts_a_department_published_in_two_years_once(tmp_path: Path) -> None:
    from two_years import content_with_two_years

    content_with_two_years(CONTENT, tmp_path / "content")
    result = run_check(tmp_path)
    assert result.returncode == 0
    assert result.stdout == (
        "内容校验通过（未生成网站）：2 个年度共 1 个部门。"
        "2025 年：1 个部门，12 个项目，72 条绩效指标；2024 年：1 个部门，13 个项目，78 条绩效指标。"
        "生成网站：python -m generator build\n"
    )
