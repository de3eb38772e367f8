"""Wire shapes of issues and what hangs off them: comments, worklogs, links, changelog, transitions.

`fields` selects what `fields` holds (`*all` by default, `*navigable`, ids, `-id` to
exclude); `expand` adds renderedFields, names, schema, transitions, changelog, editmeta.
"""

from __future__ import annotations

import html
from collections.abc import Callable, Sequence
from typing import Any

from sqlmodel import col, or_, select

from services.jira import adf, catalog, render
from services.jira.call import JiraCall
from services.jira.domain import activity, fields, flows, lookup, workflow
from services.jira.models import ChangeGroup, Comment, CustomField, Issue, IssueLink, Project, User, Watcher, Worklog
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
            "status": render.status(call, flows.status(call, row.status_id)),
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
        "to": render.status(call, flows.status(call, row.to_status)),
        "hasScreen": bool(row.screen),
        "isGlobal": not row.from_statuses,
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


class Batch:
    """What a page of issues hangs off, loaded once per kind for the whole page (a constant number
    of queries however many issues are rendered). Users, projects and related issues are loaded
    into the session, so `render.user_by_id` / `lookup.*` find them without another query."""

    def __init__(self, call: JiraCall, rows: Sequence[Issue]) -> None:
        self.call = call
        self.ids = [r.id for r in rows]
        self._memo: dict[str, Any] = {}

    def _by_issue(self, kind: str, model: Any, column: Any, order: Callable[[Any], Any]) -> dict[str, list[Any]]:
        if kind not in self._memo:
            grouped: dict[str, list[Any]] = {i: [] for i in self.ids}
            rows = self.call.session.exec(
                select(model).where(model.tenant_id == self.call.tenant.id, column.in_(self.ids))
            ).all()
            for row in sorted(rows, key=order):
                grouped.setdefault(getattr(row, column.key), []).append(row)
            self._memo[kind] = grouped
        result: dict[str, list[Any]] = self._memo[kind]
        return result

    def people(self) -> None:
        """Every user of the site in the session's identity map (one query)."""
        if "users" not in self._memo:
            self._memo["users"] = self.call.session.exec(
                select(User).where(User.tenant_id == self.call.tenant.id)
            ).all()

    def customs(self) -> dict[str, CustomField]:
        if "customs" not in self._memo:
            self._memo["customs"] = fields.custom_fields(self.call)
        result: dict[str, CustomField] = self._memo["customs"]
        return result

    def comments(self, issue_id: str) -> list[Comment]:
        return self._by_issue("comments", Comment, Comment.issue_id, lambda c: (c.created, int(c.id)))[issue_id]

    def worklogs(self, issue_id: str) -> list[Worklog]:
        return self._by_issue("worklogs", Worklog, Worklog.issue_id, lambda w: (w.started, int(w.id)))[issue_id]

    def watchers(self, issue_id: str) -> list[Watcher]:
        return self._by_issue("watchers", Watcher, Watcher.issue_id, lambda w: (w.created, w.account_id))[issue_id]

    def changelog(self, issue_id: str) -> list[ChangeGroup]:
        return self._by_issue("changelog", ChangeGroup, ChangeGroup.issue_id, lambda g: int(g.id))[issue_id]

    def subtasks(self, issue_id: str) -> list[Issue]:
        return self._by_issue("subtasks", Issue, Issue.parent_id, lambda i: int(i.id)).get(issue_id, [])

    def links(self, issue_id: str) -> list[IssueLink]:
        if "links" not in self._memo:
            tid = self.call.tenant.id
            rows = self.call.session.exec(
                select(IssueLink).where(
                    IssueLink.tenant_id == tid,
                    or_(col(IssueLink.inward_issue_id).in_(self.ids), col(IssueLink.outward_issue_id).in_(self.ids)),
                )
            ).all()
            grouped: dict[str, list[IssueLink]] = {i: [] for i in self.ids}
            for row in sorted(rows, key=lambda r: int(r.id)):
                for side in {row.inward_issue_id, row.outward_issue_id}:
                    if side in grouped:
                        grouped[side].append(row)
            self._memo["links"] = grouped
        result: list[IssueLink] = self._memo["links"][issue_id]
        return result

    def related(self, rows: Sequence[Issue]) -> None:
        """Parents and linked issues, and every project involved, into the session (two queries)."""
        if "related" in self._memo:
            return
        wanted = {r.parent_id for r in rows if r.parent_id}
        for issue_id in self.ids:
            for item in self.links(issue_id):
                wanted.update((item.inward_issue_id, item.outward_issue_id))
        tid = self.call.tenant.id
        found = list(
            self.call.session.exec(select(Issue).where(Issue.tenant_id == tid, col(Issue.id).in_(wanted))).all()
        )
        project_ids = {r.project_id for r in [*rows, *found]}
        projects = self.call.session.exec(
            select(Project).where(Project.tenant_id == tid, col(Project.id).in_(project_ids))
        ).all()
        # Held here: the session's identity map is weak, unreferenced rows would be loaded again.
        self._memo["related"] = (found, projects)


