"""SCIM v1.1 through slack_sdk's SCIMClient: Users and Groups.

Status codes and error bodies follow what Slack answers (slackapi/python-slack-sdk and
java-slack-sdk integration tests against real Slack): POST 201, PATCH user 200, DELETE
user 200 (and repeatable), PATCH group 204, DELETE group 204, a bad token 401 with
`{"Errors": {"description": "invalid_authentication", "code": 401}}`, a bad filter 400
`no_filters`.
"""

from __future__ import annotations

import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.scim import SCIMClient
from slack_sdk.scim.v1.group import Group, GroupMember
from slack_sdk.scim.v1.user import User, UserEmail, UserName

from conformance.slack.people import add_user, events_to, user_token


@pytest.fixture
def scim(dtu_slack) -> SCIMClient:  # type: ignore[no-untyped-def]
    return SCIMClient(token=dtu_slack.user_token, base_url=dtu_slack.base_url + "/scim/v1/")


def new_user(name: str) -> User:
    return User(
        user_name=name,
        name=UserName(given_name="Kaz", family_name="Sera"),
        emails=[UserEmail(value=f"{name}@example.com")],
        schemas=["urn:scim:schemas:core:1.0"],
    )


# -- access ----------------------------------------------------------------------------


def test_bad_token_is_invalid_authentication(dtu_slack) -> None:  # type: ignore[no-untyped-def]
    client = SCIMClient(token="xoxp-dummy", base_url=dtu_slack.base_url + "/scim/v1/")
    response = client.search_users(start_index=1, count=10)
    assert response.status_code == 401
    assert response.errors is not None
    assert (response.errors.code, response.errors.description) == (401, "invalid_authentication")


def test_bot_tokens_are_refused(dtu_slack) -> None:  # type: ignore[no-untyped-def]
    client = SCIMClient(token=dtu_slack.bot_token, base_url=dtu_slack.base_url + "/scim/v1/")
    response = client.search_users(start_index=1, count=10)
    assert response.status_code == 403
    assert response.errors is not None and response.errors.code == 403


def test_non_admins_are_refused(dtu_slack) -> None:  # type: ignore[no-untyped-def]
    add_user(dtu_slack, "alice")
    client = SCIMClient(token=user_token(dtu_slack, "alice", "admin"), base_url=dtu_slack.base_url + "/scim/v1/")
    assert client.search_users(start_index=1, count=10).status_code == 403


# -- Users -------------------------------------------------------------------------------


def test_search_users(scim: SCIMClient, dtu_slack) -> None:  # type: ignore[no-untyped-def]
    response = scim.search_users(start_index=1, count=100)
    assert response.status_code == 200
    body = response.snake_cased_body
    assert body["start_index"] == 1 and body["total_results"] == 2
    assert response.body["schemas"] == ["urn:scim:schemas:core:1.0"]
    admin = next(u for u in response.users if u.id == dtu_slack.admin_user_id)
    assert admin.user_name == "admin"
    assert admin.active is True
    assert admin.emails[0].value == "admin@example.com" and admin.emails[0].primary is True
    assert admin.meta.location.endswith(f"/Users/{dtu_slack.admin_user_id}")


def test_search_users_pages(scim: SCIMClient, dtu_slack) -> None:  # type: ignore[no-untyped-def]
    add_user(dtu_slack, "alice")
    first = scim.search_users(start_index=1, count=1)
    second = scim.search_users(start_index=2, count=1)
    assert first.snake_cased_body["items_per_page"] == 1 and len(first.users) == 1
    assert second.snake_cased_body["start_index"] == 2 and len(second.users) == 1
    assert first.users[0].id != second.users[0].id
    assert first.snake_cased_body["total_results"] == 3


def test_search_users_filter(scim: SCIMClient, dtu_slack) -> None:  # type: ignore[no-untyped-def]
    alice = add_user(dtu_slack, "alice")
    by_name = scim.search_users(start_index=1, count=1, filter='userName eq "alice"')
    assert [u.id for u in by_name.users] == [alice]
    assert by_name.snake_cased_body["total_results"] == 1
    assert scim.search_users(start_index=1, count=10, filter='userName Eq "nobody"').users == []


def test_search_users_bad_filter(scim: SCIMClient) -> None:
    response = scim.search_users(start_index=1, count=1, filter="foo")
    assert response.status_code == 400
    assert response.errors is not None and response.errors.code == 400
    assert response.errors.description.startswith("no_filters")


