"""Signing in to Slack's install page through an Okta org (OIDC single sign-on).

Two twins on loopback, a fresh tenant in each: an Okta org with an OIDC web app "Slack SSO"
(created through the Apps API, assigned to Everyone) and a Slack workspace whose `sso`
setting names that app (DTU seed key). A browser (httpx, redirects followed by hand) opens
Slack's `/oauth/v2/authorize`, lands on Okta's hosted sign-in page, posts the credentials
there, comes back through Slack's callback and ends at the app's redirect_uri with a code;
slack_sdk's oauth.v2.access turns the code into tokens of the person who signed in.
Okta refuses deactivated people and wrong passwords, so neither ever reaches Slack.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from slack_sdk import WebClient

from conformance.okta.oidc_client import Browser, query_of
from conformance.okta_sso import PASSWORD, okta_admin, okta_person, okta_sso_setting
from conformance.okta_sso import SLACK as SLACK_SSO

REDIRECT = "https://app.example.com/slack/oauth_redirect"
EMAIL = "nina.hire@example.com"


@pytest.fixture
def browser() -> Iterator[Browser]:
    b = Browser()
    yield b
    b.close()


@pytest.fixture
def okta_http(dtu_okta: Any) -> Iterator[httpx.Client]:
    with okta_admin(dtu_okta) as http:
        yield http


def slack_root(dtu_slack: Any) -> str:
    return str(dtu_slack.url).removesuffix("/api/")


@pytest.fixture
def sso(dtu_okta: Any, dtu_slack: Any, okta_http: httpx.Client) -> dict[str, str]:
    """Okta org + Slack workspace wired for SSO, Nina in both: {okta_id, slack_id}."""
    # As an Okta admin sets up Slack SSO: an OIDC web app assigned to Everyone, its credentials.
    document = {
        "users": [{"name": "nina", "real_name": "Nina Hire", "email": EMAIL}],
        "sso": okta_sso_setting(dtu_okta, SLACK_SSO, slack_root(dtu_slack)),
    }
    seeded = dtu_slack.control("POST", "/seed", json=document)
    assert seeded.status_code == 200, seeded.text
    okta_id = okta_person(okta_http, EMAIL, "Nina", "Hire")
    return {"okta_id": okta_id, "slack_id": seeded.json()["created"]["users"][0]}


def open_install(browser: Browser, dtu_slack: Any, **extra: str) -> httpx.Response:
    query = {
        "client_id": dtu_slack.client_id,
        "redirect_uri": REDIRECT,
        "scope": "chat:write",
        "user_scope": "chat:write",
        "state": "s-42",
        **extra,
    }
    return browser.http.get(f"{slack_root(dtu_slack)}/oauth/v2/authorize", params=query, follow_redirects=False)


def to_okta_sign_in(browser: Browser, dtu_okta: Any, dtu_slack: Any) -> httpx.Response:
    sent = open_install(browser, dtu_slack)
    assert sent.status_code == 302, sent.text
    location = sent.headers["location"]
    assert location.startswith(dtu_okta.issuer + "/v1/authorize?")
    asked = query_of(location)
    assert asked["scope"] == "openid email profile" and asked["code_challenge_method"] == "S256"
    assert asked["response_type"] == "code" and asked["state"] != "s-42"  # Slack's own state, not the app's
    page = browser.open(location)
    assert page.status_code == 200 and "<form" in page.text
    return page


def test_sign_in_through_okta_installs_as_that_person(
    sso: dict[str, str], dtu_okta: Any, dtu_slack: Any, browser: Browser
) -> None:
    page = to_okta_sign_in(browser, dtu_okta, dtu_slack)
    back = browser.sign_in(page, EMAIL, PASSWORD)
    assert back.status_code == 302, back.text
    assert back.headers["location"].startswith(slack_root(dtu_slack) + "/sso/okta/callback?")
    done = browser.open(back.headers["location"])
    assert done.status_code == 302, done.text
    location = done.headers["location"]
    assert location.startswith(REDIRECT + "?")
    assert query_of(location)["state"] == "s-42"

    access = WebClient(base_url=dtu_slack.url).oauth_v2_access(
        client_id=dtu_slack.client_id,
        client_secret=dtu_slack.client_secret,
        code=query_of(location)["code"],
        redirect_uri=REDIRECT,
    )
    assert access["authed_user"]["id"] == sso["slack_id"]
    me = WebClient(token=access["authed_user"]["access_token"], base_url=dtu_slack.url).auth_test()
    assert me["user_id"] == sso["slack_id"] and me["user"] == "nina"

    # The callback is single-use: replaying it issues nothing.
    replay = browser.open(back.headers["location"])
    assert replay.status_code == 400


def test_wrong_password_never_reaches_slack(
    sso: dict[str, str], dtu_okta: Any, dtu_slack: Any, browser: Browser
) -> None:
    page = to_okta_sign_in(browser, dtu_okta, dtu_slack)
    again = browser.sign_in(page, EMAIL, "not-the-password-1")
    assert again.status_code == 200 and "<form" in again.text  # Okta's page again, with its error
    assert "location" not in again.headers


def test_person_deactivated_in_okta_cannot_sign_in(
    sso: dict[str, str], dtu_okta: Any, dtu_slack: Any, browser: Browser, okta_http: httpx.Client
) -> None:
    deactivated = okta_http.post(f"/api/v1/users/{sso['okta_id']}/lifecycle/deactivate")
    assert deactivated.status_code == 200, deactivated.text
    page = to_okta_sign_in(browser, dtu_okta, dtu_slack)
    refused = browser.sign_in(page, EMAIL, PASSWORD)
    assert refused.status_code == 200 and "<form" in refused.text
    assert "location" not in refused.headers


def test_person_deactivated_in_slack_gets_slacks_error_page(
    sso: dict[str, str], dtu_okta: Any, dtu_slack: Any, browser: Browser
) -> None:
    admin = WebClient(token=dtu_slack.user_token, base_url=dtu_slack.url)
    gone = httpx.delete(
        f"{slack_root(dtu_slack)}/scim/v1/Users/{sso['slack_id']}",
        headers={"Authorization": f"Bearer {dtu_slack.user_token}"},
    )
    assert gone.is_success, gone.text
    assert admin.users_info(user=sso["slack_id"])["user"]["deleted"] is True
    page = to_okta_sign_in(browser, dtu_okta, dtu_slack)
    back = browser.sign_in(page, EMAIL, PASSWORD)
    assert back.status_code == 302
    done = browser.open(back.headers["location"])
    assert done.status_code == 400 and "account_inactive" in done.text


def test_dtu_user_and_workspaces_without_sso_skip_the_identity_provider(
    sso: dict[str, str], dtu_slack: Any, browser: Browser
) -> None:
    named = open_install(browser, dtu_slack, dtu_user="nina")
    assert named.status_code == 302 and named.headers["location"].startswith(REDIRECT + "?")
    access = WebClient(base_url=dtu_slack.url).oauth_v2_access(
        client_id=dtu_slack.client_id,
        client_secret=dtu_slack.client_secret,
        code=query_of(named.headers["location"])["code"],
        redirect_uri=REDIRECT,
    )
    assert access["authed_user"]["id"] == sso["slack_id"], "installed as the named member, without Okta"
    assert dtu_slack.control("POST", "/seed", json={"sso": None}).status_code == 200
    plain = open_install(browser, dtu_slack)
    assert plain.status_code == 302 and plain.headers["location"].startswith(REDIRECT + "?")


def test_bad_sso_setting_is_refused_by_the_seed(dtu_slack: Any) -> None:
    response = dtu_slack.control("POST", "/seed", json={"sso": {"issuer": "http://127.0.0.1:9/oauth2/default"}})
    assert response.status_code == 400


def test_person_unknown_to_slack_gets_slacks_error_page(
    sso: dict[str, str], dtu_okta: Any, dtu_slack: Any, browser: Browser, okta_http: httpx.Client
) -> None:
    okta_person(okta_http, "only.in.okta@example.com")
    page = to_okta_sign_in(browser, dtu_okta, dtu_slack)
    back = browser.sign_in(page, "only.in.okta@example.com", PASSWORD)
    assert back.status_code == 302
    done = browser.open(back.headers["location"])
    assert done.status_code == 400 and "user_not_found" in done.text
