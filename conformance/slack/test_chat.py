"""chat.* through slack_sdk: what Slack's docs say each method returns and refuses.

Sources: docs.slack.dev/reference/methods/chat.* (arguments, errors, response examples)
and Slack's OpenAPI spec (shared/specs/slack), e.g. scheduled message ids match
`^Q[A-Z0-9]{8,}$` and `post_at` is an integer.
"""

from __future__ import annotations

import re
import time
from typing import Any

import pytest
from slack_sdk import WebClient
from slack_sdk.web.async_client import AsyncWebClient

from conformance.slack.expect import error_of

TS = re.compile(r"^\d{10}\.\d{6}$")


def channel_id(client: WebClient, name: str) -> str:
    for channel in client.conversations_list(types="public_channel,private_channel")["channels"]:
        if channel["name"] == name:
            found: str = channel["id"]
            return found
    raise AssertionError(f"no channel {name}")


def seed(dtu_slack: Any, document: dict[str, Any]) -> dict[str, Any]:
    response = dtu_slack.control("POST", "/seed", json=document)
    assert response.status_code == 200, response.text
    created: dict[str, Any] = response.json()["created"]
    return created


def history(client: WebClient, channel: str) -> list[dict[str, Any]]:
    messages: list[dict[str, Any]] = client.conversations_history(channel=channel)["messages"]
    return messages


@pytest.fixture
def general(user: WebClient) -> str:
    return channel_id(user, "general")


@pytest.fixture
def bot_channel(dtu_slack: Any) -> str:
    """A public channel the bot and the admin are both members of."""
    created = seed(dtu_slack, {"channels": [{"name": "bots", "members": ["admin", "dtu_bot"]}]})
    channel: str = created["channels"][0]
    return channel


# -- chat.postMessage -------------------------------------------------------------------
def test_bot_post_returns_channel_ts_and_message(bot: WebClient, bot_channel: str, dtu_slack: Any) -> None:
    response = bot.chat_postMessage(channel=bot_channel, text="hello world")
    assert response["channel"] == bot_channel
    assert TS.match(response["ts"])
    message = response["message"]
    assert message["type"] == "message"
    assert message["text"] == "hello world"
    assert message["ts"] == response["ts"]
    # Messages an app posts with its bot token carry the bot's identity.
    assert message["bot_id"] == dtu_slack.bot_id
    assert message["app_id"] == dtu_slack.app_id
    assert message["user"] == dtu_slack.bot_user_id
    assert message["bot_profile"]["id"] == dtu_slack.bot_id
    assert message["bot_profile"]["app_id"] == dtu_slack.app_id
    assert message["team"] == dtu_slack.team_id


def test_user_post_carries_the_user(user: WebClient, general: str, dtu_slack: Any) -> None:
    message = user.chat_postMessage(channel=general, text="from a person")["message"]
    assert message["user"] == dtu_slack.admin_user_id
    assert "bot_id" not in message


def test_post_by_channel_name_with_or_without_hash(user: WebClient, general: str) -> None:
    assert user.chat_postMessage(channel="#general", text="a")["channel"] == general
    assert user.chat_postMessage(channel="general", text="b")["channel"] == general


def test_ts_values_are_unique_and_increasing(bot: WebClient, bot_channel: str) -> None:
    stamps = [bot.chat_postMessage(channel=bot_channel, text=str(i))["ts"] for i in range(5)]
    assert stamps == sorted(stamps)
    assert len(set(stamps)) == 5


def test_posted_message_is_in_history(bot: WebClient, bot_channel: str) -> None:
    ts = bot.chat_postMessage(channel=bot_channel, text="remember me")["ts"]
    assert [m["text"] for m in history(bot, bot_channel) if m["ts"] == ts] == ["remember me"]


def test_post_to_a_user_id_goes_to_their_im(bot: WebClient, dtu_slack: Any) -> None:
    response = bot.chat_postMessage(channel=dtu_slack.admin_user_id, text="psst")
    assert response["channel"].startswith("D")
    # The same IM is used again, and it is the one conversations.open returns.
    assert bot.chat_postMessage(channel=dtu_slack.admin_user_id, text="again")["channel"] == response["channel"]
    assert bot.conversations_open(users=dtu_slack.admin_user_id)["channel"]["id"] == response["channel"]


