"""Fault toggles per operation: ON adds a rule to the twin's control plane, OFF deletes it."""

from __future__ import annotations

import asyncio
import re
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

from starlette.requests import Request
from starlette.responses import Response

from services.inspector.control import ControlError, Twin
from services.inspector.render import BadInput, back, fleet_of, number, page, text

KINDS = ("error", "rate_limit", "latency")
DEFAULT_LATENCY_MS = 1000.0
RECENT_ENTRIES = 1000  # how much of the journal to read when a twin lists no operations


@dataclass
class OperationRow:
    name: str
    anchor: str
    rules: list[dict[str, Any]] = field(default_factory=list)


def anchor(operation: str) -> str:
    """An element id for an operation's row (operation names may hold spaces, slashes, braces)."""
    return "op-" + re.sub(r"[^A-Za-z0-9_.-]", "-", operation)


async def operations_of(twin: Twin) -> tuple[list[str], str]:
    """The twin's operations, or (when it lists none) those seen in its recent journal; and where from."""
    listed = await twin.operations()
    if listed:
        return listed, "listed by the twin (/_dtu/operations)"
    recent = await twin.journal(limit=RECENT_ENTRIES)
    seen = sorted({e["operation"] for e in recent["entries"] if isinstance(e.get("operation"), str)})
    return seen, "seen in the twin's recent journal (it lists no operations)"


def rows(operations: list[str], rules: list[dict[str, Any]]) -> list[OperationRow]:
    """One row per operation with its exact-match rules; glob rules are listed apart (active rules)."""
    by_name = {op: OperationRow(op, anchor(op)) for op in operations}
    for rule in rules:
        row = by_name.get(rule.get("operation", ""))
        if row is not None:
            row.rules.append(rule)
    return list(by_name.values())


async def _rule_count(twin: Twin) -> tuple[int | None, str]:
    """How many rules a twin has (None when it is down), and why it is down."""
    try:
        return len(await twin.faults()), ""
    except ControlError as exc:
        return None, str(exc)


async def faults_page(request: Request) -> Response:
    fleet = fleet_of(request)
    names = fleet.names()
    chosen = request.query_params.get("twin") or (names[0] if names else "")
    counts = await asyncio.gather(*(_rule_count(fleet.get(n)) for n in names))
    context: dict[str, Any] = {
        "twins": [(name, count, why) for name, (count, why) in zip(names, counts, strict=True)],
        "twin": chosen,
        "kinds": KINDS,
        "rows": [],
        "rules": [],
        "tenants": [],
        "source": "",
        "down": "",
    }
    try:
        twin = fleet.get(chosen)
        (operations, source), rules, tenants = await asyncio.gather(operations_of(twin), twin.faults(), twin.tenants())
        context.update(rows=rows(operations, rules), rules=rules, tenants=tenants, source=source)
    except ControlError as exc:
        context["down"] = str(exc)
    return page(request, "faults.html", "/faults", title="Faults", page_flush=True, **context)


def rule_from_form(form: Any) -> dict[str, Any]:
    """The control plane's fault rule from the toggle's (or the glob form's) fields."""
    operation = text(form.get("operation"))
    if not operation:
        raise BadInput("operation: give an operation name or a glob such as chat.*")
    kind = text(form.get("kind")) or "error"
    if kind not in KINDS:
        raise BadInput(f"kind must be one of {', '.join(KINDS)}")
    rule: dict[str, Any] = {"operation": operation, "kind": kind}
    rule["probability"] = number(form.get("probability") or "1", "probability", minimum=0, maximum=1)
    tenant = text(form.get("tenant"))
    rule["tenant"] = tenant or None
    if kind == "latency":
        latency = text(form.get("latency_ms"))
        rule["latency_ms"] = number(latency, "latency (ms)", minimum=0) if latency else DEFAULT_LATENCY_MS
    status = text(form.get("status"))
    if kind == "error" and status:
        rule["status"] = int(number(status, "status", minimum=400, maximum=599))
    return rule


def _page_of(twin: str) -> str:
    return f"/faults?twin={quote(twin, safe='')}"


async def fault_on(request: Request) -> Response:
    name = request.path_params["twin"]
    form = await request.form()
    operation = text(form.get("operation"))
    try:
        rule = await fleet_of(request).get(name).add_fault(rule_from_form(form))
    except (BadInput, ControlError) as exc:
        return back(request, _page_of(name), error=str(exc), anchor=anchor(operation))
    scope = f" for tenant {rule['tenant']}" if rule.get("tenant") else ""
    notice = f"{name}: {rule['kind']} fault on {rule['operation']}{scope} is ON (rule {rule['id']})"
    return back(request, _page_of(name), notice=notice, anchor=anchor(operation))


async def fault_off(request: Request) -> Response:
    """Deletes the rules named in the form (a toggle turned OFF, or one rule's Delete button)."""
    name = request.path_params["twin"]
    form = await request.form()
    operation = text(form.get("operation"))
    try:
        ids = [int(number(raw, "rule id", minimum=1)) for raw in form.getlist("rule")]
        twin = fleet_of(request).get(name)
        for rule_id in ids:
            await twin.delete_fault(rule_id)
    except (BadInput, ControlError) as exc:
        return back(request, _page_of(name), error=str(exc), anchor=anchor(operation) if operation else "")
    what = operation or ", ".join(f"rule {i}" for i in ids)
    return back(
        request, _page_of(name), notice=f"{name}: fault on {what} is OFF", anchor=anchor(operation) if operation else ""
    )
