"""One walk over the declarations: every field handed to what its shape calls for, in declaration order."""

from __future__ import annotations

from generator.schema.model import Department, GoalSection, Project, fields_of
from generator.schema.walk import Shapes, walk

NAMED = Shapes(
    group=lambda field: "group",
    rows=lambda field: "rows",
    text_list=lambda field: "text_list",
    scalar=lambda field: "scalar",
)


def test_walk_names_each_fields_shape_in_declaration_order() -> None:
    shapes = {field.key: shape for field, shape in walk(Project, NAMED)}
    assert list(shapes) == [field.key for field in fields_of(Project)]
    assert (shapes["code"], shapes["budget"], shapes["plan"], shapes["indicators"]) == (
        "scalar", "group", "group", "rows",
    )  # fmt: skip
    assert [shape for _, shape in walk(GoalSection, NAMED)] == ["scalar", "text_list"]
    assert {field.key: shape for field, shape in walk(Department, NAMED)}["goals"] == "group"
