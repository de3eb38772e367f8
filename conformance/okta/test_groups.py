"""Groups API through the okta SDK: groups, their members, q/filter/search, paging, the Everyone group."""

from __future__ import annotations

from typing import Any

import httpx
from okta.client import Client
from okta.models import AddGroupRequest, CreateUserRequest, OktaUserGroupProfile, UserProfile
from okta.pagination import PaginationHelper

# The SDK's operations without a response body answer (None, resp, None) on success but (resp, err)
# on failure, so their error is read as the last element.


async def make_group(okta: Client, name: str, description: str | None = None) -> Any:
    group, _, err = await okta.add_group(
        AddGroupRequest(profile=OktaUserGroupProfile(name=name, description=description))
    )
    assert err is None, err
    return group


async def make_user(okta: Client, login: str) -> Any:
    body = CreateUserRequest(
        profile=UserProfile(firstName="Test", lastName=login.split("@")[0], email=login, login=login)
    )
    user, _, err = await okta.create_user(body, activate=False)
    assert err is None, err
    return user


def admin(dtu_okta: Any) -> httpx.Client:
    return httpx.Client(base_url=dtu_okta.org_url, headers={"Authorization": f"SSWS {dtu_okta.api_token}"})


async def everyone_id(okta: Client) -> str:
    groups, _, err = await okta.list_groups(filter='type eq "BUILT_IN"')
    assert err is None, err
    assert [g.profile.actual_instance.name for g in groups] == ["Everyone"]
    return str(groups[0].id)


async def test_create_get_and_wire_shape(okta: Client, dtu_okta: Any) -> None:
    group = await make_group(okta, "West Coast users", "All users West of The Rockies")
    assert group.id.startswith("00g") and len(group.id) == 20
    assert group.type == "OKTA_GROUP"
    assert group.object_class == ["okta:user_group"]
    fetched, _, err = await okta.get_group(group.id)
    assert err is None, err
    assert fetched.profile.actual_instance.name == "West Coast users"
    assert fetched.profile.actual_instance.description == "All users West of The Rockies"
    with admin(dtu_okta) as http:
        raw = http.get(f"/api/v1/groups/{group.id}").json()
    assert set(raw) == {
        "id",
        "created",
        "lastUpdated",
        "lastMembershipUpdated",
        "objectClass",
        "type",
        "profile",
        "_links",
    }
    assert raw["created"].endswith("Z") and raw["created"] == raw["lastUpdated"]
    assert raw["_links"]["users"]["href"].endswith(f"/api/v1/groups/{group.id}/users")
    assert raw["_links"]["apps"]["href"].endswith(f"/api/v1/groups/{group.id}/apps")
    assert [logo["name"] for logo in raw["_links"]["logo"]] == ["medium", "large"]


async def test_duplicate_name_and_missing_name_are_validation_errors(okta: Client) -> None:
    await make_group(okta, "Engineering")
    _, _, err = await okta.add_group(AddGroupRequest(profile=OktaUserGroupProfile(name="engineering")))
    assert err is not None and err.status == 400
    assert err.error_code == "E0000001"
    assert err.error_summary == "Api validation failed: name"
    assert [c["errorSummary"] for c in err.error_causes] == [
        "name: An object with this field already exists in the current organization"
    ]
    _, _, err = await okta.add_group(AddGroupRequest(profile=OktaUserGroupProfile(description="no name")))
    assert err is not None and err.error_code == "E0000001"


async def test_unknown_group_is_e0000007(okta: Client) -> None:
    _, _, err = await okta.get_group("00gnonexistent0000000")
    assert err is not None and err.status == 404
    assert err.error_code == "E0000007"
    assert err.error_summary == "Not found: Resource not found: 00gnonexistent0000000 (UserGroup)"


async def test_replace_profile_and_delete(okta: Client, dtu_okta: Any) -> None:
    group = await make_group(okta, "Old name", "old")
    dtu_okta.advance_clock(5)
    replaced, _, err = await okta.replace_group(
        group.id, AddGroupRequest(profile=OktaUserGroupProfile(name="New name", description="new"))
    )
    assert err is None, err
    assert replaced.profile.actual_instance.name == "New name"
    assert replaced.last_updated > group.last_updated
    assert replaced.created == group.created
    _, resp, err = await okta.delete_group(group.id)
    assert err is None, err
    assert resp.status_code == 204
    _, _, err = await okta.get_group(group.id)
    assert err is not None and err.status == 404
    assert group_events(dtu_okta, group.id) >= {
        "group.lifecycle.create",
        "group.profile.update",
        "group.lifecycle.delete",
    }


def group_events(dtu_okta: Any, target_id: str) -> set[str]:
    """The System Log event types that name `target_id` among their targets."""
    with admin(dtu_okta) as http:
        response = http.get("/api/v1/logs", params={"limit": 1000})
    assert response.status_code == 200, response.text
    return {e["eventType"] for e in response.json() if target_id in {t["id"] for t in e.get("target") or []}}


