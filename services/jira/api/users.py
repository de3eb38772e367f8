"""Users: get by accountId, search (the `jira` library resolves assignees and watchers through it)."""

from __future__ import annotations

from typing import Any

from services.jira import render
from services.jira.call import JiraCall
from services.jira.domain import lookup
from services.jira.endpoint import route
from services.jira.errors import JiraError
from services.jira.models import User


def _matches(row: User, query: str) -> bool:
    """Jira matches the start of the display name's words or of the email address (and the accountId)."""
    text = query.strip().lower()
    if not text:
        return False
    if row.account_id == query.strip():
        return True
    words = row.display_name.lower().split()
    return (
        row.email.lower().startswith(text)
        or row.display_name.lower().startswith(text)
        or any(w.startswith(text) for w in words)
    )


@route("GET", "/user", "getUser")
def get_user(call: JiraCall) -> dict[str, Any]:
    account = call.query.get("accountId")
    if not account:
        raise JiraError(400, "The accountId query parameter needs to be provided.")
    row = lookup.user_or_none(call, account)
    if row is None:
        raise JiraError(404, "Specified user does not exist or you do not have required permissions")
    return render.user(call, row) or {}


def _search(call: JiraCall) -> list[dict[str, Any]]:
    query = call.query.get("query") or call.query.get("username") or ""
    account = call.query.get("accountId")
    rows = sorted(lookup.users(call), key=lambda u: u.display_name)
    if account:
        rows = [u for u in rows if u.account_id == account]
    elif query:
        rows = [u for u in rows if _matches(u, query)]
    else:
        raise JiraError(400, "One of 'query' or 'accountId' query parameters must be provided.")
    start = call.int_param("startAt", 0)
    size = min(call.int_param("maxResults", 50), 1000)
    return [render.user(call, u) or {} for u in rows if u.active][start : start + size]


@route("GET", "/user/search", "findUsers")
def find_users(call: JiraCall) -> list[dict[str, Any]]:
    return _search(call)


@route("GET", "/user/assignable/search", "findAssignableUsers")
def find_assignable(call: JiraCall) -> list[dict[str, Any]]:
    if call.query.get("issueKey"):
        lookup.issue(call, call.query["issueKey"])
    elif call.query.get("project"):
        lookup.project(call, call.query["project"])
    if not call.query.get("query") and not call.query.get("accountId"):
        rows = sorted(lookup.users(call), key=lambda u: u.display_name)
        return [render.user(call, u) or {} for u in rows if u.active]
    return _search(call)


@route("GET", "/users/search", "getAllUsers")
def all_users(call: JiraCall) -> list[dict[str, Any]]:
    start = call.int_param("startAt", 0)
    size = min(call.int_param("maxResults", 50), 1000)
    rows = sorted(lookup.users(call), key=lambda u: u.display_name)
    return [render.user(call, u) or {} for u in rows][start : start + size]
