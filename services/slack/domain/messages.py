"""Messages: posting, threads, editing, deleting, and rendering a message with its extras.

Everything here runs inside the caller's transaction and raises Slack's own error
codes. `message_with_extras` is the one renderer for stored messages (history,
replies, reactions.get, pins.list...): reactions, pins, files and the bot profile
are attached here so every method shows a message the same way.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlmodel import col, select

from services.slack import render
from services.slack.call import Call
from services.slack.domain import lookup
from services.slack.errors import SlackError
from services.slack.models import App, Conversation, File, Member, Message, Pin, Reaction, Team, User
from services.slack.ts import parse_ts

MAX_TEXT = 40_000  # chat.postMessage: "msg_too_long"
MAX_ATTACHMENTS = 100  # chat.postMessage: "too_many_attachments"
MAX_BLOCKS = 50  # Block Kit: at most 50 blocks per message
TOMBSTONE_TEXT = "This message was deleted."

# Block Kit block types a message may carry (docs.slack.dev "Blocks" reference).
MESSAGE_BLOCK_TYPES = frozenset(
    {
        "actions",
        "context",
        "divider",
        "file",
        "header",
        "image",
        "input",
        "markdown",
        "rich_text",
        "section",
        "video",
        "table",
        "context_actions",
        "call",
    }
)
TEXT_OBJECT_TYPES = frozenset({"plain_text", "mrkdwn"})

# Events API channel_type per conversation kind.
CHANNEL_TYPES = {"public": "channel", "private": "group", "im": "im", "mpim": "mpim"}


@dataclass
class Content:
    """What a message says: text, blocks and attachments as the caller sent them."""

    text: str | None
    blocks: list[Any] | None
    attachments: list[Any] | None
    metadata: dict[str, Any] | None = None

    @property
    def empty(self) -> bool:
        return not self.text and not self.blocks and not self.attachments


# -- reading and validating what the caller sent ------------------------------------
def _check_text_object(value: Any, pointer: str) -> None:
    if not isinstance(value, dict) or value.get("type") not in TEXT_OBJECT_TYPES:
        raise _invalid_block(f"must be a valid text object [json-pointer:{pointer}]")
    if not isinstance(value.get("text"), str) or not value["text"]:
        raise _invalid_block(f"must be more than 0 characters [json-pointer:{pointer}/text]")


def _invalid_block(message: str) -> SlackError:
    return SlackError("invalid_blocks", response_metadata={"messages": [f"[ERROR] {message}"]})


def validate_blocks(blocks: Any) -> list[Any]:
    """Block Kit's structural rules a message must pass (a useful subset of Slack's validator)."""
    if not isinstance(blocks, list):
        raise SlackError("invalid_blocks_format")
    if len(blocks) > MAX_BLOCKS:
        raise _invalid_block(f"no more than {MAX_BLOCKS} items allowed [json-pointer:/blocks]")
    for index, block in enumerate(blocks):
        pointer = f"/blocks/{index}"
        if not isinstance(block, dict):
            raise _invalid_block(f"must be an object [json-pointer:{pointer}]")
        kind = block.get("type")
        if kind not in MESSAGE_BLOCK_TYPES:
            raise _invalid_block(f"unsupported type: {kind} [json-pointer:{pointer}/type]")
        block_id = block.get("block_id")
        if block_id is not None and (not isinstance(block_id, str) or len(block_id) > 255):
            raise _invalid_block(f"invalid block_id [json-pointer:{pointer}/block_id]")
        if kind == "section":
            if "text" not in block and "fields" not in block:
                raise _invalid_block(f"must provide either `text` or `fields` [json-pointer:{pointer}]")
            if "text" in block:
                _check_text_object(block["text"], f"{pointer}/text")
            for field_index, item in enumerate(block.get("fields") or []):
                _check_text_object(item, f"{pointer}/fields/{field_index}")
        elif kind == "header":
            _check_text_object(block.get("text"), f"{pointer}/text")
            if block["text"].get("type") != "plain_text":
                raise _invalid_block(f"must be a plain_text text object [json-pointer:{pointer}/text]")
        elif kind in ("context", "actions", "rich_text"):
            if not isinstance(block.get("elements"), list) or not block["elements"]:
                raise _invalid_block(f"must provide at least 1 element [json-pointer:{pointer}/elements]")
        elif kind == "image":
            has_url = isinstance(block.get("image_url"), str) or isinstance(block.get("slack_file"), dict)
            if not has_url or not isinstance(block.get("alt_text"), str):
                raise _invalid_block(f"missing required field: image_url/alt_text [json-pointer:{pointer}]")
        elif kind == "markdown" and not isinstance(block.get("text"), str):
            raise _invalid_block(f"missing required field: text [json-pointer:{pointer}]")
    return blocks


def read_content(call: Call, *, for_update: bool = False) -> Content:
    """text/blocks/attachments/metadata of a posting call, validated as Slack does."""
    params = call.params
    text = params.string("text")
    blocks_raw = params.json("blocks", error="invalid_blocks_format")
    blocks = validate_blocks(blocks_raw) if blocks_raw is not None else None
    attachments = params.json("attachments", error="invalid_attachments")
    if attachments is not None:
        if isinstance(attachments, dict):
            attachments = [attachments]
        if not isinstance(attachments, list) or not all(isinstance(a, dict) for a in attachments):
            raise SlackError("invalid_attachments")
        if len(attachments) > MAX_ATTACHMENTS:
            raise SlackError("too_many_attachments")
    metadata = params.json("metadata", error="invalid_metadata_format")
    if metadata is not None and (
        not isinstance(metadata, dict)
        or not isinstance(metadata.get("event_type"), str)
        or not isinstance(metadata.get("event_payload", {}), dict)
    ):
        raise SlackError("invalid_metadata_format")
    content = Content(text=text, blocks=blocks, attachments=attachments, metadata=metadata)
    if text is not None and len(text) > MAX_TEXT:
        raise SlackError("msg_too_long")
    if content.empty and not (for_update and (blocks is not None or attachments is not None)):
        raise SlackError("no_text")
    return content


# -- where a message goes -------------------------------------------------------------
def channel_type(conversation: Conversation) -> str:
    return CHANNEL_TYPES[lookup.conversation_type(conversation)]


def find_im(call: Call, caller: str, other: str) -> Conversation | None:
    """The IM between two users (a self-DM when they are the same), if it exists."""
    mine = select(Member.conversation_id).where(Member.tenant_id == call.tenant.id, Member.user_id == caller)
    candidates = call.session.exec(
        select(Conversation).where(
            Conversation.tenant_id == call.tenant.id,
            Conversation.is_im == True,  # noqa: E712
            col(Conversation.id).in_(mine),
        )
    ).all()
    wanted = {caller, other}
    for conversation in candidates:
        if set(lookup.members(call, conversation.id)) == wanted:
            return conversation
    return None


def open_im(call: Call, other: User) -> Conversation:
    """Find or create the IM (D...) between the caller and `other`."""
    existing = find_im(call, call.user_id, other.id)
    if existing is not None:
        return existing
    now = call.now_int()
    conversation = Conversation(
        tenant_id=call.tenant.id,
        id=call.tenant.ids.make("D", 10),
        is_im=True,
        is_private=True,
        im_user=other.id,
        creator=call.user_id,
        created=now,
        updated=now * 1000,
    )
    call.session.add(conversation)
    for user_id in dict.fromkeys((call.user_id, other.id)):
        call.session.add(
            Member(tenant_id=call.tenant.id, conversation_id=conversation.id, user_id=user_id, joined=call.now())
        )
    call.session.flush()
    return conversation


def target(call: Call, channel: str | None) -> Conversation:
    """The conversation a posting call names: an id, a `#name`/name, or a user id (their IM)."""
    try:
        return lookup.conversation(call, channel)
    except SlackError:
        if channel and channel[:1] in ("U", "W"):
            other = call.session.get(User, (call.tenant.id, channel))
            if other is not None and not other.deleted:
                return open_im(call, other)
        raise


def check_can_post(call: Call, conversation: Conversation) -> None:
    """Archived channels refuse posts; non-members may not post, except bots with chat:write.public."""
    if conversation.is_archived:
        raise SlackError("is_archived")
    if lookup.is_member(call, conversation.id, call.user_id):
        return
    public = lookup.conversation_type(conversation) == "public"
    if public and call.is_bot and call.has_scope("chat:write.public"):
        return
    raise SlackError("not_in_channel")


# -- stored messages ----------------------------------------------------------------
def find(call: Call, conversation: Conversation, ts: str | None, error: str = "message_not_found") -> Message:
    if not ts or parse_ts(ts) is None:
        raise SlackError(error)
    row = call.session.get(Message, (call.tenant.id, conversation.id, ts))
    if row is None or row.hidden:
        raise SlackError(error)
    return row


def next_ts(call: Call) -> tuple[str, int]:
    ts_source = call.runtime.extras["ts"]
    result: tuple[str, int] = ts_source.next(call.session, call.tenant.id, call.now())
    return result


def custom_username(call: Call) -> str | None:
    """A bot's username override: honoured only with chat:write.customize, ignored otherwise."""
    if not call.is_bot or not call.has_scope("chat:write.customize"):
        return None
    value: str | None = call.params.string("username")
    return value


