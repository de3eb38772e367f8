"""admin.users.invite, admin.users.remove, admin.conversations.invite.

User tokens only (the dispatcher enforces the catalogue's token types); the calling user
must also be a workspace admin or owner, each method answering with its own error.
"""

from __future__ import annotations

from typing import Any

from sqlmodel import func, select

from services.slack.call import Call, method
from services.slack.domain import lookup
from services.slack.domain import users as members
from services.slack.errors import SlackError
from services.slack.models import Conversation, Invite, Member, User


def _require_admin(call: Call, error: str) -> None:
    if not members.is_admin(lookup.user(call, call.user_id)):
        raise SlackError(error)


def _team(call: Call, error: str) -> None:
    team_id = call.params.string("team_id")
    if team_id and team_id != lookup.team(call).id:
        raise SlackError(error)


@method("admin.users.invite")
def admin_users_invite(call: Call) -> dict[str, Any]:
    _require_admin(call, "not_an_admin")
    _team(call, "team_not_found")
    email = call.params.string("email", "").strip()
    if not members.EMAIL.match(email):
        raise SlackError("invalid_email")
    existing = members.by_email(call, email)
    if existing is not None:
        raise SlackError("user_disabled" if existing.deleted else "already_in_team")
    channel_ids = call.params.strings("channel_ids")
    for channel_id in channel_ids:
        channel = call.session.get(Conversation, (call.tenant.id, channel_id))
        if channel is None or channel.is_im or channel.is_mpim:
            raise SlackError("failed_to_validate_channels")
    pending = call.session.exec(
        select(Invite).where(Invite.tenant_id == call.tenant.id, func.lower(Invite.email) == email.lower())
    ).first()
    if pending is not None and not call.params.flag("resend"):
        raise SlackError("already_in_team_invited_user")
    invite = pending or Invite(
        tenant_id=call.tenant.id, email=email.lower(), team_id=lookup.team(call).id, invited_by=""
    )
    invite.invited_by = call.user_id
    invite.channel_ids = channel_ids
    invite.real_name = call.params.string("real_name", "")
    invite.is_restricted = call.params.flag("is_restricted")
    invite.is_ultra_restricted = call.params.flag("is_ultra_restricted")
    invite.custom_message = call.params.string("custom_message", "")
    invite.date_invited = call.now_int()
    call.session.add(invite)
    return {}


@method("admin.users.remove")
def admin_users_remove(call: Call) -> dict[str, Any]:
    _require_admin(call, "invalid_permissions")
    _team(call, "team_not_found")
    user = lookup.user(call, call.params.string("user_id"))
    if user.is_primary_owner:
        raise SlackError("cannot_modify_primary_owner")
    if user.deleted:
        raise SlackError("user_already_deleted")
    members.deactivate(call, user)
    return {}


@method("admin.conversations.invite")
def admin_conversations_invite(call: Call) -> dict[str, Any]:
    _require_admin(call, "user_must_be_admin")
    channel = call.session.get(Conversation, (call.tenant.id, call.params.string("channel_id", "")))
    if channel is None:
        raise SlackError("channel_not_found")
    if channel.is_im or channel.is_mpim:
        raise SlackError("channel_type_not_supported")
    user_ids = call.params.strings("user_ids", required=True)
    failed: dict[str, str] = {}
    for user_id in user_ids:
        user = call.session.get(User, (call.tenant.id, user_id))
        if user is None or user.deleted:
            failed[user_id] = "user_not_found"
    if failed:
        raise SlackError("failed_for_some_users", failed_user_ids=failed)
    now = call.now()
    for user_id in dict.fromkeys(user_ids):
        if lookup.is_member(call, channel.id, user_id):
            continue
        call.session.add(Member(tenant_id=call.tenant.id, conversation_id=channel.id, user_id=user_id, joined=now))
        call.emit(
            "member_joined_channel",
            {
                "type": "member_joined_channel",
                "user": user_id,
                "channel": channel.id,
                "channel_type": "G" if channel.is_private else "C",
                "team": lookup.team(call).id,
                "inviter": call.user_id,
            },
            channel_id=channel.id,
        )
    return {}
