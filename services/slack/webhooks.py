"""Incoming webhooks: `POST /services/{T}/{B}/{secret}` posts a message into one channel.

A webhook is created by installing an app with the `incoming-webhook` scope
(oauth.v2.access returns its `incoming_webhook.url`), or, twin-only, by the control
route `POST /_dtu/slack/tenants/{tenant_id}/incoming-webhooks` with the body
`{"channel": "C...", "app_id": "A..."}` (both optional: #general and the tenant's
installed app), which answers `{"url", "channel_id", "id"}`.

The body is JSON, or a form with the JSON in its `payload` field. The message is
posted by the app's bot into the webhook's channel: `channel`, `username` and icon
overrides are ignored, as for app webhooks. Answers are plain text, as Slack's:
`ok`, or an error code with its HTTP status (`invalid_payload` 400, `no_text` 400,
`too_many_attachments` 400, `invalid_blocks` 400, `invalid_token` 403,
`no_service` 404, `channel_not_found` 404, `channel_is_archived` 410).
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import parse_qs

from sqlmodel import Session, select
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import BaseRoute, Route

from services.core.credentials import Principal
from services.core.errors import BadRequestBody
from services.core.ids import ALNUM
from services.core.request_params import read_body
from services.core.tenants import Tenant, UnknownTenant
from services.core.twin import TwinRuntime, runtime_of
from services.slack.call import Call
from services.slack.catalogue import METHODS
from services.slack.domain import messages
from services.slack.errors import SlackError
from services.slack.models import App, Conversation, IncomingWebhook, Team
from services.slack.params import Params

# Slack's plain-text webhook errors and their HTTP statuses.
STATUS = {
    "invalid_payload": 400,
    "no_text": 400,
    "too_many_attachments": 400,
    "invalid_blocks": 400,
    "invalid_blocks_format": 400,
    "invalid_attachments": 400,
    "msg_too_long": 400,
    "invalid_token": 403,
    "action_prohibited": 403,
    "no_service": 404,
    "channel_not_found": 404,
    "channel_is_archived": 410,
}
WEBHOOK_TYPE = "text/html"  # what hooks.slack.com labels its plain answers with


class WebhookError(Exception):
    def __init__(self, error: str) -> None:
        super().__init__(error)
        self.error = error


def url_of(base_url: str, hook: IncomingWebhook) -> str:
    return f"{base_url}/services/{hook.team_id}/{hook.id}/{hook.secret}"


def create(session: Session, tenant: Tenant, app: App, channel: Conversation) -> IncomingWebhook:
    """A new webhook of `app` posting into `channel` (what installing with incoming-webhook makes)."""
    team = session.exec(select(Team).where(Team.tenant_id == tenant.id)).one()
    hook = IncomingWebhook(
        tenant_id=tenant.id,
        id=tenant.ids.make("B", 10),
        secret=tenant.ids.draw(24, ALNUM),
        team_id=team.id,
        channel_id=channel.id,
        app_id=app.id,
        created=int(tenant.clock.time()),
    )
    session.add(hook)
    return hook


def pick_channel(session: Session, tenant_id: str, channel_id: str | None) -> Conversation | None:
    """The channel a new webhook posts into: the one chosen, else #general (never an archived one)."""
    query = select(Conversation).where(Conversation.tenant_id == tenant_id, Conversation.is_archived == False)  # noqa: E712
    chosen = Conversation.id == channel_id if channel_id else Conversation.is_general == True  # noqa: E712
    return session.exec(query.where(chosen)).first()


def _payload(body: bytes, content_type: str) -> dict[str, Any]:
    """The message: a JSON body, or the JSON in the `payload` field of a form."""
    try:
        text = body.decode("utf-8")
        if content_type == "application/x-www-form-urlencoded" or (
            content_type != "application/json" and text.startswith("payload=")
        ):
            text = parse_qs(text, keep_blank_values=True).get("payload", [""])[0]
        value = json.loads(text)
    except (UnicodeDecodeError, ValueError):
        raise WebhookError("invalid_payload") from None
    if not isinstance(value, dict):
        raise WebhookError("invalid_payload")
    return value


