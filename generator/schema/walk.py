"""The one walk over a model class's declarations: each field handed to what its shape calls for.

A declared field is a nested mapping (budget: Budget), a list of rows (indicators:
Indicator), a list of texts (items) or a scalar. Validation, the YAML writer and the
download tables and JSON documents each say what to do with the four shapes; this module says which is which,
so a new shape or field is met in one place rather than in each of them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Generic, TypeVar

from generator.schema.model import Kind, SchemaField, fields_of

T = TypeVar("T")


@dataclass(frozen=True)
class Shapes(Generic[T]):
    """What to make of a field of each shape; `group` and `rows` are given the field and recurse as they need."""

    group: Callable[[SchemaField], T]
    rows: Callable[[SchemaField], T]
    text_list: Callable[[SchemaField], T]
    scalar: Callable[[SchemaField], T]

    def of(self, field: SchemaField) -> T:
        if field.group is not None:
            return self.group(field)
        if field.rows is not None:
            return self.rows(field)
        if field.spec.kind is Kind.TEXT_LIST:
            return self.text_list(field)
        return self.scalar(field)


def walk(cls: type, shapes: Shapes[T]) -> Iterator[tuple[SchemaField, T]]:
    """Each declared field of `cls` in declaration order, with what `shapes` makes of it."""
    for field in fields_of(cls):
        yield field, shapes.of(field)
