"""Admin role assignments of users through the okta SDK (Role Assignment API: assignRoleToUser,
listAssignedRolesForUser, getUserAssignedRole, unassignRoleFromUser) and what a role allows.

There is no API that mints SSWS tokens, so the admin behind the org's API token is demoted from
SUPER_ADMIN to APP_ADMIN to see an application administrator's token at work: API tokens act with
the current privileges of the admin who created them.
"""

from __future__ import annotations

import json
from typing import Any

import httpx
from okta.client import Client
from okta.models.assign_role_to_user_request import AssignRoleToUserRequest
from okta.models.standard_role_assignment_schema import StandardRoleAssignmentSchema


def role(kind: str) -> AssignRoleToUserRequest:
    return AssignRoleToUserRequest(StandardRoleAssignmentSchema(type=kind))


def person(login: str) -> dict[str, Any]:
    return {"firstName": "Ada", "lastName": "Lovelace", "email": login, "login": login}


async def create(okta: Client, login: str) -> Any:
    user, _, err = await okta.create_user(
        {"profile": person(login), "credentials": {"password": {"value": "Tr0ub4dor-H"}}}
    )
    assert err is None, err
    return user


def raw(dtu_okta: Any, method: str, path: str, **kwargs: Any) -> httpx.Response:
    headers = {"Authorization": f"SSWS {dtu_okta.api_token}", "Accept": "application/json"}
    return httpx.request(method, dtu_okta.org_url + path, headers=headers, timeout=30, **kwargs)


def types_of(roles: list[Any]) -> list[str]:
    return [r.actual_instance.type for r in roles]


async def test_assign_list_get_unassign(okta: Client, dtu_okta: Any) -> None:
    user = await create(okta, "helpdesk@example.com")
    assigned, resp, err = await okta.assign_role_to_user(user.id, role("HELP_DESK_ADMIN"))
    assert err is None, err
    assert resp.status_code == 201
    assert assigned.actual_instance.type == "HELP_DESK_ADMIN"
    body = json.loads(resp.raw_data)
    assert body["type"] == "HELP_DESK_ADMIN" and body["status"] == "ACTIVE" and body["assignmentType"] == "USER"
    assert body["label"] and body["created"] and body["lastUpdated"]
    assert body["_links"]["assignee"]["href"].endswith(f"/api/v1/users/{user.id}")
    roles, _, err = await okta.list_assigned_roles_for_user(user.id)
    assert err is None, err
    assert types_of(roles) == ["HELP_DESK_ADMIN"]
    fetched, _, err = await okta.get_user_assigned_role(user.id, body["id"])
    assert err is None and fetched.actual_instance.id == body["id"]
    *_, err = await okta.unassign_role_from_user(user.id, body["id"])
    assert err is None, err
    roles, _, _ = await okta.list_assigned_roles_for_user(user.id)
    assert roles == []
    _, _, err = await okta.get_user_assigned_role(user.id, body["id"])
    assert (err.status, err.error_code) == (404, "E0000007")
    log = raw(dtu_okta, "GET", "/api/v1/logs", params={"filter": f'target.id eq "{user.id}"'}).json()
    kinds = [event["eventType"] for event in log]
    assert "user.account.privilege.grant" in kinds and "user.account.privilege.revoke" in kinds


async def test_the_org_admin_is_a_super_admin(okta: Client, dtu_okta: Any) -> None:
    roles, _, err = await okta.list_assigned_roles_for_user(dtu_okta.admin_id)
    assert err is None, err
    assert types_of(roles) == ["SUPER_ADMIN"]


async def test_duplicate_and_unknown_roles_are_rejected(okta: Client, dtu_okta: Any) -> None:
    user = await create(okta, "twice@example.com")
    _, _, err = await okta.assign_role_to_user(user.id, role("READ_ONLY_ADMIN"))
    assert err is None, err
    _, _, err = await okta.assign_role_to_user(user.id, role("READ_ONLY_ADMIN"))
    assert (err.status, err.error_code) == (409, "E0000090")
    response = raw(dtu_okta, "POST", f"/api/v1/users/{user.id}/roles", json={"type": "KING_OF_EVERYTHING"})
    assert response.status_code == 400 and response.json()["errorCode"] == "E0000001"
    response = raw(dtu_okta, "POST", f"/api/v1/users/{user.id}/roles", json={"type": 7})
    assert response.status_code == 400
    response = raw(dtu_okta, "POST", "/api/v1/users/00uNOPE000000000000/roles", json={"type": "APP_ADMIN"})
    assert response.status_code == 404 and response.json()["errorCode"] == "E0000007"


async def test_an_app_admin_token_reads_users_and_manages_apps_but_cannot_create_users(
    okta: Client, dtu_okta: Any
) -> None:
    roles, _, _ = await okta.list_assigned_roles_for_user(dtu_okta.admin_id)
    super_admin = roles[0].actual_instance.id
    _, _, err = await okta.assign_role_to_user(dtu_okta.admin_id, role("APP_ADMIN"))
    assert err is None, err
    *_, err = await okta.unassign_role_from_user(dtu_okta.admin_id, super_admin)
    assert err is None, err

    users, _, err = await okta.list_users()
    assert err is None and users  # APP_ADMIN may read users
    _, _, err = await okta.create_user({"profile": person("nope@example.com")})
    assert (err.status, err.error_code) == (403, "E0000006")
    assert err.error_summary == "You do not have permission to perform the requested action"
    apps = raw(dtu_okta, "GET", "/api/v1/apps")
    assert apps.status_code == 200
    web_app = next(app for app in apps.json() if app["label"] == "DTU Web App")
    deactivated = raw(dtu_okta, "POST", f"/api/v1/apps/{web_app['id']}/lifecycle/deactivate")
    assert deactivated.status_code == 200, deactivated.text
    _, _, err = await okta.assign_role_to_user(dtu_okta.admin_id, role("SUPER_ADMIN"))
    assert (err.status, err.error_code) == (403, "E0000006")  # no escalating oneself
