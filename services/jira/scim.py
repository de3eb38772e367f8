"""Atlassian's user provisioning API (SCIM 2.0) for Users: `/scim/directory/{directoryId}/Users`.

Real Atlassian serves it at api.atlassian.com; the twin serves it at its root. An identity
provider (Okta's Atlassian Cloud app) authenticates with the directory's API key as a
Bearer token; the key names the site (tenant), and the path must name its directory.
SCIM has its own error envelope (`urn:ietf:params:scim:api:messages:2.0:Error`), so these
routes do not go through Jira's REST dispatcher; they act on the same `jira_user` rows.

The directory's users are the site's Atlassian accounts. A SCIM user's `id` is the Jira
accountId (Atlassian gives SCIM users an id of their own and carries the accountId in the
`atlassian-external` extension; the twin shows both, equal: see the README). Deactivating
(`active: false`, or DELETE) makes the account inactive: Jira shows `active: false`, its
API tokens and sessions are refused and it cannot be assigned; reactivating restores them.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from sqlmodel import Session, select
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from services.core.faults import InjectedFault
from services.core.request_params import read_body
from services.core.twin import TwinRuntime, runtime_of
from services.jira.call import JiraCall
from services.jira.credentials import token_hash
from services.jira.domain import directory
from services.jira.errors import JiraError
from services.jira.models import User
from services.jira.scim_models import ScimDirectory, ScimUser
from services.jira.scim_patch import ScimError, apply_patch, parse_filter

CORE = "urn:ietf:params:scim:schemas:core:2.0:User"
ENTERPRISE = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"
ATLASSIAN = "urn:scim:schemas:extension:atlassian-external:1.0"
LIST = "urn:ietf:params:scim:api:messages:2.0:ListResponse"
ERROR = "urn:ietf:params:scim:api:messages:2.0:Error"
MEDIA_TYPE = "application/scim+json;charset=UTF-8"
PREFIX = "/scim/directory/{directoryId}"
log = logging.getLogger("dtu.jira.scim")

Handler = Callable[["ScimCall"], Response]


class ScimCall:
    """One SCIM request: the site's transaction, a JiraCall for the shared domain functions."""

    def __init__(self, jira: JiraCall, body: Any) -> None:
        self.jira = jira
        self.session: Session = jira.session
        self.body = body

    @property
    def tenant_id(self) -> str:
        return self.jira.tenant.id

    def location(self, account_id: str) -> str:
        directory_id = self.jira.request.path_params["directoryId"]
        return f"{self.jira.runtime.base_url}/scim/directory/{directory_id}/Users/{account_id}"


def error(status: int, detail: str, scim_type: str | None = None) -> Response:
    body: dict[str, Any] = {"schemas": [ERROR], "status": str(status), "detail": detail}
    if scim_type:
        body["scimType"] = scim_type
    return JSONResponse(body, status_code=status, media_type=MEDIA_TYPE)


def _directory(runtime: TwinRuntime, request: Request) -> ScimDirectory:
    header = request.headers.get("authorization", "")
    key = header[7:].strip() if header[:7].lower() == "bearer " else ""
    if not key:
        raise ScimError(401, "Missing or invalid Authorization header.")
    with runtime.store.session() as session:
        row = session.exec(select(ScimDirectory).where(ScimDirectory.token_hash == token_hash(key))).first()
    if row is None:
        raise ScimError(401, "The API key is invalid or has been revoked.")
    if row.id != request.path_params["directoryId"]:
        raise ScimError(403, "The API key does not give access to this directory.")
    return row


async def _body(runtime: TwinRuntime, request: Request) -> Any:
    if request.method not in ("POST", "PUT", "PATCH"):
        return None
    raw = await read_body(request, runtime.settings.max_body_bytes)
    try:
        return json.loads(raw) if raw.strip() else None
    except (ValueError, UnicodeDecodeError):
        raise ScimError(400, "The request body is not valid JSON.", "invalidSyntax") from None


async def _dispatch(request: Request, handler: Handler, operation: str) -> Response:
    runtime = runtime_of(request)
    request.state.dtu_operation = operation
    try:
        found = _directory(runtime, request)
        tenant = runtime.tenants.get(found.tenant_id)
        request.state.dtu_tenant = tenant.id
        await runtime.faults.apply(operation, tenant.id)
        body = await _body(runtime, request)
        with runtime.store.session() as session:
            jira = JiraCall(
                request=request, runtime=runtime, tenant=tenant, session=session, principal=None, api_version="3"
            )
            response = handler(ScimCall(jira, body))
            session.commit()
        for callback in jira.after_commit:
            callback()
        return response
    except ScimError as exc:
        return error(exc.status, exc.detail, exc.scim_type)
    except JiraError as exc:
        return error(exc.status_code, "; ".join(exc.messages) or "The request could not be processed.")
    except InjectedFault as exc:
        status = exc.rule.status or (429 if exc.rule.kind == "rate_limit" else 500)
        response = error(status, exc.rule.error or "Internal server error")
        if exc.rule.kind == "rate_limit":
            response.headers["Retry-After"] = str(max(int(exc.rule.retry_after), 0))
        return response


