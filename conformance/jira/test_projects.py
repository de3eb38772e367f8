"""Projects through the `jira` library: create, read, list, search pages, update, rename key, delete."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from jira import JIRA, JIRAError

from conformance.jira.conftest import create_project


def test_create_returns_numeric_id_and_self(jira: JIRA, dtu_jira: Any) -> None:
    created = create_project(jira, "ALPHA", "Alpha")
    assert set(created) == {"self", "id", "key"}
    assert isinstance(created["id"], int) and created["id"] >= 10000
    assert created["key"] == "ALPHA"
    assert created["self"].endswith(f"/rest/api/2/project/{created['id']}")


def test_get_by_key_and_id(jira: JIRA, project: dict[str, Any], dtu_jira: Any) -> None:
    by_key = jira.project("DTU")
    by_id = jira.project(str(project["id"]))
    assert by_key.id == by_id.id == str(project["id"])
    assert by_key.name == "Digital Twin Universe"
    assert by_key.lead.accountId == dtu_jira.account_id
    assert {t.name for t in by_key.issueTypes} >= {"Task", "Bug", "Story", "Subtask", "Epic"}
    assert by_key.projectTypeKey == "software"
    assert jira.project("dtu").key == "DTU"  # keys are case-insensitive


def test_unknown_project_is_404_with_jira_message(jira: JIRA) -> None:
    with pytest.raises(JIRAError) as caught:
        jira.project("NOPE")
    assert caught.value.status_code == 404
    assert caught.value.text == "No project could be found with key 'NOPE'."


def test_validation_errors(jira: JIRA, project: dict[str, Any], http: httpx.Client) -> None:
    base = {"projectTypeKey": "software", "leadAccountId": jira.current_user()}
    duplicate = http.post("/rest/api/3/project", json={**base, "key": "DTU", "name": "Another"})
    assert duplicate.status_code == 400
    assert duplicate.json()["errors"] == {"projectKey": "Project 'Digital Twin Universe' uses this project key."}
    bad = http.post("/rest/api/3/project", json={**base, "key": "1abc", "name": "Digital Twin Universe"})
    assert bad.status_code == 400
    errors = bad.json()["errors"]
    assert errors["projectKey"].startswith("Project keys must start with an uppercase letter")
    assert errors["projectName"] == "A project with that name already exists."
    long = http.post("/rest/api/3/project", json={**base, "key": "ABCDEFGHIJK", "name": "Long"})
    assert long.json()["errors"] == {"projectKey": "The project key must not exceed 10 characters in length."}


def test_list_and_search_pages(jira: JIRA, http: httpx.Client) -> None:
    for key in ("PA", "PB", "PC", "PD", "PE"):
        create_project(jira, key, f"Name {key}")
    assert [p.key for p in jira.projects()] == ["PA", "PB", "PC", "PD", "PE"]
    first = http.get("/rest/api/3/project/search", params={"maxResults": 2}).json()
    assert first["total"] == 5 and first["startAt"] == 0 and first["maxResults"] == 2
    assert first["isLast"] is False and "startAt=2" in first["nextPage"]
    assert [p["key"] for p in first["values"]] == ["PA", "PB"]
    last = http.get("/rest/api/3/project/search", params={"startAt": 4, "maxResults": 2}).json()
    assert last["isLast"] is True and "nextPage" not in last
    assert [p["key"] for p in last["values"]] == ["PE"]
    found = http.get("/rest/api/3/project/search", params={"query": "name pc"}).json()
    assert [p["key"] for p in found["values"]] == ["PC"]
    newest_first = http.get("/rest/api/3/project/search", params={"orderBy": "-key"}).json()
    assert newest_first["values"][0]["key"] == "PE"


def test_update_name_and_description(jira: JIRA, project: dict[str, Any], http: httpx.Client) -> None:
    response = http.put("/rest/api/2/project/DTU", json={"name": "Renamed", "description": "About"})
    assert response.status_code == 200
    assert response.json()["name"] == "Renamed"
    fetched = jira.project("DTU", expand="description")
    assert fetched.name == "Renamed" and fetched.description == "About"


def test_rename_key_keeps_old_key_as_alias(jira: JIRA, project: dict[str, Any], http: httpx.Client) -> None:
    assert http.put("/rest/api/2/project/DTU", json={"key": "TWIN"}).status_code == 200
    assert jira.project("TWIN").id == str(project["id"])
    old = jira.project("DTU")
    assert old.key == "TWIN"
    keys = http.get("/rest/api/2/project/TWIN", params={"expand": "projectKeys"}).json()["projectKeys"]
    assert keys == ["DTU", "TWIN"]
    # The old key stays taken.
    clash = http.post(
        "/rest/api/2/project",
        json={"key": "DTU", "name": "Other", "projectTypeKey": "software", "leadAccountId": jira.current_user()},
    )
    assert clash.status_code == 400 and "projectKey" in clash.json()["errors"]


def test_delete(jira: JIRA, project: dict[str, Any]) -> None:
    assert jira.delete_project("DTU") is True
    with pytest.raises(JIRAError) as caught:
        jira.project("DTU")
    assert caught.value.status_code == 404
    assert jira.projects() == []
