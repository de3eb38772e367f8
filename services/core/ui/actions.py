"""A UI action (a form post that changes state): journaled, and subject to fault rules.

The inspector's fault toggles list a twin's `ui.<action>` operations beside its API
operations; `ui_action` is what makes those toggles act on clicks as they do on SDK calls.
"""

from __future__ import annotations

from starlette.requests import Request

from services.core.faults import InjectedFault
from services.core.twin import runtime_of
from services.core.ui.session import ui_request


async def ui_action(request: Request, action: str, tenant: str) -> None:
    """Journal the request as `ui.<action>` and apply the fault rules on it (raises InjectedFault)."""
    ui_request(request, action, tenant)
    await runtime_of(request).faults.apply(f"ui.{action}", tenant)


def fault_status(exc: InjectedFault) -> int:
    """The HTTP status a fired rule asks for: its own, else 429 for rate limits and 500 for errors."""
    return exc.rule.status or (429 if exc.rule.kind == "rate_limit" else 500)
