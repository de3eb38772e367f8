"""The changelog: every change to an issue is one ChangeGroup with its items."""

from __future__ import annotations

from services.jira.call import JiraCall
from services.jira.domain.fields import Item
from services.jira.models import ChangeGroup, Issue


def record(call: JiraCall, issue: Issue, items: list[Item | None]) -> ChangeGroup | None:
    """Write the non-empty items as one history entry and touch `updated`; None when nothing changed."""
    kept = [item.wire() for item in items if item is not None]
    if not kept:
        return None
    issue.updated = call.now()
    call.session.add(issue)
    group = ChangeGroup(
        tenant_id=call.tenant.id,
        id=call.next_id("changegroup"),
        issue_id=issue.id,
        author_id=call.account_id,
        created=call.now(),
        items=kept,
    )
    call.session.add(group)
    return group
