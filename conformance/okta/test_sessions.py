"""Okta sessions (Sessions API): made from a sessionToken, read, refreshed, closed, and cleared per user.

A session lives two hours idle (Okta's default global session policy) on the org's
clock; a refresh extends it. Sessions made by the API, by /authorize with a
sessionToken and by the hosted sign-in page are one kind of thing: `/sessions/me`
reads the `sid` cookie, and `DELETE /api/v1/users/{id}/sessions` closes them all
(with `oauthTokens=true`, the user's OAuth tokens die too).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
from okta.client import Client

from conformance.okta.authn_client import admin_client, events, new_user, org_now, sign_in
from conformance.okta.oidc_client import Clients, Server, query_of, start

IDLE = 2 * 3600
SCOPE = "openid profile email offline_access"


@pytest.fixture(autouse=True)
def _plain_http(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AUTHLIB_INSECURE_TRANSPORT", "1")


@pytest.fixture
def admin(dtu_okta: Any) -> Iterator[httpx.Client]:
    with admin_client(dtu_okta) as client:
        yield client


@pytest.fixture
def rp() -> Iterator[Clients]:
    clients = Clients()
    yield clients
    clients.close()


def epoch(text: str) -> float:
    return datetime.strptime(text, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=UTC).timestamp()


def test_a_session_token_becomes_a_session_once(dtu_okta: Any, admin: httpx.Client) -> None:
    user = new_user(admin, "dade@example.com", firstName="Dade", lastName="Murphy")
    token = sign_in(dtu_okta, "dade@example.com")["sessionToken"]
    now = org_now(dtu_okta)
    created = admin.post("/api/v1/sessions", json={"sessionToken": token})
    assert created.status_code == 200, created.text
    session = created.json()
    sid = session["id"]
    org = dtu_okta.org_issuer
    assert session == {
        "id": sid,
        "userId": user["id"],
        "login": "dade@example.com",
        "createdAt": session["createdAt"],
        "expiresAt": session["expiresAt"],
        "status": "ACTIVE",
        "lastPasswordVerification": session["lastPasswordVerification"],
        "lastFactorVerification": None,
        "amr": ["pwd"],
        "idp": {"id": session["idp"]["id"], "type": "OKTA"},
        "mfaActive": False,
        "_links": {
            "self": {"href": f"{org}/api/v1/sessions/{sid}", "hints": {"allow": ["GET", "DELETE"]}},
            "refresh": {"href": f"{org}/api/v1/sessions/{sid}/lifecycle/refresh", "hints": {"allow": ["POST"]}},
            "user": {"name": "Dade Murphy", "href": f"{org}/api/v1/users/{user['id']}", "hints": {"allow": ["GET"]}},
        },
    }
    assert sid.startswith("102") and session["idp"]["id"].startswith("00o")
    assert abs(epoch(session["createdAt"]) - now) < 5
    assert epoch(session["expiresAt"]) - epoch(session["createdAt"]) == IDLE
    assert epoch(session["lastPasswordVerification"]) <= epoch(session["createdAt"])

    # A sessionToken is one-time.
    again = admin.post("/api/v1/sessions", json={"sessionToken": token})
    assert again.status_code == 401 and again.json()["errorCode"] == "E0000004"
    bogus = admin.post("/api/v1/sessions", json={"sessionToken": "00notAToken"})
    assert bogus.status_code == 401


async def test_get_refresh_and_close_a_session_through_the_sdk(
    dtu_okta: Any, admin: httpx.Client, okta: Client
) -> None:
    user = new_user(admin, "dade@example.com")
    token = sign_in(dtu_okta, "dade@example.com")["sessionToken"]
    sid = admin.post("/api/v1/sessions", json={"sessionToken": token}).json()["id"]

    session, _, err = await okta.get_session(sid)
    assert err is None
    assert session.id == sid and session.user_id == user["id"] and session.status == "ACTIVE"
    first_expiry = session.expires_at

    dtu_okta.advance_clock(3600)
    refreshed, _, err = await okta.refresh_session(sid)
    assert err is None
    assert (refreshed.expires_at - first_expiry).total_seconds() == pytest.approx(3600, abs=2)
    assert epoch(admin.get(f"/api/v1/sessions/{sid}").json()["expiresAt"]) - org_now(dtu_okta) == pytest.approx(
        IDLE, abs=2
    )

    _, _, err = await okta.revoke_session(sid)
    assert err is None
    gone = admin.get(f"/api/v1/sessions/{sid}")
    assert gone.status_code == 404
    assert gone.json()["errorSummary"] == f"Not found: Resource not found: {sid} (Session)"
    assert admin.post(f"/api/v1/sessions/{sid}/lifecycle/refresh").status_code == 404
    assert admin.delete(f"/api/v1/sessions/{sid}").status_code == 404
    ended = events(admin, "user.session.end")
    assert [(e["actor"]["id"], e["authenticationContext"]["externalSessionId"]) for e in ended] == [(user["id"], sid)]


def test_sessions_end_after_two_idle_hours(dtu_okta: Any, admin: httpx.Client) -> None:
    new_user(admin, "dade@example.com")
    token = sign_in(dtu_okta, "dade@example.com")["sessionToken"]
    sid = admin.post("/api/v1/sessions", json={"sessionToken": token}).json()["id"]
    dtu_okta.advance_clock(IDLE - 60)
    assert admin.get(f"/api/v1/sessions/{sid}").status_code == 200
    dtu_okta.advance_clock(61)
    assert admin.get(f"/api/v1/sessions/{sid}").status_code == 404


def headless_tokens(dtu_okta: Any, rp: Clients, agent: httpx.Client, login: str) -> tuple[Server, Any, dict[str, Any]]:
    """authn -> sessionToken -> authorize (the agent keeps the `sid` cookie) -> tokens."""
    server = Server.discover(dtu_okta.issuer)
    client = rp(dtu_okta.client_id, dtu_okta.client_secret, dtu_okta.redirect_uri, SCOPE)
    token = sign_in(dtu_okta, login)["sessionToken"]
    url, _, _, verifier = start(client, server, sessionToken=token)
    redirected = agent.get(url, follow_redirects=False)
    assert redirected.status_code == 302, redirected.text
    tokens = client.fetch_token(
        server["token_endpoint"], authorization_response=redirected.headers["location"], code_verifier=verifier
    )
    return server, client, tokens


def test_the_current_session_by_its_cookie(dtu_okta: Any, admin: httpx.Client, rp: Clients) -> None:
    user = new_user(admin, "dade@example.com")
    me = f"{dtu_okta.org_issuer}/api/v1/sessions/me"
    with httpx.Client(timeout=30.0) as agent:
        server, client, _ = headless_tokens(dtu_okta, rp, agent, "dade@example.com")
        current = agent.get(me)
        assert current.status_code == 200, current.text
        body = current.json()
        assert body["id"] == agent.cookies.get("sid") and body["userId"] == user["id"]
        assert body["_links"]["self"]["href"] == me
        assert body["_links"]["refresh"]["href"] == me + "/lifecycle/refresh"
        assert body["_links"]["user"]["href"] == f"{dtu_okta.org_issuer}/api/v1/users/me"
        # The API sees the same session.
        assert admin.get(f"/api/v1/sessions/{body['id']}").json()["userId"] == user["id"]

        dtu_okta.advance_clock(600)
        refreshed = agent.post(me + "/lifecycle/refresh")
        assert refreshed.status_code == 200
        assert epoch(refreshed.json()["expiresAt"]) - epoch(body["expiresAt"]) == pytest.approx(600, abs=2)

        assert agent.delete(me).status_code == 204
        missing = agent.get(me)
        assert missing.status_code == 404
        assert missing.json()["errorSummary"] == "Not found: Resource not found: me (Session)"
        # Signed out: prompt=none has no session to use.
        url, state, _, _ = start(client, server, prompt="none")
        refused = agent.get(url, follow_redirects=False)
        assert query_of(refused.headers["location"])["error"] == "login_required"
        assert query_of(refused.headers["location"])["state"] == state
    # Without a cookie there is no current session.
    assert httpx.get(me).status_code == 404


def test_clearing_a_users_sessions_and_tokens(dtu_okta: Any, admin: httpx.Client, rp: Clients) -> None:
    user = new_user(admin, "dade@example.com")
    with httpx.Client(timeout=30.0) as agent:
        server, client, tokens = headless_tokens(dtu_okta, rp, agent, "dade@example.com")
        sid = agent.cookies.get("sid")
        api_sid = admin.post(
            "/api/v1/sessions", json={"sessionToken": sign_in(dtu_okta, "dade@example.com")["sessionToken"]}
        ).json()["id"]
        introspect = server["introspection_endpoint"]
        assert client.introspect_token(introspect, token=tokens["access_token"]).json()["active"] is True

        cleared = admin.delete(f"/api/v1/users/{user['id']}/sessions", params={"oauthTokens": "true"})
        assert cleared.status_code == 204

        assert admin.get(f"/api/v1/sessions/{sid}").status_code == 404
        assert admin.get(f"/api/v1/sessions/{api_sid}").status_code == 404
        assert agent.get(f"{dtu_okta.org_issuer}/api/v1/sessions/me").status_code == 404
        assert client.introspect_token(introspect, token=tokens["access_token"]).json() == {"active": False}
        assert client.introspect_token(introspect, token=tokens["refresh_token"]).json() == {"active": False}
        refused = httpx.post(
            server["token_endpoint"],
            data={"grant_type": "refresh_token", "refresh_token": tokens["refresh_token"], "scope": SCOPE},
            auth=(dtu_okta.client_id, dtu_okta.client_secret),
        )
        assert refused.status_code == 400
        assert refused.json() == {
            "error": "invalid_grant",
            "error_description": "The refresh token is invalid or expired.",
        }
    assert [e["target"][0]["id"] for e in events(admin, "user.session.clear")] == [user["id"]]
