"""Poisoned content: text that would become markup, links, tables or template code if it were not escaped."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from pathlib import Path

from generator.model import Budget, Department, Goals, GoalSection, Indicator, Project, SpendingPlan
from generator.yaml_writer import department_yaml, project_yaml

HOSTILE = (
    "<script>alert('x')</script>",
    '<img src=x onerror="alert(1)">',
    "[点我](javascript:alert(1))",
    "| 甲 | 乙 |\n|---|---|",
    "{{ 7*7 }} {% if true %}模板{% endif %} {# 注释 #}",
    "A & B <5% **粗体** _斜体_ `代码` &amp; &lt;",
)
HOSTILE_NAME = "<script>alert('name')</script>村干部补贴 & {{ 7*7 }} <b>粗</b>"
HOSTILE_DEPARTMENT = "组织部<img src=x onerror=alert(2)> & {% raw %}"


def write_hostile_content(content: Path) -> None:
    """One department and one project whose every text field is hostile."""
    folder = content / "2024" / "999001"
    folder.mkdir(parents=True)
    text = "\n".join(HOSTILE)
    department = Department(
        year=2024,
        code="999001",
        name=HOSTILE_DEPARTMENT,
        money_unit="万元",
        published=date(2024, 2, 1),
        goals=Goals(
            overall=GoalSection(intro=HOSTILE[0], items=HOSTILE),
            itemized=GoalSection(items=(HOSTILE[2],)),
            safeguards=GoalSection(items=(HOSTILE[4],)),
        ),
    )
    (folder / "department.yaml").write_text(department_yaml(department), encoding="utf-8")
    indicators = tuple(
        Indicator(
            id=f"quantity-{index}",
            level1="产出指标" if index < 3 else hostile,
            level2=hostile,
            level3=hostile,
            description=hostile,
            value=hostile,
            basis=hostile,
        )
        for index, hostile in enumerate(HOSTILE, start=1)
    )
    project = Project(
        code="X999",
        name=HOSTILE_NAME,
        number=1,
        implementing_unit=HOSTILE[1],
        attribute="新增",
        budget=Budget(total=Decimal("10.00"), fiscal=Decimal("10.00"), other=None),
        purpose=text,
        plan=SpendingPlan(mar=Decimal(10), jun=Decimal(20), oct=None, dec=Decimal(100)),
        goal=text,
        indicators=indicators,
    )
    (folder / "X999.yaml").write_text(project_yaml(project), encoding="utf-8")


def allow_hostile_categories(mkdocs_yml: Path) -> None:
    """The hostile texts as the county's own indicator categories, so that they reach the pages."""
    level2 = {level1: list(HOSTILE) for level1 in ("产出指标", *HOSTILE[2:])}
    text = mkdocs_yml.read_text(encoding="utf-8")
    setting = f"      indicator_categories: {json.dumps(level2, ensure_ascii=False)}\n"
    mkdocs_yml.write_text(text.replace("  - budget:\n", "  - budget:\n" + setting, 1), encoding="utf-8")
