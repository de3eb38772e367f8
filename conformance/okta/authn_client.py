"""Headless sign-in as automation does it: the Authentication API over plain HTTP, TOTP by pyotp.

The Authentication API is anonymous and addressed at the org's own URL (its issuer,
`dtu_okta.org_issuer`); Management API set-up calls use the org's SSWS token.
Passcodes are computed for the org's clock (the control plane reports it), since the
twin's clock may have been moved.
"""

from __future__ import annotations

from typing import Any

import httpx
import pyotp

PASSWORD = "Tr0ub4dor&3-horse"


def admin_client(dtu_okta: Any) -> httpx.Client:
    return httpx.Client(
        base_url=dtu_okta.org_url, headers={"Authorization": f"SSWS {dtu_okta.api_token}"}, timeout=30.0
    )


def new_user(admin: httpx.Client, login: str, password: str = PASSWORD, **profile: Any) -> dict[str, Any]:
    response = admin.post(
        "/api/v1/users?activate=true",
        json={
            "profile": {"firstName": "Ada", "lastName": "Lovelace", "email": login, "login": login, **profile},
            "credentials": {"password": {"value": password}},
        },
    )
    assert response.status_code == 200, response.text
    user: dict[str, Any] = response.json()
    return user


def authn(dtu_okta: Any, path: str = "", **body: Any) -> httpx.Response:
    """POST /api/v1/authn[/path] at the org's URL, anonymously."""
    return httpx.post(f"{dtu_okta.org_issuer}/api/v1/authn{path}", json=body, timeout=30.0)


def sign_in(dtu_okta: Any, username: str, password: str = PASSWORD) -> dict[str, Any]:
    response = authn(dtu_okta, username=username, password=password)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def org_now(dtu_okta: Any) -> float:
    now: float = dtu_okta.control("GET", "/clock").json()["now"]
    return now


def freeze_clock(dtu_okta: Any) -> None:
    """Stop the org's clock at the start of a TOTP time window, so passcodes do not roll over mid-test."""
    start = (org_now(dtu_okta) // 30) * 30 + 1
    assert dtu_okta.control("POST", "/clock", json={"action": "freeze", "at": start}).status_code == 200


def passcode(dtu_okta: Any, secret: str) -> str:
    """The authenticator app's current code, on the org's clock."""
    return pyotp.TOTP(secret).at(org_now(dtu_okta))


def events(admin: httpx.Client, event_type: str) -> list[dict[str, Any]]:
    response = admin.get("/api/v1/logs", params={"filter": f'eventType eq "{event_type}"'})
    assert response.status_code == 200, response.text
    found: list[dict[str, Any]] = response.json()
    return found


def enroll_totp(dtu_okta: Any, admin: httpx.Client, user_id: str, provider: str = "OKTA") -> tuple[str, str]:
    """Enroll and activate a TOTP factor: (factor id, shared secret)."""
    enrolled = admin.post(
        f"/api/v1/users/{user_id}/factors", json={"factorType": "token:software:totp", "provider": provider}
    )
    assert enrolled.status_code == 200, enrolled.text
    factor = enrolled.json()
    secret = factor["_embedded"]["activation"]["sharedSecret"]
    activated = admin.post(
        f"/api/v1/users/{user_id}/factors/{factor['id']}/lifecycle/activate",
        json={"passCode": passcode(dtu_okta, secret)},
    )
    assert activated.status_code == 200, activated.text
    return factor["id"], secret
