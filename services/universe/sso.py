"""Single sign-on through the universe's Okta org, set up as an Okta admin would.

After the twins are seeded: an OIDC web app per twin with a sign-in flow ("Slack SSO",
"Google Workspace SSO", "Atlassian Cloud SSO") in the Okta org (Apps API), whose redirect URI is
that twin's SSO callback, assigned to Everyone; its client credentials, read back from the Apps
API, become the twin's `sso` seed setting (Slack workspace, Google domain, Jira site). Okta's seed format has no
OIDC apps, so this goes through Okta's own API; re-running it reuses the app of that label.

`dtu up` seeds its default tenants in process before the servers listen; `wire_when_listening`
does this part from a background thread once they answer, so start-up stays fast.
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass
from typing import Any

import httpx

from services.universe.fleet import FleetClient, FleetError

# The twins' SSO callback (services/slack/sso.py, services/gdrive/signin.py, services/jira/sso.py).
CALLBACK_PATH = "/sso/okta/callback"
LOG = logging.getLogger("dtu.universe")
WAIT_SECONDS = 30.0  # how long the background wiring waits for the servers to answer


@dataclass(frozen=True)
class Target:
    twin: str
    label: str

    def root(self, credentials: dict[str, Any]) -> str:
        """The twin's root URL from its tenant credentials (Slack's `url` ends in /api/; Jira's is the site)."""
        return str(credentials.get("url") or "").removesuffix("/").removesuffix("/api")


SLACK = Target("slack", "Slack SSO")
GOOGLE = Target("google", "Google Workspace SSO")
# Atlassian Cloud's SSO is Atlassian Guard's SAML with Okta; the twin's stand-in is OIDC, as for the others.
JIRA = Target("jira", "Atlassian Cloud SSO")
TARGETS = (SLACK, GOOGLE, JIRA)
LABEL = SLACK.label  # kept for callers that name Slack's app


def connect_sso(
    fleet: FleetClient, tenant: str, okta: dict[str, Any], target: Target, credentials: dict[str, Any]
) -> dict[str, str]:
    """Create (or find) `target`'s Okta app and seed the twin's `sso`: `{issuer, client_id, app_id}`."""
    org_url, issuer, token = okta.get("org_url"), okta.get("issuer"), okta.get("api_token")
    root = target.root(credentials)
    if not (org_url and issuer and token and root):
        raise FleetError(f"{target.twin} sso: the tenants' credentials lack org_url/issuer/api_token/url")
    headers = {"Authorization": f"SSWS {token}", "Accept": "application/json"}

    def call(method: str, path: str, **kwargs: Any) -> Any:
        try:
            response = fleet.client.request(method, f"{org_url}{path}", headers=headers, **kwargs)
        except httpx.HTTPError as exc:
            raise FleetError(f"okta: not reachable at {org_url} ({exc})") from None
        if response.status_code not in (200, 201, 204):
            raise FleetError(f"okta: {method} {path} answered {response.status_code}: {response.text[:500]}")
        return response.json() if response.content else None

    existing = [a for a in call("GET", "/api/v1/apps", params={"q": target.label}) if a.get("label") == target.label]
    app = existing[0] if existing else call("POST", "/api/v1/apps", json=_oidc_app(target.label, root + CALLBACK_PATH))
    everyone = [
        g for g in call("GET", "/api/v1/groups", params={"q": "Everyone"}) if g["profile"]["name"] == "Everyone"
    ]
    call("PUT", f"/api/v1/apps/{app['id']}/groups/{everyone[0]['id']}", json={})
    client = app["credentials"]["oauthClient"]
    sso = {"issuer": issuer, "client_id": client["client_id"], "client_secret": client["client_secret"]}
    fleet.seed(target.twin, tenant, {"sso": sso})
    return {"issuer": issuer, "client_id": client["client_id"], "app_id": app["id"]}


def connect_slack_sso(fleet: FleetClient, tenant: str, okta: dict[str, Any], slack: dict[str, Any]) -> dict[str, str]:
    return connect_sso(fleet, tenant, okta, SLACK, slack)


def connect_google_sso(fleet: FleetClient, tenant: str, okta: dict[str, Any], google: dict[str, Any]) -> dict[str, str]:
    return connect_sso(fleet, tenant, okta, GOOGLE, google)


def connect_jira_sso(fleet: FleetClient, tenant: str, okta: dict[str, Any], jira: dict[str, Any]) -> dict[str, str]:
    return connect_sso(fleet, tenant, okta, JIRA, jira)


def connect_all(fleet: FleetClient, tenant: str, credentials: dict[str, dict[str, Any]]) -> dict[str, dict[str, str]]:
    """Every twin of `credentials` with a sign-in flow signs in through the Okta org: `{"<twin>_sso": ...}`."""
    if "okta" not in credentials:
        return {}
    return {
        f"{t.twin}_sso": connect_sso(fleet, tenant, credentials["okta"], t, credentials[t.twin])
        for t in TARGETS
        if t.twin in credentials
    }


@dataclass
class Wiring:
    """SSO being wired in the background: `result` (what `connect_all` returned) or `error` once `done`."""

    fleet: FleetClient
    tenant: str
    result: dict[str, dict[str, str]] | None = None
    error: Exception | None = None
    thread: threading.Thread | None = None

    def run(self) -> None:
        deadline = time.monotonic() + WAIT_SECONDS
        try:
            while True:
                try:
                    records = {name: self.fleet.tenant(name, self.tenant) for name in self.fleet.urls}
                    break
                except FleetError:
                    if time.monotonic() > deadline:
                        raise
                    time.sleep(0.1)  # the servers are still starting
            credentials = {name: (record or {}).get("credentials") or {} for name, record in records.items()}
            self.result = connect_all(self.fleet, self.tenant, credentials)
        except (FleetError, httpx.HTTPError) as problem:
            self.error = problem
            LOG.warning("single sign-on through Okta was not set up: %s", problem)

    def done(self, timeout: float | None = None) -> bool:
        if self.thread is not None:
            self.thread.join(timeout)
        return self.result is not None or self.error is not None


def wire_when_listening(fleet: FleetClient, tenant: str = "default") -> Wiring:
    """Wire SSO in a daemon thread once every twin of `fleet` answers (what `dtu up` does after seeding)."""
    wiring = Wiring(fleet, tenant)
    wiring.thread = threading.Thread(target=wiring.run, name="dtu-sso-wiring", daemon=True)
    wiring.thread.start()
    return wiring


def _oidc_app(label: str, redirect_uri: str) -> dict[str, Any]:
    return {
        "name": "oidc_client",
        "label": label,
        "signOnMode": "OPENID_CONNECT",
        "credentials": {"oauthClient": {"token_endpoint_auth_method": "client_secret_basic"}},
        "settings": {
            "oauthClient": {
                "application_type": "web",
                "grant_types": ["authorization_code"],
                "response_types": ["code"],
                "redirect_uris": [redirect_uri],
            }
        },
    }
