"""Conversations: channels, private channels, IMs and MPIMs; their members, names and history.

Every rule here is Slack's: names are lowercase letters, digits, `-` and `_` (at most 80);
#general can be neither left, archived nor kicked from; archived conversations refuse
writes with `is_archived`. Changes post the system messages Slack posts (channel_join,
channel_topic, ...) and emit the Events API events Slack sends.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import and_, func, or_
from sqlmodel import col, select

from services.core.cursors import InvalidCursor, decode_cursor, encode_cursor
from services.slack.call import Call
from services.slack.domain import lookup, messages
from services.slack.errors import SlackError
from services.slack.models import Conversation, Member, Message, Pin, User
from services.slack.ts import format_ts, parse_ts

NAME_MAX = 80
TEXT_MAX = 250  # topic and purpose
NAME_CHARACTERS = re.compile(r"[a-z0-9_\-]+")
MPIM_MAX_USERS = 8
INVITE_MAX_USERS = 1000

# `types` values of conversations.list / users.conversations -> lookup.conversation_type
TYPE_NAMES = {"public_channel": "public", "private_channel": "private", "mpim": "mpim", "im": "im"}


# -- small facts about a conversation ----------------------------------------------------


def is_channel_like(conversation: Conversation) -> bool:
    """Public or private channel (not an IM or MPIM)."""
    return not conversation.is_im and not conversation.is_mpim


def event_channel_type(conversation: Conversation) -> str:
    """member_joined_channel's `channel_type`: C for public channels, G for private ones and MPIMs."""
    return "C" if lookup.conversation_type(conversation) == "public" else "G"


def im_partner(call: Call, conversation: Conversation) -> str | None:
    """An IM's `user` as the caller sees it: the other party (the caller for a self-DM)."""
    others = [u for u in lookup.members(call, conversation.id) if u != call.user_id]
    return others[0] if others else conversation.im_user


def require_not_archived(conversation: Conversation) -> None:
    if conversation.is_archived:
        raise SlackError("is_archived")


def require_channel_like(conversation: Conversation) -> None:
    if not is_channel_like(conversation):
        raise SlackError("method_not_supported_for_channel_type")


def require_member(call: Call, conversation: Conversation, user_id: str | None = None) -> None:
    if not lookup.is_member(call, conversation.id, user_id or call.user_id):
        raise SlackError("not_in_channel")


def member_counts(call: Call, conversation_ids: Sequence[str]) -> dict[str, int]:
    if not conversation_ids:
        return {}
    rows = call.session.exec(
        select(Member.conversation_id, func.count())
        .where(Member.tenant_id == call.tenant.id, col(Member.conversation_id).in_(conversation_ids))
        .group_by(col(Member.conversation_id))
    ).all()
    return {conversation_id: count for conversation_id, count in rows}


def memberships(call: Call, user_id: str) -> set[str]:
    rows = call.session.exec(
        select(Member.conversation_id).where(Member.tenant_id == call.tenant.id, Member.user_id == user_id)
    ).all()
    return set(rows)


def pin_count(call: Call, conversation_id: str) -> int:
    count: int = call.session.exec(
        select(func.count()).where(Pin.tenant_id == call.tenant.id, Pin.channel_id == conversation_id)
    ).one()
    return count


def pinned(call: Call, conversation_id: str) -> set[str]:
    """The ts of every message pinned in a conversation (Slack allows at most 100 per channel)."""
    rows = call.session.exec(
        select(Pin.ts).where(Pin.tenant_id == call.tenant.id, Pin.channel_id == conversation_id)
    ).all()
    return set(rows)


def _event_ts(call: Call) -> str:
    return format_ts(int(call.now() * 1_000_000))


def _touch(call: Call, conversation: Conversation) -> None:
    conversation.updated = int(call.now() * 1000)
    call.session.add(conversation)


# -- names ------------------------------------------------------------------------------


def validate_name(name: str | None) -> str:
    if not name:
        raise SlackError("invalid_name_required")
    if len(name) > NAME_MAX:
        raise SlackError("invalid_name_maxlength")
    if not NAME_CHARACTERS.fullmatch(name):
        raise SlackError("invalid_name_specials")
    if not name.strip("-_"):
        raise SlackError("invalid_name_punctuation")
    return name


