"""Drive resources on the wire: `drive#file`, `drive#permission`, `drive#user`.

Handlers return whole resources; the dispatcher cuts them to `fields` (or the method's
default selection, which for Drive v3 is small: `kind,id,name,mimeType` for a file).
"""

from __future__ import annotations

from typing import Any

from services.gdrive.call import DriveCall
from services.gdrive.domain.access import COMMENTER, OWNER, RANK, WRITER, Access
from services.gdrive.domain.items import FOLDER, GOOGLE_APPS
from services.gdrive.models import File, Permission, User
from services.gdrive.timefmt import rfc3339

FILE_DEFAULT = "kind,id,name,mimeType"
FILE_LIST_DEFAULT = "kind,nextPageToken,incompleteSearch,files(kind,id,name,mimeType)"
PERMISSION_DEFAULT = "kind,id,type,role"
PERMISSION_LIST_DEFAULT = "kind,nextPageToken,permissions(kind,id,type,emailAddress,role,domain,allowFileDiscovery)"
ICON = "https://drive-thirdparty.googleusercontent.com/16/type/"
IDENTITY_KEYS = frozenset({"kind", "id", "name", "mimeType"})  # what a file shows without further reads


class People:
    """The domain's users as a request renders them: each read once, by primary key."""

    def __init__(self, call: DriveCall) -> None:
        self.call = call
        self.by_id: dict[str, User | None] = {}
        self.me = call.user.id

    def user(self, user_id: str) -> dict[str, Any] | None:
        if not user_id:
            return None
        if user_id not in self.by_id:
            self.by_id[user_id] = self.call.session.get(User, (self.call.tenant.id, user_id))
        user = self.by_id[user_id]
        if user is None:
            return None
        return {
            "kind": "drive#user",
            "displayName": user.display_name,
            "me": user.id == self.me,
            "permissionId": user.permission_id,
            "emailAddress": user.email,
        }


def permission(row: Permission, inherited_from: str | None = None) -> dict[str, Any]:
    body: dict[str, Any] = {"kind": "drive#permission", "id": row.id, "type": row.type, "role": row.role}
    if row.type in ("user", "group"):
        body["emailAddress"] = row.email
    if row.type == "domain":
        body["domain"] = row.domain
    if row.type in ("domain", "anyone"):
        body["allowFileDiscovery"] = row.allow_file_discovery
    if row.display_name:
        body["displayName"] = row.display_name
    if row.expiration is not None:
        body["expirationTime"] = rfc3339(row.expiration)
    body["deleted"] = False
    body["pendingOwner"] = row.pending_owner
    if inherited_from is not None:
        body["permissionDetails"] = [
            {"permissionType": "file", "role": row.role, "inheritedFrom": inherited_from, "inherited": True}
        ]
    return body


def effective_permissions(access: Access, file: File) -> list[tuple[Permission, str | None]]:
    """The item's own permissions, then those inherited from folders above (one per grantee, highest role)."""
    chosen: dict[tuple[str, str], tuple[Permission, str | None]] = {}
    order: list[tuple[str, str]] = []
    for item in [file, *access.tree.ancestors(file)]:
        for row in access.tree.permissions(item.id):
            if item.id != file.id and row.role == "owner":
                continue  # a folder's owner is not an owner of what is inside
            key = (row.type, row.email.lower() or row.domain.lower())
            inherited = None if item.id == file.id else item.id
            if key not in chosen:
                chosen[key] = (row, inherited)
                order.append(key)
            elif RANK.get(row.role, 0) > RANK.get(chosen[key][0].role, 0):
                chosen[key] = (row, inherited)
    return [chosen[k] for k in order]


def _extension(name: str) -> tuple[str, str]:
    if "." not in name.strip(".") or name.endswith("."):
        return "", ""
    full = name.split(".", 1)[1] if name.count(".") else ""
    return name.rsplit(".", 1)[1], full


