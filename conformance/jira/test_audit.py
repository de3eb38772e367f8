"""The audit log (`GET /rest/api/3/auditing/record`): project, user and group changes as Jira's
audit records, newest first, with offset/limit, `filter` words and from/to bounds."""

from __future__ import annotations

from typing import Any

import httpx
from jira import JIRA

from conformance.jira.conftest import create_project


def records(http: httpx.Client, **params: Any) -> dict[str, Any]:
    response = http.get("/rest/api/3/auditing/record", params=params)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def test_changes_are_audited(jira: JIRA, http: httpx.Client, dtu_jira: Any) -> None:
    create_project(jira, "AUD", "Audited")
    http.put("/rest/api/3/project/AUD", json={"name": "Audited twice"}).raise_for_status()
    http.post("/rest/api/3/group", json={"name": "auditors"}).raise_for_status()
    http.post(
        "/rest/api/3/group/user", params={"groupname": "auditors"}, json={"accountId": dtu_jira.member_account_id}
    ).raise_for_status()
    user = http.post("/rest/api/3/user", json={"emailAddress": "audited@example.com"}).json()
    http.delete("/rest/api/3/project/AUD").raise_for_status()

    body = records(http)
    assert (body["offset"], body["limit"], body["total"]) == (0, 1000, 6)
    summaries = [r["summary"] for r in body["records"]]
    assert summaries == [
        "Project deleted",
        "User created",
        "User added to group",
        "Group created",
        "Project updated",
        "Project created",
    ]
    created = body["records"][-1]
    assert created["category"] == "projects" and created["objectItem"]["typeName"] == "PROJECT"
    assert created["objectItem"]["name"] == "Audited" and created["authorAccountId"] == dtu_jira.account_id
    assert {"fieldName": "Key", "changedTo": "AUD"} in created["changedValues"]
    assert created["remoteAddress"] == "127.0.0.1" and created["created"].endswith("+0000")
    updated = body["records"][-2]
    assert updated["changedValues"] == [{"fieldName": "Name", "changedFrom": "Audited", "changedTo": "Audited twice"}]
    joined = body["records"][2]
    assert joined["category"] == "group management"
    assert joined["objectItem"] == {
        "id": dtu_jira.member_account_id,
        "name": dtu_jira.member_account_id,
        "typeName": "USER",
        "parentId": "1",
        "parentName": "Jira Internal Directory",
    }
    assert joined["associatedItems"][0]["name"] == "auditors"
    assert body["records"][1]["objectItem"]["id"] == user["accountId"]


def test_paging_filter_and_dates(jira: JIRA, http: httpx.Client, dtu_jira: Any) -> None:
    for key in ("AA", "BB", "CC"):
        create_project(jira, key)
    page = records(http, offset=1, limit=1)
    assert (page["offset"], page["limit"], page["total"]) == (1, 1, 3)
    assert page["records"][0]["objectItem"]["name"] == "Project BB"
    # Every filter word must match some field (summary, category, object name ...).
    assert records(http, filter="proj BB")["total"] == 1
    assert records(http, filter="group")["total"] == 0
    newest = records(http)["records"][0]["created"]
    dtu_jira.advance_clock(3600)
    create_project(jira, "DD")
    later = records(http, **{"from": "2000-01-01T00:00:00.000+0000", "to": newest})
    assert later["total"] == 3
    assert records(http, **{"from": newest})["total"] >= 1
    bad = http.get("/rest/api/3/auditing/record", params={"from": "yesterday-ish"})
    assert bad.status_code == 400
