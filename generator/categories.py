"""The official 一级 and 二级 categories of performance indicators, and a county's own additions.

财预〔2015〕88号《中央部门预算绩效目标管理办法》 sets the indicators' 一级 categories
(产出指标, 效益指标, 满意度指标) and their 二级 ones; 财预〔2021〕101号《中央部门项目支出
核心绩效目标和指标设置及取值指引（试行）》 adds 成本指标 as a 一级 category of its own,
with 经济成本指标, 社会成本指标 and 生态环境成本指标 under it. A name outside these
sets is almost always a typo (产出指票); a county that uses a category of its own lists
it in mkdocs.yml (`indicator_categories` of the budget plugin) and it is then accepted.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import yaml

from generator.problems import display_path

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
    """The county's categories in mkdocs.yml are not a mapping of names to lists of names."""


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
    """The categories a site accepts: the official ones plus those its mkdocs.yml adds."""
    if not mkdocs_yml.is_file():
        return dict(OFFICIAL)
    config = yaml.load(mkdocs_yml.read_text(encoding="utf-8"), Loader=_AnyTagLoader) or {}
    for plugin in config.get("plugins") or ():
        if isinstance(plugin, dict) and PLUGIN in plugin:
            settings = plugin[PLUGIN] or {}
            return with_county(settings.get(SETTING, {}), display_path(mkdocs_yml))
    return dict(OFFICIAL)
