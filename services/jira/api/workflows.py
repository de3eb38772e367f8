"""Statuses, workflows and workflow schemes (Administer Jira), and a project's scheme.

Current Cloud APIs: `POST /statuses`, `GET /statuses[/search]`, `POST /workflows/create`,
`GET /workflows/search`; the deprecated `GET /workflow/search` is served for older clients.
`POST /workflow` (deprecated `createWorkflow`) is not: Atlassian's spec marks it deprecated in
favour of `/workflows/create`.
"""

from __future__ import annotations

from typing import Any

from services.jira import catalog, paging
from services.jira.call import JiraCall, Reply
from services.jira.domain import directory, flows, lookup, projects, workflow_admin
from services.jira.endpoint import route
from services.jira.errors import JiraError, forbidden
from services.jira.models import CustomStatus, Workflow, WorkflowScheme
from services.jira.timefmt import iso

BUILTIN_WORKFLOW_ID = "00000000-0000-4000-8000-000000000001"  # the built-in workflow's (fixed) id
ASSOCIATIONS_FORBIDDEN = "Only Jira administrators can access workflow scheme associations."


# -- statuses --------------------------------------------------------------------------------


def _status_body(call: JiraCall, row: catalog.Status, customs: dict[str, CustomStatus]) -> dict[str, Any]:
    return {
        "description": row.description,
        "id": row.id,
        "name": row.name,
        "scope": flows.scope_of(row, customs),
        "statusCategory": flows.category_name(row),
    }


def _customs(call: JiraCall) -> dict[str, CustomStatus]:
    return {r.id: r for r in flows.custom_status_rows(call)}


@route("POST", "/statuses", "createStatuses")
def create_statuses(call: JiraCall) -> list[dict[str, Any]]:
    directory.require_administer(call)
    created = workflow_admin.create_statuses(call, call.body_object())
    customs = {r.id: r for r in created}
    return [_status_body(call, flows.status(call, r.id), customs) for r in created]


@route("GET", "/statuses", "getStatusesById")
def statuses_by_id(call: JiraCall) -> list[dict[str, Any]]:
    directory.require_administer(call)
    wanted = call.csv("id")
    if not wanted:
        raise JiraError(400, errors={"id": "The status IDs must be provided."})
    known = flows.statuses_by_id(call)
    customs = _customs(call)
    return [_status_body(call, known[i], customs) for i in wanted if i in known]


@route("GET", "/statuses/search", "search")
def search_statuses(call: JiraCall) -> dict[str, Any]:
    directory.require_administer(call)
    start, size = paging.window(call, 200, 200)
    customs = _customs(call)
    project_id = call.query.get("projectId")
    text = (call.query.get("searchString") or "").lower()
    category = call.query.get("statusCategory")
    if category is not None and category not in catalog.CATEGORY_BY_NAME:
        raise JiraError(400, "The status category must be one of TODO, IN_PROGRESS, DONE.")
    chosen = []
    for row in flows.all_statuses(call):
        scope = flows.scope_of(row, customs)
        # projectId selects that project's (team-managed) statuses; without it, the global ones.
        if project_id:
            if scope.get("project", {}).get("id") != project_id:
                continue
        elif scope["type"] != "GLOBAL":
            continue
        if text and text not in row.name.lower():
            continue
        if category and flows.category_name(row) != category:
            continue
        chosen.append(_status_body(call, row, customs))
    return paging.page_body(call, chosen, start, size)


# -- workflows -------------------------------------------------------------------------------


def _builtin_workflow() -> dict[str, Any]:
    statuses = [
        {"deprecated": False, "layout": {"x": 200.0 * n, "y": 0.0}, "properties": {}, "statusReference": s.id}
        for n, s in enumerate(catalog.STATUSES)
    ]
    transitions = [
        {
            "actions": [],
            "description": "",
            "id": "1",
            "links": [],
            "name": "Create",
            "properties": {},
            "toStatusReference": catalog.INITIAL_STATUS,
            "triggers": [],
            "type": "INITIAL",
            "validators": [],
        }
    ] + [
        {
            "actions": [],
            "description": t.description,
            "id": t.id,
            "links": [],
            "name": t.name,
            "properties": {},
            "toStatusReference": t.to_status,
            "triggers": [],
            "type": "GLOBAL",
            "validators": [],
        }
        for t in catalog.TRANSITIONS
    ]
    return {
        "description": "The default workflow: To Do, In Progress, Done.",
        "id": BUILTIN_WORKFLOW_ID,
        "isEditable": False,
        "name": catalog.DEFAULT_WORKFLOW,
        "scope": {"type": "GLOBAL"},
        "statuses": statuses,
        "transitions": transitions,
        "version": {"id": BUILTIN_WORKFLOW_ID, "versionNumber": 0},
    }


