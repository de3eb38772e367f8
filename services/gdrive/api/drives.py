"""Drive v3 `drives` (shared drives): create, list (with Drive's `q` for drives), get, update,
delete, hide, unhide.

A shared drive is a SharedDrive row plus a root folder (a File with the drive's id) whose
permissions are the drive's members (organizer, fileOrganizer, writer, commenter, reader,
managed through `permissions` on the drive id); everything in the drive inherits them.
"""

from __future__ import annotations

from typing import Any

from sqlmodel import col, select

from services.core.cursors import InvalidCursor, decode_cursor, encode_cursor
from services.gdrive import ids, query, timefmt
from services.gdrive.api.files import Context
from services.gdrive.call import DriveCall, Reply
from services.gdrive.domain import items
from services.gdrive.domain.access import RANK, Access
from services.gdrive.endpoint import route
from services.gdrive.errors import GoogleError, insufficient_file_permissions, invalid_value, required
from services.gdrive.models import File, Permission, SharedDrive

DRIVE_DEFAULT = "kind,id,name"
DRIVE_LIST_DEFAULT = "kind,nextPageToken,drives(kind,id,name)"
ORGANIZER, FILE_ORGANIZER = RANK["organizer"], RANK["fileOrganizer"]
RESTRICTIONS = (
    "adminManagedRestrictions",
    "copyRequiresWriterPermission",
    "domainUsersOnly",
    "driveMembersOnly",
    "sharingFoldersRequiresOrganizerPermission",
)
THEMES = ("abacus", "bok_choy", "beach_ball", "blueprints", "coffee", "crayons", "colored_pencils")
THEME_COLORS = {
    "abacus": "#2f9a50",
    "bok_choy": "#4986e7",
    "beach_ball": "#f83a22",
    "blueprints": "#4986e7",
    "coffee": "#8f8f8f",
    "crayons": "#ffad46",
    "colored_pencils": "#cca6ac",
}


# -- the `q` of drives.list ----------------------------------------------------------------
DRIVE_TERMS = {"name": {"contains", "=", "!="}, "orgUnitId": {"=", "!="}}
NUMBER_TERMS = {"memberCount", "organizerCount"}


class _DriveParser(query._Parser):
    """Drive's shared-drive search terms: name, hidden, createdTime, memberCount, organizerCount, orgUnitId."""

    def _term(self) -> query.Node:
        field = self.expect("word").text
        op = self.take()
        operator = "contains" if op.kind == "word" and op.text == "contains" else op.text if op.kind == "op" else ""
        value = self.take()
        if field in DRIVE_TERMS and operator in DRIVE_TERMS[field] and value.kind == "string":
            return query.Compare(field, operator, value.text)
        if field == "hidden" and operator in ("=", "!=") and value.text.lower() in ("true", "false"):
            return query.Compare(field, operator, value.text.lower() == "true")
        if field == "createdTime" and operator in query.DATE_OPS and value.kind == "string":
            return query.Compare(field, operator, query.parse_time(value.text))
        if field in NUMBER_TERMS and operator in query.DATE_OPS and value.kind == "number":
            return query.Compare(field, operator, float(value.text))
        raise query.QueryError(f"{field} {operator}")


def parse_drive_query(text: str) -> query.Node | None:
    if not text.strip():
        return None
    try:
        parser = _DriveParser(query.tokenize(text))
        node = parser.query()
        if parser.peek() is not None:
            raise query.QueryError("trailing input")
    except query.QueryError:
        raise invalid_value("q") from None
    return node


def _matches(node: query.Node | None, facts: dict[str, Any]) -> bool:
    if node is None:
        return True
    if isinstance(node, query.BoolOp):
        results = (_matches(n, facts) for n in node.operands)
        return all(results) if node.op == "and" else any(results)
    if isinstance(node, query.Not):
        return not _matches(node.operand, facts)
    if not isinstance(node, query.Compare):
        return False
    actual = facts[node.field]
    if node.op == "contains":
        return query.name_contains(str(actual), str(node.value))
    return query._compare(actual, node.op, node.value)


# -- rendering --------------------------------------------------------------------------------
def members(access: Access, drive_id: str) -> list[Permission]:
    return access.tree.permissions(drive_id)