def test_blocks_and_attachments_are_kept(bot: WebClient, bot_channel: str) -> None:
    blocks = [{"type": "section", "text": {"type": "mrkdwn", "text": "*bold*"}}]
    attachments = [{"text": "attached", "fallback": "attached"}]
    message = bot.chat_postMessage(channel=bot_channel, text="fallback", blocks=blocks, attachments=attachments)[
        "message"
    ]
    assert message["blocks"][0]["type"] == "section"
    assert message["blocks"][0]["text"] == {"type": "mrkdwn", "text": "*bold*"}
    assert message["attachments"][0]["text"] == "attached"
    # Slack numbers a message's attachments.
    assert message["attachments"][0]["id"] == 1


def test_no_text_no_blocks_no_attachments_is_no_text(bot: WebClient, bot_channel: str) -> None:
    assert error_of(bot.api_call, "chat.postMessage", json={"channel": bot_channel}) == "no_text"


def test_unknown_channel_is_channel_not_found(bot: WebClient) -> None:
    assert error_of(bot.chat_postMessage, channel="C0NOTREAL00", text="x") == "channel_not_found"
    assert error_of(bot.chat_postMessage, channel="#no-such-channel", text="x") == "channel_not_found"


def test_text_over_40000_characters_is_msg_too_long(bot: WebClient, bot_channel: str) -> None:
    assert error_of(bot.chat_postMessage, channel=bot_channel, text="x" * 40_001) == "msg_too_long"


def test_malformed_blocks_are_invalid_blocks(bot: WebClient, bot_channel: str) -> None:
    # A section block needs `text` or `fields`; an unknown block type is not a block.
    for blocks in ([{"type": "section"}], [{"type": "no_such_block"}]):
        assert error_of(bot.chat_postMessage, channel=bot_channel, text="t", blocks=blocks) == "invalid_blocks"


def test_more_than_100_attachments_is_too_many_attachments(bot: WebClient, bot_channel: str) -> None:
    attachments = [{"text": str(i), "fallback": str(i)} for i in range(101)]
    assert (
        error_of(bot.chat_postMessage, channel=bot_channel, text="t", attachments=attachments) == "too_many_attachments"
    )


def test_user_not_in_public_channel_is_not_in_channel(user: WebClient, dtu_slack: Any) -> None:
    seed(dtu_slack, {"users": [{"name": "alice"}], "channels": [{"name": "elsewhere", "members": ["alice"]}]})
    assert error_of(user.chat_postMessage, channel="#elsewhere", text="hi") == "not_in_channel"


def test_bot_with_chat_write_public_posts_to_public_channel_it_is_not_in(
    bot: WebClient, general: str, dtu_slack: Any
) -> None:
    # The default install grants chat:write.public, which lets a bot post to any public channel.
    assert "chat:write.public" in bot.auth_test().headers["x-oauth-scopes"].split(",")
    assert bot.chat_postMessage(channel=general, text="hi all")["channel"] == general


def test_private_channel_the_bot_is_not_in_is_channel_not_found(bot: WebClient, dtu_slack: Any) -> None:
    created = seed(dtu_slack, {"channels": [{"name": "secret", "is_private": True, "members": ["admin"]}]})
    assert error_of(bot.chat_postMessage, channel=created["channels"][0], text="x") == "channel_not_found"


def test_archived_channel_is_is_archived(user: WebClient, dtu_slack: Any) -> None:
    created = seed(dtu_slack, {"channels": [{"name": "old", "members": ["admin"], "is_archived": True}]})
    assert error_of(user.chat_postMessage, channel=created["channels"][0], text="x") == "is_archived"


async def test_async_client_posts(async_bot: AsyncWebClient, bot_channel: str) -> None:
    response = await async_bot.chat_postMessage(channel=bot_channel, text="async hello")
    assert response["ok"] is True
    assert response["message"]["text"] == "async hello"


# -- threads ------------------------------------------------------------------------------
def test_thread_replies_update_the_parent(bot: WebClient, user: WebClient, bot_channel: str, dtu_slack: Any) -> None:
    parent = bot.chat_postMessage(channel=bot_channel, text="parent")["ts"]
    first = user.chat_postMessage(channel=bot_channel, text="r1", thread_ts=parent)["message"]
    assert first["thread_ts"] == parent
    assert first["parent_user_id"] == dtu_slack.bot_user_id
    last = bot.chat_postMessage(channel=bot_channel, text="r2", thread_ts=parent)["ts"]
    top = {m["ts"]: m for m in history(bot, bot_channel)}
    assert first["ts"] not in top  # replies are not in the channel's history
    assert top[parent]["reply_count"] == 2
    assert set(top[parent]["reply_users"]) == {dtu_slack.admin_user_id, dtu_slack.bot_user_id}
    assert top[parent]["reply_users_count"] == 2
    assert top[parent]["latest_reply"] == last
    replies = bot.conversations_replies(channel=bot_channel, ts=parent)["messages"]
    assert [m["text"] for m in replies] == ["parent", "r1", "r2"]


