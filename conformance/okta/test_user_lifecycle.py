"""The user lifecycle through the okta SDK: Okta's status machine, its errors, tokens and the System Log.

Asserted from the User Lifecycle and User Credentials API references (activateUser, reactivateUser,
deactivateUser, suspendUser, unsuspendUser, unlockUser, resetPassword, expirePassword,
expirePasswordWithTempPassword, changePassword, revokeUserSessions).
"""

from __future__ import annotations

import json
from typing import Any

import httpx
from okta.client import Client

PASSWORD = "Tr0ub4dor-Horse"


def person(login: str) -> dict[str, Any]:
    return {"firstName": "Ada", "lastName": "Lovelace", "email": login, "login": login}


async def create(okta: Client, login: str, *, password: bool = True, activate: bool = True) -> Any:
    body: dict[str, Any] = {"profile": person(login)}
    if password:
        body["credentials"] = {"password": {"value": PASSWORD}}
    user, _, err = await okta.create_user(body, activate=activate)
    assert err is None, err
    return user


async def status_of(okta: Client, user_id: str) -> str:
    user, _, err = await okta.get_user(user_id)
    assert err is None, err
    return str(getattr(user.status, "value", user.status))


def raw(dtu_okta: Any, method: str, path: str, **kwargs: Any) -> httpx.Response:
    headers = {"Authorization": f"SSWS {dtu_okta.api_token}", "Accept": "application/json"}
    return httpx.request(method, dtu_okta.org_url + path, headers=headers, timeout=30, **kwargs)


def events(dtu_okta: Any, user_id: str) -> list[str]:
    response = raw(dtu_okta, "GET", "/api/v1/logs", params={"filter": f'target.id eq "{user_id}"', "limit": 200})
    assert response.status_code == 200, response.text
    return [event["eventType"] for event in response.json()]


async def test_activate_a_staged_user_returns_an_activation_link(okta: Client) -> None:
    user = await create(okta, "staged@example.com", password=False, activate=False)
    token, _, err = await okta.activate_user(user.id, send_email=False)
    assert err is None, err
    assert token.activation_token and token.activation_url.endswith("/welcome/" + token.activation_token)
    assert await status_of(okta, user.id) == "PROVISIONED"  # no password: the user finishes activation
    _, _, err = await okta.activate_user(user.id, send_email=True)
    assert err is None, err  # a PROVISIONED user can be sent a new activation email

    with_password = await create(okta, "pw@example.com", activate=False)
    _, _, err = await okta.activate_user(with_password.id, send_email=True)
    assert err is None, err
    assert await status_of(okta, with_password.id) == "ACTIVE"


async def test_activating_an_active_user_is_e0000016(okta: Client) -> None:
    user = await create(okta, "active@example.com")
    _, _, err = await okta.activate_user(user.id, send_email=False)
    assert (err.status, err.error_code) == (403, "E0000016")
    assert err.error_summary == "Activation failed because the user is already active"


async def test_reactivate_only_provisioned_users(okta: Client) -> None:
    provisioned = await create(okta, "prov@example.com", password=False)
    token, _, err = await okta.reactivate_user(provisioned.id)
    assert err is None and token.activation_token  # sendEmail defaults to false here
    active = await create(okta, "act@example.com")
    _, _, err = await okta.reactivate_user(active.id)
    assert (err.status, err.error_code) == (403, "E0000038")
    assert err.error_summary == "This operation is not allowed in the user's current status."


async def test_suspend_and_unsuspend(okta: Client, dtu_okta: Any) -> None:
    user = await create(okta, "susp@example.com")
    *_, err = await okta.suspend_user(user.id)
    assert err is None, err
    assert await status_of(okta, user.id) == "SUSPENDED"
    *_, err = await okta.suspend_user(user.id)
    assert (err.status, err.error_code, err.error_summary) == (400, "E0000001", "Api validation failed: suspendUser")
    assert err.error_causes == [{"errorSummary": "Cannot suspend a user that is not active"}]
    *_, err = await okta.unsuspend_user(user.id)
    assert err is None, err
    assert await status_of(okta, user.id) == "ACTIVE"
    *_, err = await okta.unsuspend_user(user.id)
    assert (err.status, err.error_code) == (400, "E0000001")
    assert err.error_causes == [{"errorSummary": "Cannot unsuspend a user that is not suspended"}]
    assert {"user.lifecycle.suspend", "user.lifecycle.unsuspend"} <= set(events(dtu_okta, user.id))


async def test_unlock_needs_a_locked_out_user(okta: Client, dtu_okta: Any) -> None:
    active = await create(okta, "notlocked@example.com")
    *_, err = await okta.unlock_user(active.id)
    assert (err.status, err.error_code, err.error_summary) == (403, "E0000032", "Unlock is not allowed for this user.")
    seeded = dtu_okta.control(
        "POST", "/seed", json={"users": [{"profile": person("locked@example.com"), "status": "LOCKED_OUT"}]}
    )
    assert seeded.status_code == 200, seeded.text
    locked_id = seeded.json()["created"]["users"][0]["id"]
    *_, err = await okta.unlock_user(locked_id)
    assert err is None, err
    assert await status_of(okta, locked_id) == "ACTIVE"
    assert "user.account.unlock" in events(dtu_okta, locked_id)


