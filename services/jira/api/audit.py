"""The audit log: `GET /auditing/record` (offset, limit, filter, from, to), newest first."""

from __future__ import annotations

from typing import Any

from services.jira import audit
from services.jira.call import JiraCall
from services.jira.domain import directory
from services.jira.endpoint import route
from services.jira.errors import JiraError
from services.jira.models import AuditRecord
from services.jira.timefmt import iso, parse_datetime

MAX_LIMIT = 1000


def _moment(call: JiraCall, name: str) -> float | None:
    raw = call.query.get(name)
    if not raw:
        return None
    moment = parse_datetime(raw)
    if moment is None:
        raise JiraError(400, f"Invalid '{name}' date: use an ISO 8601 date and time, e.g. 2024-01-02T03:04:05.000Z.")
    return moment


def _render(call: JiraCall, row: AuditRecord) -> dict[str, Any]:
    body: dict[str, Any] = {
        "id": row.id,
        "summary": row.summary,
        "remoteAddress": row.remote_address,
        "authorKey": row.author_id,
        "authorAccountId": row.author_id,
        "created": iso(row.created),
        "category": row.category,
        "eventSource": row.event_source,
    }
    if row.description:
        body["description"] = row.description
    body["objectItem"] = row.object_item or {}
    body["changedValues"] = row.changed_values or []
    body["associatedItems"] = row.associated_items or []
    return body


@route("GET", "/auditing/record", "getAuditRecords")
def audit_records(call: JiraCall) -> dict[str, Any]:
    directory.require_administer(call)
    offset = call.int_param("offset", 0)
    limit = min(call.int_param("limit", MAX_LIMIT), MAX_LIMIT)
    start, end = _moment(call, "from"), _moment(call, "to")
    words = [w.lower() for w in (call.query.get("filter") or "").split() if w]
    rows = audit.records(call)
    # Timestamps are shown to the millisecond: bounds compare at that precision.
    if start is not None:
        rows = [r for r in rows if int(r.created * 1000) >= int(start * 1000)]
    if end is not None:
        rows = [r for r in rows if int(r.created * 1000) <= int(end * 1000)]
    if words:
        rows = [r for r in rows if all(any(w in text for text in audit.searchable_text(r)) for w in words)]
    chosen = rows[offset : offset + limit]
    return {"offset": offset, "limit": limit, "total": len(rows), "records": [_render(call, r) for r in chosen]}
