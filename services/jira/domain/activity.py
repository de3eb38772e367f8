"""Comments and worklogs on an issue."""

from __future__ import annotations

import re
from typing import Any

from sqlmodel import select

from services.jira import adf, webhooks
from services.jira.call import JiraCall
from services.jira.domain import history
from services.jira.domain.fields import Item
from services.jira.errors import JiraError
from services.jira.models import Comment, Issue, Worklog
from services.jira.timefmt import parse_datetime

EMPTY_COMMENT = "Comment body can not be empty!"
# Jira's default time tracking: 1 day = 8 hours, 1 week = 5 days.
UNITS = {"w": 5 * 8 * 3600, "d": 8 * 3600, "h": 3600, "m": 60}
_DURATION = re.compile(r"^\s*(?:(\d+(?:\.\d+)?)\s*([wdhm])\s*)+$")
_PART = re.compile(r"(\d+(?:\.\d+)?)\s*([wdhm])")


def _body(call: JiraCall, value: Any) -> dict[str, Any]:
    doc = adf.accept(value, "comment", call.v3)
    if doc is None:
        raise JiraError(400, errors={"comment": EMPTY_COMMENT})
    return doc


def add_comment(call: JiraCall, issue: Issue, body: dict[str, Any], *, touch: bool = True) -> Comment:
    doc = _body(call, body.get("body"))
    visibility = body.get("visibility") if isinstance(body.get("visibility"), dict) else None
    now = call.now()
    row = Comment(
        tenant_id=call.tenant.id,
        id=call.next_id("comment"),
        issue_id=issue.id,
        author_id=call.account_id,
        update_author_id=call.account_id,
        body=doc,
        visibility=visibility,
        created=now,
        updated=now,
    )
    call.session.add(row)
    if touch:
        issue.updated = now
        call.session.add(issue)
    webhooks.emit(call, "comment_created", issue=issue, comment=row)
    webhooks.emit(call, "jira:issue_updated", type_name="issue_commented", issue=issue, comment=row)
    return row


def comments(call: JiraCall, issue: Issue, order: str = "created") -> list[Comment]:
    rows = call.session.exec(
        select(Comment).where(Comment.tenant_id == call.tenant.id, Comment.issue_id == issue.id)
    ).all()
    ordered = sorted(rows, key=lambda c: (c.created, int(c.id)))
    return list(reversed(ordered)) if order.startswith("-") else ordered


def comment(call: JiraCall, issue: Issue, comment_id: str) -> Comment:
    row = call.session.get(Comment, (call.tenant.id, str(comment_id)))
    if row is None or row.issue_id != issue.id:
        raise JiraError(404, f"Can not find a comment for the id: {comment_id}.")
    return row


def update_comment(call: JiraCall, issue: Issue, row: Comment, body: dict[str, Any]) -> Comment:
    row.body = _body(call, body.get("body"))
    if isinstance(body.get("visibility"), dict):
        row.visibility = body["visibility"]
    row.update_author_id = call.account_id
    row.updated = call.now()
    call.session.add(row)
    issue.updated = row.updated
    call.session.add(issue)
    webhooks.emit(call, "comment_updated", issue=issue, comment=row)
    webhooks.emit(call, "jira:issue_updated", type_name="issue_comment_edited", issue=issue, comment=row)
    return row


def delete_comment(call: JiraCall, issue: Issue, row: Comment) -> None:
    webhooks.emit(call, "comment_deleted", issue=issue, comment=row)
    webhooks.emit(call, "jira:issue_updated", type_name="issue_comment_deleted", issue=issue, comment=row)
    call.session.delete(row)


# -- worklogs ---------------------------------------------------------------------------


def parse_duration(text: str) -> int | None:
    """`1w 2d 3h 30m` -> seconds (a bare number is minutes, as Jira reads it)."""
    value = text.strip()
    if value.isdigit():
        return int(value) * 60
    if not _DURATION.match(value):
        return None
    return int(sum(float(amount) * UNITS[unit] for amount, unit in _PART.findall(value)))


