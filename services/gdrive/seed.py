"""Loading a seed document into a domain (not implemented yet)."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session

from services.core.tenants import Tenant
from services.core.twin import TwinRuntime


def seed(session: Session, tenant: Tenant, runtime: TwinRuntime, document: dict[str, Any]) -> dict[str, Any]:
    raise NotImplementedError("seeding the Google twin is not implemented yet")
