"""Slack through slack_sdk: tell the resource's channel about a grant or a revocation."""

from __future__ import annotations

import logging

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_handlers import (
    ConnectionErrorRetryHandler,
    RateLimitErrorRetryHandler,
    ServerErrorRetryHandler,
)
from slack_sdk.http_retry.builtin_interval_calculators import BackoffRetryIntervalCalculator
from slack_sdk.http_retry.jitter import RandomJitter

from examples.access_request import retry
from examples.access_request.config import Settings

log = logging.getLogger("access_request.slack")

# Errors Slack documents as temporary (HTTP 200 bodies); a careful client tries again.
TRANSIENT_ERRORS = frozenset({"internal_error", "fatal_error", "service_unavailable", "request_timeout", "ratelimited"})


class NotFound(Exception):
    pass


def classify(exc: BaseException) -> retry.Transient | None:
    if isinstance(exc, SlackApiError):
        status = exc.response.status_code
        if status in retry.TRANSIENT_STATUSES or exc.response.get("error") in TRANSIENT_ERRORS:
            return retry.Transient(retry.retry_after_of(exc.response.headers))
        return None
    if isinstance(exc, OSError | TimeoutError):
        return retry.Transient()
    return None


def client(settings: Settings) -> WebClient:
    """The bot, with slack_sdk's retry handlers: connection errors, 429 (Retry-After), 500/503."""
    backoff = BackoffRetryIntervalCalculator(backoff_factor=0.2, jitter=RandomJitter())
    return WebClient(
        token=settings.slack_bot_token,
        base_url=settings.slack_url,
        timeout=30,
        retry_handlers=[
            ConnectionErrorRetryHandler(max_retry_count=4, interval_calculator=backoff),
            RateLimitErrorRetryHandler(max_retry_count=4),
            ServerErrorRetryHandler(max_retry_count=4, interval_calculator=backoff),
        ],
    )


def channel_id(web: WebClient, name: str) -> str:
    """A channel by name among those the bot can see (public ones, and private ones it is in); joins a public one."""
    wanted = name.removeprefix("#")
    cursor: str | None = None
    while True:
        page = retry.call(
            lambda c=cursor: web.conversations_list(  # type: ignore[misc]
                types="public_channel,private_channel", exclude_archived=True, limit=200, cursor=c
            ),
            classify,
            "conversations.list",
        )
        for channel in page["channels"]:
            if channel["name"] == wanted or channel["id"] == wanted:
                if not channel.get("is_member") and not channel.get("is_private"):
                    retry.call(lambda ch=channel["id"]: web.conversations_join(channel=ch), classify, "join")  # type: ignore[misc]
                return str(channel["id"])
        cursor = (page.get("response_metadata") or {}).get("next_cursor") or None
        if not cursor:
            raise NotFound(f"the bot sees no channel #{wanted} (a private channel must invite it)")


def mention(web: WebClient, email: str) -> str:
    """<@U...> for the person with this email in Slack, else the email itself."""
    try:
        found = retry.call(lambda: web.users_lookupByEmail(email=email), classify, "users.lookupByEmail")
    except SlackApiError as exc:
        if exc.response.get("error") == "users_not_found":
            return email
        raise
    return f"<@{found['user']['id']}>"


def notify(web: WebClient, channel: str, text: str) -> str:
    sent = retry.call(lambda: web.chat_postMessage(channel=channel, text=text), classify, "chat.postMessage")
    return str(sent["ts"])
