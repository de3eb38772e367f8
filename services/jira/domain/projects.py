"""Projects: create, update (a new key keeps the old one as an alias), delete (to the trash)."""

from __future__ import annotations

import re
from typing import Any

from sqlmodel import select

from services.jira import audit, webhooks
from services.jira.call import JiraCall
from services.jira.domain import lookup
from services.jira.errors import JiraError
from services.jira.models import Issue, Project, ProjectKey

KEY_PATTERN = re.compile(r"^[A-Z][A-Z0-9]+$")  # Jira's default project key pattern, as Cloud validates it
MAX_KEY = 10
MAX_NAME = 80
PROJECT_TYPES = ("software", "business", "service_desk", "product_discovery")
ASSIGNEE_TYPES = ("PROJECT_LEAD", "UNASSIGNED")


def _key_error(call: JiraCall, key: Any, exclude_project: str | None = None) -> str | None:
    if not isinstance(key, str) or not key:
        return "You must specify a valid project key."
    if len(key) > MAX_KEY:
        return f"The project key must not exceed {MAX_KEY} characters in length."
    if not KEY_PATTERN.match(key):
        return (
            "Project keys must start with an uppercase letter, followed by one or more uppercase alphanumeric "
            "characters."
        )
    taken = call.session.get(ProjectKey, (call.tenant.id, key))
    if taken is not None and taken.project_id != exclude_project:
        owner = call.session.get(Project, (call.tenant.id, taken.project_id))
        return f"Project '{owner.name if owner else key}' uses this project key."
    return None


def _name_error(call: JiraCall, name: Any, exclude_project: str | None = None) -> str | None:
    if not isinstance(name, str) or not name.strip():
        return "You must specify a valid project name."
    if len(name) > MAX_NAME:
        return f"The project name must not exceed {MAX_NAME} characters in length."
    clash = call.session.exec(
        select(Project).where(Project.tenant_id == call.tenant.id, Project.name == name.strip())
    ).first()
    if clash is not None and clash.id != exclude_project:
        return "A project with that name already exists."
    return None


def create(call: JiraCall, body: dict[str, Any]) -> Project:
    errors: dict[str, str] = {}
    key = body.get("key")
    if (problem := _key_error(call, key)) is not None:
        errors["projectKey"] = problem
    if (problem := _name_error(call, body.get("name"))) is not None:
        errors["projectName"] = problem
    lead = body.get("leadAccountId") or body.get("lead")
    if lead is None:
        lead = call.account_id
    if lookup.user_or_none(call, lead) is None:
        errors["projectLead"] = "You must specify a valid project lead."
    type_key = body.get("projectTypeKey")
    if type_key is None and not body.get("projectTemplateKey"):
        errors["projectTypeKey"] = "A project type must be specified."
    elif type_key is not None and type_key not in PROJECT_TYPES:
        errors["projectTypeKey"] = f"Invalid project type key '{type_key}'."
    assignee_type = body.get("assigneeType") or "UNASSIGNED"
    if assignee_type not in ASSIGNEE_TYPES:
        errors["assigneeType"] = "Invalid default assignee type."
    if errors:
        raise JiraError(400, errors=errors)
    row = Project(
        tenant_id=call.tenant.id,
        id=call.next_id("project"),
        key=str(key),
        name=str(body["name"]).strip(),
        description=str(body.get("description") or ""),
        lead_account_id=str(lead),
        project_type_key=str(type_key or "software"),
        template_key=str(body.get("projectTemplateKey") or ""),
        assignee_type=str(assignee_type),
        url=str(body.get("url") or ""),
        category_id=str(body["categoryId"]) if body.get("categoryId") else None,
        created=call.now(),
    )
    call.session.add(row)
    call.session.add(ProjectKey(tenant_id=call.tenant.id, key=row.key, project_id=row.id, current=True))
    call.session.flush()
    audit.record(
        call,
        "Project created",
        "projects",
        audit.project_item(row),
        changed=[("Name", None, row.name), ("Key", None, row.key), ("Project type", None, row.project_type_key)],
    )
    webhooks.emit(call, "project_created", project=row)
    return row


def update(call: JiraCall, row: Project, body: dict[str, Any]) -> Project:
    errors: dict[str, str] = {}
    before = {"Name": row.name, "Key": row.key, "Description": row.description, "Lead": row.lead_account_id}
    new_key = body.get("key")
    if new_key is not None and new_key != row.key and (problem := _key_error(call, new_key, row.id)) is not None:
        errors["projectKey"] = problem
    if "name" in body and (problem := _name_error(call, body.get("name"), row.id)) is not None:
        errors["projectName"] = problem
    lead = body.get("leadAccountId") or body.get("lead")
    if lead is not None and lookup.user_or_none(call, lead) is None:
        errors["projectLead"] = "You must specify a valid project lead."
    if "assigneeType" in body and body["assigneeType"] not in ASSIGNEE_TYPES:
        errors["assigneeType"] = "Invalid default assignee type."
    if errors:
        raise JiraError(400, errors=errors)
    if "name" in body:
        row.name = str(body["name"]).strip()
    if "description" in body:
        row.description = str(body.get("description") or "")
    if lead is not None:
        row.lead_account_id = str(lead)
    if "url" in body:
        row.url = str(body.get("url") or "")
    if "assigneeType" in body:
        row.assignee_type = str(body["assigneeType"])
    if new_key is not None and new_key != row.key:
        rename_key(call, row, str(new_key))
    call.session.add(row)
    after = {"Name": row.name, "Key": row.key, "Description": row.description, "Lead": row.lead_account_id}
    changed = [(name, before[name], after[name]) for name in before if before[name] != after[name]]
    if changed:
        audit.record(call, "Project updated", "projects", audit.project_item(row), changed=changed)
    webhooks.emit(call, "project_updated", project=row)
    return row


def rename_key(call: JiraCall, row: Project, new_key: str) -> None:
    """The old key stays an alias: `OLD`, `OLD-7` keep resolving; issues are re-keyed `NEW-7`."""
    old = call.session.get(ProjectKey, (call.tenant.id, row.key))
    if old is not None:
        old.current = False
        call.session.add(old)
    existing = call.session.get(ProjectKey, (call.tenant.id, new_key))
    if existing is None:
        call.session.add(ProjectKey(tenant_id=call.tenant.id, key=new_key, project_id=row.id, current=True))
    else:  # renaming back to a key this project had before
        existing.current = True
        call.session.add(existing)
    row.key = new_key
    issues = call.session.exec(select(Issue).where(Issue.tenant_id == call.tenant.id, Issue.project_id == row.id)).all()
    for issue in issues:
        issue.key = f"{new_key}-{issue.number}"
        call.session.add(issue)


def delete(call: JiraCall, row: Project) -> None:
    """To the trash (Cloud's `enableUndo`, the default) or for good: either way it is gone from the API."""
    row.deleted = True
    call.session.add(row)
    audit.record(call, "Project deleted", "projects", audit.project_item(row))
    webhooks.emit(call, "project_deleted", project=row)


def visible(call: JiraCall) -> list[Project]:
    rows = call.session.exec(
        select(Project).where(Project.tenant_id == call.tenant.id, Project.deleted == False)  # noqa: E712
    ).all()
    return sorted(rows, key=lambda p: p.key)
