"""Creating statuses, workflows and workflow schemes, and giving a project its scheme.

The request shapes are those of Jira Cloud's current APIs (`POST /statuses`,
`POST /workflows/create`, `/workflowscheme`); validation refuses what would leave an issue
without a way to move (unknown status references, no INITIAL transition).
"""

from __future__ import annotations

from typing import Any

from sqlmodel import col, select

from services.jira import catalog
from services.jira.call import JiraCall
from services.jira.domain import flows, lookup
from services.jira.errors import JiraError
from services.jira.models import CustomStatus, Issue, ProjectWorkflowScheme, Workflow, WorkflowScheme

MAX_NAME = 255


def _text(value: Any, what: str, *, required: bool = True) -> str:
    if value is None and not required:
        return ""
    if not isinstance(value, str) or (required and not value.strip()):
        raise JiraError(400, f"The {what} must be provided.")
    if len(value) > MAX_NAME:
        raise JiraError(400, f"The name is too long, maxSize={MAX_NAME}")
    return value.strip()


def _category(value: Any) -> str:
    if value not in catalog.CATEGORY_BY_NAME:
        raise JiraError(400, "The status category must be one of TODO, IN_PROGRESS, DONE.")
    return str(value)


def _new_status_id(call: JiraCall) -> str:
    ident = call.next_id("status")
    while ident in catalog.STATUS_BY_ID:  # the built-in To Do / Done hold 10000 and 10001
        ident = call.next_id("status")
    return ident


def _status_named(call: JiraCall, name: str) -> catalog.Status | None:
    return next((s for s in flows.all_statuses(call) if s.name.lower() == name.lower()), None)


def _add_status(call: JiraCall, name: str, category: str, description: str, scope: dict[str, Any]) -> CustomStatus:
    project_id = None
    if scope.get("type") == "PROJECT":
        ref = scope.get("project")
        project = lookup.project_or_none(call, str(ref.get("id"))) if isinstance(ref, dict) else None
        if project is None:
            raise JiraError(400, "The project in the scope does not exist.")
        project_id = project.id
    elif scope.get("type") != "GLOBAL":
        raise JiraError(400, "The scope type must be GLOBAL or PROJECT.")
    row = CustomStatus(
        tenant_id=call.tenant.id,
        id=_new_status_id(call),
        name=name,
        description=description,
        category=category,
        scope_type=str(scope["type"]),
        scope_project_id=project_id,
        created=call.now(),
    )
    call.session.add(row)
    flows.forget(call)
    return row


def create_statuses(call: JiraCall, body: dict[str, Any]) -> list[CustomStatus]:
    scope = body.get("scope")
    items = body.get("statuses")
    if not isinstance(scope, dict) or not isinstance(items, list) or not items:
        raise JiraError(400, "The scope and at least one status must be provided.")
    created: list[CustomStatus] = []
    for item in items:
        if not isinstance(item, dict):
            raise JiraError(400, "Each status must be an object.")
        name = _text(item.get("name"), "status name")
        category = _category(item.get("statusCategory"))
        if _status_named(call, name) is not None:
            raise JiraError(409, f"A status with the name '{name}' already exists.")
        created.append(_add_status(call, name, category, _text(item.get("description"), "", required=False), scope))
    return created


# -- workflows -------------------------------------------------------------------------------


def _transition_id(used: set[str]) -> str:
    ident = 11
    while str(ident) in used:
        ident += 10
    return str(ident)


def _workflow_statuses(call: JiraCall, items: Any) -> dict[str, str]:
    """`statuses` of a workflows/create request: statusReference -> status id (existing or new)."""
    if not isinstance(items, list):
        raise JiraError(400, "The statuses must be a list.")
    refs: dict[str, str] = {}
    for item in items:
        if not isinstance(item, dict) or not isinstance(item.get("statusReference"), str):
            raise JiraError(400, "Each status needs a statusReference.")
        ident = item.get("id")
        if ident is not None:
            if str(ident) not in flows.statuses_by_id(call):
                raise JiraError(400, f"The status with ID '{ident}' does not exist.")
            refs[item["statusReference"]] = str(ident)
            continue
        name = _text(item.get("name"), "status name")
        category = _category(item.get("statusCategory"))
        existing = _status_named(call, name)
        if existing is not None:  # Jira's statuses are shared: the same name is the same status
            refs[item["statusReference"]] = existing.id
        else:
            added = _add_status(call, name, category, str(item.get("description") or ""), {"type": "GLOBAL"})
            refs[item["statusReference"]] = added.id
    return refs


