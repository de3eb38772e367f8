"""Events API: the Request URL handshake, signed event_callback deliveries, and retries.

What real Slack does (https://api.slack.com/apis/events-api, /events/url_verification,
/authentication/verifying-requests-from-slack):
- entering a Request URL sends a signed `url_verification` request whose `challenge`
  must be echoed (plain text, JSON or form); otherwise the URL is not saved;
- events are POSTed as JSON `event_callback` envelopes signed with the app's signing
  secret; an app gets a bot event only if it subscribes to it and its bot can see it
  (for conversation events: is a member); channel messages need `message.channels`;
- a failed delivery is retried 3 times (nearly immediately, after 1 minute, after
  5 minutes) with `X-Slack-Retry-Num` and `X-Slack-Retry-Reason`, and never again
  when the app answers `X-Slack-No-Retry: 1`.
"""

from __future__ import annotations

import socket
import time
from collections.abc import Iterator
from typing import Any

import pytest
from slack_sdk import WebClient

from conformance.slack.receiver import Received, Receiver


@pytest.fixture
def receiver(dtu_slack) -> Iterator[Receiver]:  # type: ignore[no-untyped-def]
    running = Receiver(dtu_slack.signing_secret).start()
    yield running
    running.stop()


def events_path(dtu_slack) -> str:  # type: ignore[no-untyped-def]
    return f"/_dtu/slack/tenants/{dtu_slack.tenant_id}/apps/{dtu_slack.app_id}/events"


def subscribe(dtu_slack, url: str, bot_events: list[str], user_events: list[str] | None = None) -> Any:  # type: ignore[no-untyped-def]
    body = {"request_url": url, "bot_events": bot_events, "user_events": user_events or []}
    return dtu_slack.control("POST", events_path(dtu_slack), json=body)


def deliveries(dtu_slack) -> list[dict[str, Any]]:  # type: ignore[no-untyped-def]
    response = dtu_slack.control("GET", events_path(dtu_slack))
    assert response.status_code == 200
    found: list[dict[str, Any]] = response.json()["deliveries"]
    return found


def general(client: WebClient) -> str:
    channels = client.conversations_list(types="public_channel")["channels"]
    channel_id: str = next(c["id"] for c in channels if c["name"] == "general")
    return channel_id


def channel_id_named(client: WebClient, name: str) -> str:
    channels = client.conversations_list(types="public_channel")["channels"]
    found: str = next(c["id"] for c in channels if c["name"] == name)
    return found


def text_is(text: str) -> Any:
    def match(received: Received) -> bool:
        return received.event.get("type") == "message" and received.event.get("text") == text

    return match


# -- the Request URL handshake ----------------------------------------------------------------


def test_saving_the_request_url_sends_a_signed_url_verification(dtu_slack, receiver: Receiver) -> None:  # type: ignore[no-untyped-def]
    response = subscribe(dtu_slack, receiver.url, ["message.channels"])
    assert response.status_code == 200, response.text
    assert response.json()["request_url"] == receiver.url
    assert response.json()["verified"] is True
    [handshake] = receiver.received
    assert handshake.signature_valid
    assert handshake.payload["type"] == "url_verification"
    assert handshake.payload["token"] == dtu_slack.verification_token
    assert set(handshake.payload) == {"token", "challenge", "type"}
    assert handshake.payload["challenge"]
    assert handshake.headers["content-type"].startswith("application/json")


@pytest.mark.parametrize("mode", ["json", "form"])
def test_challenge_may_be_answered_as_json_or_form(dtu_slack, receiver: Receiver, mode: str) -> None:  # type: ignore[no-untyped-def]
    receiver.challenge_mode = mode
    assert subscribe(dtu_slack, receiver.url, ["message.channels"]).status_code == 200


@pytest.mark.parametrize("mode", ["wrong", "error"])
def test_url_not_echoing_the_challenge_is_refused(dtu_slack, receiver: Receiver, mode: str) -> None:  # type: ignore[no-untyped-def]
    receiver.challenge_mode = mode
    response = subscribe(dtu_slack, receiver.url, ["message.channels"])
    assert response.status_code == 400
    assert "url_verification" in response.json()["error"]
    config = dtu_slack.control("GET", events_path(dtu_slack)).json()
    assert config["request_url"] is None and config["verified"] is False


def test_unreachable_url_is_refused(dtu_slack) -> None:  # type: ignore[no-untyped-def]
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()
    response = subscribe(dtu_slack, f"http://127.0.0.1:{port}/slack/events", ["message.channels"])
    assert response.status_code == 400
    assert "connection_failed" in response.json()["error"]


def test_bare_message_subscription_is_refused(dtu_slack, receiver: Receiver) -> None:  # type: ignore[no-untyped-def]
    response = subscribe(dtu_slack, receiver.url, ["message"])
    assert response.status_code == 400
    assert "message.channels" in response.json()["error"]


