"""conversations.* and users.conversations through slack_sdk, as Slack documents them.

Sources: the method pages on docs.slack.dev (errors, arguments, example responses) and
Slack's OpenAPI spec (response schemas). A fresh workspace has #general and #random, the
owner (user token) in both, and the app's bot in none.
"""

from __future__ import annotations

from typing import Any

import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from conformance.slack.expect import error_body
from conformance.slack.receiver import Receiver


def channel_named(client: WebClient, name: str, **kwargs: Any) -> dict[str, Any]:
    for page in client.conversations_list(limit=1000, **kwargs):
        for channel in page["channels"]:
            if channel.get("name") == name:
                found: dict[str, Any] = channel
                return found
    raise AssertionError(f"no channel {name}")


@pytest.fixture
def general(user: WebClient) -> str:
    channel_id: str = channel_named(user, "general")["id"]
    return channel_id


@pytest.fixture
def team_user(dtu_slack) -> str:  # type: ignore[no-untyped-def]
    """A second human in the workspace (not in any channel)."""
    response = dtu_slack.control("POST", "/seed", json={"users": [{"name": "alice", "email": "alice@example.com"}]})
    response.raise_for_status()
    user_id: str = response.json()["created"]["users"][0]
    return user_id


# -- conversations.list / users.conversations ----------------------------------------------


def test_list_public_channels(bot: WebClient) -> None:
    response = bot.conversations_list()
    names = {c["name"] for c in response["channels"]}
    assert {"general", "random"} <= names
    general = next(c for c in response["channels"] if c["name"] == "general")
    assert general["id"].startswith("C")
    assert general["is_channel"] is True and general["is_private"] is False
    assert general["is_general"] is True
    assert general["is_member"] is False  # the bot has not been invited anywhere
    assert general["num_members"] == 1
    assert response["response_metadata"]["next_cursor"] == ""


def test_list_paginates_with_cursor(user: WebClient) -> None:
    for i in range(5):
        user.conversations_create(name=f"page-{i}")
    seen: list[str] = []
    pages = 0
    for page in user.conversations_list(limit=2):
        pages += 1
        assert len(page["channels"]) <= 2
        seen.extend(c["id"] for c in page["channels"])
    assert pages == 4  # 7 channels, 2 per page
    assert len(seen) == len(set(seen)) == 7


def test_list_bad_cursor_and_types(user: WebClient) -> None:
    assert error_body(user.conversations_list, cursor="not-a-cursor!")["error"] == "invalid_cursor"
    assert error_body(user.conversations_list, types="public_channel,rooms")["error"] == "invalid_types"


def test_private_channels_are_listed_for_members_only(user: WebClient, bot: WebClient) -> None:
    created = user.conversations_create(name="secret", is_private=True)["channel"]
    assert created["is_private"] is True
    mine = [c["id"] for c in user.conversations_list(types="private_channel")["channels"]]
    assert mine == [created["id"]]
    assert bot.conversations_list(types="private_channel")["channels"] == []
    assert error_body(bot.conversations_info, channel=created["id"])["error"] == "channel_not_found"


def test_list_types_mix_and_exclude_archived(user: WebClient, team_user: str) -> None:
    old = user.conversations_create(name="old-stuff")["channel"]["id"]
    user.conversations_archive(channel=old)
    dm = user.conversations_open(users=team_user)["channel"]["id"]
    listed = {c["id"] for c in user.conversations_list(types="public_channel,im")["channels"]}
    assert {old, dm} <= listed
    current = {c["id"] for c in user.conversations_list(types="public_channel,im", exclude_archived=True)["channels"]}
    assert old not in current and dm in current
    im = next(c for c in user.conversations_list(types="im")["channels"] if c["id"] == dm)
    assert im["is_im"] is True and im["user"] == team_user


