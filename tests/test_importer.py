"""The text-export reader reads the Word export exactly, and content/ is what `import` writes of it."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal
from pathlib import Path

import pytest
from conftest import CONTENT, SEED

from generator.schema.validate import load_catalog
from generator.source.readers import ReadError, read_document
from generator.source.yaml_writer import write_content

DEPARTMENT = load_catalog(CONTENT).departments[0]


def test_content_holds_exactly_the_model_the_reader_makes_of_the_seed() -> None:
    imported = read_document(SEED).department
    assert (DEPARTMENT.year, DEPARTMENT.code, DEPARTMENT.name, DEPARTMENT.money_unit) == (
        2024,
        "203001",
        "中国共产党乐亭县委员会组织部本级",
        "万元",
    )
    assert len(imported.projects) == 13
    # Model objects compare every declared field (not where they were read from); no form has a 发布日期.
    assert imported == replace(DEPARTMENT, published=None)


def test_department_goals_are_imported_word_for_word() -> None:
    assert len(DEPARTMENT.goals.overall.items) == 8
    assert len(DEPARTMENT.goals.itemized.items) == 10
    assert len(DEPARTMENT.goals.safeguards.items) == 3
    assert DEPARTMENT.goals.overall.intro.startswith("我单位将紧紧围绕全年目标任务")
    assert DEPARTMENT.goals.itemized.intro is None
    assert DEPARTMENT.goals.itemized.items[5].endswith(
        "建设“两新”党建阵地和党建示范点（带）,围绕建党100周年开展系列活动。"
    )


def test_amounts_stay_exact_decimals() -> None:
    first = DEPARTMENT.projects[0]
    assert first.budget.total == Decimal("4916.86") and str(first.budget.total) == "4916.86"
    assert str(DEPARTMENT.projects[1].budget.total) == "1700.00"
    assert DEPARTMENT.total == Decimal("7331.80")
    assert first.budget.other is None  # blank in the form


def test_odd_cells_are_kept_as_published() -> None:
    by_code = {p.code: p for p in DEPARTMENT.projects}
    assert by_code["13022524P00442P10054J"].indicators[2].value == "2024年底前完成%"
    assert by_code["13022524P00442P10059L"].goal == "1.\n对全县非公企业及社会组织书记和党务工作者开展教育培训"
    blank_plan = by_code["13022524P00442P10051P"].plan
    assert (blank_plan.mar, blank_plan.jun, blank_plan.oct, blank_plan.dec) == (None, None, None, Decimal(100))
    assert by_code["13022524P00442P10063T"].indicators[1].level1 == "产出指标"  # no [bookmark: _GoBack]


def test_committed_content_is_exactly_what_the_importer_writes(tmp_path: Path) -> None:
    written = write_content(replace(read_document(SEED).department, published=DEPARTMENT.published), tmp_path)
    assert len(written) == 14
    for path in written:
        committed = CONTENT / path.relative_to(tmp_path)
        assert committed.read_text(encoding="utf-8") == path.read_text(encoding="utf-8"), committed


def with_optional_fields(tmp_path: Path) -> Path:
    """The seed as another county's form would have it: 实施单位 and 项目属性 rows in the first table."""
    text = SEED.read_text(encoding="utf-8")
    first_code_row = "\t项目编码\n\t13022524P00442P10057D\n\t项目名称\n\t村干部基础职务补贴\n\n"
    assert first_code_row in text
    extra = "\t实施单位\n\t乐亭县 委组织部\n\t项目属性\n\t延续项目\n\n"
    source = tmp_path / "form.txt"
    source.write_text(text.replace(first_code_row, first_code_row + extra, 1), encoding="utf-8")
    return source


def test_optional_fields_of_a_form_are_read_and_written_when_present(tmp_path: Path) -> None:
    department = replace(read_document(with_optional_fields(tmp_path)).department, published=DEPARTMENT.published)
    first, second = department.projects[:2]
    assert (first.implementing_unit, first.attribute) == ("乐亭县 委组织部", "延续")
    assert (second.implementing_unit, second.attribute) == (None, None)
    write_content(department, tmp_path / "content")
    text = (tmp_path / "content/2024/203001/13022524P00442P10057D.yaml").read_text(encoding="utf-8")
    assert "implementing_unit: 乐亭县 委组织部  # 实施单位\nattribute: 延续  # 项目属性\n" in text
    assert "implementing_unit" not in (tmp_path / "content/2024/203001/13022524P00442P10063T.yaml").read_text()
    assert load_catalog(tmp_path / "content").departments[0] == department


def test_a_file_of_an_unknown_kind_is_refused_naming_what_can_be_imported(tmp_path: Path) -> None:
    pdf = tmp_path / "部门.pdf"
    pdf.write_bytes(b"%PDF-1.7")
    with pytest.raises(ReadError, match=r"部门\.pdf: 不能导入 \.pdf 文件（可导入：\.docx、\.xlsx、\.txt）"):
        read_document(pdf)
