"""The plugin's settings are MkDocs config options: MkDocs checks them as it reads mkdocs.yml, in our words."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
from conftest import copy_project
from mkdocs.config import config_options, load_config
from test_publisher import with_publisher
from test_validation import edit, run_check

from generator.publish.settings import BudgetPluginConfig, PublisherConfig, SettingError
from generator.site.publisher import Publisher

P = "content/2024/203001/13022524P00442P10057D.yaml"


def test_every_setting_is_declared_with_mkdocs_config_options() -> None:
    options = dict(BudgetPluginConfig._schema)
    assert not any(isinstance(option, config_options.Type) and option._type is dict for option in options.values())
    assert isinstance(options["publisher"], config_options.SubConfig)
    assert isinstance(options["indicator_categories"], config_options.DictOfItems)
    fields = [field.name for field in dataclasses.fields(Publisher)]
    assert [key for key, _ in PublisherConfig._schema] == fields
    assert all(isinstance(option, config_options.Optional) for _, option in PublisherConfig._schema)


def test_mkdocs_refuses_a_bad_setting_as_it_reads_mkdocs_yml(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    project = with_publisher(copy_project(tmp_path / "project"), {"police_url": "https://beian.mps.gov.cn/"})
    monkeypatch.chdir(project)
    with pytest.raises(SettingError) as raised:
        load_config("mkdocs.yml")
    assert str(raised.value) == "mkdocs.yml: publisher.police_url 须与 publisher.police（公安机关备案号）一起设置"


def test_settings_read_by_mkdocs_are_typed(tmp_path: Path) -> None:
    project = with_publisher(copy_project(tmp_path / "project"), {"site_code": 1302250000, "icp": " 冀ICP备1号 "})
    plugin = load_config(str(project / "mkdocs.yml")).plugins["budget"]
    assert plugin.config.publisher.site_code == "1302250000"  # shown as written
    assert plugin.config.publisher.icp == "冀ICP备1号"
    assert plugin.config.publisher.sponsor is None
    assert plugin.config.indicator_categories == {}


def test_check_reads_mkdocs_yml_as_mkdocs_does_inherited_settings_included(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "project")
    edit(project, P, "    level2: 数量指标", "    level2: 工作量指标")
    text = (project / "mkdocs.yml").read_text(encoding="utf-8")
    categories = "  - budget:\n      indicator_categories:\n        产出指标: [工作量指标]\n"
    (project / "base.yml").write_text(text.replace("  - budget:\n", categories, 1), encoding="utf-8")
    (project / "mkdocs.yml").write_text("INHERIT: base.yml\n", encoding="utf-8")
    checked = run_check(project)
    assert (checked.returncode, checked.stderr) == (0, "")


def test_check_refuses_the_settings_the_build_refuses(tmp_path: Path) -> None:
    project = with_publisher(copy_project(tmp_path / "project"), {"sponser": "某某县财政局"})
    checked = run_check(project)
    assert (checked.returncode, checked.stderr) == (
        1,
        "mkdocs.yml: publisher.sponser: 未知设置（是否应为 sponsor？）\n",
    )


def test_check_refuses_what_mkdocs_refuses_in_mkdocs_yml(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "project")
    config = project / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8").replace("site_name:", "site_title:", 1), encoding="utf-8")
    checked = run_check(project)
    assert checked.returncode == 1
    assert "Config value 'site_name': Required configuration not provided." in checked.stderr
    assert checked.stderr.endswith("mkdocs.yml: MkDocs 无法读取这份配置（原因见上）\n")
