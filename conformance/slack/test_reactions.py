"""reactions.* through slack_sdk (docs.slack.dev/reference/methods/reactions.*)."""

from __future__ import annotations

from typing import Any

import pytest
from slack_sdk import WebClient

from conformance.slack.expect import error_of


@pytest.fixture
def channel(dtu_slack: Any) -> str:
    """A public channel the bot and the admin are both in."""
    response = dtu_slack.control("POST", "/seed", json={"channels": [{"name": "fun", "members": ["admin", "dtu_bot"]}]})
    assert response.status_code == 200, response.text
    created: str = response.json()["created"]["channels"][0]
    return created


@pytest.fixture
def ts(bot: WebClient, channel: str) -> str:
    posted: str = bot.chat_postMessage(channel=channel, text="react to me")["ts"]
    return posted


def test_add_then_get_shows_reactions(bot: WebClient, user: WebClient, channel: str, ts: str, dtu_slack: Any) -> None:
    assert bot.reactions_add(channel=channel, timestamp=ts, name="thumbsup").data == {"ok": True}
    user.reactions_add(channel=channel, timestamp=ts, name="thumbsup")
    user.reactions_add(channel=channel, timestamp=ts, name="tada")
    response = bot.reactions_get(channel=channel, timestamp=ts, full=True)
    assert response["type"] == "message"
    assert response["channel"] == channel
    message = response["message"]
    assert message["ts"] == ts
    assert message["text"] == "react to me"
    assert message["permalink"].endswith(f"/archives/{channel}/p{ts.replace('.', '')}")
    assert message["reactions"] == [
        {"name": "thumbsup", "users": [dtu_slack.bot_user_id, dtu_slack.admin_user_id], "count": 2},
        {"name": "tada", "users": [dtu_slack.admin_user_id], "count": 1},
    ]


def test_reactions_show_in_history(bot: WebClient, channel: str, ts: str, dtu_slack: Any) -> None:
    bot.reactions_add(channel=channel, timestamp=ts, name="eyes")
    message = next(m for m in bot.conversations_history(channel=channel)["messages"] if m["ts"] == ts)
    assert message["reactions"] == [{"name": "eyes", "users": [dtu_slack.bot_user_id], "count": 1}]


def test_adding_twice_is_already_reacted(bot: WebClient, channel: str, ts: str) -> None:
    bot.reactions_add(channel=channel, timestamp=ts, name="thumbsup")
    assert error_of(bot.reactions_add, channel=channel, timestamp=ts, name="thumbsup") == "already_reacted"


def test_name_that_is_not_an_emoji_is_invalid_name(bot: WebClient, channel: str, ts: str) -> None:
    assert error_of(bot.reactions_add, channel=channel, timestamp=ts, name="not an emoji!") == "invalid_name"


def test_unknown_message_and_channel(bot: WebClient, channel: str) -> None:
    assert error_of(bot.reactions_add, channel=channel, timestamp="1111111111.000001", name="x") == "message_not_found"
    assert (
        error_of(bot.reactions_add, channel="C0NOTREAL00", timestamp="1111111111.000001", name="x")
        == "channel_not_found"
    )


def test_no_item_is_no_item_specified(bot: WebClient) -> None:
    assert error_of(bot.api_call, "reactions.add", params={"name": "thumbsup"}) == "no_item_specified"
    assert error_of(bot.api_call, "reactions.get", params={}) == "no_item_specified"


def test_remove(bot: WebClient, channel: str, ts: str) -> None:
    bot.reactions_add(channel=channel, timestamp=ts, name="thumbsup")
    assert bot.reactions_remove(channel=channel, timestamp=ts, name="thumbsup")["ok"] is True
    assert "reactions" not in bot.reactions_get(channel=channel, timestamp=ts)["message"]
    assert error_of(bot.reactions_remove, channel=channel, timestamp=ts, name="thumbsup") == "no_reaction"


def test_list_items_the_user_reacted_to_with_cursor(bot: WebClient, channel: str, dtu_slack: Any) -> None:
    stamps = [bot.chat_postMessage(channel=channel, text=f"m{i}")["ts"] for i in range(3)]
    for stamp in stamps:
        bot.reactions_add(channel=channel, timestamp=stamp, name="star")
    first = bot.reactions_list(limit=2)
    assert [item["type"] for item in first["items"]] == ["message", "message"]
    assert all(item["channel"] == channel for item in first["items"])
    # Most recent reaction first.
    assert [item["message"]["ts"] for item in first["items"]] == [stamps[2], stamps[1]]
    cursor = first["response_metadata"]["next_cursor"]
    assert cursor
    rest = bot.reactions_list(limit=2, cursor=cursor)
    assert [item["message"]["ts"] for item in rest["items"]] == [stamps[0]]
    assert rest["response_metadata"]["next_cursor"] == ""
    # Another user's list: the admin reacted to nothing.
    assert bot.reactions_list(user=dtu_slack.admin_user_id)["items"] == []


def test_list_of_unknown_user(bot: WebClient) -> None:
    assert error_of(bot.reactions_list, user="U0NOTREAL00") == "user_not_found"


def test_reactions_on_a_deleted_message_are_gone(bot: WebClient, channel: str, ts: str) -> None:
    bot.reactions_add(channel=channel, timestamp=ts, name="wave")
    bot.chat_delete(channel=channel, ts=ts)
    assert bot.reactions_list()["items"] == []
    assert error_of(bot.reactions_get, channel=channel, timestamp=ts) == "message_not_found"
