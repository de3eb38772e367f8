"""Custom statuses, workflows and workflow schemes (v3 admin APIs over HTTP), and issues of a
project following its scheme's workflow (through the `jira` library's transitions)."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from jira import JIRA

from conformance.jira.conftest import create_project
from conformance.jira.receiver import Receiver
from conformance.jira.test_webhooks import admin_webhook, of

V3 = "/rest/api/3"


def _statuses(http: httpx.Client, *names: tuple[str, str]) -> list[dict[str, Any]]:
    response = http.post(
        f"{V3}/statuses",
        json={"scope": {"type": "GLOBAL"}, "statuses": [{"name": n, "statusCategory": c} for n, c in names]},
    )
    assert response.status_code == 200, response.text
    result: list[dict[str, Any]] = response.json()
    return result


def _review_workflow(http: httpx.Client, name: str = "Review flow") -> dict[str, Any]:
    """Backlog -> (Start) Reviewing -> (Ship, only from Reviewing) Shipped; Backlog is global."""
    body = {
        "scope": {"type": "GLOBAL"},
        "statuses": [
            {"name": "Backlog", "statusCategory": "TODO", "statusReference": "s-backlog"},
            {"name": "Reviewing", "statusCategory": "IN_PROGRESS", "statusReference": "s-review"},
            {"name": "Shipped", "statusCategory": "DONE", "statusReference": "s-shipped"},
        ],
        "workflows": [
            {
                "name": name,
                "description": "Reviewed work",
                "statuses": [
                    {"statusReference": "s-backlog", "properties": {}, "layout": {"x": 0, "y": 0}},
                    {"statusReference": "s-review", "properties": {}},
                    {"statusReference": "s-shipped", "properties": {}},
                ],
                "transitions": [
                    {"id": "1", "name": "Create", "type": "INITIAL", "toStatusReference": "s-backlog"},
                    {"id": "11", "name": "Back to backlog", "type": "GLOBAL", "toStatusReference": "s-backlog"},
                    {
                        "id": "21",
                        "name": "Start review",
                        "type": "DIRECTED",
                        "toStatusReference": "s-review",
                        "links": [{"fromStatusReference": "s-backlog", "fromPort": 0, "toPort": 1}],
                    },
                    {
                        "id": "31",
                        "name": "Ship",
                        "type": "DIRECTED",
                        "toStatusReference": "s-shipped",
                        "links": [{"fromStatusReference": "s-review"}],
                    },
                ],
            }
        ],
    }
    response = http.post(f"{V3}/workflows/create", json=body)
    assert response.status_code == 200, response.text
    result: dict[str, Any] = response.json()
    return result


def _scheme(http: httpx.Client, workflow: str, name: str = "Review scheme") -> dict[str, Any]:
    response = http.post(
        f"{V3}/workflowscheme",
        json={"name": name, "description": "Tasks are reviewed", "issueTypeMappings": {"10001": workflow}},
    )
    assert response.status_code == 201, response.text
    result: dict[str, Any] = response.json()
    return result


def test_create_and_search_statuses(http: httpx.Client) -> None:
    created = _statuses(http, ("Waiting", "IN_PROGRESS"), ("Released", "DONE"))
    assert [(s["name"], s["statusCategory"], s["scope"]) for s in created] == [
        ("Waiting", "IN_PROGRESS", {"type": "GLOBAL"}),
        ("Released", "DONE", {"type": "GLOBAL"}),
    ]
    assert all(s["id"].isdigit() and s["id"] not in ("10000", "10001", "3") for s in created)
    page = http.get(f"{V3}/statuses/search", params={"searchString": "rel"}).json()
    assert [s["name"] for s in page["values"]] == ["Released"]
    assert page["isLast"] is True and page["total"] == 1 and page["startAt"] == 0
    done = http.get(f"{V3}/statuses/search", params={"statusCategory": "DONE"}).json()
    assert [s["name"] for s in done["values"]] == ["Done", "Released"]
    by_id = http.get(f"{V3}/statuses", params={"id": created[0]["id"]}).json()
    assert by_id == [created[0]]
    # The classic status resource knows them too, with their status category.
    classic = http.get(f"{V3}/status/Waiting").json()
    assert classic["statusCategory"]["key"] == "indeterminate"
    bad = http.post(f"{V3}/statuses", json={"scope": {"type": "GLOBAL"}, "statuses": [{"name": "X"}]})
    assert bad.status_code == 400 and bad.json()["errorMessages"]


def test_create_workflow_and_search(http: httpx.Client) -> None:
    created = _review_workflow(http)
    ids = {s["name"]: s["id"] for s in created["statuses"]}
    assert {s["statusReference"] for s in created["statuses"]} == set(ids.values())
    (workflow,) = created["workflows"]
    assert workflow["name"] == "Review flow" and workflow["isEditable"] is True
    assert [s["statusReference"] for s in workflow["statuses"]] == [ids["Backlog"], ids["Reviewing"], ids["Shipped"]]
    ship = next(t for t in workflow["transitions"] if t["name"] == "Ship")
    assert ship["toStatusReference"] == ids["Shipped"]
    assert ship["links"][0]["fromStatusReference"] == ids["Reviewing"]
    found = http.get(f"{V3}/workflows/search", params={"queryString": "review"}).json()
    assert [w["name"] for w in found["values"]] == ["Review flow"]
    assert {s["name"] for s in found["statuses"]} == {"Backlog", "Reviewing", "Shipped"}
    everything = http.get(f"{V3}/workflows/search").json()
    assert [w["name"] for w in everything["values"]] == ["jira", "Review flow"]
    legacy = http.get(f"{V3}/workflow/search", params={"workflowName": "Review flow", "expand": "transitions"}).json()
    (old,) = legacy["values"]
    assert old["id"]["name"] == "Review flow"
    assert {t["name"]: t["type"] for t in old["transitions"]}["Ship"] == "directed"
    # A name is unique; a transition must point at a declared status.
    again = http.post(
        f"{V3}/workflows/create",
        json={
            "scope": {"type": "GLOBAL"},
            "statuses": [],
            "workflows": [
                {
                    "name": "Broken",
                    "statuses": [{"statusReference": "nope", "properties": {}}],
                    "transitions": [{"type": "INITIAL", "name": "Create", "toStatusReference": "nope"}],
                }
            ],
        },
    )
    assert again.status_code == 400


def test_workflow_scheme_crud(http: httpx.Client) -> None:
    _review_workflow(http)
    scheme = _scheme(http, "Review flow")
    assert scheme["defaultWorkflow"] == "jira" and scheme["issueTypeMappings"] == {"10001": "Review flow"}
    assert scheme["draft"] is False and scheme["self"].endswith(f"/workflowscheme/{scheme['id']}")
    assert http.get(f"{V3}/workflowscheme/{scheme['id']}").json() == scheme
    listed = http.get(f"{V3}/workflowscheme").json()
    assert listed["total"] == 1 and listed["values"][0]["name"] == "Review scheme"
    updated = http.put(
        f"{V3}/workflowscheme/{scheme['id']}", json={"name": "Renamed", "issueTypeMappings": {"10004": "Review flow"}}
    )
    assert updated.status_code == 200
    assert updated.json()["name"] == "Renamed" and updated.json()["issueTypeMappings"] == {"10004": "Review flow"}
    unknown = http.post(f"{V3}/workflowscheme", json={"name": "Other", "defaultWorkflow": "No such workflow"})
    assert unknown.status_code == 400
    assert http.delete(f"{V3}/workflowscheme/{scheme['id']}").status_code == 204
    missing = http.get(f"{V3}/workflowscheme/{scheme['id']}")
    assert missing.status_code == 404
    assert missing.json() == {"errorMessages": ["The workflow scheme was not found."], "errors": {}}


def test_issues_follow_the_project_scheme(jira: JIRA, http: httpx.Client) -> None:
    created = _review_workflow(http)
    ids = {s["name"]: s["id"] for s in created["statuses"]}
    scheme = _scheme(http, "Review flow")
    project = create_project(jira, "REV", "Reviewed")
    create_project(jira, "PLAIN", "Default workflow")
    assigned = http.put(
        f"{V3}/workflowscheme/project", json={"projectId": str(project["id"]), "workflowSchemeId": str(scheme["id"])}
    )
    assert assigned.status_code == 204
    associations = http.get(f"{V3}/workflowscheme/project", params={"projectId": str(project["id"])}).json()
    assert associations["values"][0]["projectIds"] == [str(project["id"])]
    assert associations["values"][0]["workflowScheme"]["id"] == scheme["id"]

    task = jira.create_issue(project="REV", summary="Reviewed", issuetype={"name": "Task"})
    bug = jira.create_issue(project="REV", summary="Unmapped type", issuetype={"name": "Bug"})
    plain = jira.create_issue(project="PLAIN", summary="Default", issuetype={"name": "Task"})
    assert jira.issue(task.key).fields.status.name == "Backlog"
    assert jira.issue(bug.key).fields.status.name == "To Do"  # the scheme's default workflow
    assert [t["name"] for t in jira.transitions(plain)] == ["In Progress", "Done"]

    offered = jira.transitions(task)
    assert [(t["id"], t["name"]) for t in offered] == [("21", "Start review")]  # Ship is only from Reviewing
    assert offered[0]["to"]["name"] == "Reviewing"
    assert offered[0]["to"]["statusCategory"]["key"] == "indeterminate"
    assert offered[0]["isGlobal"] is False
    jira.transition_issue(task, "Start review")
    assert [t["name"] for t in jira.transitions(task)] == ["Back to backlog", "Ship"]
    jira.transition_issue(task, "31")
    shipped = jira.issue(task.key, expand="changelog")
    assert shipped.fields.status.name == "Shipped" and shipped.fields.status.id == ids["Shipped"]
    assert shipped.fields.status.statusCategory.key == "done"
    assert shipped.fields.resolution is None  # custom workflows leave the resolution to the caller
    moves = [(i.fromString, i.toString) for h in shipped.changelog.histories for i in h.items if i.field == "status"]
    assert moves == [("Backlog", "Reviewing"), ("Reviewing", "Shipped")]
    invalid = http.post(f"/rest/api/2/issue/{task.key}/transitions", json={"transition": {"id": "21"}})
    assert invalid.status_code == 400  # Start review is not offered from Shipped

    assert [i.key for i in jira.search_issues('status = "Shipped"')] == [task.key]
    assert [i.key for i in jira.search_issues("statusCategory = Done")] == [task.key]
    assert [i.key for i in jira.search_issues("project = REV AND status = Backlog")] == []
    assert [i.key for i in jira.search_issues("status = Reviewing", maxResults=5)] == []
    assert {i.key for i in jira.search_issues('statusCategory = "To Do" ORDER BY key')} == {bug.key, plain.key}
    statuses = http.get("/rest/api/2/project/REV/statuses").json()
    task_statuses = next(t for t in statuses if t["name"] == "Task")["statuses"]
    assert [s["name"] for s in task_statuses] == ["Backlog", "Reviewing", "Shipped"]


def test_scheme_rules_and_permissions(jira: JIRA, http: httpx.Client, dtu_jira: Any) -> None:
    _review_workflow(http)
    scheme = _scheme(http, "Review flow")
    project = create_project(jira, "BUSY", "Has issues")
    jira.create_issue(project="BUSY", summary="Already here", issuetype={"name": "Task"})
    refused = http.put(
        f"{V3}/workflowscheme/project", json={"projectId": str(project["id"]), "workflowSchemeId": str(scheme["id"])}
    )
    assert refused.status_code == 400
    empty = create_project(jira, "EMPTY", "No issues")
    ok = http.put(
        f"{V3}/workflowscheme/project", json={"projectId": str(empty["id"]), "workflowSchemeId": str(scheme["id"])}
    )
    assert ok.status_code == 204
    assert http.delete(f"{V3}/workflowscheme/{scheme['id']}").status_code == 400  # active
    missing_project = http.get(f"{V3}/workflowscheme/project")
    assert missing_project.status_code == 400
    assert missing_project.json()["errors"] == {"projectId": "The ID of a project has to be provided."}
    with httpx.Client(base_url=dtu_jira.url, auth=(dtu_jira.member_email, dtu_jira.member_api_token)) as as_member:
        denied = as_member.get(f"{V3}/workflowscheme/project", params={"projectId": str(empty["id"])})
        assert denied.status_code == 403
        assert denied.json()["errorMessages"] == ["Only Jira administrators can access workflow scheme associations."]
        assert as_member.post(f"{V3}/workflowscheme", json={"name": "Mine"}).status_code == 403


@pytest.mark.parametrize("path", ["/statuses/search", "/workflows/search", "/workflowscheme"])
def test_admin_reads_refuse_bad_paging(http: httpx.Client, path: str) -> None:
    assert http.get(f"{V3}{path}", params={"maxResults": "many"}).status_code == 400


def test_custom_transition_fires_issue_updated(jira: JIRA, http: httpx.Client) -> None:
    ids = {s["name"]: s["id"] for s in _review_workflow(http)["statuses"]}
    scheme = _scheme(http, "Review flow")
    project = create_project(jira, "HOOK", "Hooked")
    http.put(
        f"{V3}/workflowscheme/project", json={"projectId": str(project["id"]), "workflowSchemeId": str(scheme["id"])}
    )
    receiver = Receiver().start()
    try:
        admin_webhook(http, receiver.url(), ["jira:issue_updated"], 'status = "Reviewing"')
        issue = jira.create_issue(project="HOOK", summary="Hook", issuetype={"name": "Task"})
        jira.transition_issue(issue, "Start review")
        delivered = receiver.wait_for(of("jira:issue_updated", "issue_generic"))[0].payload
    finally:
        receiver.stop()
    assert delivered["issue"]["fields"]["status"]["name"] == "Reviewing"
    (item,) = [i for i in delivered["changelog"]["items"] if i["field"] == "status"]
    assert (item["from"], item["fromString"], item["to"], item["toString"]) == (
        ids["Backlog"],
        "Backlog",
        ids["Reviewing"],
        "Reviewing",
    )
