"""SCIM /Users: list (filter, paging), read, create, replace (PUT), patch, delete (deactivate).

Attribute mapping (Slack's): userName = the Slack username, name.givenName/familyName =
first/last name (real_name follows them), displayName = display name, emails[primary] =
email, title, phoneNumbers, timezone, externalId, active = not deactivated, and the guest
extension. PATCH accepts Slack's flat form (attributes to overwrite, `meta.attributes`
to clear, `operation: "delete"` on multi-valued elements) and SCIM `Operations`.
"""

from __future__ import annotations

from typing import Any

from sqlmodel import col, func, select

from services.slack.call import Call
from services.slack.domain import lookup, usergroups
from services.slack.domain import users as members
from services.slack.models import Invite, User
from services.slack.scim_common import Outcome, ScimError, base_url, domain, page_of
from services.slack.scim_render import user_resource

GUEST = "urn:scim:schemas:extension:slack:guest:1.0"


def _render(call: Call, user: User) -> dict[str, Any]:
    body = user_resource(user, base_url=base_url(call), domain=domain(call), groups=usergroups.of_user(call, user.id))
    if user.is_restricted:
        body["schemas"] = [*body["schemas"], GUEST]
        body[GUEST] = {"type": "single" if user.is_ultra_restricted else "multi"}
    return body


def _user(call: Call, path: dict[str, Any]) -> User:
    return lookup.user(call, str(path.get("id", "")))


def _primary(items: Any) -> str | None:
    """The primary (else first) value of a multi-valued attribute, skipping elements marked for deletion."""
    if not isinstance(items, list):
        return None
    kept = [i for i in items if isinstance(i, dict) and i.get("operation") != "delete" and i.get("value")]
    chosen = next((i for i in kept if i.get("primary")), kept[0] if kept else None)
    return str(chosen["value"]) if chosen else None


def _set_path(flat: dict[str, Any], path: str, value: Any) -> None:
    """Apply one SCIM Operations path to the flat form (e.g. name.givenName, emails[type eq "work"].value)."""
    root = path.split("[")[0].split(".")[0]
    if "[" in path or root in ("emails", "phoneNumbers"):
        flat[root] = value if isinstance(value, list) else [{"value": value, "primary": True}]
    elif "." in path:
        parent, child = path.split(".", 1)
        flat.setdefault(parent, {})[child] = value
    else:
        flat[path] = value


def _flatten(body: dict[str, Any]) -> dict[str, Any]:
    operations = body.get("Operations") or body.get("operations")
    if not isinstance(operations, list):
        return body
    flat: dict[str, Any] = {}
    cleared: list[str] = []
    for operation in operations:
        if not isinstance(operation, dict):
            raise ScimError(400, "invalid_operation")
        op, path, value = str(operation.get("op", "")).lower(), operation.get("path"), operation.get("value")
        if op == "remove" and isinstance(path, str):
            cleared.append(path.split("[")[0].split(".")[0])
        elif op in ("add", "replace") and isinstance(path, str):
            _set_path(flat, path, value)
        elif op in ("add", "replace") and isinstance(value, dict):
            for key, item in value.items():
                _set_path(flat, key, item)
        else:
            raise ScimError(400, "invalid_operation")
    if cleared:
        flat["meta"] = {"attributes": cleared}
    return flat


