"""SCIM /Groups: Slack's User Groups seen through SCIM (same ids, S...).

List/read show enabled groups; POST creates (201), PUT replaces name and members (200),
PATCH changes them and answers 204 with no body, DELETE removes the group (204) — the
status codes Slack returns (python-slack-sdk's integration tests against Slack).
PATCH takes Slack's form (`members: [{"value": id}, {"value": id, "operation": "delete"}]`,
`meta.attributes: ["members"]` to clear) and SCIM `Operations`.
"""

from __future__ import annotations

from typing import Any

from services.slack.call import Call
from services.slack.domain import usergroups
from services.slack.errors import SlackError
from services.slack.models import UserGroup
from services.slack.scim_common import Outcome, ScimError, base_url, page_of, users_by_id
from services.slack.scim_render import group_resource


def _render(call: Call, group: UserGroup) -> dict[str, Any]:
    return group_resource(group, base_url=base_url(call), users_by_id=users_by_id(call))


def _group(call: Call, path: dict[str, Any]) -> UserGroup:
    return usergroups.find(call, str(path.get("id", "")), include_disabled=False)


def _member_ids(items: Any) -> list[str]:
    if items is None:
        return []
    if not isinstance(items, list) or not all(isinstance(i, dict) and i.get("value") for i in items):
        raise ScimError(400, "invalid_members")
    return [str(i["value"]) for i in items]


def _checked(call: Call, user_ids: list[str]) -> list[str]:
    try:
        return usergroups.check_users(call, user_ids)
    except SlackError as problem:
        raise ScimError(400, problem.error) from None


def search(call: Call, path: dict[str, Any], body: Any) -> Outcome:
    return page_of(call, [_render(call, g) for g in usergroups.all_groups(call, include_disabled=False)])


def read(call: Call, path: dict[str, Any], body: Any) -> Outcome:
    return 200, _render(call, _group(call, path))


def create(call: Call, path: dict[str, Any], body: Any) -> Outcome:
    name = str(body.get("displayName") or "").strip()
    if not name:
        raise ScimError(400, "missing_display_name")
    group = usergroups.create(
        call,
        name=name,
        users=_checked(call, _member_ids(body.get("members"))),
        external_id=body.get("externalId") or None,
    )
    return 201, _render(call, group)


def replace(call: Call, path: dict[str, Any], body: Any) -> Outcome:
    group = _group(call, path)
    if body.get("displayName"):
        usergroups.update(call, group, name=str(body["displayName"]))
    usergroups.set_members(call, group, _checked(call, _member_ids(body.get("members"))))
    return 200, _render(call, group)


def _operations(body: dict[str, Any]) -> tuple[str | None, list[str], list[str], bool]:
    """(new name, ids to add, ids to remove, clear all first) from either PATCH form."""
    name = body.get("displayName")
    adds: list[str] = []
    removes: list[str] = []
    meta = body.get("meta")
    clear = isinstance(meta, dict) and "members" in [str(a) for a in meta.get("attributes") or []]
    for item in body.get("members") or []:
        if not isinstance(item, dict) or not item.get("value"):
            raise ScimError(400, "invalid_members")
        (removes if item.get("operation") == "delete" else adds).append(str(item["value"]))
    for operation in body.get("Operations") or []:
        if not isinstance(operation, dict):
            raise ScimError(400, "invalid_operation")
        op, target, value = (
            str(operation.get("op", "")).lower(),
            str(operation.get("path") or ""),
            operation.get("value"),
        )
        if target == "displayName":
            name = value
        elif not target and isinstance(value, dict) and "displayName" in value:
            name = value["displayName"]
        elif target.startswith("members") and op == "remove":
            if "[" in target:  # members[value eq "U123"]
                removes.append(target.split('"')[1] if '"' in target else "")
            elif value:
                removes.extend(_member_ids(value))
            else:
                clear = True
        elif target == "members" and op in ("add", "replace"):
            clear = clear or op == "replace"
            adds.extend(_member_ids(value))
        else:
            raise ScimError(400, "invalid_operation")
    return (str(name) if name else None), adds, removes, clear


def patch(call: Call, path: dict[str, Any], body: Any) -> Outcome:
    group = _group(call, path)
    name, adds, removes, clear = _operations(body)
    if name:
        usergroups.update(call, group, name=name)
    current = [] if clear else list(group.users or [])
    wanted = [u for u in current if u not in removes] + _checked(call, adds)
    if wanted != list(group.users or []):
        usergroups.set_members(call, group, wanted)
    return 204, None


def delete(call: Call, path: dict[str, Any], body: Any) -> Outcome:
    usergroups.delete(call, _group(call, path))
    return 204, None
