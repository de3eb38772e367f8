"""Sessions API: /api/v1/sessions (from a sessionToken, by id, and the caller's own `me` by cookie).

`/sessions/me` operations take the `sid` cookie instead of an API token, as Okta's
do, so they are addressed at the org's own URL (`/t/{tenant}/...`, where the cookie
lives). They are registered before `/sessions/{sessionId}` so `me` is never an id.
"""

from __future__ import annotations

from typing import Any

from services.okta.call import OktaCall, Reply
from services.okta.domain import sessions
from services.okta.endpoint import route
from services.okta.oauth import login

SESSIONS_READ, SESSIONS_MANAGE = "okta.sessions.read", "okta.sessions.manage"


@route("POST", "/api/v1/sessions", "createSession", SESSIONS_MANAGE)
def create_session(call: OktaCall) -> dict[str, Any]:
    session, user = sessions.create(call, call.body_object())
    return sessions.render(call, session, user)


# -- the caller's own session (cookie) -----------------------------------------------
@route("GET", "/api/v1/sessions/me", "getCurrentSession", None, authenticated=False)
def get_current_session(call: OktaCall) -> dict[str, Any]:
    session, user = sessions.current(call)
    return sessions.render(call, session, user, me=True)


@route("POST", "/api/v1/sessions/me/lifecycle/refresh", "refreshCurrentSession", None, authenticated=False)
def refresh_current_session(call: OktaCall) -> dict[str, Any]:
    session, user = sessions.current(call)
    return sessions.render(call, sessions.refresh(call, session), user, me=True)


@route("DELETE", "/api/v1/sessions/me", "closeCurrentSession", None, authenticated=False)
def close_current_session(call: OktaCall) -> Reply:
    session, _ = sessions.current(call)
    sessions.close(call, session)
    path = login.cookie_path(call.request)
    expired = f'{login.COOKIE}=""; expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=0; Path={path}; HttpOnly'
    return Reply(None, status=204, headers={"Set-Cookie": expired})


# -- any session, by id (administrators) -----------------------------------------------
@route("GET", "/api/v1/sessions/{sessionId}", "getSession", SESSIONS_READ)
def get_session(call: OktaCall) -> dict[str, Any]:
    session, user = sessions.live(call, call.path["sessionId"])
    return sessions.render(call, session, user)


@route("POST", "/api/v1/sessions/{sessionId}/lifecycle/refresh", "refreshSession", SESSIONS_MANAGE)
def refresh_session(call: OktaCall) -> dict[str, Any]:
    session, user = sessions.live(call, call.path["sessionId"])
    return sessions.render(call, sessions.refresh(call, session), user)


@route("DELETE", "/api/v1/sessions/{sessionId}", "revokeSession", SESSIONS_MANAGE)
def revoke_session(call: OktaCall) -> Reply:
    session, _ = sessions.live(call, call.path["sessionId"])
    sessions.close(call, session)
    return Reply(None, status=204)
