"""Event hooks: registration, validation, lifecycle and the wire shape.

A hook subscribes to event-hook-eligible System Log event types and names an HTTP
endpoint. It is created ACTIVE and UNVERIFIED; only ACTIVE and VERIFIED hooks receive
events (delivery: services/okta/hook_delivery.py). Replacing the channel requires
verifying again; only INACTIVE hooks can be deleted. The `authScheme.value` secret is
stored but never rendered.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from sqlmodel import col, select

from services.okta import syslog
from services.okta.call import OktaCall
from services.okta.errors import not_found, validation
from services.okta.event_types import HOOK_ELIGIBLE
from services.okta.models import EventHook
from services.okta.oktaids import new_id
from services.okta.timefmt import iso

CHANNEL_VERSION = "1.0.0"
MAX_URI_LENGTH = 1024
MAX_NAME_LENGTH = 255
# Headers Okta sets itself; a hook may not configure them ("Some reserved headers, such as Accept, are disallowed").
RESERVED_HEADERS = frozenset(
    {"accept", "content-type", "content-length", "host", "user-agent", "connection", "transfer-encoding"}
)
VALIDATION_FIELD = "eventHook"


@dataclass(frozen=True)
class Verification:
    """What the one-time verification request found (made before the call's transaction)."""

    hook_id: str
    verified: bool
    detail: str  # why it failed, for the System Log


def find(call: OktaCall, hook_id: str) -> EventHook:
    hook = call.session.get(EventHook, (call.tenant.id, hook_id))
    if hook is None:
        raise not_found(hook_id, "EventHook")
    return hook


def list_all(call: OktaCall) -> list[EventHook]:
    statement = select(EventHook).where(EventHook.tenant_id == call.tenant.id).order_by(col(EventHook.seq))
    return list(call.session.exec(statement).all())


def create(call: OktaCall) -> EventHook:
    body = call.body_object()
    name, description, events, channel = _parse(body, previous_channel=None)
    now = call.now()
    actor = call.actor
    hook = EventHook(
        tenant_id=call.tenant.id,
        id=new_id(call.tenant, "who"),
        name=name,
        description=description,
        status="ACTIVE",
        verification_status="UNVERIFIED",
        events=events,
        channel=channel,
        created=now,
        last_updated=now,
        created_by=actor.subject if actor.kind == "ssws" else str(actor.attributes.get("user_id") or actor.subject),
        seq=call.next_seq("event_hook"),
    )
    call.session.add(hook)
    syslog.record(call, "event_hook.created", targets=[syslog.event_hook_target(hook)])
    return hook


def replace(call: OktaCall, hook: EventHook) -> EventHook:
    name, description, events, channel = _parse(call.body_object(), previous_channel=hook.channel)
    if channel != hook.channel:
        hook.verification_status = "UNVERIFIED"  # a new endpoint must prove ownership again
    hook.name, hook.description, hook.events, hook.channel = name, description, events, channel
    hook.last_updated = call.now()
    call.session.add(hook)
    syslog.record(call, "event_hook.updated", targets=[syslog.event_hook_target(hook)])
    return hook


def set_status(call: OktaCall, hook: EventHook, status: str) -> EventHook:
    if hook.status != status:
        hook.status = status
        hook.last_updated = call.now()
        call.session.add(hook)
    event_type = "event_hook.activated" if status == "ACTIVE" else "event_hook.deactivated"
    syslog.record(call, event_type, targets=[syslog.event_hook_target(hook)])
    return hook


def delete(call: OktaCall, hook: EventHook) -> None:
    if hook.status != "INACTIVE":
        # Okta's safety precaution: only INACTIVE hooks are eligible for deletion.
        raise validation("Cannot delete an ACTIVE event hook. Deactivate it first.", field=VALIDATION_FIELD)
    syslog.record(call, "event_hook.deleted", targets=[syslog.event_hook_target(hook)])
    call.session.delete(hook)


def apply_verification(call: OktaCall, hook: EventHook, outcome: Verification | None) -> EventHook:
    """Record the verification (Okta logs failures too) and mark the hook VERIFIED on success."""
    verified = outcome is not None and outcome.verified
    syslog.record(
        call,
        "event_hook.verified",
        targets=[syslog.event_hook_target(hook)],
        outcome="SUCCESS" if verified else "FAILURE",
        reason=None if verified else (outcome.detail if outcome else "Verification failed"),
    )
    if verified:
        hook.verification_status = "VERIFIED"
        hook.last_updated = call.now()
        call.session.add(hook)
    else:
        call.fail_after_commit(
            validation(f"Unable to verify event hook. Hook {hook.name} execution failed", field=VALIDATION_FIELD)
        )
    return hook


# -- validation -------------------------------------------------------------------------


def _parse(
    body: dict[str, Any], previous_channel: dict[str, Any] | None
) -> tuple[str, str | None, dict[str, Any], dict[str, Any]]:
    causes: list[str] = []
    name = body.get("name")
    if not isinstance(name, str) or not name.strip():
        causes.append("name: The field cannot be left blank")
    elif len(name) > MAX_NAME_LENGTH:
        causes.append(f"name: The field cannot exceed {MAX_NAME_LENGTH} characters")
    description = body.get("description")
    if description is not None and not isinstance(description, str):
        causes.append("description: must be a string")
    events = _events(body.get("events"), causes)
    channel = _channel(body.get("channel"), previous_channel, causes)
    if causes:
        raise validation(*causes, field=VALIDATION_FIELD)
    return str(name), description, events, channel


def _events(raw: Any, causes: list[str]) -> dict[str, Any]:
    if not isinstance(raw, dict):
        causes.append("events: The field cannot be left blank")
        return {}
    if raw.get("type") != "EVENT_TYPE":
        causes.append("events.type: The only supported value is EVENT_TYPE")
    items = raw.get("items")
    if not isinstance(items, list) or not items or not all(isinstance(item, str) for item in items):
        causes.append("events.items: At least one event type is required")
        return {}
    ineligible = [item for item in items if item not in HOOK_ELIGIBLE]
    causes.extend(f"events.items: {item} is not an event hook eligible event type" for item in ineligible)
    unique = list(dict.fromkeys(items))
    return {"type": "EVENT_TYPE", "items": unique, "filter": raw.get("filter")}


def _channel(raw: Any, previous: dict[str, Any] | None, causes: list[str]) -> dict[str, Any]:
    if not isinstance(raw, dict):
        causes.append("channel: The field cannot be left blank")
        return {}
    if raw.get("type") != "HTTP":
        causes.append("channel.type: The only supported value is HTTP")
    if raw.get("version") != CHANNEL_VERSION:
        causes.append(f"channel.version: The only supported version is {CHANNEL_VERSION}")
    config = raw.get("config")
    if not isinstance(config, dict):
        causes.append("channel.config: The field cannot be left blank")
        return {}
    uri = config.get("uri")
    if not isinstance(uri, str) or not uri:
        causes.append("channel.config.uri: The field cannot be left blank")
    elif len(uri) > MAX_URI_LENGTH:
        causes.append(f"channel.config.uri: The field cannot exceed {MAX_URI_LENGTH} characters")
    elif not _acceptable_uri(uri):
        causes.append("channel.config.uri: The URI must begin with https://")
    headers = _headers(config.get("headers"), causes)
    previous_scheme = ((previous or {}).get("config") or {}).get("authScheme")
    auth_scheme = _auth_scheme(config.get("authScheme"), previous_scheme, causes)
    return {
        "type": "HTTP",
        "version": CHANNEL_VERSION,
        "config": {"uri": uri, "headers": headers, "authScheme": auth_scheme},
    }


def _acceptable_uri(uri: str) -> bool:
    """Okta requires https. The twin also takes plain http to local receivers (loopback or
    single-label hosts such as docker service names), which real Okta could never reach anyway."""
    parts = urlsplit(uri)
    if not parts.hostname:
        return False
    if parts.scheme == "https":
        return True
    if parts.scheme != "http":
        return False
    host = parts.hostname
    if host == "localhost" or "." not in host:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _headers(raw: Any, causes: list[str]) -> list[dict[str, str]]:
    if raw is None:
        return []
    if not isinstance(raw, list):
        causes.append("channel.config.headers: must be a list of key/value pairs")
        return []
    headers: list[dict[str, str]] = []
    for item in raw:
        if item is None:
            continue
        key, value = (item.get("key"), item.get("value")) if isinstance(item, dict) else (None, None)
        if not isinstance(key, str) or not key.strip() or not isinstance(value, str):
            causes.append("channel.config.headers: each header needs a key and a value")
        elif key.strip().lower() in RESERVED_HEADERS:
            causes.append(f"channel.config.headers: {key} is a reserved header")
        else:
            headers.append({"key": key.strip(), "value": value})
    return headers


def _auth_scheme(raw: Any, previous: dict[str, Any] | None, causes: list[str]) -> dict[str, str] | None:
    if raw is None:
        return None
    if not isinstance(raw, dict):
        causes.append("channel.config.authScheme: must be an object")
        return None
    if raw.get("type") != "HEADER":
        causes.append("channel.config.authScheme.type: The only supported value is HEADER")
    key, value = raw.get("key"), raw.get("value")
    if not isinstance(key, str) or not key.strip():
        causes.append("channel.config.authScheme.key: The field cannot be left blank")
        return None
    if value is None and previous and str(previous.get("key", "")).lower() == key.strip().lower():
        value = previous.get("value")  # the secret is never returned, so a read-modify-write keeps it
    if not isinstance(value, str) or not value:
        causes.append("channel.config.authScheme.value: The field cannot be left blank")
        return None
    return {"type": "HEADER", "key": key.strip(), "value": value}


# -- the wire shape ---------------------------------------------------------------------


def render(call: OktaCall, hook: EventHook) -> dict[str, Any]:
    events = hook.events or {}
    config = (hook.channel or {}).get("config") or {}
    scheme = config.get("authScheme")
    base = f"{call.org_url}/api/v1/eventHooks/{hook.id}"
    post = {"hints": {"allow": ["POST"]}}
    toggle = "deactivate" if hook.status == "ACTIVE" else "activate"
    return {
        "id": hook.id,
        "status": hook.status,
        "verificationStatus": hook.verification_status,
        "name": hook.name,
        "description": hook.description,
        "created": iso(hook.created),
        "createdBy": hook.created_by,
        "lastUpdated": iso(hook.last_updated),
        "events": {"type": "EVENT_TYPE", "items": list(events.get("items") or []), "filter": events.get("filter")},
        "channel": {
            "type": "HTTP",
            "version": CHANNEL_VERSION,
            "config": {
                "uri": config.get("uri"),
                "headers": [dict(h) for h in config.get("headers") or []],
                "method": "POST",
                # The secret (`value`) is write-only; Okta echoes the header name in lower case.
                "authScheme": {"type": "HEADER", "key": str(scheme["key"]).lower()} if scheme else None,
            },
        },
        "_links": {
            "self": {"href": base},
            "verify": {"href": f"{base}/lifecycle/verify", **post},
            toggle: {"href": f"{base}/lifecycle/{toggle}", **post},
        },
    }
