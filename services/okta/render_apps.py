"""Okta's wire shapes of apps (`Application`), app users (`AppUser`) and app groups
(`ApplicationGroupAssignment`), with their `_links`."""

from __future__ import annotations

import copy
import hashlib
from typing import Any

from services.okta.call import OktaCall
from services.okta.models import App, AppGroup, AppUser, Group
from services.okta.render import _derived_id, href
from services.okta.timefmt import iso

DEFAULT_ACCESSIBILITY: dict[str, Any] = {"selfService": False, "errorRedirectUrl": None, "loginRedirectUrl": None}
LINK_NAMES = {"oidc_client": "oidc_client_link", "bookmark": "login", "template_basic_auth": "login"}


def link_name(row: App) -> str:
    return LINK_NAMES.get(row.name, f"{row.name}_link")


def app(call: OktaCall, row: App) -> dict[str, Any]:
    document = copy.deepcopy(row.document or {})
    credentials = document.get("credentials") or {
        "userNameTemplate": {"template": "${source.login}", "type": "BUILT_IN"}
    }
    credentials.setdefault("signing", {})
    if row.sign_on_mode == "OPENID_CONNECT":
        oauth = credentials.setdefault("oauthClient", {})
        oauth["client_id"] = row.client_id or row.id
        if row.client_secret:
            oauth["client_secret"] = row.client_secret
    settings = document.get("settings") or {}
    settings.setdefault("app", {})
    oauth_settings = settings.get("oauthClient")
    if isinstance(oauth_settings, dict) and isinstance(oauth_settings.get("jwks"), dict):
        oauth_settings["jwks"] = {"keys": [_jwk(call, row, key) for key in oauth_settings["jwks"].get("keys") or []]}
    hidden = row.sign_on_mode == "OPENID_CONNECT"
    body: dict[str, Any] = {
        "id": row.id,
        "name": row.name,
        "label": row.label,
        "status": row.status,
        "lastUpdated": iso(row.last_updated),
        "created": iso(row.created),
        "accessibility": document.get("accessibility") or dict(DEFAULT_ACCESSIBILITY),
        "visibility": document.get("visibility")
        or {
            "autoLaunch": False,
            "autoSubmitToolbar": False,
            "hide": {"iOS": hidden, "web": hidden},
            "appLinks": {link_name(row): True},
        },
        "features": document.get("features") or [],
        "signOnMode": row.sign_on_mode,
        "credentials": credentials,
        "settings": settings,
        "_links": _links(call, row),
    }
    if "profile" in document:
        body["profile"] = document["profile"]
    return body


def _jwk(call: OktaCall, row: App, key: Any) -> Any:
    """A client JWK as Okta lists it: with its `pks...` id, status, timestamps and lifecycle link."""
    if not isinstance(key, dict):
        return key
    digest = hashlib.sha256(f"{row.id}:{key.get('kid') or key.get('n') or key.get('x')}".encode()).hexdigest()
    key_id = key.get("id") or "pks" + digest[:17]
    status = key.get("status") or "ACTIVE"
    action = "deactivate" if status == "ACTIVE" else "activate"
    link = {
        **href(call, f"/api/v1/apps/{row.id}/credentials/jwks/{key_id}/lifecycle/{action}"),
        "hints": {"allow": ["POST"]},
    }
    return {
        "id": key_id,
        "status": status,
        "created": iso(row.created),
        "lastUpdated": iso(row.last_updated),
        **key,
        "_links": {action: link},
    }


def _links(call: OktaCall, row: App) -> dict[str, Any]:
    base = f"/api/v1/apps/{row.id}"
    links: dict[str, Any] = {
        "uploadLogo": {**href(call, f"{base}/logo"), "hints": {"allow": ["POST"]}},
        "appLinks": [
            {
                "name": link_name(row),
                # The same link id as the user's appLinks (GET /api/v1/users/{id}/appLinks) shows.
                **href(call, f"/home/{row.name}/{row.id}/{_derived_id('0ol', row.id, 'link')}"),
                "type": "text/html",
            }
        ],
        "groups": href(call, f"{base}/groups"),
        "logo": [{"name": "medium", **href(call, "/assets/img/logos/default.png"), "type": "image/png"}],
        "users": href(call, f"{base}/users"),
    }
    if row.status == "ACTIVE":
        links["deactivate"] = href(call, f"{base}/lifecycle/deactivate")
    else:
        links["activate"] = href(call, f"{base}/lifecycle/activate")
    if row.sign_on_mode == "SAML_2_0":
        links["metadata"] = {**href(call, f"{base}/sso/saml/metadata"), "type": "application/xml"}
    return links


def app_user(
    call: OktaCall,
    row: AppUser,
    *,
    group: Group | None = None,
    embedded_user: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """`scope` is USER for a direct assignment, GROUP when only group memberships grant it."""
    links: dict[str, Any] = {
        "app": href(call, f"/api/v1/apps/{row.app_id}"),
        "user": href(call, f"/api/v1/users/{row.user_id}"),
    }
    if not row.direct and group is not None:
        links["group"] = {"name": (group.profile or {}).get("name"), **href(call, f"/api/v1/groups/{group.id}")}
    body: dict[str, Any] = {
        "id": row.user_id,
        "externalId": row.external_id,
        "created": iso(row.created),
        "lastUpdated": iso(row.last_updated),
        "scope": "USER" if row.direct else "GROUP",
        "status": row.status,
        "statusChanged": iso(row.status_changed),
        "passwordChanged": None,
        "syncState": row.sync_state,
        "lastSync": iso(row.last_sync) if row.last_sync is not None else None,
        "credentials": row.credentials or {},
        "profile": row.profile or {},
        "_links": links,
    }
    if embedded_user is not None:
        body["_embedded"] = {"user": embedded_user}
    return body


def app_group(call: OktaCall, row: AppGroup, *, embedded_group: dict[str, Any] | None = None) -> dict[str, Any]:
    body: dict[str, Any] = {
        "id": row.group_id,
        "lastUpdated": iso(row.last_updated),
        "priority": row.priority,
        "profile": row.profile or {},
        "_links": {
            "app": href(call, f"/api/v1/apps/{row.app_id}"),
            "self": href(call, f"/api/v1/apps/{row.app_id}/groups/{row.group_id}"),
            "group": href(call, f"/api/v1/groups/{row.group_id}"),
        },
    }
    if embedded_group is not None:
        body["_embedded"] = {"group": embedded_group}
    return body
