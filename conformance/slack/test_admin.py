"""admin.users.invite, admin.users.remove, admin.conversations.invite (user tokens of admins only)."""

from __future__ import annotations

import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from conformance.slack.expect import error_of
from conformance.slack.people import add_user, user_token


def channel_named(client: WebClient, name: str) -> str:
    channel_id: str = next(c["id"] for c in client.conversations_list()["channels"] if c["name"] == name)
    return channel_id


def member_client(dtu_slack, name: str, scopes: str) -> WebClient:  # type: ignore[no-untyped-def]
    add_user(dtu_slack, name)
    return WebClient(token=user_token(dtu_slack, name, scopes), base_url=dtu_slack.url)


# -- admin.users.invite ----------------------------------------------------------------


def test_invite(user: WebClient, dtu_slack) -> None:  # type: ignore[no-untyped-def]
    channel = channel_named(user, "general")
    response = user.admin_users_invite(team_id=dtu_slack.team_id, email="new@example.com", channel_ids=[channel])
    assert response["ok"] is True
    # An invitation is not an account: nobody with that address is a member yet.
    assert error_of(user.users_lookupByEmail, email="new@example.com") == "users_not_found"


def test_invite_twice(user: WebClient, dtu_slack) -> None:  # type: ignore[no-untyped-def]
    channel = channel_named(user, "general")
    user.admin_users_invite(team_id=dtu_slack.team_id, email="new@example.com", channel_ids=[channel])
    error = error_of(user.admin_users_invite, team_id=dtu_slack.team_id, email="new@example.com", channel_ids=[channel])
    assert error == "already_in_team_invited_user"
    resent = user.admin_users_invite(
        team_id=dtu_slack.team_id, email="new@example.com", channel_ids=[channel], resend=True
    )
    assert resent["ok"] is True


def test_invite_a_member(user: WebClient, dtu_slack) -> None:  # type: ignore[no-untyped-def]
    channel = channel_named(user, "general")
    error = error_of(
        user.admin_users_invite, team_id=dtu_slack.team_id, email="admin@example.com", channel_ids=[channel]
    )
    assert error == "already_in_team"


def test_invite_invalid_email(user: WebClient, dtu_slack) -> None:  # type: ignore[no-untyped-def]
    channel = channel_named(user, "general")
    error = error_of(user.admin_users_invite, team_id=dtu_slack.team_id, email="not-an-email", channel_ids=[channel])
    assert error == "invalid_email"


def test_invite_by_a_non_admin(dtu_slack) -> None:  # type: ignore[no-untyped-def]
    alice = member_client(dtu_slack, "alice", "admin.users:write,channels:read")
    channel = channel_named(WebClient(token=dtu_slack.user_token, base_url=dtu_slack.url), "general")
    error = error_of(alice.admin_users_invite, team_id=dtu_slack.team_id, email="x@example.com", channel_ids=[channel])
    assert error == "not_an_admin"


def test_admin_methods_refuse_bot_tokens(bot: WebClient, dtu_slack) -> None:  # type: ignore[no-untyped-def]
    error = error_of(bot.admin_users_invite, team_id=dtu_slack.team_id, email="x@example.com", channel_ids=["C1"])
    assert error == "not_allowed_token_type"


def test_admin_methods_need_admin_scopes(dtu_slack) -> None:  # type: ignore[no-untyped-def]
    admin = WebClient(token=user_token(dtu_slack, "admin", "users:read"), base_url=dtu_slack.url)
    with pytest.raises(SlackApiError) as caught:
        admin.admin_users_remove(team_id=dtu_slack.team_id, user_id="U1")
    assert caught.value.response["error"] == "missing_scope"
    assert caught.value.response["needed"] == "admin.users:write"


# -- admin.users.remove ----------------------------------------------------------------


def test_remove_deactivates_and_stops_tokens(user: WebClient, dtu_slack) -> None:  # type: ignore[no-untyped-def]
    add_user(dtu_slack, "alice")
    alice_client = WebClient(token=user_token(dtu_slack, "alice", "users:read"), base_url=dtu_slack.url)
    alice = alice_client.auth_test()["user_id"]
    assert user.admin_users_remove(team_id=dtu_slack.team_id, user_id=alice)["ok"] is True
    assert user.users_info(user=alice)["user"]["deleted"] is True
    assert error_of(alice_client.auth_test) == "account_inactive"


