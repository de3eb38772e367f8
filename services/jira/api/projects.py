"""Projects: create, read by key/id/old key, list and search, update (incl. key), delete."""

from __future__ import annotations

from typing import Any

from sqlmodel import select

from services.jira import catalog, paging, render
from services.jira.call import JiraCall, Reply
from services.jira.domain import flows, lookup, projects
from services.jira.endpoint import route
from services.jira.models import Issue, Project
from services.jira.timefmt import iso


def _expand(call: JiraCall) -> set[str]:
    return set(call.csv("expand"))


def _render(call: JiraCall, row: Project, *, full: bool) -> dict[str, Any]:
    expand = _expand(call)
    keys = lookup.project_keys(call, row.id) if "projectKeys" in expand else None
    body = render.project(call, row, full=full, expand=expand, keys=keys)
    if "insight" in expand:
        issues = call.session.exec(
            select(Issue).where(Issue.tenant_id == call.tenant.id, Issue.project_id == row.id)
        ).all()
        body["insight"] = {
            "totalIssueCount": len(issues),
            "lastIssueUpdateTime": iso(max((i.updated for i in issues), default=None)),
        }
    return body


@route("GET", "/project", "getAllProjects")
def all_projects(call: JiraCall) -> list[dict[str, Any]]:
    return [_render(call, row, full=False) for row in projects.visible(call)]


@route("POST", "/project", "createProject")
def create_project(call: JiraCall) -> Reply:
    row = projects.create(call, call.body_object())
    # Jira answers the new project's id as a number here (and as a string everywhere else).
    return Reply({"self": f"{call.api}/project/{row.id}", "id": int(row.id), "key": row.key}, status=201)


ORDERINGS = {
    "key": lambda p: p.key,
    "name": lambda p: p.name.lower(),
    "category": lambda p: p.category_id or "",
    "owner": lambda p: p.lead_account_id,
}


@route("GET", "/project/search", "searchProjects")
def search_projects(call: JiraCall) -> dict[str, Any]:
    start, size = paging.window(call, 50, 100)
    rows = projects.visible(call)
    query = (call.query.get("query") or "").strip().lower()
    if query:
        rows = [p for p in rows if query in p.key.lower() or query in p.name.lower()]
    keys = {k.upper() for k in call.csv("keys")}
    if keys:
        rows = [p for p in rows if p.key in keys or p.id in keys]
    type_keys = set(call.csv("typeKey"))
    if type_keys:
        rows = [p for p in rows if p.project_type_key in type_keys]
    order = call.query.get("orderBy") or "key"
    descending = order.startswith("-")
    key_fn = ORDERINGS.get(order.lstrip("+-"), ORDERINGS["key"])
    rows = sorted(rows, key=key_fn, reverse=descending)
    return paging.page_body(call, [_render(call, row, full=False) for row in rows], start, size)


@route("GET", "/project/{projectIdOrKey}", "getProject")
def get_project(call: JiraCall) -> dict[str, Any]:
    return _render(call, lookup.project(call, call.path["projectIdOrKey"]), full=True)


@route("PUT", "/project/{projectIdOrKey}", "updateProject")
def update_project(call: JiraCall) -> dict[str, Any]:
    row = projects.update(call, lookup.project(call, call.path["projectIdOrKey"]), call.body_object())
    return _render(call, row, full=True)


@route("DELETE", "/project/{projectIdOrKey}", "deleteProject")
def delete_project(call: JiraCall) -> Reply:
    projects.delete(call, lookup.project(call, call.path["projectIdOrKey"]))
    return Reply(status=204)


@route("GET", "/project/{projectIdOrKey}/statuses", "getAllStatuses")
def project_statuses(call: JiraCall) -> list[dict[str, Any]]:
    project = lookup.project(call, call.path["projectIdOrKey"])
    return [
        {
            "self": f"{call.api}/issuetype/{t.id}",
            "id": t.id,
            "name": t.name,
            "subtask": t.subtask,
            "statuses": [
                render.status(call, flows.status(call, s)) for s in flows.for_type(call, project.id, t.id).statuses
            ],
        }
        for t in catalog.ISSUE_TYPES
    ]


@route("GET", "/project/{projectIdOrKey}/components", "getProjectComponents")
def project_components(call: JiraCall) -> list[dict[str, Any]]:
    lookup.project(call, call.path["projectIdOrKey"])
    return []


@route("GET", "/project/{projectIdOrKey}/versions", "getProjectVersions")
def project_versions(call: JiraCall) -> list[dict[str, Any]]:
    lookup.project(call, call.path["projectIdOrKey"])
    return []