def _workflow(call: JiraCall, spec: Any, refs: dict[str, str]) -> Workflow:
    if not isinstance(spec, dict):
        raise JiraError(400, "Each workflow must be an object.")
    name = _text(spec.get("name"), "workflow name")
    if flows.workflow_by_name(call, name) is not None or name.lower() == catalog.DEFAULT_WORKFLOW:
        raise JiraError(400, f"A workflow with the name '{name}' already exists.")
    layouts = spec.get("statuses")
    moves = spec.get("transitions")
    if not isinstance(layouts, list) or not layouts or not isinstance(moves, list):
        raise JiraError(400, f"The workflow '{name}' needs statuses and transitions.")

    def resolve(ref: Any) -> str:
        if ref not in refs:
            raise JiraError(400, f"The status reference '{ref}' is not defined in the request.")
        return refs[ref]

    statuses = []
    for item in layouts:
        if not isinstance(item, dict):
            raise JiraError(400, "Each workflow status must be an object.")
        statuses.append(
            {
                "deprecated": False,
                "layout": item.get("layout") if isinstance(item.get("layout"), dict) else {"x": 0.0, "y": 0.0},
                "properties": item.get("properties") if isinstance(item.get("properties"), dict) else {},
                "statusReference": resolve(item.get("statusReference")),
            }
        )
    in_workflow = {s["statusReference"] for s in statuses}
    used = {str(t["id"]) for t in moves if isinstance(t, dict) and t.get("id") is not None}
    transitions = []
    for item in moves:
        if not isinstance(item, dict):
            raise JiraError(400, "Each transition must be an object.")
        kind = item.get("type")
        if kind not in ("INITIAL", "GLOBAL", "DIRECTED"):
            raise JiraError(400, "The transition type must be INITIAL, GLOBAL or DIRECTED.")
        target = resolve(item.get("toStatusReference"))
        links = []
        for link in item.get("links") or []:
            if not isinstance(link, dict):
                raise JiraError(400, "Each transition link must be an object.")
            links.append({**link, "fromStatusReference": resolve(link.get("fromStatusReference"))})
        if kind == "DIRECTED" and not links:
            raise JiraError(400, f"The directed transition '{item.get('name')}' needs a link from a status.")
        if target not in in_workflow or any(link["fromStatusReference"] not in in_workflow for link in links):
            raise JiraError(400, f"The transition '{item.get('name')}' uses a status that is not in the workflow.")
        ident = str(item["id"]) if item.get("id") is not None else _transition_id(used)
        used.add(ident)
        transitions.append(
            {
                "actions": item.get("actions") or [],
                "description": str(item.get("description") or ""),
                "id": ident,
                "links": links,
                "name": _text(item.get("name"), "transition name"),
                "properties": item.get("properties") if isinstance(item.get("properties"), dict) else {},
                "toStatusReference": target,
                **({"transitionScreen": item["transitionScreen"]} if item.get("transitionScreen") else {}),
                "triggers": item.get("triggers") or [],
                "type": kind,
                "validators": item.get("validators") or [],
            }
        )
    if sum(1 for t in transitions if t["type"] == "INITIAL") != 1:
        raise JiraError(400, f"The workflow '{name}' must have exactly one INITIAL transition.")
    now = call.now()
    row = Workflow(
        tenant_id=call.tenant.id,
        id=call.tenant.ids.uuid4(),
        name=name,
        lower_name=name.lower(),
        description=str(spec.get("description") or ""),
        statuses=statuses,
        transitions=transitions,
        start_point_layout=spec.get("startPointLayout") if isinstance(spec.get("startPointLayout"), dict) else None,
        version_id=call.tenant.ids.uuid4(),
        created=now,
        updated=now,
    )
    call.session.add(row)
    call.session.flush()
    flows.forget(call)
    return row


def create_workflows(call: JiraCall, body: dict[str, Any]) -> tuple[list[str], list[Workflow]]:
    scope = body.get("scope")
    if not isinstance(scope, dict) or scope.get("type") != "GLOBAL":
        # Project-scoped workflows belong to team-managed projects, which have no workflow schemes.
        raise JiraError(400, "Only GLOBAL workflows (for company-managed projects) can be created.")
    specs = body.get("workflows")
    if not isinstance(specs, list) or not specs:
        raise JiraError(400, "At least one workflow must be provided.")
    refs = _workflow_statuses(call, body.get("statuses") or [])
    created = [_workflow(call, spec, refs) for spec in specs]
    status_ids = list(dict.fromkeys(refs.values()))
    return status_ids, created


# -- workflow schemes ------------------------------------------------------------------------


def scheme(call: JiraCall, ident: str) -> WorkflowScheme:
    row = call.session.get(WorkflowScheme, (call.tenant.id, str(ident))) if str(ident).isdigit() else None
    if row is None:
        raise JiraError(404, "The workflow scheme was not found.")
    return row


def schemes(call: JiraCall) -> list[WorkflowScheme]:
    rows = call.session.exec(select(WorkflowScheme).where(WorkflowScheme.tenant_id == call.tenant.id)).all()
    return sorted(rows, key=lambda r: int(r.id))


