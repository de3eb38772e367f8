"""oauth.v2.access: exchange a code from /oauth/v2/authorize for tokens.

The call carries no token: the app is found by its client_id across tenants and the
call then works in that app's tenant. Client credentials come as form parameters or
HTTP Basic (the dispatcher turns Basic into `client_id`/`client_secret`).

Each exchange issues a fresh bot token (xoxb-) holding exactly the bot scopes that
were requested, and a user token (xoxp-) for the installing user when user scopes
were requested. With `incoming-webhook` it creates the webhook.
"""

from __future__ import annotations

from typing import Any

from sqlmodel import select

from services.slack import webhooks
from services.slack.call import Call, method
from services.slack.domain import lookup
from services.slack.errors import SlackError
from services.slack.models import App, Conversation, OAuthCode
from services.slack.oauth_http import WEBHOOK_SCOPE
from services.slack.tokens import issue_token

GRANT_TYPES = ("authorization_code", "refresh_token")


def _app(call: Call) -> App:
    client_id = call.params.string("client_id")
    app = (
        call.session.exec(select(App).where(App.client_id == client_id, App.deleted == False)).first()  # noqa: E712
        if client_id
        else None
    )
    if app is None:
        raise SlackError("invalid_client_id")
    if call.params.string("client_secret") != app.client_secret:
        raise SlackError("bad_client_secret")
    return app


def _code(call: Call, app: App) -> OAuthCode:
    value = call.params.string("code")
    row = call.session.get(OAuthCode, (app.tenant_id, value)) if value else None
    if row is None or row.app_id != app.id or call.now() > row.expires:
        raise SlackError("invalid_code")
    if row.used:
        raise SlackError("code_already_used")
    if row.redirect_uri is not None and call.params.string("redirect_uri") != row.redirect_uri:
        raise SlackError("bad_redirect_uri")
    return row


@method("oauth.v2.access")
def access(call: Call) -> dict[str, Any]:
    app = _app(call)
    grant_type = call.params.string("grant_type", "authorization_code")
    if grant_type not in GRANT_TYPES:
        raise SlackError("invalid_grant_type")
    if grant_type == "refresh_token":
        raise SlackError("invalid_refresh_token")  # the twin issues no rotating tokens
    call.tenant = call.runtime.tenants.get(app.tenant_id)
    code = _code(call, app)
    code.used = True
    call.session.add(code)
    team = lookup.team(call)
    now = call.now_int()
    body: dict[str, Any] = {"app_id": app.id}
    bot_scopes = list(code.scopes or [])
    if bot_scopes:
        bot = issue_token(
            call.session, call.tenant.id, call.tenant.ids,
            type_="bot", user_id=app.bot_user_id, app_id=app.id, scopes=bot_scopes, now=now,
        )  # fmt: skip
        body.update(
            {
                "access_token": bot.token,
                "token_type": "bot",
                "scope": ",".join(bot_scopes),
                "bot_user_id": app.bot_user_id,
            }
        )
    authed_user: dict[str, Any] = {"id": code.user_id}
    if code.user_scopes:
        user = issue_token(
            call.session, call.tenant.id, call.tenant.ids,
            type_="user", user_id=code.user_id, app_id=app.id, scopes=list(code.user_scopes), now=now,
        )  # fmt: skip
        authed_user.update({"scope": ",".join(code.user_scopes), "access_token": user.token, "token_type": "user"})
    body.update({"authed_user": authed_user, "team": {"id": team.id, "name": team.name}, "enterprise": None})
    body["is_enterprise_install"] = False
    if WEBHOOK_SCOPE in bot_scopes and code.webhook_channel_id:
        body["incoming_webhook"] = _webhook(call, app, code.webhook_channel_id, team.domain)
    call.invalidate_credentials()  # a token string looked up before it existed may be cached as unknown
    return body


def _webhook(call: Call, app: App, channel_id: str, domain: str) -> dict[str, Any]:
    channel = call.session.get(Conversation, (call.tenant.id, channel_id))
    if channel is None:
        raise SlackError("invalid_code")  # the channel chosen at authorize is gone
    hook = webhooks.create(call.session, call.tenant, app, channel)
    return {
        "channel": f"#{channel.name}",
        "channel_id": channel.id,
        "configuration_url": f"https://{domain}.slack.com/services/{hook.id}",
        "url": webhooks.url_of(call.runtime.base_url, hook),
    }
