"""reactions.add, reactions.remove, reactions.get, reactions.list."""

from __future__ import annotations

from typing import Any

from services.core.cursors import InvalidCursor, decode_cursor, encode_cursor
from services.slack.call import Call, method
from services.slack.domain import lookup, messages, reactions
from services.slack.errors import SlackError


@method("reactions.add")
def add(call: Call) -> dict[str, Any]:
    name = reactions.emoji_name(call.params.string("name"))
    conversation, message = reactions.item(call)
    reactions.add(call, conversation, message, name)
    return {}


@method("reactions.remove")
def remove(call: Call) -> dict[str, Any]:
    name = reactions.emoji_name(call.params.string("name"))
    conversation, message = reactions.item(call)
    reactions.remove(call, conversation, message, name)
    return {}


@method("reactions.get")
def get(call: Call) -> dict[str, Any]:
    # `full` asks for every reacting user; the twin always returns them all.
    conversation, message = reactions.item(call)
    return messages.message_item(call, conversation, message)


def _offset(call: Call) -> int:
    cursor = call.params.string("cursor")
    if not cursor:
        return 0
    try:
        return max(0, int(decode_cursor(cursor)["o"]))
    except (InvalidCursor, KeyError, TypeError, ValueError):
        raise SlackError("invalid_cursor") from None


@method("reactions.list")
def list_(call: Call) -> dict[str, Any]:
    user_id = call.params.string("user") or call.user_id
    lookup.user(call, user_id)
    found = reactions.reacted_messages(call, user_id)
    body: dict[str, Any] = {}
    if "page" in call.params and "cursor" not in call.params:
        # Classic paging: count (default 100) per page, 1-based page numbers.
        count = call.params.integer("count", 100, minimum=1, maximum=1000)
        page = call.params.integer("page", 1, minimum=1)
        start = (page - 1) * count
        chunk = found[start : start + count]
        total = len(found)
        body["paging"] = {"count": count, "total": total, "page": page, "pages": max(1, -(-total // count))}
        next_cursor = ""
    else:
        limit = call.params.limit(100, 1000)
        start = _offset(call)
        chunk = found[start : start + limit]
        next_cursor = encode_cursor({"o": start + limit}) if start + limit < len(found) else ""
    body["items"] = [messages.message_item(call, conversation, message) for conversation, message in chunk]
    body["response_metadata"] = {"next_cursor": next_cursor}
    return body
