"""Media uploads under `/upload/drive/v3/files`: `uploadType=media`, `multipart` and `resumable`.

googleapiclient sends `multipart/related` (JSON metadata part, then the media part) for
MediaUpload objects with a body, plain media without one, and for `resumable=True` it
POSTs (or PATCHes) the metadata with `X-Upload-Content-Type`/`-Length`, takes the session
URI from `Location`, and PUTs chunks with `Content-Range: bytes a-b/total`, expecting
`308` with `Range: bytes=0-n` until the last chunk answers with the file; after a failed
chunk it asks where to resume with an empty PUT and `Content-Range: bytes */total`.

Bodies are read as they stream in (services/gdrive/media.py, `receive=`), then written as blob
pieces (domain/content.py): a resumable session appends each chunk's pieces to its blob, which
becomes the file's content when the last byte arrives.
"""

from __future__ import annotations

import json
import re
from typing import Any
from urllib.parse import urlencode

from sqlmodel import select

from services.gdrive.api.files import Context, create_file, update_file
from services.gdrive.call import DriveCall, Reply
from services.gdrive.domain import content
from services.gdrive.domain.access import WRITER
from services.gdrive.domain.content import Blob
from services.gdrive.endpoint import route
from services.gdrive.errors import GoogleError, bad_request, invalid_value, parse_error
from services.gdrive.media import Spool, receive, too_large
from services.gdrive.models import UploadSession

UPLOAD_TYPES = ("media", "multipart", "resumable")
_RANGE = re.compile(r"^bytes\s+(?:(\d+)-(\d+)|\*)/(\d+|\*)$")
UPLOAD_ID_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"


def _upload_type(call: DriveCall) -> str:
    kind = call.query.get("uploadType") or call.query.get("upload_protocol")
    if kind not in UPLOAD_TYPES:
        raise invalid_value(
            "uploadType",
            f"Invalid value for: {kind or ''} is not a valid value" if kind else "Required parameter: uploadType",
        )
    return kind


def _metadata(call: DriveCall) -> dict[str, Any]:
    """A multipart body's first part: the file's metadata as JSON."""
    try:
        meta = json.loads(call.raw) if call.raw.strip() else {}
    except (ValueError, UnicodeDecodeError):
        raise parse_error() from None
    if not isinstance(meta, dict):
        raise parse_error()
    return meta


def _simple(call: DriveCall) -> tuple[dict[str, Any], Blob, str]:
    """Metadata, stored media and its type of a `media` or `multipart` upload."""
    kind = _upload_type(call)
    media = call.media or Spool()
    meta = _metadata(call) if kind == "multipart" else {}
    return meta, content.put(call.session, call.tenant.id, media.rewound(), media.digest), media.media_type


@route("POST", "/upload/drive/v3/files", "drive.files.create", receive=receive)
def upload_create(call: DriveCall) -> Reply:
    if _upload_type(call) == "resumable":
        return start(call, "")
    ctx = Context(call)
    meta, blob, media_type = _simple(call)
    return ctx.reply(create_file(ctx, meta, blob, media_type))


@route("PATCH", "/upload/drive/v3/files/{fileId}", "drive.files.update", receive=receive)
def upload_update(call: DriveCall) -> Reply:
    ctx = Context(call)
    file = ctx.access.find(call.path["fileId"])
    if _upload_type(call) == "resumable":
        ctx.access.require(file, WRITER)
        return start(call, file.id)
    meta, blob, media_type = _simple(call)
    return ctx.reply(update_file(ctx, file, meta, blob, media_type))


def start(call: DriveCall, file_id: str) -> Reply:
    """Open a resumable session; its URI is the request's own with `upload_id` added."""
    metadata = call.body_object()
    declared = call.request.headers.get("x-upload-content-length")
    total = int(declared) if declared and declared.isdigit() else None
    if total is not None and total > call.runtime.settings.max_upload_bytes:
        raise too_large()
    upload_id = "AHVrdxc" + call.tenant.ids.draw(90, UPLOAD_ID_ALPHABET)
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
            blob_id=content.new_id(),
            received=0,
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


