"""Core tables, in their own SQLModel registry so they never mix with a twin's."""

from __future__ import annotations

from typing import Any

from sqlalchemy import JSON, Column
from sqlalchemy.orm import registry
from sqlmodel import Field, SQLModel


class CoreModel(SQLModel, registry=registry()):
    """Base of the core tables (not a table itself)."""


class TenantRow(CoreModel, table=True):
    __tablename__ = "dtu_tenant"

    service: str = Field(primary_key=True)
    id: str = Field(primary_key=True)
    name: str
    created_at: float
    credentials: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    clock_offset: float = 0.0
    clock_frozen_at: float | None = None
    # Bumped on every load, reset and restore so that a seeded id generator never
    # re-draws ids that already exist in the tenant's rows.
    generation: int = 0
