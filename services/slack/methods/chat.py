"""chat.*: posting, updating, deleting, ephemeral messages, permalinks and scheduled messages."""

from __future__ import annotations

from typing import Any

from services.slack import scheduler
from services.slack.call import Call, method
from services.slack.domain import lookup, messages
from services.slack.errors import SlackError
from services.slack.ts import parse_ts


def _thread_ts(call: Call) -> str | None:
    value = call.params.string("thread_ts")
    # A thread_ts that is not a timestamp at all names no thread: the message goes top-level.
    return value if value and parse_ts(value) is not None else None


@method("chat.postMessage")
def post_message(call: Call) -> dict[str, Any]:
    conversation = messages.target(call, call.params.string("channel"))
    content = messages.read_content(call)
    messages.check_can_post(call, conversation)
    # as_user, parse, link_names, mrkdwn and unfurl_* are accepted; they change nothing stored here.
    message, body = messages.post_and_render(
        call,
        conversation,
        content,
        thread_ts=_thread_ts(call),
        reply_broadcast=call.params.flag("reply_broadcast"),
        username=messages.custom_username(call),
        icons=messages.custom_icons(call),
    )
    return {"channel": conversation.id, "ts": message.ts, "message": body}


@method("chat.postEphemeral")
def post_ephemeral(call: Call) -> dict[str, Any]:
    conversation = messages.target(call, call.params.string("channel"))
    recipient = call.params.string("user")
    messages.read_content(call)
    messages.check_can_post(call, conversation)
    if not recipient or not lookup.is_member(call, conversation.id, recipient):
        raise SlackError("user_not_in_channel")
    # Ephemeral messages are shown once to one user and never stored: no history, no event.
    ts, _ = messages.next_ts(call)
    return {"message_ts": ts}


@method("chat.update")
def update(call: Call) -> dict[str, Any]:
    conversation = lookup.conversation(call, call.params.string("channel"))
    message = messages.find(call, conversation, call.params.string("ts"))
    content = messages.read_content(call, for_update=True)
    updated = messages.update(call, conversation, message, content)
    return {
        "channel": conversation.id,
        "ts": updated.ts,
        "text": updated.text,
        "message": messages.message_with_extras(call, updated),
    }


@method("chat.delete")
def delete(call: Call) -> dict[str, Any]:
    conversation = lookup.conversation(call, call.params.string("channel"))
    message = messages.find(call, conversation, call.params.string("ts"))
    messages.delete(call, conversation, message)
    return {"channel": conversation.id, "ts": message.ts}


@method("chat.getPermalink")
def get_permalink(call: Call) -> dict[str, Any]:
    conversation = lookup.conversation(call, call.params.string("channel"))
    message = messages.find(call, conversation, call.params.string("message_ts"))
    return {"channel": conversation.id, "permalink": messages.permalink(call, message)}


@method("chat.scheduleMessage")
def schedule_message(call: Call) -> dict[str, Any]:
    conversation = messages.target(call, call.params.string("channel"))
    post_at = scheduler.read_post_at(call)
    content = messages.read_content(call)
    messages.check_can_post(call, conversation)
    row = scheduler.schedule(
        call,
        conversation,
        content,
        post_at=post_at,
        thread_ts=_thread_ts(call),
        reply_broadcast=call.params.flag("reply_broadcast"),
    )
    return {
        "channel": conversation.id,
        "scheduled_message_id": row.id,
        "post_at": row.post_at,
        "message": scheduler.delayed_message(call, row),
    }


@method("chat.scheduledMessages.list")
def scheduled_messages_list(call: Call) -> dict[str, Any]:
    channel_id = None
    if "channel" in call.params:
        channel_id = lookup.conversation(call, call.params.string("channel"), error="invalid_channel").id
    rows, next_cursor = scheduler.listing(
        call,
        channel_id=channel_id,
        oldest=call.params.string("oldest"),
        latest=call.params.string("latest"),
        limit=call.params.limit(100, 100),
        cursor=call.params.string("cursor"),
    )
    return {
        "scheduled_messages": [scheduler.listed(row) for row in rows],
        "response_metadata": {"next_cursor": next_cursor},
    }


@method("chat.deleteScheduledMessage")
def delete_scheduled_message(call: Call) -> dict[str, Any]:
    conversation = messages.target(call, call.params.string("channel"))
    scheduler.unschedule(call, conversation, call.params.string("scheduled_message_id"))
    return {}
