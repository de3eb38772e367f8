"""The default workflow through the `jira` library: transitions, resolution, changelog."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from jira import JIRA, JIRAError


def test_transitions_listed_from_current_status(jira: JIRA, project: dict[str, Any]) -> None:
    issue = jira.create_issue(project="DTU", summary="Flow", issuetype={"name": "Task"})
    names = [t["name"] for t in jira.transitions(issue)]
    assert names == ["In Progress", "Done"]
    done = jira.transitions(issue, expand="transitions.fields")[1]
    assert done["to"]["statusCategory"]["key"] == "done"
    assert done["fields"]["resolution"]["required"] is True


def test_walk_to_done_and_back(jira: JIRA, project: dict[str, Any], dtu_jira: Any) -> None:
    issue = jira.create_issue(project="DTU", summary="Flow", issuetype={"name": "Task"})
    jira.transition_issue(issue, "In Progress")
    moved = jira.issue(issue.key)
    assert moved.fields.status.name == "In Progress"
    assert moved.fields.status.statusCategory.key == "indeterminate"
    assert moved.fields.resolution is None
    jira.transition_issue(issue, "Done", fields={"resolution": {"name": "Won't Do"}}, comment="Dropping it")
    done = jira.issue(issue.key)
    assert done.fields.status.name == "Done"
    assert done.fields.resolution.name == "Won't Do"
    assert done.fields.resolutiondate is not None
    assert [c.body for c in jira.comments(issue.key)] == ["Dropping it"]
    jira.transition_issue(issue, "11")  # To Do by id
    reopened = jira.issue(issue.key, expand="changelog")
    assert reopened.fields.resolution is None and reopened.fields.resolutiondate is None
    histories = reopened.changelog.histories
    assert [[i.field for i in h.items] for h in histories] == [
        ["status"],
        ["resolution", "status"],
        ["resolution", "status"],
    ]
    status_moves = [(i.fromString, i.toString) for h in histories for i in h.items if i.field == "status"]
    assert status_moves == [("To Do", "In Progress"), ("In Progress", "Done"), ("Done", "To Do")]


def test_done_without_resolution_defaults_to_done(jira: JIRA, project: dict[str, Any]) -> None:
    issue = jira.create_issue(project="DTU", summary="Flow", issuetype={"name": "Task"})
    jira.transition_issue(issue, "Done")
    assert jira.issue(issue.key).fields.resolution.name == "Done"


def test_invalid_transition_and_unscreened_field(jira: JIRA, project: dict[str, Any], http: httpx.Client) -> None:
    issue = jira.create_issue(project="DTU", summary="Flow", issuetype={"name": "Task"})
    bad = http.post(f"/rest/api/2/issue/{issue.key}/transitions", json={"transition": {"id": "999"}})
    assert bad.status_code == 400
    assert bad.json() == {"errorMessages": ["Transition id '999' is not valid for this issue."], "errors": {}}
    same = http.post(f"/rest/api/2/issue/{issue.key}/transitions", json={"transition": {"id": "11"}})
    assert same.status_code == 400  # already in To Do: not offered
    unscreened = http.post(
        f"/rest/api/2/issue/{issue.key}/transitions",
        json={"transition": {"id": "21"}, "fields": {"resolution": {"name": "Done"}}},
    )
    assert unscreened.json()["errors"] == {
        "resolution": "Field 'resolution' cannot be set. It is not on the appropriate screen, or unknown."
    }
    with pytest.raises(JIRAError):
        jira.transition_issue(issue, "Nonexistent")
