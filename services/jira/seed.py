"""Loading a seed document into a site: users, groups, projects, issues (with comments).

    users:    [{email, displayName?}]
    groups:   [{name, members?: [email]}]
    projects: [{key, name?, lead?: email, projectTypeKey?, assigneeType?}]
    issues:   [{project, summary, type?, status?, priority?, assignee?, reporter?, labels?,
                description?, duedate?, parent?: "KEY-1", resolution?, created?: ISO, updated?: ISO,
                comments?: [text]}]

The site admin acts (and reports issues unless `reporter` says otherwise). Every object
goes through the same domain code the REST API uses, so a seed is validated exactly as
requests would be; `status` is reached through the workflow's transitions (Done sets the
resolution and resolution date). `created`/`updated` backdate an issue. Seeding sends no
webhooks and writes no audit records a user did not ask for (project creation is audited).
"""

from __future__ import annotations

from typing import Any

from sqlmodel import Session, select
from starlette.requests import Request

from services.core.credentials import Principal
from services.core.tenants import Tenant
from services.core.twin import TwinRuntime
from services.jira.call import JiraCall
from services.jira.domain import activity, directory, flows, issues, projects, workflow
from services.jira.errors import JiraError
from services.jira.models import Group, GroupMember, Issue
from services.jira.timefmt import parse_datetime


def _seed_call(session: Session, tenant: Tenant, runtime: TwinRuntime, account_id: str) -> JiraCall:
    host = runtime.base_url.split("://", 1)[-1]
    scope = {
        "type": "http",
        "method": "POST",
        "path": "/_dtu/seed",
        "query_string": b"",
        "headers": [(b"host", host.encode())],
        "scheme": runtime.base_url.split("://", 1)[0],
        "server": None,
        "client": ("127.0.0.1", 0),
    }
    principal = Principal(tenant_id=tenant.id, subject=account_id, kind="seed")
    return JiraCall(Request(scope), runtime, tenant, session, principal, "2")


def _list(document: dict[str, Any], key: str) -> list[dict[str, Any]]:
    value = document.get(key) or []
    if not isinstance(value, list) or not all(isinstance(item, dict) for item in value):
        raise JiraError(400, f"seed: {key} must be a list of objects")
    return value


def _admin(session: Session, tenant: Tenant) -> str:
    group = session.exec(
        select(Group).where(Group.tenant_id == tenant.id, Group.lower_name == directory.SITE_ADMINS)
    ).first()
    member = (
        session.exec(
            select(GroupMember).where(GroupMember.tenant_id == tenant.id, GroupMember.group_id == group.id)
        ).first()
        if group
        else None
    )
    if member is None:
        raise JiraError(400, "seed: the site has no site administrator")
    return member.account_id


def seed(session: Session, tenant: Tenant, runtime: TwinRuntime, document: dict[str, Any]) -> dict[str, Any]:
    call = _seed_call(session, tenant, runtime, _admin(session, tenant))
    created: dict[str, list[str]] = {"users": [], "groups": [], "projects": [], "issues": []}

    def account(email: Any) -> str:
        row = directory.user_by_email(call, str(email))
        if row is None:
            raise JiraError(400, f"seed: unknown user {email!r}")
        return row.account_id

    for spec in _list(document, "users"):
        user, _ = directory.create_user(call, str(spec.get("email") or ""), spec.get("displayName"))
        created["users"].append(user.account_id)
    for spec in _list(document, "groups"):
        group = directory.group_by_name(call, str(spec.get("name") or "")) or directory.create_group(
            call, spec.get("name")
        )
        for email in spec.get("members") or []:
            directory.add_member(call, group, account(email))
        created["groups"].append(group.id)
    for spec in _list(document, "projects"):
        body = {
            "key": spec.get("key"),
            "name": spec.get("name") or f"Project {spec.get('key')}",
            "projectTypeKey": spec.get("projectTypeKey", "software"),
            "assigneeType": spec.get("assigneeType", "UNASSIGNED"),
            "leadAccountId": account(spec["lead"]) if spec.get("lead") else call.account_id,
        }
        created["projects"].append(projects.create(call, body).key)
    session.flush()
    for spec in _list(document, "issues"):
        created["issues"].append(_issue(call, spec, account).key)
    return created


def _issue(call: JiraCall, spec: dict[str, Any], account: Any) -> Issue:
    fields: dict[str, Any] = {
        "project": {"key": spec.get("project")},
        "summary": spec.get("summary"),
        "issuetype": {"name": spec.get("type", "Task")},
    }
    for name in ("priority",):
        if spec.get(name):
            fields[name] = {"name": spec[name]}
    for name in ("assignee", "reporter"):
        if spec.get(name):
            fields[name] = {"accountId": account(spec[name])}
    for name in ("labels", "description", "duedate"):
        if spec.get(name) is not None:
            fields[name] = spec[name]
    if spec.get("parent"):
        fields["parent"] = {"key": spec["parent"]}
    row = issues.create(call, {"fields": fields})
    call.session.flush()
    status = spec.get("status")
    if status:
        flow = flows.for_issue(call, row)
        target = next(
            (s for s in map(lambda i: flows.status(call, i), flow.statuses) if s.name.lower() == str(status).lower()),
            None,
        )
        if target is None:
            raise JiraError(400, f"seed: unknown status {status!r}")
        if target.id != row.status_id:
            move = next((t for t in flows.available(call, row) if t.to_status == target.id), None)
            if move is None:
                raise JiraError(400, f"seed: no transition to {status!r} from the initial status")
            body: dict[str, Any] = {"transition": {"id": move.id}}
            if spec.get("resolution"):
                body["fields"] = {"resolution": {"name": spec["resolution"]}}
            workflow.transition(call, row, body)
    for text in spec.get("comments") or []:
        activity.add_comment(call, row, {"body": str(text)})
    _backdate(call, row, spec)
    return row


def _backdate(call: JiraCall, row: Issue, spec: dict[str, Any]) -> None:
    for name in ("created", "updated"):
        if spec.get(name) is None:
            continue
        moment = parse_datetime(str(spec[name]))
        if moment is None:
            raise JiraError(400, f"seed: {name} must be an ISO date-time, got {spec[name]!r}")
        setattr(row, name, moment)
        if name == "created":
            row.status_category_changed = moment
            row.updated = max(row.updated, moment) if spec.get("updated") is None else row.updated
    if row.resolutiondate is not None and spec.get("updated") is not None:
        row.resolutiondate = row.updated
    call.session.add(row)
