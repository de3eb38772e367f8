"""Atlassian's user provisioning API (SCIM 2.0 Users) as an identity provider drives it.

Atlassian documents `https://api.atlassian.com/scim/directory/{directoryId}/Users` with the
directory's API key as a Bearer token: POST creates (or links) an account, GET by id and
`filter=userName eq "..."` find it, PUT replaces, PATCH `active` deactivates/reactivates,
DELETE removes it from the directory (the account is deactivated, not deleted). Errors use
SCIM's `urn:ietf:params:scim:api:messages:2.0:Error` envelope. The effects are checked
through Jira's REST API with the `jira` library: a deactivated account shows
`active: false`, its API token is refused and it cannot be assigned.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from jira import JIRA, JIRAError

from conformance.jira.conftest import client, create_project

ERROR = "urn:ietf:params:scim:api:messages:2.0:Error"
PATCH = "urn:ietf:params:scim:api:messages:2.0:PatchOp"
CORE = "urn:ietf:params:scim:schemas:core:2.0:User"


@pytest.fixture
def scim(dtu_jira: Any) -> Iterator[httpx.Client]:
    headers = {"Authorization": f"Bearer {dtu_jira.scim_token}", "Content-Type": "application/scim+json"}
    with httpx.Client(base_url=dtu_jira.scim_url, headers=headers, timeout=30.0) as c:
        yield c


def new_user(scim: httpx.Client, email: str = "dana@acme.test", **extra: Any) -> dict[str, Any]:
    body = {
        "schemas": [CORE],
        "userName": email,
        "emails": [{"value": email, "type": "work", "primary": True}],
        "name": {"givenName": "Dana", "familyName": "Scully"},
        "displayName": "Dana Scully",
        "externalId": "00u1okta",
        "active": True,
        **extra,
    }
    response = scim.post("/Users", json=body)
    assert response.status_code == 201, response.text
    created: dict[str, Any] = response.json()
    return created


def deactivate(scim: httpx.Client, user_id: str, active: bool = False) -> dict[str, Any]:
    body = {"schemas": [PATCH], "Operations": [{"op": "replace", "path": "active", "value": active}]}
    response = scim.patch(f"/Users/{user_id}", json=body)
    assert response.status_code == 200, response.text
    patched: dict[str, Any] = response.json()
    return patched


def test_create_get_and_filter(scim: httpx.Client, jira: JIRA) -> None:
    created = new_user(scim)
    assert created["userName"] == "dana@acme.test" and created["active"] is True
    assert created["externalId"] == "00u1okta"
    account = created["urn:scim:schemas:extension:atlassian-external:1.0"]["atlassianAccountId"]
    assert scim.get(f"/Users/{created['id']}").json()["emails"][0]["value"] == "dana@acme.test"
    listed = scim.get("/Users", params={"filter": 'userName eq "DANA@acme.test"'}).json()
    assert listed["totalResults"] == 1 and listed["Resources"][0]["id"] == created["id"]
    assert scim.get("/Users", params={"filter": 'userName eq "nobody@acme.test"'}).json()["totalResults"] == 0
    # The account exists in Jira, named as provisioned.
    user = jira.user(account)
    assert user.displayName == "Dana Scully" and user.active is True


def test_existing_site_account_is_linked_not_duplicated(scim: httpx.Client, dtu_jira: Any) -> None:
    linked = new_user(scim, dtu_jira.member_email)
    assert linked["id"] == dtu_jira.member_account_id
    again = scim.post("/Users", json={"schemas": [CORE], "userName": dtu_jira.member_email})
    assert again.status_code == 409 and again.json()["scimType"] == "uniqueness"


def test_deactivation_refuses_tokens_and_assignment_and_reactivation_restores(
    scim: httpx.Client, jira: JIRA, dtu_jira: Any
) -> None:
    member = client(
        type(
            "Creds", (), {"url": dtu_jira.url, "email": dtu_jira.member_email, "api_token": dtu_jira.member_api_token}
        )()
    )
    assert member.myself()["accountId"] == dtu_jira.member_account_id
    linked = new_user(scim, dtu_jira.member_email)
    create_project(jira, "ACC")
    issue = jira.create_issue(project="ACC", summary="DB access", issuetype={"name": "Task"})

    assert deactivate(scim, linked["id"])["active"] is False
    assert jira.user(dtu_jira.member_account_id).active is False
    with pytest.raises(JIRAError) as refused:
        member.myself()
    assert refused.value.status_code == 401
    with pytest.raises(JIRAError) as unassignable:
        jira.assign_issue(issue, dtu_jira.member_account_id)
    # The jira library looks the assignee up first; Jira's user search leaves inactive accounts out.
    assert "No matching user found" in str(unassignable.value)

    assert deactivate(scim, linked["id"], active=True)["active"] is True
    assert jira.user(dtu_jira.member_account_id).active is True
    assert member.myself()["accountId"] == dtu_jira.member_account_id
    jira.assign_issue(issue, dtu_jira.member_account_id)
    assert jira.issue(issue.key).fields.assignee.accountId == dtu_jira.member_account_id
    member.close()


def test_put_replaces_and_patch_without_path(scim: httpx.Client) -> None:
    created = new_user(scim)
    body = {"schemas": [CORE], "userName": "dana@acme.test", "name": {"givenName": "Dana", "familyName": "Katherine"}}
    put = scim.put(f"/Users/{created['id']}", json=body)
    assert put.status_code == 200, put.text
    replaced = put.json()
    assert replaced["name"]["familyName"] == "Katherine" and "externalId" not in replaced
    op = {"schemas": [PATCH], "Operations": [{"op": "replace", "value": {"active": False, "title": "Agent"}}]}
    patch = scim.patch(f"/Users/{created['id']}", json=op)
    assert patch.status_code == 200, patch.text
    patched = patch.json()
    assert patched["active"] is False and patched["title"] == "Agent"


def test_delete_deactivates_and_removes_from_directory(scim: httpx.Client, jira: JIRA) -> None:
    created = new_user(scim)
    assert scim.delete(f"/Users/{created['id']}").status_code == 204
    gone = scim.get(f"/Users/{created['id']}")
    assert gone.status_code == 404 and gone.json()["schemas"] == [ERROR]
    assert jira.user(created["id"]).active is False


def test_scim_errors(scim: httpx.Client, dtu_jira: Any) -> None:
    unauthorised = httpx.get(f"{dtu_jira.scim_url}/Users", headers={"Authorization": "Bearer nope"})
    assert unauthorised.status_code == 401 and unauthorised.json()["schemas"] == [ERROR]
    other = dtu_jira.scim_url.rsplit("/", 1)[0] + "/00000000-0000-0000-0000-000000000000/Users"
    wrong_directory = httpx.get(other, headers={"Authorization": f"Bearer {dtu_jira.scim_token}"})
    assert wrong_directory.status_code == 403
    missing = scim.get("/Users/nope")
    assert missing.status_code == 404 and missing.json()["status"] == "404"
    assert scim.post("/Users", content=b"{").status_code == 400
    no_user_name = scim.post("/Users", json={"schemas": [CORE]})
    assert no_user_name.status_code == 400 and no_user_name.json()["scimType"] == "invalidValue"
    bad_filter = scim.get("/Users", params={"filter": 'title co "x"'})
    assert bad_filter.status_code == 400 and bad_filter.json()["scimType"] == "invalidFilter"
    bad_patch = scim.patch(f"/Users/{dtu_jira.member_account_id}", json={"Operations": [{"op": "move"}]})
    assert bad_patch.status_code == 400
