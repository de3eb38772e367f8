"""Okta sessions (Sessions API): created from a sessionToken, read, refreshed, closed.

A session is the same `UserSession` row the hosted sign-in page starts (the `sid`
cookie), so a session made from a sessionToken, one made by /authorize and one made
by the sign-in form are all visible to `GET /api/v1/sessions/{id}`, `/sessions/me`
and `DELETE /api/v1/users/{id}/sessions`. Lifetimes follow Okta's default global
session policy: two hours idle (login.SESSION_LIFETIME), extended by a refresh.
A closed or expired session is not found (404 E0000007).
"""

from __future__ import annotations

from typing import Any

from sqlmodel import select

from services.okta.call import OktaCall
from services.okta.domain import authn, factors
from services.okta.errors import OktaError, not_found
from services.okta.models import Org, User, UserSession
from services.okta.oauth import login
from services.okta.render import href
from services.okta.timefmt import iso


def from_session_token(call: OktaCall, session_token: str) -> tuple[UserSession, User] | None:
    """Redeem a sessionToken for a new session carrying what the transaction verified."""
    redeemed = authn.redeem(call, session_token)
    if redeemed is None:
        return None
    grant, user = redeemed
    amr = list(grant.amr or ["pwd"])
    session = login.start_session(
        call,
        user,
        amr=amr,
        password_verified=grant.password_verified,
        factor_verified=grant.factor_verified if "mfa" in amr else 0,
        record=False,  # the Authentication API logged the sign-in (user.session.start)
    )
    return session, user


def create(call: OktaCall, body: dict[str, Any]) -> tuple[UserSession, User]:
    token = body.get("sessionToken")
    if not isinstance(token, str) or not token:
        raise OktaError("E0000004")  # Okta: an invalid sessionToken is 401
    created = from_session_token(call, token)
    if created is None:
        raise OktaError("E0000004")
    return created


def live(call: OktaCall, session_id: str) -> tuple[UserSession, User]:
    row = call.session.get(UserSession, (call.tenant.id, session_id))
    user = call.session.get(User, (call.tenant.id, row.user_id)) if row is not None else None
    if row is None or user is None or row.closed or row.status != "ACTIVE" or call.now() >= row.expires_at:
        raise not_found(session_id, "Session")
    return row, user


def current(call: OktaCall) -> tuple[UserSession, User]:
    """The session of the `sid` cookie (`/sessions/me`): 404 `me (Session)` without one."""
    found = login.current_session(call, call.request)
    if found is None:
        raise not_found("me", "Session")
    return found


def refresh(call: OktaCall, session: UserSession) -> UserSession:
    session.expires_at = call.now() + login.SESSION_LIFETIME
    call.session.add(session)
    return session


def close(call: OktaCall, session: UserSession) -> None:
    login.end_session(call, session)


def render(call: OktaCall, session: UserSession, user: User, *, me: bool = False) -> dict[str, Any]:
    amr = list(session.amr or ["pwd"])
    org = call.one(select(Org).where(Org.tenant_id == call.tenant.id))
    base = "/api/v1/sessions/me" if me else f"/api/v1/sessions/{session.id}"
    profile = user.profile or {}
    name = " ".join(p for p in (profile.get("firstName"), profile.get("lastName")) if p)
    return {
        "id": session.id,
        "userId": user.id,
        "login": profile.get("login"),
        "createdAt": iso(session.created),
        "expiresAt": iso(session.expires_at),
        "status": session.status,
        "lastPasswordVerification": iso(session.last_password_verification),
        # Okta reports no factor verification for a password-only session.
        "lastFactorVerification": iso(session.last_factor_verification) if "mfa" in amr else None,
        "amr": amr,
        "idp": {"id": org.id if org is not None else None, "type": "OKTA"},
        "mfaActive": bool(factors.of_user(call, user, active_only=True)),
        "_links": {
            "self": {**href(call, base), "hints": {"allow": ["GET", "DELETE"]}},
            "refresh": {**href(call, f"{base}/lifecycle/refresh"), "hints": {"allow": ["POST"]}},
            "user": {
                "name": name,
                **href(call, "/api/v1/users/me" if me else f"/api/v1/users/{user.id}"),
                "hints": {"allow": ["GET"]},
            },
        },
    }