def test_read_user(scim: SCIMClient, dtu_slack) -> None:  # type: ignore[no-untyped-def]
    alice = add_user(dtu_slack, "alice")
    response = scim.read_user(alice)
    assert response.status_code == 200
    assert response.user.id == alice and response.user.user_name == "alice"


def test_read_unknown_user(scim: SCIMClient) -> None:
    response = scim.read_user("U0000NOPE")
    assert response.status_code == 404
    assert response.errors is not None and response.errors.code == 404


def test_create_user(scim: SCIMClient, user: WebClient) -> None:
    created = scim.create_user(new_user("kaz"))
    assert created.status_code == 201
    assert created.user.user_name == "kaz"
    assert created.user.name.given_name == "Kaz" and created.user.name.family_name == "Sera"
    assert created.user.active is True
    # The same member through the Web API.
    info = user.users_info(user=created.user.id)["user"]
    assert info["name"] == "kaz" and info["profile"]["email"] == "kaz@example.com"
    assert user.users_lookupByEmail(email="kaz@example.com")["user"]["id"] == created.user.id


def test_create_user_name_taken(scim: SCIMClient) -> None:
    scim.create_user(new_user("kaz"))
    again = new_user("kaz")
    again.emails = [UserEmail(value="other@example.com")]
    response = scim.create_user(again)
    assert response.status_code == 409
    assert response.errors is not None and response.errors.code == 409


def test_create_user_email_taken(scim: SCIMClient) -> None:
    taken = new_user("someone")
    taken.emails = [UserEmail(value="admin@example.com")]
    response = scim.create_user(taken)
    assert response.status_code == 409


def test_create_user_needs_an_email(scim: SCIMClient) -> None:
    response = scim.create_user({"user_name": "noemail", "name": {"given_name": "No", "family_name": "Mail"}})
    assert response.status_code == 400
    assert response.errors is not None and response.errors.code == 400


def test_patch_user(scim: SCIMClient) -> None:
    created = scim.create_user(new_user("kaz")).user
    patched = scim.patch_user(
        created.id, User(user_name="kaz_2", name=UserName(given_name="Kazuhiro", family_name="Sera"))
    )
    assert patched.status_code == 200
    assert patched.user.user_name == "kaz_2" and patched.user.name.given_name == "Kazuhiro"
    # snake_cased dict keys are camel-cased by the SDK
    again = scim.patch_user(created.id, {"user_name": "kaz_3", "name": {"given_name": "Kaz", "family_name": "Sera"}})
    assert again.user.user_name == "kaz_3" and again.user.name.given_name == "Kaz"
    assert scim.read_user(created.id).user.user_name == "kaz_3"


def test_update_user(scim: SCIMClient) -> None:
    created = scim.create_user(new_user("kaz")).user
    created.name = UserName(given_name="Foo", family_name="Bar")
    updated = scim.update_user(created)
    assert updated.status_code == 200
    assert updated.user.name.given_name == "Foo" and updated.user.name.family_name == "Bar"


def test_delete_user_deactivates(scim: SCIMClient, user: WebClient, dtu_slack) -> None:  # type: ignore[no-untyped-def]
    add_user(dtu_slack, "alice")
    alice_client = WebClient(token=user_token(dtu_slack, "alice", "users:read"), base_url=dtu_slack.url)
    alice = alice_client.auth_test()["user_id"]
    assert scim.delete_user(alice).status_code == 200
    assert scim.delete_user(alice).status_code == 200  # can be called again
    assert scim.read_user(alice).user.active is False
    assert user.users_info(user=alice)["user"]["deleted"] is True
    with pytest.raises(SlackApiError) as caught:
        alice_client.auth_test()
    assert caught.value.response["error"] == "account_inactive"


def test_patch_active_reactivates(scim: SCIMClient, user: WebClient, dtu_slack) -> None:  # type: ignore[no-untyped-def]
    alice = add_user(dtu_slack, "alice")
    scim.delete_user(alice)
    assert scim.patch_user(alice, {"active": True}).user.active is True
    assert user.users_info(user=alice)["user"]["deleted"] is False


def test_primary_owner_cannot_be_deactivated(scim: SCIMClient, dtu_slack) -> None:  # type: ignore[no-untyped-def]
    response = scim.delete_user(dtu_slack.admin_user_id)
    assert response.status_code == 403
    assert scim.read_user(dtu_slack.admin_user_id).user.active is True


