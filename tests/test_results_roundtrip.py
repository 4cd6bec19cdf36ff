"""Property: any department's 自评表 exported to Word or Excel imports back as the same results."""

from __future__ import annotations

import tempfile
from dataclasses import replace
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

from conftest import CONTENT
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_roundtrip_property import CELL, LINE

from generator.formats.result_forms import RESULT_EXPORTERS
from generator.schema import layout
from generator.schema.model import (
    GRADES,
    Funds,
    FundsLine,
    IndicatorResult,
    ProjectResult,
    fields_of,
)
from generator.schema.validate import load_catalog
from generator.source.readers import read_document
from generator.source.readers.form import label_key

SEED = load_catalog(CONTENT).departments[0]
#: Every label the 自评表's reader looks for: a cell holding one is the form's, never a value.
LABELS = {
    label_key(label)
    for cls in (ProjectResult, Funds, FundsLine, IndicatorResult)
    for field in fields_of(cls)
    for label in field.spec.labels
} | {
    label_key(word)
    for word in (layout.FUNDS_ROW, layout.GOAL_ROW, layout.INDICATORS_ROW, *layout.TOTAL_ROW_ALIASES, "项目名称")
}
TEXT = CELL.filter(lambda text: label_key(text) not in LABELS and "自评表" not in text)
NAME = LINE.filter(lambda text: label_key(text) not in LABELS and "自评表" not in text)


def decimals(places: int, most: int) -> st.SearchStrategy[Decimal | None]:
    return st.none() | st.decimals(min_value=0, max_value=most, places=places, allow_nan=False, allow_infinity=False)


@st.composite
def funds_lines(draw: st.DrawFn) -> FundsLine:
    places = draw(st.sampled_from((0, 1, 2)))
    return FundsLine(
        initial=draw(decimals(2, 10**6)),
        budget=draw(decimals(2, 10**6)),
        executed=draw(decimals(2, 10**6)),
        weight=draw(decimals(places, 100)),
        rate=draw(decimals(2, 200)),
        score=draw(decimals(places, 100)),
    )


@st.composite
def results(draw: st.DrawFn, code: str) -> ProjectResult:
    level1s = draw(st.lists(TEXT, min_size=1, max_size=3))
    rows = tuple(
        IndicatorResult(
            level1=draw(st.sampled_from(level1s)),
            level2=draw(TEXT),
            level3=draw(TEXT),
            target=draw(st.just("") | TEXT),
            actual=draw(st.just("") | TEXT),
            weight=draw(decimals(1, 100)),
            score=draw(decimals(2, 100)),
            reason=draw(st.just("") | TEXT),
        )
        for _ in range(draw(st.integers(1, 5)))
    )
    return ProjectResult(
        code=code,
        name=draw(NAME),
        competent_department=draw(st.none() | NAME),
        implementing_unit=draw(st.none() | NAME),
        published=None,
        funds=Funds(**{f.key: draw(funds_lines()) for f in fields_of(Funds)}),
        goal_expected=draw(st.just("") | TEXT),
        goal_achieved=draw(st.just("") | TEXT),
        indicators=rows,
        total_weight=draw(decimals(0, 100)),
        total_score=draw(decimals(2, 100)),
        grade=draw(st.none() | st.sampled_from(GRADES)),
    )


@st.composite
def departments_with_results(draw: st.DrawFn):
    chosen = draw(st.lists(st.sampled_from(SEED.projects), min_size=1, max_size=3, unique_by=lambda p: p.code))
    projects = tuple(replace(p, result=draw(results(p.code))) if p in chosen else p for p in SEED.projects)
    return replace(SEED, year=draw(st.integers(2000, 2099)), projects=projects)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(departments_with_results(), st.sampled_from((".docx", ".xlsx")))
def test_any_results_exported_to_word_or_excel_import_back_the_same(department, suffix: str) -> None:
    expected = [p.result for p in department.projects if p.result is not None]
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"自评{suffix}"
        path.write_bytes(RESULT_EXPORTERS[suffix](department, created=datetime(2024, 1, 1)))
        reading = read_document(path)
    assert reading.year == department.year
    assert [form.result for form in reading.forms] == expected
    # Decimal("100") == Decimal("100.00"): the figures must come back as written, their places too.
    assert [repr(replace(form.result, source=Path())) for form in reading.forms] == [repr(r) for r in expected]


def test_the_published_date_is_not_on_the_form(tmp_path: Path) -> None:
    project = SEED.projects[0]
    result = ProjectResult(
        code=project.code, name=project.name, published=date(2025, 6, 30), funds=Funds(
            total=FundsLine(budget=Decimal("1.00"), executed=Decimal("1.00")), fiscal=FundsLine(),
            carried_over=FundsLine(), other=FundsLine(),
        ),
        indicators=(IndicatorResult(level1="产出指标", level2="数量指标", level3="人数", actual="3人"),),
    )  # fmt: skip
    department = replace(SEED, projects=(replace(project, result=result), *SEED.projects[1:]))
    path = tmp_path / "自评.docx"
    path.write_bytes(RESULT_EXPORTERS[".docx"](department, created=datetime(2024, 1, 1)))
    assert read_document(path).forms[0].result == replace(result, published=None)
