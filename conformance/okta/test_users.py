"""Users API through the okta SDK: creation scenarios, lookup, list/q/filter/search, pagination, updates, deletion.

What is asserted is Okta's documented behaviour (developer.okta.com Users API reference and the
management OpenAPI spec: `createUser`, `listUsers`, `updateUser`, `replaceUser`, `deleteUser`).
"""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
from okta.client import Client
from okta.pagination import PaginationHelper

PASSWORD = "Tr0ub4dor-Horse"


def person(login: str, first: str = "Ada", last: str = "Lovelace", **extra: Any) -> dict[str, Any]:
    return {"firstName": first, "lastName": last, "email": login, "login": login, **extra}


async def create(okta: Client, login: str, *, password: str | None = PASSWORD, **kwargs: Any) -> Any:
    body: dict[str, Any] = {"profile": person(login, **kwargs.pop("profile", {}))}
    if password is not None:
        body["credentials"] = {"password": {"value": password}}
    body.update(kwargs.pop("body", {}))
    user, _, err = await okta.create_user(body, **kwargs)
    assert err is None, err
    return user


def status(user: Any) -> str:
    return str(getattr(user.status, "value", user.status))


def raw(dtu_okta: Any, method: str, path: str, **kwargs: Any) -> httpx.Response:
    headers = {"Authorization": f"SSWS {dtu_okta.api_token}", "Accept": "application/json", **kwargs.pop("headers", {})}
    return httpx.request(method, dtu_okta.org_url + path, headers=headers, timeout=30, **kwargs)


# -- creation -------------------------------------------------------------------------
async def test_create_with_password_is_active(okta: Client) -> None:
    user = await create(okta, "ada@example.com")
    assert status(user) == "ACTIVE"
    assert user.id.startswith("00u") and len(user.id) == 20
    assert user.profile.login == "ada@example.com"
    assert user.activated is not None and user.password_changed is not None
    assert user.credentials.provider.type.value == "OKTA"
    assert user.credentials.password is not None


async def test_create_without_credentials_is_provisioned(okta: Client) -> None:
    user = await create(okta, "grace@example.com", password=None)
    assert status(user) == "PROVISIONED"
    assert user.password_changed is None


async def test_create_with_activate_false_is_staged(okta: Client) -> None:
    user = await create(okta, "staged@example.com", activate=False)
    assert status(user) == "STAGED"
    assert user.activated is None
    assert set(user.links.to_dict()) >= {"self", "activate"}


async def test_create_with_recovery_question_only_is_provisioned(okta: Client) -> None:
    body = {"credentials": {"recovery_question": {"question": "Who?", "answer": "Annie Oakley"}}}
    user = await create(okta, "rq@example.com", password=None, body=body)
    assert status(user) == "PROVISIONED"
    assert user.credentials.recovery_question.question == "Who?"


async def test_next_login_change_password_expires_the_password(okta: Client) -> None:
    from okta.models.user_next_login import UserNextLogin

    user = await create(okta, "expired@example.com", next_login=UserNextLogin.CHANGEPASSWORD)
    assert status(user) == "PASSWORD_EXPIRED"
    _, _, err = await okta.create_user({"profile": person("x1@example.com")}, next_login=UserNextLogin.CHANGEPASSWORD)
    assert (err.status, err.error_code) == (400, "E0000124")
    body = {"profile": person("x2@example.com"), "credentials": {"password": {"value": PASSWORD}}}
    _, _, err = await okta.create_user(body, activate=False, next_login=UserNextLogin.CHANGEPASSWORD)
    assert (err.status, err.error_code) == (400, "E0000125")


async def test_create_in_groups_adds_memberships_and_everyone(okta: Client, dtu_okta: Any) -> None:
    group = raw(dtu_okta, "POST", "/api/v1/groups", json={"profile": {"name": "Eng"}}).json()
    user = await create(okta, "eng@example.com", body={"groupIds": [group["id"]]})
    groups, _, err = await okta.list_user_groups(user.id)
    assert err is None, err
    names = sorted(g.profile.actual_instance.name for g in groups)
    assert names == ["Eng", "Everyone"]


