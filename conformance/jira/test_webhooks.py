"""Webhooks: admin webhooks (`/rest/webhooks/1.0/webhook`) and apps' dynamic webhooks
(`/rest/api/3/webhook`), delivered to a real HTTP endpoint on 127.0.0.1 (receiver.py).

Payload shapes follow Atlassian's webhook documentation (timestamp, webhookEvent,
issue_event_type_name, user, issue, changelog, comment); retries follow Jira Cloud's
policy (408/409/425/429/5xx and connection failures are retried with
X-Atlassian-Webhook-Retry, the X-Atlassian-Webhook-Identifier unchanged).
"""

from __future__ import annotations

import hashlib
import hmac
import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from jira import JIRA

from conformance.jira.conftest import create_project
from conformance.jira.receiver import Received, Receiver

ISSUE_AND_COMMENT_EVENTS = [
    "jira:issue_created",
    "jira:issue_updated",
    "jira:issue_deleted",
    "comment_created",
    "comment_updated",
    "comment_deleted",
]


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    instance = Receiver().start()
    yield instance
    instance.stop()


def admin_webhook(http: httpx.Client, url: str, events: list[str], jql: str = "", **extra: Any) -> dict[str, Any]:
    body = {"name": "dtu hook", "url": url, "events": events, "filters": {"issue-related-events-section": jql}, **extra}
    response = http.post("/rest/webhooks/1.0/webhook", json=body)
    assert response.status_code == 201, response.text
    created: dict[str, Any] = response.json()
    return created


def wait_advancing(receiver: Receiver, dtu_jira: Any, count: int, step: float, timeout: float = 15.0) -> None:
    """Advance the site's clock until `count` deliveries arrived: a retry's delay only starts once
    the twin has read the failed answer, which may be a moment after the receiver recorded it."""
    deadline = time.monotonic() + timeout
    while len(receiver.matching()) < count:
        if time.monotonic() > deadline:
            raise AssertionError(f"expected {count} deliveries, got {len(receiver.matching())}")
        dtu_jira.advance_clock(step)
        time.sleep(0.05)


def of(event: str, type_name: str | None = None) -> Any:
    return lambda r: r.event == event and (type_name is None or r.payload.get("issue_event_type_name") == type_name)


def test_admin_webhook_crud(http: httpx.Client, dtu_jira: Any) -> None:
    created = admin_webhook(
        http, "https://example.com/hook", ["jira:issue_created"], "issuetype = Bug", excludeBody=True
    )
    assert created["self"].startswith(f"{dtu_jira.url}/rest/webhooks/1.0/webhook/")
    assert created["filters"] == {"issue-related-events-section": "issuetype = Bug"}
    assert (created["events"], created["excludeBody"], created["enabled"]) == (["jira:issue_created"], True, True)
    assert created["lastUpdatedUser"] == dtu_jira.account_id and isinstance(created["lastUpdated"], int)
    path = created["self"].removeprefix(dtu_jira.url)
    assert http.get(path).json() == created
    assert [w["self"] for w in http.get("/rest/webhooks/1.0/webhook").json()] == [created["self"]]
    updated = http.put(path, json={**created, "name": "renamed", "events": ["comment_created"]})
    assert updated.status_code == 200 and updated.json()["name"] == "renamed"
    assert updated.json()["events"] == ["comment_created"]
    bad = http.post("/rest/webhooks/1.0/webhook", json={"name": "x", "url": "not a url", "events": []})
    assert bad.status_code == 400 and "url" in bad.json()["errors"]
    assert http.delete(path).status_code == 204
    assert http.get(path).status_code == 404