def test_users_conversations(user: WebClient, bot: WebClient, dtu_slack, general: str) -> None:  # type: ignore[no-untyped-def]
    assert bot.users_conversations()["channels"] == []
    bot.conversations_join(channel=general)
    assert [c["id"] for c in bot.users_conversations()["channels"]] == [general]
    owner = {c["name"] for c in bot.users_conversations(user=dtu_slack.admin_user_id)["channels"]}
    assert owner == {"general", "random"}
    assert bot.users_conversations()["response_metadata"]["next_cursor"] == ""


# -- conversations.info / create -----------------------------------------------------------


def test_info_with_member_count(user: WebClient, general: str) -> None:
    channel = user.conversations_info(channel=general, include_num_members=True)["channel"]
    assert channel["id"] == general and channel["name"] == "general"
    assert channel["num_members"] == 1
    assert "num_members" not in user.conversations_info(channel=general)["channel"]
    assert error_body(user.conversations_info, channel="C0NOTHERE0")["error"] == "channel_not_found"


def test_create_public_channel(bot: WebClient, dtu_slack) -> None:  # type: ignore[no-untyped-def]
    channel = bot.conversations_create(name="endeavor")["channel"]
    assert channel["id"].startswith("C")
    assert channel["name"] == "endeavor" and channel["name_normalized"] == "endeavor"
    assert channel["is_channel"] is True and channel["is_private"] is False
    assert channel["creator"] == dtu_slack.bot_user_id
    assert channel["is_member"] is True
    assert bot.conversations_members(channel=channel["id"])["members"] == [dtu_slack.bot_user_id]


@pytest.mark.parametrize(
    ("name", "error"),
    [
        ("Has-Caps", "invalid_name_specials"),
        ("two words", "invalid_name_specials"),
        ("dots.here", "invalid_name_specials"),
        ("x" * 81, "invalid_name_maxlength"),
        ("", "invalid_name_required"),
        ("general", "name_taken"),
    ],
)
def test_create_name_rules(user: WebClient, name: str, error: str) -> None:
    assert error_body(user.conversations_create, name=name)["error"] == error


def test_create_name_of_80_characters_is_fine(user: WebClient) -> None:
    assert user.conversations_create(name="a" * 80)["channel"]["name"] == "a" * 80


# -- rename / archive / unarchive ----------------------------------------------------------


def test_rename(user: WebClient, bot: WebClient, general: str) -> None:
    channel = user.conversations_create(name="before")["channel"]["id"]
    renamed = user.conversations_rename(channel=channel, name="after")["channel"]
    assert renamed["name"] == "after"
    assert "before" in renamed["previous_names"]
    assert error_body(user.conversations_rename, channel=channel, name="random")["error"] == "name_taken"
    assert error_body(user.conversations_rename, channel=channel, name="Bad Name")["error"] == "invalid_name_specials"
    assert error_body(bot.conversations_rename, channel=general, name="lobby")["error"] == "not_in_channel"
    user.conversations_archive(channel=channel)
    assert error_body(user.conversations_rename, channel=channel, name="later")["error"] == "is_archived"


def test_archive_and_unarchive(user: WebClient, general: str) -> None:
    channel = user.conversations_create(name="project-x")["channel"]["id"]
    assert user.conversations_archive(channel=channel)["ok"] is True
    assert user.conversations_info(channel=channel)["channel"]["is_archived"] is True
    assert error_body(user.conversations_archive, channel=channel)["error"] == "already_archived"
    assert user.conversations_unarchive(channel=channel)["ok"] is True
    assert user.conversations_info(channel=channel)["channel"]["is_archived"] is False
    assert error_body(user.conversations_unarchive, channel=channel)["error"] == "not_archived"
    assert error_body(user.conversations_archive, channel=general)["error"] == "cant_archive_general"


# -- join / leave / invite / kick / members -------------------------------------------------