async def test_everyone_is_built_in_and_managed_by_okta(okta: Client) -> None:
    everyone = await everyone_id(okta)
    user = await make_user(okta, "ev@example.com")
    # Every user is in Everyone.
    members, _, err = await okta.list_group_users(everyone)
    assert err is None, err
    assert user.id in {m.id for m in members}
    *_, err = await okta.assign_user_to_group(everyone, user.id)
    assert err is not None and err.error_code == "E0000060"
    assert err.error_summary == "Unsupported operation."
    *_, err = await okta.unassign_user_from_group(everyone, user.id)
    assert err is not None and err.error_code == "E0000006" and err.status == 403
    *_, err = await okta.delete_group(everyone)
    assert err is not None and err.error_code == "E0000006"
    _, _, err = await okta.replace_group(everyone, AddGroupRequest(profile=OktaUserGroupProfile(name="All")))
    assert err is not None and err.error_code == "E0000006"


async def test_members_add_list_page_and_remove(okta: Client, dtu_okta: Any) -> None:
    group = await make_group(okta, "Members")
    users = [await make_user(okta, f"member{i}@example.com") for i in range(5)]
    for user in users:
        _, resp, err = await okta.assign_user_to_group(group.id, user.id)
        assert err is None, err
        assert resp.status_code == 204
    # Adding twice is idempotent.
    *_, err = await okta.assign_user_to_group(group.id, users[0].id)
    assert err is None, err
    seen: list[str] = []
    after: str | None = None
    pages = 0
    while True:
        members, resp, err = await okta.list_group_users(group.id, after=after, limit=2)
        assert err is None, err
        pages += 1
        seen.extend(m.id for m in members)
        after = PaginationHelper.extract_next_cursor(resp.headers)
        if after is None:
            break
    assert seen == [u.id for u in users]
    assert pages == 3
    assert members[0].profile.login == "member4@example.com"  # the User shape, as the Users API renders it
    _, resp, err = await okta.unassign_user_from_group(group.id, users[1].id)
    assert err is None, err
    assert resp.status_code == 204
    assert {"group.user_membership.add", "group.user_membership.remove"} <= group_events(dtu_okta, users[1].id)
    members, _, _ = await okta.list_group_users(group.id)
    assert [m.id for m in members] == [u.id for u in users if u.id != users[1].id]
    fetched, _, _ = await okta.get_group(group.id)
    assert fetched.last_membership_updated >= fetched.last_updated
    *_, err = await okta.assign_user_to_group(group.id, "00unobody000000000000")
    assert err is not None and err.error_code == "E0000007"


async def test_list_q_filter_search_and_paging(okta: Client, dtu_okta: Any) -> None:
    for name in ("Sales East", "Sales West", "Support", "Engineering", "sales ops"):
        await make_group(okta, name)
    groups, resp, err = await okta.list_groups(q="sales")
    assert err is None, err
    assert [g.profile.actual_instance.name for g in groups] == ["Sales East", "Sales West", "sales ops"]
    assert PaginationHelper.extract_next_cursor(resp.headers) is None

    groups, _, _ = await okta.list_groups(filter='type eq "OKTA_GROUP"')
    assert len(groups) == 5 and all(g.type == "OKTA_GROUP" for g in groups)

    groups, _, _ = await okta.list_groups(search='profile.name sw "Su"')
    assert [g.profile.actual_instance.name for g in groups] == ["Support"]
    groups, _, _ = await okta.list_groups(search='profile.name eq "Engineering" or profile.name co "West"')
    assert sorted(g.profile.actual_instance.name for g in groups) == ["Engineering", "Sales West"]
    support = groups[0]
    groups, _, _ = await okta.list_groups(filter=f'id eq "{support.id}"')
    assert [g.id for g in groups] == [support.id]

    _, _, err = await okta.list_groups(filter='profile.name eq "Support"')
    assert err is not None and err.status == 400  # filter supports only id, type, lastUpdated, lastMembershipUpdated

    # Paging through all groups (Everyone first) with the SDK's cursor.
    names: list[str] = []
    after: str | None = None
    while True:
        page, resp, err = await okta.list_groups(limit=2, after=after)
        assert err is None, err
        names.extend(g.profile.actual_instance.name for g in page)
        after = PaginationHelper.extract_next_cursor(resp.headers)
        if after is None:
            break
    assert names == ["Everyone", "Sales East", "Sales West", "Support", "Engineering", "sales ops"]


async def test_last_updated_filter_and_stats(okta: Client, dtu_okta: Any) -> None:
    group = await make_group(okta, "Counted")
    user = await make_user(okta, "counted@example.com")
    await okta.assign_user_to_group(group.id, user.id)
    groups, _, _ = await okta.list_groups(filter='lastMembershipUpdated gt "2000-01-01T00:00:00.000Z"')
    assert group.id in {g.id for g in groups}
    groups, _, _ = await okta.list_groups(filter='lastUpdated lt "2000-01-01T00:00:00.000Z"')
    assert groups == []
    with admin(dtu_okta) as http:
        raw = http.get(f"/api/v1/groups/{group.id}", params={"expand": "stats"}).json()
    assert raw["_embedded"]["stats"]["usersCount"] == 1
    assert raw["_embedded"]["stats"]["appsCount"] == 0
