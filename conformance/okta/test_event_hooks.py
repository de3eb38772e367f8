"""Event Hooks API through the okta SDK, and the hooks' traffic to a local endpoint: the one-time
verification GET, deliveries of System Log events in Okta's envelope, one retry, failures logged."""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from okta.client import Client
from okta.models import EventHook

from conformance.okta.receiver import Receiver

SECRET = "my-shared-secret"


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    endpoint = Receiver().start()
    yield endpoint
    endpoint.stop()


@pytest.fixture
def bystander() -> Iterator[Receiver]:
    """A second endpoint whose deliveries prove an event has been processed."""
    endpoint = Receiver().start()
    yield endpoint
    endpoint.stop()


def admin(dtu_okta: Any) -> httpx.Client:
    return httpx.Client(base_url=dtu_okta.org_url, headers={"Authorization": f"SSWS {dtu_okta.api_token}"})


def hook_body(uri: str, items: list[str], name: str = "Event Hook Test") -> dict[str, Any]:
    return {
        "name": name,
        "events": {"type": "EVENT_TYPE", "items": items},
        "channel": {
            "type": "HTTP",
            "version": "1.0.0",
            "config": {
                "uri": uri,
                "headers": [{"key": "X-Other-Header", "value": "my-header-value"}],
                "authScheme": {"type": "HEADER", "key": "Authorization", "value": SECRET},
            },
        },
    }


async def make_hook(okta: Client, uri: str, items: list[str], name: str = "Event Hook Test") -> Any:
    hook, _, err = await okta.create_event_hook(EventHook.from_dict(hook_body(uri, items, name)))
    assert err is None, err
    return hook


async def verified_hook(okta: Client, uri: str, items: list[str], name: str = "Event Hook Test") -> Any:
    hook = await make_hook(okta, uri, items, name)
    verified, _, err = await okta.verify_event_hook(hook.id)
    assert err is None, err
    assert verified.verification_status == "VERIFIED"
    return verified


def create_user(dtu_okta: Any, login: str) -> dict[str, Any]:
    profile = {"firstName": "Ada", "lastName": "Lovelace", "email": login, "login": login}
    with admin(dtu_okta) as http:
        response = http.post("/api/v1/users", params={"activate": "false"}, json={"profile": profile})
    assert response.status_code == 200, response.text
    user: dict[str, Any] = response.json()
    return user


def log_events(dtu_okta: Any, event_type: str) -> list[dict[str, Any]]:
    with admin(dtu_okta) as http:
        response = http.get("/api/v1/logs", params={"filter": f'eventType eq "{event_type}"'})
    assert response.status_code == 200, response.text
    events: list[dict[str, Any]] = response.json()
    return events


def error_of(err: Any) -> tuple[int, str, str, list[str]]:
    """Okta's envelope as the SDK's OktaAPIError carries it."""
    return err.status, err.error_code, err.error_summary, [c["errorSummary"] for c in err.error_causes]


def targeted_at(login: str) -> Any:
    return lambda r: any(t.get("alternateId") == login for e in r.events for t in e.get("target") or [])


