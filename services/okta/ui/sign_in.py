"""Okta's sign-in page (`/login/login.htm`): username and password, or the dev one-click list.

The password is checked by the same code as the authorization servers' sign-in page
(`oauth.login.authenticate`): a deactivated, suspended or locked-out user is refused
with Okta's message, wrong passwords count towards lockout, and both failures and
successes are System Log `user.session.start` events. A successful sign-in also starts
an Okta session and sets its `sid` cookie, so a later OIDC authorize reuses it.

The core sign-in page calls the credential checker without the request; the checker
needs it (the System Log records the client), so the POST route is wrapped to hand it
over in a context variable.
"""

from __future__ import annotations

from contextvars import ContextVar
from dataclasses import dataclass

from sqlmodel import col, select
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from services.core.twin import TwinRuntime
from services.core.ui.session import UiUser
from services.core.ui.sign_in import SignIn, sign_in_routes
from services.okta.call import OktaCall
from services.okta.models import User
from services.okta.oauth import login
from services.okta.ui.web import CHROME, TEMPLATES

ACTIONS = ("sign_in", "sign_in.dev", "sign_out")
DEV_PEOPLE_LIMIT = 200


@dataclass
class _Attempt:
    request: Request
    session_id: str | None = None


_ATTEMPT: ContextVar[_Attempt | None] = ContextVar("okta_ui_sign_in", default=None)


def ui_user(tenant_id: str, user: User) -> UiUser:
    profile = user.profile or {}
    name = " ".join(str(p) for p in (profile.get("firstName"), profile.get("lastName")) if p) or user.id
    return UiUser(
        tenant=tenant_id, id=user.id, name=name, email=str(profile.get("email") or profile.get("login") or "")
    )


def people(runtime: TwinRuntime, tenant_id: str) -> list[UiUser]:
    """Who the development sign-in offers: the org's ACTIVE users (others could not sign in)."""
    with runtime.store.session() as session:
        rows = session.exec(
            select(User)
            .where(User.tenant_id == tenant_id, User.status == "ACTIVE")
            .order_by(col(User.seq))
            .limit(DEV_PEOPLE_LIMIT)
        ).all()
        return [ui_user(tenant_id, row) for row in rows]


def credentials(runtime: TwinRuntime, tenant_id: str, username: str, password: str) -> UiUser | str:
    attempt = _ATTEMPT.get()
    tenant = runtime.tenants.find(tenant_id)
    if attempt is None or tenant is None:
        return login.UNABLE
    with runtime.store.session() as session:
        call = OktaCall(request=attempt.request, runtime=runtime, tenant=tenant, session=session, principal=None)
        try:
            user = login.authenticate(call, username, password)
        except login.SignInFailed as failed:
            session.commit()  # the failure stands: counted towards lockout and logged
            outcome: UiUser | str = failed.message
        else:
            attempt.session_id = login.start_session(call, user).id
            outcome = ui_user(tenant_id, user)
            session.commit()
    for callback in call.after_commit:
        callback()
    return outcome


SIGN_IN = SignIn(
    chrome=CHROME,
    templates=TEMPLATES,
    people=people,
    credentials=credentials,
    username_label="Username",
    password_label="Password",
    title="Sign In",
)


def _with_request(endpoint: object) -> object:
    async def wrapped(request: Request) -> Response:
        attempt = _Attempt(request)
        token = _ATTEMPT.set(attempt)
        try:
            response: Response = await endpoint(request)  # type: ignore[operator]
        finally:
            _ATTEMPT.reset(token)
        if attempt.session_id is not None:
            response.set_cookie(
                login.COOKIE, attempt.session_id, path=login.cookie_path(request), httponly=True, samesite="lax"
            )
        return response

    return wrapped


def routes() -> list[BaseRoute]:
    wrapped: list[BaseRoute] = []
    for route in sign_in_routes(SIGN_IN):
        if isinstance(route, Route) and route.path == CHROME.sign_in and route.methods and "POST" in route.methods:
            route = Route(route.path, _with_request(route.endpoint), methods=["POST"])  # type: ignore[arg-type]
        wrapped.append(route)
    return wrapped
