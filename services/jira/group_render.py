"""Wire shapes of groups: the `Group` bean (with its `users` paged list), names, picker entries."""

from __future__ import annotations

import html
import re
from typing import Any

from services.jira import render
from services.jira.call import JiraCall
from services.jira.models import Group, User

MAX_EXPANDED = 50  # a group's `users` list shows at most 50 users per expand
_RANGE = re.compile(r"users\[(\d+):(\d+)\]")


def name_only(call: JiraCall, row: Group) -> dict[str, Any]:
    return {"name": row.name, "groupId": row.id, "self": f"{call.api}/group?groupId={row.id}"}


def users_window(expand: str | None) -> tuple[int, int] | None:
    """`expand=users` -> the first 50; `users[10:40]` -> items 10..40 (inclusive, at most 50); None: not expanded."""
    if not expand:
        return None
    found = _RANGE.search(expand)
    if found:
        start, end = int(found.group(1)), int(found.group(2))
        return start, min(max(end, start), start + MAX_EXPANDED - 1)
    if "users" in [part.strip() for part in expand.split(",")]:
        return 0, MAX_EXPANDED - 1
    return None


def group(call: JiraCall, row: Group, members: list[User], window: tuple[int, int] | None) -> dict[str, Any]:
    """The Group bean; `users` always carries the size, items only when expanded."""
    start, end = window or (0, -1)
    chosen = members[start : end + 1] if window else []
    return {
        "name": row.name,
        "groupId": row.id,
        "self": f"{call.api}/group?groupId={row.id}",
        "users": {
            "size": len(members),
            "items": [render.user(call, u) for u in chosen],
            "max-results": MAX_EXPANDED,
            "start-index": start,
            "end-index": start + len(chosen) - 1 if chosen else start,
        },
        "expand": "users",
    }


def picker_entry(row: Group, query: str) -> dict[str, Any]:
    """`html` highlights the matched query with <b> as the group picker does."""
    name = html.escape(row.name)
    if query:
        index = row.name.lower().find(query.lower())
        if index >= 0:
            name = (
                html.escape(row.name[:index])
                + "<b>"
                + html.escape(row.name[index : index + len(query)])
                + "</b>"
                + html.escape(row.name[index + len(query) :])
            )
    return {"name": row.name, "html": name, "labels": [], "groupId": row.id}
