"""Workspace members: profiles, presence, accounts created and deactivated.

Shared by the users.* and admin.* Web API methods and by SCIM, which all act on the
same rows and must have the same consequences (events, tokens, memberships).
"""

from __future__ import annotations

import re
from typing import Any

from sqlmodel import col, func, select

from services.slack import render
from services.slack.call import Call
from services.slack.domain import usergroups
from services.slack.errors import SlackError
from services.slack.models import Member, User, UserGroup

# Profile keys a user may set (users.profile.set); the rest of `profile` is ignored, as Slack does.
PROFILE_KEYS = (
    "first_name",
    "last_name",
    "real_name",
    "display_name",
    "title",
    "phone",
    "skype",
    "email",
    "pronouns",
    "status_text",
    "status_emoji",
    "status_expiration",
    "fields",
)
# Kept in the `profile` JSON column; real_name, display_name and email have columns.
STORED_KEYS = ("first_name", "last_name", "title", "phone", "skype", "pronouns", "status_text", "status_emoji")
STATUS_TEXT_MAX = 100  # docs.slack.dev users.profile.set: "status_text ... up to 100 characters"
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def is_admin(user: User) -> bool:
    return user.is_admin or user.is_owner or user.is_primary_owner


def by_email(call: Call, email: str) -> User | None:
    return call.session.exec(
        select(User).where(User.tenant_id == call.tenant.id, func.lower(User.email) == email.strip().lower())
    ).first()


def by_name(call: Call, name: str) -> User | None:
    return call.session.exec(select(User).where(User.tenant_id == call.tenant.id, User.name == name)).first()


def page(call: Call, after: str | None, limit: int | None) -> tuple[list[User], str | None]:
    """Members ordered by id, deactivated ones included (users.list shows them with deleted: true)."""
    query = select(User).where(User.tenant_id == call.tenant.id)
    if after:
        query = query.where(col(User.id) > after)
    query = query.order_by(col(User.id))
    if limit:
        query = query.limit(limit + 1)
    rows = list(call.session.exec(query).all())
    if limit and len(rows) > limit:
        return rows[:limit], rows[limit - 1].id
    return rows, None


def changed(call: Call, user: User) -> None:
    """Persist a change to a member and tell apps (user_change), as Slack does for any profile edit."""
    user.updated = call.now_int()
    call.session.add(user)
    call.emit("user_change", {"type": "user_change", "user": render.user_object(user), "cache_ts": user.updated})


def check_email(call: Call, email: str, user: User | None = None) -> str:
    if not EMAIL.match(email or ""):
        raise SlackError("invalid_email")
    other = by_email(call, email)
    if other is not None and (user is None or other.id != user.id):
        raise SlackError("email_taken")
    return email.strip()


def check_username(call: Call, name: str, user: User | None = None) -> str:
    other = by_name(call, name)
    if other is not None and (user is None or other.id != user.id):
        raise SlackError("username_taken")
    return name


def set_profile(call: Call, user: User, changes: dict[str, Any]) -> None:
    """Apply users.profile.set-style changes (only the keys given) and emit user_change."""
    stored = dict(user.profile or {})
    for key, value in changes.items():
        if key not in PROFILE_KEYS:
            continue
        if key == "fields":
            if not isinstance(value, dict):
                raise SlackError("invalid_profile")
            fields = dict(stored.get("fields") or {})
            for field_id, field in value.items():
                entry = field if isinstance(field, dict) else {"value": str(field), "alt": ""}
                if entry.get("value") in ("", None):
                    fields.pop(field_id, None)
                else:
                    fields[field_id] = {"value": str(entry["value"]), "alt": str(entry.get("alt", ""))}
            stored["fields"] = fields
            continue
        if key == "status_expiration":
            try:
                stored[key] = int(value or 0)
            except (TypeError, ValueError):
                raise SlackError("invalid_profile") from None
            continue
        text = "" if value is None else str(value)
        if key == "status_text" and len(text) > STATUS_TEXT_MAX:
            raise SlackError("too_long")
        if key == "email":
            user.email = check_email(call, text, user)
        elif key == "real_name":
            user.real_name = text
            # first/last follow real_name unless given in the same call
            stored.pop("first_name", None)
            stored.pop("last_name", None)
        elif key == "display_name":
            user.display_name = text
        else:
            stored[key] = text
    if "first_name" in changes or "last_name" in changes:
        first = stored.get("first_name", user.real_name.split(" ")[0] if user.real_name else "")
        last = stored.get("last_name", " ".join(user.real_name.split(" ")[1:]) if user.real_name else "")
        user.real_name = f"{first} {last}".strip()
    user.profile = stored
    changed(call, user)


def create(
    call: Call,
    *,
    name: str,
    email: str,
    real_name: str = "",
    display_name: str = "",
    profile: dict[str, Any] | None = None,
    external_id: str | None = None,
    is_restricted: bool = False,
    is_ultra_restricted: bool = False,
    tz: str | None = None,
) -> User:
    """A new active member; apps hear about it as team_join."""
    team_id = call.team_id
    now = call.now_int()
    user = User(
        tenant_id=call.tenant.id,
        id=call.tenant.ids.make("U", 10),
        team_id=team_id,
        name=check_username(call, name),
        real_name=real_name,
        display_name=display_name,
        email=check_email(call, email),
        is_restricted=is_restricted,
        is_ultra_restricted=is_ultra_restricted,
        profile=profile or {},
        external_id=external_id,
        created=now,
        updated=now,
    )
    if tz:
        user.tz = tz
    call.session.add(user)
    call.emit("team_join", {"type": "team_join", "user": render.user_object(user)})
    return user


def deactivate(call: Call, user: User) -> None:
    """Slack's deactivation: the account stays (deleted: true), its tokens stop working
    (account_inactive), and it leaves its conversations and User Groups. Callers refuse the
    primary owner first, each with its own API's error."""
    if user.deleted:
        return
    user.deleted = True
    for member in call.session.exec(
        select(Member).where(Member.tenant_id == call.tenant.id, Member.user_id == user.id)
    ).all():
        call.session.delete(member)
    for group in call.session.exec(select(UserGroup).where(UserGroup.tenant_id == call.tenant.id)).all():
        if user.id in (group.users or []):
            usergroups.set_members(call, group, [u for u in group.users or [] if u != user.id])
    changed(call, user)
    call.invalidate_credentials()


def reactivate(call: Call, user: User) -> None:
    if not user.deleted:
        return
    user.deleted = False
    changed(call, user)
    call.invalidate_credentials()


def presence(user: User, *, full: bool, now: int) -> dict[str, Any]:
    """users.getPresence. The twin has no client connections: every member counts as having
    one connected client, away only when they set themselves away (bots are always_active)."""
    away = user.presence == "away" and not user.is_bot
    body: dict[str, Any] = {"presence": "away" if away else "active"}
    if full:
        body.update(
            {
                "online": True,
                "auto_away": False,
                "manual_away": away,
                "connection_count": 1,
                "last_activity": user.updated or now,
            }
        )
    return body