def file(call: DriveCall, access: Access, people: People, row: File, wanted: set[str] | None = None) -> dict[str, Any]:
    """The whole resource; `wanted` (the selected top-level keys, None for all) lets costly parts be skipped."""

    def needed(*keys: str) -> bool:
        return wanted is None or "*" in wanted or not wanted.isdisjoint(keys)

    if wanted is not None and wanted <= IDENTITY_KEYS:
        # The default selection and `files(id,name)`: a listing's common case, no access or people needed.
        return {"kind": "drive#file", "id": row.id, "name": row.name, "mimeType": row.mime_type}

    reach = access.reach(row)
    rank = reach.rank
    owner = people.user(row.owner_id)
    is_folder = row.mime_type == FOLDER
    is_google = row.mime_type.startswith(GOOGLE_APPS)
    owned = row.owner_id == access.user.id
    visible_parents = (
        [p for p in row.parents or [] if (f := access.tree.get(p)) is not None and access.rank(f)]
        if needed("parents")
        else []
    )
    perms = effective_permissions(access, row) if needed("shared", "permissions", "permissionIds") else []
    can_share = access.can_share(row) if needed("capabilities", "permissions", "permissionIds") else False
    body: dict[str, Any] = {
        "kind": "drive#file",
        "id": row.id,
        "name": row.name,
        "mimeType": row.mime_type,
        "starred": row.starred,
        "trashed": row.trashed,
        "explicitlyTrashed": row.explicitly_trashed,
        "parents": visible_parents,
        "spaces": ["drive"],
        "version": str(row.version),
        "webViewLink": (
            f"https://drive.google.com/drive/folders/{row.id}"
            if is_folder
            else f"https://drive.google.com/file/d/{row.id}/view?usp=drivesdk"
        ),
        "iconLink": f"{ICON}{row.mime_type}",
        "hasThumbnail": False,
        "thumbnailVersion": "0",
        "viewedByMe": owned,
        "createdTime": rfc3339(row.created),
        "modifiedTime": rfc3339(row.modified),
        "modifiedByMe": row.last_modifying_user_id == access.user.id,
        "owners": [owner] if owner and not row.drive_id else [],
        "shared": any(p.role != "owner" for p, _ in perms),
        "ownedByMe": owned,
        "viewersCanCopyContent": not row.copy_requires_writer_permission,
        "copyRequiresWriterPermission": row.copy_requires_writer_permission,
        "writersCanShare": row.writers_can_share,
        "isAppAuthorized": bool(call.client_id) and row.created_by_client == call.client_id,
        "quotaBytesUsed": str(row.size) if not is_folder and not is_google else "0",
        "capabilities": _capabilities(access, row, rank, owned, is_folder, can_share),
    }
    if row.drive_id:
        # Shared drive items have no owners; the drive holds them (Drive omits `owners` there).
        body["driveId"] = row.drive_id
        body["teamDriveId"] = row.drive_id
        del body["owners"]
    if owned:
        body["viewedByMeTime"] = rfc3339(row.modified)
        body["modifiedByMeTime"] = rfc3339(row.modified)
    if reach.direct and not owned:
        body["sharedWithMeTime"] = rfc3339(row.created)
    last = people.user(row.last_modifying_user_id)
    if last is not None:
        body["lastModifyingUser"] = last
    if row.description:
        body["description"] = row.description
    if row.properties:
        body["properties"] = dict(row.properties)
    if row.app_properties and row.created_by_client == call.client_id:
        body["appProperties"] = dict(row.app_properties)
    if row.trashed and row.trashed_time is not None:
        body["trashedTime"] = rfc3339(row.trashed_time)
        trashing = people.user(row.trashing_user_id)
        if trashing is not None:
            body["trashingUser"] = trashing
    if is_folder:
        body["folderColorRgb"] = "#8f8f8f"
    elif not is_google:
        short, full = _extension(row.name if not row.original_filename else row.original_filename)
        body.update(
            {
                "webContentLink": f"https://drive.google.com/uc?id={row.id}&export=download",
                "size": str(row.size),
                "md5Checksum": row.md5 or "d41d8cd98f00b204e9800998ecf8427e",
                "sha1Checksum": row.sha1 or "da39a3ee5e6b4b0d3255bfef95601890afd80709",
                "sha256Checksum": row.sha256 or "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
                "originalFilename": row.original_filename or row.name,
                "headRevisionId": row.head_revision_id or "0B" + row.id[1:50],
            }
        )
        if short:
            body["fileExtension"] = short
            body["fullFileExtension"] = full
    if can_share:
        body["permissions"] = [permission(p, inherited) for p, inherited in perms]
        body["permissionIds"] = [p.id for p, _ in perms]
    return body


def _capabilities(access: Access, row: File, rank: int, owned: bool, is_folder: bool, can_share: bool) -> dict:
    writer = rank >= WRITER
    can_copy = not is_folder and (rank >= WRITER or not row.copy_requires_writer_permission)
    return {
        "canAddChildren": is_folder and writer,
        "canChangeCopyRequiresWriterPermission": writer,
        "canChangeViewersCanCopyContent": writer,
        "canComment": rank >= COMMENTER,
        "canCopy": can_copy,
        "canDelete": owned or (bool(row.drive_id) and rank >= RANK["organizer"]),
        "canDownload": not row.copy_requires_writer_permission or writer,
        "canEdit": writer,
        "canListChildren": is_folder,
        "canModifyContent": writer,
        "canMoveItemWithinDrive": writer,
        "canReadRevisions": writer,
        "canRemoveChildren": is_folder and writer,
        "canRename": writer,
        "canShare": can_share,
        "canTrash": owned or (bool(row.drive_id) and rank >= RANK["fileOrganizer"]),
        "canUntrash": owned or (bool(row.drive_id) and rank >= RANK["fileOrganizer"]),
        "canModifyLabels": False,
        "canReadLabels": False,
        "canAcceptOwnership": False,
        "canRemoveMyDriveParent": owned or rank >= OWNER,
    }
