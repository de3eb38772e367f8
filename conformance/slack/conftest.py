"""Black-box Slack conformance: the twin is driven only through slack_sdk over a socket.

Fixtures come from DTU's pytest plugin (`dtu_slack`: a fresh workspace per test).
Nothing here imports `services.*`.
"""

from __future__ import annotations

import pytest
from slack_sdk import WebClient
from slack_sdk.web.async_client import AsyncWebClient


@pytest.fixture
def bot(dtu_slack) -> WebClient:  # type: ignore[no-untyped-def]
    """The installed app's bot token."""
    return WebClient(token=dtu_slack.bot_token, base_url=dtu_slack.url)


@pytest.fixture
def user(dtu_slack) -> WebClient:  # type: ignore[no-untyped-def]
    """The workspace owner's user token (xoxp-)."""
    return WebClient(token=dtu_slack.user_token, base_url=dtu_slack.url)


@pytest.fixture
def async_bot(dtu_slack) -> AsyncWebClient:  # type: ignore[no-untyped-def]
    return AsyncWebClient(token=dtu_slack.bot_token, base_url=dtu_slack.url)
