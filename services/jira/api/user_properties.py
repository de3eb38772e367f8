"""User properties (entity properties of a user): keys, get, set, delete.

A user reads and writes their own; other users' need Administer Jira (Jira's rule). The universe
stores each account's Okta user id here as `okta` = {"id": "00u..."}.
"""

from __future__ import annotations

import json
from typing import Any

from sqlmodel import select

from services.jira.call import JiraCall, Reply
from services.jira.domain import directory, lookup
from services.jira.endpoint import route
from services.jira.errors import JiraError
from services.jira.models import User, UserProperty

MAX_KEY = 255
MAX_VALUE_BYTES = 32768  # Jira's limit on an entity property value


def _user(call: JiraCall) -> User:
    account = call.query.get("accountId")
    if not account:
        raise JiraError(400, "The accountId query parameter needs to be provided.")
    if account != call.account_id and not directory.administers_jira(call):
        raise JiraError(403, "You do not have permission to access this user's properties.")
    row = lookup.user_or_none(call, account)
    if row is None:
        raise JiraError(404, directory.USER_NOT_FOUND)
    return row


def _self(call: JiraCall, account_id: str, key: str) -> str:
    return f"{call.api}/user/properties/{key}?accountId={account_id}"


@route("GET", "/user/properties", "getUserPropertyKeys")
def keys(call: JiraCall) -> dict[str, Any]:
    row = _user(call)
    names = call.session.exec(
        select(UserProperty.key)
        .where(UserProperty.tenant_id == call.tenant.id, UserProperty.account_id == row.account_id)
        .order_by(UserProperty.key)
    ).all()
    return {"keys": [{"self": _self(call, row.account_id, k), "key": k} for k in names]}


def _property(call: JiraCall, row: User) -> UserProperty | None:
    return call.session.get(UserProperty, (call.tenant.id, row.account_id, call.path["propertyKey"]))


@route("GET", "/user/properties/{propertyKey}", "getUserProperty")
def get(call: JiraCall) -> dict[str, Any]:
    found = _property(call, _user(call))
    if found is None:
        raise JiraError(404, f"The property with key '{call.path['propertyKey']}' does not exist.")
    return {"key": found.key, "value": found.value}


@route("PUT", "/user/properties/{propertyKey}", "setUserProperty")
def put(call: JiraCall) -> Reply:
    row, key = _user(call), call.path["propertyKey"]
    if len(key) > MAX_KEY:
        raise JiraError(400, f"The property key cannot be longer than {MAX_KEY} characters.")
    if call.body is None:
        raise JiraError(400, "The property value must be a valid, non-empty JSON.")
    if len(json.dumps(call.body)) > MAX_VALUE_BYTES:
        raise JiraError(400, f"The value cannot be longer than {MAX_VALUE_BYTES} bytes.")
    found = _property(call, row)
    created = found is None
    found = found or UserProperty(tenant_id=call.tenant.id, account_id=row.account_id, key=key)
    found.value = call.body
    call.session.add(found)
    return Reply(status=201 if created else 200, empty=True)


@route("DELETE", "/user/properties/{propertyKey}", "deleteUserProperty")
def delete(call: JiraCall) -> Reply:
    found = _property(call, _user(call))
    if found is None:
        raise JiraError(404, f"The property with key '{call.path['propertyKey']}' does not exist.")
    call.session.delete(found)
    return Reply(status=204, empty=True)
