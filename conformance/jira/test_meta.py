"""Site basics through the `jira` library: serverInfo, auth, myself, reference data, fields."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from jira import JIRA, JIRAError


def test_server_info_is_cloud(jira: JIRA) -> None:
    info = jira.server_info()
    assert info["deploymentType"] == "Cloud"
    assert info["versionNumbers"][0] >= 1000
    assert jira._is_cloud
    assert info["baseUrl"] == jira.server_url


def test_myself_and_current_user(jira: JIRA, dtu_jira: Any) -> None:
    me = jira.myself()
    assert me["accountId"] == dtu_jira.account_id
    assert me["emailAddress"] == dtu_jira.email
    assert me["self"].endswith(f"/rest/api/2/user?accountId={dtu_jira.account_id}")
    assert me["active"] is True and me["accountType"] == "atlassian"
    assert jira.current_user() == dtu_jira.account_id


def test_bad_token_is_401(dtu_jira: Any) -> None:
    with pytest.raises(JIRAError) as caught:
        JIRA(server=dtu_jira.url, basic_auth=(dtu_jira.email, "ATATT-not-a-token"), max_retries=0)
    assert caught.value.status_code == 401
    assert "Client must be authenticated" in str(caught.value.text)


def test_token_of_another_email_is_refused(dtu_jira: Any) -> None:
    response = httpx.get(f"{dtu_jira.url}/rest/api/3/myself", auth=(dtu_jira.member_email, dtu_jira.api_token))
    assert response.status_code == 401


def test_anonymous_myself_is_401_in_the_envelope(dtu_jira: Any) -> None:
    response = httpx.get(f"{dtu_jira.url}/rest/api/3/myself")
    assert response.status_code == 401
    assert response.json() == {
        "errorMessages": ["You are not authenticated. Authentication required to perform this operation."],
        "errors": {},
    }
    assert httpx.get(f"{dtu_jira.url}/rest/api/3/serverInfo").status_code == 200


def test_bearer_token(dtu_jira: Any) -> None:
    jira = JIRA(server=dtu_jira.url, token_auth=dtu_jira.api_token, max_retries=0)
    assert jira.myself()["accountId"] == dtu_jira.account_id


def test_sites_are_isolated_by_credential(dtu_jira_server: Any, dtu_jira: Any) -> None:
    other = dtu_jira_server.new_tenant("other-site")
    try:
        a = JIRA(server=dtu_jira.url, basic_auth=(dtu_jira.email, dtu_jira.api_token))
        b = JIRA(server=other.url, basic_auth=(other.email, other.api_token))
        assert a.myself()["accountId"] != b.myself()["accountId"]
    finally:
        dtu_jira_server.drop_tenant(other)


def test_versions_2_3_latest_all_served(http: httpx.Client) -> None:
    for version in ("2", "3", "latest"):
        response = http.get(f"/rest/api/{version}/priority")
        assert response.status_code == 200
        assert response.json()[0]["self"].endswith(f"/rest/api/{version}/priority/1")


def test_reference_data(jira: JIRA) -> None:
    assert [p.name for p in jira.priorities()] == ["Highest", "High", "Medium", "Low", "Lowest"]
    assert jira.priority("3").name == "Medium"
    statuses = {s.name: s for s in jira.statuses()}
    assert set(statuses) >= {"To Do", "In Progress", "Done"}
    assert statuses["Done"].statusCategory.key == "done"
    assert statuses["In Progress"].statusCategory.key == "indeterminate"
    assert jira.status(statuses["To Do"].id).statusCategory.key == "new"
    assert {c.key for c in jira.statuscategories()} == {"undefined", "new", "indeterminate", "done"}
    types = {t.name: t for t in jira.issue_types()}
    assert types["Subtask"].subtask is True and types["Task"].subtask is False
    assert jira.issue_type(types["Bug"].id).name == "Bug"
    assert "Won't Do" in [r.name for r in jira.resolutions()]
    assert {t.name for t in jira.issue_link_types()} >= {"Blocks", "Relates", "Duplicate"}


def test_unknown_priority_is_404(jira: JIRA) -> None:
    with pytest.raises(JIRAError) as caught:
        jira.priority("999")
    assert caught.value.status_code == 404


def test_fields_and_custom_field(jira: JIRA, http: httpx.Client) -> None:
    ids = {f["id"] for f in jira.fields()}
    assert {"summary", "description", "status", "assignee", "labels", "created"} <= ids
    created = http.post(
        "/rest/api/3/field",
        json={
            "name": "Team",
            "type": "com.atlassian.jira.plugin.system.customfieldtypes:textfield",
            "searcherKey": "com.atlassian.jira.plugin.system.customfieldtypes:textsearcher",
        },
    )
    assert created.status_code == 201
    field = created.json()
    assert field["id"].startswith("customfield_") and field["custom"] is True
    assert field["schema"]["custom"] == "com.atlassian.jira.plugin.system.customfieldtypes:textfield"
    number = field["id"].removeprefix("customfield_")
    assert field["clauseNames"] == [f"cf[{number}]", "Team"]
    assert field["id"] in {f["id"] for f in jira.fields()}


def test_create_project_with_library_needs_a_security_scheme(jira: JIRA) -> None:
    # A new Cloud site has no issue security schemes; the library refuses before calling POST /project.
    with pytest.raises(RuntimeError):
        jira.create_project("NOPE", "Nope")
