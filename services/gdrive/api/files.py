"""Drive v3 `files`: create, get (metadata and `alt=media`), list, update, copy, delete, emptyTrash."""

from __future__ import annotations

import hashlib
from typing import Any

from sqlmodel import col

from services.core.cursors import InvalidCursor, decode_cursor, encode_cursor
from services.gdrive import render, timefmt
from services.gdrive.call import DriveCall, Reply
from services.gdrive.domain import content, items, metadata
from services.gdrive.domain.access import OWNER, RANK, READER, WRITER, Access
from services.gdrive.domain.content import Blob
from services.gdrive.domain.items import FOLDER, GOOGLE_APPS, Tree
from services.gdrive.domain.search import CORPORA, search
from services.gdrive.endpoint import route
from services.gdrive.errors import (
    GoogleError,
    bad_request,
    forbidden,
    insufficient_file_permissions,
    insufficient_scopes,
    invalid_value,
)
from services.gdrive.ids import file_id
from services.gdrive.models import File
from services.gdrive.scopes import DRIVE

SPACES = ("drive", "appDataFolder", "photos")


class Context:
    """What every files handler needs: the domain's tree, the caller's access, the people."""

    def __init__(self, call: DriveCall) -> None:
        self.call = call
        self.tree = Tree(call.session, call.tenant.id)
        self.access = Access(call, self.tree)
        self._people: render.People | None = None

    @property
    def people(self) -> render.People:
        if self._people is None:
            self._people = render.People(self.call)
        return self._people

    def render(self, file: File, listing: bool = False) -> dict[str, Any]:
        return render.file(self.call, self.access, self.people, file, self._wanted(listing))

    def _wanted(self, listing: bool) -> set[str] | None:
        """The file keys the response will keep (`fields`, or the method's default selection)."""
        selection = self.call.fields
        if selection is None:
            return {"kind", "id", "name", "mimeType"}
        if listing:
            if "files" not in selection:
                return None if "*" in selection else set()
            selection = selection["files"]
        return None if selection is None else set(selection)

    def reply(self, file: File, status: int = 200) -> Reply:
        return Reply(self.render(file), status=status, default_fields=render.FILE_DEFAULT)


# -- shared by the metadata and upload routes -------------------------------------------------
def _parent_folders(ctx: Context, parents: list[str]) -> list[str]:
    if len(parents) > 1:
        raise forbidden("Increasing the number of parents is not allowed.", reason="cannotAddParent")
    resolved = []
    for pid in parents:
        parent = ctx.access.find(pid, location="parents")
        if parent.mime_type != FOLDER:
            raise bad_request("The specified parent is not a folder.", location="parents")
        ctx.access.require(parent, WRITER)
        resolved.append(parent.id)
    return resolved


def create_file(ctx: Context, body: dict[str, Any], blob: Blob | None, media_type: str | None) -> File:
    call = ctx.call
    metadata.check(body)
    parents = _parent_folders(ctx, body.get("parents") or [ctx.access.user.root_folder_id])
    requested_id = body.get("id")
    if requested_id is not None:
        if not isinstance(requested_id, str) or len(requested_id) < 25:
            raise invalid_value("id", "The provided file ID is not usable.")
        if ctx.tree.get(requested_id) is not None:
            raise GoogleError(409, "A file already exists with the provided ID.", "duplicate", location="id")
    now = call.now()
    parent = ctx.tree.get(parents[0]) if parents else None
    drive_id = parent.drive_id if parent is not None else ""
    file = items.create_item(
        call.session,
        call.tenant,
        ctx.access.user,
        drive_id=drive_id,
        name=body.get("name") or items.DEFAULT_NAME,
        mime_type=body.get("mimeType") or media_type or "application/octet-stream",
        parents=parents,
        now=now,
        client_id=call.client_id,
        content=blob,
        file_id=requested_id,
    )
    metadata.apply(file, {k: v for k, v in body.items() if k not in ("name", "mimeType")})
    if body.get("createdTime"):
        file.created = timefmt.parse(body["createdTime"])
    if body.get("modifiedTime"):
        file.modified = timefmt.parse(body["modifiedTime"])
    ctx.tree.put(file, [] if drive_id else [items.owner_permission(call.tenant, file, ctx.access.user, now)])
    return file


