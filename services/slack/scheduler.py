"""Scheduled messages: storing them (chat.scheduleMessage) and posting them when due.

`run` is the background loop started with the twin. About every 100 ms it posts
every pending message whose `post_at` has come by its tenant's clock (so advancing
a tenant's clock through the control plane makes its messages post). Each post is
its own transaction, reusing `domain.messages.post` as chat.postMessage does, and
its events are published after that transaction commits. A failing message is
logged and dropped; it never stops the loop.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from sqlmodel import Session, col, or_, select

from services.core.credentials import Principal
from services.core.cursors import InvalidCursor, decode_cursor, encode_cursor
from services.core.tenants import Tenant
from services.core.twin import TwinRuntime
from services.slack.call import Call
from services.slack.catalogue import METHODS
from services.slack.domain import lookup, messages
from services.slack.errors import SlackError, invalid_arguments
from services.slack.models import Conversation, ScheduledMessage, User
from services.slack.params import Params

log = logging.getLogger("dtu.slack.scheduler")

POLL_SECONDS = 0.1
MAX_AHEAD_SECONDS = 120 * 24 * 3600  # "You will only be able to schedule a message up to 120 days into the future."


# -- chat.scheduleMessage / scheduledMessages.list / deleteScheduledMessage -------------
def read_post_at(call: Call) -> int:
    raw = call.params.raw("post_at")
    if raw is None or raw == "":
        raise invalid_arguments("missing required field: post_at")
    try:
        post_at = int(float(raw))
    except (TypeError, ValueError):
        raise SlackError("invalid_time") from None
    now = call.now()
    if post_at <= now:
        raise SlackError("time_in_past")
    if post_at > now + MAX_AHEAD_SECONDS:
        raise SlackError("time_too_far")
    return post_at


def schedule(
    call: Call,
    conversation: Conversation,
    content: messages.Content,
    *,
    post_at: int,
    thread_ts: str | None,
    reply_broadcast: bool,
) -> ScheduledMessage:
    row = ScheduledMessage(
        tenant_id=call.tenant.id,
        id=call.tenant.ids.make("Q", 10),
        channel_id=conversation.id,
        post_at=post_at,
        date_created=call.now_int(),
        text=content.text or "",
        blocks=content.blocks,
        attachments=content.attachments,
        thread_ts=thread_ts,
        reply_broadcast=reply_broadcast,
        user=call.user_id,
        bot_id=call.actor.attributes.get("bot_id") if call.is_bot else None,
        app_id=call.actor.attributes.get("app_id") if call.is_bot else None,
    )
    call.session.add(row)
    return row


def delayed_message(call: Call, row: ScheduledMessage) -> dict[str, Any]:
    """The `message` of chat.scheduleMessage's response: type `delayed_message`."""
    body: dict[str, Any] = {}
    if row.bot_id:
        body["bot_id"] = row.bot_id
    body["type"] = "delayed_message"
    body["text"] = row.text
    body["user"] = row.user
    if row.app_id:
        body["app_id"] = row.app_id
    if row.blocks is not None:
        body["blocks"] = row.blocks
    if row.attachments:
        body["attachments"] = row.attachments
    body["team"] = lookup.team(call).id
    if row.bot_id:
        profile = messages.bot_profile(call, row.bot_id)
        if profile is not None:
            body["bot_profile"] = profile
    return body


def listed(row: ScheduledMessage) -> dict[str, Any]:
    return {
        "id": row.id,
        "channel_id": row.channel_id,
        "post_at": row.post_at,
        "date_created": row.date_created,
        "text": row.text,
    }


def _bound(value: str | None) -> float | None:
    if value is None or value == "":
        return None
    try:
        return float(value)
    except ValueError:
        raise invalid_arguments("invalid timestamp") from None


def listing(
    call: Call,
    *,
    channel_id: str | None,
    oldest: str | None,
    latest: str | None,
    limit: int,
    cursor: str | None,
) -> tuple[list[ScheduledMessage], str]:
    """The caller's pending scheduled messages, soonest first, one page at a time."""
    query = select(ScheduledMessage).where(
        ScheduledMessage.tenant_id == call.tenant.id,
        ScheduledMessage.user == call.user_id,
        ScheduledMessage.posted == False,  # noqa: E712
    )
    if channel_id is not None:
        query = query.where(ScheduledMessage.channel_id == channel_id)
    low, high = _bound(oldest), _bound(latest)
    if low is not None:
        query = query.where(ScheduledMessage.post_at >= low)
    if high is not None:
        query = query.where(ScheduledMessage.post_at <= high)
    if cursor:
        try:
            position = decode_cursor(cursor)
            after_post_at, after_id = int(position["p"]), str(position["i"])
        except (InvalidCursor, KeyError, TypeError, ValueError):
            raise SlackError("invalid_cursor") from None
        query = query.where(
            or_(
                col(ScheduledMessage.post_at) > after_post_at,
                (col(ScheduledMessage.post_at) == after_post_at) & (col(ScheduledMessage.id) > after_id),
            )
        )
    rows = list(
        call.session.exec(query.order_by(col(ScheduledMessage.post_at), col(ScheduledMessage.id)).limit(limit + 1))
    )
    if len(rows) <= limit:
        return rows, ""
    page = rows[:limit]
    return page, encode_cursor({"p": page[-1].post_at, "i": page[-1].id})