async def test_duplicate_login_is_rejected_case_insensitively(okta: Client) -> None:
    await create(okta, "dup@example.com")
    _, _, err = await okta.create_user({"profile": person("DUP@example.com")})
    assert (err.status, err.error_code) == (400, "E0000001")
    assert err.error_summary == "Api validation failed: login"
    assert err.error_causes == [
        {"errorSummary": "login: An object with this field already exists in the current organization"}
    ]


async def test_concurrent_creates_of_one_login_make_one_user(okta: Client) -> None:
    body = {"profile": person("race@example.com"), "credentials": {"password": {"value": PASSWORD}}}
    results = await asyncio.gather(*(okta.create_user(body) for _ in range(20)))
    created = [user for user, _, err in results if err is None]
    errors = [err for _, _, err in results if err is not None]
    assert len(created) == 1 and len(errors) == 19
    assert {(e.status, e.error_code) for e in errors} == {(400, "E0000001")}
    assert all("already exists" in e.error_causes[0]["errorSummary"] for e in errors)
    found, _, _ = await okta.list_users(search='profile.login eq "race@example.com"')
    assert [u.id for u in found] == [created[0].id]


async def test_missing_profile_attributes_list_every_cause(okta: Client, dtu_okta: Any) -> None:
    response = raw(dtu_okta, "POST", "/api/v1/users", json={"profile": {}})
    assert response.status_code == 400
    body = response.json()
    assert body["errorCode"] == "E0000001"
    assert body["errorSummary"] == "Api validation failed: login"
    assert [c["errorSummary"] for c in body["errorCauses"]] == [
        "login: The field cannot be left blank",
        "firstName: The field cannot be left blank",
        "lastName: The field cannot be left blank",
        "email: The field cannot be left blank",
        "login: Username must be in the form of an email address",
    ]


