"""The overview: each twin's health, web UI links, tenants and per-tenant actions."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

from starlette.requests import Request
from starlette.responses import Response

from services.inspector.control import ControlError, Twin
from services.inspector.render import back, fleet_of, page


@dataclass
class TwinStatus:
    name: str
    base_url: str
    up: bool
    message: str = ""
    service: str = ""
    tenants: list[dict[str, Any]] = field(default_factory=list)

    def ui_url(self, tenant: str | None = None) -> str:
        return f"{self.base_url}/" + (f"?tenant={quote(tenant, safe='')}" if tenant else "")


async def status_of(twin: Twin) -> TwinStatus:
    """Health and tenants of one twin; a twin that does not answer is `up=False` with the reason."""
    try:
        health, tenants = await asyncio.gather(twin.health(), twin.tenants())
    except ControlError as exc:
        return TwinStatus(twin.name, twin.base_url, up=False, message=str(exc))
    return TwinStatus(twin.name, twin.base_url, up=True, service=str(health.get("service", "")), tenants=tenants)


async def fleet_status(request: Request) -> list[TwinStatus]:
    fleet = fleet_of(request)
    return list(await asyncio.gather(*(status_of(fleet.get(name)) for name in fleet.names())))


async def overview(request: Request) -> Response:
    return page(request, "overview.html", "/", title="Overview", twins=await fleet_status(request))


async def reset_tenant(request: Request) -> Response:
    name, tenant = request.path_params["twin"], request.path_params["tenant"]
    try:
        await fleet_of(request).get(name).reset_tenant(tenant)
    except ControlError as exc:
        return back(request, "/", error=str(exc))
    return back(request, "/", notice=f"{name}: tenant {tenant} reset to freshly provisioned")
