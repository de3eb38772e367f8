"""Slack's single sign-on through the universe's Okta org, set up as an Okta admin would.

After both twins are seeded: an OIDC web app "Slack SSO" in the Okta org (Apps API), whose
redirect URI is the Slack twin's SSO callback, assigned to Everyone; its client credentials,
read back from the Apps API, become the Slack workspace's `sso` setting (Slack seed key).
Okta's seed format has no OIDC apps, so this goes through Okta's own API; re-running it
reuses the app of that label.
"""

from __future__ import annotations

from typing import Any

from services.universe.fleet import FleetClient, FleetError

LABEL = "Slack SSO"
CALLBACK_PATH = "/sso/okta/callback"  # the Slack twin's (services/slack/sso.py)


def connect_slack_sso(fleet: FleetClient, tenant: str, okta: dict[str, Any], slack: dict[str, Any]) -> dict[str, str]:
    """Create (or find) the Okta app and seed Slack's `sso`: `{issuer, client_id, app_id}`."""
    org_url, issuer, token = okta.get("org_url"), okta.get("issuer"), okta.get("api_token")
    slack_root = str(slack.get("url") or "").removesuffix("/").removesuffix("/api")
    if not (org_url and issuer and token and slack_root):
        raise FleetError("slack sso: the Okta or Slack tenant's credentials lack org_url/issuer/api_token/url")
    headers = {"Authorization": f"SSWS {token}", "Accept": "application/json"}

    def call(method: str, path: str, **kwargs: Any) -> Any:
        try:
            response = fleet.client.request(method, f"{org_url}{path}", headers=headers, **kwargs)
        except Exception as exc:  # httpx's errors: the org is unreachable
            raise FleetError(f"okta: not reachable at {org_url} ({exc})") from None
        if response.status_code not in (200, 201, 204):
            raise FleetError(f"okta: {method} {path} answered {response.status_code}: {response.text[:500]}")
        return response.json() if response.content else None

    existing = [a for a in call("GET", "/api/v1/apps", params={"q": LABEL}) if a.get("label") == LABEL]
    app = existing[0] if existing else call("POST", "/api/v1/apps", json=_oidc_app(slack_root + CALLBACK_PATH))
    everyone = [
        g for g in call("GET", "/api/v1/groups", params={"q": "Everyone"}) if g["profile"]["name"] == "Everyone"
    ]
    call("PUT", f"/api/v1/apps/{app['id']}/groups/{everyone[0]['id']}", json={})
    client = app["credentials"]["oauthClient"]
    sso = {"issuer": issuer, "client_id": client["client_id"], "client_secret": client["client_secret"]}
    fleet.seed("slack", tenant, {"sso": sso})
    return {"issuer": issuer, "client_id": client["client_id"], "app_id": app["id"]}


def _oidc_app(redirect_uri: str) -> dict[str, Any]:
    return {
        "name": "oidc_client",
        "label": LABEL,
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
