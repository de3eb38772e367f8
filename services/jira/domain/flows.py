"""Which statuses exist and which workflow an issue follows.

Statuses are the three built-in ones (catalog) plus those created through the statuses and
workflows APIs. A project uses the workflow its workflow scheme maps to the issue's type
(the scheme's default workflow for unmapped types); a project without a scheme, and the
scheme's default `jira`, use the built-in workflow (To Do -> In Progress -> Done).
Lookups are memoised per request in `call.cache` (a page of issues reads them many times).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlmodel import select

from services.jira import catalog
from services.jira.call import JiraCall
from services.jira.models import CustomStatus, Issue, ProjectWorkflowScheme, Workflow, WorkflowScheme

CUSTOM_ICON = "/images/icons/statuses/generic.png"


@dataclass(frozen=True)
class Flow:
    name: str
    statuses: tuple[str, ...]  # status ids, in the workflow's order
    transitions: tuple[catalog.Transition, ...]
    initial: str
    builtin: bool


DEFAULT = Flow(
    catalog.DEFAULT_WORKFLOW,
    tuple(s.id for s in catalog.STATUSES),
    catalog.TRANSITIONS,
    catalog.INITIAL_STATUS,
    builtin=True,
)


# -- statuses ------------------------------------------------------------------------------


def _as_status(row: CustomStatus) -> catalog.Status:
    return catalog.Status(row.id, row.name, row.description, catalog.CATEGORY_BY_NAME[row.category], CUSTOM_ICON)


def custom_status_rows(call: JiraCall) -> list[CustomStatus]:
    if "status_rows" not in call.cache:
        rows = call.session.exec(select(CustomStatus).where(CustomStatus.tenant_id == call.tenant.id)).all()
        call.cache["status_rows"] = sorted(rows, key=lambda r: int(r.id))
    rows_: list[CustomStatus] = call.cache["status_rows"]
    return rows_


def statuses_by_id(call: JiraCall) -> dict[str, catalog.Status]:
    if "statuses" not in call.cache:
        found = dict(catalog.STATUS_BY_ID)
        found.update({row.id: _as_status(row) for row in custom_status_rows(call)})
        call.cache["statuses"] = found
    result: dict[str, catalog.Status] = call.cache["statuses"]
    return result


def all_statuses(call: JiraCall) -> list[catalog.Status]:
    return list(statuses_by_id(call).values())


def status(call: JiraCall, status_id: str) -> catalog.Status:
    return statuses_by_id(call)[status_id]


def forget(call: JiraCall) -> None:
    """Drop the memo after statuses, workflows or schemes changed in this request."""
    for key in [k for k in call.cache if k.startswith(("status", "flow", "scheme", "workflow"))]:
        del call.cache[key]


# -- workflows -----------------------------------------------------------------------------


def workflow_rows(call: JiraCall) -> list[Workflow]:
    if "workflow_rows" not in call.cache:
        rows = call.session.exec(select(Workflow).where(Workflow.tenant_id == call.tenant.id)).all()
        call.cache["workflow_rows"] = sorted(rows, key=lambda r: (r.created, r.lower_name))
    rows_: list[Workflow] = call.cache["workflow_rows"]
    return rows_


def workflow_by_name(call: JiraCall, name: str) -> Workflow | None:
    return next((w for w in workflow_rows(call) if w.lower_name == name.strip().lower()), None)


def transitions_of(row: Workflow) -> tuple[catalog.Transition, ...]:
    """A stored workflow's transitions the way issues take them (the INITIAL one is not offered)."""
    result = []
    for item in row.transitions or []:
        if item.get("type") == "INITIAL":
            continue
        sources = tuple(
            str(link["fromStatusReference"])
            for link in item.get("links") or []
            if isinstance(link, dict) and link.get("fromStatusReference")
        )
        result.append(
            catalog.Transition(
                str(item["id"]),
                str(item.get("name") or ""),
                str(item["toStatusReference"]),
                screen=("resolution", "assignee") if item.get("transitionScreen") else (),
                from_statuses=sources if item.get("type") == "DIRECTED" else (),
                description=str(item.get("description") or ""),
                sets_resolution=False,
            )
        )
    return tuple(result)


def initial_of(row: Workflow) -> str:
    first = next(t for t in row.transitions or [] if t.get("type") == "INITIAL")
    return str(first["toStatusReference"])


def flow_of(row: Workflow) -> Flow:
    return Flow(
        row.name,
        tuple(str(s["statusReference"]) for s in row.statuses or []),
        transitions_of(row),
        initial_of(row),
        builtin=False,
    )


def flow_named(call: JiraCall, name: str) -> Flow:
    row = workflow_by_name(call, name)
    return flow_of(row) if row is not None else DEFAULT


# -- schemes -------------------------------------------------------------------------------


def scheme_of_project(call: JiraCall, project_id: str) -> WorkflowScheme | None:
    memo: dict[str, WorkflowScheme | None] = call.cache.setdefault("scheme_of_project", {})
    if project_id not in memo:
        link = call.session.get(ProjectWorkflowScheme, (call.tenant.id, project_id))
        memo[project_id] = call.session.get(WorkflowScheme, (call.tenant.id, link.scheme_id)) if link else None
    return memo[project_id]


def workflow_name_for(scheme: WorkflowScheme | None, issuetype_id: str) -> str:
    if scheme is None:
        return catalog.DEFAULT_WORKFLOW
    return (scheme.mappings or {}).get(issuetype_id) or scheme.default_workflow


def for_type(call: JiraCall, project_id: str, issuetype_id: str) -> Flow:
    memo: dict[tuple[str, str], Flow] = call.cache.setdefault("flow", {})
    key = (project_id, issuetype_id)
    if key not in memo:
        memo[key] = flow_named(call, workflow_name_for(scheme_of_project(call, project_id), issuetype_id))
    return memo[key]


def for_issue(call: JiraCall, issue: Issue) -> Flow:
    return for_type(call, issue.project_id, issue.issuetype_id)


def available(call: JiraCall, issue: Issue) -> list[catalog.Transition]:
    """The transitions offered from the issue's status: global ones to another status, directed ones from it."""
    offered = []
    for t in for_issue(call, issue).transitions:
        if t.from_statuses:
            if issue.status_id in t.from_statuses:
                offered.append(t)
        elif t.to_status != issue.status_id:
            offered.append(t)
    return offered


def category_name(row: catalog.Status) -> str:
    return catalog.CATEGORY_NAMES.get(row.category_id, "TODO")


def scope_of(row: catalog.Status, customs: dict[str, CustomStatus] | None = None) -> dict[str, Any]:
    custom = (customs or {}).get(row.id)
    if custom is not None and custom.scope_type == "PROJECT":
        return {"project": {"id": custom.scope_project_id}, "type": "PROJECT"}
    return {"type": "GLOBAL"}
