"""Property: any text staff type survives YAML and rendering literally; any valid content loads."""

from __future__ import annotations

import html
import re
import tempfile
from decimal import Decimal
from pathlib import Path

import markdown
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from generator.importer import project_yaml
from generator.load import read_yaml
from generator.model import Catalog
from generator.render import Renderer
from generator.validate import load_catalog

ROOT = Path(__file__).resolve().parent.parent

# Any printable text, including markup, template syntax, YAML indicators and line breaks.
TEXT = st.text(
    alphabet=st.characters(blacklist_categories=("Cs", "Cc", "Zl", "Zp"), blacklist_characters="\ufeff") | st.just("\n"),
    min_size=1,
    max_size=60,
).filter(lambda text: text.strip() != "")
AMOUNT = st.decimals(min_value=0, max_value=10**7, places=2, allow_nan=False, allow_infinity=False)
PERCENTS = st.lists(st.integers(0, 100), min_size=4, max_size=4).map(sorted)


@st.composite
def projects(draw: st.DrawFn) -> dict:
    fiscal, other = draw(AMOUNT), draw(st.none() | AMOUNT)
    plan = draw(PERCENTS)
    blanks = draw(st.lists(st.booleans(), min_size=4, max_size=4))
    return {
        "code": "T" + draw(st.text(alphabet="ABCDEFGHJKLMNPQRSTUVWXYZ0123456789", min_size=1, max_size=20)),
        "name": draw(TEXT),
        "number": draw(st.integers(1, 999)),
        "budget": {"total": fiscal + (other or 0), "fiscal": fiscal, "other": other},
        "purpose": draw(TEXT),
        "plan": {
            key: None if blank else Decimal(percent)
            for key, percent, blank in zip(("mar", "jun", "oct", "dec"), plan, blanks)
        },
        "goal": draw(TEXT),
        "indicators": [
            {
                "id": f"row-{index}",
                "level1": draw(TEXT),
                "level2": draw(TEXT),
                "level3": draw(TEXT),
                "description": draw(TEXT),
                "value": draw(TEXT),
                "basis": draw(TEXT),
            }
            for index in range(draw(st.integers(1, 3)))
        ],
    }


def visible_text(markdown_page: str) -> str:
    body = markdown_page.split("\n---\n", 1)[1]
    rendered = markdown.markdown(body, extensions=["attr_list", "toc"])
    return html.unescape(re.sub(r"<[^>]+>", "", rendered))


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(projects())
def test_any_text_round_trips_through_yaml_and_renders_literally(project: dict) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"{project['code']}.yaml"
        path.write_text(project_yaml(project), encoding="utf-8")
        parsed = read_yaml(path)
        assert parsed.problems == []
        loaded = parsed.data
        for key in ("code", "name", "number", "purpose", "goal"):
            assert loaded[key] == project[key]
        assert dict(loaded["budget"]) == project["budget"]
        assert [dict(row) for row in loaded["indicators"]] == project["indicators"]

        department_dir = Path(folder) / "2024" / "203001"
        department_dir.mkdir(parents=True)
        path.rename(department_dir / path.name)
        (department_dir / "department.yaml").write_text(
            (ROOT / "content/2024/203001/department.yaml").read_text(encoding="utf-8"), encoding="utf-8"
        )
        catalog: Catalog = load_catalog(Path(folder))
        department = catalog.departments[0]
        page = Renderer("站点").project(department, department.projects[0])
        text = visible_text(page.markdown)
        for field in ("name", "purpose", "goal"):
            for line in project[field].split("\n"):
                assert line.strip() in text
        for row in project["indicators"]:
            for key, cell in row.items():
                if key == "id":
                    continue
                for line in cell.split("\n"):
                    assert line.strip() in text