async def test_bad_input_is_an_okta_error_never_a_500(okta: Client, dtu_okta: Any) -> None:
    cases: list[tuple[Any, str]] = [
        ({"profile": person("ada")}, "E0000001"),  # login not an email address
        ({"profile": person("ada@example.com", email="not-an-email")}, "E0000001"),
        ({"profile": "ada"}, "E0000003"),
        ({"profile": person("o@example.com", first={"x": 1})}, "E0000003"),
        ({"profile": person("p@example.com"), "credentials": {"password": {"value": 12345678}}}, "E0000003"),
        ({"profile": person("q@example.com"), "credentials": {"password": {"value": "short"}}}, "E0000001"),
        ({"profile": person("r@example.com"), "groupIds": "00g"}, "E0000003"),
        ([1, 2, 3], "E0000003"),
    ]
    for body, code in cases:
        response = raw(dtu_okta, "POST", "/api/v1/users", json=body)
        assert response.status_code == 400, (body, response.text)
        assert response.json()["errorCode"] == code, (body, response.text)
    response = raw(
        dtu_okta, "POST", "/api/v1/users", content=b"{not json", headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 400 and response.json()["errorCode"] == "E0000003"


async def test_weak_password_names_the_policy(okta: Client) -> None:
    body = {"profile": person("weak@example.com"), "credentials": {"password": {"value": "weak@example.com1A"}}}
    _, _, err = await okta.create_user(body)
    assert (err.status, err.error_code, err.error_summary) == (400, "E0000001", "Api validation failed: password")
    assert err.error_causes[0]["errorSummary"].startswith("password: Password requirements were not met.")


# -- lookup ----------------------------------------------------------------------------
async def test_get_by_id_login_and_me(okta: Client, dtu_okta: Any) -> None:
    user = await create(okta, "find.me@example.com")
    by_id, _, _ = await okta.get_user(user.id)
    by_login, _, _ = await okta.get_user("FIND.ME@example.com")
    me, _, _ = await okta.get_user("me")
    assert by_id.id == by_login.id == user.id
    assert me.id == dtu_okta.admin_id
    _, _, err = await okta.get_user("00uNOPE000000000000")
    assert (err.status, err.error_code) == (404, "E0000007")
    assert err.error_summary == "Not found: Resource not found: 00uNOPE000000000000 (User)"


# -- listing -----------------------------------------------------------------------------
async def _logins(okta: Client, **query: Any) -> list[str]:
    users, _, err = await okta.list_users(**query)
    assert err is None, err
    return [u.profile.login for u in users]


async def test_list_excludes_deprovisioned_but_filter_and_search_include_them(okta: Client, dtu_okta: Any) -> None:
    gone = await create(okta, "gone@example.com")
    await okta.deactivate_user(gone.id)
    assert "gone@example.com" not in await _logins(okta)
    assert await _logins(okta, filter='status eq "DEPROVISIONED"') == ["gone@example.com"]
    assert await _logins(okta, search='status eq "DEPROVISIONED"') == ["gone@example.com"]
    assert dtu_okta.admin_login in await _logins(okta)


async def test_q_is_a_starts_with_on_names_and_email(okta: Client) -> None:
    await create(okta, "alan@example.com", profile={"first": "Alan", "last": "Turing"})
    await create(okta, "tur@example.com", profile={"first": "Tim", "last": "Berners"})
    await create(okta, "kath@example.com", profile={"first": "Katherine", "last": "Johnson"})
    assert await _logins(okta, q="tur") == ["alan@example.com", "tur@example.com"]
    assert await _logins(okta, q="KATH") == ["kath@example.com"]
    assert await _logins(okta, q="ing") == []  # not a substring match
    assert len(await _logins(okta, q="", limit=1)) == 1


async def test_filter_supports_its_properties_case_sensitively(okta: Client) -> None:
    await create(okta, "Mixed.Case@example.com", profile={"first": "Mixed"})
    assert await _logins(okta, filter='profile.login eq "Mixed.Case@example.com"') == ["Mixed.Case@example.com"]
    assert await _logins(okta, filter='profile.login eq "mixed.case@example.com"') == []
    both = 'profile.firstName eq "Mixed" or profile.login eq "admin@example.com"'
    assert sorted(await _logins(okta, filter=both)) == ["Mixed.Case@example.com", "admin@example.com"]
    assert await _logins(okta, filter='lastUpdated gt "2000-01-01T00:00:00.000Z" and status eq "ACTIVE"')


async def test_search_operators_and_sorting(okta: Client) -> None:
    await create(okta, "b.smith@example.com", profile={"first": "Bob", "last": "Smith", "department": "Eng"})
    await create(okta, "a.smythe@example.com", profile={"first": "Amy", "last": "Smythe", "department": "Ops"})
    await create(okta, "c.jones@example.com", profile={"first": "Cy", "last": "Jones", "department": "Eng"})
    assert await _logins(okta, search='profile.lastName sw "sm"') == ["b.smith@example.com", "a.smythe@example.com"]
    assert await _logins(okta, search='profile.email co "JONES"') == ["c.jones@example.com"]
    assert len(await _logins(okta, search="profile.department pr")) == 3
    eng = 'profile.department eq "eng" and (profile.firstName eq "Bob" or profile.firstName eq "Cy")'
    assert await _logins(okta, search=eng) == ["b.smith@example.com", "c.jones@example.com"]
    ordered = await _logins(okta, search="profile.department pr", sort_by="profile.firstName", sort_order="desc")
    assert ordered == ["c.jones@example.com", "b.smith@example.com", "a.smythe@example.com"]


async def test_invalid_expressions_are_e0000031(okta: Client) -> None:
    for query in (
        {"filter": 'status ne "ACTIVE"'},  # filter supports eq only (and ranges on lastUpdated)
        {"filter": 'profile.department eq "Eng"'},  # not a filterable property
        {"filter": 'status eq "ACTIVE'},  # unterminated string
        {"search": 'profile.department co "En"'},  # co only on names, email and login
        {"search": 'status ne "ACTIVE"'},
        {"search": "nonsense"},
    ):
        _, _, err = await okta.list_users(**query)
        assert (err.status, err.error_code, err.error_summary) == (400, "E0000031", "Invalid search criteria."), query
    _, _, err = await okta.list_users(search='status eq "ACTIVE"', filter='status eq "ACTIVE"')
    assert (err.status, err.error_code) == (400, "E0000033")


async def test_pagination_follows_link_headers(okta: Client) -> None:
    for n in range(5):
        await create(okta, f"page{n}@example.com", profile={"first": f"P{n}"})
    seen: list[str] = []
    after = None
    pages = 0
    while True:
        users, resp, err = await okta.list_users(limit=2, after=after, search='profile.firstName sw "P"')
        assert err is None, err
        pages += 1
        seen += [u.profile.login for u in users]
        assert 'rel="self"' in resp.headers["Link"]
        after = PaginationHelper.extract_next_cursor(resp.headers)
        if after is None:
            break
    assert pages == 3
    assert seen == [f"page{n}@example.com" for n in range(5)]


async def test_plain_listing_pages_in_creation_order(okta: Client, dtu_okta: Any) -> None:
    for n in range(3):
        await create(okta, f"order{n}@example.com")
    first, resp, _ = await okta.list_users(limit=2)
    after = PaginationHelper.extract_next_cursor(resp.headers)
    rest, resp, _ = await okta.list_users(limit=2, after=after)
    assert [u.profile.login for u in first + rest] == [dtu_okta.admin_login] + [
        f"order{n}@example.com" for n in range(3)
    ]
    assert PaginationHelper.extract_next_cursor(resp.headers) is None


# -- updates -----------------------------------------------------------------------------
async def test_partial_update_merges_and_replace_replaces(okta: Client) -> None:
    user = await create(okta, "upd@example.com", profile={"nickName": "Countess"})
    updated, _, err = await okta.update_user(user.id, {"profile": {"title": "Analyst"}})
    assert err is None, err
    assert updated.profile.nick_name == "Countess" and updated.profile.title == "Analyst"
    assert updated.last_updated >= user.last_updated
    replaced, _, err = await okta.replace_user(user.id, {"profile": person("upd@example.com", first="Augusta")})
    assert err is None, err
    assert replaced.profile.first_name == "Augusta"
    assert replaced.profile.nick_name is None and replaced.profile.title is None
    _, _, err = await okta.replace_user(user.id, {"profile": {"firstName": "Only"}})
    assert (err.status, err.error_code) == (400, "E0000001")


async def test_update_to_a_taken_login_is_rejected(okta: Client) -> None:
    await create(okta, "taken@example.com")
    other = await create(okta, "other@example.com")
    _, _, err = await okta.update_user(other.id, {"profile": {"login": "Taken@example.com"}})
    assert (err.status, err.error_code) == (400, "E0000001")
    assert err.error_causes[0]["errorSummary"].startswith("login: An object with this field already exists")
    renamed, _, err = await okta.update_user(other.id, {"profile": {"login": "renamed@example.com"}})
    assert err is None and renamed.profile.login == "renamed@example.com"
    fetched, _, _ = await okta.get_user("renamed@example.com")
    assert fetched.id == other.id


# -- deletion ------------------------------------------------------------------------------
async def test_delete_deactivates_first_then_deletes(okta: Client, dtu_okta: Any) -> None:
    group = raw(dtu_okta, "POST", "/api/v1/groups", json={"profile": {"name": "Doomed"}}).json()
    user = await create(okta, "del@example.com", body={"groupIds": [group["id"]]})
    _, resp, err = await okta.delete_user(user.id)
    assert err is None and resp.status_code == 204
    fetched, _, _ = await okta.get_user(user.id)
    assert status(fetched) == "DEPROVISIONED"
    _, resp, err = await okta.delete_user(user.id)
    assert err is None and resp.status_code == 204
    _, _, err = await okta.get_user(user.id)
    assert (err.status, err.error_code) == (404, "E0000007")
    members = raw(dtu_okta, "GET", f"/api/v1/groups/{group['id']}/users").json()
    assert members == []


# -- a user's groups and app links -----------------------------------------------------------
async def test_app_links_list_the_apps_assigned_through_groups(okta: Client, dtu_okta: Any) -> None:
    user = await create(okta, "links@example.com")
    links, _, err = await okta.list_app_links(user.id)
    assert err is None, err
    # The org's web app is assigned to Everyone, so every user has its link.
    apps = {app["id"]: app for app in raw(dtu_okta, "GET", "/api/v1/apps").json()}
    assert [link.app_instance_id for link in links] == [
        app_id for app_id, app in apps.items() if app["label"] == "DTU Web App"
    ]
    link = links[0]
    assert link.app_name == "oidc_client" and link.label and link.link_url.startswith("http")
    assert link.hidden is False and link.sort_order == 0 and link.app_assignment_id
