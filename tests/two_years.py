"""A second year of the seed department, made in a test's folder: what a county publishes a year later.

From 2024 to 2025 the department:
- drops two projects (组织史征编工作专项经费, 远程教育网络使用、维修费);
- adds one (党员教育新媒体平台建设经费, 30.00);
- changes two budgets (村干部基础职务补贴 4,916.86 -> 5,100.00; 村干部绩效补贴 1,700.00 -> 1,500.00);
- re-codes 考核工作经费及奖励经费 and keeps its name (found by name);
- re-codes and renames 人才工作专项经费 as 人才发展专项经费, with `continues:` naming the 2024 code;
- changes 慰问困难党员经费's indicators: a target value changed, a row dropped, a row added.
The rest stay as they were.
"""

from __future__ import annotations

import shutil
from dataclasses import replace
from datetime import date
from decimal import Decimal
from pathlib import Path

from generator.schema.model import Budget, Department, Indicator, Project
from generator.schema.validate import load_catalog
from generator.source.yaml_writer import write_content

YEAR = 2025
DROPPED = ("13022524P00442P10061K", "13022524P00442P10053Y")
ADDED = "13022525P00442P20001A"
ADDED_NAME = "党员教育新媒体平台建设经费"
BASIC_PAY, PERFORMANCE_PAY = "13022524P00442P10057D", "13022524P00442P10063T"
RECODED_OLD, RECODED_NEW = "13022524P00442P10052B", "13022525P00442P30052B"  # same name
RENAMED_OLD, RENAMED_NEW = "13022524P00442P100556", "13022525P00442P30556X"  # continues:
RENAMED_NAME = "人才发展专项经费"
VISITS = "13022524P00442P10051P"  # 慰问困难党员经费: its indicators change
PUBLISHED = date(2025, 2, 10)
BUDGETS = {BASIC_PAY: Decimal("5100.00"), PERFORMANCE_PAY: Decimal("1500.00")}


def budget(total: Decimal) -> Budget:
    return Budget(total=total, fiscal=total, other=None)


def _next_year(project: Project) -> Project:
    if project.code in BUDGETS:
        return replace(project, budget=budget(BUDGETS[project.code]))
    if project.code == RECODED_OLD:
        return replace(project, code=RECODED_NEW)
    if project.code == RENAMED_OLD:
        return replace(project, code=RENAMED_NEW, name=RENAMED_NAME, continues=RENAMED_OLD)
    if project.code == VISITS:
        quantity, _quality, *rest = project.indicators
        added = Indicator(
            id="quality-2", level1="产出指标", level2="质量指标", level3="慰问金发放到位率",
            description="慰问金按时足额发放", value="100%", basis="县委县政府安排",
        )  # fmt: skip
        return replace(project, indicators=(replace(quantity, value="65人"), added, *rest))
    return project


def second_year(department: Department) -> Department:
    kept = [_next_year(p) for p in department.projects if p.code not in DROPPED]
    new = replace(
        department.projects[0],
        code=ADDED,
        name=ADDED_NAME,
        budget=budget(Decimal("30.00")),
        continues=None,
    )
    projects = tuple(replace(p, number=n) for n, p in enumerate([*kept, new], start=1))
    return replace(department, year=YEAR, published=PUBLISHED, projects=projects)


def content_with_two_years(content: Path, destination: Path) -> Path:
    """The seed's content copied to `destination`, with the department's 2025 beside its 2024."""
    shutil.copytree(content, destination)
    (seed,) = load_catalog(destination).departments
    write_content(second_year(seed), destination)
    return destination
