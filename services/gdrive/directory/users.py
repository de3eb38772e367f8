"""Directory users: insert, get, list, update (PUT), patch, delete; `suspended` cuts off access."""

from __future__ import annotations

import hashlib
from typing import Any

from sqlmodel import col, select

from services.core.cursors import InvalidCursor, decode_cursor, encode_cursor
from services.gdrive.call import DriveCall
from services.gdrive.directory.errors import bad_request, duplicate, invalid, not_authorized, not_found
from services.gdrive.directory.models import DirectoryProfile
from services.gdrive.domain import items
from services.gdrive.errors import GoogleError
from services.gdrive.models import User
from services.gdrive.timefmt import rfc3339

EPOCH = "1970-01-01T00:00:00.000Z"  # lastLoginTime of a user who never signed in


def require_admin(call: DriveCall) -> None:
    """Only Workspace admins (or a service account delegating as one) manage the Directory."""
    if call.user.kind != "user" or not call.user.is_admin:
        raise not_authorized()


def domain_of(call: DriveCall) -> str:
    admin = call.session.exec(
        select(User).where(User.tenant_id == call.tenant.id, User.is_admin == True)  # noqa: E712
    ).first()
    return (admin.email if admin is not None else call.user.email).split("@", 1)[1]


def customer_id(call: DriveCall) -> str:
    return "C0" + hashlib.sha256(call.tenant.id.encode()).hexdigest()[:7]


def profile_of(call: DriveCall, user: User) -> DirectoryProfile:
    found = call.session.get(DirectoryProfile, (call.tenant.id, user.id))
    if found is None:
        given, _, family = user.display_name.partition(" ")
        found = DirectoryProfile(tenant_id=call.tenant.id, user_id=user.id, given_name=given, family_name=family)
    return found


def find(call: DriveCall, key: str, *, deleted: bool = False) -> User:
    """`userKey`: the primary email or the unique user id."""
    tid = call.tenant.id
    user = (
        call.session.get(User, (tid, key))
        or call.session.exec(select(User).where(User.tenant_id == tid, User.email == key.lower())).first()
    )
    if user is None or user.kind != "user" or (profile_of(call, user).deleted and not deleted):
        raise not_found("userKey")
    return user


def render(call: DriveCall, user: User) -> dict[str, Any]:
    profile = profile_of(call, user)
    full = f"{profile.given_name} {profile.family_name}".strip()
    body: dict[str, Any] = {
        "kind": "admin#directory#user",
        "id": user.id,
        "etag": '"' + hashlib.sha256(f"{user.id}{user.email}{user.suspended}{full}".encode()).hexdigest()[:27] + '"',
        "primaryEmail": user.email,
        "name": {"givenName": profile.given_name, "familyName": profile.family_name, "fullName": full},
        "isAdmin": user.is_admin,
        "isDelegatedAdmin": False,
        "lastLoginTime": EPOCH,
        "creationTime": rfc3339(user.created),
        "agreedToTerms": True,
        "suspended": user.suspended,
        "archived": False,
        "changePasswordAtNextLogin": profile.change_password_at_next_login,
        "ipWhitelisted": False,
        "emails": [{"address": user.email, "primary": True}],
        "customerId": customer_id(call),
        "orgUnitPath": profile.org_unit_path,
        "isMailboxSetup": True,
        "isEnrolledIn2Sv": False,
        "isEnforcedIn2Sv": False,
        "includeInGlobalAddressList": True,
    }
    if user.suspended:
        body["suspensionReason"] = "ADMIN"
    if profile.external_ids:
        body["externalIds"] = profile.external_ids
    if profile.deleted:
        body["deletionTime"] = rfc3339(profile.deletion_time or user.created)
    return body


def _name(body: dict[str, Any], profile: DirectoryProfile, *, required: bool) -> None:
    name = body.get("name")
    if name is None and not required:
        return
    if not isinstance(name, dict):
        raise invalid("Invalid Given/Family Name: FamilyName")
    for key, attribute in (("givenName", "given_name"), ("familyName", "family_name")):
        value = name.get(key, getattr(profile, attribute) if not required else None)
        if not isinstance(value, str) or not value.strip() or len(value) > 60:
            raise invalid(f"Invalid Given/Family Name: {key[0].upper()}{key[1:]}")
        setattr(profile, attribute, value.strip())


def _external_ids(value: Any) -> list[dict[str, Any]]:
    if not isinstance(value, list) or not all(isinstance(e, dict) and isinstance(e.get("value"), str) for e in value):
        raise invalid("Invalid Input: externalIds")
    return [
        {
            "value": e["value"],
            "type": str(e.get("type") or "custom"),
            **({"customType": e["customType"]} if e.get("customType") else {}),
        }
        for e in value
    ]


def _apply(call: DriveCall, user: User, profile: DirectoryProfile, body: dict[str, Any], *, replace: bool) -> None:
    _name(body, profile, required=replace)
    if "primaryEmail" in body:
        email = _email(call, body.get("primaryEmail"))
        if email != user.email:
            if _taken(call, email):
                raise duplicate()
            user.email = email
    if "externalIds" in body or replace:
        profile.external_ids = _external_ids(body.get("externalIds") or [])
    if "orgUnitPath" in body:
        path = body.get("orgUnitPath")
        if not isinstance(path, str) or not path.startswith("/"):
            raise invalid("Invalid Input: orgUnitPath")
        profile.org_unit_path = path
    if "changePasswordAtNextLogin" in body:
        profile.change_password_at_next_login = bool(body["changePasswordAtNextLogin"])
    if "password" in body and (not isinstance(body["password"], str) or not 8 <= len(body["password"]) <= 100):
        raise invalid("Invalid Password")
    if "suspended" in body:
        suspended = bool(body["suspended"])
        if suspended and user.id == call.user.id:
            raise invalid("Invalid Input: suspended")  # an admin cannot suspend themself
        if suspended != user.suspended:
            user.suspended = suspended
            # Google: a suspended user's tokens stop working at once.
            call.after_commit.append(call.runtime.extras["credentials"].invalidate)
    user.display_name = f"{profile.given_name} {profile.family_name}".strip()
    call.session.add(user)
    call.session.add(profile)


