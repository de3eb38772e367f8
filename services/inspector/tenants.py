"""Every (twin, tenant) pair of the fleet, for the per-tenant pages (clock, snapshots)."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import Any

from starlette.requests import Request

from services.inspector.overview import TwinStatus, fleet_status


@dataclass
class TenantRow:
    twin: str
    tenant: str
    name: str
    clock: dict[str, Any] = field(default_factory=dict)
    message: str = ""

    @property
    def key(self) -> str:
        """For element ids and test ids."""
        return f"{self.twin}-{self.tenant}"


def tenant_rows(statuses: list[TwinStatus]) -> list[TenantRow]:
    return [
        TenantRow(status.name, str(t.get("id", "")), str(t.get("name") or ""))
        for status in statuses
        if status.up
        for t in status.tenants
    ]


async def fleet_tenants(request: Request) -> tuple[list[TwinStatus], list[TenantRow]]:
    statuses = await fleet_status(request)
    return statuses, tenant_rows(statuses)


async def gather_rows(rows: list[TenantRow], fill: Any) -> None:
    """Run `fill(row)` for every row at once (one twin's slowness does not add up)."""
    await asyncio.gather(*(fill(row) for row in rows))