def test_reply_broadcast_is_a_thread_broadcast_in_history(bot: WebClient, bot_channel: str) -> None:
    parent = bot.chat_postMessage(channel=bot_channel, text="parent")["ts"]
    reply = bot.chat_postMessage(channel=bot_channel, text="everyone", thread_ts=parent, reply_broadcast=True)
    assert reply["message"]["subtype"] == "thread_broadcast"
    broadcast = [m for m in history(bot, bot_channel) if m["ts"] == reply["ts"]]
    assert broadcast and broadcast[0]["subtype"] == "thread_broadcast"


# -- chat.update ------------------------------------------------------------------------
def test_update_changes_text_and_marks_edited(bot: WebClient, bot_channel: str, dtu_slack: Any) -> None:
    ts = bot.chat_postMessage(channel=bot_channel, text="draft")["ts"]
    response = bot.chat_update(channel=bot_channel, ts=ts, text="final")
    assert response["channel"] == bot_channel
    assert response["ts"] == ts
    assert response["text"] == "final"
    assert response["message"]["text"] == "final"
    stored = next(m for m in history(bot, bot_channel) if m["ts"] == ts)
    assert stored["text"] == "final"
    assert stored["edited"]["user"] == dtu_slack.bot_user_id
    assert TS.match(stored["edited"]["ts"])


def test_update_someone_elses_message_is_cant_update_message(bot: WebClient, user: WebClient, bot_channel: str) -> None:
    ts = bot.chat_postMessage(channel=bot_channel, text="mine")["ts"]
    assert error_of(user.chat_update, channel=bot_channel, ts=ts, text="yours") == "cant_update_message"


def test_update_unknown_message_is_message_not_found(bot: WebClient, bot_channel: str) -> None:
    assert error_of(bot.chat_update, channel=bot_channel, ts="1234567890.123456", text="x") == "message_not_found"


# -- chat.delete --------------------------------------------------------------------------
def test_delete_removes_the_message(bot: WebClient, bot_channel: str) -> None:
    ts = bot.chat_postMessage(channel=bot_channel, text="oops")["ts"]
    assert bot.chat_delete(channel=bot_channel, ts=ts).data == {"ok": True, "channel": bot_channel, "ts": ts}
    assert ts not in [m["ts"] for m in history(bot, bot_channel)]
    assert error_of(bot.chat_delete, channel=bot_channel, ts=ts) == "message_not_found"


def test_bot_cannot_delete_a_users_message(bot: WebClient, user: WebClient, bot_channel: str) -> None:
    ts = user.chat_postMessage(channel=bot_channel, text="human words")["ts"]
    assert error_of(bot.chat_delete, channel=bot_channel, ts=ts) == "cant_delete_message"


def test_deleting_a_reply_updates_the_parent(bot: WebClient, bot_channel: str) -> None:
    parent = bot.chat_postMessage(channel=bot_channel, text="parent")["ts"]
    reply = bot.chat_postMessage(channel=bot_channel, text="r", thread_ts=parent)["ts"]
    bot.chat_delete(channel=bot_channel, ts=reply)
    top = next(m for m in history(bot, bot_channel) if m["ts"] == parent)
    assert top.get("reply_count", 0) == 0


def test_deleting_a_parent_with_replies_leaves_a_tombstone(bot: WebClient, bot_channel: str) -> None:
    parent = bot.chat_postMessage(channel=bot_channel, text="parent")["ts"]
    bot.chat_postMessage(channel=bot_channel, text="r", thread_ts=parent)
    bot.chat_delete(channel=bot_channel, ts=parent)
    replies = bot.conversations_replies(channel=bot_channel, ts=parent)["messages"]
    assert replies[0]["subtype"] == "tombstone"
    assert replies[0]["text"] == "This message was deleted."
    assert [m["text"] for m in replies[1:]] == ["r"]