def _require_free_name(call: Call, name: str, except_id: str | None = None) -> None:
    taken = call.session.exec(
        select(Conversation.id).where(
            Conversation.tenant_id == call.tenant.id,
            Conversation.name == name,
            Conversation.is_im == False,  # noqa: E712
            Conversation.id != (except_id or ""),
        )
    ).first()
    if taken is not None:
        raise SlackError("name_taken")


# -- system messages and events ---------------------------------------------------------


def post_system_message(
    call: Call, conversation: Conversation, subtype: str, user_id: str, text: str, **extra: Any
) -> Message:
    """A message Slack itself posts (channel_join, channel_topic, ...), with its message event."""
    ts, micros = messages.next_ts(call)
    message = Message(
        tenant_id=call.tenant.id,
        channel_id=conversation.id,
        ts=ts,
        ts_sort=micros,
        subtype=subtype,
        user=user_id,
        text=text,
        extra=extra or None,
    )
    call.session.add(message)
    call.emit(
        "message",
        {
            "type": "message",
            "subtype": subtype,
            "user": user_id,
            "text": text,
            **extra,
            "ts": ts,
            "channel": conversation.id,
            "event_ts": ts,
            "channel_type": messages.channel_type(conversation),
        },
        channel_id=conversation.id,
    )
    return message


def _add_member(call: Call, conversation: Conversation, user_id: str, inviter: str | None = None) -> None:
    call.session.add(
        Member(tenant_id=call.tenant.id, conversation_id=conversation.id, user_id=user_id, joined=call.now())
    )
    call.session.flush()
    extra = {"inviter": inviter} if inviter else {}
    post_system_message(call, conversation, "channel_join", user_id, f"<@{user_id}> has joined the channel", **extra)
    event: dict[str, Any] = {
        "type": "member_joined_channel",
        "user": user_id,
        "channel": conversation.id,
        "channel_type": event_channel_type(conversation),
        "team": call.team_id,
    }
    if inviter:
        event["inviter"] = inviter
    event["event_ts"] = _event_ts(call)
    call.emit("member_joined_channel", event, channel_id=conversation.id)


def _remove_member(call: Call, conversation: Conversation, user_id: str, actor: str, *, announce: bool) -> None:
    row = call.session.get(Member, (call.tenant.id, conversation.id, user_id))
    if row is not None:
        call.session.delete(row)
    if announce:
        post_system_message(call, conversation, "channel_leave", user_id, f"<@{user_id}> has left the channel")
    event_ts = _event_ts(call)
    call.emit(
        "member_left_channel",
        {
            "type": "member_left_channel",
            "user": user_id,
            "channel": conversation.id,
            "channel_type": event_channel_type(conversation),
            "team": call.team_id,
            "event_ts": event_ts,
        },
        channel_id=conversation.id,
    )
    left = "channel_left" if lookup.conversation_type(conversation) == "public" else "group_left"
    call.emit(
        left,
        {"type": left, "channel": conversation.id, "actor_id": actor, "event_ts": event_ts},
        user_ids=(user_id,),
    )


def _channel_summary(conversation: Conversation) -> dict[str, Any]:
    """The `channel` of channel_rename / group_rename."""
    return {
        "id": conversation.id,
        "name": conversation.name,
        "name_normalized": conversation.name,
        "created": conversation.created,
        "is_channel": conversation.is_channel,
        "is_mpim": conversation.is_mpim,
    }


# -- lifecycle --------------------------------------------------------------------------


def create(call: Call, name: str, is_private: bool) -> Conversation:
    name = validate_name(name)
    _require_free_name(call, name)
    now = call.now_int()
    conversation = Conversation(
        tenant_id=call.tenant.id,
        id=call.tenant.ids.make("C", 10),
        name=name,
        is_channel=not is_private,
        is_group=is_private,
        is_private=is_private,
        creator=call.user_id,
        created=now,
        updated=int(call.now() * 1000),
        topic={"value": "", "creator": "", "last_set": 0},
        purpose={"value": "", "creator": "", "last_set": 0},
        previous_names=[],
    )
    call.session.add(conversation)
    call.session.flush()
    if not is_private:
        # Sent to the whole workspace; private channels have no creation event.
        call.emit(
            "channel_created",
            {
                "type": "channel_created",
                "channel": {
                    "id": conversation.id,
                    "is_channel": True,
                    "name": name,
                    "name_normalized": name,
                    "created": now,
                    "creator": call.user_id,
                    "is_shared": False,
                    "is_org_shared": False,
                    "context_team_id": call.team_id,
                    "is_archived": False,
                    "is_frozen": False,
                    "is_general": False,
                    "is_group": False,
                    "is_private": False,
                    "is_ext_shared": False,
                    "is_im": False,
                    "is_mpim": False,
                    "is_pending_ext_shared": False,
                },
                "event_ts": _event_ts(call),
            },
        )
    _add_member(call, conversation, call.user_id)
    return conversation


