"""Webhook registration: admin webhooks (`/rest/webhooks/1.0/webhook`, Jira administrators) and
dynamic webhooks (`/rest/api/{2,3}/webhook`, apps: the twin treats a Bearer credential as an
OAuth 2.0 app and refuses Basic auth as Cloud refuses non-app callers)."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode, urlsplit

from sqlmodel import select

from services.jira import paging, webhooks
from services.jira.call import JiraCall, Reply
from services.jira.domain import directory
from services.jira.endpoint import route
from services.jira.errors import JiraError, forbidden
from services.jira.jql import evaluate
from services.jira.jql.parser import And, Clause, JqlSyntaxError, Not, Or, parse
from services.jira.models import AdminWebhook, DynamicWebhook, WebhookFailure

ADMIN_PREFIX = "/rest/webhooks/1.0"
LIFETIME = 30 * 24 * 3600.0  # dynamic webhooks expire after 30 days unless refreshed
NOT_AN_APP = "Only Connect and OAuth 2.0 apps can use this operation."


def _ms(ts: float) -> int:
    return int(ts * 1000)


def _valid_url(value: Any) -> bool:
    if not isinstance(value, str):
        return False
    parts = urlsplit(value.strip())
    return parts.scheme in ("http", "https") and bool(parts.netloc)


def _jql_error(call: JiraCall, jql: str) -> str | None:
    """The twin's JQL validation (syntax, fields, values) for a filter; None when it is valid."""
    if not jql.strip():
        return None
    try:
        query = parse(jql)
        if query.where is not None:
            evaluate.compile_node(evaluate.context(call), query.where)
    except JqlSyntaxError as error:
        return "; ".join(error.messages)
    return None


# -- admin webhooks ---------------------------------------------------------------------------


def _admin_body(call: JiraCall, row: AdminWebhook) -> dict[str, Any]:
    author = directory.existing_user(call, row.updated_by) if row.updated_by else None
    return {
        "name": row.name,
        "url": row.url,
        "excludeBody": row.exclude_body,
        "filters": {webhooks.JQL_SECTION: row.jql},
        "events": list(row.events or []),
        "enabled": row.enabled,
        "self": f"{call.base}{ADMIN_PREFIX}/webhook/{row.id}",
        "lastUpdatedUser": row.updated_by,
        "lastUpdatedDisplayName": author.display_name if author else "",
        "lastUpdated": _ms(row.updated),
        **({"description": row.description} if row.description else {}),
    }


def _admin_apply(call: JiraCall, row: AdminWebhook, body: dict[str, Any]) -> None:
    errors: dict[str, str] = {}
    name = body.get("name")
    if not isinstance(name, str) or not name.strip():
        errors["name"] = "The webhook name must not be empty."
    if not _valid_url(body.get("url")):
        errors["url"] = "The webhook URL must be a valid http or https URL."
    events = body.get("events") or []
    if not isinstance(events, list) or not all(isinstance(e, str) for e in events):
        errors["events"] = "events must be a list of event names."
        events = []
    unknown = [e for e in events if e not in webhooks.ADMIN_EVENTS]
    if unknown:
        errors["events"] = f"Unknown webhook events: {', '.join(unknown)}"
    filters = body.get("filters") or {}
    jql = filters.get(webhooks.JQL_SECTION) if isinstance(filters, dict) else None
    jql = jql if isinstance(jql, str) else ""
    if (problem := _jql_error(call, jql)) is not None:
        errors["filters"] = problem
    if errors:
        raise JiraError(400, errors=errors)
    row.name = str(name).strip()
    row.url = str(body["url"]).strip()
    row.events = list(dict.fromkeys(events))
    row.jql = jql
    row.exclude_body = bool(body.get("excludeBody", False))
    row.enabled = bool(body.get("enabled", True))
    if isinstance(body.get("secret"), str):
        row.secret = body["secret"]
    if isinstance(body.get("description"), str):
        row.description = body["description"]
    row.updated = call.now()
    row.updated_by = call.account_id
    call.session.add(row)


def _admin_row(call: JiraCall) -> AdminWebhook:
    row = call.session.get(AdminWebhook, (call.tenant.id, str(call.path["id"])))
    if row is None:
        raise JiraError(404, f"No webhook with id {call.path['id']}.")
    return row


