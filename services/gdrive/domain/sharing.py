"""Sharing: creating, changing and removing permissions, and transferring ownership. No HTTP here."""

from __future__ import annotations

import hashlib
from typing import Any

from sqlmodel import select

from services.gdrive import timefmt
from services.gdrive.domain.access import OWNER, ROLES, Access
from services.gdrive.errors import GoogleError, bad_request, forbidden, insufficient_file_permissions, invalid_value
from services.gdrive.ids import from_hex
from services.gdrive.models import File, Group, Permission, User

TYPES = ("user", "group", "domain", "anyone")
SHARED_DRIVE_ROLES = ("organizer", "fileOrganizer")


def sharing_error(message: str) -> GoogleError:
    # Drive wraps user-facing sharing refusals as `Bad Request. User message: "..."`.
    return GoogleError(403, f'Bad Request. User message: "{message}"', "invalidSharingRequest")


def permission_id_for(access: Access, kind: str, email: str, domain: str, discoverable: bool) -> str:
    if kind == "anyone":
        return "anyone" if discoverable else "anyoneWithLink"
    if kind == "user":
        user = access.call.session.exec(
            select(User).where(User.tenant_id == access.call.tenant.id, User.email == email.lower())
        ).first()
        if user is not None:
            return user.permission_id
    seed = f"{kind}:{(email or domain).lower()}"
    return from_hex(hashlib.sha256(seed.encode()).hexdigest(), 20)


def display_name(access: Access, kind: str, email: str, domain: str) -> str:
    session, tenant_id = access.call.session, access.call.tenant.id
    if kind == "user":
        user = session.exec(select(User).where(User.tenant_id == tenant_id, User.email == email.lower())).first()
        return user.display_name if user is not None else email
    if kind == "group":
        group = session.get(Group, (tenant_id, email.lower()))
        return group.name if group is not None else email
    return domain if kind == "domain" else ""


def _expiration(body: dict[str, Any], now: float) -> float | None:
    raw = body.get("expirationTime")
    if raw in (None, ""):
        return None
    try:
        moment = timefmt.parse(str(raw))
    except ValueError:
        raise invalid_value("permission.expirationTime") from None
    if moment <= now:
        raise bad_request("The expiration time must be in the future.", location="permission.expirationTime")
    return moment


def create(access: Access, file: File, body: dict[str, Any], transfer_ownership: bool) -> Permission:
    call = access.call
    kind, role = body.get("type"), body.get("role")
    if not kind:
        raise GoogleError(
            400, "The permission type field is required.", "required", location="permission.type", location_type="other"
        )
    if not role:
        raise GoogleError(
            400, "The permission role field is required.", "required", location="permission.role", location_type="other"
        )
    if kind not in TYPES:
        raise invalid_value("permission.type", "The permission type is invalid.")
    if role not in ROLES:
        raise invalid_value("permission.role", "The permission role is invalid.")
    email = str(body.get("emailAddress") or "").strip()
    domain = str(body.get("domain") or "").strip().lower()
    if kind in ("user", "group") and not email:
        raise GoogleError(
            400,
            "The permission emailAddress field is required for the requested permission type.",
            "required",
            location="permission.emailAddress",
            location_type="other",
        )
    if kind == "domain" and not domain:
        raise GoogleError(
            400,
            "The permission domain field is required for the requested permission type.",
            "required",
            location="permission.domain",
            location_type="other",
        )
    if role in SHARED_DRIVE_ROLES and not file.drive_id:
        raise sharing_error(f"The role {role} is only supported for items in shared drives.")
    if role == "owner" and file.drive_id:
        raise sharing_error("Items in shared drives have no owner: the shared drive owns them.")
    if role == "owner":
        return transfer(access, file, kind, email, transfer_ownership)
    if not access.can_share(file):
        raise insufficient_file_permissions()
    discoverable = bool(body.get("allowFileDiscovery", False)) if kind in ("domain", "anyone") else False
    now = call.now()
    permission_id = permission_id_for(access, kind, email, domain, discoverable)
    existing = [
        p
        for p in access.tree.permissions(file.id)
        if p.type == kind
        and (p.email.lower(), p.domain) == (email.lower(), domain)
        and (kind != "anyone" or p.id == permission_id)
    ]
    if existing:
        permission = existing[0]
        if permission.role == "owner":
            raise sharing_error("The owner's role cannot be changed this way. Transfer ownership instead.")
        permission.role = role
        permission.expiration = _expiration(body, now)
        call.session.add(permission)
        return permission
    if kind == "anyone":
        # One `anyone` permission per item: a new one replaces the other variant.
        for other in [p for p in access.tree.permissions(file.id) if p.type == "anyone"]:
            access.tree.permissions(file.id).remove(other)
            call.session.delete(other)
    permission = Permission(
        tenant_id=call.tenant.id,
        file_id=file.id,
        id=permission_id,
        seq=call.next_seq("permission"),
        type=kind,
        role=role,
        email=email.lower() if kind in ("user", "group") else "",
        domain=domain,
        allow_file_discovery=discoverable,
        display_name=display_name(access, kind, email, domain),
        expiration=_expiration(body, now),
        created=now,
    )
    call.session.add(permission)
    access.tree.permissions(file.id).append(permission)
    return permission


