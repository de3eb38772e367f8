"""Wire shapes of issues and what hangs off them: comments, worklogs, links, changelog, transitions.

`fields` selects what `fields` holds (`*all` by default, `*navigable`, ids, `-id` to
exclude); `expand` adds renderedFields, names, schema, transitions, changelog, editmeta.
"""

from __future__ import annotations

import html
from typing import Any

from sqlmodel import select

from services.jira import adf, catalog, render
from services.jira.call import JiraCall
from services.jira.domain import activity, fields, lookup, relations, workflow
from services.jira.models import ChangeGroup, Comment, CustomField, Issue, IssueLink, Worklog
from services.jira.timefmt import iso

ISSUE_EXPAND = "renderedFields,names,schema,operations,editmeta,changelog,versionedRepresentations"
NON_NAVIGABLE = {"comment", "worklog"}  # in `*all`, not in `*navigable` (search's default in v2 /search is *navigable)


def comment(call: JiraCall, row: Comment) -> dict[str, Any]:
    body: dict[str, Any] = {
        "self": f"{call.api}/issue/{row.issue_id}/comment/{row.id}",
        "id": row.id,
        "author": render.user_by_id(call, row.author_id),
        "body": adf.present(row.body, call.v3),
        "updateAuthor": render.user_by_id(call, row.update_author_id),
        "created": iso(row.created),
        "updated": iso(row.updated),
        "jsdPublic": True,
    }
    if row.visibility:
        body["visibility"] = row.visibility
    return body


def worklog(call: JiraCall, row: Worklog) -> dict[str, Any]:
    body: dict[str, Any] = {
        "self": f"{call.api}/issue/{row.issue_id}/worklog/{row.id}",
        "author": render.user_by_id(call, row.author_id),
        "updateAuthor": render.user_by_id(call, row.update_author_id),
    }
    if row.comment is not None:
        body["comment"] = adf.present(row.comment, call.v3)
    body.update(
        {
            "created": iso(row.created),
            "updated": iso(row.updated),
            "started": iso(row.started),
            "timeSpent": activity.format_duration(row.time_spent_seconds),
            "timeSpentSeconds": row.time_spent_seconds,
            "id": row.id,
            "issueId": row.issue_id,
        }
    )
    return body


def issue_summary_ref(call: JiraCall, row: Issue) -> dict[str, Any]:
    """How a linked issue, parent or subtask appears inside another issue."""
    return {
        "id": row.id,
        "key": row.key,
        "self": f"{call.api}/issue/{row.id}",
        "fields": {
            "summary": row.summary,
            "status": render.status(call, catalog.STATUS_BY_ID[row.status_id]),
            "priority": render.priority(call, catalog.PRIORITY_BY_ID[row.priority_id or catalog.DEFAULT_PRIORITY]),
            "issuetype": render.issue_type(call, catalog.ISSUE_TYPE_BY_ID[row.issuetype_id]),
        },
    }


def link(call: JiraCall, row: IssueLink, viewer: Issue | None = None) -> dict[str, Any]:
    """A link; seen from `viewer` it names only the other issue (`outwardIssue` from the inward side)."""
    kind = render.link_type(call, catalog.LINK_TYPE_BY_ID[row.type_id])
    body: dict[str, Any] = {"id": row.id, "self": f"{call.api}/issueLink/{row.id}", "type": kind}
    inward = lookup.issue_or_none(call, row.inward_issue_id)
    outward = lookup.issue_or_none(call, row.outward_issue_id)
    if (viewer is None or viewer.id == row.outward_issue_id) and inward is not None:
        body["inwardIssue"] = issue_summary_ref(call, inward)
    if (viewer is None or viewer.id == row.inward_issue_id) and outward is not None:
        body["outwardIssue"] = issue_summary_ref(call, outward)
    return body


def history(call: JiraCall, row: ChangeGroup) -> dict[str, Any]:
    return {
        "id": row.id,
        "author": render.user_by_id(call, row.author_id),
        "created": iso(row.created),
        "items": row.items or [],
    }


def changelog_rows(call: JiraCall, issue: Issue) -> list[ChangeGroup]:
    rows = call.session.exec(
        select(ChangeGroup).where(ChangeGroup.tenant_id == call.tenant.id, ChangeGroup.issue_id == issue.id)
    ).all()
    return sorted(rows, key=lambda g: int(g.id))