@route("POST", "/webhook", "registerWebhook", prefix=ADMIN_PREFIX)
def create_admin(call: JiraCall) -> Reply:
    directory.require_administer(call)
    row = AdminWebhook(tenant_id=call.tenant.id, id=call.next_id("admin-webhook"), name="", url="", created=call.now())
    row.id = str(int(row.id) - 9999)  # admin webhook ids count from 1
    _admin_apply(call, row, call.body_object())
    return Reply(_admin_body(call, row), status=201)


@route("GET", "/webhook", "getWebhooks", prefix=ADMIN_PREFIX)
def list_admin(call: JiraCall) -> list[dict[str, Any]]:
    directory.require_administer(call)
    rows = call.session.exec(select(AdminWebhook).where(AdminWebhook.tenant_id == call.tenant.id)).all()
    return [_admin_body(call, r) for r in sorted(rows, key=lambda r: int(r.id))]


@route("GET", "/webhook/{id}", "getWebhook", prefix=ADMIN_PREFIX)
def get_admin(call: JiraCall) -> dict[str, Any]:
    directory.require_administer(call)
    return _admin_body(call, _admin_row(call))


@route("PUT", "/webhook/{id}", "updateWebhook", prefix=ADMIN_PREFIX)
def update_admin(call: JiraCall) -> dict[str, Any]:
    directory.require_administer(call)
    row = _admin_row(call)
    _admin_apply(call, row, call.body_object())
    return _admin_body(call, row)


@route("DELETE", "/webhook/{id}", "deleteWebhook", prefix=ADMIN_PREFIX)
def delete_admin(call: JiraCall) -> Reply:
    directory.require_administer(call)
    call.session.delete(_admin_row(call))
    return Reply(status=204)


# -- dynamic webhooks (apps) -------------------------------------------------------------------

# What Jira evaluates for dynamic webhooks' JQL (Atlassian's list of supported clauses).
DYNAMIC_FIELDS = {"issuekey", "key", "project", "issuetype", "type", "status", "assignee", "reporter"}
DYNAMIC_OPERATORS = {"=", "!=", "in", "not in"}


def _app(call: JiraCall) -> str:
    if call.principal is None or call.principal.kind != "bearer":
        raise forbidden(NOT_AN_APP)
    return call.account_id


def _unsupported_clauses(node: Any) -> list[str]:
    if isinstance(node, And | Or):
        return [name for part in node.parts for name in _unsupported_clauses(part)]
    if isinstance(node, Not):
        return _unsupported_clauses(node.part)
    if isinstance(node, Clause):
        field = node.field.lower()
        if field not in DYNAMIC_FIELDS and not field.startswith("cf["):
            return [node.field]
        if node.operator not in DYNAMIC_OPERATORS:
            return [f"{node.field} {node.operator.upper()}"]
    return []


def _dynamic_errors(call: JiraCall, spec: Any) -> list[str]:
    if not isinstance(spec, dict):
        return ["Webhook details must be an object."]
    errors: list[str] = []
    events = spec.get("events")
    if not isinstance(events, list) or not events:
        errors.append("The webhook must have at least one event.")
    else:
        unknown = [e for e in events if e not in webhooks.DYNAMIC_EVENTS]
        if unknown:
            errors.append(f"Unsupported events: {', '.join(map(str, unknown))}")
    jql = spec.get("jqlFilter")
    if not isinstance(jql, str) or not jql.strip():
        errors.append("The JQL filter is required.")
        return errors
    try:
        query = parse(jql)
    except JqlSyntaxError as error:
        return [*errors, *error.messages]
    if query.where is None:
        errors.append("The JQL filter is required.")
        return errors
    errors += [f"The clause {name} is unsupported" for name in _unsupported_clauses(query.where)]
    if not errors and (problem := _jql_error(call, jql)) is not None:
        errors.append(problem)
    return errors


def _owned(call: JiraCall, owner: str) -> list[DynamicWebhook]:
    rows = call.session.exec(
        select(DynamicWebhook).where(DynamicWebhook.tenant_id == call.tenant.id, DynamicWebhook.owner == owner)
    ).all()
    return sorted(rows, key=lambda r: int(r.id))


