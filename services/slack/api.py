"""The Web API front door: `/api/<method>`, GET or POST, query + form + JSON merged."""

from __future__ import annotations

import base64
import logging
from typing import Any

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from services.core.credentials import CredentialCache, Principal
from services.core.errors import BadRequestBody
from services.core.faults import InjectedFault
from services.core.request_params import merged_params
from services.core.tenants import DEFAULT_TENANT
from services.core.twin import runtime_of
from services.slack.call import REGISTRY, Call
from services.slack.catalogue import METHODS, MethodSpec
from services.slack.errors import SlackError
from services.slack.params import Params
from services.slack.tokens import TokenProblem

log = logging.getLogger("dtu.slack")

JSON_TYPE = "application/json; charset=utf-8"


def _bearer(request: Request, params: Params) -> str | None:
    header = request.headers.get("authorization", "")
    if header[:7].lower() == "bearer " and header[7:].strip():
        return header[7:].strip()
    token = params.raw("token")
    return token if isinstance(token, str) and token else None


def _client_credentials(request: Request, params: Params) -> None:
    """HTTP Basic `client_id:client_secret` (how slack_sdk sends them to oauth.v2.access) as params."""
    header = request.headers.get("authorization", "")
    if header[:6].lower() != "basic ":
        return
    try:
        client_id, _, client_secret = base64.b64decode(header[6:].strip()).decode().partition(":")
    except (ValueError, UnicodeDecodeError):
        return
    params.values.setdefault("client_id", client_id)
    params.values.setdefault("client_secret", client_secret)


def authenticate(cache: CredentialCache, request: Request, params: Params, spec: MethodSpec) -> Principal | None:
    if not spec.token_types:
        _client_credentials(request, params)
        return None  # e.g. oauth.v2.access authenticates with client credentials
    token = _bearer(request, params)
    if token is None:
        raise SlackError("not_authed")
    try:
        principal = cache.resolve(token)
    except TokenProblem as problem:
        raise SlackError(problem.error) from None
    if principal is None:
        raise SlackError("invalid_auth")
    if principal.kind not in spec.token_types:
        raise SlackError("not_allowed_token_type")
    if spec.by_conversation_type is None:
        needed = spec.bot_scopes if principal.kind == "bot" else spec.user_scopes
        if needed and principal.scopes.isdisjoint(needed):
            raise SlackError("missing_scope", needed=needed[0], provided=",".join(sorted(principal.scopes)))
    return principal


async def web_api(request: Request) -> Response:
    runtime = runtime_of(request)
    name = request.path_params["method"]
    request.state.dtu_operation = name
    handler, spec = REGISTRY.get(name), METHODS.get(name)
    if handler is None or spec is None:
        raise SlackError("unknown_method", status_code=404, req_method=name)
    params = Params(await merged_params(request, runtime.settings.max_body_bytes))
    principal = authenticate(runtime.extras["credentials"], request, params, spec)
    tenant = runtime.tenants.get(principal.tenant_id if principal else DEFAULT_TENANT)
    request.state.dtu_tenant = tenant.id
    await runtime.faults.apply(name, tenant.id)
    with runtime.store.session() as session:
        call = Call(spec=spec, params=params, principal=principal, tenant=tenant, session=session, runtime=runtime)
        result = handler(call)
    for callback in call.after_commit:
        callback()
    if call.events:
        runtime.extras["events"].publish(call.tenant, call.events)
    headers = {}
    if principal is not None:
        headers["x-oauth-scopes"] = ",".join(sorted(principal.scopes))
        headers["x-accepted-oauth-scopes"] = ",".join(spec.bot_scopes if principal.kind == "bot" else spec.user_scopes)
    return JSONResponse({"ok": True, **result}, headers=headers, media_type=JSON_TYPE)


BODY_ERRORS = {
    "invalid_json": "invalid_json",
    "json_not_object": "json_not_object",
    "invalid_form_data": "invalid_form_data",
    "invalid_charset": "invalid_charset",
    "too_large": "request_too_large",
}


def render_error(request: Request, exc: Exception) -> Response:
    """Every failure of a Slack request, in Slack's shape. The one place errors are rendered."""
    error: SlackError
    if isinstance(exc, SlackError):
        error = exc
    elif isinstance(exc, BadRequestBody):
        status = 413 if exc.kind == "too_large" else 200
        error = SlackError(BODY_ERRORS.get(exc.kind, "invalid_form_data"), status_code=status)
    elif isinstance(exc, InjectedFault):
        error = _injected(exc)
    elif isinstance(exc, HTTPException):
        if exc.status_code == 404:
            name = request.url.path.rsplit("/", 1)[-1]
            error = SlackError("unknown_method", status_code=404, req_method=name)
        else:
            error = SlackError("invalid_post_type", status_code=exc.status_code)
    else:
        log.exception("internal error in %s", request.url.path, exc_info=exc)
        error = SlackError("internal_error", status_code=500)
    return JSONResponse(error.body(), status_code=error.status_code, headers=error.headers, media_type=JSON_TYPE)


def _injected(fault: InjectedFault) -> SlackError:
    rule = fault.rule
    if rule.kind == "rate_limit":
        # Slack: HTTP 429 with Retry-After in whole seconds; body error "ratelimited".
        return SlackError("ratelimited", status_code=429, headers={"Retry-After": str(int(rule.retry_after))})
    extra: dict[str, Any] = {}
    return SlackError(rule.error or "internal_error", status_code=rule.status or 200, **extra)
