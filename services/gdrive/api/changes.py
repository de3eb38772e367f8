"""Drive v3 `changes` (getStartPageToken, list, watch), `files.watch` and `channels.stop`.

The log itself is written by domain/changes.py; this module reads it for one user. Page
tokens are change sequence numbers as decimal strings, as Drive's are: getStartPageToken
answers the next number, and a list that reaches the end of the log answers
`newStartPageToken` instead of `nextPageToken`.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import func
from sqlmodel import col, select

from services.gdrive import render, timefmt
from services.gdrive.api.files import Context
from services.gdrive.call import DriveCall, Reply
from services.gdrive.domain import changes as changelog
from services.gdrive.domain.access import Access
from services.gdrive.domain.items import Tree
from services.gdrive.endpoint import route
from services.gdrive.errors import GoogleError, bad_request, invalid_value, required
from services.gdrive.models import Change, Channel, SharedDrive, User

CHANGES_DEFAULT = (
    "kind,nextPageToken,newStartPageToken,"
    "changes(kind,changeType,time,removed,fileId,driveId,file(kind,id,name,mimeType),drive(kind,id,name))"
)
SCAN = 500  # change rows read per query while filling a page
# Channel lifetimes (Drive guide "Notifications for resource changes"): one hour by default,
# at most one day for a file and one week for the changes collection.
DEFAULT_TTL = 3600
MAX_TTL = {"file": 86400, "changes": 604800}


class View:
    """The change log as one user sees it."""

    def __init__(self, call: DriveCall, access: Access, *, drive_id: str = "", all_drives: bool = False) -> None:
        self.call = call
        self.access = access
        self.drive_id = drive_id
        self.all_drives = all_drives or bool(drive_id)
        self.restrict_to_my_drive = False
        self.include_removed = True
        self._people: render.People | None = None

    @property
    def people(self) -> render.People:
        if self._people is None:
            self._people = render.People(self.call)
            self._people.me = self.access.user.id
        return self._people

    def _was_visible(self, change: Change) -> bool:
        access = self.access
        for kind, email, domain in change.grantees or []:
            if kind == "user" and email.lower() == access.email:
                return True
            if kind == "group" and email.lower() in access.groups:
                return True
            if kind == "domain" and domain.lower() == access.domain:
                return True
        former = access.tree.get(change.former_parent) if change.former_parent else None
        return former is not None and access.reach(former).listed

    def _removed(self, change: Change, kind: str) -> dict[str, Any] | None:
        if not self.include_removed or not self._was_visible(change):
            return None
        entry = {"kind": "drive#change", "changeType": kind, "time": timefmt.rfc3339(change.time), "removed": True}
        if kind == "drive":
            entry.update({"driveId": change.file_id})
        else:
            entry["fileId"] = change.file_id
            if change.drive_id:
                entry["driveId"] = change.drive_id
        return entry

    def entry(self, change: Change) -> dict[str, Any] | None:
        """The change as this user sees it, or None when it is none of their business."""
        access = self.access
        file = access.tree.get(change.file_id)
        is_drive = change.kind == "drive" or (file is not None and file.is_root and file.drive_id == file.id)
        if is_drive:
            if self.drive_id or self.restrict_to_my_drive:
                return None
            if file is not None and access.rank(file) > 0:
                drive = self.call.session.get(SharedDrive, (self.call.tenant.id, file.id))
                body: dict[str, Any] = {
                    "kind": "drive#change",
                    "changeType": "drive",
                    "time": timefmt.rfc3339(change.time),
                    "removed": False,
                    "driveId": file.id,
                }
                if drive is not None:
                    from services.gdrive.api.drives import render_drive

                    body["drive"] = render_drive(access, drive)
                return body
            return self._removed(change, "drive")
        drive_of = file.drive_id if file is not None else change.drive_id
        if self.drive_id and drive_of != self.drive_id:
            return None
        if drive_of and (not self.all_drives or self.restrict_to_my_drive):
            return None
        if file is not None and not file.is_root:
            reach = access.reach(file)
            if reach.rank > 0 and (reach.listed or bool(file.drive_id)):
                body = {
                    "kind": "drive#change",
                    "changeType": "file",
                    "time": timefmt.rfc3339(change.time),
                    "removed": False,
                    "fileId": file.id,
                    "file": render.file(self.call, access, self.people, file),
                }
                if file.drive_id:
                    body["driveId"] = file.drive_id
                return body
        return self._removed(change, "file")

    def _superseded(self, row: Change) -> bool:
        """Drive lists an item once, at its latest change: earlier entries of the same item are skipped."""
        latest = self.call.session.exec(
            select(func.max(Change.seq)).where(
                Change.tenant_id == row.tenant_id, Change.file_id == row.file_id, Change.kind == row.kind
            )
        ).one()
        return latest is not None and latest > row.seq

    def page(self, start: int, size: int) -> tuple[list[dict[str, Any]], int | None, int]:
        """Entries from sequence `start`: (entries, next position or None at the end, last sequence)."""
        session, tenant_id = self.call.session, self.call.tenant.id
        last = changelog.last_seq(session, tenant_id)
        entries: list[dict[str, Any]] = []
        position = start
        while position <= last:
            rows = session.exec(
                select(Change)
                .where(Change.tenant_id == tenant_id, col(Change.seq) >= position)
                .order_by(col(Change.seq))
                .limit(SCAN)
            ).all()
            if not rows:
                break
            for row in rows:
                position = row.seq + 1
                if self._superseded(row):
                    continue
                found = self.entry(row)
                if found is not None:
                    entries.append(found)
                    if len(entries) >= size:
                        return entries, (position if position <= last else None), last
        return entries, None, last


def visible_to(call: DriveCall, user: User, recorded: list[Change], drive_id: str) -> bool:
    """Whether any of these changes shows in `user`'s change log (push notifications)."""
    access = Access(call, Tree(call.session, call.tenant.id), as_user=user)
    view = View(call, access, drive_id=drive_id, all_drives=True)
    return any(view.entry(change) is not None for change in recorded)


