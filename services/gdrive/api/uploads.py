"""Media uploads under `/upload/drive/v3/files`: `uploadType=media`, `multipart` and `resumable`.

googleapiclient sends `multipart/related` (JSON metadata part, then the media part) for
MediaUpload objects with a body, plain media without one, and for `resumable=True` it
POSTs (or PATCHes) the metadata with `X-Upload-Content-Type`/`-Length`, takes the session
URI from `Location`, and PUTs chunks with `Content-Range: bytes a-b/total`, expecting
`308` with `Range: bytes=0-n` until the last chunk answers with the file.
"""

from __future__ import annotations

import json
import re
from typing import Any
from urllib.parse import urlencode

from sqlmodel import select

from services.gdrive.api.files import Context, create_file, update_file
from services.gdrive.call import DriveCall, Reply
from services.gdrive.domain.access import WRITER
from services.gdrive.endpoint import route
from services.gdrive.errors import GoogleError, bad_request, invalid_value, parse_error
from services.gdrive.models import UploadSession

UPLOAD_TYPES = ("media", "multipart", "resumable")
_RANGE = re.compile(r"^bytes\s+(?:(\d+)-(\d+)|\*)/(\d+|\*)$")
MAX_RESUMABLE = 256 * 1024 * 1024


def _upload_type(call: DriveCall) -> str:
    kind = call.query.get("uploadType") or call.query.get("upload_protocol")
    if kind not in UPLOAD_TYPES:
        raise invalid_value(
            "uploadType",
            f"Invalid value for: {kind or ''} is not a valid value" if kind else "Required parameter: uploadType",
        )
    return kind


def _content_type(call: DriveCall) -> str:
    return call.request.headers.get("content-type", "application/octet-stream").split(";")[0].strip()


def _split_part(part: bytes) -> tuple[dict[str, str], bytes]:
    for separator in (b"\r\n\r\n", b"\n\n"):
        head, found, body = part.partition(separator)
        if found:
            break
    else:
        raise parse_error("Malformed multipart body.")
    headers = {}
    for line in head.decode("latin-1").splitlines():
        name, colon, value = line.partition(":")
        if colon:
            headers[name.strip().lower()] = value.strip()
    return headers, body


def multipart(call: DriveCall) -> tuple[dict[str, Any], bytes, str]:
    """The metadata object, the media bytes and their type, from a `multipart/related` body."""
    header = call.request.headers.get("content-type", "")
    match = re.search(r'boundary="?([^";]+)"?', header)
    if not header.lower().startswith("multipart/") or match is None:
        raise bad_request("Multipart upload requires a multipart/related Content-Type with a boundary.")
    delimiter = b"--" + match.group(1).encode()
    chunks = call.raw.split(delimiter)
    parts = []
    for chunk in chunks[1:]:
        if chunk.startswith(b"--"):
            break
        # The line break after the delimiter line and the one before the next delimiter belong to them.
        chunk = chunk[2:] if chunk.startswith(b"\r\n") else chunk[1:] if chunk.startswith(b"\n") else chunk
        chunk = chunk[:-2] if chunk.endswith(b"\r\n") else chunk[:-1] if chunk.endswith(b"\n") else chunk
        parts.append(_split_part(chunk))
    if len(parts) != 2:
        raise bad_request("Multipart upload must have exactly two parts: metadata and media.")
    (_meta_headers, meta_body), (media_headers, media_body) = parts
    try:
        meta = json.loads(meta_body) if meta_body.strip() else {}
    except (ValueError, UnicodeDecodeError):
        raise parse_error() from None
    if not isinstance(meta, dict):
        raise parse_error()
    media_type = media_headers.get("content-type", "application/octet-stream").split(";")[0].strip()
    return meta, media_body, media_type


def _simple(call: DriveCall) -> tuple[dict[str, Any], bytes, str]:
    kind = _upload_type(call)
    if kind == "multipart":
        return multipart(call)
    return {}, call.raw, _content_type(call)