def test_join(bot: WebClient, user: WebClient, general: str, dtu_slack) -> None:  # type: ignore[no-untyped-def]
    joined = bot.conversations_join(channel=general)
    assert joined["channel"]["id"] == general and joined["channel"]["is_member"] is True
    assert "warning" not in joined
    again = bot.conversations_join(channel=general)
    assert again["warning"] == "already_in_channel"
    assert again["response_metadata"]["warnings"] == ["already_in_channel"]
    assert dtu_slack.bot_user_id in user.conversations_members(channel=general)["members"]


def test_join_refuses_archived_and_non_public(user: WebClient, team_user: str) -> None:
    archived = user.conversations_create(name="gone")["channel"]["id"]
    user.conversations_archive(channel=archived)
    assert error_body(user.conversations_join, channel=archived)["error"] == "is_archived"
    private = user.conversations_create(name="hush", is_private=True)["channel"]["id"]
    assert error_body(user.conversations_join, channel=private)["error"] == "method_not_supported_for_channel_type"
    dm = user.conversations_open(users=team_user)["channel"]["id"]
    assert error_body(user.conversations_join, channel=dm)["error"] == "method_not_supported_for_channel_type"


def test_leave(user: WebClient, bot: WebClient, general: str, dtu_slack) -> None:  # type: ignore[no-untyped-def]
    random_id = channel_named(user, "random")["id"]
    assert user.conversations_leave(channel=random_id)["ok"] is True
    assert dtu_slack.admin_user_id not in user.conversations_members(channel=random_id)["members"]
    # Not a member: not an error, the response says so (Slack's OpenAPI spec: ok with not_in_channel).
    again = user.conversations_leave(channel=random_id)
    assert again["not_in_channel"] is True
    assert error_body(user.conversations_leave, channel=general)["error"] == "cant_leave_general"
    archived = user.conversations_create(name="dusty")["channel"]["id"]
    user.conversations_archive(channel=archived)
    assert error_body(user.conversations_leave, channel=archived)["error"] == "is_archived"


def test_invite(user: WebClient, dtu_slack, team_user: str) -> None:  # type: ignore[no-untyped-def]
    channel = user.conversations_create(name="crew")["channel"]["id"]
    invited = user.conversations_invite(channel=channel, users=[dtu_slack.bot_user_id, team_user])
    assert invited["channel"]["id"] == channel
    members = user.conversations_members(channel=channel)["members"]
    assert set(members) == {dtu_slack.admin_user_id, dtu_slack.bot_user_id, team_user}
    assert error_body(user.conversations_invite, channel=channel, users=team_user)["error"] == "already_in_channel"
    assert error_body(user.conversations_invite, channel=channel, users=dtu_slack.admin_user_id)["error"] == (
        "cant_invite_self"
    )
    body = error_body(user.conversations_invite, channel=channel, users="U0NOBODY00")
    assert body["error"] == "user_not_found"
    assert body["errors"] == [{"user": "U0NOBODY00", "ok": False, "error": "user_not_found"}]
    user.conversations_archive(channel=channel)
    assert error_body(user.conversations_invite, channel=channel, users=team_user)["error"] == "is_archived"


def test_invite_needs_the_inviter_in_the_channel(bot: WebClient, general: str, team_user: str) -> None:
    assert error_body(bot.conversations_invite, channel=general, users=team_user)["error"] == "not_in_channel"


def test_kick(user: WebClient, general: str, dtu_slack, team_user: str) -> None:  # type: ignore[no-untyped-def]
    channel = user.conversations_create(name="dojo")["channel"]["id"]
    user.conversations_invite(channel=channel, users=team_user)
    assert user.conversations_kick(channel=channel, user=team_user)["ok"] is True
    assert team_user not in user.conversations_members(channel=channel)["members"]
    assert error_body(user.conversations_kick, channel=channel, user=team_user)["error"] == "not_in_channel"
    assert error_body(user.conversations_kick, channel=channel, user=dtu_slack.admin_user_id)["error"] == (
        "cant_kick_self"
    )
    user.conversations_invite(channel=general, users=team_user)
    assert error_body(user.conversations_kick, channel=general, user=team_user)["error"] == "cant_kick_from_general"
    assert error_body(user.conversations_kick, channel=channel, user="U0NOBODY00")["error"] == "user_not_found"


