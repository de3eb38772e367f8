"""Files: the external upload flow, sharing into conversations, visibility and deletion.

The flow is Slack's three steps. `files.getUploadURLExternal` creates a pending file
with a secret upload key; the client POSTs the bytes to the upload URL (served by
`files_http.py`, which calls `store_upload`); `files.completeUploadExternal` makes the
file real and shares it, posting one message per conversation with every file in it.
A file nobody completed stays invisible, as Slack discards it.

Who sees a file: its uploader, anyone when it is shared in a public channel, and the
members of the private conversations it is shared in. Everyone else gets
`file_not_found`, exactly as for an id that does not exist.
"""

from __future__ import annotations

import mimetypes
from collections.abc import Iterable
from typing import Any
from urllib.parse import quote

from sqlmodel import Session, col, select

from services.core.ids import ALNUM
from services.slack import render
from services.slack.call import Call
from services.slack.domain import lookup, messages
from services.slack.errors import SlackError
from services.slack.models import Conversation, File, Member, Message, Team

MAX_ALT_TXT = 1000  # files.getUploadURLExternal: alt_txt_too_large
MAX_SNIPPET = 1024 * 1024  # snippets are limited to 1MB: snippet_too_large
MAX_CHANNELS = 100  # files.completeUploadExternal: channels_limit_exceeded

# Extension -> filetype as Slack names it (render.FILE_PRETTY_TYPES labels them); else "binary".
EXTENSIONS: dict[str, str] = {
    "txt": "text",
    "text": "text",
    "log": "text",
    "png": "png",
    "jpg": "jpg",
    "jpeg": "jpg",
    "gif": "gif",
    "svg": "svg",
    "webp": "webp",
    "pdf": "pdf",
    "zip": "zip",
    "gz": "gzip",
    "csv": "csv",
    "json": "json",
    "md": "markdown",
    "html": "html",
    "xml": "xml",
    "yaml": "yaml",
    "yml": "yaml",
    "py": "python",
    "js": "javascript",
    "ts": "typescript",
    "go": "go",
    "rb": "ruby",
    "java": "java",
    "c": "c",
    "cpp": "cpp",
    "sh": "shell",
    "sql": "sql",
    "mp4": "mp4",
    "mp3": "mp3",
    "docx": "docx",
    "xlsx": "xlsx",
    "pptx": "pptx",
}

# Syntax types a snippet may declare (Slack's snippet languages; "auto" lets Slack guess).
SNIPPET_TYPES = frozenset(
    {
        "auto", "text", "apache", "applescript", "boxnote", "c", "csharp", "cpp", "css", "csv", "clojure",
        "coffeescript", "cfm", "crystal", "cypher", "d", "dart", "diff", "dockerfile", "elixir", "elm", "erlang",
        "fsharp", "fortran", "gherkin", "go", "groovy", "html", "handlebars", "haskell", "haxe", "java",
        "javascript", "json", "julia", "kotlin", "latex", "lisp", "lua", "markdown", "matlab", "mumps", "nginx",
        "objc", "ocaml", "pascal", "perl", "php", "post", "powershell", "puppet", "python", "r", "ruby", "rust",
        "sql", "sass", "scala", "scheme", "shell", "smalltalk", "swift", "tsx", "typescript", "vbscript",
        "velocity", "verilog", "vb", "xml", "yaml", "zsh",
    }
)  # fmt: skip

# files.list `types`: which files each value selects ("all" selects everything).
LIST_TYPES = {
    "spaces": lambda f: f.filetype in ("space", "post"),
    "snippets": lambda f: f.mode == "snippet",
    "images": lambda f: f.mimetype.startswith("image/"),
    "gdocs": lambda f: f.filetype.startswith("gdoc") or f.filetype in ("gsheet", "gpres"),
    "zips": lambda f: f.filetype == "zip",
    "pdfs": lambda f: f.filetype == "pdf",
    "canvas": lambda f: f.filetype in ("quip", "canvas"),
    "lists": lambda f: f.filetype == "list",
}


def detect(filename: str, snippet_type: str | None) -> tuple[str, str]:
    """(mimetype, filetype) from the file name (and a snippet's declared type)."""
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    filetype = EXTENSIONS.get(extension, "binary")
    if snippet_type and snippet_type != "auto":
        filetype = snippet_type
    guessed, _ = mimetypes.guess_type(filename, strict=False)
    mimetype = guessed or ("text/plain" if snippet_type or filetype == "text" else "application/octet-stream")
    return mimetype, filetype


