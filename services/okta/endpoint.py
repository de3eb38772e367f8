"""The front door of every Okta API route: credentials, org, faults, transaction, rendering.

    @route("GET", "/api/v1/users/{userId}", "getUser", "okta.users.read")
    def get_user(call: OktaCall) -> dict[str, Any]:
        return render.user(call, users.find(call, call.path["userId"]))

The operation name is the one in Okta's OpenAPI spec (`operationId`); the journal and
fault injection use it. A route that must do async work first (an outbound HTTP call,
e.g. verifying an event hook) names a `prepare` step: it runs after credentials,
permission and faults, before the transaction, and the handler reads its result as
`call.prepared`. A handler whose writes must stand while it answers an error calls
`call.fail_after_commit(error)`. Rate-limit headers go on every response, errors included.
"""

from __future__ import annotations

import contextlib
import json
import logging
import secrets
import time
from collections.abc import Awaitable, Callable
from typing import Any

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from services.core.credentials import CredentialCache, Principal
from services.core.dates import http_date
from services.core.errors import BadRequestBody
from services.core.faults import InjectedFault
from services.core.request_params import parse_json_object, read_body
from services.core.tenants import DEFAULT_TENANT, Tenant, UnknownTenant
from services.core.twin import TwinRuntime, runtime_of
from services.okta.call import OktaCall, Reply
from services.okta.credentials import cache_key, parse_authorization
from services.okta.errors import OktaError
from services.okta.permissions import authorize
from services.okta.ratelimit import RateLimiter
from services.okta.tenancy import pinned_org

log = logging.getLogger("dtu.okta")

Handler = Callable[[OktaCall], Any]
# An async step run before the transaction (after credentials, permission and faults), for
# work a synchronous handler cannot do, such as calling out over HTTP. Its result is `call.prepared`.
Prepare = Callable[[TwinRuntime, Tenant, Request], Awaitable[Any]]
ROUTES: list[Route] = []
JSON_TYPE = "application/json"
RATE_STATE = "okta_rate_headers"


def route(
    method: str,
    path: str,
    operation: str,
    permission: str | None,
    *,
    authenticated: bool = True,
    prepare: Prepare | None = None,
) -> Callable[[Handler], Handler]:
    """Register a Management API handler. `permission` is `okta.<family>.<read|manage>`."""

    def register(handler: Handler) -> Handler:
        async def endpoint(request: Request) -> Response:
            return await dispatch(request, handler, operation, permission, authenticated, prepare)

        ROUTES.append(Route(path, endpoint, methods=[method], name=operation))
        return handler

    return register


def principal_of(runtime: TwinRuntime, request: Request) -> Principal:
    """Resolve the Authorization header (E0000005 when absent, E0000011 when not valid here)."""
    parsed = parse_authorization(request.headers.get("authorization"))
    if parsed is None:
        raise OktaError("E0000005")
    cache: CredentialCache = runtime.extras["credentials"]
    principal = cache.resolve(cache_key(*parsed))
    if principal is None:
        raise OktaError("E0000011")
    pinned = pinned_org(request)
    if pinned is not None and pinned != principal.tenant_id:
        raise OktaError("E0000011")  # a token of another org
    if principal.kind == "oauth" and principal.attributes.get("server_id"):
        raise OktaError("E0000011")  # custom authorization servers' tokens are not for the Management API
    expires_at = principal.attributes.get("expires_at")
    if expires_at is not None:
        tenant = runtime.tenants.get(principal.tenant_id)
        if tenant.clock.time() >= expires_at:
            raise OktaError("E0000011")
    return principal


def tenant_for(runtime: TwinRuntime, request: Request, principal: Principal | None) -> Tenant:
    tenant_id = principal.tenant_id if principal else (pinned_org(request) or DEFAULT_TENANT)
    try:
        return runtime.tenants.get(tenant_id)
    except UnknownTenant:
        raise OktaError("E0000007", "Not found: Resource not found: org") from None


async def json_body(request: Request, runtime: TwinRuntime) -> Any:
    if request.method not in ("POST", "PUT", "PATCH"):
        return None
    body = await read_body(request, runtime.settings.max_body_bytes)
    if not body.strip():
        return None
    try:
        return parse_json_object(body)
    except BadRequestBody as exc:
        if exc.kind == "json_not_object":
            return json.loads(body)  # arrays are legitimate bodies for a few operations
        raise


def apply_rate_limit(runtime: TwinRuntime, request: Request, tenant: Tenant) -> None:
    limiter: RateLimiter = runtime.extras["rate_limits"]
    state = limiter.take(tenant.id, request.method, request.scope["path"], tenant.clock.time())
    # `Date` on the org's clock, so clients compute waits from `X-Rate-Limit-Reset` consistently.
    request.state.okta_rate_headers = {**state.headers(), "Date": http_date(tenant.clock.time())}
    if state.exceeded:
        raise OktaError("E0000047")


