"""Applying a transition of the issue's workflow (domain/flows.py says which one).

The default workflow (To Do -> In Progress -> Done, every transition global): entering Done
sets the resolution (Done unless the transition screen says otherwise) and `resolutiondate`;
leaving Done clears both, as Jira's simplified workflow does. Custom workflows change the
resolution only when a transition with a screen is given one (Jira leaves it to post-functions).
"""

from __future__ import annotations

from typing import Any

from services.jira import catalog, webhooks
from services.jira.call import JiraCall
from services.jira.domain import activity, flows, history
from services.jira.domain.fields import FieldProblem, Item, cannot_be_set, set_field
from services.jira.errors import JiraError
from services.jira.models import Issue

DONE_CATEGORY = 3


def available(call: JiraCall, issue: Issue) -> list[catalog.Transition]:
    return flows.available(call, issue)


def _resolution(value: Any) -> catalog.Resolution:
    if isinstance(value, dict):
        for row in catalog.RESOLUTIONS:
            if str(value.get("id")) == row.id or (value.get("id") is None and value.get("name") == row.name):
                return row
    raise FieldProblem("Could not find resolution with the given id or name.")


def transition(call: JiraCall, issue: Issue, body: dict[str, Any]) -> None:
    spec = body.get("transition")
    ident = spec.get("id") if isinstance(spec, dict) else None
    if ident is None:
        raise JiraError(400, "Missing 'transition' identifier")
    chosen = next((t for t in available(call, issue) if t.id == str(ident)), None)
    if chosen is None:
        raise JiraError(400, f"Transition id '{ident}' is not valid for this issue.")
    fields = body.get("fields") or {}
    update = body.get("update") or {}
    if not isinstance(fields, dict) or not isinstance(update, dict):
        raise JiraError(400, "Can not deserialize 'fields' or 'update': they must be objects.")
    errors: dict[str, str] = {}
    items: list[Item | None] = []
    resolution_id: str | None = None
    target = flows.status(call, chosen.to_status)
    entering_done = target.category_id == DONE_CATEGORY
    for field_id, value in fields.items():
        if field_id not in chosen.screen:
            errors[field_id] = cannot_be_set(field_id)
            continue
        try:
            if field_id == "resolution":
                resolution_id = _resolution(value).id
            else:
                items.append(set_field(call, issue, field_id, value))
        except FieldProblem as problem:
            errors[field_id] = str(problem)
    comments: list[Any] = []
    worklogs: list[dict[str, Any]] = []
    for field_id, operations in update.items():
        if not isinstance(operations, list):
            errors[field_id] = "Can not deserialize the operations: each field takes a list of operations."
            continue
        for operation in operations:
            add = operation.get("add") if isinstance(operation, dict) else None
            if field_id == "comment" and isinstance(add, dict):
                comments.append(add.get("body"))
            elif field_id == "worklog" and isinstance(add, dict):
                worklogs.append(add)
            else:
                errors[field_id] = cannot_be_set(field_id)
    if errors:
        raise JiraError(400, errors=errors)
    old_status = flows.status(call, issue.status_id)
    now = call.now()
    issue.status_id = target.id
    items.insert(0, Item("status", "status", old_status.id, old_status.name, target.id, target.name))
    if old_status.category_id != target.category_id:
        issue.status_category_changed = now
    old_resolution = issue.resolution_id
    if not chosen.sets_resolution:
        if resolution_id is not None:
            issue.resolution_id = resolution_id
            issue.resolutiondate = now
    elif entering_done:
        issue.resolution_id = resolution_id or catalog.DEFAULT_RESOLUTION
        issue.resolutiondate = now
    else:
        issue.resolution_id = None
        issue.resolutiondate = None
    if old_resolution != issue.resolution_id:
        names = {r.id: r.name for r in catalog.RESOLUTIONS}
        items.insert(
            0,
            Item(
                "resolution",
                "resolution",
                old_resolution,
                names.get(old_resolution or ""),
                issue.resolution_id,
                names.get(issue.resolution_id or ""),
            ),
        )
    group = history.record(call, issue, items)
    call.session.add(issue)
    webhooks.emit(call, "jira:issue_updated", type_name="issue_generic", issue=issue, changelog=group)
    for comment_body in comments:
        activity.add_comment(call, issue, {"body": comment_body})
    for worklog in worklogs:
        activity.add_worklog(call, issue, worklog)