def update_file(ctx: Context, file: File, body: dict[str, Any], blob: Blob | None, media_type: str | None) -> File:
    call, access = ctx.call, ctx.access
    metadata.check(body)
    if "parents" in body:
        raise forbidden(
            "The parents field is not directly writable in update requests. Use the addParents and removeParents "
            "parameters instead.",
            reason="fieldNotWritable",
        )
    access.require(file, WRITER)
    if body.get("writersCanShare") is not None and not access.owns(file):
        raise insufficient_file_permissions()
    changed = _move(ctx, file, call.csv("addParents"), call.csv("removeParents"))
    if body.get("trashed") is not None and body["trashed"] != file.trashed:
        if not (access.owns(file) or (file.drive_id and access.rank(file) >= RANK["fileOrganizer"])):
            raise insufficient_file_permissions()
        if body["trashed"]:
            items.trash(ctx.tree, file, access.user, call.now())
        else:
            items.untrash(ctx.tree, file)
    changed = metadata.apply(file, body) or changed
    if blob is not None:
        if file.mime_type == FOLDER:
            raise bad_request("The file cannot have content: it is a folder.")
        items.set_content(call.session, file, blob, call.tenant)
        if media_type and not body.get("mimeType") and not file.mime_type.startswith(GOOGLE_APPS):
            file.mime_type = media_type
        changed = True
    if changed:
        file.version += 1
        file.modified = timefmt.parse(body["modifiedTime"]) if body.get("modifiedTime") else call.now()
        file.last_modifying_user_id = access.user.id
    elif body.get("modifiedTime"):
        file.modified = timefmt.parse(body["modifiedTime"])
    call.session.add(file)
    access.remember(file)
    return file


def _move(ctx: Context, file: File, add: list[str], remove: list[str]) -> bool:
    if not add and not remove:
        return False
    access = ctx.access
    parents = list(file.parents or [])
    for pid in remove:
        resolved = access.resolve_id(pid)
        if resolved in parents:
            parents.remove(resolved)
    for pid in add:
        parent = access.find(pid, location="addParents")
        if parent.mime_type != FOLDER:
            raise bad_request("The specified parent is not a folder.", location="addParents")
        access.require(parent, WRITER)
        if parent.id == file.id or ctx.tree.is_ancestor(file.id, parent):
            raise bad_request("The parent would create a cycle in the folder tree.", location="addParents")
        if parent.drive_id != file.drive_id:
            _change_drive(ctx, file, parent.drive_id)
        if parent.id not in parents:
            parents.append(parent.id)
    if len(parents) > 1:
        raise forbidden("Increasing the number of parents is not allowed.", reason="cannotAddParent")
    changed = parents != (file.parents or [])
    file.parents = parents
    return changed


def _change_drive(ctx: Context, file: File, drive_id: str) -> None:
    """Moving a file into (or out of) a shared drive: the drive owns it (or the mover does)."""
    access = ctx.access
    if file.mime_type == FOLDER:
        raise forbidden(
            "Moving folders into or out of shared drives is not supported.", reason="teamDrivesFolderMoveInNotSupported"
        )
    if not file.drive_id and not access.owns(file):
        raise insufficient_file_permissions()
    if file.drive_id and access.rank(file) < RANK["fileOrganizer"]:
        raise insufficient_file_permissions()
    perms = ctx.tree.permissions(file.id)
    for permission in [p for p in perms if p.role == "owner"]:
        perms.remove(permission)
        ctx.call.session.delete(permission)
    if not drive_id:
        owner = items.owner_permission(ctx.call.tenant, file, access.user, ctx.call.now())
        perms.append(owner)
        ctx.call.session.add(owner)
    file.drive_id = drive_id
    file.owner_id = "" if drive_id else access.user.id