@route("POST", "/upload/drive/v3/files", "drive.files.create")
def upload_create(call: DriveCall) -> Reply:
    if _upload_type(call) == "resumable":
        return start(call, "")
    ctx = Context(call)
    meta, content, media_type = _simple(call)
    return ctx.reply(create_file(ctx, meta, content, media_type))


@route("PATCH", "/upload/drive/v3/files/{fileId}", "drive.files.update")
def upload_update(call: DriveCall) -> Reply:
    ctx = Context(call)
    file = ctx.access.find(call.path["fileId"])
    if _upload_type(call) == "resumable":
        ctx.access.require(file, WRITER)
        return start(call, file.id)
    meta, content, media_type = _simple(call)
    return ctx.reply(update_file(ctx, file, meta, content, media_type))


def start(call: DriveCall, file_id: str) -> Reply:
    """Open a resumable session; its URI is the request's own with `upload_id` added."""
    metadata = call.body_object()
    declared = call.request.headers.get("x-upload-content-length")
    total = int(declared) if declared and declared.isdigit() else None
    if total is not None and total > MAX_RESUMABLE:
        raise GoogleError(413, "The upload is too large.", "uploadTooLarge")
    upload_id = "AHVrdxc" + call.tenant.ids.draw(90, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")
    query = {k: v for k, v in call.query.items() if k != "upload_id"}
    call.session.add(
        UploadSession(
            tenant_id=call.tenant.id,
            id=upload_id,
            method=call.operation,
            file_id=file_id,
            metadata_=metadata,
            query=query,
            mime_type=call.request.headers.get("x-upload-content-type", "") or "application/octet-stream",
            total=total,
            received=b"",
            user_id=call.principal.subject,
            created=call.now(),
        )
    )
    location = f"{call.base}{call.request.url.path}?{urlencode({**query, 'upload_id': upload_id})}"
    return Reply(None, status=200, headers={"Location": location, "X-GUploader-UploadID": upload_id})


def _session(call: DriveCall) -> UploadSession:
    upload_id = call.query.get("upload_id") or ""
    found = call.session.exec(
        select(UploadSession).where(UploadSession.tenant_id == call.tenant.id, UploadSession.id == upload_id)
    ).first()
    if found is None or found.user_id != call.principal.subject:
        raise GoogleError(404, "Not Found", "notFound", item_message="Upload session not found.")
    return found


def _incomplete(received: int) -> Reply:
    headers = {"Range": f"bytes=0-{received - 1}"} if received else {}
    return Reply(None, status=308, headers={**headers, "X-GUploader-UploadID": ""})


def _chunk(call: DriveCall) -> Reply:
    upload = _session(call)
    header = call.request.headers.get("content-range")
    received = bytes(upload.received or b"")
    total: int | None
    if header is None:
        received, total = call.raw, len(call.raw)
    else:
        match = _RANGE.match(header.strip())
        if match is None:
            raise bad_request("Failed to parse Content-Range header.")
        first, _last, size = match.groups()
        total = int(size) if size != "*" else upload.total
        if first is not None:
            if int(first) != len(received):
                return _incomplete(len(received))  # the client resends from what the twin has
            received += call.raw
    if len(received) > MAX_RESUMABLE:
        raise GoogleError(413, "The upload is too large.", "uploadTooLarge")
    upload.received, upload.total = received, total
    call.session.add(upload)
    if total is None or len(received) < total:
        return _incomplete(len(received))
    ctx = Context(call)
    if upload.method == "drive.files.create":
        file = create_file(ctx, dict(upload.metadata_ or {}), received[:total], upload.mime_type)
    else:
        target = ctx.access.find(upload.file_id)
        file = update_file(ctx, target, dict(upload.metadata_ or {}), received[:total], upload.mime_type)
    call.session.delete(upload)
    return ctx.reply(file)


@route("PUT", "/upload/drive/v3/files", "drive.files.create")
def resume_create(call: DriveCall) -> Reply:
    return _chunk(call)


@route("PUT", "/upload/drive/v3/files/{fileId}", "drive.files.update")
def resume_update(call: DriveCall) -> Reply:
    return _chunk(call)