def render_drive(access: Access, drive: SharedDrive) -> dict[str, Any]:
    root = access.tree.get(drive.id)
    rank = access.rank(root) if root is not None else 0
    organizer = rank >= ORGANIZER
    restrictions = {key: bool((drive.restrictions or {}).get(key, False)) for key in RESTRICTIONS}
    body: dict[str, Any] = {
        "kind": "drive#drive",
        "id": drive.id,
        "name": drive.name,
        "themeId": drive.theme_id,
        "colorRgb": drive.color_rgb,
        "backgroundImageLink": f"https://ssl.gstatic.com/team_drive_themes/{drive.theme_id}_background.jpg",
        "capabilities": {
            "canAddChildren": rank >= RANK["writer"],
            "canChangeCopyRequiresWriterPermissionRestriction": organizer,
            "canChangeDomainUsersOnlyRestriction": organizer,
            "canChangeDownloadRestriction": organizer,
            "canChangeDriveBackground": organizer,
            "canChangeDriveMembersOnlyRestriction": organizer,
            "canChangeSharingFoldersRequiresOrganizerPermissionRestriction": organizer,
            "canComment": rank >= RANK["commenter"],
            "canCopy": rank >= RANK["reader"],
            "canDeleteChildren": organizer,
            "canDeleteDrive": organizer,
            "canDownload": rank >= RANK["reader"],
            "canEdit": rank >= RANK["writer"],
            "canListChildren": rank >= RANK["reader"],
            "canManageMembers": organizer,
            "canReadRevisions": rank >= RANK["commenter"],
            "canRename": rank >= FILE_ORGANIZER,
            "canRenameDrive": organizer,
            "canResetDriveRestrictions": organizer,
            "canShare": rank >= FILE_ORGANIZER,
            "canTrashChildren": rank >= FILE_ORGANIZER,
        },
        "createdTime": timefmt.rfc3339(drive.created),
        "hidden": drive.hidden,
        "restrictions": restrictions,
    }
    return body


# -- lookups ----------------------------------------------------------------------------------
def _admin_access(call: DriveCall) -> bool:
    if call.flag("useDomainAdminAccess"):
        if not call.user.is_admin:
            raise GoogleError(
                403,
                "The user does not have sufficient permissions for this request. Domain administrator access is "
                "required.",
                "insufficientAdministratorPrivileges",
            )
        return True
    return False


def drive_not_found(drive_id: str) -> GoogleError:
    return GoogleError(404, f"Shared drive not found: {drive_id}", "notFound", location="driveId")


def find_drive(ctx: Context, drive_id: str, admin: bool = False) -> tuple[SharedDrive, File]:
    drive = ctx.call.session.get(SharedDrive, (ctx.call.tenant.id, drive_id))
    root = ctx.tree.get(drive_id)
    if drive is None or root is None or (not admin and ctx.access.rank(root) == 0):
        raise drive_not_found(drive_id)
    return drive, root


def _reply(ctx: Context, drive: SharedDrive) -> Reply:
    return Reply(render_drive(ctx.access, drive), default_fields=DRIVE_DEFAULT)


def _apply(drive: SharedDrive, root: File, body: dict[str, Any]) -> None:
    name = body.get("name")
    if name is not None:
        if not isinstance(name, str) or not name.strip():
            raise invalid_value("name")
        drive.name = root.name = name
    theme = body.get("themeId")
    if theme is not None:
        if theme not in THEMES:
            raise invalid_value("themeId")
        drive.theme_id, drive.color_rgb = theme, THEME_COLORS[theme]
    color = body.get("colorRgb")
    if color is not None:
        if not isinstance(color, str) or len(color) != 7 or not color.startswith("#"):
            raise invalid_value("colorRgb")
        drive.color_rgb = color.lower()
    restrictions = body.get("restrictions")
    if restrictions is not None:
        if not isinstance(restrictions, dict) or any(
            k not in RESTRICTIONS and k != "downloadRestriction" for k in restrictions
        ):
            raise invalid_value("restrictions")
        drive.restrictions = {
            **(drive.restrictions or {}),
            **{k: bool(v) for k, v in restrictions.items() if k in RESTRICTIONS},
        }


# -- routes -------------------------------------------------------------------------------------
@route("POST", "/drive/v3/drives", "drive.drives.create")
def create(call: DriveCall) -> Reply:
    ctx = Context(call)
    request_id = call.query.get("requestId")
    if not request_id:
        raise required("requestId")
    body = call.body_object()
    if not isinstance(body.get("name"), str) or not body["name"].strip():
        raise GoogleError(400, "Required: name", "required", location="name", location_type="other")
    earlier = call.session.exec(
        select(SharedDrive).where(SharedDrive.tenant_id == call.tenant.id, SharedDrive.request_id == request_id)
    ).first()
    if earlier is not None and earlier.creator_id == call.user.id:
        raise GoogleError(409, "A shared drive with this request ID already exists.", "duplicate")
    now = call.now()
    drive_id = ids.root_folder_id(call.tenant.ids)
    drive = SharedDrive(
        tenant_id=call.tenant.id,
        id=drive_id,
        seq=call.next_seq("drive"),
        name=body["name"],
        request_id=request_id,
        creator_id=call.user.id,
        theme_id=THEMES[0],
        color_rgb=THEME_COLORS[THEMES[0]],
        restrictions={},
        created=now,
    )
    root = File(
        tenant_id=call.tenant.id,
        id=drive_id,
        seq=0,
        name=body["name"],
        mime_type=items.FOLDER,
        parents=[],
        is_root=True,
        drive_id=drive_id,
        created=now,
        modified=now,
        last_modifying_user_id=call.user.id,
        properties={},
        app_properties={},
    )
    organizer = items.owner_permission(call.tenant, root, call.user, now)
    organizer.role = "organizer"
    call.session.add(drive)
    call.session.add(root)
    call.session.add(organizer)
    ctx.tree.put(root, [organizer])
    _apply(drive, root, {k: v for k, v in body.items() if k != "name"})
    if body.get("hidden") is True:
        drive.hidden = True
    return _reply(ctx, drive)