def unschedule(call: Call, conversation: Conversation, scheduled_id: str | None) -> None:
    row = call.session.get(ScheduledMessage, (call.tenant.id, scheduled_id or ""))
    if row is None or row.posted or row.channel_id != conversation.id or row.user != call.user_id:
        raise SlackError("invalid_scheduled_message_id")
    call.session.delete(row)


# -- posting when due -----------------------------------------------------------------
def _poster_call(runtime: TwinRuntime, tenant: Tenant, session: Session, row: ScheduledMessage) -> Call:
    """A Call acting as the app or user that scheduled the message, as if it posted now."""
    user = session.get(User, (tenant.id, row.user))
    kind = "bot" if row.bot_id else "user"
    principal = Principal(
        tenant_id=tenant.id,
        subject=row.user,
        kind=kind,
        # It could post when it scheduled; public channels stay open to it as to chat:write.public.
        scopes=frozenset({"chat:write", "chat:write.public"}),
        attributes={
            "team_id": user.team_id if user else "",
            "app_id": row.app_id,
            "bot_id": row.bot_id,
            "user_name": user.name if user else "",
            "is_admin": False,
        },
    )
    return Call(
        spec=METHODS["chat.postMessage"],
        params=Params({}),
        principal=principal,
        tenant=tenant,
        session=session,
        runtime=runtime,
    )


def post_one(runtime: TwinRuntime, tenant: Tenant, scheduled_id: str) -> None:
    """Post one due message in its own transaction, then publish its events."""
    call: Call | None = None
    with runtime.store.session() as session:
        row = session.get(ScheduledMessage, (tenant.id, scheduled_id))
        if row is None or row.posted:
            return
        row.posted = True
        session.add(row)
        conversation = session.get(Conversation, (tenant.id, row.channel_id))
        if conversation is None or conversation.is_archived:
            log.info("dropping scheduled message %s: channel %s gone or archived", row.id, row.channel_id)
            return
        call = _poster_call(runtime, tenant, session, row)
        content = messages.Content(text=row.text, blocks=row.blocks, attachments=row.attachments)
        messages.post(call, conversation, content, thread_ts=row.thread_ts, reply_broadcast=row.reply_broadcast)
    if call is not None and call.events:
        runtime.extras["events"].publish(tenant, call.events)


def _drop(runtime: TwinRuntime, tenant_id: str, scheduled_id: str) -> None:
    """Mark a message that failed to post as done, so it is not retried forever."""
    with runtime.store.session() as session:
        row = session.get(ScheduledMessage, (tenant_id, scheduled_id))
        if row is not None:
            row.posted = True
            session.add(row)


def post_due(runtime: TwinRuntime) -> int:
    """Post every pending message whose time has come by its tenant's clock; returns how many."""
    with runtime.store.session() as session:
        pending = session.exec(
            select(ScheduledMessage.tenant_id, ScheduledMessage.id, ScheduledMessage.post_at)
            .where(ScheduledMessage.posted == False)  # noqa: E712
            .order_by(col(ScheduledMessage.post_at), col(ScheduledMessage.id))
        ).all()
    posted = 0
    for tenant_id, scheduled_id, post_at in pending:
        tenant = runtime.tenants.find(tenant_id)
        if tenant is None or post_at > tenant.clock.time():
            continue
        try:
            post_one(runtime, tenant, scheduled_id)
            posted += 1
        except Exception:  # one bad message must not stop the others or the loop
            log.exception("scheduled message %s of tenant %s failed to post", scheduled_id, tenant_id)
            try:
                _drop(runtime, tenant_id, scheduled_id)
            except Exception:
                log.exception("could not drop scheduled message %s", scheduled_id)
    return posted


async def run(runtime: TwinRuntime) -> None:
    """Background loop started with the twin; returns when cancelled."""
    while True:
        try:
            post_due(runtime)
        except Exception:  # e.g. the database briefly unavailable: try again next tick
            log.exception("scheduler tick failed")
        await asyncio.sleep(POLL_SECONDS)
