"""OAuth v2: /oauth/v2/authorize (approved at once by the twin) and oauth.v2.access via slack_sdk.

Shapes and error codes follow docs.slack.dev's oauth.v2.access page and the
"Installing with OAuth" guide: the authorize step redirects to redirect_uri with
`code` and `state`; codes expire after ten minutes and are single-use.
"""

from __future__ import annotations

from typing import Any

import httpx
from slack_sdk import WebClient

from conformance.slack.expect import error_of

REDIRECT = "https://app.example.com/slack/oauth_redirect"


def authorize(dtu_slack, **params: str) -> httpx.Response:  # type: ignore[no-untyped-def]
    root = dtu_slack.url.removesuffix("/api/")
    query = {"client_id": dtu_slack.client_id, "redirect_uri": REDIRECT, **params}
    return httpx.get(f"{root}/oauth/v2/authorize", params=query, follow_redirects=False)


def code_for(dtu_slack, **params: str) -> str:  # type: ignore[no-untyped-def]
    response = authorize(dtu_slack, **params)
    assert response.status_code == 302
    return str(httpx.URL(response.headers["location"]).params["code"])


def exchange(dtu_slack, code: str, **overrides: Any) -> Any:  # type: ignore[no-untyped-def]
    arguments = {
        "client_id": dtu_slack.client_id,
        "client_secret": dtu_slack.client_secret,
        "code": code,
        "redirect_uri": REDIRECT,
        **overrides,
    }
    return WebClient(base_url=dtu_slack.url).oauth_v2_access(**arguments)


def test_authorize_redirects_with_code_and_state(dtu_slack) -> None:  # type: ignore[no-untyped-def]
    response = authorize(dtu_slack, scope="chat:write", state="xyz-123")
    assert response.status_code == 302
    location = httpx.URL(response.headers["location"])
    assert str(location).startswith(REDIRECT + "?")
    assert location.params["state"] == "xyz-123"
    assert location.params["code"]


def test_full_install_returns_bot_and_user_tokens(dtu_slack) -> None:  # type: ignore[no-untyped-def]
    code = code_for(dtu_slack, scope="chat:write,channels:read", user_scope="chat:write")
    response = exchange(dtu_slack, code)
    assert response["ok"] is True
    assert response["access_token"].startswith("xoxb-")
    assert response["token_type"] == "bot"
    assert response["scope"] == "chat:write,channels:read"
    assert response["bot_user_id"] == dtu_slack.bot_user_id
    assert response["app_id"] == dtu_slack.app_id
    assert response["team"]["id"] == dtu_slack.team_id
    assert response["enterprise"] is None
    assert response["is_enterprise_install"] is False
    authed = response["authed_user"]
    assert authed["id"] == dtu_slack.admin_user_id
    assert authed["scope"] == "chat:write"
    assert authed["access_token"].startswith("xoxp-")
    assert authed["token_type"] == "user"

    bot = WebClient(token=response["access_token"], base_url=dtu_slack.url).auth_test()
    assert bot["user_id"] == dtu_slack.bot_user_id
    assert bot.headers["x-oauth-scopes"] == "channels:read,chat:write"
    person = WebClient(token=authed["access_token"], base_url=dtu_slack.url).auth_test()
    assert person["user_id"] == dtu_slack.admin_user_id


def test_user_scopes_only(dtu_slack) -> None:  # type: ignore[no-untyped-def]
    response = exchange(dtu_slack, code_for(dtu_slack, user_scope="chat:write"))
    assert "access_token" not in response.data
    assert response["authed_user"]["access_token"].startswith("xoxp-")


def test_bot_scopes_only_authed_user_has_just_an_id(dtu_slack) -> None:  # type: ignore[no-untyped-def]
    response = exchange(dtu_slack, code_for(dtu_slack, scope="chat:write"))
    assert response["authed_user"] == {"id": dtu_slack.admin_user_id}


