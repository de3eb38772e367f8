"""usergroups.create/list/update/disable/enable and usergroups.users.list/update."""

from __future__ import annotations

from slack_sdk import WebClient
from slack_sdk.scim import SCIMClient

from conformance.slack.expect import error_of
from conformance.slack.people import add_user, events_to, user_token


def general(client: WebClient) -> str:
    channels = client.conversations_list()["channels"]
    channel_id: str = next(c["id"] for c in channels if c["name"] == "general")
    return channel_id


def test_create(user: WebClient, dtu_slack) -> None:  # type: ignore[no-untyped-def]
    channel = general(user)
    group = user.usergroups_create(
        name="Marketing Team", handle="marketing-team", description="Marketing gurus", channels=[channel]
    )["usergroup"]
    assert group["id"].startswith("S")
    assert group["team_id"] == dtu_slack.team_id
    assert group["is_usergroup"] is True
    assert (group["name"], group["handle"], group["description"]) == (
        "Marketing Team",
        "marketing-team",
        "Marketing gurus",
    )
    assert group["prefs"]["channels"] == [channel]
    assert group["date_create"] > 0 and group["date_delete"] == 0
    assert group["created_by"] == dtu_slack.admin_user_id


def test_create_include_count(bot: WebClient) -> None:
    group = bot.usergroups_create(name="Bots' friends", handle="bots-friends", include_count=True)["usergroup"]
    assert group["user_count"] == 0


def test_create_name_must_be_unique(user: WebClient) -> None:
    user.usergroups_create(name="Team", handle="team")
    assert error_of(user.usergroups_create, name="Team", handle="team-two") == "name_already_exists"


def test_create_handle_must_be_unique(user: WebClient) -> None:
    user.usergroups_create(name="Team", handle="team")
    assert error_of(user.usergroups_create, name="Other team", handle="team") == "handle_already_exists"
    # "Must be unique among channels, users and User Groups."
    assert error_of(user.usergroups_create, name="Admins", handle="admin") == "handle_already_exists"


def test_create_bad_handle(user: WebClient) -> None:
    assert error_of(user.usergroups_create, name="Team", handle="Not A Handle!") == "bad_handle"


def test_create_invalid_channel(user: WebClient) -> None:
    assert error_of(user.usergroups_create, name="Team", channels=["C0000NOPE"]) == "invalid_channel_provided"


def test_guests_cannot_create(dtu_slack) -> None:  # type: ignore[no-untyped-def]
    guest = add_user(dtu_slack, "guest")
    scim = SCIMClient(token=dtu_slack.user_token, base_url=dtu_slack.base_url + "/scim/v1/")
    scim.patch_user(guest, {"urn:scim:schemas:extension:slack:guest:1.0": {"type": "multi"}})
    client = WebClient(token=user_token(dtu_slack, "guest", "usergroups:write"), base_url=dtu_slack.url)
    assert error_of(client.usergroups_create, name="Guests' group") == "user_is_restricted"


def test_list_and_its_flags(user: WebClient, dtu_slack) -> None:  # type: ignore[no-untyped-def]
    alice = add_user(dtu_slack, "alice")
    kept = user.usergroups_create(name="Kept", handle="kept")["usergroup"]["id"]
    gone = user.usergroups_create(name="Gone", handle="gone")["usergroup"]["id"]
    user.usergroups_users_update(usergroup=kept, users=[alice])
    user.usergroups_disable(usergroup=gone)

    plain = user.usergroups_list()["usergroups"]
    assert [g["id"] for g in plain] == [kept]
    assert "users" not in plain[0] and "user_count" not in plain[0]

    everything = user.usergroups_list(include_disabled=True, include_users=True, include_count=True)["usergroups"]
    by_id = {g["id"]: g for g in everything}
    assert set(by_id) == {kept, gone}
    assert by_id[kept]["users"] == [alice] and by_id[kept]["user_count"] == 1
    assert by_id[gone]["date_delete"] > 0


def test_update(user: WebClient) -> None:
    group = user.usergroups_create(name="Team", handle="team")["usergroup"]
    updated = user.usergroups_update(usergroup=group["id"], name="Renamed", handle="renamed", description="new words")[
        "usergroup"
    ]
    assert (updated["name"], updated["handle"], updated["description"]) == ("Renamed", "renamed", "new words")
    assert updated["date_update"] >= group["date_update"]
    listed = user.usergroups_list()["usergroups"][0]
    assert listed["name"] == "Renamed"


def test_update_to_a_taken_name(user: WebClient) -> None:
    user.usergroups_create(name="One", handle="one")
    two = user.usergroups_create(name="Two", handle="two")["usergroup"]["id"]
    assert error_of(user.usergroups_update, usergroup=two, name="One") == "name_already_exists"


