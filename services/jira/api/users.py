"""Users: get by accountId, search (the `jira` library resolves assignees and watchers through it)."""

from __future__ import annotations

from typing import Any

from services.jira import audit, paging, permissions, render
from services.jira import group_render as render_group
from services.jira.call import JiraCall, Reply
from services.jira.domain import directory, lookup
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


# -- user management (site administrators) ------------------------------------------------


def _full_user(call: JiraCall, row: User) -> dict[str, Any]:
    """A user with the `groups` and `applicationRoles` sizes, as POST /user and GET /user?expand= show it."""
    body = render.user(call, row) or {}
    groups = directory.groups_of(call, row.account_id)
    return {
        **body,
        "locale": row.locale,
        "groups": {"size": len(groups), "items": []},
        "applicationRoles": {"size": 1 if row.active else 0, "items": []},
        "expand": "groups,applicationRoles",
    }


@route("POST", "/user", "createUser")
def create_user(call: JiraCall) -> Reply:
    directory.require_administer(call)
    body = call.body_object()
    email = body.get("emailAddress")
    if not isinstance(email, str) or "@" not in email.strip():
        raise JiraError(400, errors={"emailAddress": "You must specify a valid email address."})
    name = body.get("displayName") if isinstance(body.get("displayName"), str) else None
    row, created = directory.create_user(call, email, name)
    if created:
        audit.record(call, "User created", "user management", audit.user_item(row))
    return Reply(_full_user(call, row), status=201)


@route("DELETE", "/user", "removeUser")
def remove_user(call: JiraCall) -> Reply:
    directory.require_site_admin(call)
    account = call.query.get("accountId")
    if not account:
        raise JiraError(400, "The 'accountId' query parameter needs to be provided.")
    row = directory.existing_user(call, account)
    cache = call.runtime.extras["credentials"]
    directory.remove_user(call, row, cache.invalidate)
    audit.record(call, "User deleted", "user management", audit.user_item(row))
    return Reply(status=204)


@route("GET", "/user/bulk", "bulkGetUsers")
def bulk_users(call: JiraCall) -> dict[str, Any]:
    accounts = call.query.getlist("accountId")
    if not accounts:
        raise JiraError(400, "The 'accountId' query parameter needs to be provided.")
    start, size = paging.window(call, 10, 200)
    wanted = list(dict.fromkeys(accounts))
    rows = [lookup.user_or_none(call, a) for a in wanted]
    items = [render.user(call, u) or {} for u in rows if u is not None]
    return paging.page_body(call, items, start, size)


@route("GET", "/user/groups", "getUserGroups")
def user_groups(call: JiraCall) -> list[dict[str, Any]]:
    account = call.query.get("accountId")
    if not account:
        raise JiraError(400, "The 'accountId' query parameter needs to be provided.")
    row = directory.existing_user(call, account)
    return [render_group.name_only(call, g) for g in directory.groups_of(call, row.account_id)]


@route("GET", "/users", "getAllUsersDefault")
def all_users_default(call: JiraCall) -> list[dict[str, Any]]:
    return all_users(call)


@route("GET", "/mypermissions", "getMyPermissions")
def my_permissions(call: JiraCall) -> dict[str, Any]:
    keys = call.csv("permissions")
    if not keys:
        raise JiraError(400, "The 'permissions' query parameter is required.")
    unknown = [k for k in keys if k not in permissions.BY_KEY]
    if unknown:
        raise JiraError(400, f"Unrecognized permission keys: {', '.join(unknown)}")
    if call.query.get("projectId") or call.query.get("projectKey"):
        lookup.project(call, call.query.get("projectId") or call.query["projectKey"])
    if call.query.get("issueId") or call.query.get("issueKey"):
        lookup.issue(call, call.query.get("issueId") or call.query["issueKey"])
    administrator = directory.administers_jira(call)
    chosen = {k: permissions.BY_KEY[k] for k in keys}
    return {"permissions": {k: permissions.render(p, permissions.holds(k, administrator)) for k, p in chosen.items()}}