def rename(call: Call, conversation: Conversation, name: str) -> Conversation:
    require_channel_like(conversation)
    require_not_archived(conversation)
    require_member(call, conversation)
    name = validate_name(name)
    if name == conversation.name:
        return conversation
    _require_free_name(call, name, except_id=conversation.id)
    old = conversation.name
    conversation.name = name
    conversation.previous_names = [old, *[n for n in conversation.previous_names or [] if n != old]]
    _touch(call, conversation)
    post_system_message(
        call,
        conversation,
        "channel_name",
        call.user_id,
        f'<@{call.user_id}> has renamed the channel from "{old}" to "{name}"',
        old_name=old,
        name=name,
    )
    public = lookup.conversation_type(conversation) == "public"
    kind = "channel_rename" if public else "group_rename"
    call.emit(
        kind,
        {"type": kind, "channel": _channel_summary(conversation), "event_ts": _event_ts(call)},
        channel_id=None if public else conversation.id,
    )
    return conversation


def archive(call: Call, conversation: Conversation) -> None:
    require_channel_like(conversation)
    if conversation.is_general:
        raise SlackError("cant_archive_general")
    if conversation.is_archived:
        raise SlackError("already_archived")
    require_member(call, conversation)
    post_system_message(call, conversation, "channel_archive", call.user_id, "archived the channel")
    conversation.is_archived = True
    _touch(call, conversation)
    public = lookup.conversation_type(conversation) == "public"
    kind = "channel_archive" if public else "group_archive"
    event: dict[str, Any] = {"type": kind, "channel": conversation.id, "user": call.user_id}
    if not public:
        event["is_moved"] = 0
    event["event_ts"] = _event_ts(call)
    call.emit(kind, event, channel_id=None if public else conversation.id)


def unarchive(call: Call, conversation: Conversation) -> None:
    require_channel_like(conversation)
    if not conversation.is_archived:
        raise SlackError("not_archived")
    conversation.is_archived = False
    _touch(call, conversation)
    post_system_message(call, conversation, "channel_unarchive", call.user_id, "un-archived the channel")
    public = lookup.conversation_type(conversation) == "public"
    if public:
        event = {"type": "channel_unarchive", "channel": conversation.id, "user": call.user_id}
    else:
        event = {"type": "group_unarchive", "channel": conversation.id, "actor_id": call.user_id}
    event["event_ts"] = _event_ts(call)
    call.emit(str(event["type"]), event, channel_id=None if public else conversation.id)


# -- membership -------------------------------------------------------------------------


def join(call: Call, conversation: Conversation) -> bool:
    """Join a public channel; False when the caller already was a member."""
    if lookup.conversation_type(conversation) != "public":
        raise SlackError("method_not_supported_for_channel_type")
    require_not_archived(conversation)
    if lookup.is_member(call, conversation.id, call.user_id):
        return False
    _add_member(call, conversation, call.user_id)
    return True


def leave(call: Call, conversation: Conversation) -> bool:
    """Leave a channel; False when the caller was not a member (not an error in Slack)."""
    if conversation.is_im:
        raise SlackError("method_not_supported_for_channel_type")
    if conversation.is_general:
        raise SlackError("cant_leave_general")
    require_not_archived(conversation)
    if not lookup.is_member(call, conversation.id, call.user_id):
        return False
    if lookup.conversation_type(conversation) != "public" and len(lookup.members(call, conversation.id)) <= 1:
        raise SlackError("last_member")
    _remove_member(call, conversation, call.user_id, call.user_id, announce=True)
    return True


@dataclass
class InviteOutcome:
    invited: list[str] = field(default_factory=list)
    errors: list[dict[str, Any]] = field(default_factory=list)


