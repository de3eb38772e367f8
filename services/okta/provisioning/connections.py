"""An app's default provisioning connection: which target, how Okta authenticates, ENABLED or not.

Okta's OIN apps know their vendor: the app named `slack` provisions through Slack's SCIM
API, the app named `google` through Google's Admin SDK Directory API, the app named
`atlassian` through Atlassian's user provisioning (SCIM 2.0) API. Real Okta knows the
vendor's URL; DTU takes it as `baseUrl` (a field Okta's connection already has).

- Slack: `{"profile": {"authScheme": "TOKEN", "token": <SCIM-capable user token>}, "baseUrl": ...}`
- Atlassian Cloud (app `atlassian`, target twin `jira`): `{"profile": {"authScheme": "TOKEN",
  "token": <directory API key>}, "baseUrl": <directory base URL .../scim/directory/{id}>}`,
  the two values Atlassian's admin hub gives when an identity provider is connected.
- Google: Okta's connection is OAUTH2, authorized by a Workspace admin in a browser. DTU's
  stand-in: `{"profile": {"authScheme": "OAUTH2", "serviceAccount": <key JSON>, "subject":
  <admin email>}, "baseUrl": ...}`: a service account with domain-wide delegation acting as
  that admin, which is how Google lets software manage Directory users without a browser.
"""

from __future__ import annotations

from typing import Any

from services.okta.call import OktaCall
from services.okta.errors import validation
from services.okta.models import App, AppConnection

# OIN app name -> target twin.
TARGETS = {"slack": "slack", "google": "google", "atlassian": "jira"}
AUTH_SCHEMES = {"slack": "TOKEN", "google": "OAUTH2", "jira": "TOKEN"}
SERVICE_ACCOUNT_KEYS = ("client_email", "private_key", "token_uri")


def target_of(app: App) -> str | None:
    """The twin an app provisions to, or None when the app has no provisioning feature."""
    return TARGETS.get(app.name)


def _text(value: Any, name: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise validation(f"{name}: The field cannot be left blank", field=name)
    return value.strip()


def configure(connection: AppConnection, target: str, body: dict[str, Any]) -> None:
    """Apply a POST body (or a seed spec in the same shape) to `connection`; raises E0000001."""
    profile = body.get("profile")
    if not isinstance(profile, dict):
        raise validation("profile: The field cannot be left blank", field="profile")
    scheme = profile.get("authScheme")
    if scheme not in ("TOKEN", "OAUTH2"):
        raise validation("authScheme: The field must be TOKEN or OAUTH2", field="authScheme")
    if scheme != AUTH_SCHEMES[target]:
        raise validation(
            f"authScheme: This app's provisioning connection uses {AUTH_SCHEMES[target]}", field="authScheme"
        )
    base_url = body.get("baseUrl", connection.base_url or None)
    connection.base_url = _text(base_url, "baseUrl").rstrip("/")
    if not connection.base_url.startswith(("http://", "https://")):
        raise validation("baseUrl: The field must be an http(s) URL", field="baseUrl")
    connection.auth_scheme = scheme
    if scheme == "TOKEN":
        connection.token = _text(profile.get("token"), "token")
        return
    account = profile.get("serviceAccount")
    if not isinstance(account, dict) or not all(isinstance(account.get(k), str) for k in SERVICE_ACCOUNT_KEYS):
        raise validation(
            "serviceAccount: A service account key (client_email, private_key, token_uri) is required",
            field="serviceAccount",
        )
    connection.service_account = dict(account)
    connection.subject = _text(profile.get("subject"), "subject")


def render(connection: AppConnection | None, base: str, app_id: str) -> dict[str, Any]:
    """ProvisioningConnectionResponse; secrets (token, key) are never shown."""
    href = f"{base}/api/v1/apps/{app_id}/connections/default"
    links: dict[str, Any] = {"self": {"href": href, "hints": {"allow": ["GET", "POST"]}}}
    if connection is None:
        return {"profile": {"authScheme": "UNKNOWN"}, "status": "DISABLED", "_links": links}
    verb = "deactivate" if connection.status == "ENABLED" else "activate"
    links[verb] = {"href": f"{href}/lifecycle/{verb}", "hints": {"allow": ["POST"]}}
    body: dict[str, Any] = {}
    if connection.auth_scheme == "TOKEN":
        body["authScheme"] = "TOKEN"
    body["baseUrl"] = connection.base_url
    profile: dict[str, Any] = {"authScheme": connection.auth_scheme}
    if connection.auth_scheme == "OAUTH2" and connection.service_account:
        profile["clientId"] = connection.service_account.get("client_id")
    body.update({"profile": profile, "status": connection.status, "_links": links})
    return body


# -- the Application Connections API's operations -----------------------------------------


def find(call: OktaCall, app: App) -> AppConnection | None:
    return call.session.get(AppConnection, (call.tenant.id, app.id))


def update(call: OktaCall, app: App, body: dict[str, Any], *, activate: bool) -> AppConnection:
    """POST .../connections/default: set the connection (ENABLED when `activate`, else as it was)."""
    target = target_of(app)
    if target is None:
        raise validation("Provisioning is not supported by this app", field="profile")
    now = call.now()
    connection = find(call, app) or AppConnection(tenant_id=call.tenant.id, app_id=app.id, created=now)
    configure(connection, target, body)
    if activate:
        connection.status = "ENABLED"
    connection.last_updated = now
    call.session.add(connection)
    return connection


def set_status(call: OktaCall, app: App, status: str) -> None:
    connection = find(call, app)
    if connection is None:
        raise validation("The app has no provisioning connection to change", field="profile")
    connection.status = status
    connection.last_updated = call.now()
    call.session.add(connection)