def _count_refused(runtime: TwinRuntime, request: Request) -> None:
    """A refused credential still counts against (and reports) the addressed org's budget."""
    tenant = runtime.tenants.find(pinned_org(request) or DEFAULT_TENANT)
    if tenant is not None:
        request.state.dtu_tenant = tenant.id
        with contextlib.suppress(OktaError):
            apply_rate_limit(runtime, request, tenant)


async def dispatch(
    request: Request,
    handler: Handler,
    operation: str,
    permission: str | None,
    authenticated: bool,
    prepare: Prepare | None = None,
) -> Response:
    runtime = runtime_of(request)
    request.state.dtu_operation = operation
    try:
        principal = principal_of(runtime, request) if authenticated else None
    except OktaError:
        _count_refused(runtime, request)
        raise
    tenant = tenant_for(runtime, request, principal)
    request.state.dtu_tenant = tenant.id
    apply_rate_limit(runtime, request, tenant)
    if principal is not None and permission is not None:
        authorize(principal, permission)
    await runtime.faults.apply(operation, tenant.id)
    body = await json_body(request, runtime)
    prepared = await prepare(runtime, tenant, request) if prepare is not None else None
    with runtime.store.session() as session:
        call = OktaCall(
            request=request,
            runtime=runtime,
            tenant=tenant,
            session=session,
            principal=principal,
            body=body,
            prepared=prepared,
        )
        result = handler(call)
        session.commit()
    for callback in call.after_commit:
        callback()
    if call.failure is not None:
        raise call.failure
    reply = result if isinstance(result, Reply) else Reply(result)
    headers = {**request.state.okta_rate_headers, **reply.headers}
    if reply.status == 204 or reply.body is None:
        return Response(status_code=reply.status if reply.body is not None else (reply.status or 204), headers=headers)
    return JSONResponse(reply.body, status_code=reply.status, headers=headers, media_type=JSON_TYPE)


def error_id() -> str:
    return "oae" + secrets.token_urlsafe(16).replace("-", "").replace("_", "")[:19]


def render_error(request: Request, exc: Exception) -> Response:
    """Every failure of an Okta request in Okta's envelope. The one place errors are rendered."""
    retry_after = 1
    if isinstance(exc, OktaError):
        error = exc
    elif isinstance(exc, BadRequestBody):
        error = OktaError("E0000003", status=413 if exc.kind == "too_large" else 400)
    elif isinstance(exc, InjectedFault):
        error, retry_after = _injected(exc), exc.rule.retry_after
    elif isinstance(exc, HTTPException):
        if exc.status_code == 405:
            error = OktaError("E0000022")
        else:
            error = OktaError("E0000007", "Not found: Resource not found: " + request.url.path, status=exc.status_code)
    else:
        log.exception("internal error in %s", request.url.path, exc_info=exc)
        error = OktaError("E0000009")
    if getattr(request.state, RATE_STATE, None) is None:  # failed before dispatch (unknown path, 405)
        _count_refused(runtime_of(request), request)
    headers = dict(getattr(request.state, RATE_STATE, None) or {})
    headers.update(error.headers)
    if error.status_code == 429 and "X-Rate-Limit-Reset" not in error.headers:
        # The okta SDK retries a 429 only with `Date` and a non-zero reset in the future.
        headers.update(_exhausted(request, retry_after))
    return JSONResponse(error.body(error_id()), status_code=error.status_code, headers=headers, media_type=JSON_TYPE)


def _exhausted(request: Request, retry_after: int) -> dict[str, str]:
    limit = (getattr(request.state, RATE_STATE, None) or {}).get("X-Rate-Limit-Limit", "600")
    tenant = runtime_of(request).tenants.find(getattr(request.state, "dtu_tenant", DEFAULT_TENANT))
    now = tenant.clock.time() if tenant is not None else time.time()
    return {
        "X-Rate-Limit-Limit": limit,
        "X-Rate-Limit-Remaining": "0",
        "X-Rate-Limit-Reset": str(int(now) + max(int(retry_after), 1)),
        "Date": http_date(now),
    }


def _injected(fault: InjectedFault) -> OktaError:
    rule = fault.rule
    if rule.kind == "rate_limit":
        return OktaError("E0000047")
    code = rule.error or "E0000009"
    return OktaError(code, status=rule.status or None)


__all__ = ["ROUTES", "Reply", "dispatch", "render_error", "route"]