def _route(method: str, path: str, operation: str, handler: Handler) -> Route:
    async def endpoint(request: Request) -> Response:
        return await _dispatch(request, handler, operation)

    return Route(PREFIX + path, endpoint, methods=[method], name=f"scim.{operation}")


# -- rendering -------------------------------------------------------------------------------


def _record(call: ScimCall, user: User) -> ScimUser:
    row = call.session.get(ScimUser, (call.tenant_id, user.account_id))
    if row is None:
        first, _, last = user.display_name.partition(" ")
        row = ScimUser(
            tenant_id=call.tenant_id,
            account_id=user.account_id,
            user_name=user.email,
            given_name=first,
            family_name=last,
            created=user.created,
            last_modified=user.created,
        )
    return row


def _iso(seconds: float) -> str:
    return datetime.fromtimestamp(seconds, UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


def render(call: ScimCall, user: User, record: ScimUser) -> dict[str, Any]:
    body: dict[str, Any] = {
        "schemas": [CORE, ENTERPRISE, ATLASSIAN],
        "id": user.account_id,
        "userName": record.user_name or user.email,
        "emails": [{"value": user.email, "type": "work", "primary": True}],
        "name": {
            "formatted": f"{record.given_name} {record.family_name}".strip(),
            "givenName": record.given_name,
            "familyName": record.family_name,
        },
        "displayName": user.display_name,
        "active": user.active,
        "groups": [],
        ENTERPRISE: {},
        ATLASSIAN: {"atlassianAccountId": user.account_id},
        "meta": {
            "resourceType": "User",
            "location": call.location(user.account_id),
            "created": _iso(record.created),
            "lastModified": _iso(record.last_modified),
        },
    }
    if record.external_id:
        body["externalId"] = record.external_id
    if record.title:
        body["title"] = record.title
    return body


def _json(body: Any, status: int = 200) -> Response:
    return JSONResponse(body, status_code=status, media_type=MEDIA_TYPE)


def _managed(call: ScimCall, account_id: str) -> tuple[User, ScimUser]:
    user = call.session.get(User, (call.tenant_id, account_id))
    if user is None or user.account_type != "atlassian":
        raise ScimError(404, f"User {account_id} not found.")
    record = _record(call, user)
    if record.deleted:
        raise ScimError(404, f"User {account_id} not found.")
    return user, record


def _set_active(call: ScimCall, user: User, active: bool) -> None:
    """Only the flag changes: tokens survive deactivation, so reactivation gives them back."""
    if user.active != active:
        user.active = active
        call.session.add(user)
        call.jira.after_commit.append(call.jira.runtime.extras["credentials"].invalidate)


def _apply(call: ScimCall, user: User, record: ScimUser, body: dict[str, Any], *, replace: bool) -> None:
    """Set the attributes a SCIM body carries (all of them on PUT/POST: `replace`)."""
    raw_name = body.get("name")
    name: dict[str, Any] = raw_name if isinstance(raw_name, dict) else {}
    if "userName" in body or replace:
        user_name = body.get("userName")
        if not isinstance(user_name, str) or not user_name.strip():
            raise ScimError(400, "userName is required.", "invalidValue")
        record.user_name = user_name.strip()
    if "externalId" in body or replace:
        external = body.get("externalId")
        record.external_id = str(external) if isinstance(external, str | int) and str(external) else None
    if name or replace:
        record.given_name = str(name.get("givenName") or "") if replace or "givenName" in name else record.given_name
        record.family_name = (
            str(name.get("familyName") or "") if replace or "familyName" in name else record.family_name
        )
    if "title" in body or replace:
        record.title = str(body.get("title") or "")
    display = body.get("displayName")
    if isinstance(display, str) and display.strip():
        user.display_name = display.strip()
    elif name and (record.given_name or record.family_name):
        user.display_name = f"{record.given_name} {record.family_name}".strip()
    email = _primary_email(body)
    if email and email.lower() != user.email:
        other = directory.user_by_email(call.jira, email)
        if other is not None and other.account_id != user.account_id:
            raise ScimError(409, "Another user already has this email address.", "uniqueness")
        user.email = email.lower()
    if "active" in body:
        if not isinstance(body["active"], bool):
            raise ScimError(400, "active must be a boolean.", "invalidValue")
        _set_active(call, user, body["active"])
    record.deleted = False
    record.last_modified = call.jira.now()
    call.session.add(user)
    call.session.add(record)


def _primary_email(body: dict[str, Any]) -> str | None:
    emails = body.get("emails")
    if not isinstance(emails, list):
        return None
    values = [e for e in emails if isinstance(e, dict) and isinstance(e.get("value"), str) and "@" in e["value"]]
    primary = [e for e in values if e.get("primary")] or values
    return str(primary[0]["value"]).strip() if primary else None


def _object(call: ScimCall) -> dict[str, Any]:
    if not isinstance(call.body, dict):
        raise ScimError(400, "The request body must be a JSON object.", "invalidSyntax")
    return call.body


# -- the operations -----------------------------------------------------------------------------


def create_user(call: ScimCall) -> Response:
    body = _object(call)
    user_name = body.get("userName")
    if not isinstance(user_name, str) or not user_name.strip():
        raise ScimError(400, "userName is required.", "invalidValue")
    email = _primary_email(body) or (user_name.strip() if "@" in user_name else None)
    if email is None:
        raise ScimError(400, "A user needs an email address.", "invalidValue")
    for record in call.session.exec(select(ScimUser).where(ScimUser.tenant_id == call.tenant_id)).all():
        if not record.deleted and record.user_name.lower() == user_name.strip().lower():
            raise ScimError(409, "A user with this userName already exists in the directory.", "uniqueness")
    found = directory.user_by_email(call.jira, email)
    if found is not None and found.account_type == "atlassian":
        existing = call.session.get(ScimUser, (call.tenant_id, found.account_id))
        if existing is not None and not existing.deleted:
            raise ScimError(409, "A user with this email already exists in the directory.", "uniqueness")
        user = found  # the site's account with that email joins the directory (Atlassian links it)
    else:
        display = body.get("displayName") if isinstance(body.get("displayName"), str) else None
        user, _ = directory.create_user(call.jira, email, display)
    record = _record(call, user)
    record.created = call.jira.now()
    _apply(call, user, record, {"active": True, **body}, replace=True)
    call.session.flush()
    return _json(render(call, user, record), 201)


def get_user(call: ScimCall) -> Response:
    user, record = _managed(call, call.jira.request.path_params["userId"])
    return _json(render(call, user, record))


def list_users(call: ScimCall) -> Response:
    query = call.jira.request.query_params
    wanted = parse_filter(query.get("filter"))
    try:
        start = max(int(query.get("startIndex") or 1), 1)
        count = max(min(int(query.get("count") or 100), 100), 0)
    except ValueError:
        raise ScimError(400, "startIndex and count must be integers.", "invalidValue") from None
    users = call.session.exec(
        select(User).where(User.tenant_id == call.tenant_id, User.account_type == "atlassian")
    ).all()
    rows: list[dict[str, Any]] = []
    for user in sorted(users, key=lambda u: (u.created, u.account_id)):
        record = _record(call, user)
        if record.deleted:
            continue
        if wanted is not None:
            attribute, value = wanted
            have = {
                "username": record.user_name or user.email,
                "externalid": record.external_id or "",
                "emails.value": user.email,
                "emails": user.email,
            }[attribute]
            if have.lower() != value.lower():
                continue
        rows.append(render(call, user, record))
    page = rows[start - 1 : start - 1 + count]
    return _json(
        {
            "schemas": [LIST],
            "totalResults": len(rows),
            "startIndex": start,
            "itemsPerPage": len(page),
            "Resources": page,
        }
    )


def replace_user(call: ScimCall) -> Response:
    user, record = _managed(call, call.jira.request.path_params["userId"])
    _apply(call, user, record, _object(call), replace=True)
    return _json(render(call, user, record))


def patch_user(call: ScimCall) -> Response:
    user, record = _managed(call, call.jira.request.path_params["userId"])
    changes = apply_patch(_object(call))
    _apply(call, user, record, changes, replace=False)
    return _json(render(call, user, record))


def delete_user(call: ScimCall) -> Response:
    """Removed from the directory: the account is deactivated (it is not deleted from Atlassian)."""
    user, record = _managed(call, call.jira.request.path_params["userId"])
    _set_active(call, user, False)
    record.deleted = True
    record.last_modified = call.jira.now()
    call.session.add(record)
    return Response(status_code=204)


def routes() -> list[Route]:
    return [
        _route("GET", "/Users", "scim.getUsers", list_users),
        _route("POST", "/Users", "scim.createUser", create_user),
        _route("GET", "/Users/{userId}", "scim.getUser", get_user),
        _route("PUT", "/Users/{userId}", "scim.updateUser", replace_user),
        _route("PATCH", "/Users/{userId}", "scim.patchUser", patch_user),
        _route("DELETE", "/Users/{userId}", "scim.deleteUser", delete_user),
    ]