def _email(call: DriveCall, value: Any) -> str:
    if not isinstance(value, str) or value.count("@") != 1 or not value.split("@")[0]:
        raise invalid("Invalid Input: primary_user_email")
    email = value.strip().lower()
    if email.split("@", 1)[1] != domain_of(call):
        raise GoogleError(400, "Domain not found.", "notFound")
    return email


def _taken(call: DriveCall, email: str) -> bool:
    return (
        call.session.exec(select(User.id).where(User.tenant_id == call.tenant.id, User.email == email)).first()
        is not None
    )


def insert(call: DriveCall) -> dict[str, Any]:
    require_admin(call)
    body = call.body_object()
    email = _email(call, body.get("primaryEmail"))
    if not isinstance(body.get("password"), str):
        raise invalid("Invalid Password")
    if _taken(call, email):
        raise duplicate()
    user = User(
        tenant_id=call.tenant.id,
        id=call.tenant.ids.digits(21),
        email=email,
        permission_id=call.tenant.ids.digits(20),
        created=call.now(),
    )
    profile = DirectoryProfile(tenant_id=call.tenant.id, user_id=user.id)
    _apply(call, user, profile, body, replace=True)
    items.create_root(call.session, call.tenant, user)
    call.session.flush()
    return render(call, user)


def get(call: DriveCall) -> dict[str, Any]:
    require_admin(call)
    return render(call, find(call, str(call.path["userKey"])))


def update(call: DriveCall, *, replace: bool) -> dict[str, Any]:
    require_admin(call)
    user = find(call, str(call.path["userKey"]))
    _apply(call, user, profile_of(call, user), call.body_object(), replace=replace)
    call.session.flush()
    return render(call, user)


def delete(call: DriveCall) -> None:
    require_admin(call)
    user = find(call, str(call.path["userKey"]))
    if user.id == call.user.id:
        raise invalid("Invalid Input: userKey")  # an admin cannot delete themself
    profile = profile_of(call, user)
    profile.deleted, profile.deletion_time = True, call.now()
    user.suspended = True  # a deleted user has no access either
    call.session.add(profile)
    call.session.add(user)
    call.after_commit.append(call.runtime.extras["credentials"].invalidate)


def _matches(call: DriveCall, user: User, query: str) -> bool:
    """The `query` parameter: space-separated `field:value` (prefix with a trailing `*`) or `field=value`."""
    profile = profile_of(call, user)
    values = {
        "email": [user.email],
        "givenname": [profile.given_name.lower()],
        "familyname": [profile.family_name.lower()],
        "name": [f"{profile.given_name} {profile.family_name}".lower()],
        "externalid": [e["value"].lower() for e in profile.external_ids or []],
        "issuspended": [str(user.suspended).lower()],
        "isadmin": [str(user.is_admin).lower()],
        "orgunitpath": [profile.org_unit_path.lower()],
    }
    for term in query.split():
        field, separator, wanted = term.partition(":") if ":" in term else term.partition("=")
        wanted = wanted.strip("'\"").lower()
        candidates = values.get(field.lower())
        if not separator or candidates is None:
            raise invalid("Invalid Input")
        if wanted.endswith("*"):
            if not any(v.startswith(wanted[:-1]) for v in candidates):
                return False
        elif wanted not in candidates:
            return False
    return True


def list_users(call: DriveCall) -> dict[str, Any]:
    require_admin(call)
    customer, domain = call.query.get("customer"), call.query.get("domain")
    if not customer and not domain:
        raise bad_request()
    if domain and domain.lower() != domain_of(call):
        raise not_authorized()
    if customer and customer not in ("my_customer", customer_id(call)):
        raise not_authorized()
    limit = call.int_param("maxResults", 100, 1, 500)
    token = call.query.get("pageToken")
    offset = 0
    if token:
        try:
            offset = int(decode_cursor(token)["offset"])
        except (InvalidCursor, ValueError, TypeError, KeyError):
            raise invalid("Invalid Input: pageToken") from None
    show_deleted = call.query.get("showDeleted", "false").lower() == "true"
    query = call.query.get("query") or ""
    rows = call.session.exec(
        select(User).where(User.tenant_id == call.tenant.id, User.kind == "user").order_by(col(User.email))
    ).all()
    chosen = [
        u for u in rows if profile_of(call, u).deleted == show_deleted and (not query or _matches(call, u, query))
    ]
    page = chosen[offset : offset + limit]
    body: dict[str, Any] = {
        "kind": "admin#directory#users",
        "etag": '"' + customer_id(call) + '"',
        "users": [render(call, u) for u in page],
    }
    if offset + limit < len(chosen):
        body["nextPageToken"] = encode_cursor({"offset": offset + limit})
    if not page:
        del body["users"]  # Google leaves `users` out of an empty page
    return body
