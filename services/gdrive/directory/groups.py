"""Directory groups and members: the Drive side's `Group` rows (permissions granted to a group
reach its members), with the Directory's id, description and member roles alongside."""

from __future__ import annotations

import hashlib
from typing import Any

from sqlmodel import col, select

from services.gdrive.call import DriveCall
from services.gdrive.directory.errors import bad_request, duplicate, invalid, not_found
from services.gdrive.directory.models import DirectoryGroup
from services.gdrive.directory.users import domain_of, find, require_admin
from services.gdrive.errors import GoogleError
from services.gdrive.models import Group, User

ROLES = ("OWNER", "MANAGER", "MEMBER")


def _extra(call: DriveCall, group: Group) -> DirectoryGroup:
    found = call.session.get(DirectoryGroup, (call.tenant.id, group.email))
    if found is None:
        # Groups made before the Directory saw them get a stable id from their address.
        found = DirectoryGroup(
            tenant_id=call.tenant.id,
            email=group.email,
            id="0" + hashlib.sha256(f"{call.tenant.id}:{group.email}".encode()).hexdigest()[:14],
            roles={},
        )
    return found


def _find(call: DriveCall, key: str) -> Group:
    """`groupKey`: the group's email address or its unique id."""
    tid = call.tenant.id
    group = call.session.get(Group, (tid, key.lower()))
    if group is None:
        for candidate in call.session.exec(select(Group).where(Group.tenant_id == tid)).all():
            if _extra(call, candidate).id == key:
                return candidate
        raise not_found("groupKey")
    return group


def render(call: DriveCall, group: Group) -> dict[str, Any]:
    extra = _extra(call, group)
    return {
        "kind": "admin#directory#group",
        "id": extra.id,
        "etag": '"' + hashlib.sha256(f"{group.email}{group.name}{group.members}".encode()).hexdigest()[:27] + '"',
        "email": group.email,
        "name": group.name,
        "directMembersCount": str(len(group.members or [])),
        "description": extra.description,
        "adminCreated": True,
        "nonEditableAliases": [],
    }


def insert(call: DriveCall) -> dict[str, Any]:
    require_admin(call)
    body = call.body_object()
    email = body.get("email")
    if not isinstance(email, str) or email.count("@") != 1:
        raise invalid("Invalid Input: email")
    email = email.strip().lower()
    if email.split("@", 1)[1] != domain_of(call):
        raise invalid("Invalid Input: email")
    taken = (
        call.session.get(Group, (call.tenant.id, email))
        or call.session.exec(select(User.id).where(User.tenant_id == call.tenant.id, User.email == email)).first()
    )
    if taken is not None:
        raise duplicate()
    group = Group(tenant_id=call.tenant.id, email=email, name=str(body.get("name") or email.split("@")[0]), members=[])
    extra = _extra(call, group)
    extra.id = "0" + call.tenant.ids.digits(14)
    extra.description = str(body.get("description") or "")
    call.session.add(group)
    call.session.add(extra)
    call.session.flush()
    return render(call, group)


def get(call: DriveCall) -> dict[str, Any]:
    require_admin(call)
    return render(call, _find(call, str(call.path["groupKey"])))


def delete(call: DriveCall) -> None:
    require_admin(call)
    group = _find(call, str(call.path["groupKey"]))
    extra = call.session.get(DirectoryGroup, (call.tenant.id, group.email))
    if extra is not None:
        call.session.delete(extra)
    call.session.delete(group)


def list_groups(call: DriveCall) -> dict[str, Any]:
    require_admin(call)
    customer, domain, member = call.query.get("customer"), call.query.get("domain"), call.query.get("userKey")
    if not customer and not domain and not member:
        raise bad_request()
    rows = call.session.exec(select(Group).where(Group.tenant_id == call.tenant.id).order_by(col(Group.email))).all()
    if member:
        email = find(call, member).email
        rows = [g for g in rows if email in (g.members or [])]
    body: dict[str, Any] = {"kind": "admin#directory#groups", "etag": '"groups"'}
    if rows:
        body["groups"] = [render(call, g) for g in rows]
    return body


# -- members ------------------------------------------------------------------------------


def _member(call: DriveCall, group: Group, email: str) -> dict[str, Any]:
    user = find(call, email)
    return {
        "kind": "admin#directory#member",
        "etag": '"' + hashlib.sha256(f"{group.email}{email}".encode()).hexdigest()[:27] + '"',
        "id": user.id,
        "email": user.email,
        "role": (_extra(call, group).roles or {}).get(user.email, "MEMBER"),
        "type": "USER",
        "status": "SUSPENDED" if user.suspended else "ACTIVE",
    }


def insert_member(call: DriveCall) -> dict[str, Any]:
    require_admin(call)
    group = _find(call, str(call.path["groupKey"]))
    body = call.body_object()
    key = body.get("email") or body.get("id")
    if not isinstance(key, str) or not key:
        raise invalid("Missing required field: memberKey")
    role = str(body.get("role") or "MEMBER").upper()
    if role not in ROLES:
        raise invalid("Invalid Input: role")
    user = find(call, key)
    if user.email in (group.members or []):
        raise GoogleError(409, "Member already exists.", "duplicate")
    group.members = [*(group.members or []), user.email]
    extra = _extra(call, group)
    extra.roles = {**(extra.roles or {}), user.email: role}
    call.session.add(group)
    call.session.add(extra)
    call.session.flush()
    return _member(call, group, user.email)


def list_members(call: DriveCall) -> dict[str, Any]:
    require_admin(call)
    group = _find(call, str(call.path["groupKey"]))
    roles = {r.strip().upper() for r in (call.query.get("roles") or "").split(",") if r.strip()}
    members = [_member(call, group, email) for email in group.members or []]
    if roles:
        members = [m for m in members if m["role"] in roles]
    body: dict[str, Any] = {"kind": "admin#directory#members", "etag": '"members"'}
    if members:
        body["members"] = members
    return body


def delete_member(call: DriveCall) -> None:
    require_admin(call)
    group = _find(call, str(call.path["groupKey"]))
    key = str(call.path["memberKey"])
    user = find(call, key)
    if user.email not in (group.members or []):
        raise not_found("memberKey")
    group.members = [m for m in group.members or [] if m != user.email]
    extra = _extra(call, group)
    extra.roles = {k: v for k, v in (extra.roles or {}).items() if k != user.email}
    call.session.add(group)
    call.session.add(extra)
