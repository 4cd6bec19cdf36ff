"""A year published department by department: compared like with like, and saying how complete it is.

Three departments publish 2024; in 2025 only the seed department has published so far.
Its total against three departments' 2024 would read as a two-thirds cut, so the pages
compare the departments published in both years and name the two still missing.
"""

from __future__ import annotations

import csv
import io
import json
import shutil
from dataclasses import replace
from pathlib import Path

import pytest
import two_years as y
from conftest import CONTENT, build_site, copy_project, page_text

from generator.schema.model import Department
from generator.schema.validate import load_catalog
from generator.source.yaml_writer import write_content

#: The two departments copied from the seed: (unit code, name, how many of its projects).
OTHERS = (("203002", "中国共产党乐亭县委员会宣传部", 3), ("203003", "中国共产党乐亭县委员会统战部", 2))


def other_department(seed: Department, code: str, name: str, projects: int) -> Department:
    """The seed department under another unit code and name, with its first projects re-coded."""
    recoded = tuple(replace(p, code=p.code.replace("P00442", f"P{code[-5:]}")) for p in seed.projects[:projects])
    return replace(seed, code=code, name=name, projects=recoded)


def content_with(
    destination: Path, in_2024: tuple[str, ...], in_2025: tuple[str, ...], *, seed_in_2025: bool = True
) -> Path:
    """The seed department in 2024 and 2025 (tests/two_years.py), and the copies named for each year."""
    content = y.content_with_two_years(CONTENT, destination)
    if not seed_in_2025:
        shutil.rmtree(content / str(y.YEAR))
    seed = next(d for d in load_catalog(content).departments if d.year == 2024)
    for code, name, projects in OTHERS:
        department = other_department(seed, code, name, projects)
        if code in in_2024:
            write_content(department, content)
        if code in in_2025:
            write_content(replace(department, year=y.YEAR, published=y.PUBLISHED), content)
    return content


def built(
    tmp_path_factory: pytest.TempPathFactory,
    name: str,
    in_2024: tuple[str, ...],
    in_2025: tuple[str, ...],
    *,
    seed_in_2025: bool = True,
) -> Path:
    content = content_with(tmp_path_factory.mktemp(name) / "content", in_2024, in_2025, seed_in_2025=seed_in_2025)
    return build_site(copy_project(tmp_path_factory.mktemp(f"{name}-project"), content))


ALL = tuple(code for code, _, _ in OTHERS)


