"""Indicator categories are the official ones or the county's own; nothing is published from empty content."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import CONTENT, ROOT, build_site, copy_project
from test_build_errors import run_mkdocs_build
from test_validation import content_copy, edit, run_check

from generator.publish.plugin import BudgetPlugin
from generator.publish.settings import SettingError, load_settings
from generator.schema.categories import OFFICIAL, with_county
from generator.schema.ids import level2_slug
from generator.schema.problems import ContentError
from generator.schema.validate import load_catalog

P = "content/2024/203001/13022524P00442P10057D.yaml"
HINT = "本县自设的类别请加入 mkdocs.yml 中 budget 插件的 indicator_categories 设置"
EMPTY = "content: 没有任何部门和项目（应有 <年度>/<单位编码>/department.yaml），不生成网站"


def problems(root: Path, categories: dict = OFFICIAL) -> list[str]:
    with pytest.raises(ContentError) as raised:
        load_catalog(root / "content", categories)
    return [str(problem).replace(f"{root}/", "") for problem in raised.value.problems]


def test_the_seed_uses_only_official_categories() -> None:
    catalog = load_catalog(CONTENT)
    used = {(row.level1, row.level2) for _, project in catalog.projects for row in project.indicators}
    assert all(level2 in OFFICIAL[level1] for level1, level2 in used)


def test_a_typo_in_a_level1_category_is_reported_with_the_official_names(tmp_path: Path) -> None:
    content_copy(tmp_path)
    edit(tmp_path, P, "    level1: 产出指标\n    level2: 数量指标", "    level1: 产出指票\n    level2: 数量指标")
    assert problems(tmp_path) == [
        f"{P}:21: indicators[0].level1: “产出指票”不是规定的一级指标（应为 产出指标、效益指标、满意度指标、成本指标；{HINT}）"
    ]


def test_a_level2_category_outside_its_level1_is_reported(tmp_path: Path) -> None:
    content_copy(tmp_path)
    edit(tmp_path, P, "    level2: 数量指标", "    level2: 数量指票")
    assert problems(tmp_path) == [
        f"{P}:22: indicators[0].level2: “数量指票”不是产出指标下规定的二级指标（应为 数量指标、质量指标、时效指标、成本指标；{HINT}）"
    ]


def test_the_2021_layout_with_cost_as_a_level1_category_is_accepted(tmp_path: Path) -> None:
    content_copy(tmp_path)
    edit(tmp_path, P, "    level1: 产出指标\n    level2: 成本指标", "    level1: 成本指标\n    level2: 经济成本指标")
    project = load_catalog(tmp_path / "content").departments[0].projects[0]
    assert [row.level2 for row in project.indicators if row.level1 == "成本指标"] == ["经济成本指标"]
    assert level2_slug("经济成本指标") == "economic-cost"  # its rows' anchors say what they are


def test_a_county_adds_its_own_categories_in_mkdocs_yml(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "project")
    edit(project, P, "    level2: 数量指标", "    level2: 工作量指标")
    config = project / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    assert "  - budget\n" in text or "  - budget:\n" in text
    config.write_text(
        text.replace("  - budget:\n", "  - budget:\n      indicator_categories:\n        产出指标: [工作量指标]\n", 1),
        encoding="utf-8",
    )
    settings = load_settings(config)
    assert settings is not None
    assert with_county(settings.indicator_categories)["产出指标"] == (
        "数量指标",
        "质量指标",
        "时效指标",
        "成本指标",
        "工作量指标",
    )
    checked = run_check(project)
    assert checked.returncode == 0, checked.stderr
    site = build_site(project)
    assert "工作量指标" in (site / "2024/203001/13022524P00442P10057D/index.html").read_text(encoding="utf-8")


MALFORMED = (
    "mkdocs.yml: budget 插件的 indicator_categories 应为“一级指标: [二级指标, …]”的键值表，"
    "如 indicator_categories: {产出指标: [数量指标]}"
)


@pytest.mark.parametrize(
    "setting", [{"产出指标": "工作量指标"}, ["产出指标"], {"产出指标": [1]}, {"产出指标": None}, {1: ["工作量指标"]}]
)
def test_a_malformed_category_setting_is_named(
    setting: object, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    with pytest.raises(SettingError) as error:
        BudgetPlugin().load_config({"indicator_categories": setting}, str(tmp_path / "mkdocs.yml"))
    assert str(error.value) == MALFORMED


def test_a_malformed_category_setting_stops_the_build_and_the_check(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "project")
    config = project / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    config.write_text(
        text.replace("  - budget:\n", "  - budget:\n      indicator_categories:\n        产出指标: 工作量指标\n", 1),
        encoding="utf-8",
    )
    built = run_mkdocs_build(project)
    assert built.returncode != 0
    assert MALFORMED in built.stderr
    assert "Traceback" not in built.stderr
    assert not (project / "site").exists()
    checked = run_check(project)
    assert (checked.returncode, checked.stderr) == (1, MALFORMED + "\n")


def write_config(tmp_path: Path, text: str) -> Path:
    """A site's mkdocs.yml with these lines after its name (MkDocs requires a name and a docs/ folder)."""
    (tmp_path / "docs").mkdir(exist_ok=True)
    config = tmp_path / "mkdocs.yml"
    config.write_text("site_name: 某某县\n" + text, encoding="utf-8")
    return config


