"""The System Log: every mutation and sign-in recorded as an Okta LogEvent.

`record(call, "user.lifecycle.create", targets=[user_target(user)])` writes the event
in the call's transaction; after commit it is handed to the listeners registered in
`runtime.extras["log_listeners"]` (event hooks). `record_job` writes events Okta's
own background work produces (event hook delivery failures), outside any request.
The document is what `GET /api/v1/logs` returns, in Okta's LogEvent shape: events of
one request share `transaction.id` and `debugContext.debugData.requestId`; requests
made with an API token carry `transaction.detail.requestApiTokenId`.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from services.core.ids import ALNUM
from services.core.tenants import Tenant
from services.core.twin import TwinRuntime
from services.okta.call import OktaCall, next_seq
from services.okta.models import App, EventHook, Group, LogEvent, User
from services.okta.timefmt import iso

log = logging.getLogger("dtu.okta.syslog")
LogListener = Callable[[str, list[dict[str, Any]]], None]

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
    "event_hook.updated": "Event hook updated",
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


def event_hook_target(hook: EventHook) -> Target:
    return {"id": hook.id, "type": "EventHook", "alternateId": hook.name, "displayName": hook.name, "detailEntry": None}


# Okta's own principal for work it does in the background (scheduled jobs, hook deliveries).
SYSTEM_ACTOR: dict[str, Any] = {
    "id": "system@okta.com",
    "type": "SystemPrincipal",
    "alternateId": "system@okta.com",
    "displayName": "Okta System",
    "detailEntry": None,
}


def actor_of(call: OktaCall) -> dict[str, Any]:
    """The acting principal as the log shows it: the admin user, or the OAuth client."""
    principal = call.principal
    if principal is None:
        return {"id": "unknown", "type": "PublicClientApp", "alternateId": "unknown", "displayName": "Unknown"}
    user_id = principal.subject if principal.kind == "ssws" else principal.attributes.get("user_id")
    if user_id:
        with call.session.no_autoflush:  # the acting admin: no need to flush the call's writes first
            user = call.session.get(User, (call.tenant.id, user_id))
        if user is not None:
            return {**user_target(user), "detailEntry": None}
    client_id = principal.attributes.get("client_id", principal.subject)
    return {"id": client_id, "type": "PublicClientApp", "alternateId": client_id, "displayName": client_id}


def request_id(call: OktaCall) -> str:
    """One id per request (Okta's `X-Okta-Request-Id` style), shared by the events it records."""
    state = call.request.state
    existing: str | None = getattr(state, "okta_request_id", None)
    if existing is None:
        existing = call.tenant.ids.draw(27, ALNUM)
        state.okta_request_id = existing
    return existing


def _transaction_detail(call: OktaCall) -> dict[str, Any]:
    principal = call.principal
    if principal is not None and principal.kind == "ssws" and principal.attributes.get("token_id"):
        return {"requestApiTokenId": principal.attributes["token_id"]}
    return {}


def _no_authentication() -> dict[str, Any]:
    return {
        "authenticationProvider": None,
        "credentialProvider": None,
        "credentialType": None,
        "issuer": None,
        "interface": None,
        "authenticationStep": 0,
        "externalSessionId": "unknown",
    }


def _security_context() -> dict[str, Any]:
    return {"asNumber": None, "asOrg": None, "isp": None, "domain": None, "isProxy": None}


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
    req_id = request_id(call)
    # Okta logs the path and query as the client sent them (`url` is relative, not absolute).
    url = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    document: dict[str, Any] = {
        "actor": actor or actor_of(call),
        "client": {
            "userAgent": {
                "rawUserAgent": request.headers.get("user-agent", "UNKNOWN"),
                "os": "Unknown",
                "browser": "UNKNOWN",
            },
            "zone": "null",  # Okta writes the string "null" when no network zone matches
            "device": "Unknown",
            "id": None,
            "ipAddress": client_ip,
            "geographicalContext": None,
        },
        "device": None,
        "authenticationContext": authentication_context or _no_authentication(),
        "displayMessage": display_message or DISPLAY_MESSAGES.get(event_type, event_type),
        "eventType": event_type,
        "outcome": {"result": outcome, "reason": reason},
        "published": iso(now),
        "securityContext": _security_context(),
        "severity": severity,
        "debugContext": {
            "debugData": {"requestId": req_id, "requestUri": request.url.path, "url": url, **(debug_data or {})}
        },
        "legacyEventType": None,
        "transaction": {"type": "WEB", "id": req_id, "detail": _transaction_detail(call)},
        "uuid": event_id,
        "version": "0",
        "request": {"ipChain": [{"ip": client_ip, "geographicalContext": None, "version": "V4", "source": None}]},
        "target": targets or [],
    }
    call.session.add(_row(call.tenant.id, next_seq(call.session, call.tenant.id, "log"), now, document))
    call.log_events.append(document)
    # In-transaction observers (provisioning): what they write commits with the event.
    for observer in call.runtime.extras.get("log_observers", []):
        observer(call, document)
    if len(call.log_events) == 1:
        call.after_commit.append(lambda: publish(call.runtime, call.tenant.id, call.log_events))
    return document


def record_job(
    runtime: TwinRuntime,
    tenant: Tenant,
    event_type: str,
    *,
    targets: list[Target] | None = None,
    outcome: str = "SUCCESS",
    reason: str | None = None,
    severity: str = "INFO",
    debug_data: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """An event of Okta's background work (no HTTP request): written and published at once."""
    now = tenant.clock.time()
    event_id = tenant.ids.uuid4()
    document: dict[str, Any] = {
        "actor": dict(SYSTEM_ACTOR),
        "client": {
            "userAgent": None,
            "zone": None,
            "device": None,
            "id": None,
            "ipAddress": None,
            "geographicalContext": None,
        },
        "device": None,
        "authenticationContext": _no_authentication(),
        "displayMessage": DISPLAY_MESSAGES.get(event_type, event_type),
        "eventType": event_type,
        "outcome": {"result": outcome, "reason": reason},
        "published": iso(now),
        "securityContext": _security_context(),
        "severity": severity,
        "debugContext": {"debugData": dict(debug_data or {})},
        "legacyEventType": None,
        "transaction": {"type": "JOB", "id": tenant.ids.draw(27, ALNUM), "detail": {}},
        "uuid": event_id,
        "version": "0",
        "request": {"ipChain": []},  # Okta leaves the chain empty when no HTTP request caused the event
        "target": targets or [],
    }
    with runtime.store.session() as session:
        session.add(_row(tenant.id, next_seq(session, tenant.id, "log"), now, document))
        session.commit()
    publish(runtime, tenant.id, [document])
    return document


def _row(tenant_id: str, seq: int, now: float, document: dict[str, Any]) -> LogEvent:
    return LogEvent(
        tenant_id=tenant_id,
        uuid=document["uuid"],
        seq=seq,
        published=now,
        event_type=document["eventType"],
        document=document,
    )


def publish(runtime: TwinRuntime, tenant_id: str, events: list[dict[str, Any]]) -> None:
    """Hand committed events to the listeners (event hooks); a failing listener costs only itself."""
    listeners: list[LogListener] = runtime.extras.get("log_listeners", [])
    for listener in listeners:
        try:
            listener(tenant_id, list(events))
        except Exception:
            log.exception("log listener %r failed for tenant %s", listener, tenant_id)
