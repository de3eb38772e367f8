"""Emoji reactions on messages: adding, removing, and what a user has reacted to.

The twin has no emoji catalogue: a name is accepted when it is shaped like an emoji
name (lowercase letters, digits, `_ + - '`, an optional `::skin-tone-N`). Names that
cannot be emoji are `invalid_name`, as in Slack; unknown but well-formed names are
accepted (a known gap, listed in the twin's README).
"""

from __future__ import annotations

import re
from typing import Any

from sqlmodel import col, func, select

from services.slack.call import Call
from services.slack.domain import lookup, messages
from services.slack.errors import SlackError
from services.slack.models import Conversation, Message, Reaction
from services.slack.ts import parse_ts

NAME = re.compile(r"^[a-z0-9_+'\-]{1,100}(::skin-tone-[2-6])?$")
# Slack's per-message limits (help center: reactions); not documented precisely in the API.
MAX_DISTINCT_EMOJI = 50  # too_many_emoji
MAX_PER_USER = 23  # too_many_reactions


def emoji_name(raw: str | None) -> str:
    """`thumbsup` from `thumbsup` or `:thumbsup:`; invalid_name when it cannot be an emoji."""
    name = (raw or "").strip()
    if name.startswith(":") and name.endswith(":") and len(name) > 2:
        name = name[1:-1]
    if not NAME.match(name):
        raise SlackError("invalid_name")
    return name


def item(call: Call) -> tuple[Conversation, Message]:
    """The message a reactions.* call names with channel + timestamp."""
    channel, timestamp = call.params.string("channel"), call.params.string("timestamp")
    if "file" in call.params or "file_comment" in call.params:
        # Reactions on files are not modelled; no stored file can be found for them.
        raise SlackError("file_not_found")
    if not channel or not timestamp:
        raise SlackError("no_item_specified")
    if parse_ts(timestamp) is None:
        raise SlackError("bad_timestamp")
    conversation = lookup.conversation(call, channel)
    return conversation, messages.find(call, conversation, timestamp)


def _users_reactions(call: Call, message: Message) -> list[Reaction]:
    return list(
        call.session.exec(
            select(Reaction).where(
                Reaction.tenant_id == call.tenant.id,
                Reaction.channel_id == message.channel_id,
                Reaction.ts == message.ts,
            )
        ).all()
    )


def _event(call: Call, type_: str, conversation: Conversation, message: Message, name: str) -> None:
    event_ts, _ = messages.next_ts(call)
    body: dict[str, Any] = {
        "type": type_,
        "user": call.user_id,
        "reaction": name,
        "item": {"type": "message", "channel": conversation.id, "ts": message.ts},
        "event_ts": event_ts,
    }
    if message.user:
        body["item_user"] = message.user
    call.emit(type_, body, channel_id=conversation.id)


def add(call: Call, conversation: Conversation, message: Message, name: str) -> None:
    if conversation.is_archived:
        raise SlackError("is_archived")
    existing = _users_reactions(call, message)
    if any(r.name == name and r.user_id == call.user_id for r in existing):
        raise SlackError("already_reacted")
    if name not in {r.name for r in existing} and len({r.name for r in existing}) >= MAX_DISTINCT_EMOJI:
        raise SlackError("too_many_emoji")
    if sum(1 for r in existing if r.user_id == call.user_id) >= MAX_PER_USER:
        raise SlackError("too_many_reactions")
    call.session.add(
        Reaction(
            tenant_id=call.tenant.id,
            channel_id=conversation.id,
            ts=message.ts,
            name=name,
            user_id=call.user_id,
            created=call.now(),
        )
    )
    _event(call, "reaction_added", conversation, message, name)


def remove(call: Call, conversation: Conversation, message: Message, name: str) -> None:
    row = call.session.get(Reaction, (call.tenant.id, conversation.id, message.ts, name, call.user_id))
    if row is None:
        raise SlackError("no_reaction")
    call.session.delete(row)
    _event(call, "reaction_removed", conversation, message, name)


def reacted_messages(call: Call, user_id: str) -> list[tuple[Conversation, Message]]:
    """Messages `user_id` reacted to, most recent reaction first, in conversations the caller sees."""
    latest = func.max(Reaction.created)
    rows = call.session.exec(
        select(Reaction.channel_id, Reaction.ts, latest)
        .where(Reaction.tenant_id == call.tenant.id, Reaction.user_id == user_id)
        .group_by(col(Reaction.channel_id), col(Reaction.ts))
        .order_by(latest.desc(), col(Reaction.ts).desc())
    ).all()
    found: list[tuple[Conversation, Message]] = []
    visible: dict[str, Conversation | None] = {}
    for channel_id, ts, _ in rows:
        if channel_id not in visible:
            try:
                visible[channel_id] = lookup.conversation(call, channel_id)
            except SlackError:
                visible[channel_id] = None
        conversation = visible[channel_id]
        message = call.session.get(Message, (call.tenant.id, channel_id, ts))
        if conversation is not None and message is not None and not message.hidden:
            found.append((conversation, message))
    return found