def transfer(access: Access, file: File, kind: str, email: str, transfer_ownership: bool) -> Permission:
    """Make a user of the same domain the owner; the previous owner keeps writer access."""
    call = access.call
    if not transfer_ownership:
        raise forbidden(
            "The transferOwnership parameter must be enabled when the permission role is 'owner'.",
            location="transferOwnership",
        )
    if access.rank(file) < OWNER:
        raise insufficient_file_permissions()
    if kind != "user":
        raise sharing_error("Ownership can only be transferred to a user.")
    new_owner = call.session.exec(
        select(User).where(User.tenant_id == call.tenant.id, User.email == email.lower())
    ).first()
    if new_owner is None or new_owner.kind != "user":
        raise sharing_error(
            "Ownership can only be transferred to another user in the same organization as the current owner."
        )
    perms = access.tree.permissions(file.id)
    for permission in perms:
        if permission.role == "owner":
            permission.role = "writer"
            call.session.add(permission)
    target = next((p for p in perms if p.type == "user" and p.email.lower() == new_owner.email), None)
    if target is None:
        target = Permission(
            tenant_id=call.tenant.id,
            file_id=file.id,
            id=new_owner.permission_id,
            seq=call.next_seq("permission"),
            type="user",
            role="owner",
            email=new_owner.email,
            display_name=new_owner.display_name,
            created=call.now(),
        )
        perms.append(target)
    target.role, target.expiration = "owner", None
    call.session.add(target)
    file.owner_id = new_owner.id
    call.session.add(file)
    return target


def own_permission(access: Access, file: File, permission_id: str) -> Permission | None:
    return next((p for p in access.tree.permissions(file.id) if p.id == permission_id), None)


def update(
    access: Access,
    file: File,
    permission: Permission,
    body: dict[str, Any],
    transfer_ownership: bool,
    remove_expiration: bool,
) -> Permission:
    role = body.get("role")
    if role is not None and role not in ROLES:
        raise invalid_value("permission.role", "The permission role is invalid.")
    if role == "owner":
        return transfer(access, file, permission.type, permission.email, transfer_ownership)
    if not access.can_share(file):
        raise insufficient_file_permissions()
    if permission.role == "owner" and role is not None and role != "owner":
        raise sharing_error("The owner of a file cannot be removed or demoted. Transfer ownership instead.")
    if role in SHARED_DRIVE_ROLES and not file.drive_id:
        raise sharing_error(f"The role {role} is only supported for items in shared drives.")
    if role is not None:
        permission.role = role
    if remove_expiration:
        permission.expiration = None
    elif "expirationTime" in body:
        permission.expiration = _expiration(body, access.call.now())
    access.call.session.add(permission)
    return permission


def delete(access: Access, file: File, permission: Permission) -> None:
    if not access.can_share(file) and not (
        permission.type == "user" and permission.email.lower() == access.email  # anyone may leave an item
    ):
        raise insufficient_file_permissions()
    if permission.role == "owner":
        raise sharing_error("The owner of a file cannot be removed.")
    access.tree.permissions(file.id).remove(permission)
    access.call.session.delete(permission)
