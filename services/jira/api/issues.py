"""Issues: create (single, bulk), createmeta/editmeta, get, edit, delete, assign, changelog, transitions."""

from __future__ import annotations

from typing import Any

from services.jira import catalog, issue_render, paging, render
from services.jira.call import JiraCall, Reply
from services.jira.domain import fields, issues, lookup, projects, workflow
from services.jira.endpoint import route
from services.jira.errors import JiraError


def _ref(call: JiraCall, row: Any) -> dict[str, Any]:
    return {"id": row.id, "key": row.key, "self": f"{call.api}/issue/{row.id}"}


@route("POST", "/issue", "createIssue")
def create_issue(call: JiraCall) -> Reply:
    return Reply(_ref(call, issues.create(call, call.body)), status=201)


@route("POST", "/issue/bulk", "createIssues")
def create_issues(call: JiraCall) -> Reply:
    updates = call.body_object().get("issueUpdates")
    if not isinstance(updates, list):
        raise JiraError(400, "Can not deserialize the issue updates: issueUpdates must be a list.")
    created: list[dict[str, Any]] = []
    failures: list[dict[str, Any]] = []
    for index, update in enumerate(updates):
        try:
            created.append(_ref(call, issues.create(call, update)))
        except JiraError as error:
            failures.append(
                {
                    "status": error.status_code,
                    "elementErrors": {"errorMessages": error.messages, "errors": error.errors},
                    "failedElementNumber": index,
                }
            )
    body = {"issues": created, "errors": failures}
    # Jira answers 201 when any issue was created, 400 (same body) when none was.
    return Reply(body, status=201 if created or not failures else 400)


def _type_meta(call: JiraCall, project: Any, itype: catalog.IssueType, with_fields: bool) -> dict[str, Any]:
    body = {**render.issue_type(call, itype), "expand": "fields"}
    if with_fields:
        body["fields"] = fields.settable(call, project, itype, "create")
    return body


@route("GET", "/issue/createmeta", "getCreateIssueMeta")
def create_meta(call: JiraCall) -> dict[str, Any]:
    keys = {k.upper() for k in call.csv("projectKeys")}
    ids = set(call.csv("projectIds"))
    type_ids = set(call.csv("issuetypeIds"))
    type_names = set(call.csv("issuetypeNames"))
    with_fields = "projects.issuetypes.fields" in call.csv("expand")
    chosen = []
    for project in projects.visible(call):
        if (keys or ids) and project.key not in keys and project.id not in ids:
            continue
        types = [
            t
            for t in catalog.ISSUE_TYPES
            if (not type_ids and not type_names) or t.id in type_ids or t.name in type_names
        ]
        chosen.append(
            {
                "expand": "issuetypes",
                "self": f"{call.api}/project/{project.id}",
                "id": project.id,
                "key": project.key,
                "name": project.name,
                "avatarUrls": render.project_avatars(call, project),
                "issuetypes": [_type_meta(call, project, t, with_fields) for t in types],
            }
        )
    return {"expand": "projects", "projects": chosen}


@route("GET", "/issue/createmeta/{projectIdOrKey}/issuetypes", "getCreateIssueMetaIssueTypes")
def create_meta_types(call: JiraCall) -> dict[str, Any]:
    lookup.project(call, call.path["projectIdOrKey"])
    start, size = paging.window(call, 50, 200)
    items = [render.issue_type(call, t) for t in catalog.ISSUE_TYPES]
    body = paging.page_body(call, items, start, size, key="issueTypes")
    return {"issueTypes": body["issueTypes"], "maxResults": size, "startAt": start, "total": len(items)}


@route("GET", "/issue/createmeta/{projectIdOrKey}/issuetypes/{issueTypeId}", "getCreateIssueMetaIssueTypeId")
def create_meta_fields(call: JiraCall) -> dict[str, Any]:
    project = lookup.project(call, call.path["projectIdOrKey"])
    itype = catalog.ISSUE_TYPE_BY_ID.get(call.path["issueTypeId"])
    if itype is None:
        raise JiraError(404, "The issue type ID specified doesn't exist.")
    start, size = paging.window(call, 50, 200)
    items = [
        {**meta, "fieldId": field_id} for field_id, meta in fields.settable(call, project, itype, "create").items()
    ]
    chosen = items[start : start + size]
    return {"fields": chosen, "maxResults": size, "startAt": start, "total": len(items)}


@route("GET", "/issue/{issueIdOrKey}", "getIssue")
def get_issue(call: JiraCall) -> dict[str, Any]:
    row = lookup.issue(call, call.path["issueIdOrKey"])
    return issue_render.issue(call, row, call.csv("fields"), set(call.csv("expand")))


@route("PUT", "/issue/{issueIdOrKey}", "editIssue")
def edit_issue(call: JiraCall) -> Reply:
    row = lookup.issue(call, call.path["issueIdOrKey"])
    issues.edit(call, row, call.body)
    if call.flag("returnIssue"):
        return Reply(issue_render.issue(call, row, None, set(call.csv("expand"))))
    return Reply(status=204)


@route("DELETE", "/issue/{issueIdOrKey}", "deleteIssue")
def delete_issue(call: JiraCall) -> Reply:
    issues.delete(call, lookup.issue(call, call.path["issueIdOrKey"]), call.flag("deleteSubtasks"))
    return Reply(status=204)


@route("PUT", "/issue/{issueIdOrKey}/assignee", "assignIssue")
def assign_issue(call: JiraCall) -> Reply:
    issues.assign(call, lookup.issue(call, call.path["issueIdOrKey"]), call.body)
    return Reply(status=204)


@route("GET", "/issue/{issueIdOrKey}/editmeta", "getEditIssueMeta")
def edit_meta(call: JiraCall) -> dict[str, Any]:
    row = lookup.issue(call, call.path["issueIdOrKey"])
    project = lookup.project(call, row.project_id)
    return {"fields": fields.settable(call, project, catalog.ISSUE_TYPE_BY_ID[row.issuetype_id], "edit")}


@route("GET", "/issue/{issueIdOrKey}/changelog", "getChangeLogs")
def changelog(call: JiraCall) -> dict[str, Any]:
    row = lookup.issue(call, call.path["issueIdOrKey"])
    start, size = paging.window(call, 100, 100)
    items = [issue_render.history(call, g) for g in issue_render.changelog_rows(call, row)]
    return paging.page_body(call, items, start, size)


@route("GET", "/issue/{issueIdOrKey}/transitions", "getTransitions")
def transitions(call: JiraCall) -> dict[str, Any]:
    row = lookup.issue(call, call.path["issueIdOrKey"])
    wanted = call.query.get("transitionId")
    with_fields = "transitions.fields" in call.csv("expand")
    chosen = [t for t in workflow.available(call, row) if wanted in (None, "", t.id)]
    return {
        "expand": "transitions",
        "transitions": [issue_render.transition(call, t, with_fields) for t in chosen],
    }


@route("POST", "/issue/{issueIdOrKey}/transitions", "doTransition")
def do_transition(call: JiraCall) -> Reply:
    workflow.transition(call, lookup.issue(call, call.path["issueIdOrKey"]), call.body_object())
    return Reply(status=204)


@route("GET", "/issue/{issueIdOrKey}/votes", "getVotes")
def votes(call: JiraCall) -> dict[str, Any]:
    row = lookup.issue(call, call.path["issueIdOrKey"])
    return {"self": f"{call.api}/issue/{row.key}/votes", "votes": row.votes, "hasVoted": False, "voters": []}