def invite(call: Call, conversation: Conversation, user_ids: Sequence[str], force: bool) -> InviteOutcome:
    require_channel_like(conversation)
    require_not_archived(conversation)
    if not user_ids:
        raise SlackError("no_user")
    if len(user_ids) > INVITE_MAX_USERS:
        raise SlackError("too_many_users")
    require_member(call, conversation)
    outcome = InviteOutcome()
    for user_id in dict.fromkeys(user_ids):
        problem = _invite_problem(call, conversation, user_id)
        if problem is None:
            outcome.invited.append(user_id)
        else:
            outcome.errors.append({"user": user_id, "ok": False, "error": problem})
    if outcome.errors and not force:
        # Without `force` one bad user fails the whole call and nobody is invited.
        raise SlackError(outcome.errors[0]["error"], errors=outcome.errors)
    for user_id in outcome.invited:
        _add_member(call, conversation, user_id, inviter=call.user_id)
    return outcome


def _invite_problem(call: Call, conversation: Conversation, user_id: str) -> str | None:
    if user_id == call.user_id:
        return "cant_invite_self"
    user = call.session.get(User, (call.tenant.id, user_id))
    if user is None:
        return "user_not_found"
    if user.deleted:
        return "cant_invite"
    if lookup.is_member(call, conversation.id, user_id):
        return "already_in_channel"
    return None


def kick(call: Call, conversation: Conversation, user_id: str | None) -> None:
    require_channel_like(conversation)
    target = lookup.user(call, user_id)
    if target.id == call.user_id:
        raise SlackError("cant_kick_self")
    if conversation.is_general:
        raise SlackError("cant_kick_from_general")
    if not lookup.is_member(call, conversation.id, target.id):
        raise SlackError("not_in_channel")
    _remove_member(call, conversation, target.id, call.user_id, announce=False)


# -- topic, purpose, read marker --------------------------------------------------------


def _set_text(call: Call, conversation: Conversation, attribute: str, value: str) -> Conversation:
    # Any conversation type: Slack has im:write.topic and mpim:write.topic scopes for this.
    require_not_archived(conversation)
    require_member(call, conversation)
    if len(value) > TEXT_MAX:
        raise SlackError("too_long")
    setattr(conversation, attribute, {"value": value, "creator": call.user_id, "last_set": call.now_int()})
    _touch(call, conversation)
    label = "topic" if attribute == "topic" else "purpose"
    post_system_message(
        call,
        conversation,
        f"channel_{attribute}",
        call.user_id,
        f"set the channel {label}: {value}" if value else f"cleared the channel {label}",
        **{attribute: value},
    )
    return conversation


def set_topic(call: Call, conversation: Conversation, topic: str) -> Conversation:
    return _set_text(call, conversation, "topic", topic)


def set_purpose(call: Call, conversation: Conversation, purpose: str) -> Conversation:
    return _set_text(call, conversation, "purpose", purpose)


def mark(call: Call, conversation: Conversation, ts: str | None) -> None:
    micros = parse_ts(ts or "")
    if micros is None:
        raise SlackError("invalid_timestamp")
    row = call.session.get(Member, (call.tenant.id, conversation.id, call.user_id))
    if row is None:
        raise SlackError("not_in_channel")
    row.last_read = format_ts(micros)
    call.session.add(row)


# -- IMs and MPIMs ----------------------------------------------------------------------


def _users_for_open(call: Call, user_ids: Sequence[str]) -> list[User]:
    found = []
    for user_id in dict.fromkeys(user_ids):
        user = lookup.user(call, user_id)
        if user.deleted:
            raise SlackError("user_disabled")
        found.append(user)
    return found


def _existing_with_members(call: Call, candidates: Iterable[Conversation], member_ids: set[str]) -> Conversation | None:
    for candidate in candidates:
        if set(lookup.members(call, candidate.id)) == member_ids:
            return candidate
    return None


def open_conversation(call: Call, user_ids: Sequence[str]) -> tuple[Conversation, bool]:
    """The IM (one other user) or MPIM (several) with these users, created if need be.

    Returns the conversation and whether it already existed.
    """
    if len(dict.fromkeys(user_ids)) > MPIM_MAX_USERS:
        raise SlackError("too_many_users")
    users = _users_for_open(call, user_ids)
    others = [u for u in users if u.id != call.user_id]
    if len(others) <= 1:
        other = others[0] if others else users[0]  # users=<self> opens the self-DM
        return _open_im(call, other)
    return _open_mpim(call, others)


def _open_im(call: Call, other: User) -> tuple[Conversation, bool]:
    existing = messages.find_im(call, call.user_id, other.id)
    if existing is not None:
        return existing, True
    conversation = messages.open_im(call, other)
    call.emit(
        "im_created",
        {"type": "im_created", "user": call.user_id, "channel": {"id": conversation.id}},
        user_ids=tuple(dict.fromkeys((call.user_id, other.id))),
    )
    return conversation, False


