"""Users: lookup by id or login, creation, profile updates and the lifecycle state machine."""

from __future__ import annotations

from sqlmodel import select

from services.okta.call import OktaCall
from services.okta.errors import not_found
from services.okta.models import User


def find(call: OktaCall, id_or_login: str) -> User:
    """By id, by login (case-insensitive), or `me` for the acting user, as Okta resolves `{id}`."""
    if id_or_login == "me":
        id_or_login = call.actor.attributes.get("user_id") or call.actor.subject
    user = call.session.get(User, (call.tenant.id, id_or_login))
    if user is None:
        user = call.one(select(User).where(User.tenant_id == call.tenant.id, User.login_lower == id_or_login.lower()))
    if user is None:
        raise not_found(id_or_login, "User")
    return user