def test_members_paginate(user: WebClient, dtu_slack) -> None:  # type: ignore[no-untyped-def]
    names = [f"member{i}" for i in range(5)]
    seeded = dtu_slack.control("POST", "/seed", json={"users": [{"name": n} for n in names]}).json()
    channel = user.conversations_create(name="big-room")["channel"]["id"]
    user.conversations_invite(channel=channel, users=seeded["created"]["users"])
    collected: list[str] = []
    for page in user.conversations_members(channel=channel, limit=2):
        assert len(page["members"]) <= 2
        collected.extend(page["members"])
    assert sorted(collected) == sorted([dtu_slack.admin_user_id, *seeded["created"]["users"]])
    assert error_body(user.conversations_members, channel=channel, cursor="%%%")["error"] == "invalid_cursor"


# -- history / replies / mark --------------------------------------------------------------


def post(client: WebClient, channel: str, text: str, **kwargs: Any) -> str:
    ts: str = client.chat_postMessage(channel=channel, text=text, **kwargs)["ts"]
    return ts


def test_history_newest_first_with_pagination(user: WebClient, general: str) -> None:
    sent = [post(user, general, f"message {i}") for i in range(5)]
    first = user.conversations_history(channel=general, limit=2)
    assert [m["ts"] for m in first["messages"]] == [sent[4], sent[3]]
    assert first["has_more"] is True
    assert first["pin_count"] == 0
    assert first["messages"][0]["text"] == "message 4" and first["messages"][0]["type"] == "message"
    collected = [m["ts"] for page in user.conversations_history(channel=general, limit=2) for m in page["messages"]]
    assert collected[:5] == list(reversed(sent))
    assert len(collected) == len(set(collected))


def test_history_window(user: WebClient, general: str) -> None:
    a, b, c = (post(user, general, t) for t in ("a", "b", "c"))
    between = user.conversations_history(channel=general, oldest=a, latest=c)["messages"]
    assert [m["ts"] for m in between] == [b]
    inclusive = user.conversations_history(channel=general, oldest=a, latest=c, inclusive=True)["messages"]
    assert [m["ts"] for m in inclusive] == [c, b, a]
    assert error_body(user.conversations_history, channel=general, oldest="yesterday")["error"] == "invalid_ts_oldest"
    assert error_body(user.conversations_history, channel=general, latest="soon")["error"] == "invalid_ts_latest"


def test_history_shows_thread_parents_and_broadcasts_only(user: WebClient, general: str) -> None:
    parent = post(user, general, "parent")
    quiet = post(user, general, "reply", thread_ts=parent)
    loud = post(user, general, "broadcast reply", thread_ts=parent, reply_broadcast=True)
    listed = {m["ts"]: m for m in user.conversations_history(channel=general)["messages"]}
    assert parent in listed and loud in listed and quiet not in listed
    assert listed[parent]["reply_count"] == 2
    assert listed[loud]["subtype"] == "thread_broadcast"


def test_bot_must_be_in_channel_to_read_history(bot: WebClient, general: str) -> None:
    assert error_body(bot.conversations_history, channel=general)["error"] == "not_in_channel"
    bot.conversations_join(channel=general)
    joined = bot.conversations_history(channel=general)["messages"]
    assert joined[0]["subtype"] == "channel_join"  # Slack announces every join in the channel


def test_replies(user: WebClient, general: str) -> None:
    parent = post(user, general, "island")
    replies = [post(user, general, t, thread_ts=parent) for t in ("one", "two", "three")]
    thread = user.conversations_replies(channel=general, ts=parent)
    assert [m["ts"] for m in thread["messages"]] == [parent, *replies]
    assert thread["messages"][1]["thread_ts"] == parent
    assert thread["has_more"] is False
    # Any message of the thread names the thread.
    from_reply = user.conversations_replies(channel=general, ts=replies[1])["messages"]
    assert [m["ts"] for m in from_reply] == [parent, *replies]
    paged = [
        m["ts"] for page in user.conversations_replies(channel=general, ts=parent, limit=2) for m in page["messages"]
    ]
    assert paged == [parent, *replies]
    assert error_body(user.conversations_replies, channel=general, ts="1.000001")["error"] == "thread_not_found"