# -- chat.postEphemeral -------------------------------------------------------------------
def test_ephemeral_returns_message_ts_and_is_not_in_history(bot: WebClient, bot_channel: str, dtu_slack: Any) -> None:
    response = bot.chat_postEphemeral(channel=bot_channel, user=dtu_slack.admin_user_id, text="only you")
    assert TS.match(response["message_ts"])
    assert response["message_ts"] not in [m["ts"] for m in history(bot, bot_channel)]


def test_ephemeral_to_a_non_member_is_user_not_in_channel(bot: WebClient, dtu_slack: Any) -> None:
    created = seed(
        dtu_slack, {"users": [{"name": "bob"}], "channels": [{"name": "quiet", "members": ["admin", "dtu_bot"]}]}
    )
    bob = created["users"][0]
    assert error_of(bot.chat_postEphemeral, channel=created["channels"][0], user=bob, text="x") == "user_not_in_channel"


# -- chat.getPermalink ------------------------------------------------------------------
def test_permalink_format(bot: WebClient, bot_channel: str) -> None:
    domain = bot.team_info()["team"]["domain"]
    ts = bot.chat_postMessage(channel=bot_channel, text="link me")["ts"]
    response = bot.chat_getPermalink(channel=bot_channel, message_ts=ts)
    assert response["channel"] == bot_channel
    assert response["permalink"] == f"https://{domain}.slack.com/archives/{bot_channel}/p{ts.replace('.', '')}"


def test_permalink_of_a_reply_names_its_thread(bot: WebClient, bot_channel: str) -> None:
    parent = bot.chat_postMessage(channel=bot_channel, text="p")["ts"]
    reply = bot.chat_postMessage(channel=bot_channel, text="r", thread_ts=parent)["ts"]
    link = bot.chat_getPermalink(channel=bot_channel, message_ts=reply)["permalink"]
    assert link.endswith(f"/p{reply.replace('.', '')}?thread_ts={parent}&cid={bot_channel}")


def test_permalink_of_unknown_message(bot: WebClient, bot_channel: str) -> None:
    assert error_of(bot.chat_getPermalink, channel=bot_channel, message_ts="1111111111.000001") == "message_not_found"


# -- scheduled messages --------------------------------------------------------------------
def tenant_now(dtu_slack: Any) -> float:
    now: float = dtu_slack.control("GET", "/clock").json()["now"]
    return now


def test_schedule_message_response(bot: WebClient, bot_channel: str, dtu_slack: Any) -> None:
    post_at = int(tenant_now(dtu_slack)) + 600
    response = bot.chat_scheduleMessage(channel=bot_channel, post_at=post_at, text="later")
    assert re.match(r"^Q[A-Z0-9]{8,}$", response["scheduled_message_id"])
    assert response["post_at"] == post_at
    assert response["channel"] == bot_channel
    message = response["message"]
    assert message["type"] == "delayed_message"
    assert message["text"] == "later"
    assert message["bot_id"] == dtu_slack.bot_id
    assert message["user"] == dtu_slack.bot_user_id
    assert message["team"] == dtu_slack.team_id


def test_schedule_in_the_past_or_too_far(bot: WebClient, bot_channel: str, dtu_slack: Any) -> None:
    now = int(tenant_now(dtu_slack))
    assert error_of(bot.chat_scheduleMessage, channel=bot_channel, post_at=now - 10, text="x") == "time_in_past"
    too_far = now + 121 * 24 * 3600
    assert error_of(bot.chat_scheduleMessage, channel=bot_channel, post_at=too_far, text="x") == "time_too_far"


def test_scheduled_messages_list_and_delete(bot: WebClient, bot_channel: str, general: str, dtu_slack: Any) -> None:
    now = int(tenant_now(dtu_slack))
    first = bot.chat_scheduleMessage(channel=bot_channel, post_at=now + 300, text="one")["scheduled_message_id"]
    second = bot.chat_scheduleMessage(channel=general, post_at=now + 600, text="two")["scheduled_message_id"]
    listing = bot.chat_scheduledMessages_list()
    assert [m["id"] for m in listing["scheduled_messages"]] == [first, second]
    assert listing["scheduled_messages"][0] == {
        "id": first,
        "channel_id": bot_channel,
        "post_at": now + 300,
        "date_created": listing["scheduled_messages"][0]["date_created"],
        "text": "one",
    }
    assert listing["response_metadata"]["next_cursor"] == ""
    only_general = bot.chat_scheduledMessages_list(channel=general)["scheduled_messages"]
    assert [m["id"] for m in only_general] == [second]
    window = bot.chat_scheduledMessages_list(oldest=str(now + 400), latest=str(now + 700))["scheduled_messages"]
    assert [m["id"] for m in window] == [second]
    assert bot.chat_deleteScheduledMessage(channel=general, scheduled_message_id=second)["ok"] is True
    assert [m["id"] for m in bot.chat_scheduledMessages_list()["scheduled_messages"]] == [first]


