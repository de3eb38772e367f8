"""The front door of every Google API route: credentials, scopes, faults, transaction, partial response.

    @route("GET", "/drive/v3/files/{fileId}", "drive.files.get")
    def get(call: DriveCall) -> Reply: ...

The operation name is the method id of the discovery document; the dispatcher takes the
method's accepted scopes and response schema from there, and the journal and fault
injection use the name.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from contextlib import closing
from functools import lru_cache
from typing import Any

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse
from starlette.routing import Route

from services.core.credentials import CredentialCache, Principal
from services.core.errors import BadRequestBody
from services.core.faults import InjectedFault
from services.core.request_params import read_body
from services.core.tenants import DEFAULT_TENANT
from services.core.twin import TwinRuntime, runtime_of
from services.gdrive import discovery, fields
from services.gdrive.call import DriveCall, Reply
from services.gdrive.credentials import bearer_token
from services.gdrive.errors import (
    GoogleError,
    OAuthError,
    insufficient_scopes,
    invalid_credentials,
    invalid_value,
    not_found_path,
    unregistered_caller,
)
from services.gdrive.media import Incoming

log = logging.getLogger("dtu.google")

Handler = Callable[[DriveCall], Any]
Receiver = Callable[[Request, TwinRuntime], Awaitable[Incoming]]
ROUTES: list[tuple[int, Route]] = []
# Run after every committed request, with the call (push notifications: services/gdrive/push.py).
COMMIT_HOOKS: list[Callable[[DriveCall], None]] = []
JSON_TYPE = "application/json; charset=UTF-8"
ALT_VALUES = ("json", "media", "proto")


def route(
    method: str, path: str, operation: str, *, scope_of: str | None = None, receive: Receiver | None = None
) -> Callable[[Handler], Handler]:
    """Register `handler` for `method path`; `scope_of` names the discovery method whose scopes apply;
    `receive` reads the body instead of the small-body reader (media uploads, services/gdrive/media.py)."""

    def register(handler: Handler) -> Handler:
        async def endpoint(request: Request) -> Response:
            return await dispatch(request, handler, operation, scope_of or operation, receive)

        # Static segments must win over `{param}` ones (`/files/trash` before `/files/{fileId}`).
        ROUTES.append((path.count("{"), Route(path, endpoint, methods=[method], name=f"{operation}:{method}")))
        return handler

    return register


def routes() -> list[Route]:
    return [r for _, r in sorted(ROUTES, key=lambda item: item[0])]


def authenticate(runtime: TwinRuntime, request: Request) -> Principal:
    token = bearer_token(request.headers.get("authorization"), request.query_params.get("access_token"))
    if token is None:
        raise unregistered_caller()
    cache: CredentialCache = runtime.extras["credentials"]
    principal = cache.resolve(token) if token else None
    if principal is None:
        raise invalid_credentials()
    tenant = runtime.tenants.find(principal.tenant_id)
    if tenant is None or tenant.clock.time() >= float(principal.attributes.get("expires_at", 0)):
        raise invalid_credentials()
    return principal


def _selection(request: Request, operation: str) -> fields.Selection | None:
    raw = request.query_params.get("fields")
    if raw is None or not raw.strip():
        return None
    return _checked_selection(raw, operation)


@lru_cache(maxsize=1024)
def _checked_selection(raw: str, operation: str) -> fields.Selection:
    """`fields` parsed and checked against the method's response schema: pure, so once per text and method.
    Refusals raise (and are not cached); the selection is shared, read-only, by the requests using it."""
    selection = fields.parse(raw)
    response = discovery.method(operation).get("response")
    if response is not None:
        fields.validate(selection, response, discovery.schemas_of(operation))
    return selection


async def dispatch(
    request: Request, handler: Handler, operation: str, scope_of: str, receive: Receiver | None = None
) -> Response:
    runtime = runtime_of(request)
    request.state.dtu_operation = operation
    request.state.dtu_tenant = DEFAULT_TENANT
    principal = authenticate(runtime, request)
    tenant = runtime.tenants.get(principal.tenant_id)
    request.state.dtu_tenant = tenant.id
    accepted = discovery.scopes(scope_of)
    if accepted and principal.scopes.isdisjoint(accepted):
        raise insufficient_scopes(accepted[0], operation)
    alt = request.query_params.get("alt", "json")
    if alt not in ALT_VALUES:
        raise invalid_value(
            "alt", f"Invalid value '{alt}'. Values must match the following regular expression: 'json|media|proto'"
        )
    selection = _selection(request, operation)
    await runtime.faults.apply(operation, tenant.id)
    raw, incoming = b"", Incoming()
    if receive is not None:
        incoming = await receive(request, runtime)
        raw = incoming.raw
    elif request.method in ("POST", "PUT", "PATCH", "DELETE"):
        raw = await read_body(request, runtime.settings.max_body_bytes)
    with closing(incoming), runtime.store.session() as session:
        call = DriveCall(
            request=request,
            runtime=runtime,
            tenant=tenant,
            session=session,
            principal=principal,
            operation=operation,
            raw=raw,
            media=incoming.media,
            fields=selection,
            fields_given=selection is not None,
        )
        result = handler(call)
        session.commit()
        for hook in COMMIT_HOOKS:
            hook(call)
    for callback in call.after_commit:
        callback()
    reply = result if isinstance(result, Reply) else Reply(result)
    if reply.stream is not None:
        return StreamingResponse(
            reply.stream, status_code=reply.status, headers=reply.headers, media_type=reply.media_type
        )
    if reply.media is not None:
        return Response(reply.media, status_code=reply.status, headers=reply.headers, media_type=reply.media_type)
    if reply.body is None:
        return Response(status_code=reply.status, headers=reply.headers)
    chosen = (
        selection
        if selection is not None
        else (fields.parse_cached(reply.default_fields) if reply.default_fields else None)
    )
    body = fields.apply(reply.body, chosen)
    return JSONResponse(body, status_code=reply.status, headers=reply.headers, media_type=JSON_TYPE)


def render_error(request: Request, exc: Exception) -> Response:
    """Every failure of a Google request, in Google's envelope. The one place errors are rendered."""
    if isinstance(exc, OAuthError):
        return JSONResponse(exc.body(), status_code=exc.status_code, media_type=JSON_TYPE)
    if isinstance(exc, GoogleError):
        error = exc
    elif isinstance(exc, BadRequestBody):
        if exc.kind == "too_large":
            error = GoogleError(413, "Request Too Large", "uploadTooLarge")
        else:
            error = GoogleError(400, "Parse Error", "parseError")
    elif isinstance(exc, InjectedFault):
        error = _injected(exc)
    elif isinstance(exc, HTTPException):
        # Google answers an unknown path or method with 404 Not Found.
        error = not_found_path(request.url.path)
    else:
        log.exception("internal error in %s", request.url.path, exc_info=exc)
        error = GoogleError(500, "Internal Error", "internalError")
    return JSONResponse(error.body(), status_code=error.status_code, headers=error.headers, media_type=JSON_TYPE)


def _injected(fault: InjectedFault) -> GoogleError:
    rule = fault.rule
    if rule.kind == "rate_limit":
        # Drive's per-user limit: 403 userRateLimitExceeded (googleapiclient retries it) unless a status is set.
        status = rule.status or 403
        if status == 429:
            return GoogleError(
                429,
                "Rate Limit Exceeded",
                "rateLimitExceeded",
                headers={"Retry-After": str(max(int(rule.retry_after), 0))},
            )
        return GoogleError(
            status, "User rate limit exceeded.", rule.error or "userRateLimitExceeded", domain="usageLimits"
        )
    status = rule.status or 500
    messages = {500: "Internal Error", 502: "Bad Gateway", 503: "Service Unavailable", 504: "Deadline Exceeded"}
    return GoogleError(status, messages.get(status, "Backend Error"), rule.error or "backendError")


__all__ = ["Reply", "dispatch", "render_error", "route", "routes"]
