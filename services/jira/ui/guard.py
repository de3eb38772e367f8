"""The wrappers every UI handler goes through: who is signed in, the journal, faults, errors.

Pages are left out of the request journal; actions are journaled as `ui.<action>` for the
signed-in site. Errors of the domain code are shown on the page in Jira's words (never a 500).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from services.core.faults import InjectedFault
from services.core.ui.actions import fault_status, ui_action
from services.core.ui.session import UiUser, forget, sign_in_redirect, signed_in_user, ui_request
from services.jira.errors import JiraError
from services.jira.ui.acting import still_active
from services.jira.ui.shell import CHROME, render

Handler = Callable[[Request, UiUser], Awaitable[Response]]
Endpoint = Callable[[Request], Awaitable[Response]]

# Every action the UI journals (as `ui.<name>`): listed in the twin's operations.
ACTIONS = ("sign_in", "sign_in.dev", "sign_in.sso", "sign_out", "transition", "comment", "watch", "unwatch")


def error_page(request: Request, user: UiUser | None, error: JiraError) -> Response:
    messages = [*error.messages, *error.errors.values()] or ["Something went wrong."]
    return render(request, "jira_error.html", user, {"title": "Error", "messages": messages}, error.status_code)


def _user(request: Request) -> UiUser | Response:
    user = signed_in_user(request, CHROME.sign_in)
    if isinstance(user, RedirectResponse):
        return user
    if not still_active(request, user):
        response = sign_in_redirect(request, CHROME.sign_in)
        forget(request, response)
        return response
    return user


def page(handler: Handler) -> Endpoint:
    """A GET page: signed in (or sent to sign in), not journaled, domain errors shown."""

    async def endpoint(request: Request) -> Response:
        ui_request(request)
        user = _user(request)
        if isinstance(user, Response):
            return user
        try:
            return await handler(request, user)
        except JiraError as exc:
            return error_page(request, user, exc)

    return endpoint


def action(name: str, handler: Handler) -> Endpoint:
    """A form post journaled as `ui.<name>`; fault rules on that operation apply as on the API's."""
    assert name in ACTIONS, name

    async def endpoint(request: Request) -> Response:
        user = _user(request)
        if isinstance(user, Response):
            ui_request(request, name)
            return user
        try:
            # The core's one way: journaled as `ui.<name>`, and the fault rules on it applied.
            await ui_action(request, name, user.tenant)
            return await handler(request, user)
        except InjectedFault as exc:
            return error_page(request, user, _injected(exc))
        except JiraError as exc:
            return error_page(request, user, exc)

    return endpoint


def _injected(fault: InjectedFault) -> JiraError:
    """What the REST API answers for the same rule (services/jira/endpoint.py), shown as a page."""
    if fault.rule.kind == "rate_limit":
        return JiraError(429, "Rate limit exceeded.")
    return JiraError(fault_status(fault), fault.rule.error or "Internal server error")