def projects_using(call: JiraCall, scheme_id: str) -> list[str]:
    rows = call.session.exec(
        select(ProjectWorkflowScheme).where(
            ProjectWorkflowScheme.tenant_id == call.tenant.id, ProjectWorkflowScheme.scheme_id == scheme_id
        )
    ).all()
    return sorted((r.project_id for r in rows if lookup.project_or_none(call, r.project_id)), key=int)


def _workflow_name(call: JiraCall, value: Any, what: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise JiraError(400, f"The {what} must be a workflow name.")
    if value.strip().lower() == catalog.DEFAULT_WORKFLOW:
        return catalog.DEFAULT_WORKFLOW
    found = flows.workflow_by_name(call, value)
    if found is None:
        raise JiraError(400, f"The workflow '{value}' does not exist.")
    return found.name


def _mappings(call: JiraCall, value: Any) -> dict[str, str]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise JiraError(400, "The issueTypeMappings must map issue type IDs to workflow names.")
    result = {}
    for type_id, name in value.items():
        if str(type_id) not in catalog.ISSUE_TYPE_BY_ID:
            raise JiraError(400, f"The issue type with ID '{type_id}' does not exist.")
        result[str(type_id)] = _workflow_name(call, name, "issue type mapping")
    return result


def _scheme_name(call: JiraCall, value: Any, current: WorkflowScheme | None) -> str:
    name = _text(value, "workflow scheme name")
    clash = next((s for s in schemes(call) if s.name.lower() == name.lower() and s is not current), None)
    if clash is not None or name.lower() == catalog.DEFAULT_SCHEME_NAME.lower():
        raise JiraError(400, f"A workflow scheme with the name '{name}' already exists.")
    return name


def create_scheme(call: JiraCall, body: dict[str, Any]) -> WorkflowScheme:
    row = WorkflowScheme(
        tenant_id=call.tenant.id,
        id=call.next_id("workflowscheme"),
        name=_scheme_name(call, body.get("name"), None),
        description=str(body.get("description") or ""),
        default_workflow=_workflow_name(call, body["defaultWorkflow"], "defaultWorkflow")
        if body.get("defaultWorkflow") is not None
        else catalog.DEFAULT_WORKFLOW,
        mappings=_mappings(call, body.get("issueTypeMappings")),
        created=call.now(),
    )
    call.session.add(row)
    return row


def update_scheme(call: JiraCall, row: WorkflowScheme, body: dict[str, Any]) -> None:
    default = row.default_workflow
    mappings = dict(row.mappings or {})
    if body.get("defaultWorkflow") is not None:
        default = _workflow_name(call, body["defaultWorkflow"], "defaultWorkflow")
    if body.get("issueTypeMappings") is not None:
        mappings = _mappings(call, body["issueTypeMappings"])
    if (default, mappings) != (row.default_workflow, row.mappings or {}) and projects_using(call, row.id):
        # An active scheme changes through a draft and a status migration (not reproduced).
        raise JiraError(400, "The workflow scheme is active: its workflows cannot be changed.")
    if body.get("name") is not None:
        row.name = _scheme_name(call, body["name"], row)
    if body.get("description") is not None:
        row.description = str(body["description"])
    row.default_workflow = default
    row.mappings = mappings
    call.session.add(row)
    flows.forget(call)


def delete_scheme(call: JiraCall, row: WorkflowScheme) -> None:
    if projects_using(call, row.id):
        raise JiraError(400, "Cannot delete an active workflow scheme.")
    call.session.delete(row)


def assign(call: JiraCall, body: dict[str, Any]) -> None:
    """PUT /workflowscheme/project: only a project without issues changes scheme (no status migration)."""
    project_id = body.get("projectId")
    if project_id is None or str(project_id) == "":
        raise JiraError(400, errors={"projectId": "The ID of a project has to be provided."})
    project = lookup.project_or_none(call, str(project_id)) if str(project_id).isdigit() else None
    if project is None:
        raise JiraError(404, "The project was not found.")
    scheme_id = body.get("workflowSchemeId")
    chosen = scheme(call, str(scheme_id)) if scheme_id is not None else None
    has_issues = call.session.exec(
        select(col(Issue.id)).where(Issue.tenant_id == call.tenant.id, Issue.project_id == project.id).limit(1)
    ).first()
    link = call.session.get(ProjectWorkflowScheme, (call.tenant.id, project.id))
    if has_issues is not None and (link.scheme_id if link else None) != (chosen.id if chosen else None):
        raise JiraError(400, "The workflow scheme can only be assigned to a project that has no issues.")
    if link is not None:
        call.session.delete(link)
        call.session.flush()
    if chosen is not None:
        call.session.add(ProjectWorkflowScheme(tenant_id=call.tenant.id, project_id=project.id, scheme_id=chosen.id))
    flows.forget(call)
