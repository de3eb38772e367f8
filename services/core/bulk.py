"""Inserting many rows of one table at once, for seeds: one executemany, no ORM objects.

Building an ORM object costs far more than the row it writes (validation, instrumentation, the
unit of work), which makes a seed of a few thousand rows take seconds. Rows given as mappings
are completed with the model's Python-side defaults (SQLModel keeps defaults there, not in the
database) and written with one INSERT. ORM events (`before_insert` listeners) do not run:
use this only for tables without them.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from pydantic_core import PydanticUndefined
from sqlalchemy import insert, inspect
from sqlmodel import Session, SQLModel


@cache
def _columns(model: type[SQLModel]) -> tuple[dict[str, str], dict[str, Any], dict[str, Any]]:
    """(field -> column key, field -> default value, field -> default factory) of a table model."""
    keys = {prop.key: prop.columns[0].key for prop in inspect(model).column_attrs}
    defaults: dict[str, Any] = {}
    factories: dict[str, Any] = {}
    for name, field in model.model_fields.items():
        if name not in keys:
            continue
        if field.default_factory is not None:
            factories[name] = field.default_factory
        elif field.default is not PydanticUndefined:
            defaults[name] = field.default
    return keys, defaults, factories


def insert_rows(session: Session, model: type[SQLModel], rows: list[dict[str, Any]]) -> None:
    """Insert `rows` (mappings of field name to value) into `model`'s table, in the session's transaction."""
    if not rows:
        return
    keys, defaults, factories = _columns(model)
    unknown = {name for row in rows for name in row} - keys.keys()
    if unknown:
        raise ValueError(f"{model.__name__} has no fields {sorted(unknown)}")
    complete = []
    for row in rows:
        values = {**defaults, **{name: factory() for name, factory in factories.items() if name not in row}, **row}
        complete.append({keys[name]: value for name, value in values.items()})
    session.execute(insert(model.__table__), complete)  # type: ignore[attr-defined]
