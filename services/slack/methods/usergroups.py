"""usergroups.create/list/update/disable/enable, usergroups.users.list/update."""

from __future__ import annotations

from typing import Any

from services.slack import render
from services.slack.call import Call, method
from services.slack.domain import lookup
from services.slack.domain import usergroups as groups
from services.slack.errors import SlackError
from services.slack.models import UserGroup


def _check_caller(call: Call) -> None:
    """Guests may not manage User Groups (user_is_restricted)."""
    caller = lookup.user(call, call.user_id)
    if caller.is_restricted or caller.is_ultra_restricted:
        raise SlackError("user_is_restricted")


def _render(call: Call, group: UserGroup, *, include_users: bool = False) -> dict[str, Any]:
    return render.usergroup_object(group, include_users=include_users, include_count=call.params.flag("include_count"))


def _channels(call: Call) -> list[str] | None:
    return call.params.strings("channels") if "channels" in call.params else None


@method("usergroups.create")
def usergroups_create(call: Call) -> dict[str, Any]:
    _check_caller(call)
    group = groups.create(
        call,
        name=call.params.string("name", error="missing_subteam_name", required=True),
        handle=call.params.string("handle"),
        description=call.params.string("description", ""),
        channels=_channels(call),
    )
    return {"usergroup": _render(call, group, include_users=True)}


@method("usergroups.list")
def usergroups_list(call: Call) -> dict[str, Any]:
    include_users = call.params.flag("include_users")
    rows = groups.all_groups(call, include_disabled=call.params.flag("include_disabled"))
    return {"usergroups": [_render(call, group, include_users=include_users) for group in rows]}


@method("usergroups.update")
def usergroups_update(call: Call) -> dict[str, Any]:
    _check_caller(call)
    group = groups.find(call, call.params.string("usergroup"))
    groups.update(
        call,
        group,
        name=call.params.string("name"),
        handle=call.params.string("handle"),
        description=call.params.string("description") if "description" in call.params.values else None,
        channels=_channels(call),
    )
    return {"usergroup": _render(call, group, include_users=True)}


@method("usergroups.disable")
def usergroups_disable(call: Call) -> dict[str, Any]:
    _check_caller(call)
    group = groups.disable(call, groups.find(call, call.params.string("usergroup")))
    return {"usergroup": _render(call, group, include_users=True)}


@method("usergroups.enable")
def usergroups_enable(call: Call) -> dict[str, Any]:
    _check_caller(call)
    group = groups.enable(call, groups.find(call, call.params.string("usergroup")))
    return {"usergroup": _render(call, group, include_users=True)}


@method("usergroups.users.list")
def usergroups_users_list(call: Call) -> dict[str, Any]:
    # Docs: include_disabled "Allow results that involve disabled User Groups".
    group = groups.find(call, call.params.string("usergroup"), include_disabled=call.params.flag("include_disabled"))
    return {"users": list(group.users or [])}


@method("usergroups.users.update")
def usergroups_users_update(call: Call) -> dict[str, Any]:
    _check_caller(call)
    group = groups.find(call, call.params.string("usergroup"))
    user_ids = call.params.strings("users")
    if not user_ids:
        raise SlackError("no_users_provided")
    groups.set_members(call, group, groups.check_users(call, user_ids))
    return {"usergroup": _render(call, group, include_users=True)}
