"""Finding projects, issues and users the ways Jira addresses them (id, key, old key, accountId)."""

from __future__ import annotations

from sqlmodel import select

from services.jira.call import JiraCall
from services.jira.errors import issue_not_found, project_not_found
from services.jira.models import Issue, Project, ProjectKey, User


def project_or_none(call: JiraCall, id_or_key: str) -> Project | None:
    """By id, current key or any key the project had before (keys are case-insensitive)."""
    text = str(id_or_key).strip()
    if text.isdigit():
        row = call.session.get(Project, (call.tenant.id, text))
    else:
        alias = call.session.get(ProjectKey, (call.tenant.id, text.upper()))
        row = call.session.get(Project, (call.tenant.id, alias.project_id)) if alias else None
    return row if row is not None and not row.deleted else None


def project(call: JiraCall, id_or_key: str) -> Project:
    row = project_or_none(call, id_or_key)
    if row is None:
        raise project_not_found(str(id_or_key))
    return row


def project_keys(call: JiraCall, project_id: str) -> list[str]:
    rows = call.session.exec(
        select(ProjectKey).where(ProjectKey.tenant_id == call.tenant.id, ProjectKey.project_id == project_id)
    ).all()
    return sorted(row.key for row in rows)


def issue_or_none(call: JiraCall, id_or_key: str) -> Issue | None:
    """By id, or by key: `OLD-7` still finds the issue after its project was renamed to `NEW`."""
    text = str(id_or_key).strip()
    if text.isdigit():
        row = call.session.get(Issue, (call.tenant.id, text))
    else:
        prefix, dash, number = text.rpartition("-")
        if not dash or not number.isdigit() or not prefix:
            return None
        owner = project_or_none(call, prefix)
        if owner is None:
            return None
        row = call.session.exec(
            select(Issue).where(
                Issue.tenant_id == call.tenant.id, Issue.project_id == owner.id, Issue.number == int(number)
            )
        ).first()
    if row is None or project_or_none(call, row.project_id) is None:
        return None
    return row


def issue(call: JiraCall, id_or_key: str) -> Issue:
    row = issue_or_none(call, id_or_key)
    if row is None:
        raise issue_not_found()
    return row


def user_or_none(call: JiraCall, account_id: str | None) -> User | None:
    if not account_id or not isinstance(account_id, str):
        return None
    return call.session.get(User, (call.tenant.id, account_id))


def users(call: JiraCall) -> list[User]:
    return list(call.session.exec(select(User).where(User.tenant_id == call.tenant.id)).all())
