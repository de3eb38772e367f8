"""conversations.* and users.conversations: parse arguments, check scopes, render."""

from __future__ import annotations

from typing import Any

from services.slack import render
from services.slack.call import Call, method
from services.slack.domain import conversations, lookup, messages
from services.slack.errors import SlackError
from services.slack.models import Conversation


def _conversation(call: Call) -> Conversation:
    """The `channel` argument (an id: conversations.* do not take names), type-checked for scopes."""
    conversation = lookup.conversation(call, call.params.string("channel"), by_name=False)
    call.require_conversation_scope(lookup.conversation_type(conversation))
    return conversation


def _object(call: Call, conversation: Conversation, *, num_members: bool = False) -> dict[str, Any]:
    """A conversation as the caller sees it (is_member for channels, optional member count)."""
    is_member = None if conversation.is_im else lookup.is_member(call, conversation.id, call.user_id)
    count = len(lookup.members(call, conversation.id)) if num_members else None
    body = render.conversation_object(conversation, is_member=is_member, num_members=count)
    if conversation.is_im:
        body["user"] = conversations.im_partner(call, conversation)
        if count is not None:
            body["num_members"] = count
    return body


def _list_body(call: Call, page: conversations.Page, *, membership: bool) -> dict[str, Any]:
    rows: list[Conversation] = page.items
    mine = conversations.memberships(call, call.user_id) if membership else set()
    channels = [c.id for c in rows if conversations.is_channel_like(c)]
    counts = conversations.member_counts(call, channels) if membership else {}
    rendered = []
    for c in rows:
        if c.is_im:
            rendered.append({**render.conversation_object(c), "user": conversations.im_partner(call, c)})
        elif not membership:
            rendered.append(render.conversation_object(c))
        else:
            rendered.append(render.conversation_object(c, is_member=c.id in mine, num_members=counts.get(c.id)))
    return {"channels": rendered, "response_metadata": {"next_cursor": page.next_cursor}}


def _listing(call: Call, member: str | None) -> conversations.Page:
    kinds = conversations.parse_types(call.params.strings("types"))
    for kind in kinds:
        call.require_conversation_scope(kind)
    return conversations.list_conversations(
        call,
        kinds,
        exclude_archived=call.params.flag("exclude_archived"),
        limit=call.params.limit(100, 1000),
        cursor=call.params.string("cursor"),
        member=member,
    )


@method("conversations.list")
def list_(call: Call) -> dict[str, Any]:
    return _list_body(call, _listing(call, None), membership=True)


@method("users.conversations")
def users_conversations(call: Call) -> dict[str, Any]:
    requested = call.params.string("user")
    member = lookup.user(call, requested).id if requested else call.user_id
    return _list_body(call, _listing(call, member), membership=False)


@method("conversations.info")
def info(call: Call) -> dict[str, Any]:
    conversation = _conversation(call)
    return {"channel": _object(call, conversation, num_members=call.params.flag("include_num_members"))}


@method("conversations.create")
def create(call: Call) -> dict[str, Any]:
    is_private = call.params.flag("is_private")
    call.require_conversation_scope("private" if is_private else "public")
    created = conversations.create(call, call.params.string("name"), is_private)
    body = _object(call, created)
    # A new channel's read state, as Slack returns it from conversations.create.
    body.update({"last_read": "0000000000.000000", "latest": None, "unread_count": 0, "unread_count_display": 0})
    body["priority"] = 0
    return {"channel": body}


@method("conversations.rename")
def rename(call: Call) -> dict[str, Any]:
    conversation = _conversation(call)
    renamed = conversations.rename(call, conversation, call.params.string("name"))
    return {"channel": _object(call, renamed)}


@method("conversations.archive")
def archive(call: Call) -> dict[str, Any]:
    conversations.archive(call, _conversation(call))
    return {}


@method("conversations.unarchive")
def unarchive(call: Call) -> dict[str, Any]:
    conversations.unarchive(call, _conversation(call))
    return {}


@method("conversations.join")
def join(call: Call) -> dict[str, Any]:
    # Public channels only, so the dispatcher has already checked channels:join / channels:write.
    conversation = lookup.conversation(call, call.params.string("channel"), by_name=False)
    joined = conversations.join(call, conversation)
    body: dict[str, Any] = {"channel": _object(call, conversation)}
    if not joined:
        body["warning"] = "already_in_channel"
        body["response_metadata"] = {"warnings": ["already_in_channel"]}
    return body