def test_removed_member_leaves_channels(user: WebClient, dtu_slack) -> None:  # type: ignore[no-untyped-def]
    alice = add_user(dtu_slack, "alice")
    channel = channel_named(user, "general")
    user.admin_conversations_invite(channel_id=channel, user_ids=[alice])
    user.admin_users_remove(team_id=dtu_slack.team_id, user_id=alice)
    assert alice not in user.conversations_members(channel=channel)["members"]


def test_remove_twice(user: WebClient, dtu_slack) -> None:  # type: ignore[no-untyped-def]
    alice = add_user(dtu_slack, "alice")
    user.admin_users_remove(team_id=dtu_slack.team_id, user_id=alice)
    assert error_of(user.admin_users_remove, team_id=dtu_slack.team_id, user_id=alice) == "user_already_deleted"


def test_remove_primary_owner(user: WebClient, dtu_slack) -> None:  # type: ignore[no-untyped-def]
    error = error_of(user.admin_users_remove, team_id=dtu_slack.team_id, user_id=dtu_slack.admin_user_id)
    assert error == "cannot_modify_primary_owner"


def test_remove_unknown_user(user: WebClient, dtu_slack) -> None:  # type: ignore[no-untyped-def]
    assert error_of(user.admin_users_remove, team_id=dtu_slack.team_id, user_id="U0000NOPE") == "user_not_found"


def test_remove_unknown_team(user: WebClient, dtu_slack) -> None:  # type: ignore[no-untyped-def]
    alice = add_user(dtu_slack, "alice")
    assert error_of(user.admin_users_remove, team_id="T0000NOPE", user_id=alice) == "team_not_found"


def test_remove_by_a_non_admin(dtu_slack) -> None:  # type: ignore[no-untyped-def]
    bob = add_user(dtu_slack, "bob")
    alice = member_client(dtu_slack, "alice", "admin.users:write")
    assert error_of(alice.admin_users_remove, team_id=dtu_slack.team_id, user_id=bob) == "invalid_permissions"


# -- admin.conversations.invite --------------------------------------------------------


def test_conversations_invite(user: WebClient, dtu_slack) -> None:  # type: ignore[no-untyped-def]
    alice, bob = add_user(dtu_slack, "alice"), add_user(dtu_slack, "bob")
    channel = channel_named(user, "random")
    assert user.admin_conversations_invite(channel_id=channel, user_ids=[alice, bob])["ok"] is True
    members = user.conversations_members(channel=channel)["members"]
    assert alice in members and bob in members


def test_conversations_invite_to_a_private_channel_without_being_in_it(user: WebClient, dtu_slack) -> None:  # type: ignore[no-untyped-def]
    alice = add_user(dtu_slack, "alice")
    alice_client = WebClient(token=user_token(dtu_slack, "alice", "groups:write,groups:read"), base_url=dtu_slack.url)
    secret = alice_client.conversations_create(name="secret", is_private=True)["channel"]["id"]
    bob = add_user(dtu_slack, "bob")
    user.admin_conversations_invite(channel_id=secret, user_ids=[bob])
    assert bob in alice_client.conversations_members(channel=secret)["members"]
    assert alice in alice_client.conversations_members(channel=secret)["members"]


def test_conversations_invite_unknown_channel(user: WebClient, dtu_slack) -> None:  # type: ignore[no-untyped-def]
    alice = add_user(dtu_slack, "alice")
    assert error_of(user.admin_conversations_invite, channel_id="C0000NOPE", user_ids=[alice]) == "channel_not_found"


def test_conversations_invite_unknown_user(user: WebClient) -> None:
    channel = channel_named(user, "general")
    assert (
        error_of(user.admin_conversations_invite, channel_id=channel, user_ids=["U0000NOPE"]) == "failed_for_some_users"
    )


def test_conversations_invite_by_a_non_admin(dtu_slack) -> None:  # type: ignore[no-untyped-def]
    bob = add_user(dtu_slack, "bob")
    alice = member_client(dtu_slack, "alice", "admin.conversations:write")
    channel = channel_named(WebClient(token=dtu_slack.user_token, base_url=dtu_slack.url), "general")
    assert error_of(alice.admin_conversations_invite, channel_id=channel, user_ids=[bob]) == "user_must_be_admin"


def test_conversations_invite_into_a_dm(user: WebClient, dtu_slack) -> None:  # type: ignore[no-untyped-def]
    alice, bob = add_user(dtu_slack, "alice"), add_user(dtu_slack, "bob")
    dm = user.conversations_open(users=[alice])["channel"]["id"]
    assert error_of(user.admin_conversations_invite, channel_id=dm, user_ids=[bob]) == "channel_type_not_supported"