def custom_icons(call: Call) -> dict[str, Any] | None:
    """A bot's icon_emoji/icon_url override (chat:write.customize), stored as the message's icons."""
    if not call.is_bot or not call.has_scope("chat:write.customize"):
        return None
    emoji = call.params.string("icon_emoji")
    url = call.params.string("icon_url")
    if emoji:
        return {"emoji": emoji if emoji.startswith(":") else f":{emoji}:"}
    if url:
        return {"image_48": url}
    return None


def post(call: Call, conversation: Conversation, content: Content, **options: Any) -> Message:
    """Store a new message and emit its `message` event: `post_and_render` without the body.

    Options as `post_and_render`: `files` and `subtype` serve file shares (`file_share`);
    `anonymous` drops the user, as incoming-webhook posts (`bot_message`) show no user.
    """
    message, _ = post_and_render(call, conversation, content, **options)
    return message


def post_and_render(
    call: Call,
    conversation: Conversation,
    content: Content,
    *,
    thread_ts: str | None = None,
    reply_broadcast: bool = False,
    username: str | None = None,
    icons: dict[str, Any] | None = None,
    files: list[str] | None = None,
    subtype: str | None = None,
    anonymous: bool = False,
) -> tuple[Message, dict[str, Any]]:
    """`post`, also returning the message as `message_with_extras` shows it (rendered once, for
    the event and the caller's response alike)."""
    parent: Message | None = None
    if thread_ts:
        parent = call.session.get(Message, (call.tenant.id, conversation.id, thread_ts))
        if parent is not None and parent.thread_ts and parent.thread_ts != parent.ts:
            # A reply's ts names the thread it is in: Slack replies to that thread's parent.
            parent = call.session.get(Message, (call.tenant.id, conversation.id, parent.thread_ts))
        if parent is not None and parent.hidden:
            parent = None
    ts, micros = next_ts(call)
    bot = call.is_bot
    message = Message(
        tenant_id=call.tenant.id,
        channel_id=conversation.id,
        ts=ts,
        ts_sort=micros,
        subtype=subtype or ("thread_broadcast" if (thread_ts and reply_broadcast) else None),
        user=None if anonymous else call.user_id,
        bot_id=call.actor.attributes.get("bot_id") if bot else None,
        app_id=call.actor.attributes.get("app_id") if bot else None,
        username=username if bot else None,
        text=content.text or "",
        blocks=content.blocks,
        attachments=_numbered(content.attachments),
        icons=icons if bot else None,
        metadata_=content.metadata,
        files=files,
        # Slack does not document an unknown thread_ts; the twin keeps it, making a reply with no parent.
        thread_ts=parent.ts if parent is not None else thread_ts,
        parent_user_id=parent.user if parent is not None else None,
    )
    call.session.add(message)
    if parent is not None:
        _thread_grew(parent, message)
        call.session.add(parent)
    call.session.flush()
    # A new ts (unique and increasing per workspace) has no reactions or pins yet.
    body = messages_with_extras(call, [message], fresh=True)[0]
    call.emit(
        "message",
        {**body, "channel": conversation.id, "event_ts": ts, "channel_type": channel_type(conversation)},
        channel_id=conversation.id,
    )
    return message, body


