"""The audit log: administrative changes recorded as Jira's audit records, in the change's transaction.

    audit.record(call, "Project created", "projects", audit.project_item(row),
                 changed=[("Name", None, row.name)])

Records carry who (authorAccountId), from where (the client's address), what object, the
changed values and associated items, as `GET /rest/api/3/auditing/record` returns them.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlmodel import select

from services.jira.call import JiraCall
from services.jira.models import AuditRecord, Group, Project, User

# The directory Jira names as the parent of users and groups in audit items (Atlassian's example).
DIRECTORY = {"parentId": "1", "parentName": "Jira Internal Directory"}


def user_item(row: User) -> dict[str, Any]:
    return {"id": row.account_id, "name": row.account_id, "typeName": "USER", **DIRECTORY}


def group_item(row: Group) -> dict[str, Any]:
    return {"id": row.id, "name": row.name, "typeName": "GROUP", **DIRECTORY}


def project_item(row: Project) -> dict[str, Any]:
    return {"id": row.id, "name": row.name, "typeName": "PROJECT"}


def record(
    call: JiraCall,
    summary: str,
    category: str,
    item: dict[str, Any],
    *,
    changed: Sequence[tuple[str, str | None, str | None]] | None = None,
    associated: list[dict[str, Any]] | None = None,
    description: str = "",
) -> AuditRecord:
    client = call.request.client
    row = AuditRecord(
        tenant_id=call.tenant.id,
        id=int(call.next_id("audit")) - 9999,  # audit record ids count from 1
        summary=summary,
        category=category,
        event_source="",
        author_id=call.account_id if call.principal else "",
        remote_address=client.host if client else "",
        object_item=item,
        changed_values=[
            {k: v for k, v in (("fieldName", name), ("changedFrom", old), ("changedTo", new)) if v is not None}
            for name, old, new in (changed or [])
        ],
        associated_items=associated or [],
        description=description,
        created=call.now(),
    )
    call.session.add(row)
    return row


def records(call: JiraCall) -> list[AuditRecord]:
    rows = call.session.exec(select(AuditRecord).where(AuditRecord.tenant_id == call.tenant.id)).all()
    return sorted(rows, key=lambda r: r.id, reverse=True)  # newest first


def searchable_text(row: AuditRecord) -> list[str]:
    """The fields `filter` matches: summary, category, eventSource, object and changed values, address."""
    item = row.object_item or {}
    texts = [row.summary, row.category, row.event_source, row.remote_address]
    texts += [str(item.get(k) or "") for k in ("name", "parentName", "typeName")]
    for value in row.changed_values or []:
        texts += [str(value.get("changedFrom") or ""), str(value.get("changedTo") or "")]
    return [t.lower() for t in texts if t]
