"""Single sign-on through the Okta twin, set up as an Okta admin does, for the conformance tests.

An OIDC web app in the Okta org whose redirect URI is the twin's SSO callback, assigned to
Everyone, through the Apps API; its client credentials become the twin's `sso` seed setting
(DTU's own key). People who sign in at Okta get an account with a known password.
Black-box like the rest of the conformance suite: nothing here imports `services.*`.
"""

from __future__ import annotations

from typing import Any

import httpx

PASSWORD = "Correct-Horse-Battery-9"
CALLBACK_PATH = "/sso/okta/callback"  # where every twin's SSO comes back from Okta
SLACK, GOOGLE, JIRA = "Slack SSO", "Google Workspace SSO", "Atlassian Cloud SSO"  # the apps' labels


def okta_admin(dtu_okta: Any) -> httpx.Client:
    """An httpx client of the Okta org's Management API, as its admin (SSWS API token)."""
    return httpx.Client(base_url=dtu_okta.org_url, headers={"Authorization": f"SSWS {dtu_okta.api_token}"})


def okta_sso_setting(dtu_okta: Any, label: str, root: str) -> dict[str, str]:
    """A new OIDC web app `label` calling back to the twin at `root`, assigned to Everyone: the twin's `sso`."""
    body = {
        "name": "oidc_client",
        "label": label,
        "signOnMode": "OPENID_CONNECT",
        "credentials": {"oauthClient": {"token_endpoint_auth_method": "client_secret_basic"}},
        "settings": {
            "oauthClient": {
                "application_type": "web",
                "grant_types": ["authorization_code"],
                "response_types": ["code"],
                "redirect_uris": [root + CALLBACK_PATH],
            }
        },
    }
    with okta_admin(dtu_okta) as okta:
        created = okta.post("/api/v1/apps", json=body)
        assert created.status_code == 200, created.text
        app = created.json()
        everyone = okta.get("/api/v1/groups", params={"q": "Everyone"}).json()[0]["id"]
        assigned = okta.put(f"/api/v1/apps/{app['id']}/groups/{everyone}", json={})
        assert assigned.status_code == 200, assigned.text
    client = app["credentials"]["oauthClient"]
    return {"issuer": dtu_okta.issuer, "client_id": client["client_id"], "client_secret": client["client_secret"]}


def wire_okta_sso(dtu_okta: Any, twin: Any, label: str, root: str | None = None) -> dict[str, str]:
    """Signing in to `twin` (a tenant handle, at `root`: default its base URL) goes through Okta."""
    setting = okta_sso_setting(dtu_okta, label, root or twin.base_url)
    seeded = twin.control("POST", "/seed", json={"sso": setting})
    assert seeded.status_code == 200, seeded.text
    return setting


def okta_person(okta: httpx.Client, email: str, first: str = "Test", last: str = "Person") -> str:
    """An active Okta user of that email who signs in with PASSWORD: their Okta id."""
    profile = {"login": email, "email": email, "firstName": first, "lastName": last}
    body = {"profile": profile, "credentials": {"password": {"value": PASSWORD}}}
    response = okta.post("/api/v1/users", params={"activate": "true"}, json=body)
    assert response.status_code == 200, response.text
    user_id: str = response.json()["id"]
    return user_id
