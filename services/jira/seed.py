"""Loading a seed document into a site: users, groups, projects, issues (with comments).

    users:    [{email, displayName?, accountId?, active?, properties?: {key: value}}]
    groups:   [{name, members?: [email]}]
    projects: [{key, name?, lead?: email, projectTypeKey?, assigneeType?}]
    issues:   [{project, summary, type?, status?, priority?, assignee?, reporter?, labels?,
                description?, duedate?, parent?: "KEY-1", resolution?, created?: ISO, updated?: ISO,
                comments?: [text]}]
    sso:      {issuer, client_id, client_secret} | null

The site admin acts (and reports issues unless `reporter` says otherwise). Every object
goes through the same domain code the REST API uses, so a seed is validated exactly as
requests would be; `status` is reached through the workflow's transitions (Done sets the
resolution and resolution date). `created`/`updated` backdate an issue. Seeding sends no
webhooks and writes no audit records a user did not ask for (project creation is audited).

A user with an explicit `accountId` (what the universe derives) is written directly, in bulk:
an active one gets Jira access (jira-software-users), an inactive one exists without access;
`properties` become the user's entity properties (GET /rest/api/3/user/properties/{key}).

`sso` (a DTU setting) makes the site's people log in to the web UI through an OIDC app of an
Okta org, matched by email (services/jira/sso.py), as Atlassian Guard does; `sso: null` removes it.
"""

from __future__ import annotations

import re
from typing import Any

from sqlmodel import Session, SQLModel, select
from starlette.requests import Request

from services.core.bulk import insert_rows
from services.core.credentials import Principal
from services.core.tenants import Tenant
from services.core.twin import TwinRuntime
from services.jira import sso
from services.jira.call import JiraCall
from services.jira.domain import activity, directory, flows, issues, projects, workflow
from services.jira.errors import JiraError
from services.jira.models import Group, GroupMember, Issue, User, UserProperty
from services.jira.timefmt import parse_datetime

ACCOUNT_ID = re.compile(r"[A-Za-z0-9:-]{1,128}")
EMAIL = re.compile(r"[^@\s]+@[^@\s]+")


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

    accounts = _Accounts(call)
    for spec in _list(document, "users"):
        if spec.get("accountId") is not None:
            created["users"].append(accounts.add(spec))
            continue
        user, _ = directory.create_user(call, str(spec.get("email") or ""), spec.get("displayName"))
        created["users"].append(user.account_id)
    accounts.write()
    for spec in _list(document, "groups"):
        group = directory.group_by_name(call, str(spec.get("name") or "")) or directory.create_group(
            call, spec.get("name")
        )
        members = spec.get("members") or []
        if not isinstance(members, list):
            raise JiraError(400, f"seed: members of group {spec.get('name')!r} must be a list of emails")
        present = set(
            session.exec(
                select(GroupMember.account_id).where(
                    GroupMember.tenant_id == tenant.id, GroupMember.group_id == group.id
                )
            ).all()
        )
        for email in members:
            account_id = accounts.by_email.get(str(email).strip().lower()) or account(email)
            if account_id not in present:
                present.add(account_id)
                accounts.member(group.id, account_id)
        created["groups"].append(group.id)
    accounts.write()
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
    if "sso" in document:
        # A bad setting is a ValueError, which the control plane answers with 400 (as Slack's SeedError).
        sso.configure(session, tenant.id, document["sso"])
        created["sso"] = [document["sso"]["issuer"]] if document["sso"] else []
    return created


class _Accounts:
    """Users with explicit accountIds and group memberships, written in bulk (services/core/bulk.py)."""

    def __init__(self, call: JiraCall) -> None:
        self.call = call
        self.rows: dict[type[SQLModel], list[dict[str, Any]]] = {User: [], GroupMember: [], UserProperty: []}
        rows = call.session.exec(select(User).where(User.tenant_id == call.tenant.id)).all()
        self.by_email = {row.email: row.account_id for row in rows}
        self.ids = {row.account_id for row in rows}
        self.product = directory.group_by_name(call, directory.PRODUCT_USERS)

    def add(self, spec: dict[str, Any]) -> str:
        call = self.call
        account_id, email = spec.get("accountId"), str(spec.get("email") or "").strip().lower()
        if not isinstance(account_id, str) or not ACCOUNT_ID.fullmatch(account_id):
            raise JiraError(400, f"seed: accountId must be 1-128 letters, digits, ':' or '-', got {account_id!r}")
        if not EMAIL.fullmatch(email):
            raise JiraError(400, f"seed: user {account_id!r} needs a valid email, got {email!r}")
        if account_id in self.ids or email in self.by_email:
            raise JiraError(400, f"seed: user {email!r} ({account_id}) exists")
        active = spec.get("active", True)
        properties = spec.get("properties") or {}
        if not isinstance(active, bool) or not isinstance(properties, dict):
            raise JiraError(400, f"seed: user {email!r}: active must be a boolean, properties an object")
        display = str(spec.get("displayName") or "").strip() or email.split("@", 1)[0]
        tid, now = call.tenant.id, call.now()
        user = {"tenant_id": tid, "account_id": account_id, "email": email, "display_name": display}
        self.rows[User].append({**user, "active": active, "created": now})
        if active and self.product is not None:
            self.member(self.product.id, account_id)
        for key, value in properties.items():
            self.rows[UserProperty].append(
                {"tenant_id": tid, "account_id": account_id, "key": str(key), "value": value}
            )
        self.ids.add(account_id)
        self.by_email[email] = account_id
        return account_id

    def member(self, group_id: str, account_id: str) -> None:
        self.rows[GroupMember].append(
            {
                "tenant_id": self.call.tenant.id,
                "group_id": group_id,
                "account_id": account_id,
                "created": self.call.now(),
            }
        )

    def write(self) -> None:
        self.call.session.flush()
        for model, rows in self.rows.items():
            insert_rows(self.call.session, model, rows)
            rows.clear()


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