def _workflow_body(row: Workflow) -> dict[str, Any]:
    body: dict[str, Any] = {
        "description": row.description,
        "id": row.id,
        "isEditable": True,
        "name": row.name,
        "scope": {"type": "GLOBAL"},
    }
    if row.start_point_layout is not None:
        body["startPointLayout"] = row.start_point_layout
    body.update(
        {
            "statuses": row.statuses or [],
            "transitions": row.transitions or [],
            "version": {"id": row.version_id, "versionNumber": 0},
        }
    )
    return body


def _workflow_statuses(call: JiraCall, bodies: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The statuses the workflows reference, as `JiraWorkflowStatus` (with statusReference = id)."""
    customs = _customs(call)
    ids = list(dict.fromkeys(s["statusReference"] for body in bodies for s in body["statuses"]))
    return [
        {**_status_body(call, flows.status(call, i), customs), "statusReference": i}
        for i in ids
        if i in flows.statuses_by_id(call)
    ]


def _active_names(call: JiraCall) -> set[str]:
    """Workflows some project uses: through its scheme, or the built-in one without a scheme."""
    names: set[str] = set()
    for project in projects.visible(call):
        for itype in catalog.ISSUE_TYPES:
            names.add(flows.for_type(call, project.id, itype.id).name.lower())
    return names


def _all_workflows(call: JiraCall) -> list[dict[str, Any]]:
    return [_builtin_workflow(), *(_workflow_body(w) for w in flows.workflow_rows(call))]


def _filtered(call: JiraCall, names: list[str], query: str, active: str | None) -> list[dict[str, Any]]:
    chosen = _all_workflows(call)
    if names:
        wanted = {n.lower() for n in names}
        chosen = [w for w in chosen if w["name"].lower() in wanted]
    if query:
        chosen = [w for w in chosen if query.lower() in w["name"].lower()]
    if active in ("true", "false"):
        live = _active_names(call)
        chosen = [w for w in chosen if (w["name"].lower() in live) == (active == "true")]
    return chosen


@route("POST", "/workflows/create", "createWorkflows")
def create_workflows(call: JiraCall) -> dict[str, Any]:
    directory.require_administer(call)
    status_ids, created = workflow_admin.create_workflows(call, call.body_object())
    customs = _customs(call)
    return {
        "statuses": [{**_status_body(call, flows.status(call, i), customs), "statusReference": i} for i in status_ids],
        "workflows": [_workflow_body(w) for w in created],
    }


@route("GET", "/workflows/search", "searchWorkflows")
def search_workflows(call: JiraCall) -> dict[str, Any]:
    directory.require_administer(call)
    start, size = paging.window(call, 50, 200)
    chosen = _filtered(call, [], call.query.get("queryString") or "", call.query.get("isActive"))
    body = paging.page_body(call, chosen, start, size)
    body["statuses"] = _workflow_statuses(call, body["values"])
    return body


def _legacy(call: JiraCall, body: dict[str, Any], expand: set[str], live: set[str]) -> dict[str, Any]:
    """The deprecated `Workflow` shape of GET /workflow/search."""
    row = flows.workflow_by_name(call, body["name"])
    result: dict[str, Any] = {
        "id": {"name": body["name"], "entityId": body["id"]},
        "description": body["description"],
        "isDefault": body["name"] == catalog.DEFAULT_WORKFLOW,
    }
    if row is not None:
        result["created"] = iso(row.created)
        result["updated"] = iso(row.updated)
    if "statuses" in expand:
        result["statuses"] = [
            {"id": s["statusReference"], "name": flows.status(call, s["statusReference"]).name, "properties": {}}
            for s in body["statuses"]
        ]
    if "transitions" in expand:
        result["transitions"] = [
            {
                "id": t["id"],
                "name": t["name"],
                "description": t["description"],
                "from": [link["fromStatusReference"] for link in t["links"]],
                "to": t["toStatusReference"],
                "type": t["type"].lower(),
                "properties": {},
            }
            for t in body["transitions"]
        ]
    if "projects" in expand or "schemes" in expand:
        result["isActive"] = body["name"].lower() in live
    return result


@route("GET", "/workflow/search", "getWorkflowsPaginated")
def search_workflows_legacy(call: JiraCall) -> dict[str, Any]:
    directory.require_administer(call)
    start, size = paging.window(call, 50, 50)
    expand = set(call.csv("expand"))
    chosen = _filtered(call, call.csv("workflowName"), call.query.get("queryString") or "", call.query.get("isActive"))
    live = _active_names(call) if "projects" in expand or "schemes" in expand else set()
    return paging.page_body(call, [_legacy(call, w, expand, live) for w in chosen], start, size)


# -- workflow schemes ------------------------------------------------------------------------


def _scheme_body(call: JiraCall, row: WorkflowScheme, *, draft: bool = True) -> dict[str, Any]:
    body: dict[str, Any] = {
        "defaultWorkflow": row.default_workflow,
        "description": row.description,
    }
    if draft:
        body["draft"] = False
    body.update(
        {
            "id": int(row.id),
            "issueTypeMappings": dict(row.mappings or {}),
            "name": row.name,
            "self": f"{call.api}/workflowscheme/{row.id}",
        }
    )
    return body


@route("GET", "/workflowscheme", "getAllWorkflowSchemes")
def list_schemes(call: JiraCall) -> dict[str, Any]:
    directory.require_administer(call)
    start, size = paging.window(call, 50, 50)
    items = [_scheme_body(call, r, draft=False) for r in workflow_admin.schemes(call)]
    body = paging.page_body(call, items, start, size)
    return {k: body[k] for k in ("isLast", "maxResults", "startAt", "total", "values") if k in body} | (
        {"nextPage": body["nextPage"], "self": body["self"]} if "nextPage" in body else {}
    )


@route("POST", "/workflowscheme", "createWorkflowScheme")
def create_scheme(call: JiraCall) -> Reply:
    directory.require_administer(call)
    return Reply(_scheme_body(call, workflow_admin.create_scheme(call, call.body_object())), status=201)


@route("GET", "/workflowscheme/{id}", "getWorkflowScheme")
def get_scheme(call: JiraCall) -> dict[str, Any]:
    directory.require_administer(call)
    return _scheme_body(call, workflow_admin.scheme(call, call.path["id"]))


@route("PUT", "/workflowscheme/{id}", "updateWorkflowScheme")
def update_scheme(call: JiraCall) -> dict[str, Any]:
    directory.require_administer(call)
    row = workflow_admin.scheme(call, call.path["id"])
    workflow_admin.update_scheme(call, row, call.body_object())
    return _scheme_body(call, row)


@route("DELETE", "/workflowscheme/{id}", "deleteWorkflowScheme")
def delete_scheme(call: JiraCall) -> Reply:
    directory.require_administer(call)
    workflow_admin.delete_scheme(call, workflow_admin.scheme(call, call.path["id"]))
    return Reply(status=204)


def _require_associations(call: JiraCall) -> None:
    if not directory.administers_jira(call):
        raise forbidden(ASSOCIATIONS_FORBIDDEN)


@route("GET", "/workflowscheme/project", "getWorkflowSchemeProjectAssociations")
def scheme_associations(call: JiraCall) -> dict[str, Any]:
    _require_associations(call)
    wanted = call.csv("projectId")
    if not wanted:
        raise JiraError(400, errors={"projectId": "The ID of a project has to be provided."})
    groups: dict[str, dict[str, Any]] = {}
    for ident in wanted:
        project = lookup.project_or_none(call, ident) if ident.isdigit() else None
        if project is None:
            continue  # Jira ignores unknown projects here
        scheme = flows.scheme_of_project(call, project.id)
        key = scheme.id if scheme else ""
        if key not in groups:
            # The default scheme has no id (Jira stores it differently), so none is shown.
            body = (
                _scheme_body(call, scheme, draft=False)
                if scheme
                else {
                    "defaultWorkflow": catalog.DEFAULT_WORKFLOW,
                    "description": catalog.DEFAULT_SCHEME_NAME,
                    "issueTypeMappings": {},
                    "name": catalog.DEFAULT_SCHEME_NAME,
                }
            )
            groups[key] = {"projectIds": [], "workflowScheme": body}
        if project.id not in groups[key]["projectIds"]:
            groups[key]["projectIds"].append(project.id)
    return {"values": list(groups.values())}


@route("PUT", "/workflowscheme/project", "assignSchemeToProject")
def assign_scheme(call: JiraCall) -> Reply:
    _require_associations(call)
    workflow_admin.assign(call, call.body_object())
    return Reply(status=204)
