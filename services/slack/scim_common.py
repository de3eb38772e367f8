"""What the SCIM Users and Groups handlers share: their error, result type and paging."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlmodel import select

from services.slack.call import Call
from services.slack.domain import lookup
from services.slack.models import User
from services.slack.scim_filter import FilterError, parse
from services.slack.scim_render import list_response

# (HTTP status, JSON body or None for an empty body)
Outcome = tuple[int, Any]

DEFAULT_COUNT = 100
MAX_COUNT = 1000


class ScimError(Exception):
    """A SCIM failure: rendered as {"Errors": {"description": ..., "code": status}}."""

    def __init__(self, status: int, description: str) -> None:
        super().__init__(description)
        self.status = status
        self.description = description


def base_url(call: Call) -> str:
    return call.runtime.base_url


def domain(call: Call) -> str:
    return lookup.team(call).domain


def users_by_id(call: Call) -> dict[str, User]:
    return {u.id: u for u in call.session.exec(select(User).where(User.tenant_id == call.tenant.id)).all()}


def _int(call: Call, name: str, default: int) -> int:
    raw = call.params.raw(name)
    if raw in (None, ""):
        return default
    try:
        return int(raw)
    except (TypeError, ValueError):
        raise ScimError(400, f"invalid_{name}") from None


def page_of(call: Call, resources: list[dict[str, Any]]) -> Outcome:
    """Filter, then page with startIndex (1-based) and count, as SCIM list endpoints do."""
    text = call.params.string("filter")
    if text:
        try:
            predicate: Callable[[dict[str, Any]], bool] = parse(text)
        except FilterError:
            raise ScimError(400, "no_filters") from None
        resources = [r for r in resources if predicate(r)]
    start = max(_int(call, "startIndex", 1), 1)
    count = min(max(_int(call, "count", DEFAULT_COUNT), 0), MAX_COUNT)
    window = resources[start - 1 : start - 1 + count]
    return 200, list_response(window, total=len(resources), start_index=start)