def format_duration(seconds: int) -> str:
    parts = []
    for unit in ("w", "d", "h", "m"):
        amount, seconds = divmod(seconds, UNITS[unit])
        if amount:
            parts.append(f"{amount}{unit}")
    return " ".join(parts) or "0m"


def _time_spent(body: dict[str, Any]) -> int:
    if body.get("timeSpentSeconds") not in (None, ""):
        try:
            seconds = int(body["timeSpentSeconds"])
        except (TypeError, ValueError):
            raise JiraError(400, errors={"timeLogged": "Invalid time duration entered."}) from None
    elif isinstance(body.get("timeSpent"), str) and body["timeSpent"].strip():
        parsed = parse_duration(body["timeSpent"])
        if parsed is None:
            raise JiraError(400, errors={"timeLogged": "Invalid time duration entered."})
        seconds = parsed
    else:
        raise JiraError(400, errors={"timeLogged": "You must indicate the time spent working."})
    if seconds <= 0:
        raise JiraError(400, errors={"timeLogged": "Time Spent must be greater than 0."})
    return seconds


def _started(body: dict[str, Any], default: float) -> float:
    if body.get("started") in (None, ""):
        return default
    ts = parse_datetime(str(body["started"]))
    if ts is None:
        raise JiraError(
            400,
            errors={
                "started": "Invalid date format. Please enter the date in the format \"yyyy-MM-dd'T'HH:mm:ss.SSSZ\"."
            },
        )
    return ts


def add_worklog(call: JiraCall, issue: Issue, body: dict[str, Any]) -> Worklog:
    seconds = _time_spent(body)
    now = call.now()
    comment_doc = adf.accept(body.get("comment"), "comment", call.v3) if body.get("comment") not in (None, "") else None
    row = Worklog(
        tenant_id=call.tenant.id,
        id=call.next_id("worklog"),
        issue_id=issue.id,
        author_id=call.account_id,
        update_author_id=call.account_id,
        comment=comment_doc,
        started=_started(body, now),
        time_spent_seconds=seconds,
        created=now,
        updated=now,
    )
    call.session.add(row)
    total = sum(w.time_spent_seconds for w in worklogs(call, issue) if w.id != row.id)
    history.record(
        call,
        issue,
        [
            Item(
                "timespent",
                "timespent",
                str(total) if total else None,
                str(total) if total else None,
                str(total + seconds),
                str(total + seconds),
            ),
            Item("WorklogId", "WorklogId", None, None, row.id, row.id),
        ],
    )
    return row


def worklogs(call: JiraCall, issue: Issue) -> list[Worklog]:
    rows = call.session.exec(
        select(Worklog).where(Worklog.tenant_id == call.tenant.id, Worklog.issue_id == issue.id)
    ).all()
    return sorted(rows, key=lambda w: (w.started, int(w.id)))


def worklog(call: JiraCall, issue: Issue, worklog_id: str) -> Worklog:
    row = call.session.get(Worklog, (call.tenant.id, str(worklog_id)))
    if row is None or row.issue_id != issue.id:
        raise JiraError(404, f"Cannot find worklog with id: '{worklog_id}'.")
    return row


def update_worklog(call: JiraCall, issue: Issue, row: Worklog, body: dict[str, Any]) -> Worklog:
    if "timeSpent" in body or "timeSpentSeconds" in body:
        row.time_spent_seconds = _time_spent(body)
    if "comment" in body:
        row.comment = adf.accept(body.get("comment"), "comment", call.v3) if body.get("comment") else None
    row.started = _started(body, row.started)
    row.update_author_id = call.account_id
    row.updated = call.now()
    call.session.add(row)
    issue.updated = row.updated
    call.session.add(issue)
    return row


def delete_worklog(call: JiraCall, issue: Issue, row: Worklog) -> None:
    total = sum(w.time_spent_seconds for w in worklogs(call, issue))
    call.session.delete(row)
    remaining = total - row.time_spent_seconds
    history.record(
        call,
        issue,
        [
            Item(
                "timespent",
                "timespent",
                str(total),
                str(total),
                str(remaining) if remaining else None,
                str(remaining) if remaining else None,
            ),
            Item("WorklogId", "WorklogId", row.id, row.id, None, None),
        ],
    )