@pytest.fixture(scope="module")
def partial(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Three departments in 2024; in 2025 only the seed so far."""
    return built(tmp_path_factory, "partial", ALL, ())


@pytest.fixture(scope="module")
def complete(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Three departments in 2024 and all three in 2025."""
    return built(tmp_path_factory, "complete", ALL, ALL)


def text_of(site: Path, path: str) -> str:
    return " ".join(page_text(site / path).split())


def glance(site: Path, path: str) -> str:
    """The year's overview: from its facts to its department table."""
    text = text_of(site, path)
    return text[text.index("项目预算合计") : text.index("部门 单位编码")]


def read_csv(path: Path) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8-sig"), newline="")))


# --- Pages ---------------------------------------------------------------------------------------

PARTIAL_GLANCE = (
    "项目预算合计 7,300.94 万元 部门 1 个 项目 12 个 绩效指标 72 条 "
    "2025 年已公开 1/3 个部门；尚未公开： 中国共产党乐亭县委员会宣传部 、 中国共产党乐亭县委员会统战部 "
    "（链接为 2024 年的页面）。项目预算合计只含已公开的部门。 "
    "按两年都已公开的 1 个部门比较：比 2024 年增减 -30.86 万元（-0.42%）。 "
    "2025年已公开部门的项目预算（从高到低） 中国共产党乐亭县委员会组织部本级 7,300.94 万元 · 100.00% "
)


def test_an_incomplete_year_compares_only_the_departments_published_in_both_years(partial: Path) -> None:
    for page in ("index.html", "2025/index.html"):
        assert glance(partial, page) == PARTIAL_GLANCE, page
    # Not one department's 2025 against three departments' 2024.
    assert "-13,274.58" not in text_of(partial, "index.html")


def test_the_home_page_links_last_years_departments_not_yet_published(partial: Path) -> None:
    home = (partial / "index.html").read_text(encoding="utf-8")
    assert (
        '<a href="2024/203002/">中国共产党乐亭县委员会宣传部</a>、<a href="2024/203003/">中国共产党乐亭县委员会统战部</a>'
        in home
    )
    year = (partial / "2025/index.html").read_text(encoding="utf-8")
    assert '<a href="../2024/203002/">中国共产党乐亭县委员会宣传部</a>' in year


def test_the_earlier_year_keeps_its_own_total_and_compares_with_nothing(partial: Path) -> None:
    assert glance(partial, "2024/index.html") == (
        "项目预算合计 20,575.52 万元 部门 3 个 项目 18 个 绩效指标 108 条 "
        "2024年各部门项目预算（从高到低） 中国共产党乐亭县委员会组织部本级 7,331.80 万元 · 35.63% "
        "中国共产党乐亭县委员会宣传部 6,626.86 万元 · 32.21% 中国共产党乐亭县委员会统战部 6,616.86 万元 · 32.16% "
    )
    assert "2024年 ：3 个部门，18 个项目，合计 20,575.52 万元" in text_of(partial, "index.html")


def test_a_complete_year_compares_its_totals_without_qualifiers(complete: Path) -> None:
    for page in ("index.html", "2025/index.html"):
        text = glance(complete, page)
        assert text.startswith(
            "项目预算合计 20,544.66 万元 部门 3 个 项目 17 个 绩效指标 102 条 比 2024 年增减 -30.86 万元（-0.15%） "
            "2025 年 3 个部门已全部公开。 2025年各部门项目预算（从高到低） "
        ), page
        assert "/3" not in text and "尚未公开" not in text and "按两年都已公开" not in text


def test_a_new_department_is_left_out_of_the_change_and_counted_apart(tmp_path_factory: pytest.TempPathFactory) -> None:
    site = built(tmp_path_factory, "newcomer", ("203002",), ("203003",))
    assert "2025 年已公开 1/2 个部门，另有 1 个部门为新公开；尚未公开： 中国共产党乐亭县委员会宣传部 " in glance(
        site, "index.html"
    )
    joined = built(tmp_path_factory, "joined", (), ("203003",))
    assert glance(joined, "index.html").startswith(
        "项目预算合计 13,917.80 万元 部门 2 个 项目 14 个 绩效指标 84 条 "
        "2024 年的 1 个部门 2025 年已全部公开，另有 1 个部门为新公开。 "
        "按两年都已公开的 1 个部门比较：比 2024 年增减 -30.86 万元（-0.42%）。 "
        "2025年各部门项目预算（从高到低） "
    )


def test_no_change_without_a_department_published_in_both_years(tmp_path_factory: pytest.TempPathFactory) -> None:
    site = built(tmp_path_factory, "no-overlap", (), ("203003",), seed_in_2025=False)
    assert glance(site, "index.html").startswith(
        "项目预算合计 6,616.86 万元 部门 1 个 项目 2 个 绩效指标 12 条 "
        "2025 年已公开 0/1 个部门，另有 1 个部门为新公开；尚未公开： 中国共产党乐亭县委员会组织部本级 "
        "（链接为 2024 年的页面）。项目预算合计只含已公开的部门。 还没有两年都已公开的部门，暂不与 2024 年比较。 "
    )


# --- Downloads -----------------------------------------------------------------------------------


def test_the_changes_table_compares_a_department_only_with_itself(partial: Path, complete: Path) -> None:
    rows = read_csv(partial / "downloads/all-changes.csv")
    assert {row["department_code"] for row in rows} == {"203001"}  # the others' projects have not ended
    assert {row["period"] for row in rows} == {"2024-2025"}
    rows = read_csv(complete / "downloads/all-changes.csv")
    others = [
        (row["department_code"], row["change_type"], row["change"])
        for row in rows
        if row["department_code"] != "203001"
    ]
    assert others == [("203002", "延续", "0.00")] * 3 + [("203003", "延续", "0.00")] * 2
    package = json.loads((partial / "downloads/datapackage.json").read_text(encoding="utf-8"))
    changes = next(r for r in package["resources"] if r["name"] == "changes")
    assert (
        "只比较同一部门的两个年度：上年公开、本年尚未公开的部门没有本年的行，其项目不算终止；"
        "本表不含全县合计的增减，按年度加总时只含两年都已公开的部门。"
    ) in changes["description"]