def _numbered(attachments: list[Any] | None) -> list[Any] | None:
    """Slack numbers a message's attachments (`id`: 1, 2, ...)."""
    if not attachments:
        return attachments
    return [{**attachment, "id": index} for index, attachment in enumerate(attachments, start=1)]


def _thread_grew(parent: Message, reply: Message) -> None:
    parent.thread_ts = parent.ts
    parent.reply_count += 1
    users = list(parent.reply_users or [])
    if reply.user and reply.user not in users:
        users.append(reply.user)
    parent.reply_users = users
    parent.latest_reply = reply.ts


def replies(call: Call, parent: Message) -> list[Message]:
    return list(
        call.session.exec(
            select(Message)
            .where(
                Message.tenant_id == call.tenant.id,
                Message.channel_id == parent.channel_id,
                Message.thread_ts == parent.ts,
                Message.ts != parent.ts,
                Message.hidden == False,  # noqa: E712
            )
            .order_by(col(Message.ts_sort))
        ).all()
    )


def _recount_thread(call: Call, parent: Message) -> None:
    remaining = replies(call, parent)
    parent.reply_count = len(remaining)
    parent.reply_users = list(dict.fromkeys(r.user for r in remaining if r.user))
    parent.latest_reply = remaining[-1].ts if remaining else None
    if not remaining:
        parent.thread_ts = None