def test_issue_lifecycle_deliveries(
    jira: JIRA, http: httpx.Client, receiver: Receiver, project: dict[str, Any], dtu_jira: Any
) -> None:
    hook = admin_webhook(http, receiver.url(), ISSUE_AND_COMMENT_EVENTS, "project = DTU")
    issue = jira.create_issue(project="DTU", summary="Webhook me", issuetype={"name": "Task"}, description="Body")
    created = receiver.wait_for(of("jira:issue_created"))[0]
    payload = created.payload
    assert payload["issue_event_type_name"] == "issue_created"
    assert payload["issue"]["key"] == issue.key and payload["issue"]["fields"]["summary"] == "Webhook me"
    assert payload["issue"]["self"].endswith(f"/rest/api/2/issue/{issue.id}")
    assert payload["issue"]["fields"]["description"] == "Body"  # webhook bodies use the v2 representation
    assert payload["user"]["accountId"] == dtu_jira.account_id
    assert isinstance(payload["timestamp"], int) and payload["timestamp"] > 1_000_000_000_000
    assert payload["matchedWebhookIds"] == [int(hook["self"].rsplit("/", 1)[1])]
    assert created.headers["x-atlassian-webhook-identifier"]
    assert created.headers["content-type"].startswith("application/json")

    jira.transition_issue(issue, "In Progress")
    moved = receiver.wait_for(of("jira:issue_updated", "issue_generic"))[0].payload
    status_items = [i for i in moved["changelog"]["items"] if i["field"] == "status"]
    assert status_items == [
        {
            "field": "status",
            "fieldtype": "jira",
            "fieldId": "status",
            "from": "10000",
            "fromString": "To Do",
            "to": "3",
            "toString": "In Progress",
        }
    ]
    assert moved["issue"]["fields"]["status"]["name"] == "In Progress"

    issue.update(summary="Renamed")
    edited = receiver.wait_for(of("jira:issue_updated", "issue_updated"))[0].payload
    assert edited["changelog"]["items"][0]["field"] == "summary"
    assert edited["changelog"]["items"][0]["toString"] == "Renamed"

    comment = jira.add_comment(issue, "First!")
    added = receiver.wait_for(of("comment_created"))[0].payload
    assert added["comment"]["id"] == comment.id and added["comment"]["body"] == "First!"
    assert added["issue"]["key"] == issue.key and set(added["issue"]["fields"]) <= {
        "summary",
        "issuetype",
        "project",
        "assignee",
        "priority",
        "status",
    }
    commented = receiver.wait_for(of("jira:issue_updated", "issue_commented"))[0].payload
    assert commented["comment"]["id"] == comment.id
    comment.update(body="Edited")
    assert receiver.wait_for(of("comment_updated"))[0].payload["comment"]["body"] == "Edited"
    comment.delete()
    assert receiver.wait_for(of("comment_deleted"))[0].payload["comment"]["id"] == comment.id

    issue.delete()
    deleted = receiver.wait_for(of("jira:issue_deleted"))[0].payload
    assert deleted["issue_event_type_name"] == "issue_deleted" and deleted["issue"]["key"] == issue.key


def test_jql_filter_selects_issues(jira: JIRA, http: httpx.Client, receiver: Receiver, project: dict[str, Any]) -> None:
    create_project(jira, "OTHER")
    admin_webhook(http, receiver.url("bugs"), ["jira:issue_created"], "project = DTU AND issuetype = Bug")
    admin_webhook(http, receiver.url("all"), ["jira:issue_created"], "")
    jira.create_issue(project="DTU", summary="a task", issuetype={"name": "Task"})
    bug = jira.create_issue(project="DTU", summary="a bug", issuetype={"name": "Bug"})
    jira.create_issue(project="OTHER", summary="elsewhere", issuetype={"name": "Bug"})
    receiver.wait_for(lambda r: r.path == "/all", count=3)
    receiver.settle()
    bugs = receiver.matching(lambda r: r.path == "/bugs")
    assert [r.payload["issue"]["key"] for r in bugs] == [bug.key]


