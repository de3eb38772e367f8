"""files.getUploadURLExternal, files.completeUploadExternal, files.info, files.list, files.delete."""

from __future__ import annotations

import math
from typing import Any

from services.slack.call import Call, method
from services.slack.domain import files, lookup, messages
from services.slack.errors import SlackError, invalid_arguments


@method("files.getUploadURLExternal")
def get_upload_url_external(call: Call) -> dict[str, Any]:
    filename = call.params.required("filename")
    length = call.params.integer("length")
    if length is None:
        raise invalid_arguments("missing required field: length")
    row = files.create_pending(
        call, filename, length, call.params.string("alt_txt"), call.params.string("snippet_type")
    )
    return {"upload_url": files.upload_url(call.runtime.base_url, row), "file_id": row.id}


def _items(call: Call) -> list[tuple[str, str | None]]:
    """`files`: a JSON array of {id, title?} (slack_sdk sends it as a JSON string)."""
    value = call.params.json("files")
    if value is None:
        raise invalid_arguments("missing required field: files")
    if not isinstance(value, list) or not value:
        raise invalid_arguments("invalid array for field: files")
    items: list[tuple[str, str | None]] = []
    for entry in value:
        if not isinstance(entry, dict) or not isinstance(entry.get("id"), str):
            raise invalid_arguments("invalid array for field: files")
        title = entry.get("title")
        items.append((entry["id"], title if isinstance(title, str) else None))
    return items


@method("files.completeUploadExternal")
def complete_upload_external(call: Call) -> dict[str, Any]:
    items = _items(call)
    channel_ids = call.params.strings("channels")
    channel_id = call.params.string("channel_id")
    if channel_id:
        channel_ids = [channel_id, *channel_ids]
    blocks_raw = call.params.json("blocks", error="invalid_blocks")
    blocks = messages.validate_blocks(blocks_raw) if blocks_raw is not None else None
    rows = files.complete(
        call,
        items,
        channel_ids,
        call.params.string("initial_comment"),
        blocks,
        call.params.string("thread_ts"),
    )
    return {"files": [files.file_object(call, row) for row in rows]}


@method("files.info")
def info(call: Call) -> dict[str, Any]:
    row = files.get(call, call.params.string("file"))
    return {"file": files.file_object(call, row), "comments": [], "response_metadata": {"next_cursor": ""}}


def _timestamp(call: Call, name: str) -> float | None:
    value = call.params.string(name)
    if value is None:
        return None
    try:
        return float(value)
    except ValueError:
        raise invalid_arguments(f"invalid number for field: {name}") from None


@method("files.list")
def list_files(call: Call) -> dict[str, Any]:
    user = call.params.string("user")
    if user:
        lookup.user(call, user)
    types = call.params.strings("types") or ["all"]
    if any(t != "all" and t not in files.LIST_TYPES for t in types):
        raise SlackError("unknown_type")
    rows = files.listing(
        call,
        user=user,
        channel=call.params.string("channel"),
        ts_from=_timestamp(call, "ts_from"),
        ts_to=_timestamp(call, "ts_to"),
        types=types,
    )
    count = call.params.integer("count", 100, minimum=1, maximum=1000)
    page = call.params.integer("page", 1, minimum=1)
    chosen = rows[(page - 1) * count : page * count]
    return {
        "files": [files.file_object(call, row) for row in chosen],
        "paging": {"count": count, "total": len(rows), "page": page, "pages": math.ceil(len(rows) / count)},
    }


@method("files.delete")
def delete(call: Call) -> dict[str, Any]:
    files.delete(call, files.get(call, call.params.string("file")))
    return {}
