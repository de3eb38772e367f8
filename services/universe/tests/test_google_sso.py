"""The universe's people sign in to Google (OAuth 2.0 code flow) through the universe's Okta org.

The loader creates the OIDC app "Google Workspace SSO" in Okta (assigned to Everyone) and gives its
client credentials to the Google domain. A browser (httpx) goes Google's /o/oauth2/auth -> Okta's
sign-in page -> Google's callback -> the Desktop client's loopback redirect_uri; the code is
redeemed at the token endpoint and googleapiclient reads that person's Drive.
`dtu up` wires the same apps from a background thread once its servers listen (wire_when_listening).
"""

from __future__ import annotations

import httpx
from google.oauth2.credentials import Credentials
from googleapiclient.discovery import build

from services.universe.sso import wire_when_listening
from services.universe.tests.conftest import Loaded
from services.universe.tests.okta_page import through_okta

REDIRECT = "http://127.0.0.1:8765/"
DRIVE = "https://www.googleapis.com/auth/drive"


def sign_in(loaded: Loaded, login: str, password: str) -> httpx.Response:
    """Open Google's authorize page and sign in at Okta: the answer to the credentials, or Google's callback's."""
    google = loaded.credentials("google")
    with httpx.Client(timeout=30.0) as browser:
        query = {"client_id": google["client_id"], "redirect_uri": REDIRECT, "response_type": "code", "scope": DRIVE}
        sent = browser.get(f"{loaded.url('google')}/o/oauth2/v2/auth", params=query)
        return through_okta(browser, sent, loaded.credentials("okta")["issuer"], login, password)


def test_an_active_person_reads_their_own_drive(small: Loaded) -> None:
    alice = small.universe.person("alice")
    done = sign_in(small, alice.email, alice.password)
    assert done.status_code == 302 and done.headers["location"].startswith(REDIRECT + "?"), done.text
    google = small.credentials("google")
    answer = httpx.post(
        google["token_uri"],
        data={
            "grant_type": "authorization_code",
            "code": httpx.URL(done.headers["location"]).params["code"],
            "redirect_uri": REDIRECT,
            "client_id": google["client_id"],
            "client_secret": google["client_secret"],
        },
    )
    assert answer.status_code == 200, answer.text
    credentials = Credentials(answer.json()["access_token"])
    drive = build(
        "drive",
        "v3",
        credentials=credentials,
        discoveryServiceUrl=google["discovery_url"],
        static_discovery=False,
        cache_discovery=False,
    )
    try:
        about = drive.about().get(fields="user").execute()
    finally:
        drive.close()
    assert about["user"]["emailAddress"] == alice.email.lower()


def test_a_suspended_person_is_refused_by_okta(small: Loaded) -> None:
    carol = small.universe.person("carol")
    refused = sign_in(small, carol.email, carol.password)
    assert refused.status_code == 200 and "<form" in refused.text  # Okta's sign-in page again


def test_background_wiring_reuses_the_apps_the_loader_made(small: Loaded) -> None:
    """What `dtu up` runs once its servers listen: idempotent, same Okta apps, both twins wired."""
    wiring = wire_when_listening(small.fleet, small.tenant)
    assert wiring.done(timeout=30.0) and wiring.error is None
    assert wiring.result is not None
    for key in ("slack_sso", "google_sso"):
        assert wiring.result[key]["app_id"] == small.result["created"][key]["app_id"]
