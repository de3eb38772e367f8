"""Role assignments of users: /api/v1/users/{userId}/roles."""

from __future__ import annotations

from typing import Any

from services.okta import render
from services.okta.call import OktaCall, Reply
from services.okta.domain import roles, users
from services.okta.endpoint import route

ROLES_READ, ROLES_MANAGE = "okta.roles.read", "okta.roles.manage"


@route("GET", "/api/v1/users/{userId}/roles", "listAssignedRolesForUser", ROLES_READ)
def list_assigned_roles_for_user(call: OktaCall) -> list[dict[str, Any]]:
    user = users.find(call, call.path["userId"])
    return [render.role_assignment(call, row) for row in roles.of_user(call, user)]


@route("POST", "/api/v1/users/{userId}/roles", "assignRoleToUser", ROLES_MANAGE)
def assign_role_to_user(call: OktaCall) -> Reply:
    user = users.find(call, call.path["userId"])
    return Reply(render.role_assignment(call, roles.assign(call, user)), status=201)


@route("GET", "/api/v1/users/{userId}/roles/{roleAssignmentId}", "getUserAssignedRole", ROLES_READ)
def get_user_assigned_role(call: OktaCall) -> dict[str, Any]:
    user = users.find(call, call.path["userId"])
    return render.role_assignment(call, roles.find(call, user, call.path["roleAssignmentId"]))


@route("DELETE", "/api/v1/users/{userId}/roles/{roleAssignmentId}", "unassignRoleFromUser", ROLES_MANAGE)
def unassign_role_from_user(call: OktaCall) -> Reply:
    user = users.find(call, call.path["userId"])
    roles.unassign(call, user, roles.find(call, user, call.path["roleAssignmentId"]))
    return Reply(None, status=204)