async def test_reset_password_puts_the_user_in_recovery(okta: Client, dtu_okta: Any) -> None:
    user = await create(okta, "reset@example.com")
    token, _, err = await okta.reset_password(user.id, send_email=False)
    assert err is None, err
    assert "/reset_password/" in token.reset_password_url
    assert await status_of(okta, user.id) == "RECOVERY"
    staged = await create(okta, "reset.staged@example.com", activate=False)
    _, _, err = await okta.reset_password(staged.id, send_email=False)
    assert (err.status, err.error_code) == (403, "E0000017")
    assert "user.account.reset_password" in events(dtu_okta, user.id)


async def test_expire_password_and_change_it(okta: Client, dtu_okta: Any) -> None:
    user = await create(okta, "expire@example.com")
    expired, _, err = await okta.expire_password(user.id)
    assert err is None, err
    assert str(getattr(expired.status, "value", expired.status)) == "PASSWORD_EXPIRED"
    wrong = {"oldPassword": {"value": "Not-the-0ne"}, "newPassword": {"value": "An0ther-Horse"}}
    _, _, err = await okta.change_password(user.id, wrong)
    assert (err.status, err.error_code) == (403, "E0000014")
    assert err.error_causes == [{"errorSummary": "oldPassword: The credentials provided were incorrect."}]
    weak = {"oldPassword": {"value": PASSWORD}, "newPassword": {"value": "weak"}}
    _, _, err = await okta.change_password(user.id, weak)
    assert (err.status, err.error_code) == (403, "E0000080")
    good = {"oldPassword": {"value": PASSWORD}, "newPassword": {"value": "An0ther-Horse"}}
    credentials, _, err = await okta.change_password(user.id, good)
    assert err is None, err
    assert credentials.provider.type.value == "OKTA" and credentials.password is not None
    assert await status_of(okta, user.id) == "ACTIVE"
    assert {"user.account.expire_password", "user.account.update_password"} <= set(events(dtu_okta, user.id))


async def test_expire_with_a_temporary_password(okta: Client) -> None:
    user = await create(okta, "temp@example.com")
    _, resp, err = await okta.expire_password_with_temp_password(user.id)
    assert err is None, err
    # The SDK types this answer as a User; Okta's spec (and the twin) answer `{"tempPassword": ...}`.
    temp_password = json.loads(resp.raw_data)["tempPassword"]
    assert len(temp_password) == 8
    assert await status_of(okta, user.id) == "PASSWORD_EXPIRED"
    change = {"oldPassword": {"value": temp_password}, "newPassword": {"value": "Fresh-Start-99"}}
    _, _, err = await okta.change_password(user.id, change)
    assert err is None, err
    staged = await create(okta, "temp.staged@example.com", activate=False)
    _, _, err = await okta.expire_password(staged.id)
    assert (err.status, err.error_code) == (403, "E0000038")


async def test_deactivate_then_activate_again(okta: Client, dtu_okta: Any) -> None:
    user = await create(okta, "cycle@example.com")
    *_, err = await okta.deactivate_user(user.id)
    assert err is None, err
    assert await status_of(okta, user.id) == "DEPROVISIONED"
    *_, err = await okta.suspend_user(user.id)
    assert (err.status, err.error_code) == (400, "E0000001")
    _, _, err = await okta.activate_user(user.id, send_email=True)
    assert err is None, err
    assert await status_of(okta, user.id) == "ACTIVE"  # the password was kept
    assert [e for e in events(dtu_okta, user.id) if e.startswith("user.lifecycle.")] == [
        "user.lifecycle.create",
        "user.lifecycle.activate",
        "user.lifecycle.deactivate",
        "user.lifecycle.activate",
    ]


async def test_clear_sessions(okta: Client, dtu_okta: Any) -> None:
    user = await create(okta, "sessions@example.com")
    *_, err = await okta.revoke_user_sessions(user.id, oauth_tokens=True)
    assert err is None, err
    assert "user.session.clear" in events(dtu_okta, user.id)
    *_, err = await okta.revoke_user_sessions("00uNOPE000000000000")
    assert (err.status, err.error_code) == (404, "E0000007")


async def test_a_suspended_admin_api_token_stops_working(okta: Client, dtu_okta: Any) -> None:
    """Suspending the admin behind an API token cuts the token off at once; unsuspending restores it."""
    service = Client(
        {
            "orgUrl": dtu_okta.org_url,
            "authorizationMode": "PrivateKey",
            "clientId": dtu_okta.service_client_id,
            "scopes": ["okta.users.manage", "okta.users.read"],
            "privateKey": dtu_okta.private_key,
            "kid": dtu_okta.private_key_id,
        }
    )
    async with service:
        *_, err = await service.suspend_user(dtu_okta.admin_id)
        assert err is None, err
        _, _, err = await okta.get_user("me")
        assert (err.status, err.error_code) == (401, "E0000011")
        *_, err = await service.unsuspend_user(dtu_okta.admin_id)
        assert err is None, err
    me, _, err = await okta.get_user("me")
    assert err is None and me.id == dtu_okta.admin_id