def _incomplete(upload: UploadSession) -> Reply:
    """308 Resume Incomplete: `Range` names the bytes kept (none yet: no header)."""
    headers = {"X-GUploader-UploadID": upload.id}
    if upload.received:
        headers["Range"] = f"bytes=0-{upload.received - 1}"
    return Reply(None, status=308, headers=headers)


def _content_range(header: str) -> tuple[int | None, int | None, int | None]:
    """(first, last, total) of `bytes a-b/total`, `bytes a-b/*` or `bytes */total`."""
    match = _RANGE.match(header.strip())
    if match is None:
        raise bad_request("Failed to parse Content-Range header.")
    first, last, size = match.groups()
    return (
        int(first) if first is not None else None,
        int(last) if last is not None else None,
        int(size) if size != "*" else None,
    )


def _chunk(call: DriveCall) -> Reply:
    upload = _session(call)
    ctx = Context(call)
    if upload.completed_file_id:
        # Asked again after the last byte (the final answer was lost): Google answers with the file.
        return ctx.reply(ctx.access.find(upload.completed_file_id))
    media = call.media or Spool()
    header = call.request.headers.get("content-range")
    first: int | None
    last: int | None
    total: int | None
    if header is None:
        # No Content-Range: this request carries the whole content, replacing anything sent before.
        content.discard(call.session, call.tenant.id, upload.blob_id)
        upload.received = 0
        first, last, total = (0, media.size - 1, media.size) if media.size else (None, None, 0)
    else:
        first, last, total = _content_range(header)
    if total is None:
        total = upload.total
    elif upload.total is not None and total != upload.total:
        raise bad_request("The Content-Range total does not match the X-Upload-Content-Length of the session.")
    if total is not None and total > call.runtime.settings.max_upload_bytes:
        raise too_large()
    if first is None or last is None:
        if media.size:
            raise bad_request("Failed to parse Content-Range header.")  # `bytes */n` carries no bytes
    elif last - first + 1 != media.size:
        raise bad_request("The Content-Range does not match the number of bytes sent.")
    elif total is not None and last >= total:
        raise bad_request("The Content-Range ends beyond the total size of the upload.")
    elif first != upload.received:
        return _incomplete(upload)  # a gap or an overlap: the client resends from what the twin has
    elif media.size:
        if upload.received + media.size > call.runtime.settings.max_upload_bytes:
            raise too_large()
        content.append(call.session, call.tenant.id, upload.blob_id, upload.received, media.rewound())
        upload.received += media.size
    upload.total = total
    call.session.add(upload)
    if total is None or upload.received < total:
        return _incomplete(upload)
    return _complete(call, ctx, upload, media if first == 0 and media.size == total else None)


def _complete(call: DriveCall, ctx: Context, upload: UploadSession, whole: Spool | None) -> Reply:
    """The last byte arrived: the session's blob becomes the file's content."""
    # Hashed as it streamed in when one request carried everything; else read back piece by piece.
    digest = whole.digest if whole is not None else content.digest(call.session, call.tenant.id, upload.blob_id)
    blob = digest.blob(upload.blob_id)
    if upload.method == "drive.files.create":
        file = create_file(ctx, dict(upload.metadata_ or {}), blob, upload.mime_type)
    else:
        target = ctx.access.find(upload.file_id)
        file = update_file(ctx, target, dict(upload.metadata_ or {}), blob, upload.mime_type)
    upload.completed_file_id, upload.blob_id = file.id, ""
    call.session.add(upload)
    return ctx.reply(file)


@route("PUT", "/upload/drive/v3/files", "drive.files.create", receive=receive)
def resume_create(call: DriveCall) -> Reply:
    return _chunk(call)


@route("PUT", "/upload/drive/v3/files/{fileId}", "drive.files.update", receive=receive)
def resume_update(call: DriveCall) -> Reply:
    return _chunk(call)
