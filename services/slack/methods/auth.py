"""auth.*, team.info, bots.info."""

from __future__ import annotations

from typing import Any

from sqlmodel import select

from services.slack.call import Call, method
from services.slack.domain import lookup
from services.slack.errors import SlackError
from services.slack.models import App, Token
from services.slack.render import bot_object, team_object


@method("auth.test")
def auth_test(call: Call) -> dict[str, Any]:
    principal = call.actor
    body: dict[str, Any] = {
        "url": f"https://{principal.attributes['team_domain']}.slack.com/",
        "team": principal.attributes["team_name"],
        "user": principal.attributes["user_name"],
        "team_id": principal.attributes["team_id"],
        "user_id": principal.subject,
    }
    if principal.kind == "bot":
        body["bot_id"] = principal.attributes["bot_id"]
    body["is_enterprise_install"] = False
    return body


@method("auth.revoke")
def auth_revoke(call: Call) -> dict[str, Any]:
    test = call.params.flag("test")
    if not test:
        row = call.session.get(Token, (call.tenant.id, call.actor.credential))
        if row is not None:
            row.revoked = True
            call.session.add(row)
        call.invalidate_credentials()
        call.emit("tokens_revoked", {"tokens": {"oauth" if call.actor.kind == "user" else "bot": [call.user_id]}})
    return {"revoked": not test}


@method("team.info")
def team_info(call: Call) -> dict[str, Any]:
    team = lookup.team(call)
    requested = call.params.string("team")
    if requested and requested != team.id:
        raise SlackError("team_not_found")
    return {"team": team_object(team)}


@method("bots.info")
def bots_info(call: Call) -> dict[str, Any]:
    bot_id = call.params.string("bot")
    if not bot_id:
        raise SlackError("bot_not_found")
    app = call.session.exec(select(App).where(App.tenant_id == call.tenant.id, App.bot_id == bot_id)).first()
    if app is None:
        raise SlackError("bot_not_found")
    return {"bot": bot_object(app, app.created)}
