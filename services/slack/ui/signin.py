"""Signing in to the Slack client: who may (dev sign-in) and single sign-on through Okta.

Slack's own sign-in (`slack.com/signin`) is by email link or the workspace's SSO; the twin
offers the SSO (when the workspace has it wired, services/slack/sso.py) and the development
one-click sign-in. The OIDC round trip is the install page's (services/core/sso.py), with the
same callback path `/sso/okta/callback` (so one redirect URI registered in Okta serves both);
a pending sign-in started here carries `UI_NEXT` in its stored query, by which the callback
(services/slack/oauth_http.py) knows to finish it here.
"""

from __future__ import annotations

from urllib.parse import quote, urlencode

from sqlmodel import col, select
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from services.core import sso as core_sso
from services.core.sso import REFUSED_TEMPLATE
from services.core.twin import TwinRuntime, runtime_of
from services.core.ui.session import UiUser, safe_next, ui_request
from services.core.ui.sign_in import signed_in
from services.core.ui.templates import Chrome
from services.slack import sso
from services.slack.models import SsoLogin, SsoSetting, User
from services.slack.ui.page import CHROME, TEMPLATES

START_PATH = "/signin/okta"
UI_NEXT = "dtu_ui_next"  # marks a stored SSO query as a sign-in to the client (and says where to go)

# Slack's messages for members SSO vouches for but who cannot use the workspace.
REFUSALS = {
    sso.USER_NOT_FOUND: "There's no account in this workspace for the person Okta signed in.",
    sso.ACCOUNT_INACTIVE: "This account has been deactivated.",
    "sso_failed": "Single sign-on with Okta failed. Try again, or ask a workspace admin.",
    "invalid_state": "This sign-in link has expired or was already used. Sign in again.",
}


def ui_user(user: User) -> UiUser:
    name = user.real_name or user.display_name or user.name
    return UiUser(tenant=user.tenant_id, id=user.id, name=name, email=user.email or "", extra={"team_id": user.team_id})


def people(runtime: TwinRuntime, tenant_id: str) -> list[UiUser]:
    """The dev sign-in's list: people of the workspace, not deactivated, not bots."""
    with runtime.store.session() as session:
        rows = session.exec(
            select(User)
            .where(User.tenant_id == tenant_id, col(User.deleted).is_(False), col(User.is_bot).is_(False))
            .order_by(col(User.real_name), col(User.name))
        ).all()
        return [ui_user(row) for row in rows]


async def sso_start_url(request: Request, tenant_id: str, next_path: str) -> str | None:
    """Where "Sign in with Okta" goes, when the workspace has SSO."""
    return core_sso.start_url(runtime_of(request), SsoSetting, tenant_id, START_PATH, next_path)


async def start(request: Request) -> Response:
    """GET /signin/okta: store a pending sign-in and send the browser to Okta's authorize endpoint."""
    runtime = runtime_of(request)
    tenant_id = request.query_params.get("tenant") or ""
    next_path = safe_next(request.query_params.get("next"), "/")
    if runtime.tenants.find(tenant_id) is None:
        return refused(request, "invalid_state", tenant_id)
    ui_request(request, "sign_in.sso", tenant_id)
    setting = core_sso.setting(runtime, SsoSetting, tenant_id)
    if setting is None:
        return RedirectResponse(f"{CHROME.sign_in}?tenant={quote(tenant_id)}", status_code=303)
    try:
        url = await core_sso.start(runtime, setting, SsoLogin, query=urlencode({UI_NEXT: next_path}))
    except core_sso.SsoFailed:
        return refused(request, "sso_failed", tenant_id)
    return RedirectResponse(url, status_code=302)


def is_ui_sign_in(original: dict[str, str]) -> bool:
    return UI_NEXT in original


def finish(request: Request, tenant_id: str, email: str | None, original: dict[str, str]) -> Response:
    """The end of the callback for a client sign-in: the member with Okta's verified email is signed in."""
    ui_request(request, "sign_in.sso", tenant_id)
    with runtime_of(request).store.session() as session:
        member = sso.member_by_email(session, tenant_id, email)
        if isinstance(member, str):
            return refused(request, member, tenant_id)
        return signed_in(request, ui_user(member), safe_next(original.get(UI_NEXT), "/"))


def refused(request: Request, error: str, tenant_id: str, chrome: Chrome = CHROME) -> Response:
    return TEMPLATES.TemplateResponse(
        request,
        REFUSED_TEMPLATE,
        {
            "ui": chrome,
            "user": None,
            "title": "Sign in",
            "heading": "We couldn't sign you in",
            "code": error,
            "message": REFUSALS.get(error, "You can't sign in to this workspace."),
            "again": f"{chrome.sign_in}?tenant={quote(tenant_id)}",
            "again_label": "Back to sign in",
        },
        status_code=403,
    )