# -- step 1: the upload ticket ---------------------------------------------------------
def create_pending(call: Call, filename: str, length: int, alt_txt: str | None, snippet_type: str | None) -> File:
    if length <= 0:
        raise SlackError("missing_argument")
    if alt_txt is not None and len(alt_txt) > MAX_ALT_TXT:
        raise SlackError("alt_txt_too_large")
    if snippet_type is not None:
        if snippet_type not in SNIPPET_TYPES:
            raise SlackError("unknown_snippet_type")
        if length > MAX_SNIPPET:
            raise SlackError("snippet_too_large")
    if length > call.runtime.settings.max_body_bytes:
        # The twin bounds every upload by its body limit; Slack's team-level size limit says so.
        raise SlackError("file_upload_size_restricted")
    mimetype, filetype = detect(filename, snippet_type)
    row = File(
        tenant_id=call.tenant.id,
        id=call.tenant.ids.make("F", 10),
        user=call.user_id,
        name=filename,
        title=filename,
        mimetype=mimetype,
        filetype=filetype,
        declared_length=length,
        created=call.now_int(),
        created_at=call.now(),
        upload_key=call.tenant.ids.draw(48, ALNUM),
        state="pending",
        channels=[],
        shares={},
        alt_txt=alt_txt,
        mode="snippet" if snippet_type else "hosted",
    )
    call.session.add(row)
    return row


def upload_url(base_url: str, row: File) -> str:
    return f"{base_url}/upload/v1/{row.upload_key}"


# -- step 2: the bytes (called by the upload route, outside the Web API) -----------------
def find_by_upload_key(session: Session, key: str) -> File | None:
    """The pending file an upload URL belongs to (keys are unique secrets across tenants)."""
    if not key:
        return None
    return session.exec(select(File).where(File.upload_key == key, File.state == "pending")).first()


def store_upload(session: Session, row: File, content: bytes) -> None:
    row.content = content
    row.size = len(content)
    row.state = "uploaded"
    session.add(row)


# -- step 3: completion and sharing -------------------------------------------------------
def complete(
    call: Call,
    items: list[tuple[str, str | None]],
    channel_ids: list[str],
    text: str | None,
    blocks: list[Any] | None,
    thread_ts: str | None,
) -> list[File]:
    if len(channel_ids) > MAX_CHANNELS:
        raise SlackError("channels_limit_exceeded")
    rows: list[File] = []
    for file_id, title in items:
        row = call.session.get(File, (call.tenant.id, file_id))
        # Only the uploader's own, uploaded, not yet completed tickets can be completed (once).
        if row is None or row.user != call.user_id or row.state != "uploaded":
            raise SlackError("file_not_found")
        if title:
            row.title = title
        row.state = "complete"
        row.initial_comment = text
        rows.append(row)
    conversations = [_share_target(call, channel_id) for channel_id in dict.fromkeys(channel_ids)]
    for row in rows:
        call.session.add(row)
        call.emit("file_created", {"file_id": row.id, "file": {"id": row.id}, "user_id": row.user})
    for conversation in conversations:
        _share(call, conversation, rows, text, blocks, thread_ts)
    call.session.flush()
    return rows


def _share_target(call: Call, channel_id: str) -> Conversation:
    conversation = messages.target(call, channel_id)
    if conversation.is_archived:
        raise SlackError("is_archived")
    # Sharing a file posts a message: bots (and users) must be in the conversation.
    if not lookup.is_member(call, conversation.id, call.user_id):
        raise SlackError("not_in_channel")
    return conversation


def _share(
    call: Call,
    conversation: Conversation,
    rows: list[File],
    text: str | None,
    blocks: list[Any] | None,
    thread_ts: str | None,
) -> None:
    content = messages.Content(text=text or "", blocks=None if text else blocks, attachments=None)
    message = messages.post(
        call, conversation, content, thread_ts=thread_ts, files=[row.id for row in rows], subtype="file_share"
    )
    kind = lookup.conversation_type(conversation)
    for row in rows:
        _record_share(call, row, conversation, kind, message)
        call.emit(
            "file_shared",
            {
                "file_id": row.id,
                "user_id": row.user,
                "file": {"id": row.id},
                "channel_id": conversation.id,
                "event_ts": message.ts,
            },
            channel_id=conversation.id,
        )