async def test_create_and_wire_shape(okta: Client, dtu_okta: Any, receiver: Receiver) -> None:
    hook = await make_hook(okta, receiver.url, ["user.lifecycle.create", "user.lifecycle.activate"])
    assert hook.id.startswith("who") and len(hook.id) == 20
    assert (hook.status, hook.verification_status) == ("ACTIVE", "UNVERIFIED")
    assert hook.created_by == dtu_okta.admin_id
    assert hook.events.items == ["user.lifecycle.create", "user.lifecycle.activate"]
    with admin(dtu_okta) as http:
        raw = http.get(f"/api/v1/eventHooks/{hook.id}").json()
    config = raw["channel"]["config"]
    assert config["uri"] == receiver.url
    assert config["method"] == "POST"
    assert config["headers"] == [{"key": "X-Other-Header", "value": "my-header-value"}]
    # The secret is write-only.
    assert config["authScheme"] == {"type": "HEADER", "key": "authorization"}
    assert raw["channel"]["type"] == "HTTP" and raw["channel"]["version"] == "1.0.0"
    assert raw["events"] == {"type": "EVENT_TYPE", "items": hook.events.items, "filter": None}
    assert raw["created"].endswith("Z") and raw["created"] == raw["lastUpdated"]
    links = raw["_links"]
    assert links["self"]["href"].endswith(f"/api/v1/eventHooks/{hook.id}")
    assert links["verify"]["href"].endswith(f"/api/v1/eventHooks/{hook.id}/lifecycle/verify")
    assert links["deactivate"]["hints"] == {"allow": ["POST"]}
    hooks, _, err = await okta.list_event_hooks()
    assert err is None, err
    assert [h.id for h in hooks] == [hook.id]
    assert [e["eventType"] for e in log_events(dtu_okta, "event_hook.created")] == ["event_hook.created"]


async def test_verification_challenge(okta: Client, dtu_okta: Any, receiver: Receiver) -> None:
    hook = await verified_hook(okta, receiver.url, ["user.lifecycle.create"])
    [request] = receiver.requests("GET")
    assert request.headers["x-okta-verification-challenge"]
    assert request.headers["accept"] == "application/json"
    assert request.headers["authorization"] == SECRET
    assert request.headers["x-other-header"] == "my-header-value"
    fetched, _, err = await okta.get_event_hook(hook.id)
    assert err is None, err
    assert fetched.verification_status == "VERIFIED"
    [logged] = log_events(dtu_okta, "event_hook.verified")
    assert logged["outcome"]["result"] == "SUCCESS"
    assert logged["target"][0]["id"] == hook.id


async def test_verification_failure(okta: Client, dtu_okta: Any, receiver: Receiver) -> None:
    receiver.challenge_mode = "wrong"
    hook = await make_hook(okta, receiver.url, ["user.lifecycle.create"], name="Unproven")
    _, _, err = await okta.verify_event_hook(hook.id)
    assert err is not None
    status, code, summary, causes = error_of(err)
    assert (status, code, summary) == (400, "E0000001", "Api validation failed: eventHook")
    assert causes == ["Unable to verify event hook. Hook Unproven execution failed"]
    fetched, _, _ = await okta.get_event_hook(hook.id)
    assert fetched.verification_status == "UNVERIFIED"
    # Okta records the attempt even when it fails.
    [logged] = log_events(dtu_okta, "event_hook.verified")
    assert logged["outcome"]["result"] == "FAILURE"


async def test_verification_retried_once(okta: Client, dtu_okta: Any, receiver: Receiver) -> None:
    hook = await make_hook(okta, receiver.url, ["user.lifecycle.create"])
    receiver.fail_with = [503]
    verified, _, err = await okta.verify_event_hook(hook.id)
    assert err is None, err
    assert verified.verification_status == "VERIFIED"
    assert len(receiver.requests("GET")) == 2
    receiver.fail_with = [500, 500]
    _, _, err = await okta.verify_event_hook(hook.id)
    assert err is not None and error_of(err)[1] == "E0000001"
    assert len(receiver.requests("GET")) == 4  # one retry, no more


