"""The official 一级 and 二级 categories of performance indicators, and a county's own additions.

财预〔2015〕88号《中央部门预算绩效目标管理办法》 sets the indicators' 一级 categories
(产出指标, 效益指标, 满意度指标) and their 二级 ones; 财预〔2021〕101号《中央部门项目支出
核心绩效目标和指标设置及取值指引（试行）》 adds 成本指标 as a 一级 category of its own,
with 经济成本指标, 社会成本指标 and 生态环境成本指标 under it. Forms of either layout are
published, so both are accepted: 成本指标 is a 二级 category of 产出指标 (2015) and a
一级 one (2021). A name outside these sets is almost always a typo (产出指票); a county
that uses a category of its own lists it in mkdocs.yml (`indicator_categories` of the
budget plugin) and it is then accepted.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import yaml

from generator.schema.problems import display_path

#: 一级指标 -> its 二级指标, as the two documents name them.
OFFICIAL: dict[str, tuple[str, ...]] = {
    "产出指标": ("数量指标", "质量指标", "时效指标", "成本指标"),
    "效益指标": ("经济效益指标", "社会效益指标", "生态效益指标", "可持续影响指标"),
    "满意度指标": ("服务对象满意度指标",),
    "成本指标": ("经济成本指标", "社会成本指标", "生态环境成本指标"),
}
SETTING = "indicator_categories"
PLUGIN = "budget"

Categories = Mapping[str, tuple[str, ...]]


class SettingError(Exception):
    """mkdocs.yml cannot be read, or the county's categories in it are not names mapped to lists of names."""


def with_county(extra: object, where: str = "mkdocs.yml") -> dict[str, tuple[str, ...]]:
    """The official categories plus a county's own: {一级指标: [二级指标, …]}."""
    if not isinstance(extra, dict) or not all(
        isinstance(level1, str) and isinstance(names, list) and all(isinstance(n, str) for n in names)
        for level1, names in extra.items()
    ):
        raise SettingError(
            f"{where}: {PLUGIN} 插件的 {SETTING} 应为“一级指标: [二级指标, …]”的键值表，"
            f"如 {SETTING}: {{产出指标: [数量指标]}}"
        )
    merged = dict(OFFICIAL)
    for level1, names in extra.items():
        merged[level1] = tuple(dict.fromkeys((*merged.get(level1, ()), *names)))
    return merged


class _AnyTagLoader(yaml.SafeLoader):
    """Reads mkdocs.yml's `!!python/name:` and `!ENV` values as plain values: only our setting matters here."""


_AnyTagLoader.add_multi_constructor("", lambda loader, suffix, node: None)


def from_config(mkdocs_yml: Path) -> dict[str, tuple[str, ...]]:
    """The categories a site accepts: the official ones plus those its mkdocs.yml adds.

    For the command line, which runs without MkDocs; the plugin gets the same setting
    from MkDocs. No mkdocs.yml (content checked on its own) means the official sets.
    """
    if not mkdocs_yml.is_file():
        return dict(OFFICIAL)
    where = display_path(mkdocs_yml)
    try:
        config = yaml.load(mkdocs_yml.read_text(encoding="utf-8"), Loader=_AnyTagLoader)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = f":{mark.line + 1}" if mark else ""
        raise SettingError(f"{where}{line}: YAML 语法错误：{error.problem}（请检查缩进、冒号、引号和括号）") from None
    except (yaml.YAMLError, UnicodeDecodeError) as error:
        raise SettingError(f"{where}: 无法读取（{error}）") from None
    settings = _plugin_settings(config)
    extra = settings.get(SETTING) if isinstance(settings, dict) else None
    # MkDocs reads a setting left blank as its default, so `check` does too.
    return with_county({} if extra is None else extra, where)


def _plugin_settings(config: object) -> object:
    """The budget plugin's settings in mkdocs.yml, whose `plugins` is a list or a mapping; None if absent."""
    plugins = config.get("plugins") if isinstance(config, dict) else None
    if isinstance(plugins, dict):
        return plugins.get(PLUGIN)
    for entry in plugins if isinstance(plugins, list) else ():
        if isinstance(entry, dict) and PLUGIN in entry:
            return entry[PLUGIN]
    return None