@method("conversations.leave")
def leave(call: Call) -> dict[str, Any]:
    if not conversations.leave(call, _conversation(call)):
        # Not an error: Slack's spec has `ok: true` with this flag (its docs page shows ok: false).
        return {"not_in_channel": True}
    return {}


@method("conversations.invite")
def invite(call: Call) -> dict[str, Any]:
    conversation = _conversation(call)
    outcome = conversations.invite(call, conversation, call.params.strings("users"), call.params.flag("force"))
    body: dict[str, Any] = {"channel": _object(call, conversation)}
    if outcome.errors:
        body["errors"] = outcome.errors
    return body


@method("conversations.kick")
def kick(call: Call) -> dict[str, Any]:
    conversations.kick(call, _conversation(call), call.params.string("user"))
    return {}


@method("conversations.members")
def members(call: Call) -> dict[str, Any]:
    conversation = _conversation(call)
    page = conversations.members_page(
        call, conversation, limit=call.params.limit(100, 1000), cursor=call.params.string("cursor")
    )
    return {"members": page.items, "response_metadata": {"next_cursor": page.next_cursor}}


def _history_window(call: Call) -> dict[str, Any]:
    return {
        "oldest": call.params.string("oldest"),
        "latest": call.params.string("latest"),
        "inclusive": call.params.flag("inclusive"),
        "cursor": call.params.string("cursor"),
    }


@method("conversations.history")
def history(call: Call) -> dict[str, Any]:
    conversation = _conversation(call)
    if call.is_bot:
        # Bots read only what they are in; user tokens may read any public channel.
        conversations.require_member(call, conversation)
    page = conversations.history(call, conversation, limit=call.params.limit(100, 999), **_history_window(call))
    # One query serves both the page's pinned_to and pin_count.
    pinned = conversations.pinned(call, conversation.id)
    rendered = messages.messages_with_extras(call, page.messages, pinned=pinned)
    body: dict[str, Any] = {"messages": rendered, "has_more": page.has_more}
    if call.params.string("latest"):
        body["latest"] = call.params.string("latest")
    body.update(
        {
            "pin_count": len(pinned),
            "channel_actions_ts": None,
            "channel_actions_count": 0,
            "response_metadata": {"next_cursor": page.next_cursor},
        }
    )
    return body


@method("conversations.replies")
def replies(call: Call) -> dict[str, Any]:
    conversation = _conversation(call)
    page = conversations.replies(
        call, conversation, call.params.string("ts"), limit=call.params.limit(1000, 1000), **_history_window(call)
    )
    return {
        "messages": messages.messages_with_extras(call, page.messages),
        "has_more": page.has_more,
        "response_metadata": {"next_cursor": page.next_cursor},
    }


@method("conversations.open")
def open_(call: Call) -> dict[str, Any]:
    users = call.params.strings("users")
    if users:
        call.require_conversation_scope("im" if len(set(users) - {call.user_id}) <= 1 else "mpim")
        conversation, existed = conversations.open_conversation(call, users)
    elif "channel" in call.params:
        conversation, existed = conversations.reopen(call, _conversation(call)), True
    else:
        raise SlackError("users_list_not_supplied")
    channel = _object(call, conversation) if call.params.flag("return_im") else {"id": conversation.id}
    body: dict[str, Any] = {}
    if existed:
        body.update({"no_op": True, "already_open": True})
    body["channel"] = channel
    return body


@method("conversations.setTopic")
def set_topic(call: Call) -> dict[str, Any]:
    conversation = _conversation(call)
    updated = conversations.set_topic(call, conversation, call.params.required("topic"))
    return {"channel": _object(call, updated)}


@method("conversations.setPurpose")
def set_purpose(call: Call) -> dict[str, Any]:
    conversation = _conversation(call)
    updated = conversations.set_purpose(call, conversation, call.params.required("purpose"))
    return {"channel": _object(call, updated)}


@method("conversations.mark")
def mark(call: Call) -> dict[str, Any]:
    conversations.mark(call, _conversation(call), call.params.string("ts"))
    return {}
