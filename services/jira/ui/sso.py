"""Logging in to the Jira UI through the site's Okta org: "Sign in with Okta" on `/login`.

`/login/sso` stores a pending sign-in (services/core/sso.py) and sends the browser to Okta's
authorize endpoint; Okta sends it back to `/sso/okta/callback`, where the ID token is verified
and the site's Atlassian account with that email is signed in, as Atlassian Guard does. Whoever
cannot enter (no account, a deactivated one, Okta's own error, an unreachable IdP, a replayed
link) gets a page saying so in Atlassian's words, never a 500.
"""

from __future__ import annotations

from urllib.parse import urlencode

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from services.core import sso as core_sso
from services.core.tenants import DEFAULT_TENANT
from services.core.twin import runtime_of
from services.core.ui.session import safe_next, ui_request
from services.core.ui.sign_in import signed_in
from services.jira import sso
from services.jira.models import SsoLogin, SsoSetting
from services.jira.ui.people import DEACTIVATED, ui_user
from services.jira.ui.shell import CHROME, PROJECTS_PATH, render

START_PATH = CHROME.sign_in + "/sso"
ACTION = "sign_in.sso"  # journaled as `ui.sign_in.sso`

# Error code -> (HTTP status, what the page says).
NO_ACCESS = "Your account doesn't have access to this site. Contact your site administrator to get access."
REFUSALS: dict[str, tuple[int, str]] = {
    sso.NOT_FOUND: (403, NO_ACCESS),
    sso.DEACTIVATED: (403, DEACTIVATED),
    "idp_error": (403, "Your identity provider didn't log you in."),
    "sso_failed": (502, "We couldn't reach your identity provider. Try again, or contact your site administrator."),
    "invalid_state": (400, "This login link has expired or was already used. Log in again."),
}


def _sign_in_page(tenant_id: str, next_path: str = PROJECTS_PATH) -> str:
    return f"{CHROME.sign_in}?{urlencode({'tenant': tenant_id, 'next': next_path})}"


def refused(request: Request, code: str, tenant_id: str, detail: str = "") -> Response:
    status, message = REFUSALS[code]
    context = {
        "title": "Log in to Jira",
        "heading": "We couldn't log you in",
        "code": code,
        "message": message,
        "detail": detail,
        "again": _sign_in_page(tenant_id),
        "again_label": "Back to log in",
    }
    return render(request, core_sso.REFUSED_TEMPLATE, None, context, status)


async def start_url(request: Request, tenant_id: str, next_path: str) -> str | None:
    """Where "Sign in with Okta" goes, when the site has SSO (Okta is contacted only on the click)."""
    return core_sso.start_url(runtime_of(request), SsoSetting, tenant_id, START_PATH, next_path)


async def start(request: Request) -> Response:
    """GET /login/sso: off to the site's Okta org."""
    runtime = runtime_of(request)
    tenant_id = request.query_params.get("tenant") or DEFAULT_TENANT
    if runtime.tenants.find(tenant_id) is None:
        tenant_id = DEFAULT_TENANT
    next_path = safe_next(request.query_params.get("next"), PROJECTS_PATH)
    ui_request(request, ACTION, tenant_id)
    setting = core_sso.setting(runtime, SsoSetting, tenant_id)
    if setting is None:  # SSO was removed since the page was shown
        return RedirectResponse(_sign_in_page(tenant_id, next_path), status_code=303)
    try:
        url = await core_sso.start(runtime, setting, SsoLogin, next_path=next_path)
    except core_sso.SsoFailed:
        return refused(request, "sso_failed", tenant_id)
    return RedirectResponse(url, status_code=302)


async def callback(request: Request) -> Response:
    """GET /sso/okta/callback: the account Okta vouched for is signed in to the site."""
    runtime = runtime_of(request)
    try:
        verified = await core_sso.complete(runtime, SsoSetting, SsoLogin, request.query_params)
    except core_sso.Refused as refusal:
        ui_request(request, ACTION, refusal.tenant_id)
        tenant_id = refusal.tenant_id or DEFAULT_TENANT
        if refusal.reason == core_sso.IDP_REFUSED:
            # Okta's own refusal (e.g. the person is not assigned to the app): its words, escaped by the template.
            detail = " ".join(p for p in (refusal.error, refusal.description) if p)
            return refused(request, "idp_error", tenant_id, detail or "access_denied")
        return refused(request, "sso_failed" if refusal.reason == core_sso.FAILED else "invalid_state", tenant_id)
    tenant_id = verified.tenant_id
    ui_request(request, ACTION, tenant_id)
    with runtime.store.session() as session:
        account = sso.account_for(session, tenant_id, verified.email)
        if isinstance(account, str):
            return refused(request, account, tenant_id, verified.email or "")
        user = ui_user(account)
    return signed_in(request, user, safe_next(verified.login.next_path, PROJECTS_PATH))


def routes() -> list[BaseRoute]:
    return [
        Route(START_PATH, start, methods=["GET"]),
        Route(sso.CALLBACK_PATH, callback, methods=["GET"]),
    ]
