"""The twin's stand-in for an app's "Event Subscriptions" settings page.

    POST /_dtu/slack/tenants/{tenant_id}/apps/{app_id}/events
         {"request_url": "https://...", "bot_events": [...], "user_events": [...]}
    GET  the same path: the subscription and the app's recent deliveries

Saving a new Request URL performs Slack's `url_verification` handshake first: a signed
POST of `{"token", "challenge", "type": "url_verification"}` that must be answered
with HTTP 200 and the challenge (plain text, JSON `{"challenge"}` or form-encoded).
If it is not, nothing is saved and the answer is a 400 saying why, as Slack's settings
page refuses the URL. An empty `request_url` turns Event Subscriptions off.
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
from sqlmodel import col, select
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import BaseRoute, Route

from services.core.deliveries import HTTP_TIMEOUT, classify
from services.core.ids import ALNUM
from services.core.tenants import Tenant
from services.core.twin import TwinRuntime, runtime_of
from services.slack.event_routing import subscription_problem
from services.slack.events import MAX_REDIRECTS, TIMEOUT_SECONDS, USER_AGENT, EventBus, encode, signed_headers
from services.slack.models import App, EventDelivery

PATH = "/_dtu/slack/tenants/{tenant_id}/apps/{app_id}/events"


def problem(status: int, message: str) -> JSONResponse:
    return JSONResponse({"error": message}, status_code=status)


def _app(runtime: TwinRuntime, tenant: Tenant, app_id: str) -> App | None:
    with runtime.store.session() as session:
        return session.get(App, (tenant.id, app_id))


def _config(app: App) -> dict[str, Any]:
    return {
        "app_id": app.id,
        "request_url": app.event_request_url,
        "verified": app.event_url_verified,
        "bot_events": list(app.bot_events or []),
        "user_events": list(app.user_events or []),
    }


def _answered(response: httpx.Response, challenge: str) -> bool:
    """Did the endpoint echo the challenge in one of the three forms Slack accepts?"""
    text = response.text.strip()
    if text == challenge:
        return True
    content_type = response.headers.get("content-type", "")
    if "json" in content_type or text.startswith("{"):
        try:
            answer = json.loads(text)
        except ValueError:
            answer = None
        if isinstance(answer, dict) and answer.get("challenge") == challenge:
            return True
    return parse_qs(text).get("challenge") == [challenge]


async def verify_url(url: str, app: App, tenant: Tenant) -> str | None:
    """Slack's url_verification handshake; returns why it failed, or None."""
    challenge = tenant.ids.draw(52, ALNUM)
    body = encode({"token": app.verification_token, "challenge": challenge, "type": "url_verification"})
    headers = signed_headers(app.signing_secret, body, tenant.clock.time())
    async with httpx.AsyncClient(
        timeout=TIMEOUT_SECONDS,
        follow_redirects=True,
        max_redirects=MAX_REDIRECTS,
        headers={"User-Agent": USER_AGENT},
        trust_env=False,
    ) as client:
        try:
            response = await client.post(url, content=body, headers=headers)
        except Exception as exc:
            reason = classify(exc)
            if reason == HTTP_TIMEOUT:
                return f"Your URL didn't respond within {TIMEOUT_SECONDS:g} seconds ({reason})."
            return f"We couldn't reach your URL ({reason}: {exc})."
    if response.status_code != 200:
        return f"Your request URL gave us a {response.status_code} error (HTTP 200 with the challenge is required)."
    if not _answered(response, challenge):
        return "Your URL didn't respond with the value of the challenge parameter."
    return None


def _is_http_url(url: object) -> bool:
    if not isinstance(url, str):
        return False
    parts = urlsplit(url)
    return parts.scheme in ("http", "https") and bool(parts.netloc)


def _validate(body: Any) -> str | None:
    if not isinstance(body, dict):
        return "body must be an object"
    url = body.get("request_url")
    if url not in (None, "") and not _is_http_url(url):
        return "request_url must be an http(s) URL"
    for field in ("bot_events", "user_events"):
        found = subscription_problem(body.get(field, []), field)
        if found:
            return found
    if url in (None, "") and (body.get("bot_events") or body.get("user_events")):
        return "a verified request_url is required to subscribe to events"
    return None


async def save(request: Request) -> JSONResponse:
    runtime = runtime_of(request)
    tenant = runtime.tenants.get(request.path_params["tenant_id"])
    app_id = request.path_params["app_id"]
    try:
        body = json.loads(await request.body() or b"{}")
    except ValueError as exc:
        return problem(400, f"body is not valid JSON: {exc}")
    invalid = _validate(body)
    if invalid:
        return problem(400, invalid)
    app = _app(runtime, tenant, app_id)
    if app is None:
        return problem(404, f"no app {app_id!r} in tenant {tenant.id!r}")
    url = body.get("request_url") or None
    # As on Slack's settings page, a URL is verified when it is entered (or was never verified).
    if url is not None and (url != app.event_request_url or not app.event_url_verified):
        failure = await verify_url(url, app, tenant)
        if failure:
            return problem(400, f"url_verification failed for {url}: {failure}")
    with runtime.store.session() as session:
        saved = session.get(App, (tenant.id, app_id))
        if saved is None:  # deleted while the handshake ran
            return problem(404, f"no app {app_id!r} in tenant {tenant.id!r}")
        saved.event_request_url = url
        saved.event_url_verified = url is not None
        saved.bot_events = list(dict.fromkeys(body.get("bot_events", [])))
        saved.user_events = list(dict.fromkeys(body.get("user_events", [])))
        session.add(saved)
    return JSONResponse(_config(saved))


async def show(request: Request) -> JSONResponse:
    runtime = runtime_of(request)
    tenant = runtime.tenants.get(request.path_params["tenant_id"])
    app_id = request.path_params["app_id"]
    try:
        limit = max(1, min(int(request.query_params.get("limit", "50")), 1000))
    except ValueError:
        return problem(400, "limit must be an integer")
    bus: EventBus = runtime.extras["events"]
    with runtime.store.session() as session:
        app = session.get(App, (tenant.id, app_id))
        if app is None:
            return problem(404, f"no app {app_id!r} in tenant {tenant.id!r}")
        rows = session.exec(
            select(EventDelivery)
            .where(EventDelivery.tenant_id == tenant.id, EventDelivery.app_id == app_id)
            .order_by(col(EventDelivery.created).desc(), col(EventDelivery.event_id).desc())
            .limit(limit)
        ).all()
    deliveries = [
        {
            "event_id": row.event_id,
            "event_type": (row.payload or {}).get("event", {}).get("type"),
            "url": row.url,
            "state": row.state,
            "attempts": row.attempts,
            "last_status": row.last_status,
            "last_error": row.last_error,
            "next_attempt_at": row.next_attempt_at if row.state == "pending" else None,
            "created": row.created,
            "payload": row.payload,
            "log": [
                a.to_dict() for a in bus.queue.attempts(tenant=tenant.id, labels={"event_id": row.event_id}, limit=10)
            ],
        }
        for row in rows
    ]
    return JSONResponse({**_config(app), "deliveries": deliveries})


def routes() -> list[BaseRoute]:
    return [Route(PATH, save, methods=["POST"]), Route(PATH, show, methods=["GET"])]