def _bot_call(runtime: TwinRuntime, tenant: Tenant, session: Session, app: App, payload: dict[str, Any]) -> Call:
    """A Call acting as the app's bot, so the webhook posts through the messages domain."""
    team = session.exec(select(Team).where(Team.tenant_id == tenant.id)).one()
    principal = Principal(
        tenant_id=tenant.id,
        subject=app.bot_user_id,
        kind="bot",
        scopes=frozenset({"incoming-webhook"}),
        credential="",
        attributes={"team_id": team.id, "app_id": app.id, "bot_id": app.bot_id, "user_name": "", "is_admin": False},
    )
    params = Params({k: v for k, v in payload.items() if k in ("text", "blocks", "attachments")})
    spec = METHODS["chat.postMessage"]
    return Call(spec=spec, params=params, principal=principal, tenant=tenant, session=session, runtime=runtime)


def _post(call: Call, hook: IncomingWebhook, payload: dict[str, Any]) -> None:
    channel = call.session.get(Conversation, (call.tenant.id, hook.channel_id))
    if channel is None:
        raise WebhookError("channel_not_found")
    if channel.is_archived:
        raise WebhookError("channel_is_archived")
    try:
        content = messages.read_content(call)
    except SlackError as exc:
        raise WebhookError(exc.error if exc.error in STATUS else "invalid_payload") from None
    thread_ts = payload.get("thread_ts")
    # Webhook posts are bot messages without a user, as Slack shows them.
    messages.post(
        call,
        channel,
        content,
        thread_ts=thread_ts if isinstance(thread_ts, str) else None,
        subtype="bot_message",
        anonymous=True,
    )


async def incoming(request: Request) -> Response:
    runtime = runtime_of(request)
    request.state.dtu_operation = "incoming_webhook"
    team_id, hook_id, secret = (request.path_params[k] for k in ("team_id", "hook_id", "secret"))
    try:
        body = await read_body(request, runtime.settings.max_body_bytes)
    except BadRequestBody:
        return _answer("invalid_payload")
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    try:
        with runtime.store.session() as session:
            hook = session.exec(select(IncomingWebhook).where(IncomingWebhook.id == hook_id)).first()
            app = session.get(App, (hook.tenant_id, hook.app_id)) if hook is not None else None
            if hook is None or app is None or app.deleted or hook.team_id != team_id:
                raise WebhookError("no_service")
            if hook.secret != secret:
                raise WebhookError("invalid_token")
            tenant = runtime.tenants.get(hook.tenant_id)
            request.state.dtu_tenant = tenant.id
            payload = _payload(body, content_type)
            call = _bot_call(runtime, tenant, session, app, payload)
            _post(call, hook, payload)
    except WebhookError as failure:
        return _answer(failure.error)
    for callback in call.after_commit:
        callback()
    if call.events:
        runtime.extras["events"].publish(tenant, call.events)
    return _answer("ok")


def _answer(error: str) -> Response:
    return PlainTextResponse(error, status_code=STATUS.get(error, 200), media_type=WEBHOOK_TYPE)


async def create_for_tenant(request: Request) -> Response:
    """Twin-only: create an incoming webhook without the OAuth dance (see the module docstring)."""
    runtime = runtime_of(request)
    try:
        tenant = runtime.tenants.get(request.path_params["tenant_id"])
    except UnknownTenant:
        return JSONResponse({"error": "unknown tenant"}, status_code=404)
    raw = await request.body()
    try:
        body = json.loads(raw) if raw.strip() else {}
    except ValueError:
        return JSONResponse({"error": "body must be JSON"}, status_code=400)
    if not isinstance(body, dict):
        return JSONResponse({"error": "body must be an object"}, status_code=400)
    with runtime.store.session() as session:
        app_query = select(App).where(App.tenant_id == tenant.id, App.deleted == False)  # noqa: E712
        if body.get("app_id"):
            app_query = app_query.where(App.id == body["app_id"])
        app = session.exec(app_query).first()
        channel = pick_channel(session, tenant.id, body.get("channel"))
        if app is None or channel is None:
            return JSONResponse({"error": "unknown app or channel"}, status_code=404)
        hook = create(session, tenant, app, channel)
        answer = {"url": url_of(runtime.base_url, hook), "channel_id": channel.id, "id": hook.id}
    return JSONResponse(answer, status_code=201)


def routes() -> list[BaseRoute]:
    return [
        Route("/services/{team_id}/{hook_id}/{secret}", incoming, methods=["POST"]),
        Route("/_dtu/slack/tenants/{tenant_id}/incoming-webhooks", create_for_tenant, methods=["POST"]),
    ]
