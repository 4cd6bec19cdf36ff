"""Poisoned content: text that would become markup, links, tables or template code if it were not escaped."""

from __future__ import annotations

import dataclasses
import json
from datetime import date
from decimal import Decimal
from html.parser import HTMLParser
from pathlib import Path

from generator.schema.model import (
    Budget,
    Department,
    Goals,
    GoalSection,
    Indicator,
    Kind,
    Project,
    SpendingPlan,
    fields_of,
)
from generator.source.yaml_writer import department_yaml, project_yaml

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
    allow_categories(mkdocs_yml, {level1: list(HOSTILE) for level1 in ("产出指标", *HOSTILE[2:])})


#: Markdown that blank lines would hand to Markdown: an attribute list that runs script on load, a script link.
BLANK_LINES = (
    "村干部补贴\n\n说明\n{: tabindex=1 autofocus onfocus=alert(document.domain) }\n\n[详情](javascript:alert(1))"
)


def _every_text_field(item, text: str):
    """`item` with `text` in every declared text field, nested mappings and rows included."""
    values = {}
    for field in fields_of(type(item)):
        value = getattr(item, field.key)
        if field.spec.kind is Kind.TEXT:
            values[field.key] = text
        elif field.spec.kind is Kind.TEXT_LIST:
            values[field.key] = (text, text)
        elif field.group is not None:
            values[field.key] = _every_text_field(value, text)
        elif field.rows is not None:
            values[field.key] = tuple(_every_text_field(row, text) for row in value)
    return dataclasses.replace(item, **values)


def write_blank_line_content(content: Path) -> list[str]:
    """One department and project with `BLANK_LINES` in every declared text field; returns those fields' paths."""
    department = _every_text_field(
        Department(
            year=2024,
            code="999002",
            name="",
            money_unit="",
            published=date(2024, 2, 1),
            goals=Goals(
                overall=GoalSection(intro="", items=("",)),
                itemized=GoalSection(items=("",)),
                safeguards=GoalSection(items=("",)),
            ),
        ),
        BLANK_LINES,
    )
    project = _every_text_field(
        Project(
            code="X998",
            name="",
            number=1,
            implementing_unit="",
            attribute="新增",
            budget=Budget(total=Decimal("10.00"), fiscal=Decimal("10.00"), other=None),
            purpose="",
            plan=SpendingPlan(mar=Decimal(10), jun=Decimal(20), oct=Decimal(50), dec=Decimal(100)),
            goal="",
            indicators=(Indicator(id="quantity-1", level1="", level2="", level3="", value=""),),
        ),
        BLANK_LINES,
    )
    folder = content / "2024" / "999002"
    folder.mkdir(parents=True)
    (folder / "department.yaml").write_text(department_yaml(department), encoding="utf-8")
    (folder / "X998.yaml").write_text(project_yaml(project), encoding="utf-8")
    return _text_paths(department) + _text_paths(project)


def _text_paths(item, prefix: str = "") -> list[str]:
    """The dotted paths of the text fields of `item` that hold `BLANK_LINES` (every one, if the fixture is right)."""
    paths = []
    for field in fields_of(type(item)):
        value = getattr(item, field.key)
        path = f"{prefix}{field.key}"
        if field.spec.kind in (Kind.TEXT, Kind.TEXT_LIST) and value in (BLANK_LINES, (BLANK_LINES, BLANK_LINES)):
            paths.append(path)
        elif field.group is not None:
            paths += _text_paths(value, f"{path}.")
        elif field.rows is not None:
            paths += [p for row in value for p in _text_paths(row, f"{path}[].")]
    return paths


def allow_categories(mkdocs_yml: Path, level2: dict[str, list[str]]) -> None:
    """Add the county's own indicator categories to a copied mkdocs.yml."""
    text = mkdocs_yml.read_text(encoding="utf-8")
    setting = f"      indicator_categories: {json.dumps(level2, ensure_ascii=False)}\n"
    mkdocs_yml.write_text(text.replace("  - budget:\n", "  - budget:\n" + setting, 1), encoding="utf-8")


def html_attributes(source: str) -> list[tuple[str, str]]:
    """Every attribute of every tag of a page, as the browser's parser reads them: where a script could hide."""
    found: list[tuple[str, str]] = []

    class Attributes(HTMLParser):
        def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            found.extend((name, (value or "").strip()) for name, value in attrs)

    Attributes().feed(source)
    return found


def assert_no_script_attributes(source: str, where: object) -> None:
    """No event handler, autofocus or javascript: link in a page: what would run script when it opens."""
    for name, value in html_attributes(source):
        assert not name.startswith("on") and name != "autofocus", (where, name)
        assert not (name == "href" and value.lower().startswith("javascript:")), (where, value)
