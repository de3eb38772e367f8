"""Groups: create, delete, members (paged and the older `expand=users` form), add/remove a member,
bulk listing and the group picker. Changes need site administration and are audited."""

from __future__ import annotations

from typing import Any

from services.jira import audit, group_render, paging, render
from services.jira.call import JiraCall, Reply
from services.jira.domain import directory
from services.jira.endpoint import route
from services.jira.errors import JiraError
from services.jira.models import Group


def _group(call: JiraCall) -> Group:
    return directory.find_group(call, call.query.get("groupname"), call.query.get("groupId"))


@route("POST", "/group", "createGroup")
def create_group(call: JiraCall) -> Reply:
    directory.require_site_admin(call)
    row = directory.create_group(call, call.body_object().get("name"))
    audit.record(call, "Group created", "group management", audit.group_item(row))
    return Reply(group_render.group(call, row, [], (0, group_render.MAX_EXPANDED - 1)), status=201)


@route("DELETE", "/group", "removeGroup")
def remove_group(call: JiraCall) -> Reply:
    directory.require_site_admin(call)
    row = _group(call)
    if row.lower_name in directory.DEFAULT_GROUPS:
        raise JiraError(400, f"The group '{row.name}' is used to grant access and cannot be deleted.")
    directory.delete_group(call, row)
    audit.record(call, "Group deleted", "group management", audit.group_item(row))
    return Reply(status=200, empty=True)


@route("GET", "/group", "getGroup")
def get_group(call: JiraCall) -> dict[str, Any]:
    row = _group(call)
    window = group_render.users_window(call.query.get("expand"))
    return group_render.group(call, row, directory.member_users(call, row), window)


@route("GET", "/group/member", "getUsersFromGroup")
def group_members(call: JiraCall) -> dict[str, Any]:
    row = _group(call)
    start, size = paging.window(call, 50, 50)
    users = directory.member_users(call, row, include_inactive=call.flag("includeInactiveUsers"))
    return paging.page_body(call, [render.user(call, u) for u in users], start, size)


@route("POST", "/group/user", "addUserToGroup")
def add_user_to_group(call: JiraCall) -> Reply:
    directory.require_site_admin(call)
    row = _group(call)
    body = call.body_object()
    account = body.get("accountId")
    if account is None and "name" not in body:
        raise JiraError(400, "The 'accountId' must be provided.")
    # Cloud no longer knows usernames: `name` (what older clients send) never finds a user.
    user = directory.existing_user(call, account)
    if not user.active:
        raise JiraError(404, directory.USER_NOT_FOUND)
    if directory.add_member(call, row, user.account_id):
        audit.record(
            call, "User added to group", "group management", audit.user_item(user), associated=[audit.group_item(row)]
        )
    return Reply(group_render.group(call, row, directory.member_users(call, row), None), status=201)


@route("DELETE", "/group/user", "removeUserFromGroup")
def remove_user_from_group(call: JiraCall) -> Reply:
    directory.require_site_admin(call)
    row = _group(call)
    account = call.query.get("accountId")
    if not account:
        raise JiraError(400, "The 'accountId' query parameter needs to be provided.")
    user = directory.existing_user(call, account)
    if not directory.remove_member(call, row, user.account_id):
        raise JiraError(400, f"Cannot remove user '{user.account_id}' from group '{row.name}': not a member.")
    audit.record(
        call, "User removed from group", "group management", audit.user_item(user), associated=[audit.group_item(row)]
    )
    return Reply(status=200, empty=True)


@route("GET", "/group/bulk", "bulkGetGroups")
def bulk_groups(call: JiraCall) -> dict[str, Any]:
    start, size = paging.window(call, 50, 1000)
    ids = set(call.query.getlist("groupId"))
    names = {n.lower() for n in call.query.getlist("groupName")}
    rows = [g for g in directory.groups(call) if (not ids and not names) or g.id in ids or g.lower_name in names]
    return paging.page_body(call, [{"name": g.name, "groupId": g.id} for g in rows], start, size)


@route("GET", "/groups/picker", "findGroups")
def find_groups(call: JiraCall) -> dict[str, Any]:
    query = call.query.get("query") or ""
    excluded = {n.lower() for n in call.query.getlist("exclude")} | set(call.query.getlist("excludeId"))
    limit = call.int_param("maxResults", 20)
    matched = [
        g
        for g in directory.groups(call)
        if query.lower() in g.lower_name and g.lower_name not in excluded and g.id not in excluded
    ]
    chosen = matched[:limit]
    return {
        "header": f"Showing {len(chosen)} of {len(matched)} matching groups",
        "total": len(matched),
        "groups": [group_render.picker_entry(g, query) for g in chosen],
    }