def _apply(call: Call, user: User, body: dict[str, Any], *, replace: bool) -> None:
    meta = body.get("meta")
    cleared = {str(a).lower() for a in (meta.get("attributes") or [])} if isinstance(meta, dict) else set()
    changes: dict[str, Any] = {}
    if body.get("userName"):
        user.name = members.check_username(call, str(body["userName"]), user)
    if "externalId" in body or "externalid" in cleared or replace:
        user.external_id = None if "externalid" in cleared else (body.get("externalId") or None)
    if body.get("timezone"):
        user.tz = str(body["timezone"])
    name = body.get("name")
    if isinstance(name, dict):
        if "givenName" in name or replace:
            changes["first_name"] = name.get("givenName") or ""
        if "familyName" in name or replace:
            changes["last_name"] = name.get("familyName") or ""
    elif replace or "name" in cleared:
        changes["first_name"] = changes["last_name"] = ""
    for attribute, key in (("displayName", "display_name"), ("title", "title")):
        if attribute in body or replace or attribute.lower() in cleared:
            changes[key] = "" if attribute.lower() in cleared else (body.get(attribute) or "")
    if "phoneNumbers" in body or replace or "phonenumbers" in cleared:
        changes["phone"] = "" if "phonenumbers" in cleared else (_primary(body.get("phoneNumbers")) or "")
    email = _primary(body.get("emails"))
    if email:
        changes["email"] = email
    guest = body.get(GUEST)
    if isinstance(guest, dict) and guest.get("type") in ("multi", "single"):
        user.is_restricted = True
        user.is_ultra_restricted = guest["type"] == "single"
    members.set_profile(call, user, changes)
    if "active" in body:
        _set_active(call, user, bool(body["active"]))


def _set_active(call: Call, user: User, active: bool) -> None:
    if active:
        members.reactivate(call, user)
        return
    if user.is_primary_owner:
        raise ScimError(403, "cannot_disable_primary_owner")
    members.deactivate(call, user)


def search(call: Call, path: dict[str, Any], body: Any) -> Outcome:
    rows = call.session.exec(select(User).where(User.tenant_id == call.tenant.id).order_by(col(User.id))).all()
    return page_of(call, [_render(call, user) for user in rows])


def read(call: Call, path: dict[str, Any], body: Any) -> Outcome:
    return 200, _render(call, _user(call, path))


def create(call: Call, path: dict[str, Any], body: Any) -> Outcome:
    """POST /Users: "Must include the userName argument and at least one email address." """
    user_name = str(body.get("userName") or "").strip()
    if not user_name:
        raise ScimError(400, "missing_username")
    email = _primary(body.get("emails"))
    if not email:
        raise ScimError(400, "bad_email_address")
    name = body.get("name") if isinstance(body.get("name"), dict) else {}
    profile = {
        "first_name": str(name.get("givenName") or ""),
        "last_name": str(name.get("familyName") or ""),
        "title": str(body.get("title") or ""),
        "phone": _primary(body.get("phoneNumbers")) or "",
    }
    guest = body.get(GUEST) if isinstance(body.get(GUEST), dict) else {}
    real_name = f"{profile['first_name']} {profile['last_name']}".strip()
    user = members.create(
        call,
        name=user_name,
        email=email,
        real_name=real_name or str(body.get("displayName") or ""),
        display_name=str(body.get("displayName") or ""),
        profile={k: v for k, v in profile.items() if v},
        external_id=body.get("externalId") or None,
        is_restricted=guest.get("type") in ("multi", "single"),
        is_ultra_restricted=guest.get("type") == "single",
        tz=body.get("timezone") or None,
    )
    # An account now exists for this address: a pending invitation is moot.
    for invite in call.session.exec(
        select(Invite).where(Invite.tenant_id == call.tenant.id, func.lower(Invite.email) == email.lower())
    ).all():
        call.session.delete(invite)
    if body.get("active") is False:
        _set_active(call, user, False)
    return 201, _render(call, user)


def replace(call: Call, path: dict[str, Any], body: Any) -> Outcome:
    user = _user(call, path)
    _apply(call, user, body, replace=True)
    return 200, _render(call, user)


def patch(call: Call, path: dict[str, Any], body: Any) -> Outcome:
    user = _user(call, path)
    _apply(call, user, _flatten(body), replace=False)
    return 200, _render(call, user)


def delete(call: Call, path: dict[str, Any], body: Any) -> Outcome:
    """Deactivates (the account stays, active: false); repeating it is harmless, as on Slack."""
    _set_active(call, _user(call, path), False)
    return 200, None