# The keys of an issue's `fields`, in Jira's order (`parent` only when the issue has one).
FIELD_ORDER = (
    "statuscategorychangedate",
    "issuetype",
    "timespent",
    "project",
    "fixVersions",
    "aggregatetimespent",
    "resolution",
    "resolutiondate",
    "workratio",
    "watches",
    "lastViewed",
    "created",
    "priority",
    "labels",
    "aggregatetimeoriginalestimate",
    "timeestimate",
    "versions",
    "issuelinks",
    "assignee",
    "updated",
    "status",
    "components",
    "timeoriginalestimate",
    "description",
    "timetracking",
    "security",
    "attachment",
    "aggregatetimeestimate",
    "summary",
    "creator",
    "subtasks",
    "reporter",
    "aggregateprogress",
    "environment",
    "duedate",
    "progress",
    "votes",
    "comment",
    "worklog",
)


def _available(call: JiraCall, row: Issue, customs: dict[str, CustomField]) -> list[str]:
    keys = list(FIELD_ORDER)
    if row.parent_id and lookup.issue_or_none(call, row.parent_id) is not None:
        keys.append("parent")
    keys.extend(customs)
    return keys


def _field_values(
    call: JiraCall, row: Issue, customs: dict[str, CustomField], batch: Batch, chosen: list[str]
) -> dict[str, Any]:
    """The values of the `chosen` fields only (a search page asks for the navigable ones)."""
    wanted = set(chosen)
    spent = sum(w.time_spent_seconds for w in batch.worklogs(row.id)) or None
    values: dict[str, Any] = {}

    def put(key: str, make: Callable[[], Any]) -> None:
        if key in wanted:
            values[key] = make()

    put("statuscategorychangedate", lambda: iso(row.status_category_changed))
    put("issuetype", lambda: render.issue_type(call, catalog.ISSUE_TYPE_BY_ID[row.issuetype_id]))
    put("timespent", lambda: spent)
    put("project", lambda: render.project_ref(call, lookup.project(call, row.project_id)))
    put("fixVersions", list)
    put("aggregatetimespent", lambda: spent)
    put(
        "resolution",
        lambda: render.resolution(call, catalog.RESOLUTION_BY_ID[row.resolution_id]) if row.resolution_id else None,
    )
    put("resolutiondate", lambda: iso(row.resolutiondate))
    put("workratio", lambda: -1)
    put(
        "watches",
        lambda: {
            "self": f"{call.api}/issue/{row.key}/watchers",
            "watchCount": len(batch.watchers(row.id)),
            "isWatching": any(w.account_id == call.account_id for w in batch.watchers(row.id)),
        },
    )
    put("lastViewed", lambda: None)
    put("created", lambda: iso(row.created))
    put("priority", lambda: render.priority(call, catalog.PRIORITY_BY_ID[row.priority_id]) if row.priority_id else None)
    put("labels", lambda: list(row.labels or []))
    put("aggregatetimeoriginalestimate", lambda: None)
    put("timeestimate", lambda: None)
    put("versions", list)
    put("issuelinks", lambda: [link(call, item, row) for item in batch.links(row.id)])
    put("assignee", lambda: render.user_by_id(call, row.assignee_id))
    put("updated", lambda: iso(row.updated))
    put("status", lambda: render.status(call, flows.status(call, row.status_id)))
    put("components", list)
    put("timeoriginalestimate", lambda: None)
    put("description", lambda: adf.present(row.description, call.v3))
    put(
        "timetracking",
        lambda: {"timeSpent": activity.format_duration(spent), "timeSpentSeconds": spent} if spent else {},
    )
    put("security", lambda: None)
    put("attachment", list)
    put("aggregatetimeestimate", lambda: None)
    put("summary", lambda: row.summary)
    put("creator", lambda: render.user_by_id(call, row.creator_id))
    put("subtasks", lambda: [issue_summary_ref(call, child) for child in batch.subtasks(row.id)])
    put("reporter", lambda: render.user_by_id(call, row.reporter_id))
    put("aggregateprogress", lambda: {"progress": spent or 0, "total": spent or 0})
    put("environment", lambda: adf.present(row.environment, call.v3))
    put("duedate", lambda: row.duedate)
    put("progress", lambda: {"progress": spent or 0, "total": spent or 0})
    put("votes", lambda: {"self": f"{call.api}/issue/{row.key}/votes", "votes": row.votes, "hasVoted": False})
    if "comment" in wanted:
        comments = batch.comments(row.id)
        values["comment"] = {
            "comments": [comment(call, c) for c in comments],
            "self": f"{call.api}/issue/{row.id}/comment",
            "maxResults": len(comments),
            "total": len(comments),
            "startAt": 0,
        }
    if "worklog" in wanted:
        logs = batch.worklogs(row.id)
        values["worklog"] = {
            "startAt": 0,
            "maxResults": 20,
            "total": len(logs),
            "worklogs": [worklog(call, w) for w in logs[:20]],
        }
    if "parent" in wanted and row.parent_id:
        parent = lookup.issue_or_none(call, row.parent_id)
        if parent is not None:
            values["parent"] = issue_summary_ref(call, parent)
    stored = row.custom or {}
    for field_id, spec in customs.items():
        if field_id in wanted:
            values[field_id] = fields.present_custom(call, spec, stored.get(field_id))
    return {key: values[key] for key in chosen if key in values}


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