def test_unthreaded_message_replies_is_just_the_message(user: WebClient, general: str) -> None:
    ts = post(user, general, "lonely")
    assert [m["ts"] for m in user.conversations_replies(channel=general, ts=ts)["messages"]] == [ts]


def test_mark(user: WebClient, bot: WebClient, general: str) -> None:
    ts = post(user, general, "read me")
    assert user.conversations_mark(channel=general, ts=ts)["ok"] is True
    assert error_body(user.conversations_mark, channel=general, ts="not-a-ts")["error"] == "invalid_timestamp"
    assert error_body(bot.conversations_mark, channel=general, ts=ts)["error"] == "not_in_channel"


# -- topic / purpose -----------------------------------------------------------------------


def test_set_topic_and_purpose(user: WebClient, bot: WebClient, general: str, dtu_slack) -> None:  # type: ignore[no-untyped-def]
    channel = user.conversations_setTopic(channel=general, topic="Apply topically")["channel"]
    assert channel["topic"]["value"] == "Apply topically"
    assert channel["topic"]["creator"] == dtu_slack.admin_user_id
    channel = user.conversations_setPurpose(channel=general, purpose="Team-wide chat")["channel"]
    assert channel["purpose"]["value"] == "Team-wide chat"
    latest = user.conversations_history(channel=general, limit=2)["messages"]
    assert [m["subtype"] for m in latest] == ["channel_purpose", "channel_topic"]
    assert latest[1]["topic"] == "Apply topically" and latest[0]["purpose"] == "Team-wide chat"
    assert error_body(user.conversations_setTopic, channel=general, topic="x" * 251)["error"] == "too_long"
    assert error_body(bot.conversations_setTopic, channel=general, topic="hi")["error"] == "not_in_channel"
    archived = user.conversations_create(name="frozen")["channel"]["id"]
    user.conversations_archive(channel=archived)
    assert error_body(user.conversations_setPurpose, channel=archived, purpose="p")["error"] == "is_archived"


# -- open ----------------------------------------------------------------------------------


def test_open_im_is_reused(bot: WebClient, dtu_slack) -> None:  # type: ignore[no-untyped-def]
    opened = bot.conversations_open(users=dtu_slack.admin_user_id)
    dm = opened["channel"]["id"]
    assert dm.startswith("D")
    assert "already_open" not in opened
    again = bot.conversations_open(users=dtu_slack.admin_user_id, return_im=True)
    assert again["channel"]["id"] == dm
    assert again["already_open"] is True and again["no_op"] is True
    assert again["channel"]["is_im"] is True and again["channel"]["user"] == dtu_slack.admin_user_id
    assert bot.conversations_open(channel=dm)["channel"]["id"] == dm


def test_im_user_is_the_other_party(bot: WebClient, user: WebClient, dtu_slack) -> None:  # type: ignore[no-untyped-def]
    dm = bot.conversations_open(users=dtu_slack.admin_user_id)["channel"]["id"]
    assert bot.conversations_info(channel=dm)["channel"]["user"] == dtu_slack.admin_user_id
    assert user.conversations_info(channel=dm)["channel"]["user"] == dtu_slack.bot_user_id
    listed = {c["id"]: c for c in user.conversations_list(types="im")["channels"]}
    assert listed[dm]["user"] == dtu_slack.bot_user_id


