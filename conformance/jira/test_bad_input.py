"""Bad input gets Jira's 4xx envelope, never a 500."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

CASES: list[tuple[str, str, Any]] = [
    ("POST", "/rest/api/2/issue", [1, 2]),
    ("POST", "/rest/api/2/issue", {"fields": "nope"}),
    ("POST", "/rest/api/2/issue", {"fields": {"project": "DTU", "issuetype": 7, "summary": 5}}),
    (
        "POST",
        "/rest/api/2/issue",
        {
            "fields": {
                "project": {"key": "DTU"},
                "issuetype": {"id": "10001"},
                "summary": "x",
                "labels": "a",
                "duedate": "tomorrow",
                "assignee": {"accountId": "ghost"},
                "priority": {"name": "Urgent"},
            }
        },
    ),
    (
        "POST",
        "/rest/api/2/issue",
        {
            "fields": {"project": {"key": "DTU"}, "issuetype": {"id": "10001"}, "summary": "x"},
            "update": {"labels": "add"},
        },
    ),
    ("POST", "/rest/api/2/issue/bulk", {"issueUpdates": "x"}),
    ("PUT", "/rest/api/2/issue/DTU-1", {"update": {"labels": [{"explode": "x"}, "y"]}}),
    ("POST", "/rest/api/2/issue/DTU-1/transitions", {"transition": "31"}),
    ("POST", "/rest/api/2/issue/DTU-1/transitions", {"transition": {"id": "31"}, "update": {"comment": "x"}}),
    ("POST", "/rest/api/2/issue/DTU-1/comment", {"body": {"not": "text"}}),
    ("POST", "/rest/api/3/issue/DTU-1/comment", {"body": "plain"}),
    ("POST", "/rest/api/2/issue/DTU-1/worklog", {"timeSpentSeconds": "abc"}),
    ("POST", "/rest/api/2/issue/DTU-1/worklog", {"timeSpent": "1h", "started": "yesterday"}),
    ("POST", "/rest/api/2/issue/DTU-1/watchers", {"accountId": 1}),
    ("POST", "/rest/api/2/issueLink", {"type": "Blocks"}),
    ("GET", "/rest/api/2/search?startAt=abc&jql=project%3DDTU", None),
    ("GET", "/rest/api/2/search/jql?jql=project%3DDTU&nextPageToken=garbage", None),
    ("GET", "/rest/api/2/search/jql?jql=((((", None),
    # Nesting deep enough to exhaust a recursive parser's stack once answered 500.
    ("GET", "/rest/api/2/search/jql?jql=" + "(" * 3000 + "summary ~ x" + ")" * 3000, None),
    ("GET", "/rest/api/2/search/jql?jql=" + "NOT " * 3000 + "summary ~ x", None),
    ("GET", "/rest/api/2/search/jql?jql=summary%20~%20EMPTY", None),
    ("GET", "/rest/api/2/search/jql?jql=labels%20%3E%20x", None),
    ("GET", "/rest/api/2/search/jql?jql=created%20%3E%20startOfDay(banana)", None),
    ("GET", "/rest/api/2/project/search?maxResults=-5&startAt=x", None),
    ("POST", "/rest/api/2/project", {"key": 5, "name": ["x"]}),
    ("PUT", "/rest/api/2/project/DTU", {"key": "lower"}),
    ("POST", "/rest/api/2/field", {"name": "x", "type": "bogus"}),
]


@pytest.mark.parametrize(("method", "path", "body"), CASES)
def test_bad_input_is_a_4xx_envelope(
    method: str, path: str, body: Any, http: httpx.Client, project: dict[str, Any]
) -> None:
    http.post(
        "/rest/api/2/issue",
        json={"fields": {"project": {"key": "DTU"}, "issuetype": {"name": "Task"}, "summary": "Target"}},
    )
    response = http.request(method, path, json=body) if body is not None else http.request(method, path)
    assert 400 <= response.status_code < 500, (response.status_code, response.text)
    envelope = response.json()
    assert isinstance(envelope["errorMessages"], list) and isinstance(envelope["errors"], dict)
    assert envelope["errorMessages"] or envelope["errors"]


def test_not_json_body(http: httpx.Client, project: dict[str, Any]) -> None:
    response = http.post("/rest/api/2/issue", content=b"{not json", headers={"Content-Type": "application/json"})
    assert response.status_code == 400 and response.json()["errorMessages"]


def test_unknown_path_and_method(http: httpx.Client) -> None:
    assert http.get("/rest/api/2/nothing-here").status_code == 404
    assert http.patch("/rest/api/2/myself").status_code == 405


@pytest.mark.parametrize(
    "document",
    [
        {"projects": [{"key": "BAD", "name": "Bad", "lead": "nobody@example.test"}]},
        {"users": "not a list"},
        {"issues": [{"project": "DTU", "summary": "x", "status": "No Such Status"}]},
    ],
)
def test_a_bad_seed_is_a_400_of_the_control_plane(document: dict[str, Any], dtu_jira: Any) -> None:
    response = dtu_jira.control("POST", "/seed", json=document)
    assert response.status_code == 400, response.text
    assert response.json()["error"]  # the twin's message, e.g. "seed: unknown user 'nobody@example.test'"
