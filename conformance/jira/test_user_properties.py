"""User properties (`/rest/api/3/user/properties`), as Jira Cloud documents them: a user's own
data for apps, set with PUT (201 created, 200 updated), listed by key, read and deleted; another
user's properties need Administer Jira."""

from __future__ import annotations

from typing import Any

import httpx

PATH = "/rest/api/3/user/properties"


def test_set_list_read_and_delete_a_property(dtu_jira: Any, http: httpx.Client) -> None:
    params = {"accountId": dtu_jira.member_account_id}
    assert http.put(f"{PATH}/okta", params=params, json={"id": "00u1"}).status_code == 201
    assert http.put(f"{PATH}/okta", params=params, json={"id": "00u2"}).status_code == 200
    keys = http.get(PATH, params=params).json()["keys"]
    assert [k["key"] for k in keys] == ["okta"] and keys[0]["self"].endswith(
        f"{PATH}/okta?accountId={params['accountId']}"
    )
    assert http.get(f"{PATH}/okta", params=params).json() == {"key": "okta", "value": {"id": "00u2"}}
    assert http.delete(f"{PATH}/okta", params=params).status_code == 204
    missing = http.get(f"{PATH}/okta", params=params)
    assert missing.status_code == 404 and missing.json()["errorMessages"]


def test_account_id_is_required_and_must_exist(http: httpx.Client) -> None:
    assert http.get(PATH).status_code == 400
    assert http.get(PATH, params={"accountId": "5b10ac8d82e05b22cc7d4ef5"}).status_code == 404


def test_a_user_reaches_only_their_own_properties(dtu_jira: Any) -> None:
    auth = (dtu_jira.member_email, dtu_jira.member_api_token)
    with httpx.Client(base_url=dtu_jira.url, auth=auth) as member:
        own = {"accountId": dtu_jira.member_account_id}
        assert member.put(f"{PATH}/theme", params=own, json="dark").status_code == 201
        assert member.get(f"{PATH}/theme", params=own).json()["value"] == "dark"
        other = member.get(PATH, params={"accountId": dtu_jira.account_id})
        assert other.status_code == 403