def test_open_mpim(user: WebClient, bot: WebClient, dtu_slack, team_user: str) -> None:  # type: ignore[no-untyped-def]
    opened = user.conversations_open(users=[dtu_slack.bot_user_id, team_user])["channel"]["id"]
    info = user.conversations_info(channel=opened)["channel"]
    assert info["is_mpim"] is True and info["is_private"] is True
    assert info["name"] == "mpdm-admin--dtu_bot--alice-1"
    assert set(user.conversations_members(channel=opened)["members"]) == {
        dtu_slack.admin_user_id,
        dtu_slack.bot_user_id,
        team_user,
    }
    same = user.conversations_open(users=[team_user, dtu_slack.bot_user_id])
    assert same["channel"]["id"] == opened
    assert opened in {c["id"] for c in bot.conversations_list(types="mpim")["channels"]}


def test_open_errors(user: WebClient, general: str) -> None:
    assert error_body(user.conversations_open, users="U0NOBODY00")["error"] == "user_not_found"
    assert error_body(user.conversations_open, channel=general)["error"] == "method_not_supported_for_channel_type"
    assert error_body(user.api_call, "conversations.open", params={})["error"] == "users_list_not_supplied"


# -- Events API ----------------------------------------------------------------------------


def test_lifecycle_events(dtu_slack, user: WebClient, team_user: str) -> None:  # type: ignore[no-untyped-def]
    """Payloads as on docs.slack.dev/reference/events/<type> (and @slack/types)."""
    receiver = Receiver(dtu_slack.signing_secret).start()
    try:
        kinds = ["channel_created", "channel_rename", "channel_archive", "member_joined_channel", "member_left_channel"]
        path = f"/_dtu/slack/tenants/{dtu_slack.tenant_id}/apps/{dtu_slack.app_id}/events"
        subscribed = dtu_slack.control("POST", path, json={"request_url": receiver.url, "bot_events": kinds})
        assert subscribed.status_code == 200, subscribed.text

        def event(kind: str) -> dict[str, Any]:
            [delivery] = receiver.wait_for(lambda r: r.event.get("type") == kind)
            found: dict[str, Any] = delivery.event
            return found

        channel = user.conversations_create(name="launch")["channel"]["id"]
        created = event("channel_created")["channel"]
        assert created["id"] == channel and created["name"] == "launch"
        assert created["creator"] == dtu_slack.admin_user_id
        user.conversations_invite(channel=channel, users=dtu_slack.bot_user_id)
        joined = event("member_joined_channel")
        assert joined["user"] == dtu_slack.bot_user_id and joined["channel"] == channel
        assert joined["channel_type"] == "C" and joined["inviter"] == dtu_slack.admin_user_id
        assert joined["team"] == dtu_slack.team_id
        user.conversations_rename(channel=channel, name="liftoff")
        assert event("channel_rename")["channel"]["name"] == "liftoff"
        user.conversations_invite(channel=channel, users=team_user)
        user.conversations_kick(channel=channel, user=team_user)
        left = event("member_left_channel")
        assert left["user"] == team_user and left["channel"] == channel and left["channel_type"] == "C"
        user.conversations_archive(channel=channel)
        archived = event("channel_archive")
        assert archived["channel"] == channel and archived["user"] == dtu_slack.admin_user_id
    finally:
        receiver.stop()


# -- the async client ----------------------------------------------------------------------


async def test_async_client(async_bot: AsyncWebClient) -> None:
    listed = await async_bot.conversations_list(limit=1)
    assert len(listed["channels"]) == 1
    assert listed["response_metadata"]["next_cursor"] != ""
    general = next(c for c in (await async_bot.conversations_list())["channels"] if c["name"] == "general")
    joined = await async_bot.conversations_join(channel=general["id"])
    assert joined["channel"]["is_member"] is True
    info = await async_bot.conversations_info(channel=general["id"], include_num_members=True)
    assert info["channel"]["num_members"] == 2
    with pytest.raises(SlackApiError) as caught:
        await async_bot.conversations_create(name="Nope Nope")
    assert caught.value.response["error"] == "invalid_name_specials"
