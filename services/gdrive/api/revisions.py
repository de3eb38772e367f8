"""Drive v3 `revisions`: list, get (metadata and `alt=media`), update (keepForever), delete.

Revisions are recorded by the change-log hook (domain/changes.py) each time a blob file's
content changes; the newest is the file's head revision and cannot be deleted. Google
Docs editors files keep their revisions elsewhere (Docs/Sheets): their list is empty.
"""

from __future__ import annotations

from typing import Any

from sqlmodel import col, select

from services.core.cursors import InvalidCursor, decode_cursor, encode_cursor
from services.gdrive import timefmt
from services.gdrive.api.files import Context, media_reply
from services.gdrive.call import DriveCall, Reply
from services.gdrive.domain import content
from services.gdrive.domain.access import COMMENTER, WRITER
from services.gdrive.endpoint import route
from services.gdrive.errors import GoogleError, forbidden, insufficient_file_permissions, invalid_value
from services.gdrive.models import File, Revision

REVISION_DEFAULT = "kind,id,mimeType,modifiedTime"
REVISION_LIST_DEFAULT = "kind,nextPageToken,revisions(kind,id,mimeType,modifiedTime)"


def revision_not_found(revision_id: str) -> GoogleError:
    return GoogleError(404, f"Revision not found: {revision_id}.", "notFound", location="revisionId")


def render_revision(ctx: Context, row: Revision) -> dict[str, Any]:
    body: dict[str, Any] = {
        "kind": "drive#revision",
        "id": row.id,
        "mimeType": row.mime_type,
        "modifiedTime": timefmt.rfc3339(row.modified),
        "keepForever": row.keep_forever,
        "published": False,
        "md5Checksum": row.md5,
        "size": str(row.size),
        "originalFilename": row.original_filename,
    }
    last = ctx.people.user(row.user_id)
    if last is not None:
        body["lastModifyingUser"] = last
    return body


def _rows(ctx: Context, file: File) -> list[Revision]:
    return list(
        ctx.call.session.exec(
            select(Revision)
            .where(Revision.tenant_id == ctx.call.tenant.id, Revision.file_id == file.id)
            .order_by(col(Revision.seq))
        ).all()
    )


def _file(ctx: Context) -> File:
    file = ctx.access.find(ctx.call.path["fileId"])
    if ctx.access.rank(file) < COMMENTER:
        # capabilities.canReadRevisions: commenters and above.
        raise insufficient_file_permissions()
    return file


def _one(ctx: Context, file: File) -> tuple[Revision, list[Revision]]:
    wanted = ctx.call.path["revisionId"]
    rows = _rows(ctx, file)
    if wanted == "head" and rows:
        return rows[-1], rows
    for row in rows:
        if row.id == wanted:
            return row, rows
    raise revision_not_found(wanted)


@route("GET", "/drive/v3/files/{fileId}/revisions", "drive.revisions.list")
def list_revisions(call: DriveCall) -> Reply:
    ctx = Context(call)
    file = _file(ctx)
    size = call.int_param("pageSize", 200, 1, 1000)
    offset = 0
    token = call.query.get("pageToken")
    if token:
        try:
            position = decode_cursor(token)
        except InvalidCursor:
            raise invalid_value("pageToken") from None
        if position.get("f") != file.id or not isinstance(position.get("o"), int):
            raise invalid_value("pageToken")
        offset = position["o"]
    rows = _rows(ctx, file)
    body: dict[str, Any] = {"kind": "drive#revisionList"}
    if offset + size < len(rows):
        body["nextPageToken"] = encode_cursor({"o": offset + size, "f": file.id})
    body["revisions"] = [render_revision(ctx, r) for r in rows[offset : offset + size]]
    return Reply(body, default_fields=REVISION_LIST_DEFAULT)


@route("GET", "/drive/v3/files/{fileId}/revisions/{revisionId}", "drive.revisions.get")
def get(call: DriveCall) -> Reply:
    ctx = Context(call)
    file = _file(ctx)
    row, _ = _one(ctx, file)
    if call.query.get("alt") == "media":
        if not call.can_read_content:
            raise forbidden("Insufficient Permission", reason="insufficientPermissions")
        return media_reply(call, row.blob_id, row.size, row.md5, row.mime_type)
    return Reply(render_revision(ctx, row), default_fields=REVISION_DEFAULT)


@route("PATCH", "/drive/v3/files/{fileId}/revisions/{revisionId}", "drive.revisions.update")
def update(call: DriveCall) -> Reply:
    ctx = Context(call)
    file = _file(ctx)
    ctx.access.require(file, WRITER)
    row, _ = _one(ctx, file)
    body = call.body_object()
    if body.get("keepForever") is not None:
        if not isinstance(body["keepForever"], bool):
            raise invalid_value("keepForever")
        row.keep_forever = body["keepForever"]
    call.session.add(row)
    return Reply(render_revision(ctx, row), default_fields=REVISION_DEFAULT)


@route("DELETE", "/drive/v3/files/{fileId}/revisions/{revisionId}", "drive.revisions.delete")
def delete(call: DriveCall) -> Reply:
    ctx = Context(call)
    file = _file(ctx)
    ctx.access.require(file, WRITER)
    row, rows = _one(ctx, file)
    if row is rows[-1]:
        raise GoogleError(400, "The head revision of a file cannot be deleted.", "cannotDeleteHeadRevision")
    call.session.delete(row)
    content.release(call.session, call.tenant.id, [row.blob_id])
    return Reply(None, status=204)