@route("GET", "/drive/v3/drives", "drive.drives.list")
def list_drives(call: DriveCall) -> Reply:
    ctx = Context(call)
    admin = _admin_access(call)
    size = call.int_param("pageSize", 10, 1, 100)
    text = call.query.get("q", "")
    node = parse_drive_query(text)
    offset = 0
    token = call.query.get("pageToken")
    if token:
        try:
            position = decode_cursor(token)
        except InvalidCursor:
            raise invalid_value("pageToken") from None
        if position.get("q") != text or not isinstance(position.get("o"), int):
            raise invalid_value("pageToken")
        offset = position["o"]
    rows = call.session.exec(
        select(SharedDrive).where(SharedDrive.tenant_id == call.tenant.id).order_by(col(SharedDrive.seq))
    ).all()
    found = []
    for drive in rows:
        root = ctx.tree.get(drive.id)
        if root is None or (not admin and ctx.access.rank(root) == 0):
            continue
        people = [p for p in members(ctx.access, drive.id)]
        facts = {
            "name": drive.name,
            "hidden": drive.hidden,
            "createdTime": round(drive.created, 3),
            "memberCount": float(len(people)),
            "organizerCount": float(sum(1 for p in people if p.role == "organizer")),
            "orgUnitId": "",
        }
        if _matches(node, facts):
            found.append(drive)
    page = found[offset : offset + size]
    body: dict[str, Any] = {"kind": "drive#driveList"}
    if offset + size < len(found):
        body["nextPageToken"] = encode_cursor({"o": offset + size, "q": text})
    body["drives"] = [render_drive(ctx.access, d) for d in page]
    return Reply(body, default_fields=DRIVE_LIST_DEFAULT)


@route("GET", "/drive/v3/drives/{driveId}", "drive.drives.get")
def get(call: DriveCall) -> Reply:
    ctx = Context(call)
    drive, _root = find_drive(ctx, call.path["driveId"], _admin_access(call))
    return _reply(ctx, drive)


@route("PATCH", "/drive/v3/drives/{driveId}", "drive.drives.update")
def update(call: DriveCall) -> Reply:
    ctx = Context(call)
    admin = _admin_access(call)
    drive, root = find_drive(ctx, call.path["driveId"], admin)
    if not admin and ctx.access.rank(root) < ORGANIZER:
        raise insufficient_file_permissions()
    body = call.body_object()
    _apply(drive, root, body)
    if isinstance(body.get("hidden"), bool):
        drive.hidden = body["hidden"]
    call.session.add(drive)
    call.session.add(root)
    return _reply(ctx, drive)


@route("DELETE", "/drive/v3/drives/{driveId}", "drive.drives.delete")
def delete(call: DriveCall) -> Reply:
    ctx = Context(call)
    admin = _admin_access(call)
    drive, root = find_drive(ctx, call.path["driveId"], admin)
    if not admin and ctx.access.rank(root) < ORGANIZER:
        raise insufficient_file_permissions()
    contents = ctx.tree.descendants(root)
    if contents and not (admin and call.flag("allowItemDeletion")):
        # Drive refuses while the drive holds items ("This resource cannot be deleted because it has children").
        raise GoogleError(
            403, "This resource cannot be deleted because it has children.", "cannotDeleteResourceWithChildren"
        )
    ctx.tree.remove([*contents, root])
    call.session.delete(drive)
    return Reply(None, status=204)


def _set_hidden(call: DriveCall, hidden: bool) -> Reply:
    ctx = Context(call)
    drive, _root = find_drive(ctx, call.path["driveId"])
    drive.hidden = hidden
    call.session.add(drive)
    return _reply(ctx, drive)


@route("POST", "/drive/v3/drives/{driveId}/hide", "drive.drives.hide")
def hide(call: DriveCall) -> Reply:
    return _set_hidden(call, True)


@route("POST", "/drive/v3/drives/{driveId}/unhide", "drive.drives.unhide")
def unhide(call: DriveCall) -> Reply:
    return _set_hidden(call, False)
