"""The System Log: every mutation and sign-in recorded as an Okta LogEvent.

`record(call, "user.lifecycle.create", targets=[user_target(user)])` writes the event
in the call's transaction; after commit it is handed to the listeners registered in
`runtime.extras["log_listeners"]` (event hooks). The document is what
`GET /api/v1/logs` returns, in Okta's LogEvent shape.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from services.okta.call import OktaCall
from services.okta.models import App, Group, LogEvent, User
from services.okta.timefmt import iso

# eventType -> displayMessage, as Okta's event type catalogue words them.
DISPLAY_MESSAGES: dict[str, str] = {
    "user.lifecycle.create": "Create Okta user",
    "user.lifecycle.activate": "Activate Okta user",
    "user.lifecycle.reactivate": "Reactivate Okta user",
    "user.lifecycle.deactivate": "Deactivate Okta user",
    "user.lifecycle.suspend": "Suspend Okta user",
    "user.lifecycle.unsuspend": "Unsuspend Okta user",
    "user.lifecycle.delete.initiated": "Delete Okta user",
    "user.lifecycle.password_mass_expiry": "Expire all user passwords",
    "user.account.update_profile": "Update user profile for Okta",
    "user.account.lock": "Max sign in attempts exceeded",
    "user.account.unlock": "Unlock user account",
    "user.account.reset_password": "Fire a reset password request",
    "user.account.expire_password": "Expire user password",
    "user.account.update_password": "Update password for user",
    "user.session.start": "User login to Okta",
    "user.session.end": "User logout from Okta",
    "user.session.clear": "Clear user session",
    "user.authentication.sso": "User single sign on to app",
    "user.authentication.auth_via_mfa": "Authentication of user via MFA",
    "group.lifecycle.create": "Create Okta group",
    "group.lifecycle.delete": "Delete Okta group",
    "group.profile.update": "Update Okta group profile",
    "group.user_membership.add": "Add user to group membership",
    "group.user_membership.remove": "Remove user from group membership",
    "application.lifecycle.create": "Create application",
    "application.lifecycle.update": "Update application",
    "application.lifecycle.activate": "Activate application",
    "application.lifecycle.deactivate": "Deactivate application",
    "application.lifecycle.delete": "Delete application",
    "application.user_membership.add": "Add user to application membership",
    "application.user_membership.remove": "Remove user from application membership",
    "application.user_membership.update": "Update user's application membership",
    "group.application_assignment.add": "Add assigned application to group",
    "group.application_assignment.remove": "Remove assigned application from group",
    "user.account.privilege.grant": "Grant user privilege",
    "user.account.privilege.revoke": "Revoke user privilege",
    "app.oauth2.as.token.grant": "OAuth2 token granted",
    "app.oauth2.as.token.revoke": "OAuth2 token revocation request",
    "app.oauth2.as.authorize": "OAuth2 authorization request",
    "app.oauth2.token.grant": "OAuth2 token granted",
    "event_hook.created": "Event hook created",
    "event_hook.activated": "Event hook activated",
    "event_hook.deactivated": "Event hook deactivated",
    "event_hook.deleted": "Event hook deleted",
    "event_hook.verified": "Event hook verified",
    "event_hook.delivery": "Event hook delivery",
    "system.api_token.create": "Create API token",
    "system.api_token.revoke": "Revoke API token",
}

Target = dict[str, Any]


def user_target(user: User) -> Target:
    profile = user.profile or {}
    name = " ".join(p for p in (profile.get("firstName"), profile.get("lastName")) if p)
    return {
        "id": user.id,
        "type": "User",
        "alternateId": profile.get("login"),
        "displayName": name,
        "detailEntry": None,
    }


def group_target(group: Group) -> Target:
    name = (group.profile or {}).get("name")
    return {"id": group.id, "type": "UserGroup", "alternateId": "unknown", "displayName": name, "detailEntry": None}


def app_target(app: App) -> Target:
    return {
        "id": app.id,
        "type": "AppInstance",
        "alternateId": app.label,
        "displayName": app.label,
        "detailEntry": None,
    }


def actor_of(call: OktaCall) -> dict[str, Any]:
    """The acting principal as the log shows it: the admin user, or the OAuth client."""
    principal = call.principal
    if principal is None:
        return {"id": "unknown", "type": "PublicClientApp", "alternateId": "unknown", "displayName": "Unknown"}
    user_id = principal.subject if principal.kind == "ssws" else principal.attributes.get("user_id")
    if user_id:
        user = call.session.get(User, (call.tenant.id, user_id))
        if user is not None:
            return {**user_target(user), "detailEntry": None}
    client_id = principal.attributes.get("client_id", principal.subject)
    return {"id": client_id, "type": "PublicClientApp", "alternateId": client_id, "displayName": client_id}


def record(
    call: OktaCall,
    event_type: str,
    *,
    targets: list[Target] | None = None,
    outcome: str = "SUCCESS",
    reason: str | None = None,
    actor: dict[str, Any] | None = None,
    severity: str = "INFO",
    display_message: str | None = None,
    debug_data: dict[str, Any] | None = None,
    authentication_context: dict[str, Any] | None = None,
) -> dict[str, Any]:
    now = call.now()
    event_id = call.tenant.ids.uuid4()
    request = call.request
    client_ip = request.client.host if request.client else "127.0.0.1"
    document: dict[str, Any] = {
        "uuid": event_id,
        "published": iso(now),
        "eventType": event_type,
        "version": "0",
        "severity": severity,
        "legacyEventType": None,
        "displayMessage": display_message or DISPLAY_MESSAGES.get(event_type, event_type),
        "actor": actor or actor_of(call),
        "client": {
            "userAgent": {
                "rawUserAgent": request.headers.get("user-agent", "UNKNOWN"),
                "os": "Unknown",
                "browser": "UNKNOWN",
            },
            "zone": "null",
            "device": "Unknown",
            "id": None,
            "ipAddress": client_ip,
            "geographicalContext": None,
        },
        "device": None,
        "authenticationContext": authentication_context
        or {
            "authenticationProvider": None,
            "credentialProvider": None,
            "credentialType": None,
            "issuer": None,
            "interface": None,
            "authenticationStep": 0,
            "externalSessionId": "unknown",
        },
        "securityContext": {"asNumber": None, "asOrg": None, "isp": None, "domain": None, "isProxy": None},
        "outcome": {"result": outcome, "reason": reason},
        "target": targets or [],
        "transaction": {"type": "WEB", "id": request.headers.get("x-request-id", event_id[:24]), "detail": {}},
        "debugContext": {"debugData": {"requestUri": request.url.path, "url": str(request.url), **(debug_data or {})}},
        "request": {"ipChain": [{"ip": client_ip, "geographicalContext": None, "version": "V4", "source": None}]},
    }
    call.session.add(
        LogEvent(
            tenant_id=call.tenant.id,
            uuid=event_id,
            seq=call.next_seq("log"),
            published=now,
            event_type=event_type,
            document=document,
        )
    )
    call.log_events.append(document)
    if len(call.log_events) == 1:
        call.after_commit.append(lambda: _publish(call))
    return document


def _publish(call: OktaCall) -> None:
    listeners: list[Callable[[str, list[dict[str, Any]]], None]] = call.runtime.extras.get("log_listeners", [])
    for listener in listeners:
        listener(call.tenant.id, list(call.log_events))
