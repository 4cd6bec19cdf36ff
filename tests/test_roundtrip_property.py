"""Property: any project written by the YAML writer loads back equal, and every text renders literally."""

from __future__ import annotations

import html
import re
import tempfile
from dataclasses import replace
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import markdown
import pytest
from conftest import CONTENT
from hypothesis import HealthCheck, Phase, find, given, settings
from hypothesis import strategies as st

from generator.formats.forms import EXPORTERS
from generator.schema.categories import OFFICIAL
from generator.schema.ids import level2_slug
from generator.schema.model import (
    Budget,
    Catalog,
    Department,
    Goals,
    GoalSection,
    Indicator,
    Kind,
    Project,
    SchemaField,
    SpendingPlan,
    optional_fields,
)
from generator.schema.validate import load_catalog
from generator.schema.walk import Shapes, walk
from generator.site.history import History
from generator.site.render import Renderer
from generator.source.readers import read_document
from generator.source.yaml_writer import project_yaml

ROOT = Path(__file__).resolve().parent.parent

# Any printable text, including markup, template syntax, YAML indicators and line breaks.
TEXT = st.text(
    alphabet=st.characters(blacklist_categories=("Cs", "Cc", "Zl", "Zp"), blacklist_characters="\ufeff")
    | st.just("\n"),
    min_size=1,
    max_size=60,
).filter(lambda text: text.strip() != "")
AMOUNT = st.decimals(min_value=0, max_value=10**7, places=2, allow_nan=False, allow_infinity=False)
CATEGORIES = st.sampled_from([(level1, level2) for level1, names in OFFICIAL.items() for level2 in names])
PERCENTS = st.lists(st.integers(0, 100), min_size=4, max_size=4).map(sorted)


def optional_values(draw: st.DrawFn, cls: type, text: st.SearchStrategy[str]) -> dict[str, object]:
    """A value or none for each field of `cls` only some forms print, by its declared kind: a new one is drawn at once."""
    by_kind = {Kind.TEXT: text}
    return {
        field.key: draw(
            st.none() | (st.sampled_from(field.spec.choices) if field.spec.choices else by_kind[field.spec.kind])
        )
        for field in optional_fields(cls)
    }


@st.composite
def projects(draw: st.DrawFn) -> Project:
    fiscal, other = draw(AMOUNT), draw(st.none() | AMOUNT)
    plan = draw(PERCENTS)
    blanks = draw(st.lists(st.booleans(), min_size=4, max_size=4))
    return Project(
        code="T" + draw(st.text(alphabet="ABCDEFGHJKLMNPQRSTUVWXYZ0123456789", min_size=1, max_size=20)),
        name=draw(TEXT),
        number=draw(st.integers(1, 999)),
        **optional_values(draw, Project, TEXT),
        budget=Budget(total=fiscal + (other or 0), fiscal=fiscal, other=other),
        purpose=draw(TEXT),
        plan=SpendingPlan(
            **{
                key: None if blank else Decimal(percent)
                for key, percent, blank in zip(("mar", "jun", "oct", "dec"), plan, blanks)
            }
        ),
        goal=draw(TEXT),
        indicators=tuple(
            Indicator(
                id=f"row-{index}",
                level1=(category := draw(CATEGORIES))[0],
                level2=category[1],
                level3=draw(TEXT),
                description=draw(TEXT),
                value=draw(TEXT),
                basis=draw(TEXT),
            )
            for index in range(draw(st.integers(1, 3)))
        ),
    )


def visible_text(markdown_page: str) -> str:
    body = markdown_page.split("\n---\n", 1)[1]
    rendered = markdown.markdown(body, extensions=["attr_list", "toc"])
    return html.unescape(re.sub(r"<[^>]+>", "", rendered))


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(projects())
def test_any_text_round_trips_through_yaml_and_renders_literally(project: Project) -> None:
    with tempfile.TemporaryDirectory() as folder:
        department_dir = Path(folder) / "2024" / "203001"
        department_dir.mkdir(parents=True)
        (department_dir / f"{project.code}.yaml").write_text(project_yaml(project), encoding="utf-8")
        (department_dir / "department.yaml").write_text(
            (CONTENT / "2024/203001/department.yaml").read_text(encoding="utf-8"), encoding="utf-8"
        )
        catalog: Catalog = load_catalog(Path(folder))
        department = catalog.departments[0]
        assert department.projects == (project,)  # every field, exactly
        text = visible_text(Renderer("站点", History(catalog)).project(department, project))
        optional = (getattr(project, field.key) or "" for field in optional_fields(Project))
        for value in (project.name, project.purpose, project.goal, *optional):
            for line in value.split("\n"):
                assert line.strip() in text
        for row in project.indicators:
            for cell in (row.level1, row.level2, row.level3, row.description, row.value, row.basis):
                for line in cell.split("\n"):
                    assert line.strip() in text


# Cell text as a form holds it: no outer whitespace (readers strip every cell), no character
# that XML cannot carry, never one of the form's own labels or a project title.
CELL = (
    st.text(
        alphabet=st.characters(
            blacklist_categories=("Cs", "Cc", "Zl", "Zp", "Co", "Cn"), blacklist_characters="\ufeff\ufffe\uffff"
        )
        | st.just("\n"),
        min_size=1,
        max_size=40,
    )
    .map(str.strip)
    .filter(lambda text: text and "\n\n" not in text and "绩效目标表" not in text)
)
LINE = CELL.map(lambda text: " ".join(text.split()))
GOAL_WORDS = "村干部党建经费补贴完成率提高服务，。；ABC"
#: A goal line that never starts as a numbered item does (1、): its first character is not a digit.
GOAL_LINE = st.builds(str.__add__, st.sampled_from(GOAL_WORDS), st.text(alphabet=GOAL_WORDS + "123", max_size=29))