def test_credentials_as_form_parameters(dtu_slack) -> None:  # type: ignore[no-untyped-def]
    code = code_for(dtu_slack, scope="chat:write")
    response = WebClient(base_url=dtu_slack.url).api_call(
        "oauth.v2.access",
        data={
            "client_id": dtu_slack.client_id,
            "client_secret": dtu_slack.client_secret,
            "code": code,
            "redirect_uri": REDIRECT,
        },
    )
    assert response["access_token"].startswith("xoxb-")


def test_installing_user_can_be_chosen(dtu_slack) -> None:  # type: ignore[no-untyped-def]
    created = dtu_slack.control("POST", "/seed", json={"users": [{"name": "alice", "email": "alice@example.com"}]})
    alice = created.json()["created"]["users"][0]
    response = exchange(dtu_slack, code_for(dtu_slack, user_scope="chat:write", dtu_user="alice"))
    assert response["authed_user"]["id"] == alice


def test_client_errors(dtu_slack) -> None:  # type: ignore[no-untyped-def]
    code = code_for(dtu_slack, scope="chat:write")
    assert error_of(lambda: exchange(dtu_slack, code, client_id="1.2")) == "invalid_client_id"
    assert error_of(lambda: exchange(dtu_slack, code, client_secret="nope")) == "bad_client_secret"
    assert error_of(lambda: exchange(dtu_slack, "123.456.nope")) == "invalid_code"
    assert error_of(lambda: exchange(dtu_slack, code, redirect_uri="https://evil.example.com/")) == "bad_redirect_uri"
    assert error_of(lambda: exchange(dtu_slack, code, grant_type="password")) == "invalid_grant_type"


def test_code_is_single_use(dtu_slack) -> None:  # type: ignore[no-untyped-def]
    code = code_for(dtu_slack, scope="chat:write")
    exchange(dtu_slack, code)
    # The docs list invalid_code; Slack has been observed answering a reused code with
    # code_already_used (omniauth-slack#54, vscode-chat#76). Either way it is refused.
    assert error_of(lambda: exchange(dtu_slack, code)) in ("code_already_used", "invalid_code")


def test_code_expires_after_ten_minutes(dtu_slack) -> None:  # type: ignore[no-untyped-def]
    code = code_for(dtu_slack, scope="chat:write")
    dtu_slack.advance_clock(601)
    assert error_of(lambda: exchange(dtu_slack, code)) == "invalid_code"


def test_codes_belong_to_their_app(dtu_slack, dtu_slack_server) -> None:  # type: ignore[no-untyped-def]
    other = dtu_slack_server.new_tenant("other")
    try:
        code = code_for(other, scope="chat:write")
        # This tenant's app cannot redeem another app's code.
        assert error_of(lambda: exchange(dtu_slack, code)) == "invalid_code"
        assert exchange(other, code)["team"]["id"] == other.team_id
    finally:
        dtu_slack_server.drop_tenant(other)


def test_authorize_errors_are_an_error_page(dtu_slack) -> None:  # type: ignore[no-untyped-def]
    unknown = authorize(dtu_slack, client_id="9.9", scope="chat:write")
    assert unknown.status_code == 400 and "invalid_client_id" in unknown.text
    no_scope = authorize(dtu_slack)
    assert no_scope.status_code == 400
    bad_scope = authorize(dtu_slack, scope="not:a-scope")
    assert bad_scope.status_code == 400


def test_denied_install_redirects_with_access_denied(dtu_slack) -> None:  # type: ignore[no-untyped-def]
    response = authorize(dtu_slack, scope="chat:write", state="s1", dtu_deny="1")
    location = httpx.URL(response.headers["location"])
    assert location.params["error"] == "access_denied"
    assert location.params["state"] == "s1"
    assert "code" not in location.params


def test_incoming_webhook_scope_returns_the_webhook(dtu_slack) -> None:  # type: ignore[no-untyped-def]
    response = exchange(dtu_slack, code_for(dtu_slack, scope="incoming-webhook,chat:write"))
    hook = response["incoming_webhook"]
    assert hook["channel"] == "#general"
    assert hook["channel_id"].startswith("C")
    assert hook["configuration_url"].startswith("https://")
    assert f"/services/{dtu_slack.team_id}/" in hook["url"]
    assert "incoming-webhook" in response["scope"].split(",")
