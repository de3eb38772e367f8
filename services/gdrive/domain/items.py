"""Drive items: creation, content, the folder tree, trash and deletion. No HTTP here."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlmodel import Session, col, select

from services.core.tenants import Tenant
from services.gdrive import ids
from services.gdrive.domain import content
from services.gdrive.domain.content import Blob
from services.gdrive.models import Counter, File, FileAccess, Permission, Revision, User

FOLDER = "application/vnd.google-apps.folder"
GOOGLE_APPS = "application/vnd.google-apps."
DEFAULT_NAME = "Untitled"
CHUNK = 500  # ids per IN (...) list, well under every database's parameter limit


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


def set_content(session: Session, file: File, blob: Blob, tenant: Tenant) -> None:
    """Point the file at a new blob; the old one goes unless a revision (or a copy) keeps it."""
    previous = file.blob_id
    file.blob_id, file.size = blob.id, blob.size
    file.md5, file.sha1, file.sha256 = blob.md5, blob.sha1, blob.sha256
    file.head_revision_id = "0B" + tenant.ids.draw(49, ids.URL_SAFE)
    if previous and previous != blob.id:
        content.release(session, tenant.id, [previous])


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
    content: Blob | None = None,
    file_id: str | None = None,
    extra: dict[str, Any] | None = None,
    drive_id: str = "",
) -> File:
    """A new item; in a shared drive (`drive_id`) it has no owner: the drive's members hold it."""
    file = File(
        tenant_id=tenant.id,
        id=file_id or ids.file_id(tenant.ids),
        seq=_next_seq(session, tenant.id),
        name=name,
        mime_type=mime_type,
        parents=parents,
        owner_id="" if drive_id else owner.id,
        drive_id=drive_id,
        created=now,
        modified=now,
        last_modifying_user_id=owner.id,
        created_by_client=client_id,
        properties={},
        app_properties={},
        **(extra or {}),
    )
    if content is not None:
        set_content(session, file, content, tenant)
        file.original_filename = name
    session.add(file)
    if not drive_id:
        session.add(owner_permission(tenant, file, owner, now))
    if client_id:
        session.add(FileAccess(tenant_id=tenant.id, client_id=client_id, file_id=file.id))
    return file


class Tree:
    """The domain's items and permissions as one request touches them: loaded on demand, then cached.

    Nothing is loaded up front. An item is read by primary key, a folder's
    children through the `parent_id` index, an item's permissions through the primary key
    prefix (tenant_id, file_id): the cost of a request is proportional to the items it touches
    and their ancestors, not to the size of the domain.
    """

    def __init__(self, session: Session, tenant_id: str) -> None:
        self.session = session
        self.tenant_id = tenant_id
        self._files: dict[str, File | None] = {}
        self._permissions: dict[str, list[Permission]] = {}

    # -- items -----------------------------------------------------------------------------
    def _query(self) -> Any:
        return select(File).where(File.tenant_id == self.tenant_id)

    def get(self, file_id: str) -> File | None:
        if file_id not in self._files:
            found = self.session.exec(self._query().where(File.id == file_id)).first() if file_id else None
            self._files[file_id] = found
        return self._files[file_id]

    def load(self, rows: Iterable[File]) -> list[File]:
        """Cache rows read by a query (the cached object wins: it may carry unflushed changes)."""
        found = []
        for row in rows:
            cached = self._files.get(row.id)
            if cached is None:
                self._files[row.id] = row
                cached = row
            found.append(cached)
        return found

    def select(self, *conditions: Any) -> list[File]:
        """Items matching SQL conditions, in creation order."""
        statement = self._query()
        for condition in conditions:
            statement = statement.where(condition)
        return self.load(self.session.exec(statement.order_by(col(File.seq))).all())

    def put(self, file: File, permissions: list[Permission]) -> None:
        """A new item and its permissions, before they are flushed."""
        self._files[file.id] = file
        self._permissions[file.id] = permissions

    def permissions(self, file_id: str) -> list[Permission]:
        """The item's own permissions in creation order (a cached list: edits go through it)."""
        if file_id not in self._permissions:
            self._permissions[file_id] = list(
                self.session.exec(
                    select(Permission)
                    .where(Permission.tenant_id == self.tenant_id, Permission.file_id == file_id)
                    .order_by(col(Permission.seq))
                ).all()
            )
        return self._permissions[file_id]

    # -- the folder tree -------------------------------------------------------------------
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
            parent = self.get(pid)
            if parent is not None:
                found.append(parent)
                frontier.extend(parent.parents or [])
        return found

    def children(self, folder_id: str) -> list[File]:
        self.session.flush()  # parent_id is written at flush time
        return self.select(File.parent_id == folder_id)

    def descendants(self, folder: File) -> list[File]:
        """Everything below a folder, one query per level of the tree (children of all its folders at once)."""
        self.session.flush()  # parent_id is written at flush time
        found: list[File] = []
        seen = {folder.id}
        level = [folder.id]
        while level:
            following: list[str] = []
            for start in range(0, len(level), CHUNK):
                for child in self.select(col(File.parent_id).in_(level[start : start + CHUNK])):
                    if child.id not in seen:
                        seen.add(child.id)
                        found.append(child)
                        if child.mime_type == FOLDER:
                            following.append(child.id)
            level = following
        return found

    def preload_permissions(self, files: Iterable[File]) -> None:
        """Read the permissions of many items in a few queries (searches evaluate access on each)."""
        wanted = [f.id for f in files if f.id not in self._permissions]
        for start in range(0, len(wanted), CHUNK):
            chunk = wanted[start : start + CHUNK]
            for file_id in chunk:
                self._permissions[file_id] = []
            for row in self.session.exec(
                select(Permission)
                .where(Permission.tenant_id == self.tenant_id, col(Permission.file_id).in_(chunk))
                .order_by(col(Permission.seq))
            ).all():
                self._permissions[row.file_id].append(row)

    def is_ancestor(self, candidate: str, of: File) -> bool:
        return any(a.id == candidate for a in self.ancestors(of))

    def remove(self, files: Iterable[File]) -> None:
        for file in files:
            for permission in self.permissions(file.id):
                self.session.delete(permission)
            self._permissions.pop(file.id, None)
            self._files[file.id] = None
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
    for gone in doomed:
        if gone.mime_type != FOLDER:
            continue
        for other in tree.children(gone.id):
            if other.id not in doomed_ids:
                other.parents = [p for p in other.parents or [] if p not in doomed_ids]
                tree.session.add(other)
    tree.remove(doomed)
    # Revisions go with their file (as in Drive), then the content nothing else shares.
    blobs = {f.blob_id for f in doomed if f.blob_id}
    for gone in doomed:
        if gone.blob_id:
            for revision in tree.session.exec(
                select(Revision).where(Revision.tenant_id == tree.tenant_id, Revision.file_id == gone.id)
            ).all():
                blobs.add(revision.blob_id)
                tree.session.delete(revision)
    content.release(tree.session, tree.tenant_id, blobs)
