"""The front door of every Jira REST route: credentials, site, faults, transaction, rendering.

    @route("GET", "/issue/{issueIdOrKey}", "getIssue")
    def get_issue(call: JiraCall) -> dict[str, Any]:
        ...

Each handler is served under `/rest/api/2`, `/rest/api/3` and `/rest/api/latest`. The
operation name is the operationId of Atlassian's OpenAPI description; the journal and
fault injection use it.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import Route

from services.core.credentials import CredentialCache, Principal
from services.core.errors import BadRequestBody
from services.core.faults import InjectedFault
from services.core.request_params import read_body, without_nul
from services.core.tenants import DEFAULT_TENANT, Tenant
from services.core.twin import TwinRuntime, runtime_of
from services.jira.call import JiraCall, Reply
from services.jira.credentials import SESSION_COOKIE, parse_authorization
from services.jira.errors import AuthenticationFailed, JiraError, not_authenticated

log = logging.getLogger("dtu.jira")

Handler = Callable[[JiraCall], Any]
VERSIONS = ("2", "3", "latest")
ROUTES: list[tuple[int, Route]] = []
JSON_TYPE = "application/json;charset=UTF-8"


def route(
    method: str, path: str, operation: str, *, anonymous: bool = False, prefix: str | None = None
) -> Callable[[Handler], Handler]:
    """Register a handler for `path` under every REST API version (or under `prefix` alone)."""

    def register(handler: Handler) -> Handler:
        prefixes = [(prefix, "2")] if prefix is not None else [(f"/rest/api/{v}", v) for v in VERSIONS]
        for base, version in prefixes:

            async def endpoint(request: Request, version: str = version) -> Response:
                return await dispatch(request, handler, operation, version, anonymous)

            # Static segments must win over `{param}` ones (`/issue/createmeta` before `/issue/{key}`).
            ROUTES.append((path.count("{"), Route(base + path, endpoint, methods=[method], name=operation)))
        return handler

    return register


def routes() -> list[Route]:
    return [r for _, r in sorted(ROUTES, key=lambda item: item[0])]


def principal_of(runtime: TwinRuntime, request: Request) -> Principal | None:
    key = parse_authorization(request.headers.get("authorization"))
    if key is None:
        # No Authorization header: a session cookie from POST /rest/auth/1/session, if any.
        cookie = request.cookies.get(SESSION_COOKIE)
        if not cookie:
            return None
        key = f"cookie {cookie}"
    cache: CredentialCache = runtime.extras["credentials"]
    principal = cache.resolve(key) if key else None
    if principal is None:
        raise AuthenticationFailed()
    return principal


async def json_body(request: Request, runtime: TwinRuntime) -> Any:
    if request.method not in ("POST", "PUT", "PATCH", "DELETE"):
        return None
    body = await read_body(request, runtime.settings.max_body_bytes)
    if not body.strip():
        return None
    try:
        value = json.loads(body)
    except (ValueError, UnicodeDecodeError) as exc:
        raise BadRequestBody("invalid_json", str(exc)) from exc
    # PostgreSQL text cannot hold U+0000: drop it so both stores answer alike (never a 500).
    return without_nul(value) if b"\\u0000" in body else value


async def dispatch(request: Request, handler: Handler, operation: str, version: str, anonymous: bool) -> Response:
    runtime = runtime_of(request)
    request.state.dtu_operation = operation
    principal = principal_of(runtime, request)
    if principal is None and not anonymous:
        request.state.dtu_tenant = DEFAULT_TENANT
        raise not_authenticated()
    tenant: Tenant = runtime.tenants.get(principal.tenant_id if principal else DEFAULT_TENANT)
    request.state.dtu_tenant = tenant.id
    await runtime.faults.apply(operation, tenant.id)
    body = await json_body(request, runtime)
    with transaction(request, tenant, principal, version, body) as call:
        result = handler(call)
    reply = result if isinstance(result, Reply) else Reply(result)
    if reply.empty:  # e.g. DELETE /group: 200 with no body
        return Response(status_code=reply.status, headers=reply.headers)
    if reply.status == 204 or reply.body is None:
        return Response(status_code=204 if reply.status == 200 else reply.status, headers=reply.headers)
    return JSONResponse(reply.body, status_code=reply.status, headers=reply.headers, media_type=JSON_TYPE)


@contextmanager
def transaction(
    request: Request, tenant: Tenant, principal: Principal | None, api_version: str, body: Any = None
) -> Iterator[JiraCall]:
    """A JiraCall in one transaction, committed when the block ends without an exception, then its
    after-commit callbacks (webhook deliveries). REST requests and the web UI (services/jira/ui/acting.py)
    both act through it, so a click records what an API call records."""
    runtime = runtime_of(request)
    with runtime.store.session() as session:
        call = JiraCall(
            request=request,
            runtime=runtime,
            tenant=tenant,
            session=session,
            principal=principal,
            api_version=api_version,
            body=body,
        )
        yield call
        session.commit()
    for callback in call.after_commit:
        callback()


def render_error(request: Request, exc: Exception) -> Response:
    """Every failure of a Jira request in Jira's envelope. The one place errors are rendered."""
    if isinstance(exc, AuthenticationFailed):
        # Jira Cloud refuses a bad Basic/Bearer credential in plain text, whatever the resource.
        return PlainTextResponse(
            exc.text,
            status_code=401,
            headers={
                "WWW-Authenticate": 'Basic realm="protected-area"',
                "X-Seraph-LoginReason": "AUTHENTICATED_FAILED",
            },
        )
    if isinstance(exc, JiraError):
        error = exc
    elif isinstance(exc, BadRequestBody):
        if exc.kind == "too_large":
            error = JiraError(413, "Request entity too large.")
        else:
            error = JiraError(400, "Unexpected character in the request body: it is not valid JSON.")
    elif isinstance(exc, InjectedFault):
        error = _injected(exc)
    elif isinstance(exc, HTTPException):
        if exc.status_code == 405:
            error = JiraError(405, "Method Not Allowed")
        else:
            error = JiraError(exc.status_code, "null for uri: " + str(request.url))
    else:
        log.exception("internal error in %s", request.url.path, exc_info=exc)
        error = JiraError(500, "Internal server error")
    return JSONResponse(error.body(), status_code=error.status_code, headers=error.headers, media_type=JSON_TYPE)


def _injected(fault: InjectedFault) -> JiraError:
    rule = fault.rule
    if rule.kind == "rate_limit":
        # Jira Cloud's 429 carries Retry-After (whole seconds); the jira library retries on it.
        return JiraError(429, "Rate limit exceeded.", headers={"Retry-After": str(max(int(rule.retry_after), 0))})
    status = rule.status or 500
    return JiraError(status, rule.error or "Internal server error")


__all__ = ["Reply", "dispatch", "render_error", "route", "routes", "transaction"]