def _open_mpim(call: Call, others: list[User]) -> tuple[Conversation, bool]:
    candidates = call.session.exec(
        select(Conversation).where(
            Conversation.tenant_id == call.tenant.id,
            Conversation.is_mpim == True,  # noqa: E712
            col(Conversation.id).in_(memberships(call, call.user_id)),
        )
    ).all()
    wanted = {call.user_id, *(u.id for u in others)}
    existing = _existing_with_members(call, candidates, wanted)
    if existing is not None:
        return existing, True
    me = lookup.user(call, call.user_id)
    people = [me, *others]  # Slack keeps the order users were given in, the opener first
    now = call.now_int()
    conversation = Conversation(
        tenant_id=call.tenant.id,
        id=call.tenant.ids.make("G", 10),
        name="mpdm-" + "--".join(u.name for u in people) + "-1",
        is_group=True,
        is_mpim=True,
        is_private=True,
        creator=call.user_id,
        created=now,
        updated=int(call.now() * 1000),
        topic={"value": "Group messaging", "creator": call.user_id, "last_set": now},
        purpose={
            "value": "Group messaging with: " + " ".join(f"@{u.name}" for u in people),
            "creator": call.user_id,
            "last_set": now,
        },
        previous_names=[],
    )
    call.session.add(conversation)
    for user in people:
        call.session.add(Member(tenant_id=call.tenant.id, conversation_id=conversation.id, user_id=user.id, joined=now))
    return conversation, False


def reopen(call: Call, conversation: Conversation) -> Conversation:
    """conversations.open with `channel`: only IMs and MPIMs can be (re)opened."""
    if is_channel_like(conversation):
        raise SlackError("method_not_supported_for_channel_type")
    return conversation


# -- listing ----------------------------------------------------------------------------


def parse_types(raw: list[str], default: str = "public_channel") -> list[str]:
    names = raw or [default]
    unknown = [n for n in names if n not in TYPE_NAMES]
    if unknown:
        raise SlackError("invalid_types")
    return list(dict.fromkeys(TYPE_NAMES[n] for n in names))


def _type_condition(kind: str) -> Any:
    if kind == "im":
        return col(Conversation.is_im)
    if kind == "mpim":
        return col(Conversation.is_mpim)
    channel = and_(col(Conversation.is_im).is_(False), col(Conversation.is_mpim).is_(False))
    return and_(channel, col(Conversation.is_private).is_(kind == "private"))


def _decode(cursor: str | None) -> dict[str, Any] | None:
    if not cursor:
        return None
    try:
        return decode_cursor(cursor)
    except InvalidCursor:
        raise SlackError("invalid_cursor") from None


@dataclass
class Page:
    items: list[Any]
    next_cursor: str = ""


def list_conversations(
    call: Call,
    kinds: Sequence[str],
    *,
    exclude_archived: bool,
    limit: int,
    cursor: str | None,
    member: str | None = None,
) -> Page:
    """Conversations of these kinds the caller can see, oldest first.

    Public channels are visible to all; the others only to their members. With `member`,
    only conversations that user belongs to (users.conversations).
    """
    mine = memberships(call, call.user_id)
    visible = or_(
        *(
            _type_condition(kind) if kind == "public" else and_(_type_condition(kind), col(Conversation.id).in_(mine))
            for kind in kinds
        )
    )
    query = select(Conversation).where(Conversation.tenant_id == call.tenant.id, visible)
    if member is not None:
        query = query.where(col(Conversation.id).in_(memberships(call, member)))
    if exclude_archived:
        query = query.where(col(Conversation.is_archived).is_(False))
    position = _decode(cursor)
    if position is not None:
        created, last_id = position.get("created"), position.get("id")
        if not isinstance(created, int) or not isinstance(last_id, str):
            raise SlackError("invalid_cursor")
        query = query.where(
            or_(
                col(Conversation.created) > created,
                and_(col(Conversation.created) == created, col(Conversation.id) > last_id),
            )
        )
    rows = list(
        call.session.exec(query.order_by(col(Conversation.created), col(Conversation.id)).limit(limit + 1)).all()
    )
    page = Page(rows[:limit])
    if len(rows) > limit:
        last = rows[limit - 1]
        page.next_cursor = encode_cursor({"created": last.created, "id": last.id})
    return page