# -- routes ---------------------------------------------------------------------------------
@route("POST", "/drive/v3/files", "drive.files.create")
def create(call: DriveCall) -> Reply:
    ctx = Context(call)
    return ctx.reply(create_file(ctx, call.body_object(), None, None))


@route("GET", "/drive/v3/files/generateIds", "drive.files.generateIds")
def generate_ids(call: DriveCall) -> dict[str, Any]:
    count = call.int_param("count", 10, 1, 1000)
    space = call.query.get("space", "drive")
    return {"kind": "drive#generatedIds", "space": space, "ids": [file_id(call.tenant.ids) for _ in range(count)]}


@route("GET", "/drive/v3/files/{fileId}", "drive.files.get")
def get(call: DriveCall) -> Reply:
    ctx = Context(call)
    file = ctx.access.find(call.path["fileId"])
    if call.query.get("alt") == "media":
        return download(ctx, file)
    return ctx.reply(file)


def download(ctx: Context, file: File) -> Reply:
    call = ctx.call
    if not call.can_read_content:
        raise insufficient_scopes(DRIVE, call.operation)
    if file.mime_type.startswith(GOOGLE_APPS):
        raise forbidden(
            "Only files with binary content can be downloaded. Use Export with Docs Editors files.",
            reason="fileNotDownloadable",
            location="alt",
        )
    if file.copy_requires_writer_permission and ctx.access.rank(file) < WRITER:
        raise forbidden("The user does not have permission to download this file.", reason="cannotDownloadFile")
    return media_reply(call, file.blob_id, file.size, file.md5, file.mime_type)


def media_reply(call: DriveCall, blob_id: str, size: int, md5: str, media_type: str) -> Reply:
    """`alt=media`: the blob streamed piece by piece, or the part a `Range` header asks for (206)."""
    headers = {"Content-Disposition": "attachment", "X-Goog-Hash": f"md5={md5}"}
    first, last, status = 0, size - 1, 200
    wanted = call.request.headers.get("range")
    if wanted:
        span = _range(wanted, size)
        if span is None:
            raise GoogleError(
                416,
                "Request range not satisfiable",
                "requestedRangeNotSatisfiable",
                headers={"Content-Range": f"bytes */{size}"},
            )
        first, last = span
        status = 206
        headers["Content-Range"] = f"bytes {first}-{last}/{size}"
    headers["Content-Length"] = str(last - first + 1)
    pieces = content.plan(call.session, call.tenant.id, blob_id, first, last)
    chunks = content.stream(call.runtime.store, call.tenant.id, blob_id, pieces, first, last)
    return Reply(stream=chunks, status=status, headers=headers, media_type=media_type)


def _range(header: str, size: int) -> tuple[int, int] | None:
    unit, _, spec = header.partition("=")
    if unit.strip().lower() != "bytes" or "," in spec:
        return None
    first, _, last = spec.strip().partition("-")
    try:
        if first == "":
            length = int(last)
            return (max(size - length, 0), size - 1) if length > 0 and size else None
        start = int(first)
        end = int(last) if last else size - 1
    except ValueError:
        return None
    if start >= size or end < start:
        return None
    return start, min(end, size - 1)


