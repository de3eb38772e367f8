"""Slack's SCIM API (v1.1) at /scim/v1/: its own authentication, errors and transaction runner.

SCIM is a proper REST API with its own error envelope
(`{"Errors": {"description": ..., "code": <status>}}`), so it does not go through the
Web API dispatcher. It acts on the same rows as the Web API, through the same domain
functions and a `Call`, so deactivation, events and token invalidation are identical.

Access: "An OAuth token with the admin scope is required", issued to a workspace Admin or
Owner who must remain one (api.slack.com/scim).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from services.core.credentials import Principal
from services.core.faults import InjectedFault
from services.core.twin import TwinRuntime, runtime_of
from services.slack import scim_groups, scim_users
from services.slack.call import Call
from services.slack.catalogue import MethodSpec
from services.slack.domain import lookup
from services.slack.domain import users as members
from services.slack.errors import SlackError
from services.slack.params import Params
from services.slack.scim_common import Outcome, ScimError
from services.slack.scim_render import error
from services.slack.tokens import TokenProblem

PREFIX = "/scim/v1"
SCOPE = "admin"
SPEC = MethodSpec(name="scim", bot_scopes=(), user_scopes=(SCOPE,), token_types=frozenset({"user"}), errors=())
MEDIA_TYPE = "application/json; charset=utf-8"
log = logging.getLogger("dtu.slack.scim")

# Domain errors (shared with the Web API) -> SCIM HTTP status.
STATUS = {
    "user_not_found": 404,
    "no_such_subteam": 404,
    "username_taken": 409,
    "email_taken": 409,
    "name_already_exists": 409,
    "handle_already_exists": 409,
    "cannot_disable_primary_owner": 403,
}

Handler = Callable[[Call, dict[str, Any], Any], Outcome]


def _respond(status: int, body: Any = None) -> Response:
    if body is None:
        return Response(status_code=status)
    return JSONResponse(body, status_code=status, media_type=MEDIA_TYPE)


def _authenticate(runtime: TwinRuntime, request: Request) -> Principal:
    header = request.headers.get("authorization", "")
    token = header[7:].strip() if header[:7].lower() == "bearer " else ""
    try:
        principal = runtime.extras["credentials"].resolve(token) if token else None
    except TokenProblem:
        principal = None
    if principal is None:
        raise ScimError(401, "invalid_authentication")
    if principal.kind != "user" or SCOPE not in principal.scopes:
        raise ScimError(403, "missing_scope")
    return principal


async def _body(request: Request) -> Any:
    if request.method not in ("POST", "PUT", "PATCH"):
        return None
    raw = await request.body()
    if not raw.strip():
        return {}
    try:
        value = json.loads(raw)
    except ValueError:
        raise ScimError(400, "invalid_json") from None
    if not isinstance(value, dict):
        raise ScimError(400, "invalid_json")
    return value


def _injected(fault: InjectedFault) -> Response:
    rule = fault.rule
    if rule.kind == "rate_limit":
        response = _respond(429, error(429, "rate_limited"))
        response.headers["Retry-After"] = str(int(rule.retry_after))
        return response
    status = rule.status or 500
    return _respond(status, error(status, rule.error or "internal_error"))


async def _run(request: Request, operation: str, handler: Handler) -> Response:
    runtime = runtime_of(request)
    request.state.dtu_operation = operation
    try:
        principal = _authenticate(runtime, request)
        tenant = runtime.tenants.get(principal.tenant_id)
        request.state.dtu_tenant = tenant.id
        await runtime.faults.apply(operation, tenant.id)
        body = await _body(request)
        with runtime.store.session() as session:
            call = Call(
                spec=SPEC,
                params=Params(dict(request.query_params)),
                principal=principal,
                tenant=tenant,
                session=session,
                runtime=runtime,
            )
            # "The token-generating account must remain an Admin or Owner."
            if not members.is_admin(lookup.user(call, call.user_id)):
                raise ScimError(403, "permission_denied")
            status, payload = handler(call, dict(request.path_params), body)
    except ScimError as problem:
        return _respond(problem.status, error(problem.status, problem.description))
    except SlackError as problem:
        status = STATUS.get(problem.error, 400)
        return _respond(status, error(status, problem.error))
    except InjectedFault as fault:
        return _injected(fault)
    except Exception:  # a twin bug: still answer in SCIM's shape, never a bare 500
        log.exception("internal error in %s", request.url.path)
        return _respond(500, error(500, "internal_error"))
    for callback in call.after_commit:
        callback()
    if call.events:
        runtime.extras["events"].publish(call.tenant, call.events)
    return _respond(status, payload)


def _endpoint(operation: str, handler: Handler) -> Callable[[Request], Any]:
    async def endpoint(request: Request) -> Response:
        return await _run(request, operation, handler)

    return endpoint


def _route(path: str, methods: dict[str, tuple[str, Handler]]) -> list[BaseRoute]:
    return [Route(PREFIX + path, _endpoint(op, handler), methods=[verb]) for verb, (op, handler) in methods.items()]


def routes() -> list[BaseRoute]:
    return [
        *_route(
            "/Users",
            {"GET": ("scim.Users.list", scim_users.search), "POST": ("scim.Users.create", scim_users.create)},
        ),
        *_route(
            "/Users/{id}",
            {
                "GET": ("scim.Users.read", scim_users.read),
                "PUT": ("scim.Users.replace", scim_users.replace),
                "PATCH": ("scim.Users.patch", scim_users.patch),
                "DELETE": ("scim.Users.delete", scim_users.delete),
            },
        ),
        *_route(
            "/Groups",
            {"GET": ("scim.Groups.list", scim_groups.search), "POST": ("scim.Groups.create", scim_groups.create)},
        ),
        *_route(
            "/Groups/{id}",
            {
                "GET": ("scim.Groups.read", scim_groups.read),
                "PUT": ("scim.Groups.replace", scim_groups.replace),
                "PATCH": ("scim.Groups.patch", scim_groups.patch),
                "DELETE": ("scim.Groups.delete", scim_groups.delete),
            },
        ),
    ]
