"""Tenant clocks: show (now, frozen, offset), freeze / unfreeze, advance by an amount, set.

The page polls `/clock.json?at=<twin>/<tenant>&...` for the clocks it shows, so a change made
elsewhere (an SDK test's control-plane call, another tab) shows without a reload.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from services.inspector.control import ControlError
from services.inspector.render import BadInput, back, fleet_of, number, page, text, utc
from services.inspector.tenants import TenantRow, fleet_tenants, gather_rows

UNITS = {"seconds": 1, "minutes": 60, "hours": 3600, "days": 86400}
MAX_POLLED = 200  # clocks one poll may ask for (a page lists one per tenant)


async def clock_page(request: Request) -> Response:
    fleet = fleet_of(request)
    statuses, rows = await fleet_tenants(request)

    async def fill(row: TenantRow) -> None:
        try:
            row.clock = await fleet.get(row.twin).clock(row.tenant)
        except ControlError as exc:
            row.message = str(exc)

    await gather_rows(rows, fill)
    down = [s for s in statuses if not s.up]
    return page(request, "clock.html", "/clock", title="Clock", rows=rows, down=down, units=list(UNITS))


def shown(clock: dict[str, Any]) -> dict[str, Any]:
    """A clock as the page shows it (the same formats as the template's)."""
    now, offset = clock.get("now"), clock.get("offset")
    return {
        "now": now,
        "frozen": bool(clock.get("frozen")),
        "now_text": utc(now),
        "offset_text": f"{offset:+.0f} s" if isinstance(offset, int | float) else "",
    }


async def clocks_json(request: Request) -> Response:
    """The clocks named by `at=<twin>/<tenant>` (repeated), read from the control planes at once."""
    fleet = fleet_of(request)
    wanted = list(dict.fromkeys(request.query_params.getlist("at")))[:MAX_POLLED]
    found: dict[str, dict[str, Any]] = {}

    async def read(key: str) -> None:
        name, _, tenant = key.partition("/")
        try:
            found[key] = shown(await fleet.get(name).clock(tenant))
        except ControlError as exc:
            found[key] = {"error": str(exc)}

    await asyncio.gather(*(read(key) for key in wanted))
    return JSONResponse({"clocks": found}, headers={"Cache-Control": "no-store"})


def parse_instant(raw: str) -> float:
    """A date-time field (`2026-01-31T09:30`, taken as UTC unless it says otherwise) or epoch seconds."""
    value = raw.strip()
    if not value:
        raise BadInput("set: give a date and time (UTC)")
    try:
        return float(value)
    except ValueError:
        pass
    try:
        instant = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise BadInput(f"set: {value!r} is not a date and time such as 2026-01-31T09:30") from None
    if instant.tzinfo is None:
        instant = instant.replace(tzinfo=UTC)
    return instant.timestamp()


def change_from_form(form: dict[str, str]) -> tuple[dict[str, object], str]:
    """The control plane's clock request from a form, and a sentence for the notice."""
    action = form.get("action", "")
    if action in ("freeze", "unfreeze"):
        return {"action": action}, {"freeze": "frozen", "unfreeze": "running again"}[action]
    if action == "advance":
        unit = form.get("unit", "seconds")
        if unit not in UNITS:
            raise BadInput(f"unit must be one of {', '.join(UNITS)}")
        amount = number(form.get("amount", ""), "advance by")
        label = unit[:-1] if amount == 1 else unit
        return {"action": "advance", "seconds": amount * UNITS[unit]}, f"advanced by {amount:g} {label}"
    if action == "set":
        at = parse_instant(form.get("at", ""))
        iso = datetime.fromtimestamp(at, tz=UTC).isoformat().replace("+00:00", "Z")
        return {"action": "set", "at": at}, f"set to {iso}"
    raise BadInput("action must be freeze, unfreeze, advance or set")


async def clock_action(request: Request) -> Response:
    name, tenant = request.path_params["twin"], request.path_params["tenant"]
    form = await request.form()
    fields = {key: text(form.get(key)) for key in ("action", "amount", "unit", "at")}
    anchor = f"clock-{name}-{tenant}"
    try:
        change, said = change_from_form(fields)
        state = await fleet_of(request).get(name).set_clock(tenant, change)
    except (BadInput, ControlError) as exc:
        return back(request, "/clock", error=str(exc), anchor=anchor)
    return back(request, "/clock", notice=f"{name} / {tenant}: clock {said}; now {state.get('iso')}", anchor=anchor)