def test_disable_and_enable(user: WebClient, dtu_slack) -> None:  # type: ignore[no-untyped-def]
    group = user.usergroups_create(name="Team", handle="team")["usergroup"]["id"]
    disabled = user.usergroups_disable(usergroup=group)["usergroup"]
    assert disabled["date_delete"] > 0
    assert disabled["deleted_by"] == dtu_slack.admin_user_id
    enabled = user.usergroups_enable(usergroup=group)["usergroup"]
    assert enabled["date_delete"] == 0
    assert [g["id"] for g in user.usergroups_list()["usergroups"]] == [group]


def test_users_update_and_list(user: WebClient, dtu_slack) -> None:  # type: ignore[no-untyped-def]
    alice, bob = add_user(dtu_slack, "alice"), add_user(dtu_slack, "bob")
    group = user.usergroups_create(name="Team", handle="team")["usergroup"]["id"]
    updated = user.usergroups_users_update(usergroup=group, users=[alice, bob], include_count=True)["usergroup"]
    assert updated["users"] == [alice, bob] and updated["user_count"] == 2
    assert user.usergroups_users_list(usergroup=group)["users"] == [alice, bob]
    user.usergroups_users_update(usergroup=group, users=[bob])
    assert user.usergroups_users_list(usergroup=group)["users"] == [bob]


def test_users_update_rejects_unknown_users(user: WebClient) -> None:
    group = user.usergroups_create(name="Team", handle="team")["usergroup"]["id"]
    assert error_of(user.usergroups_users_update, usergroup=group, users=["U0000NOPE"]) == "invalid_users"


def test_users_update_needs_users(user: WebClient) -> None:
    group = user.usergroups_create(name="Team", handle="team")["usergroup"]["id"]
    assert error_of(user.usergroups_users_update, usergroup=group, users=[]) == "no_users_provided"


def test_users_list_of_unknown_group(user: WebClient) -> None:
    assert error_of(user.usergroups_users_list, usergroup="S0000NOPE") == "no_such_subteam"


def test_users_list_of_disabled_group_needs_include_disabled(user: WebClient, dtu_slack) -> None:  # type: ignore[no-untyped-def]
    alice = add_user(dtu_slack, "alice")
    group = user.usergroups_create(name="Team", handle="team")["usergroup"]["id"]
    user.usergroups_users_update(usergroup=group, users=[alice])
    user.usergroups_disable(usergroup=group)
    assert error_of(user.usergroups_users_list, usergroup=group) == "no_such_subteam"
    assert user.usergroups_users_list(usergroup=group, include_disabled=True)["users"] == [alice]


def test_deactivated_members_leave_their_groups(user: WebClient, dtu_slack) -> None:  # type: ignore[no-untyped-def]
    alice, bob = add_user(dtu_slack, "alice"), add_user(dtu_slack, "bob")
    group = user.usergroups_create(name="Team", handle="team")["usergroup"]["id"]
    user.usergroups_users_update(usergroup=group, users=[alice, bob])
    user.admin_users_remove(team_id=dtu_slack.team_id, user_id=alice)
    assert user.usergroups_users_list(usergroup=group)["users"] == [bob]


# -- events ----------------------------------------------------------------------------


def test_subteam_events(user: WebClient, dtu_slack) -> None:  # type: ignore[no-untyped-def]
    alice, bob = add_user(dtu_slack, "alice"), add_user(dtu_slack, "bob")
    subscribed = ["subteam_created", "subteam_updated", "subteam_members_changed"]
    with events_to(dtu_slack, subscribed) as receiver:
        group = user.usergroups_create(name="Team", handle="team")["usergroup"]["id"]
        [created] = receiver.wait_for(lambda r: r.event.get("type") == "subteam_created")
        assert created.event["subteam"]["id"] == group and created.event["subteam"]["name"] == "Team"

        user.usergroups_users_update(usergroup=group, users=[alice, bob])
        user.usergroups_users_update(usergroup=group, users=[bob])
        changes = receiver.wait_for(lambda r: r.event.get("type") == "subteam_members_changed", count=2)
        # Slack does not promise delivery order: tell the two changes apart by content.
        first, second = sorted(changes, key=lambda r: len(r.event["added_users"]), reverse=True)
        assert first.event["subteam_id"] == group and first.event["team_id"] == dtu_slack.team_id
        assert first.event["added_users"] == [alice, bob] and first.event["removed_users"] == []
        assert second.event["added_users"] == [] and second.event["removed_users"] == [alice]
        assert second.event["date_previous_update"] <= second.event["date_update"]

        user.usergroups_update(usergroup=group, description="now described")
        updates = receiver.wait_for(
            lambda r: r.event.get("type") == "subteam_updated" and r.event["subteam"]["description"] == "now described"
        )
    assert updates[0].event["subteam"]["users"] == [bob]
    assert updates[0].event["subteam"]["user_count"] == 1
