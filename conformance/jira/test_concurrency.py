"""Concurrent transitions of one issue leave a consistent status and changelog: every accepted
transition is one changelog entry, the entries chain (each `from` is the previous `to`), and the
issue's status is the last entry's `to`. Refused ones (the issue already had that status) change nothing."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from itertools import pairwise
from typing import Any

import httpx
from jira import JIRA

TRANSITIONS = {"11": "10000", "21": "3", "31": "10001"}  # to To Do, In Progress, Done


def test_parallel_transitions_are_serialised(jira: JIRA, project: dict[str, Any], dtu_jira: Any) -> None:
    issue = jira.create_issue(project="DTU", summary="contended", issuetype={"name": "Task"})
    chosen = [["21", "31", "11"][n % 3] for n in range(20)]

    def move(transition: str) -> int:
        with httpx.Client(base_url=dtu_jira.url, auth=(dtu_jira.email, dtu_jira.api_token), timeout=30) as c:
            response = c.post(f"/rest/api/2/issue/{issue.key}/transitions", json={"transition": {"id": transition}})
            return response.status_code

    with ThreadPoolExecutor(max_workers=20) as pool:
        statuses = list(pool.map(move, chosen))
    assert set(statuses) <= {204, 400}
    accepted = statuses.count(204)
    assert accepted >= 1

    with httpx.Client(base_url=dtu_jira.url, auth=(dtu_jira.email, dtu_jira.api_token), timeout=30) as c:
        histories = c.get(f"/rest/api/2/issue/{issue.key}/changelog").json()["values"]
        current = c.get(f"/rest/api/2/issue/{issue.key}", params={"fields": "status,resolution"}).json()["fields"]
    moves = [item for h in histories for item in h["items"] if item["field"] == "status"]
    assert len(moves) == accepted
    assert moves[0]["from"] == "10000"
    for before, after in pairwise(moves):
        assert after["from"] == before["to"] and after["from"] != after["to"]
    assert current["status"]["id"] == moves[-1]["to"]
    assert (current["resolution"] is not None) == (current["status"]["id"] == "10001")
    ids = [int(h["id"]) for h in histories]
    assert ids == sorted(ids) and len(set(ids)) == len(ids)
