"""What every Okta UI page shares: the chrome, who is looking, and running API code for them.

`run(...)` calls a Management API handler (or any function of an `OktaCall`) as the
signed-in admin, in one transaction, exactly as `endpoint.dispatch` does after its HTTP
concerns: the admin's roles are checked against the operation's permission, System Log
events are written with the admin as actor, and after commit the event hooks and
provisioning observers run. The handler sees the path parameters, query and body the
API would have been given.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, quote, urlencode, urlparse

from sqlmodel import select
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from services.core.credentials import Principal
from services.core.faults import InjectedFault
from services.core.twin import runtime_of
from services.core.ui.actions import fault_status, ui_action
from services.core.ui.flash import flash_redirect
from services.core.ui.session import UiUser, forget, signed_in_user, ui_request
from services.core.ui.templates import Chrome, ui_templates
from services.okta.call import OktaCall, Reply
from services.okta.errors import OktaError
from services.okta.models import RoleAssignment, User
from services.okta.permissions import authorize

CHROME = Chrome(
    brand="Okta (DTU twin)",
    accent="#1662dd",
    home="/app/UserHome",
    sign_in="/login/login.htm",
    sign_out="/login/signout",
)
TEMPLATES = ui_templates(Path(__file__).parent / "templates")
CONSOLE_HOME = "/admin/users"
_NEXT_AFTER = re.compile(r'<([^>]*)>;\s*rel="next"')


@dataclass(frozen=True)
class Viewer:
    """The signed-in person, with their admin roles as they stand now (not as at sign-in)."""

    user: UiUser
    roles: frozenset[str]

    @property
    def is_admin(self) -> bool:
        return bool(self.roles)

    def principal(self) -> Principal:
        # Acts like the admin's own API token: the same role rights (permissions.ROLE_RIGHTS),
        # and the System Log names the admin as the actor.
        return Principal(
            tenant_id=self.user.tenant,
            subject=self.user.id,
            kind="ui",
            attributes={"roles": self.roles, "user_id": self.user.id},
        )


def _live_roles(request: Request, user: UiUser) -> frozenset[str] | None:
    """The person's active admin roles; None when they can no longer use the org (deactivated...)."""
    runtime = runtime_of(request)
    with runtime.store.session() as session:
        row = session.get(User, (user.tenant, user.id))
        if row is None or row.status != "ACTIVE":
            return None
        roles = session.exec(
            select(RoleAssignment.type).where(
                RoleAssignment.tenant_id == user.tenant,
                RoleAssignment.principal_id == user.id,
                RoleAssignment.status == "ACTIVE",
            )
        ).all()
    return frozenset(roles)


def viewer(request: Request) -> Viewer | Response:
    """The signed-in person, or a redirect to the sign-in page (also once they are deactivated)."""
    who = signed_in_user(request, CHROME.sign_in)
    if isinstance(who, Response):
        return who
    roles = _live_roles(request, who)
    if roles is None:
        response = RedirectResponse(CHROME.sign_in + f"?tenant={quote(who.tenant)}", status_code=303)
        forget(request, response)
        return response
    return Viewer(who, roles)


def admin(request: Request) -> Viewer | Response:
    """An admin for the console; everyone else is sent to their dashboard, as Okta does."""
    found = viewer(request)
    if isinstance(found, Viewer) and not found.is_admin:
        return RedirectResponse(CHROME.home, status_code=303)
    return found


def looking(request: Request, gate: Callable[[Request], Viewer | Response] = admin) -> Viewer | Response:
    """Who may see a page (`gate`: `admin` for the console, `viewer` for anyone signed in).

    Pages are left out of the request journal (ui_request with no action).
    """
    ui_request(request)
    return gate(request)


async def acting(request: Request, action: str) -> Viewer | Response:
    """The admin taking a console action, journaled as `ui.<action>` for their org (a redirect is not).

    The fault rules on `ui.<action>` apply as they do to the API's operations: a fired
    rule answers with Okta's error page and the rule's status, and nothing changes.
    """
    who = admin(request)
    if not isinstance(who, Viewer):
        ui_request(request)
        return who
    try:
        await ui_action(request, action, who.user.tenant)
    except InjectedFault as fired:
        return fault_page(request, who, fired)
    return who