# -- deliveries ------------------------------------------------------------------------------


def test_channel_message_reaches_a_member_bot(dtu_slack, receiver: Receiver, bot: WebClient, user: WebClient) -> None:  # type: ignore[no-untyped-def]
    assert subscribe(dtu_slack, receiver.url, ["message.channels"]).status_code == 200
    channel = general(user)
    bot.conversations_join(channel=channel)
    posted = user.chat_postMessage(channel=channel, text="hello events")
    [delivery] = receiver.wait_for(text_is("hello events"))
    assert delivery.signature_valid
    assert delivery.headers["content-type"].startswith("application/json")
    assert "x-slack-retry-num" not in delivery.headers
    payload = delivery.payload
    assert payload["type"] == "event_callback"
    assert payload["token"] == dtu_slack.verification_token
    assert payload["team_id"] == dtu_slack.team_id
    assert payload["api_app_id"] == dtu_slack.app_id
    assert payload["event_id"].startswith("Ev")
    assert isinstance(payload["event_time"], int)
    assert payload["authorizations"] == [
        {
            "enterprise_id": None,
            "team_id": dtu_slack.team_id,
            "user_id": dtu_slack.bot_user_id,
            "is_bot": True,
            "is_enterprise_install": False,
        }
    ]
    assert payload["is_ext_shared_channel"] is False
    assert isinstance(payload["event_context"], str) and payload["event_context"]
    event = delivery.event
    assert event["type"] == "message"
    assert event["channel"] == channel
    assert event["user"] == dtu_slack.admin_user_id
    assert event["ts"] == posted["ts"]
    assert event["event_ts"] == posted["ts"]
    assert event["channel_type"] == "channel"
    # The request timestamp is the workspace's clock, within Slack's 5-minute window.
    assert abs(int(delivery.headers["x-slack-request-timestamp"]) - time.time()) < 300


def test_bot_gets_its_own_channel_join(dtu_slack, receiver: Receiver, bot: WebClient, user: WebClient) -> None:  # type: ignore[no-untyped-def]
    assert subscribe(dtu_slack, receiver.url, ["member_joined_channel", "message.channels"]).status_code == 200
    channel = general(user)
    bot.conversations_join(channel=channel)
    [joined] = receiver.wait_for(lambda r: r.event.get("type") == "member_joined_channel")
    assert joined.event["user"] == dtu_slack.bot_user_id
    assert joined.event["channel"] == channel
    [message] = receiver.wait_for(lambda r: r.event.get("subtype") == "channel_join")
    assert message.event["user"] == dtu_slack.bot_user_id


def test_user_event_is_delivered_on_behalf_of_the_authorizing_user(
    dtu_slack, receiver: Receiver, user: WebClient
) -> None:  # type: ignore[no-untyped-def]
    # The bot is not in #general, but the owner who authorized the app (user token) is.
    assert subscribe(dtu_slack, receiver.url, [], user_events=["message.channels"]).status_code == 200
    user.chat_postMessage(channel=general(user), text="seen by the user")
    [delivery] = receiver.wait_for(text_is("seen by the user"))
    [authorization] = delivery.payload["authorizations"]
    assert authorization["user_id"] == dtu_slack.admin_user_id
    assert authorization["is_bot"] is False


def test_no_delivery_where_the_bot_is_not_a_member(dtu_slack, receiver: Receiver, user: WebClient) -> None:  # type: ignore[no-untyped-def]
    assert subscribe(dtu_slack, receiver.url, ["message.channels"]).status_code == 200
    user.chat_postMessage(channel=general(user), text="the bot is not here")
    # Routing happens when the call commits: no delivery was even created.
    assert deliveries(dtu_slack) == []


def test_no_delivery_without_the_subscription(dtu_slack, receiver: Receiver, bot: WebClient, user: WebClient) -> None:  # type: ignore[no-untyped-def]
    assert subscribe(dtu_slack, receiver.url, ["reaction_added"]).status_code == 200
    channel = general(user)
    bot.conversations_join(channel=channel)
    user.chat_postMessage(channel=channel, text="nobody subscribed")
    assert deliveries(dtu_slack) == []


def test_private_channel_messages_need_message_groups(dtu_slack, receiver: Receiver, user: WebClient) -> None:  # type: ignore[no-untyped-def]
    channel = user.conversations_create(name="secret-room", is_private=True)["channel"]["id"]
    user.conversations_invite(channel=channel, users=dtu_slack.bot_user_id)
    assert subscribe(dtu_slack, receiver.url, ["message.channels"]).status_code == 200
    user.chat_postMessage(channel=channel, text="private before")
    assert deliveries(dtu_slack) == []
    assert subscribe(dtu_slack, receiver.url, ["message.groups"]).status_code == 200
    user.chat_postMessage(channel=channel, text="private after")
    [delivery] = receiver.wait_for(text_is("private after"))
    assert delivery.event["channel_type"] == "group"
    assert delivery.event["type"] == "message"