# -- Groups ------------------------------------------------------------------------------


def test_group_crud(scim: SCIMClient, user: WebClient, dtu_slack) -> None:  # type: ignore[no-untyped-def]
    alice, bob = add_user(dtu_slack, "alice"), add_user(dtu_slack, "bob")
    creation = scim.create_group(Group(display_name="TestGroup", members=[GroupMember(value=alice)]))
    assert creation.status_code == 201
    group = creation.group
    assert group.id.startswith("S") and group.display_name == "TestGroup"
    assert [m.value for m in group.members] == [alice]

    renamed = scim.patch_group(group.id, Group(display_name="Test Group 2"))
    assert renamed.status_code == 204
    assert scim.read_group(group.id).group.display_name == "Test Group 2"

    scim.patch_group(group.id, {"members": [{"value": bob}, {"value": alice, "operation": "delete"}]})
    assert [m.value for m in scim.read_group(group.id).group.members] == [bob]

    group.display_name = "Test Group 3"
    group.members = [GroupMember(value=alice), GroupMember(value=bob)]
    updated = scim.update_group(group)
    assert updated.status_code == 200
    assert updated.group.display_name == "Test Group 3"
    assert sorted(m.value for m in updated.group.members) == sorted([alice, bob])

    # SCIM groups are the workspace's User Groups.
    assert user.usergroups_users_list(usergroup=group.id)["users"] == [alice, bob]

    assert scim.delete_group(group.id).status_code == 204
    assert scim.read_group(group.id).status_code == 404


def test_search_groups(scim: SCIMClient, user: WebClient) -> None:
    made = user.usergroups_create(name="Engineering", handle="eng")["usergroup"]["id"]
    scim.create_group(Group(display_name="Design"))
    response = scim.search_groups(start_index=1, count=1)
    assert response.status_code == 200
    assert len(response.groups) == 1 and response.snake_cased_body["total_results"] == 2
    found = scim.search_groups(start_index=1, count=10, filter='displayName eq "Engineering"')
    assert [g.id for g in found.groups] == [made]


def test_search_groups_bad_filter(scim: SCIMClient) -> None:
    response = scim.search_groups(start_index=1, count=-1, filter="foo")
    assert response.errors is not None and response.errors.code == 400


def test_group_name_taken(scim: SCIMClient) -> None:
    scim.create_group(Group(display_name="Twice"))
    assert scim.create_group(Group(display_name="Twice")).status_code == 409


def test_user_shows_its_groups(scim: SCIMClient, dtu_slack) -> None:  # type: ignore[no-untyped-def]
    alice = add_user(dtu_slack, "alice")
    group = scim.create_group(Group(display_name="Team", members=[GroupMember(value=alice)])).group
    groups = scim.read_user(alice).user.groups
    assert [(g.value, g.display) for g in groups] == [(group.id, "Team")]


def test_unknown_group(scim: SCIMClient) -> None:
    assert scim.read_group("S0000NOPE").status_code == 404
    assert scim.patch_group("S0000NOPE", Group(display_name="x")).status_code == 404
    assert scim.delete_group("S0000NOPE").status_code == 404


# -- twin controls -----------------------------------------------------------------------


def test_injected_fault_uses_the_scim_error_shape(scim: SCIMClient, dtu_slack) -> None:  # type: ignore[no-untyped-def]
    dtu_slack.fault(operation="scim.Users.*", kind="error", status=503, error="service_unavailable", remaining=1)
    failed = scim.search_users(start_index=1, count=1)
    assert failed.status_code == 503
    assert failed.errors is not None and (failed.errors.code, failed.errors.description) == (503, "service_unavailable")
    assert scim.search_users(start_index=1, count=1).status_code == 200
    operations = [entry["operation"] for entry in dtu_slack.journal(path="/scim/v1/Users")]
    assert operations[-2:] == ["scim.Users.list", "scim.Users.list"]


def test_created_user_sends_team_join(scim: SCIMClient, dtu_slack) -> None:  # type: ignore[no-untyped-def]
    with events_to(dtu_slack, ["team_join"]) as receiver:
        created = scim.create_user(new_user("kaz")).user
        [delivery] = receiver.wait_for(lambda r: r.event.get("type") == "team_join")
    assert delivery.event["user"]["id"] == created.id and delivery.event["user"]["name"] == "kaz"
