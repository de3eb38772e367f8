"""Cookie sessions: `/rest/auth/1/session` (and `/rest/auth/latest/session`).

The `jira` library's `auth=(user, password)` mode POSTs `{username, password}` here after a
401 and then sends the session cookie. The twin takes the user's email and one of their
API tokens as the password (Cloud accepts no account passwords over REST).
"""

from __future__ import annotations

import secrets
from typing import Any

from sqlmodel import select

from services.jira import render
from services.jira.call import JiraCall, Reply
from services.jira.credentials import SESSION_COOKIE, token_hash
from services.jira.domain import directory
from services.jira.endpoint import route
from services.jira.errors import JiraError
from services.jira.models import ApiToken, AuthSession, User
from services.jira.timefmt import iso

PREFIXES = ("/rest/auth/1", "/rest/auth/latest")


def _login_info(call: JiraCall, account_id: str) -> dict[str, Any]:
    sessions = call.session.exec(
        select(AuthSession).where(AuthSession.tenant_id == call.tenant.id, AuthSession.account_id == account_id)
    ).all()
    times = sorted(s.created for s in sessions)
    info: dict[str, Any] = {"failedLoginCount": 0, "loginCount": len(times)}
    if len(times) > 1:
        info["previousLoginTime"] = iso(times[-2])
    if times:
        info["lastLoginTime"] = iso(times[-1])
    return info


def current(call: JiraCall) -> dict[str, Any]:
    row = directory.existing_user(call, call.account_id)
    return {
        "self": f"{call.base}/rest/api/latest/user?accountId={row.account_id}",
        "name": row.email,
        "accountId": row.account_id,
        "displayName": row.display_name,
        "loginInfo": _login_info(call, row.account_id),
        "avatarUrls": render.user_avatars(row),
    }


def login(call: JiraCall) -> Reply:
    body = call.body_object()
    username, password = body.get("username"), body.get("password")
    if not isinstance(username, str) or not isinstance(password, str):
        raise JiraError(400, "You must specify a username and a password.")
    token = call.session.exec(select(ApiToken).where(ApiToken.token_hash == token_hash(password))).first()
    user = call.session.get(User, (token.tenant_id, token.account_id)) if token else None
    if token is None or user is None or not user.active or user.email.lower() != username.strip().lower():
        raise JiraError(401, "Login failed")
    value = secrets.token_urlsafe(32)
    # The session belongs to the token's site, whatever site the anonymous call was routed to.
    call.session.add(
        AuthSession(
            tenant_id=token.tenant_id,
            id=secrets.token_hex(8),
            token_hash=token_hash(value),
            account_id=user.account_id,
            created=call.now(),
        )
    )
    call.session.flush()
    info: dict[str, Any] = {"failedLoginCount": 0, "loginCount": 1}
    cookie = f"{SESSION_COOKIE}={value}; Path=/; HttpOnly"
    body = {"session": {"name": SESSION_COOKIE, "value": value}, "loginInfo": info}
    return Reply(body, headers={"Set-Cookie": cookie})


def logout(call: JiraCall) -> Reply:
    value = call.request.cookies.get(SESSION_COOKIE)
    if value:
        row = call.session.exec(select(AuthSession).where(AuthSession.token_hash == token_hash(value))).first()
        if row is not None:
            call.session.delete(row)
            call.after_commit.append(call.runtime.extras["credentials"].invalidate)
    return Reply(status=204)


for _prefix in PREFIXES:
    route("GET", "/session", "getCurrentSession", prefix=_prefix)(current)
    route("POST", "/session", "login", prefix=_prefix, anonymous=True)(login)
    route("DELETE", "/session", "logout", prefix=_prefix)(logout)
