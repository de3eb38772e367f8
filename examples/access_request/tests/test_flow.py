"""Approve -> access in Okta, Drive, Slack and an audit line in Jira; Done -> all of it revoked,
the requester's Okta sessions included. Observed through the official SDKs and the twins' journals."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import subprocess
import sys
from pathlib import Path
from typing import Any

import httpx
import pytest
from okta.client import Client as OktaClient

from examples.access_request.tests.conftest import PASSWORD, Service, World, wait_for

ROOT = Path(__file__).resolve().parents[3]


def okta_session(world: World) -> str:
    """The requester signs in (Authentication API at the org's URL) and gets an Okta session."""
    authn = httpx.post(
        f"{world.okta.org_issuer}/api/v1/authn", json={"username": world.email, "password": PASSWORD}, timeout=30.0
    )
    assert authn.status_code == 200, authn.text
    created = world.okta_http.post("/api/v1/sessions", json={"sessionToken": authn.json()["sessionToken"]})
    assert created.status_code == 200, created.text
    session_id: str = created.json()["id"]
    return session_id


async def member_ids_through_sdk(world: World) -> set[str]:
    config = {
        "orgUrl": world.okta.org_url,
        "token": world.okta.api_token,
        "cache": {"enabled": False},
    }
    async with OktaClient(config) as okta:
        users, _, err = await okta.list_group_users(world.okta_group)
        assert err is None, err
        return {u.id for u in users}


def test_approve_grants_and_done_revokes(world: World, service: Service, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OKTA_TESTING_TESTINGDISABLEHTTPSCHECK", "true")  # the okta SDK refuses http otherwise
    health = service.http.get("/health").json()
    assert health["status"] == "ok" and health["project"] == "ACC" and health["approved_status_available"] is True

    ticket = world.request()
    session_id = okta_session(world)
    world.jira_lib.transition_issue(ticket, "Approved")
    jobs = service.settled(1)
    assert [j["state"] for j in jobs] == ["done"], jobs

    assert world.okta_user in asyncio.run(member_ids_through_sdk(world))
    assert world.email in world.folder_emails()
    granted = [t for t in world.channel_texts() if "granted" in t]
    assert len(granted) == 1 and "analytics-db" in granted[0] and ticket.key in granted[0]
    (audit,) = world.comments(ticket.key)
    assert "Access granted for " + world.email in audit and "added to Okta group db-access" in audit
    assert "project ACC" in audit and '"Analytics DB" shared (reader)' in audit

    world.jira_lib.transition_issue(ticket, "Done")
    jobs = service.settled(2)
    assert [j["state"] for j in jobs] == ["done", "done"], jobs

    assert world.okta_user not in asyncio.run(member_ids_through_sdk(world))
    assert world.email not in world.folder_emails()
    assert world.okta_http.get(f"/api/v1/sessions/{session_id}").status_code == 404
    cleared = world.okta.journal(operation="revokeUserSessions")
    assert [(e["method"], e["status"]) for e in cleared] == [("DELETE", 204)]
    assert "oauthTokens=true" in cleared[0]["query"] and world.okta_user in cleared[0]["path"]
    assert len([t for t in world.channel_texts() if "revoked" in t]) == 1
    comments = world.comments(ticket.key)
    assert len(comments) == 2 and "Access revoked for " + world.email in comments[1]
    assert "Okta sessions and OAuth tokens revoked" in comments[1]


def test_the_audit_line_names_the_project_key_of_today(world: World, service: Service) -> None:
    ticket = world.request()
    renamed = world.jira_lib._session.put(world.jira_lib._get_url(f"project/{world.project_id}"), json={"key": "ACX"})
    assert renamed.status_code == 200, renamed.text
    world.jira_lib.transition_issue(ticket.id, "Approved")
    assert [j["state"] for j in service.settled(1)] == ["done"]
    (audit,) = world.comments(ticket.id)
    assert "project ACX" in audit and "request ACX-" in audit


def test_a_ticket_done_without_approval_revokes_nothing(world: World, service: Service) -> None:
    world.okta_http.put(f"/api/v1/groups/{world.okta_group}/users/{world.okta_user}").raise_for_status()
    ticket = world.request()
    world.jira_lib.transition_issue(ticket, "Done")
    (job,) = service.settled(1)
    assert job["state"] == "skipped" and "never approved" in job["note"]
    assert world.okta_user in world.group_member_ids()  # membership from elsewhere is left alone
    assert world.comments(ticket.key) == []


def test_an_unknown_requester_is_reported_on_the_ticket(world: World, service: Service) -> None:
    with httpx.Client(base_url=world.jira.url, auth=(world.jira.email, world.jira.api_token)) as http:
        stranger = http.post("/rest/api/3/user", json={"emailAddress": "nobody@elsewhere.test", "products": []})
    assert stranger.status_code == 201, stranger.text
    ticket = world.jira_lib.create_issue(
        project="ACC",
        summary="analytics database please",
        issuetype={"name": "Task"},
        reporter={"accountId": stranger.json()["accountId"]},
    )
    world.jira_lib.transition_issue(ticket, "Approved")
    (job,) = service.settled(1)
    assert job["state"] == "failed"
    assert job["steps"]["okta_group"].startswith("FAILED") and "no Okta user" in job["steps"]["okta_group"]
    (audit,) = world.comments(ticket.key)
    assert "FAILED okta_group" in audit
    assert world.group_member_ids() == set()


def test_health_is_503_until_the_project_exists(world: World) -> None:
    running = Service(world.env(ACCESS_PROJECT="LATE"))
    running._thread.start()
    try:
        first = wait_for(lambda: _answer(running), 10.0, "an answer")
        assert first.status_code == 503 and first.json()["status"] == "starting"
        assert "LATE" in first.json()["error"]
        with httpx.Client(base_url=world.jira.url, auth=(world.jira.email, world.jira.api_token)) as http:
            created = http.post(
                "/rest/api/2/project",
                json={
                    "key": "LATE",
                    "name": "Late",
                    "projectTypeKey": "software",
                    "leadAccountId": world.jira.account_id,
                },
            )
        assert created.status_code == 201, created.text
        wait_for(lambda: running._healthy(), 15.0, "healthy")
    finally:
        running.stop()


def _answer(running: Service) -> Any:
    try:
        return running.http.get("/health")
    except httpx.TransportError:
        return None


def test_python_m_serves_and_unregisters_its_webhook_on_exit(world: World) -> None:
    """The way a scenario starts it: `python -m examples.access_request` with `dtu env`'s variables."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = {**os.environ, **world.env(ACCESS_PORT=str(port))}
    process = subprocess.Popen([sys.executable, "-m", "examples.access_request"], cwd=ROOT, env=env)
    try:
        health = wait_for(lambda: _ok(f"http://127.0.0.1:{port}/health"), 40.0, "the service's /health")
        assert health["webhook"].startswith(world.jira.url + "/rest/webhooks/1.0/webhook/")
        with httpx.Client(base_url=world.jira.url, auth=(world.jira.email, world.jira.api_token)) as http:
            hooks = http.get("/rest/webhooks/1.0/webhook").json()
            assert [(h["url"], h["events"]) for h in hooks] == [
                (f"http://127.0.0.1:{port}/jira/webhook", ["jira:issue_updated"])
            ]
            assert hooks[0]["filters"]["issue-related-events-section"] == f"project = {world.project_id}"
            process.send_signal(signal.SIGTERM)
            # uvicorn shuts down gracefully, then re-raises the signal it caught (exit status -SIGTERM).
            assert process.wait(20) in (0, -signal.SIGTERM)
            assert http.get("/rest/webhooks/1.0/webhook").json() == []
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()


def _ok(url: str) -> dict[str, Any] | None:
    try:
        response = httpx.get(url, timeout=2.0)
    except httpx.TransportError:
        return None
    body: dict[str, Any] = response.json()
    return body if response.status_code == 200 else None
