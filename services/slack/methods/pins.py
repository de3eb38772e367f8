"""pins.add, pins.remove, pins.list (messages; file pins are not modelled)."""

from __future__ import annotations

from typing import Any

from sqlmodel import col, func, select

from services.slack.call import Call, method
from services.slack.domain import lookup, messages
from services.slack.errors import SlackError
from services.slack.models import Conversation, Message, Pin
from services.slack.ts import parse_ts

MAX_PINS = 100  # Slack: a conversation holds at most 100 pinned items


def _pinned_item(call: Call) -> tuple[Conversation, Message]:
    conversation = lookup.conversation(call, call.params.string("channel"))
    timestamp = call.params.string("timestamp")
    if not timestamp:
        if "file" in call.params:
            raise SlackError("file_not_found")  # file pins are not modelled
        raise SlackError("no_item_specified")
    if parse_ts(timestamp) is None:
        raise SlackError("bad_timestamp")
    return conversation, messages.find(call, conversation, timestamp)


def _pin_count(call: Call, channel_id: str) -> int:
    count: int = call.session.exec(
        select(func.count()).select_from(Pin).where(Pin.tenant_id == call.tenant.id, Pin.channel_id == channel_id)
    ).one()
    return count


def _event(call: Call, type_: str, conversation: Conversation, message: Message, pin: Pin) -> None:
    event_ts, _ = messages.next_ts(call)
    item = messages.message_item(call, conversation, message)
    count = _pin_count(call, conversation.id)
    body: dict[str, Any] = {
        "type": type_,
        "user": call.user_id,
        "channel_id": conversation.id,
        "item": {**item, "created": pin.created, "created_by": pin.created_by},
        "item_user": message.user,
        "pin_count": count,
        "pinned_info": {"channel": conversation.id, "pinned_by": pin.created_by, "pinned_ts": pin.created},
        "event_ts": event_ts,
    }
    if type_ == "pin_removed":
        body["has_pins"] = count > 0
    call.emit(type_, body, channel_id=conversation.id)


@method("pins.add")
def add(call: Call) -> dict[str, Any]:
    conversation, message = _pinned_item(call)
    if not lookup.is_member(call, conversation.id, call.user_id):
        raise SlackError("not_in_channel")
    if call.session.get(Pin, (call.tenant.id, conversation.id, message.ts)) is not None:
        raise SlackError("already_pinned")
    if _pin_count(call, conversation.id) >= MAX_PINS:
        raise SlackError("too_many_pins")
    pin = Pin(
        tenant_id=call.tenant.id,
        channel_id=conversation.id,
        ts=message.ts,
        created=call.now_int(),
        created_by=call.user_id,
    )
    call.session.add(pin)
    call.session.flush()
    _event(call, "pin_added", conversation, message, pin)
    return {}


@method("pins.remove")
def remove(call: Call) -> dict[str, Any]:
    conversation, message = _pinned_item(call)
    pin = call.session.get(Pin, (call.tenant.id, conversation.id, message.ts))
    if pin is None:
        raise SlackError("no_pin")
    call.session.delete(pin)
    call.session.flush()
    _event(call, "pin_removed", conversation, message, pin)
    return {}


@method("pins.list")
def list_(call: Call) -> dict[str, Any]:
    conversation = lookup.conversation(call, call.params.string("channel"))
    pins = call.session.exec(
        select(Pin)
        .where(Pin.tenant_id == call.tenant.id, Pin.channel_id == conversation.id)
        .order_by(col(Pin.created).desc(), col(Pin.ts).desc())
    ).all()
    items: list[dict[str, Any]] = []
    for pin in pins:
        message = call.session.get(Message, (call.tenant.id, conversation.id, pin.ts))
        if message is None:
            continue
        item = messages.message_item(call, conversation, message)
        items.append({"type": "message", "created": pin.created, "created_by": pin.created_by, **item})
    return {"items": items}
