"""JQL search through the `jira` library (Cloud: /search/jql with nextPageToken) and /search over HTTP."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from jira import JIRA, JIRAError

from conformance.jira.conftest import create_project


@pytest.fixture
def seeded(jira: JIRA, project: dict[str, Any], dtu_jira: Any) -> dict[str, Any]:
    """DTU-1..DTU-5 with varied fields, plus OPS-1 in a second project."""
    create_project(jira, "OPS", "Operations")
    a = jira.create_issue(
        project="DTU",
        summary="Login page crashes",
        issuetype={"name": "Bug"},
        labels=["frontend", "urgent"],
        priority={"name": "Highest"},
        description="Stack trace attached when running the login flow",
    )
    b = jira.create_issue(
        project="DTU",
        summary="Write onboarding docs",
        issuetype={"name": "Task"},
        labels=["docs"],
        priority={"name": "Low"},
    )
    c = jira.create_issue(project="DTU", summary="Refactor search", issuetype={"name": "Story"}, duedate="2030-01-15")
    d = jira.create_issue(project="DTU", summary="Tune database indexes", issuetype={"name": "Task"})
    e = jira.create_issue(project="DTU", summary="Remove dead code", issuetype={"name": "Task"}, labels=["cleanup"])
    ops = jira.create_issue(project="OPS", summary="Rotate keys", issuetype={"name": "Task"})
    jira.assign_issue(a.key, dtu_jira.account_id)
    jira.assign_issue(b.key, dtu_jira.member_account_id)
    jira.transition_issue(c, "In Progress")
    jira.transition_issue(d, "Done")
    jira.add_comment(e.key, "Consider the legacy billing module")
    return {"a": a.key, "b": b.key, "c": c.key, "d": d.key, "e": e.key, "ops": ops.key}


def keys(jira: JIRA, jql: str) -> list[str]:
    return [issue.key for issue in jira.search_issues(jql, maxResults=False)]


def test_basic_operators(jira: JIRA, seeded: dict[str, Any]) -> None:
    assert keys(jira, "project = DTU ORDER BY key ASC") == ["DTU-1", "DTU-2", "DTU-3", "DTU-4", "DTU-5"]
    assert keys(jira, "project = OPS") == ["OPS-1"]
    assert keys(jira, "project in (DTU, OPS) AND issuetype = Bug") == ["DTU-1"]
    assert keys(jira, 'status = "In Progress"') == ["DTU-3"]
    assert keys(jira, "statusCategory = Done") == ["DTU-4"]
    assert keys(jira, "statusCategory != Done AND project = DTU ORDER BY key") == ["DTU-1", "DTU-2", "DTU-3", "DTU-5"]
    assert keys(jira, "resolution = Unresolved AND project = DTU ORDER BY key DESC") == [
        "DTU-5",
        "DTU-3",
        "DTU-2",
        "DTU-1",
    ]
    assert keys(jira, "resolution IS NOT EMPTY") == ["DTU-4"]
    assert keys(jira, "labels = urgent") == ["DTU-1"]
    assert keys(jira, "labels in (docs, cleanup) ORDER BY key") == ["DTU-2", "DTU-5"]
    assert keys(jira, "project = DTU AND labels IS EMPTY ORDER BY key") == ["DTU-3", "DTU-4"]
    assert keys(jira, "key = DTU-2") == ["DTU-2"]
    assert keys(jira, "key > DTU-3 ORDER BY key") == ["DTU-4", "DTU-5"]
    assert keys(jira, "priority >= High ORDER BY key") == ["DTU-1"]
    assert keys(jira, "priority = Medium AND project = DTU ORDER BY key") == ["DTU-3", "DTU-4", "DTU-5"]
    assert keys(jira, "project = DTU AND NOT (labels IS EMPTY) AND key != DTU-1 ORDER BY key") == ["DTU-2", "DTU-5"]
    assert keys(jira, "duedate > 2030-01-01") == ["DTU-3"]


def test_users_and_functions(jira: JIRA, seeded: dict[str, Any], dtu_jira: Any) -> None:
    assert keys(jira, "assignee = currentUser()") == ["DTU-1"]
    assert keys(jira, f"assignee = {dtu_jira.member_account_id}") == ["DTU-2"]
    assert keys(jira, "assignee IS EMPTY AND project = DTU ORDER BY key") == ["DTU-3", "DTU-4", "DTU-5"]
    assert keys(jira, "reporter = currentUser() AND project = OPS") == ["OPS-1"]
    assert len(keys(jira, "created >= -1d")) == 6
    assert keys(jira, "created < -1d") == []
    assert len(keys(jira, "created > startOfDay(-1d) AND updated <= now()")) == 6
    assert keys(jira, "resolutiondate >= startOfDay()") == ["DTU-4"]


def test_text_search(jira: JIRA, seeded: dict[str, Any]) -> None:
    assert keys(jira, 'summary ~ "crash"') == ["DTU-1"]  # stemmed: crashes
    assert keys(jira, 'text ~ "legacy billing"') == ["DTU-5"]  # comments are text
    assert keys(jira, 'description ~ "login"') == ["DTU-1"]
    assert keys(jira, 'summary ~ "refac*"') == ["DTU-3"]
    assert keys(jira, 'project = DTU AND summary !~ "docs" ORDER BY key') == ["DTU-1", "DTU-3", "DTU-4", "DTU-5"]


def test_was_uses_history(jira: JIRA, seeded: dict[str, Any]) -> None:
    assert keys(jira, 'status WAS "To Do" AND project = DTU ORDER BY key') == [
        "DTU-1",
        "DTU-2",
        "DTU-3",
        "DTU-4",
        "DTU-5",
    ]
    assert keys(jira, 'status WAS "In Progress"') == ["DTU-3"]
    assert keys(jira, 'status WAS IN (Done, "In Progress") ORDER BY key') == ["DTU-3", "DTU-4"]
    assert keys(jira, 'project = DTU AND status WAS NOT "To Do"') == []


def test_order_by(jira: JIRA, seeded: dict[str, Any]) -> None:
    assert keys(jira, "project = DTU ORDER BY priority DESC, key ASC") == ["DTU-1", "DTU-3", "DTU-4", "DTU-5", "DTU-2"]
    assert keys(jira, "project = DTU ORDER BY created DESC")[0] == "DTU-5"
    assert keys(jira, "project = DTU ORDER BY duedate ASC")[0] == "DTU-3"


def test_custom_field_clauses(jira: JIRA, seeded: dict[str, Any], http: httpx.Client) -> None:
    prefix = "com.atlassian.jira.plugin.system.customfieldtypes:"
    field = http.post("/rest/api/2/field", json={"name": "Story Points", "type": prefix + "float"}).json()
    jira.issue(seeded["a"]).update(fields={field["id"]: 5})
    jira.issue(seeded["b"]).update(fields={field["id"]: 2})
    number = field["id"].removeprefix("customfield_")
    assert keys(jira, f"cf[{number}] > 3") == ["DTU-1"]
    assert keys(jira, '"Story Points" <= 2') == ["DTU-2"]
    assert keys(jira, f"cf[{number}] IS NOT EMPTY ORDER BY cf[{number}] ASC") == ["DTU-2", "DTU-1"]


def test_next_page_token_paging(jira: JIRA, seeded: dict[str, Any]) -> None:
    first = jira.enhanced_search_issues("project = DTU ORDER BY key", maxResults=2, json_result=True)
    assert [i["key"] for i in first["issues"]] == ["DTU-1", "DTU-2"]
    assert first["isLast"] is False and first["nextPageToken"]
    second = jira.enhanced_search_issues(
        "project = DTU ORDER BY key", maxResults=2, nextPageToken=first["nextPageToken"], json_result=True
    )
    assert [i["key"] for i in second["issues"]] == ["DTU-3", "DTU-4"]
    everything = jira.enhanced_search_issues("project = DTU ORDER BY key", maxResults=0)
    assert [i.key for i in everything] == ["DTU-1", "DTU-2", "DTU-3", "DTU-4", "DTU-5"]
    posted = jira.enhanced_search_issues("project = DTU ORDER BY key", maxResults=10, use_post=True)
    assert len(posted) == 5


def test_search_jql_default_fields_are_ids(http: httpx.Client, seeded: dict[str, Any]) -> None:
    body = http.get("/rest/api/3/search/jql", params={"jql": "project = OPS"}).json()
    assert body["issues"] == [{"id": body["issues"][0]["id"]}] and body["isLast"] is True
    unbounded = http.get("/rest/api/3/search/jql", params={"jql": "order by created"})
    assert unbounded.status_code == 400
    assert unbounded.json()["errorMessages"] == [
        "Unbounded JQL queries are not allowed here. Please add a search restriction to your query."
    ]


def test_offset_search(http: httpx.Client, seeded: dict[str, Any]) -> None:
    body = http.get(
        "/rest/api/2/search", params={"jql": "project = DTU ORDER BY key", "startAt": 1, "maxResults": 2}
    ).json()
    assert body["total"] == 5 and body["startAt"] == 1 and body["maxResults"] == 2
    assert [i["key"] for i in body["issues"]] == ["DTU-2", "DTU-3"]
    assert "comment" not in body["issues"][0]["fields"]  # /search defaults to *navigable
    posted = http.post(
        "/rest/api/3/search", json={"jql": "labels = urgent", "fields": ["summary"], "expand": ["names"]}
    ).json()
    assert posted["issues"][0]["fields"] == {"summary": "Login page crashes"}
    assert posted["names"]["summary"] == "Summary"
    assert http.post("/rest/api/3/search/approximate-count", json={"jql": "project = DTU"}).json() == {"count": 5}


def test_invalid_jql_messages(jira: JIRA, http: httpx.Client, seeded: dict[str, Any]) -> None:
    with pytest.raises(JIRAError) as caught:
        jira.search_issues("invalid query")
    assert caught.value.status_code == 400
    assert caught.value.text == (
        "Error in the JQL Query: Expecting operator but got 'query'. The valid operators are '=', '!=', '<', '>', "
        "'<=', '>=', '~', '!~', 'IN', 'NOT IN', 'IS' and 'IS NOT'. (line 1, character 9)"
    )
    cases = {
        "foo = bar": "Field 'foo' does not exist or you do not have permission to view it.",
        "project = NOPE": "The value 'NOPE' does not exist for the field 'project'.",
        "status = Sideways": "The value 'Sideways' does not exist for the field 'status'.",
        "key = DTU-999": "An issue with key 'DTU-999' does not exist for field 'key'.",
        "summary = x": "The operator '=' is not supported by the 'summary' field.",
        "created > someday": "Date value 'someday' for field 'created' is invalid. Valid formats include: "
        "'yyyy/MM/dd HH:mm', 'yyyy-MM-dd HH:mm', 'yyyy/MM/dd', 'yyyy-MM-dd', or a period format e.g. '-5d', '4w 2d'.",
        "assignee = nobodyFn()": "Unable to find JQL function 'nobodyFn()'.",
        'summary ~ "open': "Error in the JQL Query: The quoted string 'open' has not been completed. "
        "(line 1, character 11)",
        "project = DTU project": "Error in the JQL Query: Expecting either 'OR' or 'AND' but got 'project'. "
        "(line 1, character 15)",
    }
    for jql, message in cases.items():
        response = http.get("/rest/api/3/search/jql", params={"jql": jql, "fields": "summary"})
        assert response.status_code == 400, jql
        assert response.json()["errorMessages"] == [message], jql


def test_renamed_project_old_key_in_jql(jira: JIRA, seeded: dict[str, Any], http: httpx.Client) -> None:
    http.put("/rest/api/2/project/DTU", json={"key": "TWIN"})
    assert keys(jira, "project = DTU ORDER BY key")[0] == "TWIN-1"
    assert keys(jira, "key = DTU-2") == ["TWIN-2"]