def is_author(call: Call, message: Message) -> bool:
    if call.is_bot:
        return message.bot_id is not None and message.bot_id == call.actor.attributes.get("bot_id")
    return message.user == call.user_id and message.bot_id is None


def update(call: Call, conversation: Conversation, message: Message, content: Content) -> Message:
    if not is_author(call, message):
        raise SlackError("cant_update_message")
    previous = message_with_extras(call, message)
    if content.text is not None:
        message.text = content.text
    if content.blocks is not None:
        message.blocks = content.blocks or None
    if content.attachments is not None:
        message.attachments = _numbered(content.attachments) or None
    if content.metadata is not None:
        message.metadata_ = content.metadata
    event_ts, _ = next_ts(call)
    message.edited = {"user": call.user_id, "ts": event_ts}
    call.session.add(message)
    call.session.flush()
    current = message_with_extras(call, message)
    call.emit(
        "message",
        {
            "type": "message",
            "subtype": "message_changed",
            "message": current,
            "previous_message": previous,
            "channel": conversation.id,
            "hidden": True,
            "ts": event_ts,
            "event_ts": event_ts,
            "channel_type": channel_type(conversation),
        },
        channel_id=conversation.id,
    )
    return message


def can_delete(call: Call, message: Message) -> bool:
    if is_author(call, message):
        return True
    # A workspace admin's user token may delete anyone's message, as admins can in Slack.
    return not call.is_bot and bool(call.actor.attributes.get("is_admin")) and message.subtype != "tombstone"


def delete(call: Call, conversation: Conversation, message: Message) -> None:
    """Delete a message; a thread parent with replies becomes a tombstone, as in Slack."""
    if not can_delete(call, message):
        raise SlackError("cant_delete_message")
    previous = message_with_extras(call, message)
    _drop_extras(call, message)
    is_parent = message.thread_ts == message.ts
    if is_parent and message.reply_count > 0:
        message.subtype = "tombstone"
        message.text = TOMBSTONE_TEXT
        message.user = "USLACKBOT"
        message.bot_id = message.app_id = message.username = None
        message.blocks = message.attachments = message.files = message.icons = None
        message.edited = None
        call.session.add(message)
    else:
        call.session.delete(message)
        if message.thread_ts and not is_parent:
            parent = call.session.get(Message, (call.tenant.id, conversation.id, message.thread_ts))
            if parent is not None:
                call.session.flush()
                _recount_thread(call, parent)
                if parent.subtype == "tombstone" and parent.reply_count == 0:
                    call.session.delete(parent)
                else:
                    call.session.add(parent)
    event_ts, _ = next_ts(call)
    call.emit(
        "message",
        {
            "type": "message",
            "subtype": "message_deleted",
            "hidden": True,
            "channel": conversation.id,
            "ts": event_ts,
            "deleted_ts": message.ts,
            "event_ts": event_ts,
            "previous_message": previous,
            "channel_type": channel_type(conversation),
        },
        channel_id=conversation.id,
    )