def categories_of(config: Path) -> dict[str, tuple[str, ...]]:
    settings = load_settings(config)
    return with_county(settings.indicator_categories if settings else {})


def test_categories_are_read_from_mkdocs_yml_whatever_its_tags_and_plugin_layout(tmp_path: Path) -> None:
    assert categories_of(ROOT / "mkdocs.yml") == OFFICIAL  # its !ENV tags are no obstacle
    as_mapping = "site_url: !ENV [SITE_URL, '']\nplugins:\n  search: {}\n  budget:\n    indicator_categories:\n"
    assert categories_of(write_config(tmp_path, as_mapping + "      管理指标: [制度建设指标]\n")) == {
        **OFFICIAL,
        "管理指标": ("制度建设指标",),
    }
    assert categories_of(write_config(tmp_path, as_mapping)) == OFFICIAL  # left blank, as MkDocs reads it
    assert categories_of(write_config(tmp_path, "plugins:\n  - search\n  - budget\n")) == OFFICIAL
    assert load_settings(write_config(tmp_path, "plugins:\n  - search\n")) is None  # a site without the plugin


def test_an_unreadable_mkdocs_yml_is_named_with_its_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    config = write_config(tmp_path, "plugins:\n  - budget:\n      indicator_categories: [\n")
    with pytest.raises(SettingError) as error:
        load_settings(config)
    assert str(error.value) == (
        "mkdocs.yml:5: YAML 语法错误：expected the node content, but found '<stream end>'（请检查缩进、冒号、引号和括号）"
    )


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("  dec: 100  # 12月底\n", f"{P}:14: plan.dec: 缺少字段（应填写12月底；原表为空时也应写出 dec: 并留空）"),
        (
            "  other:  # 其他资金\n",
            f"{P}:9: budget.other: 缺少字段（应填写其他资金；原表为空时也应写出 other: 并留空）",
        ),
    ],
)
def test_a_cell_that_may_be_blank_is_reported_when_its_line_is_left_out(
    line: str, expected: str, tmp_path: Path
) -> None:
    content_copy(tmp_path)
    edit(tmp_path, P, line, "")
    assert problems(tmp_path) == [expected]


def test_a_blank_plan_point_is_accepted(tmp_path: Path) -> None:
    content_copy(tmp_path)
    edit(tmp_path, P, "  dec: 100  # 12月底", "  dec:  # 12月底")
    project = load_catalog(tmp_path / "content").departments[0].projects[0]
    assert project.plan.dec is None


def test_a_department_without_projects_is_refused(tmp_path: Path) -> None:
    content_copy(tmp_path)
    for path in (tmp_path / "content/2024/203001").glob("1*.yaml"):
        path.unlink()
    assert problems(tmp_path) == [
        "content/2024/203001/department.yaml: 部门目录中没有任何项目文件（应至少有一个 <项目编码>.yaml）"
    ]


def test_empty_content_is_refused_and_the_published_site_stays(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "project")
    site = build_site(project)
    published = {p: p.read_bytes() for p in sorted(site.rglob("*")) if p.is_file()}
    for path in (project / "content").rglob("*.yaml"):
        path.unlink()
    result = run_mkdocs_build(project)
    assert result.returncode != 0
    assert f"{EMPTY}\n内容有 1 处错误，未生成网站。" in result.stderr
    assert {p: p.read_bytes() for p in sorted(site.rglob("*")) if p.is_file()} == published
    # No staging folder left; the forms the good build kept stay for the next.
    assert [p.name for p in project.iterdir() if p.name.startswith(".site") and p.name != ".site.cache"] == []
    checked = run_check(project)
    assert (checked.returncode, checked.stderr) == (1, f"{EMPTY}\n内容有 1 处错误，未生成网站。\n")


def test_a_content_folder_without_any_file_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "content").mkdir()
    monkeypatch.chdir(tmp_path)
    with pytest.raises(ContentError) as raised:
        load_catalog(Path("content"))
    assert [str(problem) for problem in raised.value.problems] == [EMPTY]
