"""Signing in to Google (OAuth 2.0 authorization-code flow), directly and through an Okta org (OIDC SSO).

Without SSO the twin approves at once, as the user `login_hint` names, and redirects to the
Desktop client's loopback redirect_uri with `code`, `state` and `scope`; authlib's OAuth2Client
(PKCE S256) redeems the code at the token endpoint and googleapiclient uses the tokens.
With SSO (DTU seed key `sso`: an OIDC web app in the Okta twin, assigned to Everyone) a browser
(httpx, redirects followed by hand) goes Google -> Okta's sign-in page -> Google's callback ->
redirect_uri?code. Okta refuses wrong passwords, so they never reach Google; a user suspended
in Google's Directory gets Google's error page.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from google.oauth2.credentials import Credentials

from conformance.gdrive.conftest import drive_service
from conformance.okta.oidc_client import Browser, query_of
from conformance.okta_sso import GOOGLE as GOOGLE_SSO
from conformance.okta_sso import PASSWORD, okta_admin, okta_person, wire_okta_sso

with warnings.catch_warnings():
    warnings.simplefilter("ignore")  # authlib warns when it falls back from httpx2 to httpx
    from authlib.integrations.httpx_client import OAuth2Client

REDIRECT = "http://127.0.0.1:8765/"  # a Desktop app's loopback listener (never contacted here)
DRIVE = "https://www.googleapis.com/auth/drive"


def google_root(dtu_google: Any) -> str:
    return str(dtu_google.url).rstrip("/")


def rp(dtu_google: Any) -> OAuth2Client:
    return OAuth2Client(
        dtu_google.client_id,
        dtu_google.client_secret,
        scope=DRIVE,
        redirect_uri=REDIRECT,
        code_challenge_method="S256",
        token_endpoint_auth_method="client_secret_post",
        timeout=30.0,
    )


def authorize_url(
    client: OAuth2Client, dtu_google: Any, verifier: str, path: str = "/o/oauth2/v2/auth", **extra: str
) -> str:
    url, _state = client.create_authorization_url(
        google_root(dtu_google) + path, code_verifier=verifier, access_type="offline", prompt="consent", **extra
    )
    return str(url)


def who(dtu_google: Any, token: dict[str, Any]) -> str:
    credentials = Credentials(
        token["access_token"],
        refresh_token=token.get("refresh_token"),
        token_uri=dtu_google.token_uri,
        client_id=dtu_google.client_id,
        client_secret=dtu_google.client_secret,
    )
    about = drive_service(dtu_google, credentials).about().get(fields="user").execute()
    return str(about["user"]["emailAddress"])


@pytest.fixture
def browser() -> Iterator[Browser]:
    b = Browser()
    yield b
    b.close()


# -- without SSO ------------------------------------------------------------------------------
def test_code_flow_with_pkce_signs_in_the_hinted_user(dtu_google: Any, browser: Browser) -> None:
    client = rp(dtu_google)
    verifier = "v" * 64
    sent = browser.open(authorize_url(client, dtu_google, verifier, login_hint=dtu_google.alice_email))
    assert sent.status_code == 302, sent.text
    location = sent.headers["location"]
    assert location.startswith(REDIRECT + "?")
    back = query_of(location)
    assert back["scope"] == DRIVE and back["code"].startswith("4/")
    token = client.fetch_token(dtu_google.token_uri, authorization_response=location, code_verifier=verifier)
    assert token["token_type"] == "Bearer" and token["scope"] == DRIVE and token["expires_in"] == 3599
    assert token["refresh_token"]  # access_type=offline
    assert who(dtu_google, token) == dtu_google.alice_email
    # The refresh token works with google-auth.
    fresh = httpx.post(
        dtu_google.token_uri,
        data={
            "grant_type": "refresh_token",
            "refresh_token": token["refresh_token"],
            "client_id": dtu_google.client_id,
            "client_secret": dtu_google.client_secret,
        },
    )
    assert fresh.status_code == 200 and fresh.json()["scope"] == DRIVE
    # A code is single-use.
    replay = httpx.post(
        dtu_google.token_uri,
        data={
            "grant_type": "authorization_code",
            "code": back["code"],
            "redirect_uri": REDIRECT,
            "code_verifier": verifier,
            "client_id": dtu_google.client_id,
            "client_secret": dtu_google.client_secret,
        },
    )
    assert replay.status_code == 400 and replay.json() == {"error": "invalid_grant", "error_description": "Bad Request"}
    client.close()


def code_for(browser: Browser, dtu_google: Any, **extra: str) -> str:
    query = {
        "client_id": dtu_google.client_id,
        "redirect_uri": REDIRECT,
        "response_type": "code",
        "scope": DRIVE,
        **extra,
    }
    sent = browser.http.get(google_root(dtu_google) + "/o/oauth2/auth", params=query)
    assert sent.status_code == 302, sent.text
    return query_of(sent.headers["location"])["code"]


def exchange(dtu_google: Any, auth: Any = None, **form: str) -> httpx.Response:
    body = {"grant_type": "authorization_code", "redirect_uri": REDIRECT, **form}
    return httpx.post(dtu_google.token_uri, data=body, auth=auth)


def test_token_endpoint_errors_are_googles(dtu_google: Any, browser: Browser) -> None:
    basic = (dtu_google.client_id, dtu_google.client_secret)
    # client_secret_basic works; online access gives no refresh token; the admin signs in by default.
    plain = exchange(dtu_google, basic, code=code_for(browser, dtu_google))
    assert plain.status_code == 200 and "refresh_token" not in plain.json()
    assert who(dtu_google, plain.json()) == dtu_google.admin_email

    assert exchange(dtu_google, basic, code="garbage").json() == {
        "error": "invalid_grant",
        "error_description": "Malformed auth code.",
    }
    wrong_secret = exchange(dtu_google, (dtu_google.client_id, "GOCSPX-wrong"), code=code_for(browser, dtu_google))
    assert wrong_secret.status_code == 401 and wrong_secret.json()["error"] == "invalid_client"
    mismatch = exchange(dtu_google, basic, code=code_for(browser, dtu_google), redirect_uri="http://127.0.0.1:9/")
    assert mismatch.status_code == 400 and mismatch.json()["error"] == "redirect_uri_mismatch"
    pkce = {"code_challenge": "x" * 43, "code_challenge_method": "plain"}
    missing = exchange(dtu_google, basic, code=code_for(browser, dtu_google, **pkce))
    assert missing.json() == {"error": "invalid_grant", "error_description": "Missing code verifier."}
    wrong = exchange(dtu_google, basic, code=code_for(browser, dtu_google, **pkce), code_verifier="y" * 43)
    assert wrong.json() == {"error": "invalid_grant", "error_description": "Invalid code verifier."}
    assert exchange(dtu_google, basic, code=code_for(browser, dtu_google, **pkce), code_verifier="x" * 43).is_success


@pytest.mark.parametrize(
    ("change", "status", "error"),
    [
        ({"client_id": "1-unknown.apps.googleusercontent.com"}, 401, "invalid_client"),
        ({"redirect_uri": "https://evil.example.com/cb"}, 400, "redirect_uri_mismatch"),
        ({"scope": "https://www.googleapis.com/auth/nonsense"}, 400, "invalid_scope"),
        ({"response_type": "token id_token"}, 400, "unsupported_response_type"),
    ],
)
def test_authorize_page_errors(
    dtu_google: Any, browser: Browser, change: dict[str, str], status: int, error: str
) -> None:
    query = {"client_id": dtu_google.client_id, "redirect_uri": REDIRECT, "response_type": "code", "scope": DRIVE}
    page = browser.http.get(google_root(dtu_google) + "/o/oauth2/auth", params={**query, **change})
    assert page.status_code == status and f"Error {status}: {error}" in page.text
    assert "location" not in page.headers  # Google shows its page: nothing goes to an untrusted redirect_uri


# -- through Okta -------------------------------------------------------------------------------
@pytest.fixture
def okta_http(dtu_okta: Any) -> Iterator[httpx.Client]:
    with okta_admin(dtu_okta) as http:
        yield http


@pytest.fixture
def sso(dtu_okta: Any, dtu_google: Any, okta_http: httpx.Client) -> dict[str, str]:
    """Okta org + Google domain wired for SSO; Alice has an Okta account: {okta_id}."""
    wire_okta_sso(dtu_okta, dtu_google, GOOGLE_SSO, root=google_root(dtu_google))
    return {"okta_id": okta_person(okta_http, dtu_google.alice_email)}


def to_okta_sign_in(
    browser: Browser, dtu_okta: Any, dtu_google: Any, client: OAuth2Client, verifier: str
) -> httpx.Response:
    sent = browser.open(authorize_url(client, dtu_google, verifier, path="/o/oauth2/auth"))
    assert sent.status_code == 302, sent.text
    location = sent.headers["location"]
    assert location.startswith(dtu_okta.issuer + "/v1/authorize?")
    asked = query_of(location)
    assert asked["scope"] == "openid email profile" and asked["code_challenge_method"] == "S256"
    page = browser.open(location)
    assert page.status_code == 200 and "<form" in page.text
    return page


def test_sign_in_through_okta_gives_that_users_drive(
    sso: dict[str, str], dtu_okta: Any, dtu_google: Any, browser: Browser
) -> None:
    client, verifier = rp(dtu_google), "w" * 64
    page = to_okta_sign_in(browser, dtu_okta, dtu_google, client, verifier)
    back = browser.sign_in(page, dtu_google.alice_email, PASSWORD)
    assert back.status_code == 302, back.text
    assert back.headers["location"].startswith(google_root(dtu_google) + "/sso/okta/callback?")
    done = browser.open(back.headers["location"])
    assert done.status_code == 302, done.text
    location = done.headers["location"]
    assert location.startswith(REDIRECT + "?")
    token = client.fetch_token(dtu_google.token_uri, authorization_response=location, code_verifier=verifier)
    assert who(dtu_google, token) == dtu_google.alice_email
    replay = browser.open(back.headers["location"])  # the callback is single-use
    assert replay.status_code == 400 and "location" not in replay.headers
    client.close()


def test_wrong_password_never_reaches_google(
    sso: dict[str, str], dtu_okta: Any, dtu_google: Any, browser: Browser
) -> None:
    client = rp(dtu_google)
    page = to_okta_sign_in(browser, dtu_okta, dtu_google, client, "z" * 64)
    again = browser.sign_in(page, dtu_google.alice_email, "not-the-password-1")
    assert again.status_code == 200 and "<form" in again.text and "location" not in again.headers
    client.close()


def test_user_suspended_in_google_gets_googles_error_page(
    sso: dict[str, str], dtu_okta: Any, dtu_google: Any, browser: Browser, okta_http: httpx.Client
) -> None:
    carol = f"carol@{dtu_google.domain}"
    seeded = dtu_google.control("POST", "/seed", json={"users": [{"email": carol, "suspended": True}]})
    assert seeded.status_code == 200, seeded.text
    okta_person(okta_http, carol)
    client = rp(dtu_google)
    page = to_okta_sign_in(browser, dtu_okta, dtu_google, client, "s" * 64)
    back = browser.sign_in(page, carol, PASSWORD)
    assert back.status_code == 302
    refused = browser.open(back.headers["location"])
    assert refused.status_code == 403 and "suspended" in refused.text and "location" not in refused.headers
    client.close()


def test_dtu_user_and_domains_without_sso_skip_the_identity_provider(
    sso: dict[str, str], dtu_okta: Any, dtu_google: Any, browser: Browser
) -> None:
    basic = (dtu_google.client_id, dtu_google.client_secret)
    named = exchange(dtu_google, basic, code=code_for(browser, dtu_google, dtu_user=dtu_google.bob_email))
    assert named.status_code == 200, named.text
    assert who(dtu_google, named.json()) == dtu_google.bob_email, "signed in as the named user, without Okta"
    assert dtu_google.control("POST", "/seed", json={"sso": None}).status_code == 200
    assert code_for(browser, dtu_google)  # no SSO any more: approved at once
    bad = dtu_google.control("POST", "/seed", json={"sso": {"issuer": dtu_okta.issuer}})
    assert bad.status_code == 400
