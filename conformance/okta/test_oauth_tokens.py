"""The authorization servers' refusals and the state that drives them, as Okta answers them.

Errors are OAuth errors (`{"error", "error_description"}` with Okta's wording and
statuses, or a redirect to the client when its redirect_uri is valid); users'
status, app assignments and app status decide who gets tokens; sign-ins and token
grants are written to the System Log.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from conformance.okta.oidc_client import Browser, Clients, Server, query_of, start

SCOPE = "openid profile email offline_access"
PASSWORD = "Tr0ub4dor&3-horse"


@pytest.fixture(autouse=True)
def _plain_http(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AUTHLIB_INSECURE_TRANSPORT", "1")


@pytest.fixture
def browser() -> Iterator[Browser]:
    b = Browser()
    yield b
    b.close()


@pytest.fixture
def rp() -> Iterator[Clients]:
    clients = Clients()
    yield clients
    clients.close()


@pytest.fixture
def admin(dtu_okta: Any) -> Iterator[httpx.Client]:
    """Management API calls for test setup (users, apps)."""
    with httpx.Client(
        base_url=dtu_okta.org_url, headers={"Authorization": f"SSWS {dtu_okta.api_token}"}, timeout=30.0
    ) as client:
        yield client


def new_user(admin: httpx.Client, login: str) -> dict[str, Any]:
    response = admin.post(
        "/api/v1/users?activate=true",
        json={
            "profile": {"firstName": "Ada", "lastName": "Lovelace", "email": login, "login": login},
            "credentials": {"password": {"value": PASSWORD}},
        },
    )
    assert response.status_code == 200, response.text
    user: dict[str, Any] = response.json()
    return user


def new_web_app(admin: httpx.Client, redirect_uri: str, **oauth: Any) -> dict[str, Any]:
    response = admin.post(
        "/api/v1/apps",
        json={
            "name": "oidc_client",
            "label": "Second App " + secrets.token_hex(3),
            "signOnMode": "OPENID_CONNECT",
            "credentials": {"oauthClient": {"token_endpoint_auth_method": "client_secret_basic"}},
            "settings": {
                "oauthClient": {
                    "redirect_uris": [redirect_uri],
                    "response_types": ["code"],
                    "grant_types": ["authorization_code", "refresh_token"],
                    "application_type": "web",
                    **oauth,
                }
            },
        },
    )
    assert response.status_code == 200, response.text
    app: dict[str, Any] = response.json()
    return app


def authorize_url(dtu_okta: Any, rp: Clients, server: Server, client_id: str | None = None, **extra: Any) -> str:
    client = rp(client_id or dtu_okta.client_id, None, dtu_okta.redirect_uri, extra.pop("scope", SCOPE))
    url, _, _, _ = start(client, server, **extra)
    return url


def code_for(dtu_okta: Any, browser: Browser, rp: Clients, server: Server, **kw: Any) -> tuple[str, str]:
    """Sign in as the admin; (code, code_verifier)."""
    client = rp(kw.pop("client_id", dtu_okta.client_id), None, dtu_okta.redirect_uri, SCOPE)
    url, _, _, verifier = start(client, server)
    done = browser.sign_in(
        browser.open(url), kw.pop("login", dtu_okta.admin_login), kw.pop("password", dtu_okta.admin_password)
    )
    assert done.status_code == 302, done.text
    return query_of(done.headers["location"])["code"], verifier


def exchange(dtu_okta: Any, server: Server, code: str, verifier: str, **data: str) -> httpx.Response:
    auth = data.pop("auth", None)
    form = {
        "grant_type": "authorization_code",
        "code": code,
        "redirect_uri": dtu_okta.redirect_uri,
        "code_verifier": verifier,
    }
    form.update(data)
    return httpx.post(server["token_endpoint"], data=form, auth=auth or (dtu_okta.client_id, dtu_okta.client_secret))


# -- authorize ------------------------------------------------------------------------------
def test_authorize_errors_without_a_valid_redirect_uri_show_the_error_page(dtu_okta: Any, rp: Clients) -> None:
    server = Server.discover(dtu_okta.issuer)
    unknown = httpx.get(authorize_url(dtu_okta, rp, server, client_id="0oanosuchclient00000"))
    assert unknown.status_code == 400
    assert "Invalid value for &#x27;client_id&#x27; parameter." in unknown.text
    client = rp(dtu_okta.client_id, None, "https://evil.example/cb", SCOPE)
    url, _, _, _ = start(client, server)
    wrong = httpx.get(url)
    assert wrong.status_code == 400
    assert "Login redirect URI" in wrong.text


def test_authorize_errors_with_a_valid_redirect_uri_go_back_to_the_client(dtu_okta: Any, rp: Clients) -> None:
    server = Server.discover(dtu_okta.issuer)
    bad_scope = httpx.get(authorize_url(dtu_okta, rp, server, scope="openid nosuchscope", state="s1"))
    assert bad_scope.status_code == 302
    assert query_of(bad_scope.headers["location"]) == {
        "error": "invalid_scope",
        "error_description": "One or more scopes are not configured for the authorization server resource.",
        "state": "s1",
    }
    plain = httpx.get(
        authorize_url(dtu_okta, rp, server, state="s2").replace(
            "code_challenge_method=S256", "code_challenge_method=plain"
        )
    )
    assert plain.status_code == 302
    assert query_of(plain.headers["location"])["error"] == "invalid_request"
    token_flow = httpx.get(
        authorize_url(dtu_okta, rp, server, state="s3").replace("response_type=code", "response_type=token")
    )
    assert token_flow.status_code == 302
    assert query_of(token_flow.headers["location"])["error"] == "unsupported_response_type"


def test_a_user_not_assigned_to_the_app_is_denied(
    dtu_okta: Any, browser: Browser, rp: Clients, admin: httpx.Client
) -> None:
    app = new_web_app(admin, dtu_okta.redirect_uri)  # assigned to nobody
    client_id = app["credentials"]["oauthClient"]["client_id"]
    server = Server.discover(dtu_okta.issuer)
    url = authorize_url(dtu_okta, rp, server, client_id=client_id, state="xyz")
    denied = browser.sign_in(browser.open(url), dtu_okta.admin_login, dtu_okta.admin_password)
    assert denied.status_code == 302
    assert query_of(denied.headers["location"]) == {
        "error": "access_denied",
        "error_description": "User is not assigned to the client application.",
        "state": "xyz",
    }


# -- sign-in ----------------------------------------------------------------------------------
def test_wrong_passwords_lock_the_account_at_the_threshold(
    dtu_okta: Any, browser: Browser, rp: Clients, admin: httpx.Client
) -> None:
    user = new_user(admin, "locky@example.com")
    server = Server.discover(dtu_okta.issuer)
    url = authorize_url(dtu_okta, rp, server)
    for _ in range(10):  # Okta's default password policy locks after 10 failed attempts
        page = browser.sign_in(browser.open(url), "locky@example.com", "wrong-password")
        assert page.status_code == 200
    assert "Your account is locked" in page.text
    assert admin.get(f"/api/v1/users/{user['id']}").json()["status"] == "LOCKED_OUT"
    # The right password no longer helps.
    again = browser.sign_in(browser.open(url), "locky@example.com", PASSWORD)
    assert again.status_code == 200 and "Your account is locked" in again.text
    events = admin.get("/api/v1/logs", params={"filter": 'eventType eq "user.account.lock"'}).json()
    assert [e["actor"]["alternateId"] for e in events] == ["locky@example.com"]


def test_suspended_users_cannot_sign_in_or_refresh(
    dtu_okta: Any, browser: Browser, rp: Clients, admin: httpx.Client
) -> None:
    user = new_user(admin, "ada@example.com")
    server = Server.discover(dtu_okta.issuer)
    code, verifier = code_for(dtu_okta, browser, rp, server, login="ada@example.com", password=PASSWORD)
    tokens = exchange(dtu_okta, server, code, verifier).json()
    assert tokens["refresh_token"]
    assert admin.post(f"/api/v1/users/{user['id']}/lifecycle/suspend").status_code == 200
    refused = httpx.post(
        server["token_endpoint"],
        data={"grant_type": "refresh_token", "refresh_token": tokens["refresh_token"], "scope": SCOPE},
        auth=(dtu_okta.client_id, dtu_okta.client_secret),
    )
    assert refused.status_code == 400
    assert refused.json() == {"error": "invalid_grant", "error_description": "The refresh token is invalid or expired."}
    introspected = httpx.post(
        server["introspection_endpoint"],
        data={"token": tokens["access_token"]},
        auth=(dtu_okta.client_id, dtu_okta.client_secret),
    )
    assert introspected.json() == {"active": False}
    fresh = Browser()
    try:
        page = fresh.sign_in(fresh.open(authorize_url(dtu_okta, rp, server)), "ada@example.com", PASSWORD)
    finally:
        fresh.close()
    assert page.status_code == 200 and "Unable to sign in" in page.text


# -- token endpoint ---------------------------------------------------------------------------
def test_token_endpoint_errors(dtu_okta: Any, browser: Browser, rp: Clients) -> None:
    server = Server.discover(dtu_okta.issuer)
    code, verifier = code_for(dtu_okta, browser, rp, server)

    bad_secret = exchange(dtu_okta, server, code, verifier, auth=(dtu_okta.client_id, "not-the-secret"))  # type: ignore[arg-type]
    assert bad_secret.status_code == 401
    assert bad_secret.json() == {
        "error": "invalid_client",
        "error_description": "The client secret supplied for a confidential client is invalid.",
    }
    unknown = exchange(dtu_okta, server, code, verifier, auth=("0oanosuchclient00000", "x"))  # type: ignore[arg-type]
    assert unknown.status_code == 401 and unknown.json()["error"] == "invalid_client"

    wrong_verifier = exchange(dtu_okta, server, code, secrets.token_urlsafe(48))
    assert wrong_verifier.status_code == 400
    assert wrong_verifier.json() == {"error": "invalid_grant", "error_description": "PKCE verification failed."}

    wrong_redirect = exchange(dtu_okta, server, code, verifier, redirect_uri="http://127.0.0.1:8080/other")
    assert wrong_redirect.status_code == 400
    assert wrong_redirect.json()["error"] == "invalid_grant"

    ok = exchange(dtu_okta, server, code, verifier)
    assert ok.status_code == 200, ok.text
    assert ok.headers["cache-control"] == "no-store"
    replay = exchange(dtu_okta, server, code, verifier)
    assert replay.status_code == 400
    assert replay.json() == {
        "error": "invalid_grant",
        "error_description": "The authorization code is invalid or has expired.",
    }

    web_cc = httpx.post(
        server["token_endpoint"],
        data={"grant_type": "client_credentials", "scope": "api"},
        auth=(dtu_okta.client_id, dtu_okta.client_secret),
    )
    assert web_cc.status_code == 400
    assert web_cc.json() == {
        "error": "unauthorized_client",
        "error_description": "The client is not authorized to use the provided grant type. "
        "Configured grant types: [authorization_code, refresh_token].",
    }
    unsupported = httpx.post(
        server["token_endpoint"],
        data={"grant_type": "urn:example:nope"},
        auth=(dtu_okta.client_id, dtu_okta.client_secret),
    )
    assert unsupported.status_code == 400 and unsupported.json()["error"] == "unsupported_grant_type"


def test_client_secret_post_is_refused_for_a_basic_client(dtu_okta: Any, browser: Browser, rp: Clients) -> None:
    server = Server.discover(dtu_okta.issuer)
    code, verifier = code_for(dtu_okta, browser, rp, server)
    response = httpx.post(
        server["token_endpoint"],
        data={
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": dtu_okta.redirect_uri,
            "code_verifier": verifier,
            "client_id": dtu_okta.client_id,
            "client_secret": dtu_okta.client_secret,
        },
    )
    assert response.status_code == 401 and response.json()["error"] == "invalid_client"


def test_an_inactive_app_gets_no_tokens(dtu_okta: Any, browser: Browser, rp: Clients, admin: httpx.Client) -> None:
    app = new_web_app(admin, dtu_okta.redirect_uri, grant_types=["authorization_code", "client_credentials"])
    oauth = app["credentials"]["oauthClient"]
    assert admin.post(f"/api/v1/apps/{app['id']}/users", json={"id": dtu_okta.admin_id}).status_code == 200
    server = Server.discover(dtu_okta.issuer)
    code, verifier = code_for(dtu_okta, browser, rp, server, client_id=oauth["client_id"])
    assert admin.post(f"/api/v1/apps/{app['id']}/lifecycle/deactivate").status_code == 200
    refused = exchange(dtu_okta, server, code, verifier, auth=(oauth["client_id"], oauth["client_secret"]))  # type: ignore[arg-type]
    assert refused.status_code == 401
    assert refused.json() == {
        "error": "invalid_client",
        "error_description": "Invalid value for 'client_id' parameter.",
    }


def test_an_app_without_the_refresh_token_grant_still_exchanges_codes(
    dtu_okta: Any, browser: Browser, rp: Clients, admin: httpx.Client
) -> None:
    """A cluster's sign-in app often has authorization_code only: its codes are exchanged, no refresh token."""
    app = new_web_app(admin, dtu_okta.redirect_uri, grant_types=["authorization_code"])
    oauth = app["credentials"]["oauthClient"]
    auth = (oauth["client_id"], oauth["client_secret"])
    assert admin.post(f"/api/v1/apps/{app['id']}/users", json={"id": dtu_okta.admin_id}).status_code == 200
    server = Server.discover(dtu_okta.issuer)
    url, _, _, verifier = start(rp(oauth["client_id"], None, dtu_okta.redirect_uri, "openid email"), server)
    done = browser.sign_in(browser.open(url), dtu_okta.admin_login, dtu_okta.admin_password)
    assert done.status_code == 302, done.text
    tokens = exchange(dtu_okta, server, query_of(done.headers["location"])["code"], verifier, auth=auth)  # type: ignore[arg-type]
    assert tokens.status_code == 200, tokens.text
    assert {"access_token", "id_token"} <= set(tokens.json()) and "refresh_token" not in tokens.json()
    refused = httpx.post(
        server["token_endpoint"], data={"grant_type": "refresh_token", "refresh_token": "x"}, auth=auth
    )
    assert refused.status_code == 400
    assert refused.json() == {
        "error": "unauthorized_client",
        "error_description": "The client is not authorized to use the provided grant type. "
        "Configured grant types: [authorization_code].",
    }


