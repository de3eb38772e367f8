"""The change log (`changes.list`) and content revisions, recorded by whatever writes Drive rows.

A `before_flush` hook watches the session of every Google API request (DriveCall marks it
with `session.info["gdrive_tenant"]`): a File or SharedDrive inserted, modified or deleted,
or a Permission granted, changed or removed, becomes one Change row per item and
transaction (later writes in the same transaction update that row). Files API, uploads,
sharing, Docs and Sheets all write through the session, so none of them can forget to log.
A file whose content hash changes gets a Revision (the content kept, for revisions.get).

Who sees a change is decided when changes.list reads it: the item as the caller can reach
it now, or `removed: true` for a caller that reached it through a permission that is gone
(kept in `grantees`) or through its former folder.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import event, inspect
from sqlmodel import Session

from services.core.tenants import Tenant
from services.gdrive.models import Change, Counter, File, Permission, Revision, SharedDrive

PENDING = "gdrive_changes"
DETAILS = "gdrive_change_details"
TENANT = "gdrive_tenant"
# File attributes whose change a file channel reports in X-Goog-Changed, by Google's category.
CATEGORIES = {
    "md5": "content",
    "parents": "parents",
    "name": "properties",
    "description": "properties",
    "properties": "properties",
    "app_properties": "properties",
    "starred": "properties",
    "mime_type": "properties",
    "writers_can_share": "properties",
}


def _detail(session: Session, file_id: str, state: str | None = None, changed: str | None = None) -> None:
    """What a file channel's message says: the resource state and the X-Goog-Changed categories."""
    details: dict[str, dict[str, Any]] = session.info.setdefault(DETAILS, {})
    entry = details.setdefault(file_id, {"state": None, "changed": set()})
    if state is not None and entry["state"] in (None, "update"):
        entry["state"] = state
    if changed is not None:
        entry["changed"].add(changed)
        entry["state"] = entry["state"] or "update"


def details(session: Session) -> dict[str, dict[str, Any]]:
    found: dict[str, dict[str, Any]] = session.info.pop(DETAILS, {})
    return found


def _file_details(session: Session, row: File) -> None:
    state = inspect(row)
    trashed = state.attrs.trashed.history
    if trashed.has_changes() and trashed.deleted:
        _detail(session, row.id, "trash" if row.trashed else "untrash")
    for attribute, category in CATEGORIES.items():
        if getattr(state.attrs, attribute).history.has_changes():
            _detail(session, row.id, changed=category)
    parents = state.attrs.parents.history
    if parents.has_changes():
        for old in parents.deleted or []:
            for pid in old or []:
                _detail(session, pid, changed="children")
        for pid in row.parents or []:
            _detail(session, pid, changed="children")


def next_value(session: Session, tenant_id: str, name: str) -> int:
    # A counter created earlier in this flush is pending, not yet in the identity map: keep it at hand.
    pending: dict[tuple[str, str], Counter] = session.info.setdefault("gdrive_counters", {})
    counter = pending.get((tenant_id, name)) or session.get(Counter, (tenant_id, name))
    if counter is None:
        counter = Counter(tenant_id=tenant_id, name=name, value=0)
    pending[(tenant_id, name)] = counter
    counter.value += 1
    session.add(counter)
    return counter.value


def last_seq(session: Session, tenant_id: str) -> int:
    counter = session.get(Counter, (tenant_id, "change"))
    return counter.value if counter is not None else 0


def _modified(session: Session, row: Any) -> bool:
    return session.is_modified(row, include_collections=False)


def _note(
    session: Session,
    tenant: Tenant,
    kind: str,
    file_id: str,
    drive_id: str,
    *,
    removed: bool = False,
    grantee: list[str] | None = None,
    former_parent: str = "",
) -> None:
    pending: dict[tuple[str, str], Change] = session.info.setdefault(PENDING, {})
    change = pending.get((kind, file_id))
    if change is None:
        change = Change(
            tenant_id=tenant.id,
            seq=next_value(session, tenant.id, "change"),
            kind=kind,
            file_id=file_id,
            drive_id=drive_id,
            grantees=[],
        )
        pending[(kind, file_id)] = change
    change.time = tenant.clock.time()
    change.removed = change.removed or removed
    change.drive_id = change.drive_id or drive_id
    change.former_parent = change.former_parent or former_parent
    if grantee is not None and grantee not in (change.grantees or []):
        change.grantees = [*(change.grantees or []), grantee]
    session.add(change)


