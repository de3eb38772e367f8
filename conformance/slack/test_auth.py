"""auth.test, auth.revoke, team.info, bots.info through slack_sdk."""

from __future__ import annotations

import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient


def test_auth_test_identifies_bot(bot: WebClient, dtu_slack) -> None:  # type: ignore[no-untyped-def]
    response = bot.auth_test()
    assert response["ok"] is True
    assert response["team_id"] == dtu_slack.team_id
    assert response["user_id"] == dtu_slack.bot_user_id
    assert response["bot_id"] == dtu_slack.bot_id
    assert response["url"].startswith("https://") and response["url"].endswith(".slack.com/")


def test_auth_test_identifies_user(user: WebClient, dtu_slack) -> None:  # type: ignore[no-untyped-def]
    response = user.auth_test()
    assert response["user_id"] == dtu_slack.admin_user_id
    assert "bot_id" not in response


async def test_async_client_auth_test(async_bot: AsyncWebClient, dtu_slack) -> None:  # type: ignore[no-untyped-def]
    response = await async_bot.auth_test()
    assert response["user_id"] == dtu_slack.bot_user_id


def test_bad_token_is_invalid_auth(dtu_slack) -> None:  # type: ignore[no-untyped-def]
    client = WebClient(token="xoxb-0-0-nope", base_url=dtu_slack.url)
    with pytest.raises(SlackApiError) as caught:
        client.auth_test()
    assert caught.value.response["error"] == "invalid_auth"


def test_missing_token_is_not_authed(dtu_slack) -> None:  # type: ignore[no-untyped-def]
    client = WebClient(base_url=dtu_slack.url)
    with pytest.raises(SlackApiError) as caught:
        client.api_call("auth.test")
    assert caught.value.response["error"] == "not_authed"


def test_unknown_method(bot: WebClient) -> None:
    with pytest.raises(SlackApiError) as caught:
        bot.api_call("nonexistent.method")
    assert caught.value.response["error"] == "unknown_method"


def test_revoke_stops_the_token(dtu_slack) -> None:  # type: ignore[no-untyped-def]
    client = WebClient(token=dtu_slack.user_token, base_url=dtu_slack.url)
    assert client.auth_revoke(test=True)["revoked"] is False
    client.auth_test()  # still valid after a test revoke
    assert client.auth_revoke()["revoked"] is True
    with pytest.raises(SlackApiError) as caught:
        client.auth_test()
    assert caught.value.response["error"] == "token_revoked"


def test_team_info(bot: WebClient, dtu_slack) -> None:  # type: ignore[no-untyped-def]
    team = bot.team_info()["team"]
    assert team["id"] == dtu_slack.team_id
    assert team["domain"]
    with pytest.raises(SlackApiError) as caught:
        bot.team_info(team="T000NOPE")
    assert caught.value.response["error"] == "team_not_found"


def test_bots_info(bot: WebClient, dtu_slack) -> None:  # type: ignore[no-untyped-def]
    info = bot.bots_info(bot=dtu_slack.bot_id)["bot"]
    assert info["id"] == dtu_slack.bot_id
    assert info["user_id"] == dtu_slack.bot_user_id
    assert info["app_id"] == dtu_slack.app_id
    with pytest.raises(SlackApiError) as caught:
        bot.bots_info(bot="B000NOPE")
    assert caught.value.response["error"] == "bot_not_found"