def injected_error(fired: InjectedFault) -> OktaError:
    """A fired fault rule as Okta's error (as the API answers it: E0000047 for a rate limit)."""
    if fired.rule.kind == "rate_limit":
        return OktaError("E0000047", status=fault_status(fired))
    return OktaError(fired.rule.error or "E0000009", status=fault_status(fired))


def fault_page(request: Request, who: Viewer | None, fired: InjectedFault) -> Response:
    """Okta's error page for an action a fault rule refused, with the rule's status."""
    refused = injected_error(fired)
    context = {"ui": CHROME, "user": who.user if who else None, "viewer": who, "error": message(refused)}
    return TEMPLATES.TemplateResponse(
        request, "error.html", {**context, "code": refused.code}, status_code=refused.status_code
    )


def run(
    request: Request,
    who: Viewer,
    handler: Callable[[OktaCall], Any],
    permission: str | None,
    *,
    path: dict[str, Any] | None = None,
    query: dict[str, Any] | None = None,
    body: Any = None,
) -> Any:
    """Run `handler` as the API would for `who`; OktaError when refused (shown on the page)."""
    runtime = runtime_of(request)
    tenant = runtime.tenants.get(who.user.tenant)
    principal = who.principal()
    if permission is not None:
        authorize(principal, permission)
    wanted = {key: value for key, value in (query or {}).items() if value not in (None, "")}
    scope = {**request.scope, "path_params": path or {}, "query_string": urlencode(wanted).encode()}
    api_request = Request(scope, request.receive)
    with runtime.store.session() as session:
        call = OktaCall(
            request=api_request, runtime=runtime, tenant=tenant, session=session, principal=principal, body=body
        )
        result = handler(call)
        session.commit()
    for callback in call.after_commit:
        callback()
    if call.failure is not None:
        raise call.failure
    return result


def attempt(
    request: Request,
    who: Viewer,
    handler: Callable[[OktaCall], Any],
    permission: str,
    here: str,
    notice: str,
    **call: Any,
) -> RedirectResponse:
    """An action's API call (`call`: path, query, body): back to `here` with `notice`, or with Okta's refusal."""
    try:
        run(request, who, handler, permission, **call)
    except OktaError as refused:
        return back(request, here, error=message(refused))
    return back(request, here, notice=notice)


def body_of(result: Any) -> Any:
    return result.body if isinstance(result, Reply) else result


def next_cursor(result: Any) -> str | None:
    """The `after` of the API's `rel="next"` link, for a page's "Next" button."""
    if not isinstance(result, Reply):
        return None
    found = _NEXT_AFTER.search(result.headers.get("Link", ""))
    if found is None:
        return None
    values = parse_qs(urlparse(found.group(1)).query).get("after")
    return values[0] if values else None


def message(error: OktaError) -> str:
    """Okta's words for a refusal: the errorSummary, then each errorCause's errorSummary, once each.

    One line each (the page's alert keeps the line breaks): joined on one line they read
    as "Api validation failed: name: name: The field cannot be left blank".
    """
    lines = [error.summary]
    for cause in error.causes:
        if cause not in lines:
            lines.append(cause)
    return "\n".join(lines)


def page(request: Request, template: str, who: Viewer, status_code: int = 200, **context: Any) -> Response:
    """A page of the UI. Messages after an action arrive signed (core flash), never as plain query text."""
    return TEMPLATES.TemplateResponse(
        request,
        template,
        {"ui": CHROME, "user": who.user, "viewer": who, **context},
        status_code=status_code,
    )


def back(request: Request, path: str, *, notice: str | None = None, error: str | None = None) -> RedirectResponse:
    """After an action: back to the page, with what happened (post/redirect/get, a signed flash)."""
    return flash_redirect(request, path, notice=notice, error=error)


async def form_fields(request: Request) -> dict[str, str]:
    form = await request.form()
    return {key: str(value) for key, value in form.items() if isinstance(value, str)}