def test_scheduled_messages_list_pages_with_cursor(bot: WebClient, bot_channel: str, dtu_slack: Any) -> None:
    now = int(tenant_now(dtu_slack))
    ids = [
        bot.chat_scheduleMessage(channel=bot_channel, post_at=now + 100 * (i + 1), text=str(i))["scheduled_message_id"]
        for i in range(3)
    ]
    first = bot.chat_scheduledMessages_list(limit=2)
    assert [m["id"] for m in first["scheduled_messages"]] == ids[:2]
    cursor = first["response_metadata"]["next_cursor"]
    assert cursor
    rest = bot.chat_scheduledMessages_list(limit=2, cursor=cursor)
    assert [m["id"] for m in rest["scheduled_messages"]] == ids[2:]
    assert rest["response_metadata"]["next_cursor"] == ""


def test_delete_unknown_scheduled_message(bot: WebClient, bot_channel: str) -> None:
    assert (
        error_of(bot.chat_deleteScheduledMessage, channel=bot_channel, scheduled_message_id="Q0000000000")
        == "invalid_scheduled_message_id"
    )


def wait_for(predicate: Any, seconds: float = 5.0) -> Any:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.05)
    return predicate()


def test_scheduled_message_posts_when_the_clock_reaches_post_at(
    bot: WebClient, bot_channel: str, dtu_slack: Any
) -> None:
    post_at = int(tenant_now(dtu_slack)) + 3600
    scheduled = bot.chat_scheduleMessage(channel=bot_channel, post_at=post_at, text="an hour later")
    time.sleep(0.3)  # the scheduler runs every ~100 ms: nothing is due yet
    assert "an hour later" not in [m["text"] for m in history(bot, bot_channel)]
    dtu_slack.advance_clock(3601)
    posted = wait_for(lambda: [m for m in history(bot, bot_channel) if m["text"] == "an hour later"])
    assert posted, "the scheduled message was not posted after the clock passed post_at"
    assert posted[0]["bot_id"] == dtu_slack.bot_id
    # Once posted it is no longer pending.
    pending = [m["id"] for m in bot.chat_scheduledMessages_list()["scheduled_messages"]]
    assert scheduled["scheduled_message_id"] not in pending


def test_deleted_scheduled_message_never_posts(bot: WebClient, bot_channel: str, dtu_slack: Any) -> None:
    post_at = int(tenant_now(dtu_slack)) + 60
    scheduled = bot.chat_scheduleMessage(channel=bot_channel, post_at=post_at, text="cancelled")
    bot.chat_deleteScheduledMessage(channel=bot_channel, scheduled_message_id=scheduled["scheduled_message_id"])
    dtu_slack.advance_clock(120)
    time.sleep(0.4)
    assert "cancelled" not in [m["text"] for m in history(bot, bot_channel)]


def test_scheduled_messages_list_of_unknown_channel_is_invalid_channel(bot: WebClient) -> None:
    assert error_of(bot.chat_scheduledMessages_list, channel="C0NOTREAL00") == "invalid_channel"


def test_schedule_to_unknown_channel(bot: WebClient, dtu_slack: Any) -> None:
    post_at = int(tenant_now(dtu_slack)) + 60
    assert error_of(bot.chat_scheduleMessage, channel="C0NOTREAL00", post_at=post_at, text="x") == "channel_not_found"


def test_scheduled_reply_lands_in_its_thread(bot: WebClient, bot_channel: str, dtu_slack: Any) -> None:
    parent = bot.chat_postMessage(channel=bot_channel, text="parent")["ts"]
    post_at = int(tenant_now(dtu_slack)) + 60
    bot.chat_scheduleMessage(channel=bot_channel, post_at=post_at, text="later reply", thread_ts=parent)
    dtu_slack.advance_clock(61)

    def replies() -> list[str]:
        return [m["text"] for m in bot.conversations_replies(channel=bot_channel, ts=parent)["messages"]]

    assert wait_for(lambda: "later reply" in replies())
    assert replies() == ["parent", "later reply"]