@route("GET", "/drive/v3/files", "drive.files.list")
def list_files(call: DriveCall) -> Reply:
    ctx = Context(call)
    page_size = call.int_param("pageSize", 100, 1, 1000)
    corpora = call.query.get("corpora") or call.query.get("corpus") or "user"
    if corpora not in CORPORA and corpora not in ("default",):
        raise invalid_value("corpora")
    drive_id = call.query.get("driveId") or call.query.get("teamDriveId")
    if (corpora == "drive") != bool(drive_id):
        raise forbidden(
            "The driveId parameter must be specified if and only if corpora is set to drive.", reason="invalid"
        )
    all_drives = call.flag("includeItemsFromAllDrives") or call.flag("includeTeamDriveItems")
    if (drive_id or all_drives) and not ctx.access.supports_all_drives:
        raise forbidden(
            "The attempted action requires shared drive support to be enabled. Set supportsAllDrives to true.",
            reason="teamDrivesParameterRequired",
        )
    if drive_id:
        root = ctx.tree.get(drive_id)
        if root is None or root.drive_id != drive_id or ctx.access.rank(root) == 0:
            raise GoogleError(404, f"Shared drive not found: {drive_id}", "notFound", location="driveId")
    spaces = call.csv("spaces") or ["drive"]
    if any(s not in SPACES for s in spaces):
        raise invalid_value("spaces")
    q, order_by = call.query.get("q", ""), call.query.get("orderBy")
    signature = hashlib.sha256(f"{q}\n{order_by}\n{corpora}\n{spaces}".encode()).hexdigest()[:12]
    offset = 0
    token = call.query.get("pageToken")
    if token:
        try:
            position = decode_cursor(token)
        except InvalidCursor:
            raise invalid_value("pageToken") from None
        if position.get("s") != signature or not isinstance(position.get("o"), int):
            raise invalid_value("pageToken")
        offset = position["o"]
    found = (
        search(ctx.access, q, order_by, corpora, drive_id=drive_id or "", all_drives=all_drives)
        if "drive" in spaces
        else []
    )
    page = found[offset : offset + page_size]
    body: dict[str, Any] = {"kind": "drive#fileList", "incompleteSearch": False}
    if offset + page_size < len(found):
        body["nextPageToken"] = encode_cursor({"o": offset + page_size, "s": signature})
    body["files"] = [ctx.render(f, listing=True) for f in page]
    return Reply(body, default_fields=render.FILE_LIST_DEFAULT)


@route("PATCH", "/drive/v3/files/{fileId}", "drive.files.update")
def update(call: DriveCall) -> Reply:
    ctx = Context(call)
    file = ctx.access.find(call.path["fileId"])
    return ctx.reply(update_file(ctx, file, call.body_object(), None, None))


@route("POST", "/drive/v3/files/{fileId}/copy", "drive.files.copy")
def copy(call: DriveCall) -> Reply:
    ctx = Context(call)
    access = ctx.access
    source = access.find(call.path["fileId"])
    if source.mime_type == FOLDER:
        raise forbidden("This file cannot be copied by the user.", reason="cannotCopyFile")
    access.require(source, WRITER if source.copy_requires_writer_permission else READER)
    body = call.body_object()
    metadata.check(body)
    if body.get("parents") is None:
        writable = [p for p in source.parents or [] if (f := ctx.tree.get(p)) is not None and access.rank(f) >= WRITER]
        body = {**body, "parents": writable[:1] or [access.user.root_folder_id]}
    inherited = {
        "name": source.name,
        "mimeType": source.mime_type,
        "description": source.description,
        "properties": dict(source.properties or {}),
    }
    # The copy shares the source's blob: blobs never change, so no bytes need copying.
    copied = create_file(
        ctx, {**inherited, **{k: v for k, v in body.items() if v is not None}}, content.of(source), source.mime_type
    )
    if source.blob_id:
        copied.original_filename = source.original_filename
    return ctx.reply(copied)


@route("DELETE", "/drive/v3/files/{fileId}", "drive.files.delete")
def delete(call: DriveCall) -> Reply:
    ctx = Context(call)
    file = ctx.access.find(call.path["fileId"])
    # A shared drive's items need an organizer (Drive's files.delete reference); My Drive items their owner.
    needed = RANK["organizer"] if file.drive_id else OWNER
    if file.is_root or ctx.access.rank(file) < needed:
        raise insufficient_file_permissions()
    items.delete(ctx.tree, file)
    return Reply(None, status=204)


@route("DELETE", "/drive/v3/files/trash", "drive.files.emptyTrash")
def empty_trash(call: DriveCall) -> Reply:
    ctx = Context(call)
    me = ctx.access.user.id
    doomed = ctx.tree.select(col(File.owner_id) == me, col(File.trashed).is_(True))
    for file in doomed:
        if ctx.tree.get(file.id) is not None:
            items.delete(ctx.tree, file)
    return Reply(None, status=204)
