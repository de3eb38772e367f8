"""pins.* through slack_sdk (docs.slack.dev/reference/methods/pins.*; spec example of pins.list)."""

from __future__ import annotations

from typing import Any

import pytest
from slack_sdk import WebClient

from conformance.slack.expect import error_of


@pytest.fixture
def channel(dtu_slack: Any) -> str:
    response = dtu_slack.control(
        "POST", "/seed", json={"channels": [{"name": "pins", "members": ["admin", "dtu_bot"]}]}
    )
    assert response.status_code == 200, response.text
    created: str = response.json()["created"]["channels"][0]
    return created


def test_pin_and_list(bot: WebClient, channel: str, dtu_slack: Any) -> None:
    first = bot.chat_postMessage(channel=channel, text="first")["ts"]
    second = bot.chat_postMessage(channel=channel, text="second")["ts"]
    assert bot.pins_add(channel=channel, timestamp=first).data == {"ok": True}
    bot.pins_add(channel=channel, timestamp=second)
    items = bot.pins_list(channel=channel)["items"]
    assert sorted(item["message"]["ts"] for item in items) == [first, second]
    item = next(i for i in items if i["message"]["ts"] == first)
    assert item["type"] == "message"
    assert item["channel"] == channel
    assert item["created_by"] == dtu_slack.bot_user_id
    assert isinstance(item["created"], int)
    assert item["message"]["pinned_to"] == [channel]
    assert item["message"]["permalink"].endswith(f"/archives/{channel}/p{first.replace('.', '')}")


def test_pinned_message_shows_pinned_to_in_history(bot: WebClient, channel: str) -> None:
    ts = bot.chat_postMessage(channel=channel, text="pin me")["ts"]
    bot.pins_add(channel=channel, timestamp=ts)
    message = next(m for m in bot.conversations_history(channel=channel)["messages"] if m["ts"] == ts)
    assert message["pinned_to"] == [channel]


def test_pin_twice_is_already_pinned(bot: WebClient, channel: str) -> None:
    ts = bot.chat_postMessage(channel=channel, text="x")["ts"]
    bot.pins_add(channel=channel, timestamp=ts)
    assert error_of(bot.pins_add, channel=channel, timestamp=ts) == "already_pinned"


def test_pin_unknown_message(bot: WebClient, channel: str) -> None:
    assert error_of(bot.pins_add, channel=channel, timestamp="1111111111.000001") == "message_not_found"


def test_pin_in_unknown_channel(bot: WebClient) -> None:
    assert error_of(bot.pins_add, channel="C0NOTREAL00", timestamp="1111111111.000001") == "channel_not_found"
    assert error_of(bot.pins_list, channel="C0NOTREAL00") == "channel_not_found"


def test_pin_without_item_is_no_item_specified(bot: WebClient, channel: str) -> None:
    assert error_of(bot.api_call, "pins.add", params={"channel": channel}) == "no_item_specified"


def test_remove(bot: WebClient, channel: str) -> None:
    ts = bot.chat_postMessage(channel=channel, text="x")["ts"]
    bot.pins_add(channel=channel, timestamp=ts)
    assert bot.pins_remove(channel=channel, timestamp=ts)["ok"] is True
    assert bot.pins_list(channel=channel)["items"] == []
    assert error_of(bot.pins_remove, channel=channel, timestamp=ts) == "no_pin"


def test_pin_count_in_history(bot: WebClient, channel: str) -> None:
    ts = bot.chat_postMessage(channel=channel, text="x")["ts"]
    bot.pins_add(channel=channel, timestamp=ts)
    assert bot.conversations_history(channel=channel)["pin_count"] == 1