def transition(call: JiraCall, row: catalog.Transition, with_fields: bool) -> dict[str, Any]:
    body: dict[str, Any] = {
        "id": row.id,
        "name": row.name,
        "to": render.status(call, catalog.STATUS_BY_ID[row.to_status]),
        "hasScreen": bool(row.screen),
        "isGlobal": True,
        "isInitial": False,
        "isAvailable": True,
        "isConditional": False,
        "isLooped": False,
    }
    if with_fields:
        screen: dict[str, Any] = {}
        for field_id in row.screen:
            if field_id == "resolution":
                screen["resolution"] = {
                    "required": True,
                    "schema": {"type": "resolution", "system": "resolution"},
                    "name": "Resolution",
                    "key": "resolution",
                    "hasDefaultValue": True,
                    "operations": ["set"],
                    "allowedValues": [render.resolution(call, r) for r in catalog.RESOLUTIONS],
                    "defaultValue": render.resolution(call, catalog.RESOLUTION_BY_ID[catalog.DEFAULT_RESOLUTION]),
                }
            elif field_id == "assignee":
                screen["assignee"] = {
                    "required": False,
                    "schema": {"type": "user", "system": "assignee"},
                    "name": "Assignee",
                    "key": "assignee",
                    "hasDefaultValue": False,
                    "operations": ["set"],
                }
        body["fields"] = screen
    return body


def _field_values(call: JiraCall, row: Issue, customs: dict[str, CustomField]) -> dict[str, Any]:
    project = lookup.project(call, row.project_id)
    comments = activity.comments(call, row)
    logs = activity.worklogs(call, row)
    watcher_rows = relations.watchers(call, row)
    spent = sum(w.time_spent_seconds for w in logs) or None
    values: dict[str, Any] = {
        "statuscategorychangedate": iso(row.status_category_changed),
        "issuetype": render.issue_type(call, catalog.ISSUE_TYPE_BY_ID[row.issuetype_id]),
        "timespent": spent,
        "project": render.project_ref(call, project),
        "fixVersions": [],
        "aggregatetimespent": spent,
        "resolution": render.resolution(call, catalog.RESOLUTION_BY_ID[row.resolution_id])
        if row.resolution_id
        else None,
        "resolutiondate": iso(row.resolutiondate),
        "workratio": -1,
        "watches": {
            "self": f"{call.api}/issue/{row.key}/watchers",
            "watchCount": len(watcher_rows),
            "isWatching": any(w.account_id == call.account_id for w in watcher_rows),
        },
        "lastViewed": None,
        "created": iso(row.created),
        "priority": render.priority(call, catalog.PRIORITY_BY_ID[row.priority_id]) if row.priority_id else None,
        "labels": list(row.labels or []),
        "aggregatetimeoriginalestimate": None,
        "timeestimate": None,
        "versions": [],
        "issuelinks": [link(call, item, row) for item in relations.links_of(call, row)],
        "assignee": render.user_by_id(call, row.assignee_id),
        "updated": iso(row.updated),
        "status": render.status(call, catalog.STATUS_BY_ID[row.status_id]),
        "components": [],
        "timeoriginalestimate": None,
        "description": adf.present(row.description, call.v3),
        "timetracking": {"timeSpent": activity.format_duration(spent), "timeSpentSeconds": spent} if spent else {},
        "security": None,
        "attachment": [],
        "aggregatetimeestimate": None,
        "summary": row.summary,
        "creator": render.user_by_id(call, row.creator_id),
        "subtasks": [issue_summary_ref(call, child) for child in _subtasks(call, row)],
        "reporter": render.user_by_id(call, row.reporter_id),
        "aggregateprogress": {"progress": spent or 0, "total": spent or 0},
        "environment": adf.present(row.environment, call.v3),
        "duedate": row.duedate,
        "progress": {"progress": spent or 0, "total": spent or 0},
        "votes": {"self": f"{call.api}/issue/{row.key}/votes", "votes": row.votes, "hasVoted": False},
        "comment": {
            "comments": [comment(call, c) for c in comments],
            "self": f"{call.api}/issue/{row.id}/comment",
            "maxResults": len(comments),
            "total": len(comments),
            "startAt": 0,
        },
        "worklog": {
            "startAt": 0,
            "maxResults": 20,
            "total": len(logs),
            "worklogs": [worklog(call, w) for w in logs[:20]],
        },
    }
    if row.parent_id:
        parent = lookup.issue_or_none(call, row.parent_id)
        if parent is not None:
            values["parent"] = issue_summary_ref(call, parent)
    stored = row.custom or {}
    for field_id, spec in customs.items():
        values[field_id] = fields.present_custom(call, spec, stored.get(field_id))
    return values


