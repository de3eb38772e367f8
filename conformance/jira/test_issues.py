"""Issues through the `jira` library (and v3 over HTTP): create, meta, read, edit, delete, assign, bulk."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from jira import JIRA, JIRAError

ADF = {"type": "doc", "version": 1, "content": [{"type": "paragraph", "content": [{"type": "text", "text": "Hi"}]}]}


def new_issue(jira: JIRA, summary: str = "First", **fields: Any) -> Any:
    return jira.create_issue(project="DTU", summary=summary, issuetype={"name": "Task"}, **fields)


def test_create_and_read(jira: JIRA, project: dict[str, Any], dtu_jira: Any) -> None:
    issue = new_issue(jira, "Write the twin", description="Line one\nline two", labels=["twin", "jira"])
    assert issue.key == "DTU-1"
    assert int(issue.id) >= 10000
    assert issue.fields.summary == "Write the twin"
    assert issue.fields.description == "Line one\nline two"
    assert issue.fields.labels == ["twin", "jira"]
    assert issue.fields.status.name == "To Do"
    assert issue.fields.status.statusCategory.key == "new"
    assert issue.fields.priority.name == "Medium"
    assert issue.fields.issuetype.name == "Task"
    assert issue.fields.project.key == "DTU"
    assert issue.fields.reporter.accountId == dtu_jira.account_id
    assert issue.fields.creator.accountId == dtu_jira.account_id
    assert issue.fields.assignee is None
    assert issue.fields.resolution is None
    assert issue.fields.created.endswith("+0000") and "T" in issue.fields.created
    assert issue.fields.watches.watchCount == 1 and issue.fields.watches.isWatching is True
    assert issue.permalink().endswith("/browse/DTU-1")
    assert new_issue(jira, "Second").key == "DTU-2"


def test_required_fields_are_reported(jira: JIRA, project: dict[str, Any], http: httpx.Client) -> None:
    response = http.post(
        "/rest/api/2/issue", json={"fields": {"project": {"key": "DTU"}, "issuetype": {"name": "Task"}}}
    )
    assert response.status_code == 400
    assert response.json() == {"errorMessages": [], "errors": {"summary": "You must specify a summary of the issue."}}
    missing = http.post("/rest/api/2/issue", json={"fields": {"summary": "x"}})
    assert missing.json()["errors"] == {
        "project": "Specify a valid project ID or key",
        "issuetype": "Specify an issue type",
    }
    unknown = http.post(
        "/rest/api/2/issue",
        json={
            "fields": {"project": {"key": "DTU"}, "issuetype": {"name": "Task"}, "summary": "x", "status": {"id": "3"}}
        },
    )
    assert unknown.json()["errors"] == {
        "status": "Field 'status' cannot be set. It is not on the appropriate screen, or unknown."
    }
    with pytest.raises(JIRAError) as caught:
        jira.create_issue(project="DTU", summary="sub", issuetype={"name": "Subtask"})
    assert caught.value.status_code == 400
    assert "parent" in caught.value.text


def test_createmeta_is_truthful(jira: JIRA, project: dict[str, Any]) -> None:
    meta = jira.createmeta(projectKeys="DTU", issuetypeNames="Task", expand="projects.issuetypes.fields")
    (entry,) = meta["projects"]
    assert entry["key"] == "DTU"
    (task,) = entry["issuetypes"]
    required = {k for k, v in task["fields"].items() if v["required"]}
    assert required == {"summary", "issuetype", "project", "reporter"}
    assert task["fields"]["reporter"]["hasDefaultValue"] is True
    assert [p["name"] for p in task["fields"]["priority"]["allowedValues"]][:1] == ["Highest"]
    sub = jira.createmeta(projectKeys="DTU", issuetypeNames="Subtask", expand="projects.issuetypes.fields")
    assert sub["projects"][0]["issuetypes"][0]["fields"]["parent"]["required"] is True


def test_get_with_fields_and_expand(jira: JIRA, project: dict[str, Any]) -> None:
    created = new_issue(jira, "Fields")
    slim = jira.issue(created.key, fields="summary,status")
    assert set(slim.raw["fields"]) == {"summary", "status"}
    without = jira.issue(created.key, fields="*all,-comment")
    assert "comment" not in without.raw["fields"] and "summary" in without.raw["fields"]
    full = jira.issue(created.key, expand="renderedFields,names,transitions,changelog,schema")
    assert full.raw["names"]["summary"] == "Summary"
    assert full.raw["schema"]["labels"] == {"type": "array", "items": "string", "system": "labels"}
    assert [t["name"] for t in full.raw["transitions"]] == ["In Progress", "Done"]
    assert full.raw["changelog"] == {"startAt": 0, "maxResults": 0, "total": 0, "histories": []}
    assert "renderedFields" in full.raw
    by_id = jira.issue(created.id)
    assert by_id.key == created.key


def test_missing_issue_is_404(jira: JIRA, project: dict[str, Any]) -> None:
    with pytest.raises(JIRAError) as caught:
        jira.issue("DTU-999")
    assert caught.value.status_code == 404
    assert caught.value.text == "Issue does not exist or you do not have permission to see it."


def test_edit_records_changelog(jira: JIRA, project: dict[str, Any], dtu_jira: Any) -> None:
    issue = new_issue(jira, "Before")
    issue.update(summary="After", priority={"name": "High"}, description="New words")
    assert issue.fields.summary == "After"
    assert issue.fields.priority.name == "High"
    changelog = jira.issue(issue.key, expand="changelog").changelog
    (history,) = changelog.histories
    assert history.author.accountId == dtu_jira.account_id
    items = {item.field: item for item in history.items}
    assert items["summary"].fromString == "Before" and items["summary"].toString == "After"
    assert items["priority"].fromString == "Medium" and items["priority"].to == "2"
    assert items["description"].toString == "New words"


def test_labels_update_verbs(jira: JIRA, project: dict[str, Any]) -> None:
    issue = new_issue(jira, "Labels", labels=["a"])
    issue.update(update={"labels": [{"add": "b"}, {"add": "c"}, {"remove": "a"}]})
    assert issue.fields.labels == ["b", "c"]
    issue.add_field_value("labels", "d")
    assert jira.issue(issue.key).fields.labels == ["b", "c", "d"]


def test_v2_and_v3_read_the_same_description(jira: JIRA, project: dict[str, Any], http: httpx.Client) -> None:
    created = http.post(
        "/rest/api/3/issue",
        json={
            "fields": {"project": {"key": "DTU"}, "issuetype": {"name": "Task"}, "summary": "ADF", "description": ADF}
        },
    )
    assert created.status_code == 201
    key = created.json()["key"]
    assert created.json()["self"].endswith(f"/rest/api/3/issue/{created.json()['id']}")
    assert jira.issue(key).fields.description == "Hi"
    v3 = http.get(f"/rest/api/3/issue/{key}").json()["fields"]["description"]
    assert v3 == ADF
    # A v2 string reads back in v3 as a document, and a string is refused by v3.
    jira.issue(key).update(description="Para one\n\nPara two")
    doc = http.get(f"/rest/api/3/issue/{key}").json()["fields"]["description"]
    assert [block["type"] for block in doc["content"]] == ["paragraph", "paragraph"]
    refused = http.put(f"/rest/api/3/issue/{key}", json={"fields": {"description": "plain"}})
    assert refused.status_code == 400
    assert refused.json()["errors"] == {
        "description": "Operation value must be an Atlassian Document (see the Atlassian Document Format)"
    }


def test_assign_and_unassign(jira: JIRA, project: dict[str, Any], dtu_jira: Any) -> None:
    issue = new_issue(jira, "Assign me")
    assert jira.assign_issue(issue.key, dtu_jira.member_account_id) is True
    assert jira.issue(issue.key).fields.assignee.accountId == dtu_jira.member_account_id
    jira.assign_issue(issue.key, None)
    assert jira.issue(issue.key).fields.assignee is None
    items = [h.items[0] for h in jira.issue(issue.key, expand="changelog").changelog.histories]
    assert [(i.field, i.to) for i in items] == [("assignee", dtu_jira.member_account_id), ("assignee", None)]


def test_delete(jira: JIRA, project: dict[str, Any]) -> None:
    issue = new_issue(jira, "Doomed")
    issue.delete()
    with pytest.raises(JIRAError):
        jira.issue(issue.key)


def test_subtasks_and_delete_with_subtasks(jira: JIRA, project: dict[str, Any]) -> None:
    parent = new_issue(jira, "Parent")
    child = jira.create_issue(project="DTU", summary="Child", issuetype={"name": "Subtask"}, parent={"key": parent.key})
    assert child.fields.parent.key == parent.key
    assert [s.key for s in jira.issue(parent.key).fields.subtasks] == [child.key]
    with pytest.raises(JIRAError) as caught:
        jira.issue(parent.key).delete()
    assert caught.value.status_code == 400
    jira.issue(parent.key).delete(deleteSubtasks=True)
    with pytest.raises(JIRAError):
        jira.issue(child.key)


def test_bulk_create_reports_each_failure(jira: JIRA, project: dict[str, Any]) -> None:
    results = jira.create_issues(
        [
            {"project": {"key": "DTU"}, "summary": "One", "issuetype": {"name": "Task"}},
            {"project": {"key": "DTU"}, "summary": "", "issuetype": {"name": "Bug"}},
            {"project": {"key": "DTU"}, "summary": "Three", "issuetype": {"name": "Story"}},
        ]
    )
    assert [r["status"] for r in results] == ["Success", "Error", "Success"]
    assert results[1]["error"] == {"summary": "You must specify a summary of the issue."}
    assert results[2]["issue"].fields.issuetype.name == "Story"


def test_renamed_project_key_keeps_issue_keys_resolving(
    jira: JIRA, project: dict[str, Any], http: httpx.Client
) -> None:
    old = new_issue(jira, "Before rename")
    assert http.put("/rest/api/2/project/DTU", json={"key": "TWIN"}).status_code == 200
    moved = jira.issue("DTU-1")
    assert moved.key == "TWIN-1" and moved.id == old.id
    assert jira.issue("TWIN-1").fields.summary == "Before rename"
    fresh = jira.create_issue(project="TWIN", summary="After", issuetype={"name": "Task"})
    assert fresh.key == "TWIN-2"
    via_old = jira.create_issue(project="DTU", summary="Old key", issuetype={"name": "Task"})
    assert via_old.key == "TWIN-3"


def test_custom_field_values(jira: JIRA, project: dict[str, Any], http: httpx.Client) -> None:
    prefix = "com.atlassian.jira.plugin.system.customfieldtypes:"
    team = http.post("/rest/api/2/field", json={"name": "Team", "type": prefix + "textfield"}).json()["id"]
    points = http.post("/rest/api/2/field", json={"name": "Points", "type": prefix + "float"}).json()["id"]
    issue = new_issue(jira, "Custom", **{team: "Platform", points: 3})
    assert getattr(issue.fields, team) == "Platform"
    assert getattr(issue.fields, points) == 3.0
    bad = http.put(f"/rest/api/2/issue/{issue.key}", json={"fields": {points: "many"}})
    assert bad.status_code == 400 and points in bad.json()["errors"]
    issue.update(fields={team: "Core"})
    (history,) = jira.issue(issue.key, expand="changelog").changelog.histories
    assert history.items[0].field == "Team" and history.items[0].fieldtype == "custom"
    meta = jira.editmeta(issue.key)["fields"]
    assert meta[team]["schema"]["custom"] == prefix + "textfield"