def test_app_mention(dtu_slack, receiver: Receiver, bot: WebClient, user: WebClient) -> None:  # type: ignore[no-untyped-def]
    assert subscribe(dtu_slack, receiver.url, ["app_mention"]).status_code == 200
    channel = general(user)
    bot.conversations_join(channel=channel)
    text = f"<@{dtu_slack.bot_user_id}> are you there?"
    posted = user.chat_postMessage(channel=channel, text=text)
    [mention] = receiver.wait_for(lambda r: r.event.get("type") == "app_mention")
    assert mention.event["text"] == text
    assert mention.event["user"] == dtu_slack.admin_user_id
    assert mention.event["channel"] == channel
    assert mention.event["ts"] == posted["ts"]
    assert receiver.callbacks(lambda r: r.event.get("type") == "message") == []


def test_tokens_revoked_is_delivered(dtu_slack, receiver: Receiver, user: WebClient) -> None:  # type: ignore[no-untyped-def]
    assert subscribe(dtu_slack, receiver.url, ["tokens_revoked"]).status_code == 200
    user.auth_revoke()
    [revoked] = receiver.wait_for(lambda r: r.event.get("type") == "tokens_revoked")
    assert revoked.signature_valid
    assert revoked.event["tokens"]["oauth"] == [dtu_slack.admin_user_id]
    assert revoked.event["event_ts"]


# -- retries -------------------------------------------------------------------------------


def test_failed_delivery_is_retried_with_retry_headers(
    dtu_slack, receiver: Receiver, bot: WebClient, user: WebClient
) -> None:  # type: ignore[no-untyped-def]
    assert subscribe(dtu_slack, receiver.url, ["message.channels"]).status_code == 200
    channel = general(user)
    bot.conversations_join(channel=channel)
    receiver.wait_for(lambda r: r.event.get("subtype") == "channel_join")  # the join's own delivery, answered 200
    receiver.fail_with = [500, 500]
    user.chat_postMessage(channel=channel, text="please retry")
    first, second = receiver.wait_for(text_is("please retry"), count=2)
    assert "x-slack-retry-num" not in first.headers
    assert second.headers["x-slack-retry-num"] == "1"
    assert second.headers["x-slack-retry-reason"] == "http_error"
    assert second.payload["event_id"] == first.payload["event_id"]
    # The next retry comes a minute later: not before...
    time.sleep(0.3)
    assert len(receiver.callbacks(text_is("please retry"))) == 2
    [pending] = [d for d in deliveries(dtu_slack) if d["event_id"] == first.payload["event_id"]]
    assert (pending["state"], pending["attempts"], pending["last_error"]) == ("pending", 2, "http_error")
    # ...but as soon as the workspace's clock has moved on by that minute.
    dtu_slack.advance_clock(61)
    third = receiver.wait_for(text_is("please retry"), count=3)[2]
    assert third.headers["x-slack-retry-num"] == "2"
    assert third.headers["x-slack-retry-reason"] == "http_error"
    assert third.signature_valid
    assert int(third.headers["x-slack-request-timestamp"]) >= int(first.headers["x-slack-request-timestamp"]) + 60
    deadline = time.monotonic() + 5
    while True:
        [done] = [d for d in deliveries(dtu_slack) if d["event_id"] == first.payload["event_id"]]
        if done["state"] == "delivered" or time.monotonic() > deadline:
            break
        time.sleep(0.02)
    assert (done["state"], done["attempts"], done["last_status"]) == ("delivered", 3, 200)


def test_x_slack_no_retry_stops_retries(dtu_slack, receiver: Receiver, bot: WebClient, user: WebClient) -> None:  # type: ignore[no-untyped-def]
    assert subscribe(dtu_slack, receiver.url, ["message.channels"]).status_code == 200
    channel = general(user)
    bot.conversations_join(channel=channel)
    receiver.wait_for(lambda r: r.event.get("subtype") == "channel_join")  # the join's own delivery, answered 200
    receiver.fail_with = [500]
    receiver.no_retry = True
    user.chat_postMessage(channel=channel, text="do not retry")
    [first] = receiver.wait_for(text_is("do not retry"))
    deadline = time.monotonic() + 5
    while True:
        [done] = [d for d in deliveries(dtu_slack) if d["event_id"] == first.payload["event_id"]]
        if done["state"] != "pending" or time.monotonic() > deadline:
            break
        time.sleep(0.02)
    dtu_slack.advance_clock(400)
    time.sleep(0.3)
    assert len(receiver.callbacks(text_is("do not retry"))) == 1
    assert (done["state"], done["attempts"], done["last_status"]) == ("failed", 1, 500)