def _subtasks(call: JiraCall, row: Issue) -> list[Issue]:
    children = call.session.exec(
        select(Issue).where(Issue.tenant_id == call.tenant.id, Issue.parent_id == row.id)
    ).all()
    return sorted(children, key=lambda i: int(i.id))


def selected(requested: list[str], available: list[str]) -> list[str]:
    """Apply Jira's `fields` parameter (`*all`, `*navigable`, ids, `-id`) to the field ids."""
    if not requested:
        requested = ["*all"]
    chosen: list[str] = []
    excluded = {f[1:] for f in requested if f.startswith("-")}
    for item in requested:
        if item == "*all":
            chosen.extend(available)
        elif item == "*navigable":
            chosen.extend(f for f in available if f not in NON_NAVIGABLE)
        elif not item.startswith("-") and item in available:
            chosen.append(item)
    seen: list[str] = []
    for field_id in chosen:
        if field_id not in seen and field_id not in excluded:
            seen.append(field_id)
    return seen


def _names(customs: dict[str, CustomField]) -> dict[str, str]:
    names = {f.id: f.name for f in catalog.SYSTEM_FIELDS}
    names.update({cid: row.name for cid, row in customs.items()})
    return names


def _rendered(call: JiraCall, values: dict[str, Any], row: Issue) -> dict[str, Any]:
    rendered: dict[str, Any] = {key: None for key in values}
    for key in ("created", "updated", "resolutiondate", "statuscategorychangedate", "lastViewed"):
        if key in values:
            rendered[key] = values[key]
    for key in ("description", "environment"):
        if key in values:
            rendered[key] = _html(getattr(row, key))
    if "comment" in values:
        rendered["comment"] = {
            **values["comment"],
            "comments": [
                {**c, "body": _html(src.body)}
                for c, src in zip(values["comment"]["comments"], activity.comments(call, row), strict=False)
            ],
        }
    return rendered


def _html(doc: dict[str, Any] | None) -> str | None:
    text = adf.to_text(doc)
    if text is None:
        return None
    return "".join(f"<p>{html.escape(block).replace(chr(10), '<br/>')}</p>" for block in text.split("\n\n"))


def issue(
    call: JiraCall, row: Issue, requested: list[str] | None = None, expand: set[str] | None = None
) -> dict[str, Any]:
    expand = expand or set()
    customs = fields.custom_fields(call)
    values = _field_values(call, row, customs)
    chosen = selected(requested or [], list(values))
    body: dict[str, Any] = {
        "expand": ISSUE_EXPAND,
        "id": row.id,
        "self": f"{call.api}/issue/{row.id}",
        "key": row.key,
    }
    if "renderedFields" in expand:
        rendered = _rendered(call, values, row)
        body["renderedFields"] = {k: rendered.get(k) for k in chosen}
    if "names" in expand:
        names = _names(customs)
        body["names"] = {k: names.get(k, k) for k in chosen}
    if "schema" in expand:
        schemas = {f.id: f.schema for f in catalog.SYSTEM_FIELDS if f.schema}
        schemas.update({cid: render.custom_field_schema(spec) for cid, spec in customs.items()})
        body["schema"] = {k: schemas[k] for k in chosen if k in schemas}
    if "transitions" in expand:
        body["transitions"] = [transition(call, t, "transitions.fields" in expand) for t in workflow.available(row)]
    if "editmeta" in expand:
        project = lookup.project(call, row.project_id)
        body["editmeta"] = {
            "fields": fields.settable(call, project, catalog.ISSUE_TYPE_BY_ID[row.issuetype_id], "edit")
        }
    if "changelog" in expand:
        groups = changelog_rows(call, row)
        body["changelog"] = {
            "startAt": 0,
            "maxResults": len(groups),
            "total": len(groups),
            "histories": [history(call, g) for g in groups],
        }
    body["fields"] = {k: values[k] for k in chosen}
    return body
