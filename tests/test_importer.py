"""The importer reads the Word export exactly, and content/ is its committed output."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from conftest import ROOT, SEED

from generator.importer import parse_seed, write_content
from generator.validate import load_catalog


def test_content_holds_every_cell_of_the_reparsed_seed() -> None:
    imported = parse_seed(SEED)
    department = load_catalog(ROOT / "content").departments[0]
    assert (department.year, department.code, department.name, department.money_unit) == (
        2024,
        "203001",
        "中国共产党乐亭县委员会组织部本级",
        "万元",
    )
    assert len(imported.projects) == len(department.projects) == 13
    for source, loaded in zip(imported.projects, department.projects):
        data = source.data
        assert (loaded.code, loaded.name, loaded.number) == (data["code"], data["name"], data["number"])
        assert (loaded.budget.total, loaded.budget.fiscal, loaded.budget.other) == tuple(data["budget"].values())
        assert (loaded.plan.mar, loaded.plan.jun, loaded.plan.oct, loaded.plan.dec) == tuple(data["plan"].values())
        assert (loaded.purpose, loaded.goal) == (data["purpose"], data["goal"])
        rows = [
            (i.id, i.level1, i.level2, i.level3, i.description, i.value, i.basis) for i in loaded.indicators
        ]
        assert rows == [tuple(row.values()) for row in data["indicators"]]


def test_department_goals_are_imported_word_for_word() -> None:
    department = load_catalog(ROOT / "content").departments[0]
    assert len(department.overall_goals.items) == 8
    assert len(department.itemized_goals.items) == 10
    assert len(department.safeguards.items) == 3
    assert department.overall_goals.intro.startswith("我单位将紧紧围绕全年目标任务")
    assert department.itemized_goals.items[5].endswith("建设“两新”党建阵地和党建示范点（带）,围绕建党100周年开展系列活动。")


def test_amounts_stay_exact_decimals() -> None:
    department = load_catalog(ROOT / "content").departments[0]
    first = department.projects[0]
    assert first.budget.total == Decimal("4916.86") and str(first.budget.total) == "4916.86"
    assert str(department.projects[1].budget.total) == "1700.00"
    assert department.total == Decimal("7331.80")
    assert first.budget.other is None  # blank in the form


def test_odd_cells_are_kept_as_published() -> None:
    department = load_catalog(ROOT / "content").departments[0]
    by_code = {p.code: p for p in department.projects}
    assert by_code["13022524P00442P10054J"].indicators[2].value == "2024年底前完成%"
    assert by_code["13022524P00442P10059L"].goal == "1.\n对全县非公企业及社会组织书记和党务工作者开展教育培训"
    blank_plan = by_code["13022524P00442P10051P"].plan
    assert (blank_plan.mar, blank_plan.jun, blank_plan.oct, blank_plan.dec) == (None, None, None, Decimal(100))
    assert by_code["13022524P00442P10063T"].indicators[1].level1 == "产出指标"  # no [bookmark: _GoBack]


def test_committed_content_is_exactly_what_the_importer_writes(tmp_path: Path) -> None:
    written = write_content(parse_seed(SEED), tmp_path)
    for path in written:
        committed = ROOT / "content" / path.relative_to(tmp_path)
        assert committed.read_text(encoding="utf-8") == path.read_text(encoding="utf-8"), committed