def _revision(session: Session, tenant: Tenant, file: File) -> None:
    if not file.blob_id or not file.md5:
        return
    state = inspect(file)
    if file not in session.new and not state.attrs.md5.history.has_changes():
        return
    session.add(
        Revision(
            tenant_id=tenant.id,
            file_id=file.id,
            id=file.head_revision_id or file.md5,
            seq=next_value(session, tenant.id, "revision"),
            mime_type=file.mime_type,
            modified=file.modified or tenant.clock.time(),
            user_id=file.last_modifying_user_id,
            md5=file.md5,
            size=file.size,
            original_filename=file.original_filename or file.name,
            blob_id=file.blob_id,
        )
    )


def _before_flush(session: Session, _context: Any, _instances: Any) -> None:
    tenant: Tenant | None = session.info.get(TENANT)
    if tenant is None:
        return
    with session.no_autoflush:
        removed_grants: dict[str, list[list[str]]] = {}
        for row in list(session.deleted):
            if isinstance(row, Permission):
                grantee = [row.type, row.email, row.domain]
                removed_grants.setdefault(row.file_id, []).append(grantee)
        for row in list(session.new):
            if isinstance(row, File):
                _revision(session, tenant, row)
                _detail(session, row.id, "add")
                for pid in row.parents or []:
                    _detail(session, pid, changed="children")
                if row.is_root and row.drive_id != row.id:
                    continue  # a user's My Drive
                kind = "drive" if row.is_root else "file"
                _note(session, tenant, kind, row.id, row.drive_id)
            elif isinstance(row, Permission):
                _note(session, tenant, "file", row.file_id, "")
                _detail(session, row.file_id, changed="permissions")
            elif isinstance(row, SharedDrive):
                _note(session, tenant, "drive", row.id, row.id)
        for row in list(session.dirty):
            if isinstance(row, File) and _modified(session, row):
                _revision(session, tenant, row)
                _file_details(session, row)
                kind = "drive" if row.is_root and row.drive_id == row.id else "file"
                if not row.is_root or kind == "drive":
                    _note(session, tenant, kind, row.id, row.drive_id)
            elif isinstance(row, Permission) and _modified(session, row):
                _note(session, tenant, "file", row.file_id, "")
                _detail(session, row.file_id, changed="permissions")
            elif isinstance(row, SharedDrive) and _modified(session, row):
                _note(session, tenant, "drive", row.id, row.id)
        for row in list(session.deleted):
            if isinstance(row, File) and not (row.is_root and row.drive_id != row.id):
                _detail(session, row.id, "remove")
                if row.parent_id:
                    _detail(session, row.parent_id, changed="children")
                kind = "drive" if row.is_root else "file"
                _note(session, tenant, kind, row.id, row.drive_id, removed=True, former_parent=row.parent_id)
                for grantee in removed_grants.pop(row.id, []):
                    _note(session, tenant, kind, row.id, row.drive_id, grantee=grantee)
            elif isinstance(row, SharedDrive):
                _note(session, tenant, "drive", row.id, row.id, removed=True)
        for file_id, grantees in removed_grants.items():
            _detail(session, file_id, changed="permissions")
            for grantee in grantees:
                _note(session, tenant, "file", file_id, "", grantee=grantee)


def taken(session: Session) -> list[Change]:
    """The changes this transaction recorded (read after commit, for push notifications)."""
    pending: dict[tuple[str, str], Change] = session.info.pop(PENDING, {})
    return list(pending.values())


event.listen(Session, "before_flush", _before_flush)