def members_page(call: Call, conversation: Conversation, *, limit: int, cursor: str | None) -> Page:
    ids = lookup.members(call, conversation.id)
    position = _decode(cursor)
    start = 0
    if position is not None:
        offset = position.get("offset")
        if not isinstance(offset, int) or offset < 0:
            raise SlackError("invalid_cursor")
        start = offset
    page = Page(ids[start : start + limit])
    if start + limit < len(ids):
        page.next_cursor = encode_cursor({"offset": start + limit})
    return page


# -- history ----------------------------------------------------------------------------


@dataclass
class HistoryPage:
    messages: list[Message]
    has_more: bool
    next_cursor: str = ""


def _bound(value: str | None, error: str) -> int | None:
    if value is None or value == "":
        return None
    micros = parse_ts(value)
    if micros is None:
        raise SlackError(error)
    return micros


def history(
    call: Call,
    conversation: Conversation,
    *,
    oldest: str | None,
    latest: str | None,
    inclusive: bool,
    limit: int,
    cursor: str | None,
) -> HistoryPage:
    """Top-level messages, thread parents and broadcast replies, newest first."""
    low, high = _bound(oldest, "invalid_ts_oldest"), _bound(latest, "invalid_ts_latest")
    query = select(Message).where(
        Message.tenant_id == call.tenant.id,
        Message.channel_id == conversation.id,
        col(Message.hidden).is_(False),
        or_(
            col(Message.thread_ts).is_(None),
            col(Message.thread_ts) == col(Message.ts),
            col(Message.subtype) == "thread_broadcast",
        ),
    )
    if low is not None:
        query = query.where(col(Message.ts_sort) >= low if inclusive else col(Message.ts_sort) > low)
    if high is not None:
        query = query.where(col(Message.ts_sort) <= high if inclusive else col(Message.ts_sort) < high)
    position = _decode(cursor)
    if position is not None:
        before = position.get("before")
        if not isinstance(before, int):
            raise SlackError("invalid_cursor")
        query = query.where(col(Message.ts_sort) < before)
    rows = list(call.session.exec(query.order_by(col(Message.ts_sort).desc()).limit(limit + 1)).all())
    page = HistoryPage(rows[:limit], has_more=len(rows) > limit)
    if page.has_more:
        page.next_cursor = encode_cursor({"before": rows[limit - 1].ts_sort})
    return page


def replies(
    call: Call,
    conversation: Conversation,
    ts: str | None,
    *,
    oldest: str | None,
    latest: str | None,
    inclusive: bool,
    limit: int,
    cursor: str | None,
) -> HistoryPage:
    """A thread, oldest first: its parent opens the first page; later pages hold replies only."""
    if not ts:
        raise SlackError("thread_not_found")
    message = call.session.get(Message, (call.tenant.id, conversation.id, ts))
    if message is None:
        raise SlackError("thread_not_found")
    parent_ts = message.thread_ts or message.ts
    parent = (
        message if parent_ts == message.ts else call.session.get(Message, (call.tenant.id, conversation.id, parent_ts))
    )
    if parent is None:
        raise SlackError("thread_not_found")
    low, high = _bound(oldest, "invalid_ts_oldest"), _bound(latest, "invalid_ts_latest")
    query = select(Message).where(
        Message.tenant_id == call.tenant.id,
        Message.channel_id == conversation.id,
        Message.thread_ts == parent.ts,
        Message.ts != parent.ts,
    )
    if low is not None:
        query = query.where(col(Message.ts_sort) >= low if inclusive else col(Message.ts_sort) > low)
    if high is not None:
        query = query.where(col(Message.ts_sort) <= high if inclusive else col(Message.ts_sort) < high)
    position = _decode(cursor)
    lead: list[Message] = []
    if position is None:
        lead = [parent]
    else:
        after = position.get("after")
        if not isinstance(after, int):
            raise SlackError("invalid_cursor")
        query = query.where(col(Message.ts_sort) > after)
    room = max(limit - len(lead), 0)
    rows = list(call.session.exec(query.order_by(col(Message.ts_sort)).limit(room + 1)).all())
    page = HistoryPage([*lead, *rows[:room]], has_more=len(rows) > room)
    if page.has_more:
        last = page.messages[-1]
        page.next_cursor = encode_cursor({"after": last.ts_sort})
    return page
