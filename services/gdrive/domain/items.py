"""Drive items: creation, content, the folder tree, trash and deletion. No HTTP here."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from typing import Any

from sqlalchemy.orm import defer
from sqlmodel import Session, col, select

from services.core.tenants import Tenant
from services.gdrive import ids
from services.gdrive.models import Counter, File, FileAccess, Permission, User

FOLDER = "application/vnd.google-apps.folder"
GOOGLE_APPS = "application/vnd.google-apps."
DEFAULT_NAME = "Untitled"


def _next_seq(session: Session, tenant_id: str) -> int:
    counter = session.get(Counter, (tenant_id, "file"))
    if counter is None:
        counter = Counter(tenant_id=tenant_id, name="file", value=0)
    counter.value += 1
    session.add(counter)
    return counter.value


def owner_permission(tenant: Tenant, file: File, owner: User, now: float) -> Permission:
    return Permission(
        tenant_id=tenant.id,
        file_id=file.id,
        id=owner.permission_id,
        seq=0,
        type="user",
        role="owner",
        email=owner.email,
        display_name=owner.display_name,
        created=now,
    )


def create_root(session: Session, tenant: Tenant, user: User) -> File:
    """A user's My Drive: the folder `root` stands for."""
    now = tenant.clock.time()
    root = File(
        tenant_id=tenant.id,
        id=ids.root_folder_id(tenant.ids),
        seq=_next_seq(session, tenant.id),
        name="My Drive",
        mime_type=FOLDER,
        parents=[],
        owner_id=user.id,
        is_root=True,
        created=now,
        modified=now,
        last_modifying_user_id=user.id,
    )
    user.root_folder_id = root.id
    session.add(root)
    session.add(owner_permission(tenant, root, user, now))
    return root


def set_content(file: File, content: bytes, tenant: Tenant) -> None:
    file.content = content
    file.md5 = hashlib.md5(content).hexdigest()
    file.sha1 = hashlib.sha1(content).hexdigest()
    file.sha256 = hashlib.sha256(content).hexdigest()
    file.head_revision_id = "0B" + tenant.ids.draw(49, ids.URL_SAFE)


def create_item(
    session: Session,
    tenant: Tenant,
    owner: User,
    *,
    name: str,
    mime_type: str,
    parents: list[str],
    now: float,
    client_id: str,
    content: bytes | None = None,
    file_id: str | None = None,
    extra: dict[str, Any] | None = None,
) -> File:
    file = File(
        tenant_id=tenant.id,
        id=file_id or ids.file_id(tenant.ids),
        seq=_next_seq(session, tenant.id),
        name=name,
        mime_type=mime_type,
        parents=parents,
        owner_id=owner.id,
        created=now,
        modified=now,
        last_modifying_user_id=owner.id,
        created_by_client=client_id,
        properties={},
        app_properties={},
        **(extra or {}),
    )
    if content is not None:
        set_content(file, content, tenant)
        file.original_filename = name
    session.add(file)
    session.add(owner_permission(tenant, file, owner, now))
    if client_id:
        session.add(FileAccess(tenant_id=tenant.id, client_id=client_id, file_id=file.id))
    return file


class Tree:
    """Every item and permission of a domain (content not loaded), for access and search."""

    def __init__(self, session: Session, tenant_id: str) -> None:
        self.session = session
        self.tenant_id = tenant_id
        rows = session.exec(
            select(File).where(File.tenant_id == tenant_id).options(defer(File.content))  # type: ignore[arg-type]
        ).all()
        self.files: dict[str, File] = {f.id: f for f in rows}
        self.permissions: dict[str, list[Permission]] = {}
        for p in session.exec(
            select(Permission).where(Permission.tenant_id == tenant_id).order_by(col(Permission.seq))
        ).all():
            self.permissions.setdefault(p.file_id, []).append(p)

    def get(self, file_id: str) -> File | None:
        return self.files.get(file_id)

    def ancestors(self, file: File) -> list[File]:
        """Parents, grandparents ...: each once, nearest first."""
        found: list[File] = []
        seen = {file.id}
        frontier = list(file.parents or [])
        while frontier:
            pid = frontier.pop(0)
            if pid in seen:
                continue
            seen.add(pid)
            parent = self.files.get(pid)
            if parent is not None:
                found.append(parent)
                frontier.extend(parent.parents or [])
        return found

    def children(self, folder_id: str) -> list[File]:
        return [f for f in self.files.values() if folder_id in (f.parents or [])]

    def descendants(self, folder: File) -> list[File]:
        found: list[File] = []
        seen = {folder.id}
        frontier = [folder.id]
        while frontier:
            current = frontier.pop()
            for child in self.children(current):
                if child.id not in seen:
                    seen.add(child.id)
                    found.append(child)
                    frontier.append(child.id)
        return found

    def is_ancestor(self, candidate: str, of: File) -> bool:
        return any(a.id == candidate for a in self.ancestors(of))

    def remove(self, files: Iterable[File]) -> None:
        for file in files:
            self.files.pop(file.id, None)
            for permission in self.permissions.pop(file.id, []):
                self.session.delete(permission)
            for access in self.session.exec(
                select(FileAccess).where(FileAccess.tenant_id == self.tenant_id, FileAccess.file_id == file.id)
            ).all():
                self.session.delete(access)
            self.session.delete(file)


def trash(tree: Tree, file: File, user: User, now: float) -> None:
    """Trash an item and (implicitly) everything under it."""
    file.trashed, file.explicitly_trashed = True, True
    file.trashed_time, file.trashing_user_id = now, user.id
    tree.session.add(file)
    for child in tree.descendants(file):
        if not child.trashed:
            child.trashed, child.explicitly_trashed = True, False
            child.trashed_time, child.trashing_user_id = now, user.id
            tree.session.add(child)


def untrash(tree: Tree, file: File) -> None:
    file.trashed, file.explicitly_trashed, file.trashed_time, file.trashing_user_id = False, False, None, ""
    tree.session.add(file)
    for child in tree.descendants(file):
        if child.trashed and not child.explicitly_trashed:
            child.trashed, child.trashed_time, child.trashing_user_id = False, None, ""
            tree.session.add(child)


def delete(tree: Tree, file: File) -> None:
    """Delete permanently; a folder takes the descendants its owner owns, others lose that parent."""
    doomed = [file]
    for child in tree.descendants(file):
        if child.owner_id == file.owner_id:
            doomed.append(child)
    doomed_ids = {f.id for f in doomed}
    for other in tree.files.values():
        if other.id not in doomed_ids and set(other.parents or []) & doomed_ids:
            other.parents = [p for p in other.parents or [] if p not in doomed_ids]
            tree.session.add(other)
    tree.remove(doomed)
