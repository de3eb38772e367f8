"""OpenID Connect sign-in against the org and custom authorization servers, as a relying party sees it.

An independent client (authlib's httpx OAuth2Client, PKCE S256) drives the browser
flow over HTTP: authorize -> hosted sign-in page -> credentials -> redirect with
code and state -> token; tokens are verified against the server's JWKS.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from joserfc.errors import JoseError

from conformance.okta.oidc_client import Browser, Clients, Server, query_of, start

SCOPE = "openid profile email offline_access"


@pytest.fixture(autouse=True)
def _plain_http(monkeypatch: pytest.MonkeyPatch) -> None:
    # authlib's client refuses http:// token endpoints unless told the transport is a test one.
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


def sign_in_flow(
    dtu_okta: Any, browser: Browser, rp: Clients, server: Server, scope: str = SCOPE
) -> tuple[Any, dict[str, Any], str]:
    """Authorize, sign in as the admin, exchange the code: (client, token, nonce)."""
    client = rp(dtu_okta.client_id, dtu_okta.client_secret, dtu_okta.redirect_uri, scope)
    url, state, nonce, verifier = start(client, server)
    page = browser.open(url)
    assert page.status_code == 200
    assert "<form" in page.text
    done = browser.sign_in(page, dtu_okta.admin_login, dtu_okta.admin_password)
    assert done.status_code == 302, done.text
    location = done.headers["location"]
    assert location.startswith(dtu_okta.redirect_uri + "?")
    assert query_of(location)["state"] == state
    token = client.fetch_token(server["token_endpoint"], authorization_response=location, code_verifier=verifier)
    return client, token, nonce


def test_discovery_documents_name_the_servers_endpoints(dtu_okta: Any) -> None:
    org = httpx.get(dtu_okta.org_issuer + "/.well-known/openid-configuration").json()
    assert org["issuer"] == dtu_okta.org_issuer
    assert org["token_endpoint"] == dtu_okta.org_issuer + "/oauth2/v1/token"
    assert org["jwks_uri"] == dtu_okta.org_issuer + "/oauth2/v1/keys"
    assert "okta.users.read" in org["scopes_supported"]
    custom = httpx.get(dtu_okta.issuer + "/.well-known/openid-configuration").json()
    assert custom["issuer"] == dtu_okta.issuer
    assert custom["authorization_endpoint"] == dtu_okta.issuer + "/v1/authorize"
    assert custom["code_challenge_methods_supported"] == ["S256"]
    assert "okta.users.read" not in custom["scopes_supported"]
    oauth = httpx.get(dtu_okta.issuer + "/.well-known/oauth-authorization-server").json()
    assert oauth["issuer"] == dtu_okta.issuer and "userinfo_endpoint" not in oauth
    missing = httpx.get(dtu_okta.org_issuer + "/oauth2/nope/.well-known/openid-configuration")
    assert missing.status_code == 404
    assert missing.json()["errorCode"] == "E0000007"


def test_code_flow_on_the_default_server_issues_verifiable_tokens(dtu_okta: Any, browser: Browser, rp: Clients) -> None:
    server = Server.discover(dtu_okta.issuer)
    client, token, nonce = sign_in_flow(dtu_okta, browser, rp, server)
    assert token["token_type"] == "Bearer"
    assert token["expires_in"] == 3600
    assert token["scope"] == SCOPE
    assert token["refresh_token"]

    header, access = server.verify(token["access_token"], "api://default")
    assert header["alg"] == "RS256" and header["kid"]
    assert access["ver"] == 1
    assert access["jti"].startswith("AT.")
    assert access["cid"] == dtu_okta.client_id
    assert access["uid"] == dtu_okta.admin_id
    assert access["sub"] == dtu_okta.admin_login
    assert access["scp"] == SCOPE.split()
    assert access["exp"] - access["iat"] == 3600
    assert access["auth_time"] <= access["iat"]

    _, id_claims = server.verify(token["id_token"], dtu_okta.client_id)
    assert id_claims["sub"] == dtu_okta.admin_id
    assert id_claims["nonce"] == nonce
    assert id_claims["jti"].startswith("ID.")
    assert id_claims["amr"] == ["pwd"]
    assert id_claims["idp"].startswith("00o")
    assert id_claims["email"] == dtu_okta.admin_login
    assert id_claims["preferred_username"] == dtu_okta.admin_login
    assert id_claims["name"] == "Org Admin"
    assert id_claims["at_hash"]
    assert id_claims["auth_time"] == access["auth_time"]

    info = client.get(server["userinfo_endpoint"])
    assert info.status_code == 200
    assert info.json()["sub"] == dtu_okta.admin_id
    assert info.json()["email"] == dtu_okta.admin_login


def test_org_server_tokens_name_the_org_as_issuer_and_audience(dtu_okta: Any, browser: Browser, rp: Clients) -> None:
    server = Server.discover(dtu_okta.org_issuer)
    _, token, _ = sign_in_flow(dtu_okta, browser, rp, server, scope="openid email")
    _, access = server.verify(token["access_token"], dtu_okta.org_issuer)
    assert access["iss"] == dtu_okta.org_issuer
    assert "refresh_token" not in token  # no offline_access, no refresh token
    _, id_claims = server.verify(token["id_token"], dtu_okta.client_id)
    assert "preferred_username" not in id_claims  # no profile scope
    # A custom server's keys do not verify the org server's tokens.
    custom = Server.discover(dtu_okta.issuer)
    with pytest.raises(JoseError):
        custom.verify(token["access_token"], dtu_okta.org_issuer)


def test_the_session_cookie_signs_in_again_without_credentials(dtu_okta: Any, browser: Browser, rp: Clients) -> None:
    server = Server.discover(dtu_okta.issuer)
    sign_in_flow(dtu_okta, browser, rp, server)
    assert browser.http.cookies.get("sid", path=f"/t/{dtu_okta.tenant_id}/")
    client = rp(dtu_okta.client_id, dtu_okta.client_secret, dtu_okta.redirect_uri, "openid")
    url, state, _, _ = start(client, server)
    again = browser.open(url)
    assert again.status_code == 302
    assert query_of(again.headers["location"])["state"] == state
    # prompt=login asks for credentials despite the session; prompt=none with no session is login_required.
    url, _, _, _ = start(client, server, prompt="login")
    assert browser.open(url).status_code == 200
    url, state, _, _ = start(client, server, prompt="none")
    fresh = Browser()
    try:
        refused = fresh.open(url)
    finally:
        fresh.close()
    assert refused.status_code == 302
    assert query_of(refused.headers["location"]) == {
        "error": "login_required",
        "error_description": "The client specified not to prompt, but the user is not logged in.",
        "state": state,
    }


def test_refresh_introspect_revoke_and_logout(dtu_okta: Any, browser: Browser, rp: Clients) -> None:
    server = Server.discover(dtu_okta.issuer)
    client, token, _ = sign_in_flow(dtu_okta, browser, rp, server)
    refreshed = client.refresh_token(server["token_endpoint"], refresh_token=token["refresh_token"])
    assert refreshed["access_token"] != token["access_token"]
    # A new web app's refresh tokens do not rotate (STATIC): the same one comes back and keeps working.
    assert refreshed["refresh_token"] == token["refresh_token"]
    _, id_claims = server.verify(refreshed["id_token"], dtu_okta.client_id)
    assert "nonce" not in id_claims

    introspect = server["introspection_endpoint"]
    active = client.introspect_token(introspect, token=refreshed["access_token"]).json()
    assert active["active"] is True
    assert active["token_type"] == "Bearer"
    assert active["client_id"] == dtu_okta.client_id
    assert active["uid"] == dtu_okta.admin_id
    assert active["username"] == dtu_okta.admin_login
    assert active["scope"] == SCOPE
    assert active["iss"] == dtu_okta.issuer and active["aud"] == "api://default"
    refresh_info = client.introspect_token(introspect, token=token["refresh_token"]).json()
    assert refresh_info["active"] is True and refresh_info["token_type"] == "refresh_token"
    assert client.introspect_token(introspect, token="not-a-token").json() == {"active": False}

    revoked = client.revoke_token(server["revocation_endpoint"], token=refreshed["access_token"])
    assert revoked.status_code == 200 and revoked.content == b""
    assert client.introspect_token(introspect, token=refreshed["access_token"]).json() == {"active": False}
    userinfo = httpx.get(server["userinfo_endpoint"], headers={"Authorization": "Bearer " + refreshed["access_token"]})
    assert userinfo.status_code == 401
    assert 'error="invalid_token"' in userinfo.headers["www-authenticate"]

    # Revoking the refresh token ends it (and the access tokens issued with it).
    client.revoke_token(server["revocation_endpoint"], token=token["refresh_token"], token_type_hint="refresh_token")
    assert client.introspect_token(introspect, token=token["access_token"]).json() == {"active": False}
    again = httpx.post(
        server["token_endpoint"],
        data={"grant_type": "refresh_token", "refresh_token": token["refresh_token"], "scope": SCOPE},
        auth=(dtu_okta.client_id, dtu_okta.client_secret),
    )
    assert again.status_code == 400
    assert again.json() == {"error": "invalid_grant", "error_description": "The refresh token is invalid or expired."}

    logout = browser.open(
        server["end_session_endpoint"]
        + "?"
        + httpx.QueryParams(
            {"id_token_hint": token["id_token"], "post_logout_redirect_uri": "http://127.0.0.1:8080/", "state": "bye"}
        ).__str__()
    )
    assert logout.status_code == 302
    assert logout.headers["location"] == "http://127.0.0.1:8080/?state=bye"
    # The session is over: authorize shows the sign-in page again.
    url, _, _, _ = start(rp(dtu_okta.client_id, dtu_okta.client_secret, dtu_okta.redirect_uri, "openid"), server)
    assert browser.open(url).status_code == 200
