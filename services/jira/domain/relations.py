"""Watchers and issue links."""

from __future__ import annotations

from typing import Any

from sqlmodel import select

from services.jira import catalog
from services.jira.call import JiraCall
from services.jira.domain import activity, history, lookup
from services.jira.domain.fields import Item
from services.jira.errors import JiraError
from services.jira.models import Issue, IssueLink, Watcher


def watchers(call: JiraCall, issue: Issue) -> list[Watcher]:
    rows = call.session.exec(
        select(Watcher).where(Watcher.tenant_id == call.tenant.id, Watcher.issue_id == issue.id)
    ).all()
    return sorted(rows, key=lambda w: (w.created, w.account_id))


def watch(call: JiraCall, issue: Issue, account_id: str) -> None:
    user = lookup.user_or_none(call, account_id)
    if user is None:
        raise JiraError(404, f"The user with account ID '{account_id}' does not exist.")
    if call.session.get(Watcher, (call.tenant.id, issue.id, account_id)) is None:
        call.session.add(
            Watcher(tenant_id=call.tenant.id, issue_id=issue.id, account_id=account_id, created=call.now())
        )


def unwatch(call: JiraCall, issue: Issue, account_id: str) -> None:
    if lookup.user_or_none(call, account_id) is None:
        raise JiraError(404, f"The user with account ID '{account_id}' does not exist.")
    row = call.session.get(Watcher, (call.tenant.id, issue.id, account_id))
    if row is not None:
        call.session.delete(row)


def link_type(value: Any) -> catalog.LinkType:
    if isinstance(value, dict):
        for row in catalog.LINK_TYPES:
            if str(value.get("id")) == row.id or (value.get("id") is None and value.get("name") == row.name):
                return row
        name = value.get("name", value.get("id"))
    else:
        name = value
    raise JiraError(404, f"No issue link type with name '{name}' found.")


def _issue_ref(call: JiraCall, value: Any) -> Issue:
    ref = value if isinstance(value, dict) else {}
    found = lookup.issue_or_none(call, str(ref.get("key") or ref.get("id") or ""))
    if found is None:
        raise JiraError(404, "Issue does not exist or you do not have permission to see it.")
    return found


def link(call: JiraCall, body: dict[str, Any]) -> IssueLink:
    """POST /issueLink: `inwardIssue` <type.outward> `outwardIssue` (e.g. A blocks B)."""
    kind = link_type(body.get("type"))
    inward = _issue_ref(call, body.get("inwardIssue"))
    outward = _issue_ref(call, body.get("outwardIssue"))
    row = IssueLink(
        tenant_id=call.tenant.id,
        id=call.next_id("issuelink"),
        type_id=kind.id,
        inward_issue_id=inward.id,
        outward_issue_id=outward.id,
        created=call.now(),
    )
    call.session.add(row)
    history.record(
        call, inward, [Item("Link", "issuelinks", None, None, outward.key, f"This issue {kind.outward} {outward.key}")]
    )
    history.record(
        call, outward, [Item("Link", "issuelinks", None, None, inward.key, f"This issue {kind.inward} {inward.key}")]
    )
    comment = body.get("comment")
    if isinstance(comment, dict) and comment.get("body"):
        activity.add_comment(call, inward, comment)
    return row


def links_of(call: JiraCall, issue: Issue) -> list[IssueLink]:
    rows = call.session.exec(select(IssueLink).where(IssueLink.tenant_id == call.tenant.id)).all()
    return sorted((r for r in rows if issue.id in (r.inward_issue_id, r.outward_issue_id)), key=lambda r: int(r.id))


def find_link(call: JiraCall, link_id: str) -> IssueLink:
    row = call.session.get(IssueLink, (call.tenant.id, str(link_id)))
    if row is None:
        raise JiraError(404, f"No issue link with id '{link_id}' exists.")
    return row


def unlink(call: JiraCall, row: IssueLink) -> None:
    kind = catalog.LINK_TYPE_BY_ID[row.type_id]
    inward = call.session.get(Issue, (call.tenant.id, row.inward_issue_id))
    outward = call.session.get(Issue, (call.tenant.id, row.outward_issue_id))
    call.session.delete(row)
    if inward is not None and outward is not None:
        history.record(
            call,
            inward,
            [Item("Link", "issuelinks", outward.key, f"This issue {kind.outward} {outward.key}", None, None)],
        )
        history.record(
            call,
            outward,
            [Item("Link", "issuelinks", inward.key, f"This issue {kind.inward} {inward.key}", None, None)],
        )
