"""Incoming webhooks through slack_sdk's WebhookClient (and raw HTTP for the form encoding).

Answers follow docs.slack.dev "Sending messages using incoming webhooks" and Slack's
changelog "Improving error conditions for Incoming Webhooks": HTTP 200 `ok`, or a
plain-text error code with its status (invalid_payload 400, no_text 400,
too_many_attachments 400, invalid_token 403, no_service 404, channel_not_found 404,
channel_is_archived 410).
"""

from __future__ import annotations

import json

import httpx
import pytest
from slack_sdk import WebClient
from slack_sdk.webhook import WebhookClient


def new_webhook(dtu_slack, channel: str | None = None) -> dict[str, str]:  # type: ignore[no-untyped-def]
    response = dtu_slack.control(
        "POST",
        f"/_dtu/slack/tenants/{dtu_slack.tenant_id}/incoming-webhooks",
        json={"channel": channel} if channel else {},
    )
    assert response.status_code == 201
    created: dict[str, str] = response.json()
    return created


@pytest.fixture
def hook(dtu_slack) -> dict[str, str]:  # type: ignore[no-untyped-def]
    return new_webhook(dtu_slack)


def latest(user: WebClient, channel: str) -> dict:  # type: ignore[type-arg]
    message: dict = user.conversations_history(channel=channel, limit=1)["messages"][0]  # type: ignore[type-arg]
    return message


def test_send_text_posts_into_the_channel(hook: dict[str, str], user: WebClient, dtu_slack) -> None:  # type: ignore[no-untyped-def]
    response = WebhookClient(hook["url"]).send(text="deploy finished")
    assert response.status_code == 200
    assert response.body == "ok"
    message = latest(user, hook["channel_id"])
    assert message["text"] == "deploy finished"
    assert message["bot_id"] == dtu_slack.bot_id


def test_send_blocks_and_attachments(hook: dict[str, str], user: WebClient) -> None:
    blocks = [{"type": "section", "text": {"type": "mrkdwn", "text": "*bold*"}}]
    response = WebhookClient(hook["url"]).send(text="fallback", blocks=blocks)
    assert (response.status_code, response.body) == (200, "ok")
    assert latest(user, hook["channel_id"])["blocks"] == blocks
    attached = WebhookClient(hook["url"]).send(attachments=[{"text": "attached", "color": "#36a64f"}])
    assert (attached.status_code, attached.body) == (200, "ok")


def test_form_encoded_payload(hook: dict[str, str], user: WebClient) -> None:
    response = httpx.post(hook["url"], data={"payload": json.dumps({"text": "from a form"})})
    assert (response.status_code, response.text) == (200, "ok")
    assert latest(user, hook["channel_id"])["text"] == "from a form"


def test_thread_reply(hook: dict[str, str], user: WebClient) -> None:
    parent = user.chat_postMessage(channel=hook["channel_id"], text="parent")["ts"]
    response = WebhookClient(hook["url"]).send_dict({"text": "in thread", "thread_ts": parent})
    assert response.body == "ok"
    replies = user.conversations_replies(channel=hook["channel_id"], ts=parent)["messages"]
    assert replies[-1]["text"] == "in thread"


def test_invalid_payload(hook: dict[str, str]) -> None:
    response = httpx.post(hook["url"], content=b"{not json", headers={"Content-Type": "application/json"})
    assert (response.status_code, response.text) == (400, "invalid_payload")


def test_no_text(hook: dict[str, str]) -> None:
    response = WebhookClient(hook["url"]).send_dict({"unfurl_links": False})
    assert (response.status_code, response.body) == (400, "no_text")
    # An empty dict is not sent as an object at all (slack_sdk sends `null`).
    assert WebhookClient(hook["url"]).send_dict({}).body == "invalid_payload"


def test_too_many_attachments(hook: dict[str, str]) -> None:
    response = WebhookClient(hook["url"]).send(attachments=[{"text": str(i)} for i in range(101)])
    assert (response.status_code, response.body) == (400, "too_many_attachments")


def test_wrong_secret_is_invalid_token(hook: dict[str, str]) -> None:
    url = hook["url"].rsplit("/", 1)[0] + "/WRONGSECRET"
    response = WebhookClient(url).send(text="x")
    assert (response.status_code, response.body) == (403, "invalid_token")


def test_unknown_webhook_is_no_service(dtu_slack) -> None:  # type: ignore[no-untyped-def]
    root = dtu_slack.url.removesuffix("/api/")
    response = WebhookClient(f"{root}/services/{dtu_slack.team_id}/B0NOPE/secret").send(text="x")
    assert (response.status_code, response.body) == (404, "no_service")


def test_archived_channel(dtu_slack, user: WebClient) -> None:  # type: ignore[no-untyped-def]
    channel = user.conversations_create(name="alerts")["channel"]["id"]
    hook = new_webhook(dtu_slack, channel)
    assert WebhookClient(hook["url"]).send(text="before").body == "ok"
    user.conversations_archive(channel=channel)
    response = WebhookClient(hook["url"]).send(text="after")
    assert (response.status_code, response.body) == (410, "channel_is_archived")


def test_webhook_from_oauth_install_posts(dtu_slack, user: WebClient) -> None:  # type: ignore[no-untyped-def]
    channel = user.conversations_create(name="deploys")["channel"]["id"]
    root = dtu_slack.url.removesuffix("/api/")
    redirect = "https://app.example.com/slack/oauth_redirect"
    authorized = httpx.get(
        f"{root}/oauth/v2/authorize",
        params={
            "client_id": dtu_slack.client_id,
            "scope": "incoming-webhook",
            "redirect_uri": redirect,
            "channel_id": channel,
        },
    )
    code = httpx.URL(authorized.headers["location"]).params["code"]
    installed = WebClient(base_url=dtu_slack.url).oauth_v2_access(
        client_id=dtu_slack.client_id, client_secret=dtu_slack.client_secret, code=code, redirect_uri=redirect
    )
    hook = installed["incoming_webhook"]
    assert hook["channel"] == "#deploys" and hook["channel_id"] == channel
    assert WebhookClient(hook["url"]).send(text="shipped").body == "ok"
    assert latest(user, channel)["text"] == "shipped"