@st.composite
def departments(draw: st.DrawFn) -> Department:
    count = draw(st.integers(1, 3))
    chosen = []
    for number in range(1, count + 1):
        project = draw(projects())
        rows = tuple(
            replace(row, level1=row.level1, level2=row.level2, level3=draw(CELL), description=draw(st.just("") | CELL),
                    value=draw(CELL), basis=draw(st.just("") | CELL))
            for row in project.indicators
        )  # fmt: skip
        chosen.append(
            replace(
                project, code=f"{project.code}{number}", number=number, name=draw(LINE), purpose=draw(CELL),
                goal=draw(CELL), **optional_values(draw, Project, LINE), indicators=renumbered(rows),
            )
        )  # fmt: skip

    def section() -> GoalSection:
        items = tuple(f"{n}、{draw(GOAL_LINE)}" for n in range(1, draw(st.integers(1, 3)) + 1))
        return GoalSection(intro=draw(st.none() | GOAL_LINE), items=items)

    return Department(
        year=draw(st.integers(2000, 2099)),
        code=draw(st.text(alphabet="0123456789", min_size=3, max_size=8)),
        name=draw(LINE.filter(lambda text: not text[0].isdigit() and not text[0].isspace())),
        money_unit=draw(st.sampled_from(("万元", "元"))),
        **optional_values(draw, Department, LINE),
        published=draw(st.dates(date(1949, 1, 1), date(2999, 12, 31))),
        goals=Goals(overall=section(), itemized=section(), safeguards=section()),
        projects=tuple(chosen),
    )


def renumbered(rows: tuple[Indicator, ...]) -> tuple[Indicator, ...]:
    """Ids as a reader derives them from the rows' order: quantity-1, quantity-2, …"""
    seen: dict[str, int] = {}
    out = []
    for row in rows:
        slug = level2_slug(row.level2)
        seen[slug] = seen.get(slug, 0) + 1
        out.append(replace(row, id=f"{slug}-{seen[slug]}"))
    return tuple(out)


# A department draws dozens of cells, each filtered to what a form can hold (no blank, no
# paragraph break, no title line): now and then most of one draw's tries are filtered out,
# which Hypothesis's health check reported as a failure (once in CI-sized runs).
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
@given(departments(), st.sampled_from((".docx", ".xlsx")))
def test_any_department_exported_to_word_or_excel_imports_back_the_same(department: Department, suffix: str) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"部门{suffix}"
        path.write_bytes(EXPORTERS[suffix](department, created=datetime(2024, 1, 1)))
        reading = read_document(path)
        assert reading.department == replace(department, published=None)  # not on the form: the import adds it
        assert reading.warnings == ()


def on_form(cls: type) -> set[str]:
    """Class.key of every declared field a form prints, nested mappings and rows included."""
    shapes = Shapes(
        group=lambda field: on_form(field.group),
        rows=lambda field: on_form(field.rows),
        text_list=lambda field: {f"{cls.__name__}.{field.key}"},
        scalar=lambda field: {f"{cls.__name__}.{field.key}"} if field.spec.on_form else set(),
    )
    return set().union(*(keys for _, keys in walk(cls, shapes)))


def filled(item: object) -> set[str]:
    """Class.key of every declared field that holds something in `item` (a department: its projects' too)."""

    def own(field: SchemaField) -> set[str]:
        return {f"{type(item).__name__}.{field.key}"} if getattr(item, field.key) not in (None, "", ()) else set()

    shapes = Shapes(
        group=lambda field: filled(getattr(item, field.key)),
        rows=lambda field: set().union(*(filled(row) for row in getattr(item, field.key))),
        text_list=own,
        scalar=own,
    )
    found = set().union(*(keys for _, keys in walk(type(item), shapes)))
    return found.union(*(filled(project) for project in getattr(item, "projects", ())))


@pytest.mark.parametrize("key", sorted(on_form(Department) | on_form(Project)))
def test_the_departments_drawn_fill_every_field_a_form_prints(key: str) -> None:
    """A newly declared field is exercised by the round trips at once, or this fails naming it."""
    quick = settings(
        database=None, deadline=None, phases=[Phase.generate]
    )  # the first such department; shrinking it costs minutes
    find(departments(), lambda department: key in filled(department), settings=quick)


@pytest.mark.parametrize("suffix", [".docx", ".xlsx"])
def test_a_purpose_that_reads_like_its_own_label_imports_back(tmp_path: Path, suffix: str) -> None:
    """Found by the property test: a 资金用途 whose text is 资金用途 was read as the label of a blank."""
    seed = load_catalog(CONTENT).departments[0]
    first = replace(seed.projects[0], purpose="资金用途")
    department = replace(seed, projects=(first, *seed.projects[1:]))
    path = tmp_path / f"部门{suffix}"
    path.write_bytes(EXPORTERS[suffix](department, created=datetime(2024, 1, 1)))
    assert read_document(path).department.projects[0].purpose == "资金用途"