def test_rotating_refresh_tokens_detect_reuse(
    dtu_okta: Any, browser: Browser, rp: Clients, admin: httpx.Client
) -> None:
    app = new_web_app(admin, dtu_okta.redirect_uri, refresh_token={"rotation_type": "ROTATE", "leeway": 0})
    oauth = app["credentials"]["oauthClient"]
    auth = (oauth["client_id"], oauth["client_secret"])
    assert admin.post(f"/api/v1/apps/{app['id']}/users", json={"id": dtu_okta.admin_id}).status_code == 200
    server = Server.discover(dtu_okta.issuer)
    code, verifier = code_for(dtu_okta, browser, rp, server, client_id=oauth["client_id"])
    first = exchange(dtu_okta, server, code, verifier, auth=auth).json()  # type: ignore[arg-type]

    def refresh(token: str) -> httpx.Response:
        return httpx.post(
            server["token_endpoint"], data={"grant_type": "refresh_token", "refresh_token": token}, auth=auth
        )

    second = refresh(first["refresh_token"])
    assert second.status_code == 200
    rotated = second.json()["refresh_token"]
    assert rotated != first["refresh_token"]
    dtu_okta.advance_clock(1)  # past the (zero-second) grace period
    reused = refresh(first["refresh_token"])
    assert reused.status_code == 400
    assert reused.json()["error_description"] == "The refresh token is invalid or expired."
    # Reuse revokes the whole family: the newest refresh token and its access token too.
    assert refresh(rotated).status_code == 400
    introspected = httpx.post(
        server["introspection_endpoint"], data={"token": second.json()["access_token"]}, auth=auth
    )
    assert introspected.json() == {"active": False}


def test_sign_in_and_grants_are_in_the_system_log(
    dtu_okta: Any, browser: Browser, rp: Clients, admin: httpx.Client
) -> None:
    server = Server.discover(dtu_okta.issuer)
    code, verifier = code_for(dtu_okta, browser, rp, server)
    assert exchange(dtu_okta, server, code, verifier).status_code == 200
    types = [event["eventType"] for event in admin.get("/api/v1/logs", params={"limit": 100}).json()]
    for expected in (
        "user.session.start",
        "user.authentication.sso",
        "app.oauth2.as.authorize.code",
        "app.oauth2.as.token.grant.access_token",
        "app.oauth2.as.token.grant.id_token",
        "app.oauth2.as.token.grant.refresh_token",
    ):
        assert expected in types, expected
