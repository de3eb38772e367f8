"""Event Hooks API: /api/v1/eventHooks."""

from __future__ import annotations

from typing import Any

from services.okta.call import OktaCall, Reply
from services.okta.domain import event_hooks
from services.okta.endpoint import route
from services.okta.hook_delivery import probe

HOOK = "/api/v1/eventHooks/{eventHookId}"


@route("GET", "/api/v1/eventHooks", "listEventHooks", "okta.eventHooks.read")
def list_event_hooks(call: OktaCall) -> list[dict[str, Any]]:
    return [event_hooks.render(call, hook) for hook in event_hooks.list_all(call)]


@route("POST", "/api/v1/eventHooks", "createEventHook", "okta.eventHooks.manage")
def create_event_hook(call: OktaCall) -> dict[str, Any]:
    return event_hooks.render(call, event_hooks.create(call))


@route("GET", HOOK, "getEventHook", "okta.eventHooks.read")
def get_event_hook(call: OktaCall) -> dict[str, Any]:
    return event_hooks.render(call, event_hooks.find(call, call.path["eventHookId"]))


@route("PUT", HOOK, "replaceEventHook", "okta.eventHooks.manage")
def replace_event_hook(call: OktaCall) -> dict[str, Any]:
    hook = event_hooks.find(call, call.path["eventHookId"])
    return event_hooks.render(call, event_hooks.replace(call, hook))


@route("DELETE", HOOK, "deleteEventHook", "okta.eventHooks.manage")
def delete_event_hook(call: OktaCall) -> Reply:
    event_hooks.delete(call, event_hooks.find(call, call.path["eventHookId"]))
    return Reply(None, 204)


@route("POST", HOOK + "/lifecycle/activate", "activateEventHook", "okta.eventHooks.manage")
def activate_event_hook(call: OktaCall) -> dict[str, Any]:
    hook = event_hooks.find(call, call.path["eventHookId"])
    return event_hooks.render(call, event_hooks.set_status(call, hook, "ACTIVE"))


@route("POST", HOOK + "/lifecycle/deactivate", "deactivateEventHook", "okta.eventHooks.manage")
def deactivate_event_hook(call: OktaCall) -> dict[str, Any]:
    hook = event_hooks.find(call, call.path["eventHookId"])
    return event_hooks.render(call, event_hooks.set_status(call, hook, "INACTIVE"))


# The verification GET to the hook's endpoint happens in `probe`, before the transaction.
@route("POST", HOOK + "/lifecycle/verify", "verifyEventHook", "okta.eventHooks.manage", prepare=probe)
def verify_event_hook(call: OktaCall) -> dict[str, Any]:
    hook = event_hooks.find(call, call.path["eventHookId"])
    return event_hooks.render(call, event_hooks.apply_verification(call, hook, call.prepared))