async def test_user_create_is_delivered(okta: Client, dtu_okta: Any, receiver: Receiver) -> None:
    hook = await verified_hook(okta, receiver.url, ["user.lifecycle.create"])
    user = create_user(dtu_okta, "ada@example.com")
    [delivery] = receiver.wait_for(targeted_at("ada@example.com"))
    payload = delivery.payload
    assert payload["eventType"] == "com.okta.event_hook"
    assert payload["eventTypeVersion"] == "1.0"
    assert payload["cloudEventsVersion"] == "0.1"
    assert payload["contentType"] == "application/json"
    # The hook's own URL in the org's canonical form (as its `_links.self`).
    with admin(dtu_okta) as http:
        self_link = http.get(f"/api/v1/eventHooks/{hook.id}").json()["_links"]["self"]["href"]
    assert payload["source"] == self_link and self_link.endswith(f"/api/v1/eventHooks/{hook.id}")
    assert len(payload["eventId"]) == 36 and payload["eventTime"].endswith("Z")
    # Only the subscribed types: the Everyone membership events of the same request stay out.
    [event] = delivery.events
    assert event["eventType"] == "user.lifecycle.create"
    assert event["target"][0]["id"] == user["id"]
    assert event["actor"]["id"] == dtu_okta.admin_id
    # The same event as the System Log holds.
    [logged] = log_events(dtu_okta, "user.lifecycle.create")
    assert logged == event
    headers = delivery.headers
    assert headers["content-type"] == "application/json"
    assert headers["accept"] == "application/json"
    assert headers["authorization"] == SECRET
    assert headers["x-other-header"] == "my-header-value"


async def test_only_active_verified_hooks_receive(
    okta: Client, dtu_okta: Any, receiver: Receiver, bystander: Receiver
) -> None:
    await verified_hook(okta, bystander.url, ["user.lifecycle.create"], name="Bystander")
    hook = await make_hook(okta, receiver.url, ["user.lifecycle.create"])
    create_user(dtu_okta, "unverified@example.com")
    bystander.wait_for(targeted_at("unverified@example.com"))
    _, _, err = await okta.verify_event_hook(hook.id)
    assert err is None, err
    deactivated, _, err = await okta.deactivate_event_hook(hook.id)
    assert err is None, err
    assert deactivated.status == "INACTIVE"
    create_user(dtu_okta, "inactive@example.com")
    bystander.wait_for(targeted_at("inactive@example.com"))
    assert receiver.deliveries() == []
    activated, _, err = await okta.activate_event_hook(hook.id)
    assert err is None, err
    assert activated.status == "ACTIVE"
    create_user(dtu_okta, "active@example.com")
    receiver.wait_for(targeted_at("active@example.com"))
    assert len(receiver.deliveries()) == 1


async def test_delivery_retried_once_after_5xx(okta: Client, dtu_okta: Any, receiver: Receiver) -> None:
    await verified_hook(okta, receiver.url, ["user.lifecycle.create"])
    receiver.fail_with = [500]
    create_user(dtu_okta, "retry@example.com")
    first, second = receiver.wait_for(targeted_at("retry@example.com"), count=2)
    assert first.payload == second.payload  # the same delivery, same eventId
    assert log_events(dtu_okta, "event_hook.delivery") == []


async def test_failed_delivery_is_logged(okta: Client, dtu_okta: Any, receiver: Receiver) -> None:
    hook = await verified_hook(okta, receiver.url, ["user.lifecycle.create"])
    receiver.fail_with = [502, 504]
    create_user(dtu_okta, "lost@example.com")
    receiver.wait_for(targeted_at("lost@example.com"), count=2)
    failures = _wait_for_log(dtu_okta, "event_hook.delivery")
    assert [f["outcome"]["result"] for f in failures] == ["FAILURE"]
    assert failures[0]["target"][0]["id"] == hook.id
    # Okta's background work: no HTTP request behind it, Okta's system principal as the actor.
    assert failures[0]["transaction"]["type"] == "JOB" and failures[0]["request"]["ipChain"] == []
    sdk_events, _, err = await okta.list_log_events(filter='eventType eq "event_hook.delivery"')
    assert err is None, err
    assert [e.actor.type for e in sdk_events] == ["SystemPrincipal"]
    # A 4xx answer is not retried.
    receiver.fail_with = [410]
    create_user(dtu_okta, "gone@example.com")
    receiver.wait_for(targeted_at("gone@example.com"))
    failures = _wait_for_log(dtu_okta, "event_hook.delivery", count=2)
    assert len(receiver.deliveries(targeted_at("gone@example.com"))) == 1