def _drop_extras(call: Call, message: Message) -> None:
    for model in (Reaction, Pin):
        rows = call.session.exec(
            select(model).where(
                model.tenant_id == call.tenant.id,
                model.channel_id == message.channel_id,
                model.ts == message.ts,
            )
        ).all()
        for row in rows:
            call.session.delete(row)


# -- rendering --------------------------------------------------------------------------
def permalink(call: Call, message: Message) -> str:
    """https://<domain>.slack.com/archives/<C>/p<ts without dot>[?thread_ts=..&cid=..]"""
    team = lookup.team(call)
    url = f"https://{team.domain}.slack.com/archives/{message.channel_id}/p{message.ts.replace('.', '')}"
    if message.thread_ts and message.thread_ts != message.ts:
        url += f"?thread_ts={message.thread_ts}&cid={message.channel_id}"
    return url


def reactions_of(call: Call, channel_id: str, ts: str) -> list[dict[str, Any]]:
    """[{name, users, count}] in the order each emoji was first used."""
    return _reactions(call, channel_id, [ts]).get(ts, [])


def _reactions(call: Call, channel_id: str, timestamps: list[str]) -> dict[str, list[dict[str, Any]]]:
    """Reactions of many messages of one conversation in one query: ts -> [{name, users, count}]."""
    rows = call.session.exec(
        select(Reaction)
        .where(
            Reaction.tenant_id == call.tenant.id,
            Reaction.channel_id == channel_id,
            col(Reaction.ts).in_(timestamps),
        )
        # name, user_id: the primary key order, which breaks ties of `created` as one message's scan did.
        .order_by(col(Reaction.created), col(Reaction.name), col(Reaction.user_id))
    ).all()
    grouped: dict[str, dict[str, list[str]]] = {}
    for row in rows:
        grouped.setdefault(row.ts, {}).setdefault(row.name, []).append(row.user_id)
    return {
        ts: [{"name": name, "users": users, "count": len(users)} for name, users in names.items()]
        for ts, names in grouped.items()
    }


def _pinned(call: Call, channel_id: str, timestamps: list[str]) -> set[str]:
    rows = call.session.exec(
        select(Pin.ts).where(Pin.tenant_id == call.tenant.id, Pin.channel_id == channel_id, col(Pin.ts).in_(timestamps))
    ).all()
    return set(rows)


def _apps_by_bot(call: Call, bot_ids: set[str]) -> dict[str, App]:
    """The app of each bot id (the first row found, as `bot_profile` picks it)."""
    found: dict[str, App] = {}
    if bot_ids:
        rows = call.session.exec(select(App).where(App.tenant_id == call.tenant.id, col(App.bot_id).in_(bot_ids)))
        for app in rows.all():
            found.setdefault(app.bot_id, app)
    return found


def bot_profile(call: Call, bot_id: str) -> dict[str, Any] | None:
    app = _apps_by_bot(call, {bot_id}).get(bot_id)
    if app is None:
        return None
    return _bot_profile(app, lookup.team(call).id)


def _bot_profile(app: App, team_id: str) -> dict[str, Any]:
    return {**render.bot_object(app, app.created), "team_id": team_id}


