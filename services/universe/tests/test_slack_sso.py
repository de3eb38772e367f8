"""The universe's people sign in to Slack's install page through the universe's Okta org.

The loader creates the OIDC app "Slack SSO" in Okta (assigned to Everyone) and gives its client
credentials to the Slack workspace. A browser (httpx) goes Slack -> Okta's sign-in page ->
Slack's callback -> the app's redirect_uri; slack_sdk exchanges the code for that person's token.
"""

from __future__ import annotations

import httpx
from slack_sdk import WebClient

from services.universe.tests.conftest import Loaded
from services.universe.tests.okta_page import through_okta

REDIRECT = "https://app.example.com/slack/oauth_redirect"


def sign_in(loaded: Loaded, login: str, password: str) -> httpx.Response:
    """Open the install page and sign in at Okta: the answer to the credentials."""
    slack = loaded.credentials("slack")
    with httpx.Client(timeout=30.0) as browser:
        query = {
            "client_id": slack["client_id"],
            "redirect_uri": REDIRECT,
            "scope": "chat:write",
            "user_scope": "chat:write",
        }
        sent = browser.get(f"{loaded.url('slack')}/oauth/v2/authorize", params=query)
        return through_okta(browser, sent, loaded.credentials("okta")["issuer"], login, password)


def test_an_active_person_installs_as_themselves(small: Loaded) -> None:
    dan = small.universe.person("dan")
    done = sign_in(small, dan.email, dan.password)
    assert done.status_code == 302 and done.headers["location"].startswith(REDIRECT + "?")
    code = httpx.URL(done.headers["location"]).params["code"]
    slack = small.credentials("slack")
    access = WebClient(base_url=slack["url"]).oauth_v2_access(
        client_id=slack["client_id"], client_secret=slack["client_secret"], code=code, redirect_uri=REDIRECT
    )
    me = WebClient(token=access["authed_user"]["access_token"], base_url=slack["url"]).auth_test()
    assert me["user_id"] == dan.slack_id


def test_a_suspended_person_is_refused_by_okta(small: Loaded) -> None:
    carol = small.universe.person("carol")
    refused = sign_in(small, carol.email, carol.password)
    assert refused.status_code == 200 and "<form" in refused.text  # Okta's sign-in page again