@route("POST", "/webhook", "registerDynamicWebhooks")
def register_dynamic(call: JiraCall) -> dict[str, Any]:
    owner = _app(call)
    body = call.body_object()
    url, specs = body.get("url"), body.get("webhooks")
    if not _valid_url(url):
        raise JiraError(400, errors={"url": "The webhook URL must be a valid http or https URL."})
    if not isinstance(specs, list):
        raise JiraError(400, errors={"webhooks": "webhooks must be a list."})
    existing = _owned(call, owner)
    if existing and existing[0].url != str(url).strip():
        raise JiraError(400, "Only a single URL per app is allowed to be registered.")
    results: list[dict[str, Any]] = []
    for spec in specs:
        errors = _dynamic_errors(call, spec)
        if errors:
            results.append({"errors": errors})
            continue
        row = DynamicWebhook(
            tenant_id=call.tenant.id,
            id=call.next_id("dynamic-webhook"),
            owner=owner,
            url=str(url).strip(),
            events=list(dict.fromkeys(spec["events"])),
            jql=spec["jqlFilter"],
            field_ids=[str(f) for f in spec.get("fieldIdsFilter") or []] or None,
            expires=call.now() + LIFETIME,
            created=call.now(),
        )
        call.session.add(row)
        results.append({"createdWebhookId": int(row.id)})
    return {"webhookRegistrationResult": results}


def _dynamic_body(row: DynamicWebhook) -> dict[str, Any]:
    body: dict[str, Any] = {
        "id": int(row.id),
        "jqlFilter": row.jql,
        "events": list(row.events or []),
        "expirationDate": _ms(row.expires),
        "url": row.url,
    }
    if row.field_ids:
        body["fieldIdsFilter"] = list(row.field_ids)
    return body


@route("GET", "/webhook", "getDynamicWebhooksForApp")
def list_dynamic(call: JiraCall) -> dict[str, Any]:
    owner = _app(call)
    start, size = paging.window(call, 100, 100)
    return paging.page_body(call, [_dynamic_body(r) for r in _owned(call, owner)], start, size)


def _ids(call: JiraCall) -> set[str]:
    ids = call.body_object().get("webhookIds")
    if not isinstance(ids, list) or not all(isinstance(i, int) and not isinstance(i, bool) for i in ids):
        raise JiraError(400, errors={"webhookIds": "webhookIds must be a list of webhook IDs."})
    return {str(i) for i in ids}


@route("DELETE", "/webhook", "deleteWebhookById")
def delete_dynamic(call: JiraCall) -> Reply:
    owner = _app(call)
    wanted = _ids(call)
    for row in _owned(call, owner):  # other apps' webhooks are ignored
        if row.id in wanted:
            call.session.delete(row)
    return Reply(status=202)


@route("PUT", "/webhook/refresh", "refreshWebhooks")
def refresh_dynamic(call: JiraCall) -> dict[str, Any]:
    owner = _app(call)
    wanted = _ids(call)
    expires = call.now() + LIFETIME
    for row in _owned(call, owner):
        if row.id in wanted:
            row.expires = expires
            call.session.add(row)
    return {"expirationDate": _ms(expires)}


@route("GET", "/webhook/failed", "getFailedWebhooks")
def failed_webhooks(call: JiraCall) -> dict[str, Any]:
    owner = _app(call)
    size = min(call.int_param("maxResults", 100), 100)
    after = call.int_param("after", 0) if call.query.get("after") else call.int_param("failedAfter", 0)
    horizon = call.now() - 72 * 3600  # failures are kept for 72 hours
    rows = call.session.exec(
        select(WebhookFailure).where(WebhookFailure.tenant_id == call.tenant.id, WebhookFailure.owner == owner)
    ).all()
    kept = sorted(
        (r for r in rows if r.failure_time >= horizon and _ms(r.failure_time) > after),
        key=lambda r: (r.failure_time, r.id),
    )
    chosen = kept[:size]
    # Records sharing the last failure time are never split across pages.
    if chosen and len(kept) > size:
        last = chosen[-1].failure_time
        chosen += [r for r in kept[size:] if r.failure_time == last]
    body: dict[str, Any] = {
        "values": [{"id": r.id, "body": r.body, "url": r.url, "failureTime": _ms(r.failure_time)} for r in chosen],
        "maxResults": size,
    }
    if chosen:
        query = urlencode({"failedAfter": _ms(chosen[-1].failure_time), "maxResults": size})
        body["next"] = f"{call.api}/webhook/failed?{query}"
    return body
