"""A careful client: vendor faults are retried until the work is done, once; duplicate deliveries
(two webhooks, Jira's redeliveries) never double-act; the webhook answers before the work is done."""

from __future__ import annotations

import hashlib
import hmac
import json
from typing import Any

import httpx

from examples.access_request.events import signature_ok
from examples.access_request.tests.conftest import Service, World, wait_for


def signed(service: Service, payload: dict[str, Any]) -> httpx.Response:
    body = json.dumps(payload).encode()
    mac = hmac.new(service.settings.webhook_secret.encode(), body, hashlib.sha256).hexdigest()
    headers = {"X-Hub-Signature": f"sha256={mac}", "Content-Type": "application/json"}
    return service.http.post("/jira/webhook", content=body, headers=headers)


def test_faults_in_every_vendor_are_retried_and_act_once(world: World, service: Service) -> None:
    world.okta.fault(operation="assignUserToGroup", kind="error", status=503, remaining=2)
    world.google.fault(operation="drive.permissions.create", kind="error", status=500, remaining=2)
    world.slack.fault(operation="chat.postMessage", kind="rate_limit", retry_after=1, remaining=1)
    world.jira.fault(operation="addComment", kind="error", status=502, remaining=2)
    ticket = world.request()
    world.jira_lib.transition_issue(ticket, "Approved")
    (job,) = service.settled(1, timeout=30.0)
    assert job["state"] == "done", job

    assert world.okta_user in world.group_member_ids()
    assert world.email in world.folder_emails()
    assert len([t for t in world.channel_texts() if "granted" in t]) == 1
    assert len(world.comments(ticket.key)) == 1
    # The faults did fire: each vendor answered the failures before the success.
    for twin, operation, statuses in (
        (world.okta, "assignUserToGroup", [503, 503, 204]),
        (world.google, "drive.permissions.create", [500, 500, 200]),
        (world.slack, "chat.postMessage", [429, 200]),
        (world.jira, "addComment", [502, 502, 201]),
    ):
        assert [e["status"] for e in twin.journal(operation=operation)] == statuses, operation


def test_duplicate_webhooks_act_once(world: World, service: Service) -> None:
    with httpx.Client(base_url=world.jira.url, auth=(world.jira.email, world.jira.api_token)) as http:
        second = http.post(
            "/rest/webhooks/1.0/webhook",
            json={
                "name": "copy",
                "url": service.settings.webhook_url,
                "events": ["jira:issue_updated"],
                "secret": service.settings.webhook_secret,
            },
        )
    assert second.status_code == 201, second.text
    ticket = world.request()
    world.jira_lib.transition_issue(ticket, "Approved")
    wait_for(lambda: service.jobs()["deliveries"] >= 2, 10.0, "both deliveries")
    (job,) = service.settled(1)
    assert job["state"] == "done"
    assert len(world.comments(ticket.key)) == 1
    assert len([t for t in world.channel_texts() if "granted" in t]) == 1


def test_redelivery_is_acknowledged_and_ignored(world: World, service: Service) -> None:
    ticket = world.request()
    world.jira_lib.transition_issue(ticket, "Approved")
    (job,) = service.settled(1)
    issue_id, changelog_id = job["key"].split(":")[1:]
    payload = {
        "webhookEvent": "jira:issue_updated",
        "issue": {"id": issue_id, "key": ticket.key, "fields": {"project": {"id": world.project_id}}},
        "changelog": {"id": changelog_id, "items": [{"field": "status", "fieldId": "status", "toString": "Approved"}]},
    }
    again = signed(service, payload)
    assert again.status_code == 200 and again.json() == {"queued": False, "job": job["key"]}
    assert len(service.settled(1)) == 1 and len(world.comments(ticket.key)) == 1


def test_unsigned_or_forged_deliveries_are_refused(world: World, service: Service) -> None:
    body = b'{"webhookEvent": "jira:issue_updated"}'
    assert service.http.post("/jira/webhook", content=body).status_code == 401
    forged = service.http.post("/jira/webhook", content=body, headers={"X-Hub-Signature": "sha256=" + "0" * 64})
    assert forged.status_code == 401
    assert not signature_ok(service.settings.webhook_secret, body, "sha256=" + "0" * 64)
    assert signed(service, {"webhookEvent": "jira:issue_created"}).json() == {"queued": False, "job": None}
    assert service.jobs()["jobs"] == []
