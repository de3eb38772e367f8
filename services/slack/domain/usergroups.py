"""User Groups ("subteams"): create, rename, disable/enable, membership.

Shared by the usergroups.* Web API methods and SCIM Groups (which are the same objects
in Slack). Every change tells apps with the subteam_* events Slack sends.
"""

from __future__ import annotations

import re

from sqlmodel import col, func, select

from services.slack import render
from services.slack.call import Call
from services.slack.errors import SlackError
from services.slack.models import Conversation, User, UserGroup

# Handles follow the rules of usernames: lower-case letters, digits, '.', '-' and '_'.
HANDLE = re.compile(r"^[a-z0-9][a-z0-9._-]*$")
NAME_MAX = 255


def find(call: Call, group_id: str | None, *, include_disabled: bool = True) -> UserGroup:
    row = call.session.get(UserGroup, (call.tenant.id, group_id)) if group_id else None
    if row is None or (row.date_delete and not include_disabled):
        raise SlackError("no_such_subteam")
    return row


def all_groups(call: Call, *, include_disabled: bool) -> list[UserGroup]:
    query = select(UserGroup).where(UserGroup.tenant_id == call.tenant.id)
    if not include_disabled:
        query = query.where(UserGroup.date_delete == 0)
    return list(call.session.exec(query.order_by(col(UserGroup.date_create), col(UserGroup.id))).all())


def of_user(call: Call, user_id: str) -> list[UserGroup]:
    return [g for g in all_groups(call, include_disabled=False) if user_id in (g.users or [])]


def slug(name: str) -> str:
    return re.sub(r"[^a-z0-9._-]+", "-", name.lower()).strip("-") or "group"


def check_name(call: Call, name: str, group: UserGroup | None = None) -> str:
    name = name.strip()
    if not name:
        raise SlackError("missing_subteam_name")
    if len(name) > NAME_MAX:
        raise SlackError("name_too_long")
    taken = call.session.exec(
        select(UserGroup).where(UserGroup.tenant_id == call.tenant.id, func.lower(UserGroup.name) == name.lower())
    ).first()
    if taken is not None and (group is None or taken.id != group.id):
        raise SlackError("name_already_exists")
    return name


def check_handle(call: Call, handle: str, group: UserGroup | None = None) -> str:
    """Docs: "A mention handle. Must be unique among channels, users and User Groups." """
    handle = handle.strip().removeprefix("@")
    if not HANDLE.match(handle):
        raise SlackError("bad_handle")
    tenant = call.tenant.id
    taken_group = call.session.exec(
        select(UserGroup).where(UserGroup.tenant_id == tenant, UserGroup.handle == handle)
    ).first()
    taken_user = call.session.exec(select(User).where(User.tenant_id == tenant, User.name == handle)).first()
    taken_channel = call.session.exec(
        select(Conversation).where(Conversation.tenant_id == tenant, Conversation.name == handle)
    ).first()
    if (taken_group is not None and (group is None or taken_group.id != group.id)) or taken_user or taken_channel:
        raise SlackError("handle_already_exists")
    return handle


def check_channels(call: Call, channel_ids: list[str]) -> list[str]:
    for channel_id in channel_ids:
        row = call.session.get(Conversation, (call.tenant.id, channel_id))
        if row is None or row.is_im or row.is_mpim:
            raise SlackError("invalid_channel_provided")
    return list(dict.fromkeys(channel_ids))


def check_users(call: Call, user_ids: list[str], error: str = "invalid_users") -> list[str]:
    for user_id in user_ids:
        row = call.session.get(User, (call.tenant.id, user_id))
        if row is None or row.deleted:
            raise SlackError(error)
    return list(dict.fromkeys(user_ids))


def _updated(call: Call, group: UserGroup) -> None:
    group.date_update = call.now_int()
    group.updated_by = call.user_id
    call.session.add(group)
    call.emit(
        "subteam_updated",
        {"type": "subteam_updated", "subteam": render.usergroup_object(group, include_users=True, include_count=True)},
    )


def create(
    call: Call,
    *,
    name: str,
    handle: str | None = None,
    description: str = "",
    channels: list[str] | None = None,
    users: list[str] | None = None,
    external_id: str | None = None,
) -> UserGroup:
    name = check_name(call, name)
    now = call.now_int()
    group = UserGroup(
        tenant_id=call.tenant.id,
        id=call.tenant.ids.make("S", 10),
        team_id=call.team_id,
        name=name,
        handle=check_handle(call, handle) if handle else slug(name),
        description=description,
        date_create=now,
        date_update=now,
        created_by=call.user_id,
        updated_by=call.user_id,
        channels=check_channels(call, channels or []),
        groups=[],
        users=check_users(call, users or []),
        external_id=external_id,
    )
    call.session.add(group)
    call.emit(
        "subteam_created",
        {"type": "subteam_created", "subteam": render.usergroup_object(group, include_users=True, include_count=True)},
    )
    return group


def update(
    call: Call,
    group: UserGroup,
    *,
    name: str | None = None,
    handle: str | None = None,
    description: str | None = None,
    channels: list[str] | None = None,
) -> UserGroup:
    if name is not None:
        group.name = check_name(call, name, group)
    if handle is not None:
        group.handle = check_handle(call, handle, group)
    if description is not None:
        group.description = description
    if channels is not None:
        group.channels = check_channels(call, channels)
    _updated(call, group)
    return group


def disable(call: Call, group: UserGroup) -> UserGroup:
    if not group.date_delete:
        group.date_delete = call.now_int()
        group.deleted_by = call.user_id
        _updated(call, group)
    return group


def enable(call: Call, group: UserGroup) -> UserGroup:
    if group.date_delete:
        group.date_delete = 0
        group.deleted_by = None
        _updated(call, group)
    return group


def set_members(call: Call, group: UserGroup, user_ids: list[str]) -> UserGroup:
    """Replace the member list; apps get subteam_members_changed (the delta) and subteam_updated."""
    before = list(group.users or [])
    after = list(dict.fromkeys(user_ids))
    added = [u for u in after if u not in before]
    removed = [u for u in before if u not in after]
    previous_update = group.date_update
    group.users = after
    _updated(call, group)
    if added or removed:
        call.emit(
            "subteam_members_changed",
            {
                "type": "subteam_members_changed",
                "subteam_id": group.id,
                "team_id": group.team_id,
                "date_previous_update": previous_update,
                "date_update": group.date_update,
                "added_users": added,
                "added_users_count": len(added),
                "removed_users": removed,
                "removed_users_count": len(removed),
            },
        )
    return group


def delete(call: Call, group: UserGroup) -> None:
    """SCIM's DELETE /Groups/<id>: the group is removed for good (not just disabled)."""
    group.date_delete = group.date_delete or call.now_int()
    group.deleted_by = call.user_id
    call.emit(
        "subteam_updated",
        {"type": "subteam_updated", "subteam": render.usergroup_object(group, include_users=True, include_count=True)},
    )
    call.session.delete(group)
