"""Groups API: /api/v1/groups, members, and the apps assigned to a group."""

from __future__ import annotations

from typing import Any

from services.okta import render, render_apps, render_groups
from services.okta.call import OktaCall, Reply
from services.okta.domain import apps, groups, users
from services.okta.endpoint import route
from services.okta.paging import page_request, paged_reply

# Okta's defaults: a very high page size for groups and members (kept for compatibility),
# 300 for a `q` query (which is not paged), 20 for a group's apps.
GROUPS_LIMIT = 10000
QUERY_LIMIT = 300
MEMBERS_LIMIT = 1000
GROUP_APPS_LIMIT = 20


@route("POST", "/api/v1/groups", "addGroup", "okta.groups.manage")
def add_group(call: OktaCall) -> dict[str, Any]:
    return render_groups.group(call, groups.create(call, call.body_object()))


@route("GET", "/api/v1/groups", "listGroups", "okta.groups.read")
def list_groups(call: OktaCall) -> Reply:
    with_stats = "stats" in (call.query.get("expand") or "").split(",")
    if call.query.get("q") and not (call.query.get("search") or call.query.get("filter")):
        # "Paging and searching are mutually exclusive": a query answers one page, without `next`.
        page = page_request(call, QUERY_LIMIT, GROUPS_LIMIT)
        rows = groups.page(call, page.after, page.limit)
        body = [_group(call, row, with_stats) for row in rows]
        return paged_reply(call, rows, [row.seq for row in rows], page, body)
    page = page_request(call, GROUPS_LIMIT, GROUPS_LIMIT)
    rows = groups.page(call, page.after, page.limit + 1)
    body = [_group(call, row, with_stats) for row in rows[: page.limit]]
    return paged_reply(call, rows, [row.seq for row in rows], page, body)


def _group(call: OktaCall, row: Any, with_stats: bool) -> dict[str, Any]:
    return render_groups.group(call, row, stats=groups.stats(call, row) if with_stats else None)


@route("GET", "/api/v1/groups/{groupId}", "getGroup", "okta.groups.read")
def get_group(call: OktaCall) -> dict[str, Any]:
    row = groups.find(call, call.path["groupId"])
    return _group(call, row, "stats" in (call.query.get("expand") or "").split(","))


@route("PUT", "/api/v1/groups/{groupId}", "replaceGroup", "okta.groups.manage")
def replace_group(call: OktaCall) -> dict[str, Any]:
    row = groups.find(call, call.path["groupId"])
    return render_groups.group(call, groups.replace(call, row, call.body_object()))


@route("DELETE", "/api/v1/groups/{groupId}", "deleteGroup", "okta.groups.manage")
def delete_group(call: OktaCall) -> Reply:
    groups.delete(call, groups.find(call, call.path["groupId"]))
    return Reply(None, 204)


@route("GET", "/api/v1/groups/{groupId}/users", "listGroupUsers", "okta.groups.read")
def list_group_users(call: OktaCall) -> Reply:
    row = groups.find(call, call.path["groupId"])
    page = page_request(call, MEMBERS_LIMIT, MEMBERS_LIMIT)
    members = groups.members_page(call, row, page.after, page.limit + 1)
    body = [render.user(call, user) for _, user in members[: page.limit]]
    return paged_reply(call, members, [seq for seq, _ in members], page, body)


@route("PUT", "/api/v1/groups/{groupId}/users/{userId}", "assignUserToGroup", "okta.groups.manage")
def assign_user_to_group(call: OktaCall) -> Reply:
    row = groups.find(call, call.path["groupId"])
    groups.add_member(call, row, users.find(call, call.path["userId"]))
    return Reply(None, 204)


@route("DELETE", "/api/v1/groups/{groupId}/users/{userId}", "unassignUserFromGroup", "okta.groups.manage")
def unassign_user_from_group(call: OktaCall) -> Reply:
    row = groups.find(call, call.path["groupId"])
    groups.remove_member(call, row, users.find(call, call.path["userId"]))
    return Reply(None, 204)


@route("GET", "/api/v1/groups/{groupId}/apps", "listAssignedApplicationsForGroup", "okta.groups.read")
def list_assigned_applications_for_group(call: OktaCall) -> Reply:
    row = groups.find(call, call.path["groupId"])
    page = page_request(call, GROUP_APPS_LIMIT, 200)
    assigned = apps.assigned_to_group(call, row.id, page.after, page.limit + 1)
    body = [render_apps.app(call, app) for _, app in assigned[: page.limit]]
    return paged_reply(call, assigned, [seq for seq, _ in assigned], page, body)
