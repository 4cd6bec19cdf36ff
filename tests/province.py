"""A small province made in a test's folder: the seed county, and a neighbour made from it under another region code.

乐亭县 (130225) is the tests' copy of the seed; 滦南县 (130224) is the same department
with its project codes moved to its own region code, one budget changed, and a second
year (2025, from tests/two_years.py) so that the province has a year only one county has
published; its first project's purpose quotes a project code of 乐亭县.
"""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal
from pathlib import Path

from conftest import CONTENT, copy_project

from generator.schema.model import Budget, Department
from generator.schema.validate import load_catalog
from generator.source.yaml_writer import write_content

SEED_REGION, NEIGHBOUR_REGION = "130225", "130224"
SEED_NAME, NEIGHBOUR_NAME = "乐亭县预算绩效目标公开", "滦南县预算绩效目标公开"
PROVINCE_NAME = "河北省预算绩效目标公开"
#: The neighbour's first project's budget, changed so that its total differs from the seed's.
NEIGHBOUR_BUDGET = Decimal("1234.56")
#: The seed's first project's code, which the neighbour's first project quotes in its purpose.
QUOTED_CODE = load_catalog(CONTENT).departments[0].projects[0].code


def moved(department: Department, region: str) -> Department:
    """The department with every project code's first 6 digits replaced by `region`."""
    projects = tuple(replace(p, code=region + p.code[6:], continues=None) for p in department.projects)
    first = projects[0]
    budget = Budget(total=NEIGHBOUR_BUDGET, fiscal=NEIGHBOUR_BUDGET, other=None)
    return replace(department, projects=(replace(first, budget=budget), *projects[1:]))


def county(folder: Path, name: str, content: Path | None = None) -> Path:
    """A county's site folder named `name`, with the tests' seed content or the given one."""
    project = copy_project(folder, content)
    config = project / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8").replace("乐亭县预算绩效目标公开", name), encoding="utf-8")
    return project


def make_province(folder: Path, extra: str = "") -> Path:
    """The province folder: province.yml and its two counties, 乐亭县 and 滦南县."""
    from two_years import second_year

    county(folder / "乐亭县", SEED_NAME)
    neighbour = county(folder / "滦南县", NEIGHBOUR_NAME)
    (seed,) = load_catalog(neighbour / "content").departments
    for path in (neighbour / "content").rglob("*.yaml"):
        path.unlink()
    first, *others = moved(seed, NEIGHBOUR_REGION).projects
    quoting = replace(first, purpose=f"{first.purpose}与乐亭县{QUOTED_CODE}项目配套。")
    write_content(replace(moved(seed, NEIGHBOUR_REGION), projects=(quoting, *others)), neighbour / "content")
    write_content(moved(second_year(seed), NEIGHBOUR_REGION), neighbour / "content")
    (folder / "province.yml").write_text(
        f"name: {PROVINCE_NAME}\ncounties: [乐亭县, 滦南县]\n{extra}", encoding="utf-8"
    )
    return folder


__all__ = ["CONTENT", "make_province"]
