"""Users, groups, permissions and cookie sessions, through the `jira` library where it has a
method and plain HTTP where Cloud needs what the library does not send (`accountId`)."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from jira import JIRA, JIRAError

USER_NOT_FOUND = "Specified user does not exist or you do not have required permissions"


def test_user_and_search(jira: JIRA, dtu_jira: Any) -> None:
    me = jira.user(dtu_jira.account_id)
    assert me.accountId == dtu_jira.account_id and me.emailAddress == dtu_jira.email
    assert me.self.endswith(f"/user?accountId={dtu_jira.account_id}")
    found = jira.search_users(query="member@")
    assert [u.accountId for u in found] == [dtu_jira.member_account_id]
    by_word = jira.search_users(query="Team")
    assert dtu_jira.member_account_id in [u.accountId for u in by_word]
    with pytest.raises(JIRAError) as caught:
        jira.user("000000000000000000000000")
    assert caught.value.status_code == 404


def test_create_user_bulk_and_remove(jira: JIRA, http: httpx.Client, dtu_jira: Any) -> None:
    assert jira.add_user("ignored-username", "new.person@example.com", fullname="New Person")
    created = jira.search_users(query="new.person@example.com")
    assert len(created) == 1 and created[0].displayName == "New Person" and created[0].active
    account = created[0].accountId
    # Creating an existing user with access answers 201 with that user (Cloud's documented behaviour).
    again = http.post("/rest/api/3/user", json={"emailAddress": "new.person@example.com", "products": []})
    assert again.status_code == 201 and again.json()["accountId"] == account
    bulk = http.get("/rest/api/3/user/bulk", params=[("accountId", account), ("accountId", dtu_jira.account_id)])
    assert bulk.status_code == 200
    assert {u["accountId"] for u in bulk.json()["values"]} == {account, dtu_jira.account_id}
    assert bulk.json()["total"] == 2 and bulk.json()["isLast"] is True
    groups = http.get("/rest/api/3/user/groups", params={"accountId": account}).json()
    assert [g["name"] for g in groups] == ["jira-software-users"]
    gone = http.delete("/rest/api/3/user", params={"accountId": account})
    assert gone.status_code == 204
    assert jira.search_users(query="new.person@example.com") == []  # inactive users are not found
    everyone = http.get("/rest/api/3/users/search").json()
    assert any(u["accountId"] == account and u["active"] is False for u in everyone)


def test_user_management_needs_site_admin(member: JIRA, dtu_jira: Any) -> None:
    with httpx.Client(base_url=dtu_jira.url, auth=(dtu_jira.member_email, dtu_jira.member_api_token)) as as_member:
        created = as_member.post("/rest/api/3/user", json={"emailAddress": "x@example.com"})
        assert created.status_code == 403 and created.json()["errorMessages"]
        removed = as_member.delete("/rest/api/3/user", params={"accountId": dtu_jira.account_id})
        assert removed.status_code == 403
        assert as_member.post("/rest/api/3/group", json={"name": "x"}).status_code == 403
        assert as_member.get("/rest/api/3/auditing/record").status_code == 403


def test_groups_lifecycle_through_the_library(jira: JIRA, http: httpx.Client, dtu_jira: Any) -> None:
    assert jira.add_group("release-managers")
    assert "release-managers" in jira.groups(query="release")
    # The library sends `{"name": ...}`; Cloud no longer knows usernames and answers 404.
    with pytest.raises(JIRAError) as caught:
        jira.add_user_to_group(dtu_jira.member_email, "release-managers")
    assert caught.value.status_code == 404 and USER_NOT_FOUND in caught.value.text
    added = http.post(
        "/rest/api/3/group/user",
        params={"groupname": "release-managers"},
        json={"accountId": dtu_jira.member_account_id},
    )
    assert added.status_code == 201
    assert added.json()["name"] == "release-managers" and added.json()["users"]["size"] == 1
    members = jira.group_members("release-managers")
    assert list(members) == [dtu_jira.member_account_id]
    assert members[dtu_jira.member_account_id]["email"] == dtu_jira.member_email
    # The library's remove sends `username`; Cloud requires accountId.
    with pytest.raises(JIRAError) as removal:
        jira.remove_user_from_group(dtu_jira.member_account_id, "release-managers")
    assert removal.value.status_code == 400
    removed = http.delete(
        "/rest/api/3/group/user", params={"groupname": "release-managers", "accountId": dtu_jira.member_account_id}
    )
    assert removed.status_code == 200 and removed.content == b""
    assert jira.group_members("release-managers") == {}
    assert jira.remove_group("release-managers")
    assert "release-managers" not in jira.groups()
    missing = http.get("/rest/api/3/group/member", params={"groupname": "release-managers"})
    assert missing.status_code == 404


def test_group_member_paging_and_expand_ranges(jira: JIRA, http: httpx.Client) -> None:
    http.post("/rest/api/3/group", json={"name": "Big Team"}).raise_for_status()
    accounts = []
    for n in range(55):
        user = http.post(
            "/rest/api/3/user", json={"emailAddress": f"p{n:02d}@example.com", "displayName": f"P {n:02d}"}
        )
        accounts.append(user.json()["accountId"])
        http.post("/rest/api/3/group/user", params={"groupname": "big team"}, json={"accountId": accounts[-1]})
    first = http.get("/rest/api/3/group/member", params={"groupname": "Big Team", "maxResults": 20}).json()
    assert (first["total"], first["startAt"], first["maxResults"], first["isLast"]) == (55, 0, 20, False)
    assert "startAt=20" in first["nextPage"]
    last = http.get("/rest/api/3/group/member", params={"groupname": "Big Team", "startAt": 40, "maxResults": 50})
    assert len(last.json()["values"]) == 15 and last.json()["isLast"] is True
    # The deprecated GET /group?expand=users shows 50 users; the library pages with users[a:b].
    old = http.get("/rest/api/2/group", params={"groupname": "Big Team", "expand": "users"}).json()
    assert old["users"]["size"] == 55 and len(old["users"]["items"]) == 50 and old["users"]["end-index"] == 49
    members = jira.group_members("Big Team")
    assert sorted(members) == sorted(accounts)


def test_duplicate_and_unknown_groups(http: httpx.Client) -> None:
    assert http.post("/rest/api/3/group", json={"name": "dupes"}).status_code == 201
    clash = http.post("/rest/api/3/group", json={"name": "DUPES"})
    assert clash.status_code == 400 and clash.json()["errorMessages"]
    assert http.post("/rest/api/3/group", json={}).status_code == 400
    assert http.delete("/rest/api/3/group", params={"groupname": "nope"}).status_code == 404
    both = http.get("/rest/api/3/group/member", params={"groupname": "dupes", "groupId": "x"})
    assert both.status_code == 400


def test_my_permissions(jira: JIRA, member: JIRA, project: dict[str, Any]) -> None:
    mine = jira.my_permissions(permissions="ADMINISTER,BROWSE_PROJECTS")["permissions"]
    assert mine["ADMINISTER"]["havePermission"] is True and mine["ADMINISTER"]["type"] == "GLOBAL"
    assert mine["BROWSE_PROJECTS"] == {
        "id": "10",
        "key": "BROWSE_PROJECTS",
        "name": "Browse Projects",
        "type": "PROJECT",
        "description": "Ability to browse projects and the issues within them.",
        "havePermission": True,
    }
    theirs = member.my_permissions(projectKey="DTU", permissions="ADMINISTER,CREATE_ISSUES")["permissions"]
    assert theirs["ADMINISTER"]["havePermission"] is False and theirs["CREATE_ISSUES"]["havePermission"] is True
    with pytest.raises(JIRAError) as caught:
        jira.my_permissions()
    # Required on Cloud since 2019 (Atlassian change notice); Cloud's message.
    assert caught.value.status_code == 400 and "The 'permissions' query parameter is required." in caught.value.text


@pytest.mark.filterwarnings("ignore:Use OAuth or Token based authentication:DeprecationWarning")
def test_cookie_session_through_the_library(dtu_jira: Any) -> None:
    # auth=(user, password): the library logs in at /rest/auth/1/session after a 401, then uses the cookie.
    client = JIRA(server=dtu_jira.url, auth=(dtu_jira.email, dtu_jira.api_token), max_retries=0)
    try:
        assert client.myself()["accountId"] == dtu_jira.account_id
        session = client.session()
        assert session.raw["accountId"] == dtu_jira.account_id and session.raw["loginInfo"]["loginCount"] >= 1
        assert client.kill_session().status_code == 204
    finally:
        client.close()
    refused = httpx.post(f"{dtu_jira.url}/rest/auth/1/session", json={"username": dtu_jira.email, "password": "no"})
    assert refused.status_code == 401 and refused.json()["errorMessages"] == ["Login failed"]
