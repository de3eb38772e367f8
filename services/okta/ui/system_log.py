"""The admin console's System Log (`/report/system_log_2`), newest first.

The page's filters become a `GET /api/v1/logs` query run by the API's own handler:
event type and outcome are `filter` clauses, the actor and target boxes `co` clauses on
their alternateId and displayName, the keyword box is `q`, the time range is
`since`/`until` (UTC) and "Older" follows the API's `after` cursor.
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import urlencode

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from services.okta.api import logs as logs_api
from services.okta.errors import OktaError
from services.okta.syslog import DISPLAY_MESSAGES
from services.okta.ui.web import Viewer, body_of, looking, message, next_cursor, page, run

PAGE_SIZE = 50
OUTCOMES = ("SUCCESS", "FAILURE", "SKIPPED", "ALLOW", "DENY", "CHALLENGE", "UNKNOWN")
FIELDS = ("eventType", "outcome", "actor", "target", "q", "since", "until")


def _quoted(text: str) -> str:
    return '"' + text.replace("\\", "").replace('"', "") + '"'


def _contains(root: str, text: str) -> str:
    value = _quoted(text)
    return f"({root}.alternateId co {value} or {root}.displayName co {value})"


def _instant(value: str) -> str:
    """A `datetime-local` value (UTC on this page) as the API's ISO instant; other text goes as typed."""
    if len(value) == len("2024-01-01T00:00") and value[10:11] == "T":
        return value + ":00.000Z"
    return value


def log_query(values: dict[str, str], after: str) -> dict[str, Any]:
    clauses = []
    if values["eventType"]:
        clauses.append(f"eventType eq {_quoted(values['eventType'])}")
    if values["outcome"]:
        clauses.append(f"outcome.result eq {_quoted(values['outcome'])}")
    if values["actor"]:
        clauses.append(_contains("actor", values["actor"]))
    if values["target"]:
        clauses.append(_contains("target", values["target"]))
    return {
        "filter": " and ".join(clauses),
        "q": values["q"],
        "since": _instant(values["since"]) if values["since"] else "",
        "until": _instant(values["until"]) if values["until"] else "",
        "sortOrder": "DESCENDING",
        "limit": PAGE_SIZE,
        "after": after,
    }


def _row(event: dict[str, Any]) -> dict[str, Any]:
    return {**event, "json": json.dumps(event, indent=2, sort_keys=True)}


async def system_log(request: Request) -> Response:
    who = looking(request)
    if not isinstance(who, Viewer):
        return who
    values = {name: (request.query_params.get(name) or "").strip() for name in FIELDS}
    error, events = None, []
    older: str | None = None
    try:
        result = run(
            request,
            who,
            logs_api.list_log_events,
            "okta.logs.read",
            query=log_query(values, request.query_params.get("after") or ""),
        )
        events, cursor = [_row(e) for e in body_of(result)], next_cursor(result)
        if cursor is not None:
            kept = {name: value for name, value in values.items() if value}
            older = "/report/system_log_2?" + urlencode({**kept, "after": cursor})
    except OktaError as refused:
        error = message(refused)
    return page(
        request,
        "system_log.html",
        who,
        title="System Log",
        section="logs",
        events=events,
        values=values,
        event_types=sorted(DISPLAY_MESSAGES),
        outcomes=OUTCOMES,
        older=older,
        error=error,
    )


def routes() -> list[BaseRoute]:
    return [Route("/report/system_log_2", system_log, methods=["GET"])]