# -- parameters ------------------------------------------------------------------------------
def _page_token(call: DriveCall) -> int:
    raw = call.query.get("pageToken")
    if raw is None or raw == "":
        raise required("pageToken")
    if not raw.isdigit() or int(raw) < 1:
        raise invalid_value("pageToken")
    return int(raw)


def _drive_scope(call: DriveCall, ctx: Context) -> str:
    drive_id = call.query.get("driveId") or call.query.get("teamDriveId") or ""
    if drive_id:
        if not (call.flag("supportsAllDrives") or call.flag("supportsTeamDrives")):
            raise GoogleError(
                403,
                "The attempted action requires shared drive support to be enabled. Set supportsAllDrives to true.",
                "teamDrivesParameterRequired",
            )
        root = ctx.tree.get(drive_id)
        if root is None or root.drive_id != drive_id or ctx.access.rank(root) == 0:
            raise GoogleError(404, f"Shared drive not found: {drive_id}", "notFound", location="driveId")
    return drive_id


def _view(call: DriveCall, ctx: Context) -> View:
    drive_id = _drive_scope(call, ctx)
    all_drives = call.flag("includeItemsFromAllDrives") or call.flag("includeTeamDriveItems")
    view = View(call, ctx.access, drive_id=drive_id, all_drives=all_drives)
    view.restrict_to_my_drive = call.flag("restrictToMyDrive")
    view.include_removed = call.flag("includeRemoved", True)
    spaces = call.csv("spaces") or ["drive"]
    if any(s not in ("drive", "appDataFolder", "photos") for s in spaces):
        raise invalid_value("spaces")
    return view


# -- routes ------------------------------------------------------------------------------------
@route("GET", "/drive/v3/changes/startPageToken", "drive.changes.getStartPageToken")
def get_start_page_token(call: DriveCall) -> dict[str, Any]:
    ctx = Context(call)
    _drive_scope(call, ctx)
    token = changelog.last_seq(call.session, call.tenant.id) + 1
    return {"kind": "drive#startPageToken", "startPageToken": str(token)}