def _record_share(call: Call, row: File, conversation: Conversation, kind: str, message: Message) -> None:
    share: dict[str, Any] = {
        "reply_users": [],
        "reply_users_count": 0,
        "reply_count": 0,
        "ts": message.ts,
        "channel_name": conversation.name,
        "team_id": lookup.team(call).id,
        "share_user_id": call.user_id,
        "source": "UNKNOWN",
        "is_silent_share": False,
    }
    if message.thread_ts and message.thread_ts != message.ts:
        share["thread_ts"] = message.thread_ts
    bucket = "public" if kind == "public" else "private"
    shares = {key: dict(value) for key, value in (row.shares or {}).items()}
    shares.setdefault(bucket, {}).setdefault(conversation.id, []).insert(0, share)
    row.shares = shares
    row.channels = list(dict.fromkeys([*(row.channels or []), conversation.id]))
    call.session.add(row)


# -- reading --------------------------------------------------------------------------------
def _conversations(session: Session, tenant_id: str, row: File) -> list[Conversation]:
    found = (session.get(Conversation, (tenant_id, cid)) for cid in row.channels or [])
    return [c for c in found if c is not None]


def visible_to(session: Session, tenant_id: str, user_id: str, row: File) -> bool:
    """The uploader, anyone if shared in a public channel, members of private shares."""
    if row.user == user_id:
        return True
    for conversation in _conversations(session, tenant_id, row):
        if lookup.conversation_type(conversation) == "public":
            return True
        if session.get(Member, (tenant_id, conversation.id, user_id)) is not None:
            return True
    return False


def visible(call: Call, row: File) -> bool:
    return visible_to(call.session, call.tenant.id, call.user_id, row)


def get(call: Call, file_id: str | None) -> File:
    """A completed file the caller may see; `file_deleted` once it is gone."""
    row = call.session.get(File, (call.tenant.id, file_id)) if file_id else None
    if row is None or row.state in ("pending", "uploaded") or not visible(call, row):
        raise SlackError("file_not_found")
    if row.state == "deleted":
        raise SlackError("file_deleted")
    return row


def listing(
    call: Call,
    *,
    user: str | None,
    channel: str | None,
    ts_from: float | None,
    ts_to: float | None,
    types: Iterable[str],
) -> list[File]:
    """Completed files the caller can see, newest first, filtered as files.list is."""
    wanted = [LIST_TYPES[t] for t in types if t != "all"]
    query = select(File).where(File.tenant_id == call.tenant.id, File.state == "complete")
    if user:
        query = query.where(File.user == user)
    if ts_from is not None:
        query = query.where(File.created >= ts_from)
    if ts_to is not None:
        query = query.where(File.created <= ts_to)
    rows = call.session.exec(query.order_by(col(File.created_at).desc(), col(File.id))).all()
    return [
        row
        for row in rows
        if (not channel or channel in (row.channels or []))
        and (not wanted or any(match(row) for match in wanted))
        and visible(call, row)
    ]


# -- deletion ----------------------------------------------------------------------------------
def delete(call: Call, row: File) -> None:
    """The uploader, or a workspace admin's user token, may delete a file."""
    admin = not call.is_bot and bool(call.actor.attributes.get("is_admin"))
    if row.user != call.user_id and not admin:
        raise SlackError("cant_delete_file")
    row.state = "deleted"
    row.content = None  # the bytes are gone for good, as in Slack
    call.session.add(row)
    event_ts, _ = messages.next_ts(call)
    call.emit("file_deleted", {"file_id": row.id, "event_ts": event_ts})


# -- wire shape ---------------------------------------------------------------------------------
def private_path(team_id: str, row: File, download: bool = False) -> str:
    middle = "/download" if download else ""
    return f"/files-pri/{team_id}-{row.id}{middle}/{quote(row.name, safe='')}"


def file_object(call: Call, row: File, team: Team | None = None) -> dict[str, Any]:
    """The file object of files.info/list/completeUploadExternal (and of messages with files).

    `team`: the workspace, when the caller already has it (message rendering, once per page)."""
    team = team or lookup.team(call)
    return render.hosted_file_object(row, team, call.runtime.base_url, _kinds(call, row))


def _kinds(call: Call, row: File) -> dict[str, list[str]]:
    """Shared conversation ids split as Slack lists them: channels, groups, ims."""
    kinds: dict[str, list[str]] = {"channels": [], "groups": [], "ims": []}
    for conversation in _conversations(call.session, call.tenant.id, row):
        kind = lookup.conversation_type(conversation)
        key = "channels" if kind == "public" else "ims" if kind == "im" else "groups"
        kinds[key].append(conversation.id)
    return kinds