def test_project_events_and_url_variables(http: httpx.Client, jira: JIRA, receiver: Receiver) -> None:
    admin_webhook(http, receiver.url("p/${project.key}"), ["project_created", "project_updated", "project_deleted"], "")
    create_project(jira, "HOOK", "Hooked")
    created = receiver.wait_for(of("project_created"))[0]
    assert created.path == "/p/HOOK"
    assert created.payload["project"]["key"] == "HOOK" and created.payload["project"]["name"] == "Hooked"
    assert created.payload["project"]["projectLead"]["accountId"] == jira.current_user()
    http.put("/rest/api/3/project/HOOK", json={"name": "Hooked again"}).raise_for_status()
    assert receiver.wait_for(of("project_updated"))[0].payload["project"]["name"] == "Hooked again"
    assert http.delete("/rest/api/3/project/HOOK").status_code == 204
    assert receiver.wait_for(of("project_deleted"))[0].payload["project"]["key"] == "HOOK"


def test_retries_keep_the_identifier(
    jira: JIRA, http: httpx.Client, receiver: Receiver, project: dict[str, Any], dtu_jira: Any
) -> None:
    admin_webhook(http, receiver.url(), ["jira:issue_created"])
    receiver.fail_with = [503, 429]
    jira.create_issue(project="DTU", summary="retry me", issuetype={"name": "Task"})
    first = receiver.wait_for(of("jira:issue_created"))
    assert "x-atlassian-webhook-retry" not in first[0].headers
    wait_advancing(receiver, dtu_jira, 2, 10)  # the first retry is due 10 s later (tenant clock or real time)
    wait_advancing(receiver, dtu_jira, 3, 30)
    attempts = receiver.wait_for(of("jira:issue_created"), count=3)
    assert [a.headers.get("x-atlassian-webhook-retry") for a in attempts] == [None, "1", "2"]
    assert len({a.headers["x-atlassian-webhook-identifier"] for a in attempts}) == 1
    assert len({a.body for a in attempts}) == 1


def test_client_errors_are_not_retried(
    jira: JIRA, http: httpx.Client, receiver: Receiver, project: dict[str, Any], dtu_jira: Any
) -> None:
    admin_webhook(http, receiver.url(), ["jira:issue_created"])
    receiver.fail_with = [400]
    jira.create_issue(project="DTU", summary="no retry", issuetype={"name": "Task"})
    receiver.wait_for(of("jira:issue_created"))
    dtu_jira.advance_clock(3600)
    receiver.settle()
    assert len(receiver.matching(of("jira:issue_created"))) == 1


def test_secret_signs_deliveries(jira: JIRA, http: httpx.Client, receiver: Receiver, project: dict[str, Any]) -> None:
    admin_webhook(http, receiver.url(), ["jira:issue_created"], secret="s3cr3t")
    jira.create_issue(project="DTU", summary="signed", issuetype={"name": "Task"})
    delivery = receiver.wait_for(of("jira:issue_created"))[0]
    expected = "sha256=" + hmac.new(b"s3cr3t", delivery.body, hashlib.sha256).hexdigest()
    assert delivery.headers["x-hub-signature"] == expected


def test_exclude_body(jira: JIRA, http: httpx.Client, receiver: Receiver, project: dict[str, Any]) -> None:
    admin_webhook(http, receiver.url(), ["jira:issue_created"], excludeBody=True)
    jira.create_issue(project="DTU", summary="bodiless", issuetype={"name": "Task"})
    assert receiver.wait_for(lambda r: True)[0].body == b""


# -- dynamic webhooks ---------------------------------------------------------------------------


def test_dynamic_webhooks_are_for_apps_only(http: httpx.Client) -> None:
    refused = http.get("/rest/api/3/webhook")
    assert refused.status_code == 403 and refused.json()["errorMessages"]


