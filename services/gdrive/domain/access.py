"""Who reaches which item, and with which role: Drive's sharing model for My Drive items.

A caller's role on an item is the highest role any matching permission grants, on the item
or on any folder above it (permissions on a folder are inherited by everything inside).
A permission matches a user by email, a group through its members, a domain by the user's
domain, and `anyone` always. An item the caller has no role on does not exist for them:
Drive answers 404 `File not found`, never 403. A token holding only `drive.file` reaches
only the items its own OAuth client created or opened.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import select

from services.gdrive.call import DriveCall
from services.gdrive.domain.items import Tree
from services.gdrive.errors import file_not_found, insufficient_file_permissions
from services.gdrive.models import File, FileAccess, Group, Permission, User

RANK = {"reader": 1, "commenter": 2, "writer": 3, "fileOrganizer": 4, "organizer": 5, "owner": 6}
ROLES = tuple(RANK)
READER, COMMENTER, WRITER, OWNER = 1, 2, 3, 6


@dataclass(frozen=True)
class Reach:
    """What the caller has on one item."""

    rank: int  # 0: no access
    listed: bool  # found by searches in the user corpus (owned, or shared with the user or a group)
    discoverable: bool  # found by searches in the domain corpus
    direct: bool  # shared with the user or a group on the item itself (not inherited)


class Access:
    def __init__(self, call: DriveCall, tree: Tree, as_user: User | None = None) -> None:
        """`as_user`: judge for another user of the domain (with full Drive scope), e.g. a channel's owner."""
        self.call = call
        self.tree = tree
        self.user = as_user or call.user
        self.app_only = call.app_only if as_user is None else False
        self.email = self.user.email.lower()
        self.domain = self.email.rsplit("@", 1)[-1]
        self.now = call.now()
        groups = call.session.exec(select(Group).where(Group.tenant_id == call.tenant.id)).all()
        self.groups = {g.email.lower() for g in groups if self.email in {m.lower() for m in g.members or []}}
        self._app_files: set[str] | None = None

    # -- matching ----------------------------------------------------------------------
    def matches(self, permission: Permission) -> bool:
        if permission.expiration is not None and permission.expiration <= self.now:
            return False
        if permission.type == "user":
            return permission.email.lower() == self.email
        if permission.type == "group":
            return permission.email.lower() in self.groups
        if permission.type == "domain":
            return permission.domain.lower() == self.domain
        return permission.type == "anyone"

    def app_visible(self, file: File) -> bool:
        if not self.app_only or file.id == self.user.root_folder_id:
            return True  # drive.file apps may still create items in My Drive
        if self._app_files is None:
            rows = self.call.session.exec(
                select(FileAccess.file_id).where(
                    FileAccess.tenant_id == self.call.tenant.id, FileAccess.client_id == self.call.client_id
                )
            ).all()
            self._app_files = set(rows)
        return file.id in self._app_files

    def reach(self, file: File) -> Reach:
        if not self.app_visible(file):
            return Reach(0, False, False, False)
        rank, listed, discoverable, direct = 0, False, False, False
        for position, item in enumerate([file, *self.tree.ancestors(file)]):
            for permission in self.tree.permissions(item.id):
                if not self.matches(permission):
                    continue
                rank = max(rank, RANK.get(permission.role, 0))
                if permission.type in ("user", "group"):
                    listed = True
                    direct = direct or (position == 0 and permission.role != "owner")
                elif permission.allow_file_discovery:
                    discoverable = True
        return Reach(rank, listed, discoverable or listed, direct)

    def rank(self, file: File) -> int:
        return self.reach(file).rank

    # -- lookups that hide what the caller cannot see ----------------------------------------
    def resolve_id(self, file_id: str) -> str:
        return self.user.root_folder_id if file_id == "root" else file_id

    def find(self, file_id: str, *, location: str = "fileId") -> File:
        """The item, if the caller can see it; else Drive's 404."""
        file = self.tree.get(self.resolve_id(file_id))
        if file is None or self.rank(file) < READER or (file.drive_id and not self.supports_all_drives):
            # Shared drive items exist only for callers that declare supportsAllDrives, as at Google.
            raise file_not_found(file_id, location)
        return file

    @property
    def supports_all_drives(self) -> bool:
        return self.call.flag("supportsAllDrives") or self.call.flag("supportsTeamDrives")

    def require(self, file: File, minimum: int) -> None:
        if self.rank(file) < minimum:
            raise insufficient_file_permissions()

    def owns(self, file: File) -> bool:
        return file.owner_id == self.user.id

    def can_share(self, file: File) -> bool:
        rank = self.rank(file)
        if file.drive_id:  # shared drives: organizers manage members, contributors share items
            return rank >= (RANK["organizer"] if file.id == file.drive_id else WRITER)
        return rank >= OWNER or (rank >= WRITER and file.writers_can_share)

    def remember(self, file: File) -> None:
        """The caller's OAuth client has now opened/created this item (what drive.file reaches)."""
        client = self.call.client_id
        if client and self.call.session.get(FileAccess, (self.call.tenant.id, client, file.id)) is None:
            self.call.session.add(FileAccess(tenant_id=self.call.tenant.id, client_id=client, file_id=file.id))
            if self._app_files is not None:
                self._app_files.add(file.id)
