"""Okta's sign-in page (`/login/login.htm`): username and password, or the dev one-click list.

The password is checked by the same code as the authorization servers' sign-in page
(`oauth.login.authenticate`): a deactivated, suspended or locked-out user is refused
with Okta's message, wrong passwords count towards lockout, and both failures and
successes are System Log `user.session.start` events. A successful sign-in also starts
an Okta session and sets its `sid` cookie, so a later OIDC authorize reuses it.

The core sign-in page calls the credential checker without the request; the checker
needs it (the System Log records the client), so the POST route is wrapped to hand it
over in a context variable. The development list is filtered on the server with the
Users API's `q` (an org may have thousands of people), and a click enters as anyone
ACTIVE, listed or not.

Signing out is Okta's own: it ends the Okta session the password sign-in started (a
`user.session.end` event) and deletes its `sid` cookie, so a later OIDC authorize asks
for the password again, then forgets the UI's cookie.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from contextvars import ContextVar
from dataclasses import dataclass
from urllib.parse import urlencode

from sqlmodel import col, select
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from services.core.faults import InjectedFault
from services.core.tenants import DEFAULT_TENANT
from services.core.twin import TwinRuntime, runtime_of
from services.core.ui.actions import ui_action
from services.core.ui.session import UiUser, cross_origin, current_user, forget, ui_request
from services.core.ui.sign_in import SignIn, sign_in_routes
from services.okta.call import OktaCall
from services.okta.domain import user_search
from services.okta.models import User
from services.okta.oauth import login
from services.okta.ui.web import CHROME, TEMPLATES, fault_page

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


def search(runtime: TwinRuntime, tenant_id: str, text: str) -> list[UiUser]:
    """The development list: the first ACTIVE people, or those the Users API's `q` finds."""
    tenant = runtime.tenants.find(tenant_id)
    if not text or tenant is None:
        return people(runtime, tenant_id)
    # The API's own `q` (firstName, lastName or email starts with), run on a request of its own.
    query = urlencode({"q": text, "limit": DEV_PEOPLE_LIMIT}).encode()
    request = Request({"type": "http", "method": "GET", "path": "/", "query_string": query, "headers": []})
    with runtime.store.session() as session:
        call = OktaCall(request=request, runtime=runtime, tenant=tenant, session=session, principal=None)
        found = user_search.list_users(call).users
        return [ui_user(tenant_id, user) for user in found if user.status == "ACTIVE"]


def find(runtime: TwinRuntime, tenant_id: str, person_id: str) -> UiUser | None:
    """Anyone ACTIVE may be entered as, listed on the page or not."""
    with runtime.store.session() as session:
        user = session.get(User, (tenant_id, person_id))
        return ui_user(tenant_id, user) if user is not None and user.status == "ACTIVE" else None


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
    find=find,
    search=search,
    username_label="Username",
    password_label="Password",
    title="Sign In",
)


Endpoint = Callable[[Request], Awaitable[Response]]


def _tenant_of(request: Request, form_value: str) -> str:
    """The org a sign-in form names (the default org when it names none that exists)."""
    wanted = form_value or request.query_params.get("tenant") or DEFAULT_TENANT
    return wanted if runtime_of(request).tenants.find(wanted) is not None else DEFAULT_TENANT


def _guarded(action: str, endpoint: Endpoint) -> Endpoint:
    """A sign-in POST with the fault rules on `ui.<action>` applied first (as the API's operations)."""

    async def guarded(request: Request) -> Response:
        form = await request.form()  # parsed once: the core endpoint reads the same form
        try:
            await ui_action(request, action, _tenant_of(request, str(form.get("tenant") or "")))
        except InjectedFault as fired:
            return fault_page(request, None, fired)
        return await endpoint(request)

    return guarded


def _with_request(endpoint: Endpoint) -> Endpoint:
    async def wrapped(request: Request) -> Response:
        attempt = _Attempt(request)
        token = _ATTEMPT.set(attempt)
        try:
            response: Response = await endpoint(request)
        finally:
            _ATTEMPT.reset(token)
        if attempt.session_id is not None:
            response.set_cookie(
                login.COOKIE, attempt.session_id, path=login.cookie_path(request), httponly=True, samesite="lax"
            )
        return response

    return wrapped


def _end_okta_session(request: Request, tenant_id: str) -> None:
    """End the org's Okta session this browser holds (its `sid`), as Okta's sign-out does."""
    runtime = runtime_of(request)
    tenant = runtime.tenants.find(tenant_id)
    if tenant is None:
        return
    with runtime.store.session() as session:
        call = OktaCall(request=request, runtime=runtime, tenant=tenant, session=session, principal=None)
        current = login.current_session(call, request)
        if current is None:
            return
        login.end_session(call, current[0])  # `user.session.end` in the System Log
        session.commit()
    for callback in call.after_commit:
        callback()


async def sign_out(request: Request) -> Response:
    response = RedirectResponse(CHROME.sign_in, status_code=303)
    if cross_origin(request):  # another site's form signs nobody out
        ui_request(request, "sign_out")
        return response
    who = current_user(request)
    tenant = who.tenant if who is not None else DEFAULT_TENANT
    try:
        await ui_action(request, "sign_out", tenant)
    except InjectedFault as fired:
        return fault_page(request, None, fired)
    if who is not None:
        _end_okta_session(request, who.tenant)
        response.headers["Location"] = CHROME.sign_in + "?" + urlencode({"tenant": who.tenant})
    response.delete_cookie(login.COOKIE, path=login.cookie_path(request))
    forget(request, response)
    return response


def routes() -> list[BaseRoute]:
    wrapped: list[BaseRoute] = []
    for route in sign_in_routes(SIGN_IN):
        if not isinstance(route, Route) or not route.methods or "POST" not in route.methods:
            wrapped.append(route)
        elif route.path == CHROME.sign_in:
            wrapped.append(Route(route.path, _guarded("sign_in", _with_request(route.endpoint)), methods=["POST"]))
        elif route.path == CHROME.sign_in + "/dev":
            wrapped.append(Route(route.path, _guarded("sign_in.dev", route.endpoint), methods=["POST"]))
        # The core sign-out (the UI cookie only) gives way to Okta's own, below.
    return [*wrapped, Route(CHROME.sign_out, sign_out, methods=["POST"])]
