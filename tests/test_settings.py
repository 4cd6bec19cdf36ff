"""The plugin's settings are MkDocs config options: MkDocs checks them as it reads mkdocs.yml, in our words."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
from conftest import copy_project
from mkdocs.config import config_options, load_config
from test_publisher import with_publisher

from generator.publish.settings import BudgetPluginConfig, PublisherConfig, SettingError
from generator.site.publisher import Publisher


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
