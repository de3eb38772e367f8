"""Rows of the Jira tables shaped for templates: people, statuses, issue cards, history."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from markupsafe import Markup

from services.jira import catalog
from services.jira.call import JiraCall
from services.jira.domain import flows, lookup, workflow
from services.jira.models import ChangeGroup, Comment, Issue, User
from services.jira.ui.adf_html import to_html

# Board columns follow the status categories: To Do, In Progress, Done (No Category first).
CATEGORY_ORDER = {1: 0, 2: 1, 4: 2, 3: 3}
# Jira's lozenge colours per status category (grey, blue, green).
CATEGORY_CLASS = {1: "todo", 2: "todo", 4: "progress", 3: "done"}
AVATAR_COLOURS = ("#0052cc", "#00875a", "#6554c0", "#ff5630", "#ff991f", "#00b8d9", "#172b4d")


@dataclass(frozen=True)
class Person:
    account_id: str
    name: str
    email: str
    active: bool

    @property
    def initials(self) -> str:
        return "".join(part[0] for part in self.name.split()[:2]).upper() or "?"

    @property
    def colour(self) -> str:
        return AVATAR_COLOURS[sum(map(ord, self.account_id)) % len(AVATAR_COLOURS)]


@dataclass(frozen=True)
class StatusView:
    id: str
    name: str
    category_id: int

    @property
    def css(self) -> str:
        return CATEGORY_CLASS.get(self.category_id, "todo")

    @property
    def category(self) -> str:
        return catalog.CATEGORY_BY_ID[self.category_id].name if self.category_id in catalog.CATEGORY_BY_ID else ""


@dataclass
class Card:
    """An issue as the board, the search results and the issue page show it."""

    key: str
    summary: str
    type: str
    priority: str | None
    status: StatusView
    assignee: Person | None
    reporter: Person | None
    labels: list[str]
    created: str
    updated: str
    resolution: str | None
    transitions: list[catalog.Transition] = field(default_factory=list)


def when(ts: float | None) -> str:
    if ts is None:
        return ""
    return datetime.fromtimestamp(ts, tz=UTC).strftime("%d %b %Y, %H:%M")


def person(call: JiraCall, account_id: str | None) -> Person | None:
    row = lookup.user_or_none(call, account_id)
    return None if row is None else person_of(row)


def person_of(row: User) -> Person:
    return Person(row.account_id, row.display_name or row.email, row.email, row.active)


def status(call: JiraCall, status_id: str) -> StatusView:
    row = flows.status(call, status_id)
    return StatusView(row.id, row.name, row.category_id)


def card(call: JiraCall, row: Issue, with_transitions: bool = False) -> Card:
    itype = catalog.ISSUE_TYPE_BY_ID.get(row.issuetype_id)
    priority = catalog.PRIORITY_BY_ID.get(row.priority_id or "")
    resolution = catalog.RESOLUTION_BY_ID.get(row.resolution_id or "")
    return Card(
        key=row.key,
        summary=row.summary,
        type=itype.name if itype else row.issuetype_id,
        priority=priority.name if priority else None,
        status=status(call, row.status_id),
        assignee=person(call, row.assignee_id),
        reporter=person(call, row.reporter_id),
        labels=list(row.labels or []),
        created=when(row.created),
        updated=when(row.updated),
        resolution=resolution.name if resolution else None,
        transitions=workflow.available(call, row) if with_transitions else [],
    )


def project_statuses(call: JiraCall, project_id: str, in_use: Iterable[str]) -> list[StatusView]:
    """The board's columns: every status of the project's workflows (and any an issue is in), by category."""
    ids: list[str] = []
    for itype in catalog.ISSUE_TYPES:
        for status_id in flows.for_type(call, project_id, itype.id).statuses:
            if status_id not in ids:
                ids.append(status_id)
    ids.extend(status_id for status_id in in_use if status_id not in ids)
    views = [status(call, status_id) for status_id in ids]
    return sorted(views, key=lambda s: (CATEGORY_ORDER.get(s.category_id, 9), ids.index(s.id)))


@dataclass(frozen=True)
class CommentView:
    id: str
    author: Person | None
    created: str
    body: Markup


def comment(call: JiraCall, row: Comment) -> CommentView:
    return CommentView(row.id, person(call, row.author_id), when(row.created), to_html(row.body))


@dataclass(frozen=True)
class HistoryView:
    author: Person | None
    created: str
    items: list[dict[str, Any]]


def history(call: JiraCall, row: ChangeGroup) -> HistoryView:
    return HistoryView(person(call, row.author_id), when(row.created), list(row.items or []))
