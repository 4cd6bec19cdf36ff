"""Two years of the seed department: what changed, shown on every page and carried in the downloads."""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
import two_years as y
from conftest import CONTENT, page_text

from generator.schema.problems import ContentError
from generator.schema.validate import load_catalog
from generator.site.history import History, indicator_changes

DEPARTMENT = "2025/203001/index.html"


@pytest.fixture(scope="module")
def content(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return y.content_with_two_years(CONTENT, tmp_path_factory.mktemp("two-years") / "content")


@pytest.fixture(scope="module")
def site(two_year_site: Path) -> Path:
    return two_year_site


def text_of(site: Path, path: str) -> str:
    return " ".join(page_text(site / path).split())


def section(text: str, start: str, end: str) -> str:
    return text[text.index(start) : text.index(end, text.index(start))]


# --- Which project continues which ---------------------------------------------------------------


def test_a_project_continues_by_its_code_else_by_continues_else_by_its_name(content: Path) -> None:
    catalog = load_catalog(content)
    changes = History(catalog).department_changes(catalog.departments_of(2025)[0])
    how = {
        (c.previous.code if c.previous else None, c.project.code if c.project else None): c.matched_by
        for c in changes.all
    }
    assert how[(y.RECODED_OLD, y.RECODED_NEW)] == "name"
    assert how[(y.RENAMED_OLD, y.RENAMED_NEW)] == "continues"
    assert how[(y.BASIC_PAY, y.BASIC_PAY)] == "code"
    assert {c.project.code for c in changes.new} == {y.ADDED}
    assert {c.previous.code for c in changes.ended} == set(y.DROPPED)
    assert len(changes.continuing) == 13 - 2 == 11
    # Largest change first, whatever its sign.
    assert [c.budget.amount for c in changes.continuing[:3]] == [Decimal("-200.00"), Decimal("183.14"), 0]
    assert changes.total.before == Decimal("7331.80")
    assert changes.total.after == Decimal("7331.80") - 44 - 200 + Decimal("183.14") + 30


def test_indicators_are_matched_by_their_three_levels() -> None:
    catalog = load_catalog(CONTENT)
    (department,) = catalog.departments
    before = next(p for p in department.projects if p.code == y.VISITS)
    after = y._next_year(before)
    rows = indicator_changes(after.indicators, before.indicators)
    assert [(r.status, (r.indicator or r.previous).level3) for r in rows[:4]] == [
        ("调整", "建国前农村老党员和未享受离退休待遇城镇老党员人数"),
        ("新增", "慰问金发放到位率"),
        ("取消", "提升老党员生活水平"),  # right after the last row of its 二级指标
        ("未变", "完成时间"),
    ]
    assert (rows[0].previous.value, rows[0].indicator.value) == ("69人", "65人")
    assert len(rows) == len(before.indicators) + 1


# --- Pages ---------------------------------------------------------------------------------------


def test_home_page_shows_the_newest_year_at_a_glance_and_links_every_earlier_year(site: Path) -> None:
    text = text_of(site, "index.html")
    glance = section(text, "2025年概览", "往年")
    assert "项目预算合计 7,300.94 万元 部门 1 个 项目 12 个" in glance
    assert "比 2024 年增减 -30.86 万元（-0.42%）" in glance
    assert "2025年各部门项目预算（从高到低） 中国共产党乐亭县委员会组织部本级 7,300.94 万元 · 100.00%" in glance
    assert "中国共产党乐亭县委员会组织部本级 203001 12 7,300.94 7,331.80 -30.86 -0.42%" in glance
    assert "2024年 ：1 个部门，13 个项目，合计 7,331.80 万元" in section(text, "往年", "什么是绩效目标表")
    source = (site / "index.html").read_text(encoding="utf-8")
    assert '<a href="2024/">2024年</a>' in source
    assert '<form class="bp-search-form" role="search" action="./"' in source


def test_each_year_keeps_its_page_and_its_own_overview(site: Path) -> None:
    earlier = text_of(site, "2024/index.html")
    assert "项目预算合计 7,331.80 万元 部门 1 个 项目 13 个 绩效指标 78 条" in earlier
    assert "比 " not in earlier.split("概览")[1].split("各部门")[0]  # nothing before 2024 to compare with
    assert "其他年度： 2025年" in earlier
    newer = text_of(site, "2025/index.html")
    assert "项目预算合计 7,300.94 万元" in newer and "其他年度： 2024年" in newer
    for path in (
        "2024/203001/index.html",
        f"2024/203001/{y.RECODED_OLD}/index.html",
        f"2025/203001/{y.ADDED}/index.html",
    ):
        assert (site / path).is_file(), path


def test_department_page_says_what_changed_since_last_year(site: Path) -> None:
    text = text_of(site, DEPARTMENT)
    assert "比 2024 年增减 -30.86 万元（-0.42%）" in text
    assert "本部门各年度： 2024年 、 2025年（本页）" in text
    summary = section(text, "与 2024 年比较", "延续项目 ¶")
    assert "项目预算合计从 7,331.80 万元变为 7,300.94 万元，增减 -30.86 万元（-0.42%）" in summary
    assert "延续项目 11 个，新增 1 个，上年有、本年没有的 2 个" in summary
    continuing = section(text, "按预算增减金额从大到小排列", "新增项目")
    assert continuing.index("村干部绩效补贴 1,700.00 1,500.00 -200.00 -11.76%") < continuing.index(
        "村干部基础职务补贴 4,916.86 5,100.00 +183.14 +3.72%"
    )
    assert f"人才发展专项经费 （上年：人才工作专项经费，编码 {y.RENAMED_OLD}） 100.00 100.00 0.00 0.00%" in continuing
    assert f"考核工作经费及奖励经费 （上年：编码 {y.RECODED_OLD}） 400.00 400.00 0.00 0.00%" in continuing
    assert f"党员教育新媒体平台建设经费 {y.ADDED} 30.00" in section(text, "新增项目", "上年有、本年没有的项目")
    ended = section(text, "上年有、本年没有的项目 ¶", "部门整体绩效目标")
    assert (
        "远程教育网络使用、维修费 13022524P00442P10053Y 40.00 组织史征编工作专项经费 13022524P00442P10061K 4.00"
        in ended
    )
    source = (site / DEPARTMENT).read_text(encoding="utf-8")
    assert '<a href="../../2024/203001/13022524P00442P10053Y/">远程教育网络使用、维修费</a>' in source


def test_a_continuing_projects_page_shows_its_budget_by_year_and_links_every_year(site: Path) -> None:
    text = text_of(site, f"2025/203001/{y.BASIC_PAY}/index.html")
    assert "比 2024 年增减 +183.14 万元（+3.72%）" in text
    assert "本项目各年度： 2024年 、 2025年（本页）" in text
    chart = section(text, "本项目各年度预算数（万元）", "年度 预算数")
    assert chart == "本项目各年度预算数（万元） 4,916.86 2024年 5,100.00 2025年 （本页） "
    table = section(text, "年度 预算数（万元） 比上年增减 增减幅度", "绩效指标与 2024 年比较")
    assert "2024年 4,916.86 — — 2025年 5,100.00 +183.14 +3.72%" in table
    earlier = text_of(site, f"2024/203001/{y.BASIC_PAY}/index.html")
    assert "本项目各年度： 2024年（本页） 、 2025年" in earlier and "比上年增减" in earlier
    renamed = (site / f"2025/203001/{y.RENAMED_NEW}/index.html").read_text(encoding="utf-8")
    assert f'<a href="../../../2024/203001/{y.RENAMED_OLD}/">2024年</a>' in renamed


def test_a_continuing_projects_indicators_sit_beside_last_years(site: Path) -> None:
    text = text_of(site, f"2025/203001/{y.VISITS}/index.html")
    table = section(text, "绩效指标与 2024 年比较", "如何阅读本页")
    assert "指标值调整 1 条，新增 1 条，取消 1 条，未变 4 条" in table
    assert "数量指标 建国前农村老党员和未享受离退休待遇城镇老党员人数 69人 65人 指标值调整" in table
    assert "质量指标 慰问金发放到位率 — 100% 新增" in table
    assert "质量指标 提升老党员生活水平 ≥80% — 取消" in table
    assert "时效指标 完成时间 2024年底前完成 2024年底前完成 未变" in table


def test_a_new_project_and_a_single_year_show_no_comparison(site: Path) -> None:
    new = text_of(site, f"2025/203001/{y.ADDED}/index.html")
    assert "历年预算" not in new and "与 2024 年比较" not in new and "本项目各年度" not in new
    dropped = text_of(site, f"2024/203001/{y.DROPPED[0]}/index.html")
    assert "本项目各年度" not in dropped


# --- Downloads -----------------------------------------------------------------------------------


def read_csv(path: Path) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8-sig"), newline="")))


def test_the_changes_table_has_a_row_per_project_and_joins_the_data_package(site: Path) -> None:
    rows = read_csv(site / "downloads/all-changes.csv")
    assert len(rows) == 11 + 1 + 2
    by_codes = {(row["previous_project_code"], row["project_code"]): row for row in rows}
    assert by_codes[(y.PERFORMANCE_PAY, y.PERFORMANCE_PAY)] == {
        "period": "2024-2025",
        "department_code": "203001",
        "change_type": "延续",
        "matched_by": "code",
        "project_name": "村干部绩效补贴",
        "year": "2025",
        "project_code": y.PERFORMANCE_PAY,
        "budget": "1500.00",
        "previous_year": "2024",
        "previous_project_code": y.PERFORMANCE_PAY,
        "previous_budget": "1700.00",
        "change": "-200.00",
        "change_percent": "-11.76",
    }
    new, ended = by_codes[("", y.ADDED)], by_codes[(y.DROPPED[1], "")]
    assert (new["change_type"], new["period"], new["year"], new["previous_year"], new["previous_budget"]) == (
        "新增",
        "2024-2025",
        "2025",
        "",
        "",
    )
    assert (ended["change_type"], ended["year"], ended["previous_year"], ended["budget"]) == ("终止", "", "2024", "")
    assert by_codes[(y.RENAMED_OLD, y.RENAMED_NEW)]["matched_by"] == "continues"
    projects = read_csv(site / "downloads/all-projects.csv")
    assert {row["year"] for row in projects} == {"2024", "2025"} and len(projects) == 13 + 12
    assert next(row for row in projects if row["project_code"] == y.RENAMED_NEW)["continues"] == y.RENAMED_OLD
    package = json.loads((site / "downloads/datapackage.json").read_text(encoding="utf-8"))
    changes = next(r for r in package["resources"] if r["name"] == "changes")
    assert changes["schema"]["foreignKeys"] == [
        {"fields": ["year", "project_code"], "reference": {"resource": "projects", "fields": ["year", "project_code"]}},
        {
            "fields": ["previous_year", "previous_project_code"],
            "reference": {"resource": "projects", "fields": ["year", "project_code"]},
        },
    ]
    sheet = openpyxl.load_workbook(site / "downloads/all.xlsx")["与上年比较"]
    assert sheet.max_row == len(rows) + 1


def test_the_data_package_with_the_changes_table_passes_frictionless_validation(site: Path) -> None:
    frictionless = pytest.importorskip("frictionless")
    report = frictionless.Package(str(site / "downloads/datapackage.json")).validate()
    assert report.valid, report.flatten(["type", "note"])[:5]


# --- Content that says which project it continues ------------------------------------------------


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")


def refused(content: Path, copy: Path, *edits: tuple[str, str, str]) -> list[tuple[str, int | None, str, str]]:
    """The problems of a copy of `content` with each (file, old text, new text) edit made."""
    shutil.copytree(content, copy)
    for name, old, new in edits:
        _edit(copy / name, old, new)
    with pytest.raises(ContentError) as raised:
        load_catalog(copy)
    return [(p.path.name, p.line, p.field, p.message) for p in raised.value.problems]


def test_continues_must_name_one_of_last_years_projects(content: Path, tmp_path: Path) -> None:
    renamed = f"2025/203001/{y.RENAMED_NEW}.yaml"
    problems = refused(content, tmp_path / "content", (renamed, f"continues: {y.RENAMED_OLD}", "continues: X99"))
    assert problems == [
        (f"{y.RENAMED_NEW}.yaml", 8, "continues", "2024 年本部门没有编码为 X99 的项目（应为上年项目编码之一）")
    ]


def test_a_project_of_last_year_is_continued_once(content: Path, tmp_path: Path) -> None:
    added = f"2025/203001/{y.ADDED}.yaml"
    problems = refused(content, tmp_path / "content", (added, "name:", f"continues: {y.RENAMED_OLD}\nname:"))
    assert problems == [
        (
            f"{y.ADDED}.yaml",
            6,
            "continues",
            f"2024 年的项目 {y.RENAMED_OLD} 已由 {tmp_path}/content/2025/203001/{y.RENAMED_NEW}.yaml 延续"
            + "（每个上年项目只能延续一次）",
        )
    ]


def test_continues_in_a_departments_first_year_is_refused(tmp_path: Path) -> None:
    visits = f"2024/203001/{y.VISITS}.yaml"
    problems = refused(CONTENT, tmp_path / "content", (visits, "name:", f"continues: {y.BASIC_PAY}\nname:"))
    assert [problem[:3] for problem in problems] == [(f"{y.VISITS}.yaml", 6, "continues")]
    assert problems[0][3] == f"本部门在 2024 年以前没有数据，无从延续项目 {y.BASIC_PAY}（应删去此项）"


def test_every_department_uses_one_money_unit(content: Path, tmp_path: Path) -> None:
    problems = refused(
        content, tmp_path / "content", ("2024/203001/department.yaml", "money_unit: 万元", "money_unit: 元")
    )
    ((name, line, field, message),) = problems
    assert (name, field) == ("department.yaml", "money_unit") and line is not None
    assert re.search(r"^“元”与 .*2025/203001/department.yaml 的“万元”不同（全站应使用同一金额单位", message)
