"""Routes of the Directory API (operation names = the discovery document's method ids)."""

from __future__ import annotations

from typing import Any

from services.gdrive.call import DriveCall, Reply
from services.gdrive.directory import groups, users
from services.gdrive.endpoint import route

BASE = "/admin/directory/v1"


@route("POST", BASE + "/users", "directory.users.insert")
def users_insert(call: DriveCall) -> dict[str, Any]:
    return users.insert(call)


@route("GET", BASE + "/users", "directory.users.list")
def users_list(call: DriveCall) -> dict[str, Any]:
    return users.list_users(call)


@route("GET", BASE + "/users/{userKey}", "directory.users.get")
def users_get(call: DriveCall) -> dict[str, Any]:
    return users.get(call)


@route("PUT", BASE + "/users/{userKey}", "directory.users.update")
def users_update(call: DriveCall) -> dict[str, Any]:
    return users.update(call, replace=False)  # Google's update keeps the fields a body leaves out, too


@route("PATCH", BASE + "/users/{userKey}", "directory.users.patch")
def users_patch(call: DriveCall) -> dict[str, Any]:
    return users.update(call, replace=False)


@route("DELETE", BASE + "/users/{userKey}", "directory.users.delete")
def users_delete(call: DriveCall) -> Reply:
    users.delete(call)
    return Reply(None, 204)


@route("POST", BASE + "/groups", "directory.groups.insert")
def groups_insert(call: DriveCall) -> dict[str, Any]:
    return groups.insert(call)


@route("GET", BASE + "/groups", "directory.groups.list")
def groups_list(call: DriveCall) -> dict[str, Any]:
    return groups.list_groups(call)


@route("GET", BASE + "/groups/{groupKey}", "directory.groups.get")
def groups_get(call: DriveCall) -> dict[str, Any]:
    return groups.get(call)


@route("DELETE", BASE + "/groups/{groupKey}", "directory.groups.delete")
def groups_delete(call: DriveCall) -> Reply:
    groups.delete(call)
    return Reply(None, 204)


@route("POST", BASE + "/groups/{groupKey}/members", "directory.members.insert")
def members_insert(call: DriveCall) -> dict[str, Any]:
    return groups.insert_member(call)


@route("GET", BASE + "/groups/{groupKey}/members", "directory.members.list")
def members_list(call: DriveCall) -> dict[str, Any]:
    return groups.list_members(call)


@route("DELETE", BASE + "/groups/{groupKey}/members/{memberKey}", "directory.members.delete")
def members_delete(call: DriveCall) -> Reply:
    groups.delete_member(call)
    return Reply(None, 204)
