"""Drive v3 `permissions`: create, list, get, update, delete (on items the caller can see)."""

from __future__ import annotations

from typing import Any

from services.gdrive import render
from services.gdrive.api.files import Context
from services.gdrive.call import DriveCall, Reply
from services.gdrive.domain import sharing
from services.gdrive.endpoint import route
from services.gdrive.errors import permission_not_found
from services.gdrive.models import File, Permission


def _found(ctx: Context, file: File, permission_id: str) -> tuple[Permission, str | None]:
    for row, inherited in render.effective_permissions(ctx.access, file):
        if row.id == permission_id:
            return row, inherited
    raise permission_not_found(permission_id)


def _reply(row: Permission, inherited: str | None = None) -> Reply:
    return Reply(render.permission(row, inherited), default_fields=render.PERMISSION_DEFAULT)


@route("POST", "/drive/v3/files/{fileId}/permissions", "drive.permissions.create")
def create(call: DriveCall) -> Reply:
    ctx = Context(call)
    file = ctx.access.find(call.path["fileId"])
    call.flag("sendNotificationEmail", True)  # accepted and validated; the twin sends no email
    permission = sharing.create(ctx.access, file, call.body_object(), call.flag("transferOwnership"))
    return _reply(permission)


@route("GET", "/drive/v3/files/{fileId}/permissions", "drive.permissions.list")
def list_permissions(call: DriveCall) -> Reply:
    ctx = Context(call)
    file = ctx.access.find(call.path["fileId"])
    call.int_param("pageSize", 100, 1, 100)
    rows = render.effective_permissions(ctx.access, file)
    body: dict[str, Any] = {
        "kind": "drive#permissionList",
        "permissions": [render.permission(row, inherited) for row, inherited in rows],
    }
    return Reply(body, default_fields=render.PERMISSION_LIST_DEFAULT)


@route("GET", "/drive/v3/files/{fileId}/permissions/{permissionId}", "drive.permissions.get")
def get(call: DriveCall) -> Reply:
    ctx = Context(call)
    file = ctx.access.find(call.path["fileId"])
    row, inherited = _found(ctx, file, call.path["permissionId"])
    return _reply(row, inherited)


def _own(ctx: Context, file: File, permission_id: str) -> Permission:
    row, inherited = _found(ctx, file, permission_id)
    if inherited is not None:
        raise sharing.sharing_error("This permission is inherited from a parent folder; change it there.")
    return row


@route("PATCH", "/drive/v3/files/{fileId}/permissions/{permissionId}", "drive.permissions.update")
def update(call: DriveCall) -> Reply:
    ctx = Context(call)
    file = ctx.access.find(call.path["fileId"])
    row = _own(ctx, file, call.path["permissionId"])
    updated = sharing.update(
        ctx.access, file, row, call.body_object(), call.flag("transferOwnership"), call.flag("removeExpiration")
    )
    return _reply(updated)


@route("DELETE", "/drive/v3/files/{fileId}/permissions/{permissionId}", "drive.permissions.delete")
def delete(call: DriveCall) -> Reply:
    ctx = Context(call)
    file = ctx.access.find(call.path["fileId"])
    sharing.delete(ctx.access, file, _own(ctx, file, call.path["permissionId"]))
    return Reply(None, status=204)
