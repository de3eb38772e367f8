"""What every page of the Google twin's UI shares: its chrome, templates, and the page/action wrappers.

A page handler is `(request, gateway) -> Response`; the wrappers sign the person in first
(redirecting to `/ServiceLogin` otherwise), mark the request for the journal (pages are left
out, actions are `ui.<action>`), and turn an API refusal into the page Google shows.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from services.core.faults import InjectedFault
from services.core.ui.actions import fault_status, ui_action
from services.core.ui.flash import flash_redirect
from services.core.ui.session import UiUser, forget, safe_next, signed_in_user, ui_request
from services.core.ui.templates import Chrome, ui_templates
from services.gdrive.errors import GoogleError
from services.gdrive.ui.gateway import Gateway, SignedOut

HOME = "/drive/my-drive"
SIGN_IN = "/ServiceLogin"  # accounts.google.com's sign-in page
SIGN_OUT = "/Logout"  # accounts.google.com's sign-out
CHROME = Chrome(brand="Google Drive (DTU twin)", accent="#1a73e8", home=HOME, sign_in=SIGN_IN, sign_out=SIGN_OUT)
TEMPLATES = ui_templates(Path(__file__).parent / "templates")

# Drive wraps sharing refusals as `Bad Request. User message: "..."`: the part meant for people.
USER_MESSAGE = re.compile(r'User message: "(.*)"\s*$', re.S)

PageHandler = Callable[[Request, Gateway], Awaitable[Response]]
Endpoint = Callable[[Request], Awaitable[Response]]


def render(request: Request, gateway: Gateway, template: str, context: dict[str, Any], status: int = 200) -> Response:
    user = UiUser(gateway.tenant.id, gateway.me.id, gateway.me.display_name or gateway.me.email, gateway.me.email)
    # Messages after an action come signed in the address (core flash), never as plain ?notice=/?error=.
    base = {"ui": CHROME, "user": user, "path": request.url.path}
    return TEMPLATES.TemplateResponse(request, template, {**base, **context}, status_code=status)


def not_found(request: Request, gateway: Gateway, message: str) -> Response:
    return render(request, gateway, "not_found.html", {"title": "Not found", "message": message}, status=404)


def _entered(request: Request) -> Gateway | Response:
    user = signed_in_user(request, SIGN_IN)
    if isinstance(user, RedirectResponse):
        return user
    try:
        return Gateway(request, user)
    except SignedOut:
        # Suspended or removed since signing in: Google ends the session.
        response = RedirectResponse(SIGN_IN, status_code=303)
        forget(request, response)
        return response


def page(handler: PageHandler) -> Endpoint:
    """A page: not journaled; a refusal of the API (a file the person cannot see) is a 404 page."""

    async def endpoint(request: Request) -> Response:
        ui_request(request)
        gateway = _entered(request)
        if isinstance(gateway, Response):
            return gateway
        try:
            return await handler(request, gateway)
        except GoogleError as error:
            return (
                not_found(request, gateway, error.message)
                if error.status_code == 404
                else _error_page(request, gateway, error)
            )

    return endpoint


def _error_page(request: Request, gateway: Gateway, error: GoogleError) -> Response:
    context = {"title": "Error", "message": error.message}
    return render(request, gateway, "not_found.html", context, status=error.status_code)


# Google's own words when a service fails or throttles (the pages drive.google.com shows).
FAULT_MESSAGES = {
    429: "We're sorry, but you have sent too many requests to us recently. Please try again later.",
    500: "Sorry, unable to perform this action at this time. Please try again later.",
}


def fault_page(request: Request, gateway: Gateway, fault: InjectedFault) -> Response:
    """A fault rule fired on a UI action: Google's error page, with the rule's status."""
    status = fault_status(fault)
    message = FAULT_MESSAGES.get(status, FAULT_MESSAGES[500])
    context = {"title": f"Error {status}", "status": status, "message": message, "reason": fault.rule.error or ""}
    return render(request, gateway, "error.html", context, status=status)


def action(name: str, handler: PageHandler) -> Endpoint:
    """A form post, journaled as `ui.<name>`; an API refusal goes back to the page with Google's message."""

    async def endpoint(request: Request) -> Response:
        gateway = _entered(request)
        if isinstance(gateway, Response):
            ui_request(request, name)
            return gateway
        try:
            # Journaled as `ui.<name>`; the inspector's fault toggles on it fire here.
            await ui_action(request, name, gateway.tenant.id)
            return await handler(request, gateway)
        except InjectedFault as fault:
            return fault_page(request, gateway, fault)
        except GoogleError as error:
            form = await request.form()
            return back(request, str(form.get("next") or ""), error=shown(error), keep=_kept(form))

    return endpoint


def shown(error: GoogleError) -> str:
    """What the page says about an API refusal: the user message where the API has one."""
    found = USER_MESSAGE.search(error.message)
    return found.group(1) if found else error.message


def _kept(form: Any) -> dict[str, str]:
    """The share dialog stays open after an action on it."""
    share = str(form.get("share") or "")
    return {"share": share} if share else {}


def back(
    request: Request, next_path: str, *, notice: str = "", error: str = "", keep: dict[str, str] | None = None
) -> RedirectResponse:
    """Back to the page the form was on, with a signed message (and what keeps a dialog open)."""
    target = safe_next(next_path, HOME).split("?", 1)[0]
    params = dict(keep or {})
    url = target + ("?" + urlencode(params) if params else "")
    return flash_redirect(request, url, notice=notice or None, error=error or None)


# -- formatting ---------------------------------------------------------------------------------
def when(rfc3339: str | None) -> str:
    """Drive's "Last modified" column: a date (Nov 3, 2026) and time."""
    if not rfc3339:
        return ""
    try:
        moment = dt.datetime.fromisoformat(rfc3339.replace("Z", "+00:00"))
    except ValueError:
        return rfc3339
    return moment.strftime("%b %-d, %Y %H:%M")


def size(raw: str | None) -> str:
    """Drive's "File size" column: "—" for folders and Google files, else bytes/KB/MB/GB."""
    if raw is None:
        return "—"
    count = int(raw)
    if count < 1024:
        return f"{count} bytes"
    value = count / 1024
    for unit in ("KB", "MB"):
        if value < 1024:
            return f"{value:.0f} {unit}"
        value /= 1024
    return f"{value:.1f} GB"


TEMPLATES.env.filters["when"] = when
TEMPLATES.env.filters["size"] = size
