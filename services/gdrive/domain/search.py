"""files.list: which items a search sees, in which order (query evaluation lives in query.py)."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from sqlalchemy import Select, and_, or_
from sqlmodel import col, select

from services.gdrive import query
from services.gdrive.domain import content
from services.gdrive.domain.access import RANK, WRITER, Access, Reach
from services.gdrive.domain.items import FOLDER
from services.gdrive.domain.narrowing import narrowing
from services.gdrive.errors import bad_request, invalid_value
from services.gdrive.models import File, Permission

ORDER_KEYS = (
    "createdTime",
    "folder",
    "modifiedByMeTime",
    "modifiedTime",
    "name",
    "name_natural",
    "quotaBytesUsed",
    "recency",
    "sharedWithMeTime",
    "starred",
    "viewedByMeTime",
)
CORPORA = ("user", "domain", "drive", "allDrives")
TEXT_TYPES = ("text/", "application/json", "application/xml", "application/javascript")
FULL_TEXT_BYTES = 1024 * 1024  # how much of a text file fullText looks at (the twin's bound, not Drive's)


class ItemSubject:
    """One item as the query evaluator sees it, for one caller."""

    def __init__(self, access: Access, file: File, reach: Reach) -> None:
        self.access = access
        self.file = file
        self.reach = reach

    def _owned(self) -> bool:
        return self.file.owner_id == self.access.user.id

    def text(self, field: str) -> str:
        if field == "name":
            return self.file.name
        if field == "mimeType":
            return self.file.mime_type
        if field == "visibility":
            return visibility(self.access, self.file)
        return ""

    def flag(self, field: str) -> bool:
        if field == "trashed":
            return self.file.trashed
        if field == "starred":
            return self.file.starred
        if field == "sharedWithMe":
            return self.reach.direct and not self._owned()
        return False

    def time(self, field: str) -> float | None:
        if field == "modifiedTime":
            return self.file.modified
        if field == "createdTime":
            return self.file.created
        if field == "viewedByMeTime":
            return self.file.modified if self._owned() else None
        if field == "sharedWithMeTime":
            return self.file.created if self.reach.direct and not self._owned() else None
        return None

    def has_member(self, field: str, value: str) -> bool:
        if field == "parents":
            return self.access.resolve_id(value) in (self.file.parents or [])
        wanted = value.lower()
        minimum = {"owners": RANK["owner"], "writers": WRITER, "readers": RANK["reader"]}[field]
        for item in [self.file, *self.access.tree.ancestors(self.file)]:
            for permission in self.access.tree.permissions(item.id):
                if field != "owners" and item.id != self.file.id and permission.role == "owner":
                    continue  # a folder's owner is not a writer of its contents by inheritance alone
                if field == "owners" and item.id != self.file.id:
                    continue
                if permission.email.lower() == wanted and RANK.get(permission.role, 0) >= minimum:
                    return True
        return False

    def mapping(self, field: str) -> dict[str, str]:
        if field == "properties":
            return dict(self.file.properties or {})
        return dict(self.file.app_properties or {})

    def full_text(self) -> str:
        parts = [self.file.name, self.file.description]
        if self.file.mime_type.startswith(TEXT_TYPES) and self.file.blob_id:
            call = self.access.call
            text = content.read(call.session, call.tenant.id, self.file.blob_id, FULL_TEXT_BYTES)
            parts.append(text.decode("utf-8", errors="ignore"))
        return "\n".join(parts)


def visibility(access: Access, file: File) -> str:
    kinds = {(p.type, p.allow_file_discovery) for p in access.tree.permissions(file.id)}
    if ("anyone", True) in kinds:
        return "anyoneCanFind"
    if ("anyone", False) in kinds:
        return "anyoneWithLink"
    if ("domain", True) in kinds:
        return "domainCanFind"
    if ("domain", False) in kinds:
        return "domainWithLink"
    return "limited"


def parse_order(text: str | None) -> list[tuple[str, bool]]:
    """`folder,modifiedTime desc,name` -> [(key, descending)]."""
    if not text or not text.strip():
        return []
    order: list[tuple[str, bool]] = []
    for part in text.split(","):
        words = part.split()
        if not words or len(words) > 2 or words[0] not in ORDER_KEYS:
            raise invalid_value("orderBy")
        if len(words) == 2 and words[1].lower() not in ("asc", "desc"):
            raise invalid_value("orderBy")
        order.append((words[0], len(words) == 2 and words[1].lower() == "desc"))
    return order


def _natural(name: str) -> list[Any]:
    return [int(t) if t.isdigit() else t for t in re.split(r"(\d+)", name.lower())]


def _sort_key(key: str, access: Access) -> Callable[[File], Any]:
    me = access.user.id
    keys: dict[str, Callable[[File], Any]] = {
        "createdTime": lambda f: f.created,
        "folder": lambda f: 0 if f.mime_type == FOLDER else 1,
        "modifiedByMeTime": lambda f: f.modified if f.last_modifying_user_id == me else 0.0,
        "modifiedTime": lambda f: f.modified,
        "name": lambda f: f.name.lower(),
        "name_natural": lambda f: _natural(f.name),
        "quotaBytesUsed": lambda f: f.size,
        "recency": lambda f: f.modified,
        "sharedWithMeTime": lambda f: f.created if f.owner_id != me else 0.0,
        "starred": lambda f: 0 if f.starred else 1,
        "viewedByMeTime": lambda f: f.modified if f.owner_id == me else 0.0,
    }
    return keys[key]


def _parent_terms(node: query.Node | None) -> list[str]:
    """The folders of `'id' in parents` terms every match must satisfy (top-level conjuncts)."""
    if isinstance(node, query.Member) and node.field == "parents":
        return [node.value]
    if isinstance(node, query.BoolOp) and node.op == "and":
        return [value for operand in node.operands for value in _parent_terms(operand)]
    return []


def candidates(
    access: Access, node: query.Node | None, corpora: str, drive_id: str = "", all_drives: bool = False
) -> list[File]:
    """The items a search can possibly return, read with one query through the indexes.

    An item is listed only through a user/group permission matching the caller, or (domain
    corpus) a discoverable domain/anyone permission, on the item or a folder above it. So the
    candidates are the items carrying such a permission and everything below them (a recursive
    query down `parent_id`); a query confined to a folder (`'id' in parents`) needs only that
    folder's children. What SQL can decide of the query itself (narrowing.py) narrows them
    further; search() still judges every candidate exactly.
    """
    tree, tenant_id = access.tree, access.call.tenant.id
    access.call.session.flush()  # parent_id is written at flush time
    conditions: list[Any] = [col(File.is_root).is_(False)]
    if drive_id:
        conditions.append(col(File.drive_id) == drive_id)
    elif not all_drives:
        conditions.append(col(File.drive_id) == "")
    narrowed = narrowing(node, access.resolve_id, tenant_id)
    if narrowed is not None:
        conditions.append(narrowed.condition)
    folders = _parent_terms(node)
    if folders:
        return tree.select(col(File.parent_id) == access.resolve_id(folders[0]), *conditions)
    if drive_id:
        return tree.select(*conditions)
    grantees = [
        and_(col(Permission.type) == "user", col(Permission.email) == access.email),
        and_(col(Permission.type) == "group", col(Permission.email).in_(sorted(access.groups))),
    ]
    if corpora in ("domain", "allDrives"):
        grantees.append(
            and_(
                col(Permission.allow_file_discovery).is_(True),
                or_(
                    and_(col(Permission.type) == "domain", col(Permission.domain) == access.domain),
                    col(Permission.type) == "anyone",
                ),
            )
        )
    granted: Select[tuple[str]] = select(col(Permission.file_id).label("id")).where(
        Permission.tenant_id == tenant_id, or_(*grantees)
    )
    reached = granted.cte("reached", recursive=True)
    below = select(col(File.id)).where(File.tenant_id == tenant_id, col(File.parent_id) == reached.c.id)
    reached = reached.union(below)
    return tree.select(col(File.id).in_(select(reached.c.id)), *conditions)


def search(
    access: Access, q: str, order_by: str | None, corpora: str, *, drive_id: str = "", all_drives: bool = False
) -> list[File]:
    """The items of a files.list, in order. Shared drive items only with `all_drives` or `drive_id`."""
    node = query.parse(q)
    order = parse_order(order_by)
    if order and query.uses_full_text(node):
        raise bad_request(
            "Sorting is not supported for queries with fullText terms. Results are always in descending relevance "
            "order.",
            location="orderBy",
        )
    found: list[File] = []
    pool = candidates(access, node, corpora, drive_id, all_drives)
    access.tree.preload_permissions(pool)
    for file in pool:
        if file.is_root:
            continue
        if (file.drive_id and not (all_drives or drive_id)) or (drive_id and file.drive_id != drive_id):
            continue
        reach = access.reach(file)
        if reach.rank == 0:
            continue
        visible = reach.listed or (corpora in ("domain", "allDrives") and reach.discoverable)
        if visible and query.matches(node, ItemSubject(access, file, reach)):
            found.append(file)
    found.sort(key=lambda f: f.seq)
    for key, descending in reversed(order):
        found.sort(key=_sort_key(key, access), reverse=descending)
    return found
