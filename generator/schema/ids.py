"""Indicator rows' ids: what a link to one indicator of a project is made of.

Part of the data, not of the site: a reader gives each row it reads an id, validation
checks they are unique, and the site makes anchors of them.
"""

from __future__ import annotations

import hashlib

#: English slugs for the standard 二级指标, so that indicator anchors read well in a URL.
LEVEL2_SLUGS = {
    "数量指标": "quantity",
    "质量指标": "quality",
    "时效指标": "timeliness",
    "成本指标": "cost",
    "经济效益指标": "economic-benefit",
    "社会效益指标": "social-benefit",
    "生态效益指标": "ecological-benefit",
    "可持续影响指标": "sustainability",
    "经济成本指标": "economic-cost",
    "社会成本指标": "social-cost",
    "生态环境成本指标": "ecological-cost",
    "服务对象满意度指标": "satisfaction",
    "满意度指标": "satisfaction",
}


def level2_slug(level2: str) -> str:
    return LEVEL2_SLUGS.get(level2.strip(), "indicator")


def derived_indicator_id(level2: str, level3: str) -> str:
    """An anchor for a row typed without an `id`: stable while its 三级指标 stays the same."""
    digest = hashlib.sha1(level3.strip().encode("utf-8")).hexdigest()[:6]
    return f"{level2_slug(level2)}-{digest}"


def indicator_id(typed: str, level2: str, level3: str) -> str:
    """A row's id: as typed, else derived from its text (blank while its 二级 or 三级指标 is)."""
    if typed or not (level2 and level3):
        return typed
    return derived_indicator_id(level2, level3)