def test_dynamic_webhooks_register_list_refresh_delete(
    jira: JIRA, app_http: httpx.Client, receiver: Receiver, project: dict[str, Any], dtu_jira: Any
) -> None:
    registered = app_http.post(
        "/rest/api/3/webhook",
        json={
            "url": receiver.url("app"),
            "webhooks": [
                {"events": ["jira:issue_created", "jira:issue_updated"], "jqlFilter": "project = DTU"},
                {"events": ["jira:issue_created"], "jqlFilter": "watchCount > 1"},
                {"events": ["jira:issue_updated"], "jqlFilter": "issuetype = Bug", "fieldIdsFilter": ["priority"]},
            ],
        },
    )
    assert registered.status_code == 200
    results = registered.json()["webhookRegistrationResult"]
    assert "createdWebhookId" in results[0] and "createdWebhookId" in results[2]
    assert results[1] == {"errors": ["The clause watchCount is unsupported"]}
    first, third = results[0]["createdWebhookId"], results[2]["createdWebhookId"]

    page = app_http.get("/rest/api/3/webhook", params={"maxResults": 1}).json()
    assert (page["total"], page["isLast"], len(page["values"])) == (2, False, 1)
    listed = app_http.get("/rest/api/3/webhook").json()["values"]
    assert listed[0]["id"] == first and listed[0]["jqlFilter"] == "project = DTU"
    assert listed[1]["fieldIdsFilter"] == ["priority"]
    assert listed[0]["expirationDate"] - int(time.time() * 1000) > 29 * 24 * 3600 * 1000

    bug = jira.create_issue(project="DTU", summary="dynamic", issuetype={"name": "Bug"})
    delivered = receiver.wait_for(of("jira:issue_created"))[0].payload
    assert delivered["matchedWebhookIds"] == [first]
    bug.update(summary="no priority change")
    update = receiver.wait_for(of("jira:issue_updated"))[0].payload
    assert update["matchedWebhookIds"] == [first]  # fieldIdsFilter: only priority changes reach the third
    bug.update(priority={"name": "High"})
    both = receiver.wait_for(of("jira:issue_updated"), count=2)[1].payload
    assert sorted(both["matchedWebhookIds"]) == sorted([first, third])

    dtu_jira.advance_clock(20 * 24 * 3600)
    refreshed = app_http.put("/rest/api/3/webhook/refresh", json={"webhookIds": [first]})
    assert refreshed.status_code == 200 and isinstance(refreshed.json()["expirationDate"], int)
    dtu_jira.advance_clock(15 * 24 * 3600)  # the unrefreshed webhook has expired, the refreshed one lives
    before = len(receiver.matching())
    bug.update(priority={"name": "Low"})
    late = receiver.wait_for(lambda r: True, count=before + 1)[-1].payload
    assert late["matchedWebhookIds"] == [first]

    gone = app_http.request("DELETE", "/rest/api/3/webhook", json={"webhookIds": [first, third]})
    assert gone.status_code == 202
    assert app_http.get("/rest/api/3/webhook").json()["values"] == []
    bad = app_http.request("DELETE", "/rest/api/3/webhook", json={})
    assert bad.status_code == 400


def test_failed_webhooks_are_listed(
    jira: JIRA, app_http: httpx.Client, receiver: Receiver, project: dict[str, Any], dtu_jira: Any
) -> None:
    app_http.post(
        "/rest/api/3/webhook",
        json={
            "url": receiver.url("app"),
            "webhooks": [{"events": ["jira:issue_created"], "jqlFilter": "project = DTU"}],
        },
    ).raise_for_status()
    receiver.fail_with = [500] * 6  # the first attempt and five retries
    jira.create_issue(project="DTU", summary="never lands", issuetype={"name": "Task"})
    receiver.wait_for(lambda r: True)
    wait_advancing(receiver, dtu_jira, 6, 1000)
    deadline = time.monotonic() + 10
    while True:
        failed = app_http.get("/rest/api/3/webhook/failed").json()
        if failed["values"] or time.monotonic() > deadline:
            break
        time.sleep(0.05)
    assert len(receiver.matching()) == 6
    [entry] = failed["values"]
    sent: Received = receiver.matching()[0]
    assert entry["id"] == sent.headers["x-atlassian-webhook-identifier"]
    assert entry["url"] == receiver.url("app") and entry["body"] == sent.body.decode()
    assert failed["maxResults"] == 100 and f"failedAfter={entry['failureTime']}" in failed["next"]
    later = app_http.get(failed["next"].removeprefix(dtu_jira.url)).json()
    assert later["values"] == [] and "next" not in later
