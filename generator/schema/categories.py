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


def with_county(extra: Mapping[str, list[str]]) -> dict[str, tuple[str, ...]]:
    """The official categories plus a county's own, {一级指标: [二级指标, …]} (checked as MkDocs reads mkdocs.yml)."""
    merged = dict(OFFICIAL)
    for level1, names in extra.items():
        merged[level1] = tuple(dict.fromkeys((*merged.get(level1, ()), *names)))
    return merged