def _files(call: Call, messages: list[Message], team: Team) -> dict[str, dict[str, Any]]:
    """The file objects of every file the messages carry (one query), by id; deleted ones as tombstones."""
    # Imported here: the files domain posts messages through this module.
    from services.slack.domain import files

    wanted = {file_id for m in messages for file_id in m.files or []}
    if not wanted:
        return {}
    rows = call.session.exec(select(File).where(File.tenant_id == call.tenant.id, col(File.id).in_(wanted))).all()
    by_id = {row.id: row for row in rows}
    rendered: dict[str, dict[str, Any]] = {}
    for file_id in wanted:
        row = by_id.get(file_id)
        if row is None or row.state == "deleted":
            rendered[file_id] = {"id": file_id, "mode": "tombstone"}
        else:
            rendered[file_id] = files.file_object(call, row, team)
    return rendered


def _roots(call: Call, messages: list[Message]) -> dict[tuple[str, str], Message]:
    """The thread parents broadcast replies show as `root`, found in the page or in one query per channel."""
    known = {(m.channel_id, m.ts): m for m in messages}
    wanted: dict[str, set[str]] = {}
    for m in messages:
        if m.subtype == "thread_broadcast" and m.thread_ts and (m.channel_id, m.thread_ts) not in known:
            wanted.setdefault(m.channel_id, set()).add(m.thread_ts)
    for channel_id, timestamps in wanted.items():
        rows = call.session.exec(
            select(Message).where(
                Message.tenant_id == call.tenant.id,
                Message.channel_id == channel_id,
                col(Message.ts).in_(timestamps),
            )
        ).all()
        known.update({(row.channel_id, row.ts): row for row in rows})
    return known


def message_with_extras(call: Call, message: Message) -> dict[str, Any]:
    """A stored message as Slack shows it: reactions, pinned_to, files, bot_profile attached."""
    return messages_with_extras(call, [message])[0]


def messages_with_extras(
    call: Call, messages: list[Message], *, fresh: bool = False, pinned: set[str] | None = None
) -> list[dict[str, Any]]:
    """Many messages rendered as `message_with_extras` does, with a fixed number of queries per page.

    `fresh`: the messages were just posted (a new ts), so they carry no reactions or pins yet.
    `pinned`: every pinned ts of the one conversation all `messages` are in, when the caller has it.
    """
    if not messages:
        return []
    team = lookup.team(call)
    apps = _apps_by_bot(call, {m.bot_id for m in messages if m.bot_id})
    roots = _roots(call, messages)
    files = _files(call, messages, team)
    reactions: dict[tuple[str, str], list[dict[str, Any]]] = {}
    pins: set[tuple[str, str]] = set()
    if not fresh:
        by_channel: dict[str, list[str]] = {}
        for m in messages:
            by_channel.setdefault(m.channel_id, []).append(m.ts)
        for channel_id, timestamps in by_channel.items():
            found = _reactions(call, channel_id, timestamps)
            reactions.update({(channel_id, ts): value for ts, value in found.items()})
            if pinned is not None:
                pins.update((channel_id, ts) for ts in timestamps if ts in pinned)
            else:
                pins.update((channel_id, ts) for ts in _pinned(call, channel_id, timestamps))
    rendered = []
    for message in messages:
        key = (message.channel_id, message.ts)
        body = render.message_object(message, team.id)
        if message.subtype == "tombstone":
            body["hidden"] = True
            body.pop("team", None)
        app = apps.get(message.bot_id) if message.bot_id else None
        if app is not None:
            body["bot_profile"] = _bot_profile(app, team.id)
        if message.files:
            # A copy per message: one file shared in several messages must not alias between them.
            body["files"] = [dict(files[file_id]) for file_id in message.files]
            body["upload"] = False
        if message.subtype == "thread_broadcast" and message.thread_ts:
            root = roots.get((message.channel_id, message.thread_ts))
            if root is not None:
                body["root"] = render.message_object(root, team.id)
        if key in reactions:
            body["reactions"] = reactions[key]
        if key in pins:
            body["pinned_to"] = [message.channel_id]
        rendered.append(body)
    return rendered


def message_item(call: Call, conversation: Conversation, message: Message) -> dict[str, Any]:
    """`{type: message, channel, message}` as reactions.get/list and pins.list show an item."""
    body = message_with_extras(call, message)
    body["permalink"] = permalink(call, message)
    return {"type": "message", "channel": conversation.id, "message": body}