@route("GET", "/drive/v3/changes", "drive.changes.list")
def list_changes(call: DriveCall) -> Reply:
    ctx = Context(call)
    start = _page_token(call)
    size = call.int_param("pageSize", 100, 1, 1000)
    view = _view(call, ctx)
    entries, following, last = view.page(start, size)
    body: dict[str, Any] = {"kind": "drive#changeList"}
    if following is not None:
        body["nextPageToken"] = str(following)
    else:
        body["newStartPageToken"] = str(last + 1)
    body["changes"] = entries
    return Reply(body, default_fields=CHANGES_DEFAULT)


def _channel(call: DriveCall, kind: str, file_id: str, drive_id: str, resource_uri: str) -> Reply:
    body = call.body_object()
    channel_id, address = body.get("id"), body.get("address")
    if not channel_id or not isinstance(channel_id, str):
        raise GoogleError(400, "Required: id", "required", location="id", location_type="other")
    if body.get("type") not in ("web_hook", "webhook"):
        raise bad_request(f"Invalid value for channel type: {body.get('type')!r}. Use web_hook.", location="type")
    if not address or not isinstance(address, str) or not address.lower().startswith(("https://", "http://")):
        raise bad_request("WebHook callback must be HTTPS: " + str(address or ""), location="address")
    token = body.get("token")
    if token is not None and not isinstance(token, str):
        raise invalid_value("token")
    now_ms = int(call.now() * 1000)
    requested = body.get("expiration")
    ceiling = now_ms + MAX_TTL[kind] * 1000
    expiration = now_ms + DEFAULT_TTL * 1000
    if requested not in (None, ""):
        try:
            expiration = min(int(str(requested)), ceiling)
        except ValueError:
            raise invalid_value("expiration") from None
        if expiration <= now_ms:
            raise bad_request("The expiration time must be in the future.", location="expiration")
    resource_id = call.tenant.ids.draw(27, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")
    params = body.get("params") if isinstance(body.get("params"), dict) else {}
    channel = Channel(
        tenant_id=call.tenant.id,
        resource_id=resource_id,
        id=channel_id,
        kind=kind,
        file_id=file_id,
        drive_id=drive_id,
        user_id=call.user.id,
        address=address,
        token=token or "",
        expiration=expiration,
        resource_uri=resource_uri,
        params={str(k): str(v) for k, v in (params or {}).items()},
        created=call.now(),
    )
    call.session.add(channel)
    notifier = call.runtime.extras.get("push")
    if notifier is not None:
        notifier.send(call.tenant, channel, "sync")
    reply: dict[str, Any] = {
        "kind": "api#channel",
        "id": channel_id,
        "resourceId": resource_id,
        "resourceUri": resource_uri,
        "expiration": str(expiration),
    }
    if token:
        reply["token"] = token
    return Reply(reply)


@route("POST", "/drive/v3/changes/watch", "drive.changes.watch")
def watch_changes(call: DriveCall) -> Reply:
    ctx = Context(call)
    start = _page_token(call)
    view = _view(call, ctx)
    uri = f"{call.base}/drive/v3/changes?alt=json&pageToken={start}"
    if view.drive_id:
        uri += f"&driveId={view.drive_id}&supportsAllDrives=true"
    return _channel(call, "changes", "", view.drive_id, uri)


@route("POST", "/drive/v3/files/{fileId}/watch", "drive.files.watch")
def watch_file(call: DriveCall) -> Reply:
    ctx = Context(call)
    file = ctx.access.find(call.path["fileId"])
    return _channel(call, "file", file.id, file.drive_id, f"{call.base}/drive/v3/files/{file.id}?alt=json")


@route("POST", "/drive/v3/channels/stop", "drive.channels.stop")
def stop_channel(call: DriveCall) -> Reply:
    body = call.body_object()
    channel_id, resource_id = body.get("id"), body.get("resourceId")
    found = None
    if isinstance(resource_id, str) and isinstance(channel_id, str):
        found = call.session.get(Channel, (call.tenant.id, resource_id))
    if found is None or found.id != channel_id or found.user_id != call.user.id:
        raise GoogleError(404, f"Channel '{channel_id}' not found for project '{_project(call)}'", "notFound")
    call.session.delete(found)
    return Reply(None, status=204)


def _project(call: DriveCall) -> str:
    client = call.client_id
    return client.split("-", 1)[0] if "-" in client else client
