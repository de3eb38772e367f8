"""The universe's people log in to the Jira site's web UI through the universe's Okta org.

The loader creates the OIDC app "Atlassian Cloud SSO" in Okta (assigned to Everyone) and gives its
client credentials to the Jira site. A browser (httpx) goes Jira's /login/sso -> Okta's sign-in
page -> Jira's callback, which signs in the Atlassian account of the email Okta vouched for.
"""

from __future__ import annotations

import re

import httpx
from jira import JIRA

from services.universe.sso import JIRA as JIRA_TARGET
from services.universe.sso import wire_when_listening
from services.universe.tests.conftest import Loaded
from services.universe.tests.okta_page import through_okta

SIGNED_IN_AS = re.compile(r'data-testid="signed-in-as">([^<]*)<')


def log_in(loaded: Loaded, browser: httpx.Client, login: str, password: str) -> httpx.Response:
    """Start Jira's SSO and sign in at Okta: Okta's answer to the credentials, or Jira's callback's."""
    jira = loaded.url("jira")
    sent = browser.get(f"{jira}/login/sso", params={"tenant": loaded.tenant, "next": "/jira/projects"})
    issuer = loaded.credentials("okta")["issuer"]
    return through_okta(browser, sent, issuer, login, password, callback=jira + "/sso/okta/callback")


def test_the_sign_in_page_offers_okta(small: Loaded) -> None:
    page = httpx.get(f"{small.url('jira')}/login", params={"tenant": small.tenant})
    assert page.status_code == 200 and 'id="sso-sign-in"' in page.text and "Sign in with Okta" in page.text


def test_an_active_person_is_signed_in_as_their_atlassian_account(small: Loaded) -> None:
    alice = small.universe.person("alice")
    with httpx.Client(timeout=30.0) as browser:
        done = log_in(small, browser, alice.email, alice.password)
        assert done.status_code == 303 and done.headers["location"] == "/jira/projects", done.text
        projects = browser.get(f"{small.url('jira')}/jira/projects")
    assert projects.status_code == 200
    shown = SIGNED_IN_AS.search(projects.text)
    assert shown is not None and shown.group(1) == alice.name
    creds = small.credentials("jira")
    jira = JIRA(server=creds["url"], basic_auth=(creds["email"], creds["api_token"]))
    try:
        account = jira.user(alice.jira_account_id)
    finally:
        jira.close()
    assert (account.displayName, account.emailAddress, account.active) == (alice.name, alice.email.lower(), True)


def test_a_suspended_person_is_refused_by_okta(small: Loaded) -> None:
    carol = small.universe.person("carol")
    with httpx.Client(timeout=30.0) as browser:
        refused = log_in(small, browser, carol.email, carol.password)
    assert refused.status_code == 200 and "<form" in refused.text  # Okta's sign-in page again


def test_background_wiring_reuses_the_atlassian_app_the_loader_made(small: Loaded) -> None:
    wiring = wire_when_listening(small.fleet, small.tenant)
    assert wiring.done(timeout=30.0) and wiring.error is None
    assert wiring.result is not None
    assert wiring.result["jira_sso"]["app_id"] == small.result["created"]["jira_sso"]["app_id"]
    okta = small.credentials("okta")
    apps = httpx.get(
        f"{okta['org_url']}/api/v1/apps",
        params={"q": JIRA_TARGET.label},
        headers={"Authorization": f"SSWS {okta['api_token']}"},
    ).json()
    assert [a["label"] for a in apps if a["label"] == JIRA_TARGET.label] == ["Atlassian Cloud SSO"]