def _rendered(values: dict[str, Any], row: Issue, batch: Batch) -> dict[str, Any]:
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
                for c, src in zip(values["comment"]["comments"], batch.comments(row.id), strict=False)
            ],
        }
    return rendered


def _html(doc: dict[str, Any] | None) -> str | None:
    text = adf.to_text(doc)
    if text is None:
        return None
    return "".join(f"<p>{html.escape(block).replace(chr(10), '<br/>')}</p>" for block in text.split("\n\n"))


def issue(
    call: JiraCall,
    row: Issue,
    requested: list[str] | None = None,
    expand: set[str] | None = None,
    batch: Batch | None = None,
) -> dict[str, Any]:
    """One issue; a page of them shares one `Batch` (see `page`)."""
    expand = expand or set()
    batch = batch or Batch(call, [row])
    batch.people()
    batch.related([row])
    customs = batch.customs()
    chosen = selected(requested or [], _available(call, row, customs))
    values = _field_values(call, row, customs, batch, chosen)
    body: dict[str, Any] = {
        "expand": ISSUE_EXPAND,
        "id": row.id,
        "self": f"{call.api}/issue/{row.id}",
        "key": row.key,
    }
    if "renderedFields" in expand:
        rendered = _rendered(values, row, batch)
        body["renderedFields"] = {k: rendered.get(k) for k in chosen}
    if "names" in expand:
        names = _names(customs)
        body["names"] = {k: names.get(k, k) for k in chosen}
    if "schema" in expand:
        schemas = {f.id: f.schema for f in catalog.SYSTEM_FIELDS if f.schema}
        schemas.update({cid: render.custom_field_schema(spec) for cid, spec in customs.items()})
        body["schema"] = {k: schemas[k] for k in chosen if k in schemas}
    if "transitions" in expand:
        body["transitions"] = [
            transition(call, t, "transitions.fields" in expand) for t in workflow.available(call, row)
        ]
    if "editmeta" in expand:
        project = lookup.project(call, row.project_id)
        body["editmeta"] = {
            "fields": fields.settable(call, project, catalog.ISSUE_TYPE_BY_ID[row.issuetype_id], "edit")
        }
    if "changelog" in expand:
        groups = batch.changelog(row.id)
        body["changelog"] = {
            "startAt": 0,
            "maxResults": len(groups),
            "total": len(groups),
            "histories": [history(call, g) for g in groups],
        }
    body["fields"] = values
    return body


def page(call: JiraCall, rows: Sequence[Issue], requested: list[str], expand: set[str]) -> list[dict[str, Any]]:
    """A page of issues (search results) rendered with one shared `Batch`."""
    batch = Batch(call, rows)
    batch.people()
    batch.related(rows)
    return [issue(call, row, requested, expand, batch) for row in rows]