def _wait_for_log(dtu_okta: Any, event_type: str, count: int = 1) -> list[dict[str, Any]]:
    deadline = time.monotonic() + 10
    while True:
        found = log_events(dtu_okta, event_type)
        if len(found) >= count or time.monotonic() > deadline:
            assert len(found) == count, found
            return found
        time.sleep(0.02)


async def test_event_time_follows_the_org_clock(okta: Client, dtu_okta: Any, receiver: Receiver) -> None:
    await verified_hook(okta, receiver.url, ["user.lifecycle.create"])
    dtu_okta.advance_clock(30 * 86_400)
    clock = dtu_okta.control("GET", "/clock").json()
    create_user(dtu_okta, "future@example.com")
    [delivery] = receiver.wait_for(targeted_at("future@example.com"))
    # Both the envelope and the event carry the org's (advanced) time.
    assert delivery.payload["eventTime"][:10] == clock["iso"][:10]
    assert delivery.events[0]["published"][:10] == clock["iso"][:10]


async def test_replace_channel_requires_verification(okta: Client, dtu_okta: Any, receiver: Receiver) -> None:
    hook = await verified_hook(okta, receiver.url, ["user.lifecycle.create"])
    renamed = hook_body(receiver.url, ["user.lifecycle.create", "user.lifecycle.deactivate"], name="Renamed")
    del renamed["channel"]["config"]["authScheme"]["value"]  # the secret is kept when not resent
    replaced, _, err = await okta.replace_event_hook(hook.id, EventHook.from_dict(renamed))
    assert err is None, err
    assert (replaced.name, replaced.verification_status) == ("Renamed", "VERIFIED")
    create_user(dtu_okta, "kept@example.com")
    [delivery] = receiver.wait_for(targeted_at("kept@example.com"))
    assert delivery.headers["authorization"] == SECRET
    moved = hook_body(receiver.url + "?v=2", ["user.lifecycle.create"], name="Moved")
    replaced, _, err = await okta.replace_event_hook(hook.id, EventHook.from_dict(moved))
    assert err is None, err
    assert replaced.verification_status == "UNVERIFIED"


async def test_delete_only_inactive(okta: Client, dtu_okta: Any, receiver: Receiver) -> None:
    hook = await make_hook(okta, receiver.url, ["user.lifecycle.create"])
    result = await okta.delete_event_hook(hook.id)
    err = result[-1]
    assert err is not None
    assert error_of(err)[:2] == (400, "E0000001")
    _, _, err = await okta.deactivate_event_hook(hook.id)
    assert err is None, err
    result = await okta.delete_event_hook(hook.id)
    assert result[-1] is None
    _, _, err = await okta.get_event_hook(hook.id)
    assert err is not None and error_of(err)[:2] == (404, "E0000007")
    assert len(log_events(dtu_okta, "event_hook.deleted")) == 1


async def test_create_validation(okta: Client, dtu_okta: Any, receiver: Receiver) -> None:
    with admin(dtu_okta) as http:
        ineligible = http.post("/api/v1/eventHooks", json=hook_body(receiver.url, ["event_hook.created"]))
        insecure = http.post(
            "/api/v1/eventHooks", json=hook_body("http://hooks.example.com/okta", ["user.session.start"])
        )
        nameless = http.post("/api/v1/eventHooks", json={**hook_body(receiver.url, ["user.session.start"]), "name": ""})
        missing = http.get("/api/v1/eventHooks/who00000000000000000")
    for response in (ineligible, insecure, nameless):
        assert response.status_code == 400
        assert response.json()["errorCode"] == "E0000001"
    assert "event_hook.created" in ineligible.json()["errorCauses"][0]["errorSummary"]
    assert "https://" in insecure.json()["errorCauses"][0]["errorSummary"]
    assert missing.status_code == 404 and missing.json()["errorCode"] == "E0000007"
