"""Logging in to the Jira twin's web UI through the Okta twin (OIDC), in Chromium.

As an Okta admin sets up Atlassian Cloud SSO: an OIDC web app in the Okta org whose redirect URI
is the Jira site's `/sso/okta/callback`, assigned to Everyone, and its client credentials given
to the site (seed key `sso`). Then: Jira's log-in page -> "Sign in with Okta" -> Okta's sign-in
page -> back on Jira as the Atlassian account of that email, checked with the `jira` library.
Accounts deactivated in Jira (through Atlassian's SCIM API, as Okta would) or missing from the
site are refused with a message, and so is an error Okta sends back.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from jira import JIRA
from playwright.sync_api import Page, expect

from conformance import okta_sso
from conformance.browser.signin import okta_sign_in
from conformance.jira.conftest import client
from conformance.okta_sso import PASSWORD, okta_admin, okta_person

PRIYA, MARCUS, NOBODY = "priya@example.com", "marcus@example.com", "nobody@example.com"
SEED: dict[str, Any] = {
    "users": [{"email": PRIYA, "displayName": "Priya Natarajan"}, {"email": MARCUS, "displayName": "Marcus Webb"}],
    "projects": [{"key": "OPS", "name": "Platform Operations", "lead": PRIYA}],
    "issues": [
        {"project": "OPS", "summary": "Rotate the staging database credentials", "type": "Task", "assignee": PRIYA},
        {"project": "OPS", "summary": "Alert on disk usage above 85%", "type": "Story", "assignee": MARCUS},
    ],
}


@pytest.fixture
def site(dtu_jira: Any) -> dict[str, Any]:
    """The seeded site: account ids by email, issue keys in seed order."""
    seeded = dtu_jira.control("POST", "/seed", json=SEED)
    assert seeded.status_code == 200, seeded.text
    created = seeded.json()["created"]
    return {"people": dict(zip((PRIYA, MARCUS), created["users"], strict=True)), "issues": created["issues"]}


@pytest.fixture
def jira(dtu_jira: Any) -> Iterator[JIRA]:
    instance = client(dtu_jira)
    yield instance
    instance.close()


def wire_okta_sso(dtu_okta: Any, dtu_jira: Any) -> None:
    """As an Okta admin sets up Atlassian Cloud SSO: an OIDC web app assigned to Everyone, named in the site."""
    okta_sso.wire_okta_sso(dtu_okta, dtu_jira, okta_sso.JIRA)


def to_okta(page: Page, dtu_jira: Any) -> None:
    """From a fresh session: Jira's log-in page, then "Sign in with Okta" (Okta's sign-in page)."""
    page.context.clear_cookies()
    page.goto(f"{dtu_jira.base_url}/jira/projects?tenant={dtu_jira.tenant_id}")
    expect(page).to_have_url(re.compile(r"/login\?"))
    page.locator("#sso-sign-in").click()
    expect(page.locator("#okta-signin-username")).to_be_visible()


def sign_in_with_okta(page: Page, dtu_jira: Any, email: str) -> None:
    to_okta(page, dtu_jira)
    okta_sign_in(page, email, PASSWORD)


def test_sign_in_through_okta(
    page: Page,
    dtu_jira: Any,
    dtu_okta: Any,
    site: dict[str, Any],
    jira: JIRA,
    screenshot: Callable[[Page, str], Path],
) -> None:
    # Without SSO the log-in page has no Okta button.
    page.goto(f"{dtu_jira.base_url}/login?tenant={dtu_jira.tenant_id}")
    expect(page.locator("#sign-in-form")).to_be_visible()
    expect(page.locator("#sso-sign-in")).to_have_count(0)

    wire_okta_sso(dtu_okta, dtu_jira)
    with okta_admin(dtu_okta) as okta:
        for email, first, last in ((PRIYA, "Priya", "Natarajan"), (MARCUS, "Marcus", "Webb"), (NOBODY, "No", "Body")):
            okta_person(okta, email, first, last)
    page.goto(f"{dtu_jira.base_url}/login?tenant={dtu_jira.tenant_id}")
    expect(page.locator("#sso-sign-in")).to_have_text("Sign in with Okta")
    screenshot(page, "jira-sign-in")

    # Priya: Okta signs her in, Jira opens the page she asked for, as her account.
    key = site["issues"][0]
    page.context.clear_cookies()
    page.goto(f"{dtu_jira.base_url}/browse/{key}?tenant={dtu_jira.tenant_id}")
    page.locator("#sso-sign-in").click()
    okta_sign_in(page, PRIYA, PASSWORD)
    expect(page.get_by_test_id("signed-in-as")).to_have_text("Priya Natarajan")
    expect(page).to_have_url(re.compile(rf"/browse/{key}(\?tenant=[^&]+)?$"))
    page.locator("#comment-body").fill("Signed in through Okta.")
    page.locator("#comment-save").click()
    expect(page.get_by_test_id("comments")).to_contain_text("Signed in through Okta.")
    comment = jira.comments(key)[-1]
    assert (comment.body, comment.author.accountId) == ("Signed in through Okta.", site["people"][PRIYA])
    assert any(e.get("operation") == "ui.sign_in.sso" for e in dtu_jira.journal())

    # Marcus, deactivated through Atlassian's user provisioning API: Okta vouches for him, Jira refuses him.
    deactivated = httpx.patch(
        f"{dtu_jira.scim_url}/Users/{site['people'][MARCUS]}",
        headers={"Authorization": f"Bearer {dtu_jira.scim_token}"},
        json={
            "schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
            "Operations": [{"op": "replace", "value": {"active": False}}],
        },
    )
    assert deactivated.is_success, deactivated.text
    assert jira.user(site["people"][MARCUS]).active is False
    sign_in_with_okta(page, dtu_jira, MARCUS)
    expect(page.locator("#sso-error")).to_have_attribute("data-code", "account_deactivated")
    expect(page.locator("#sso-error")).to_contain_text("Your account has been deactivated")
    expect(page.get_by_test_id("signed-in-as")).to_have_count(0)
    screenshot(page, "jira-sso-refused")

    # Someone Okta knows but the site does not.
    sign_in_with_okta(page, dtu_jira, NOBODY)
    expect(page.locator("#sso-error")).to_have_attribute("data-code", "account_not_found")
    expect(page.get_by_test_id("signed-in-as")).to_have_count(0)


def test_an_error_from_okta_and_a_replayed_callback_are_shown_on_the_page(
    page: Page, dtu_jira: Any, dtu_okta: Any, site: dict[str, Any]
) -> None:
    wire_okta_sso(dtu_okta, dtu_jira)
    to_okta(page, dtu_jira)
    # What Okta sends back when it refuses: `error` on the redirect URI, with the sign-in's state.
    state = httpx.URL(page.url).params["state"]
    callback = f"{dtu_jira.base_url}/sso/okta/callback"
    refused = page.goto(f"{callback}?state={state}&error=access_denied&error_description=User+is+not+assigned")
    assert refused is not None and refused.status == 403
    expect(page.locator("#sso-error")).to_have_attribute("data-code", "idp_error")
    expect(page.get_by_test_id("sso-error-detail")).to_have_text("access_denied User is not assigned")
    # The state is used up: the same callback again is an expired link, not a 500.
    replayed = page.goto(f"{callback}?state={state}&code=whatever")
    assert replayed is not None and replayed.status == 400
    expect(page.locator("#sso-error")).to_have_attribute("data-code", "invalid_state")
    page.locator("#sso-again").click()
    expect(page.locator("#sign-in-form")).to_be_visible()


def test_sso_null_removes_it_and_a_bad_setting_is_refused(dtu_jira: Any, dtu_okta: Any) -> None:
    wire_okta_sso(dtu_okta, dtu_jira)
    sign_in_page = f"{dtu_jira.base_url}/login?tenant={dtu_jira.tenant_id}"
    assert 'id="sso-sign-in"' in httpx.get(sign_in_page).text
    bad = dtu_jira.control("POST", "/seed", json={"sso": {"issuer": dtu_okta.issuer}})
    assert bad.status_code == 400 and "client_id" in bad.text
    assert dtu_jira.control("POST", "/seed", json={"sso": None}).json()["created"]["sso"] == []
    assert 'id="sso-sign-in"' not in httpx.get(sign_in_page).text
    # A sign-in started after SSO was removed goes back to the log-in page.
    started = httpx.get(f"{dtu_jira.base_url}/login/sso", params={"tenant": dtu_jira.tenant_id})
    assert started.status_code == 303 and started.headers["location"].startswith("/login?")
