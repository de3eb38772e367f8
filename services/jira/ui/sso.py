"""Logging in to the Jira UI through the site's Okta org: "Sign in with Okta" on `/login`.

`/login/sso` stores a pending sign-in (services/jira/sso.py) and sends the browser to Okta's
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

from services.core.tenants import DEFAULT_TENANT
from services.core.twin import runtime_of
from services.core.ui.session import safe_next, ui_request
from services.core.ui.sign_in import signed_in
from services.jira import sso
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
    context = {"title": "Log in to Jira", "code": code, "message": message, "detail": detail}
    return render(request, "jira_sso_refused.html", None, {**context, "again": _sign_in_page(tenant_id)}, status)


async def start_url(request: Request, tenant_id: str, next_path: str) -> str | None:
    """Where "Sign in with Okta" goes, when the site has SSO (Okta is contacted only on the click)."""
    with runtime_of(request).store.session() as session:
        if sso.setting(session, tenant_id) is None:
            return None
    return f"{START_PATH}?{urlencode({'tenant': tenant_id, 'next': next_path})}"


async def start(request: Request) -> Response:
    """GET /login/sso: off to the site's Okta org."""
    runtime = runtime_of(request)
    tenant_id = request.query_params.get("tenant") or DEFAULT_TENANT
    if runtime.tenants.find(tenant_id) is None:
        tenant_id = DEFAULT_TENANT
    next_path = safe_next(request.query_params.get("next"), PROJECTS_PATH)
    ui_request(request, ACTION, tenant_id)
    with runtime.store.session() as session:
        setting = sso.setting(session, tenant_id)
        if setting is not None:
            session.expunge(setting)
    if setting is None:  # SSO was removed since the page was shown
        return RedirectResponse(_sign_in_page(tenant_id, next_path), status_code=303)
    try:
        metadata = await sso.discover(setting.issuer)
    except sso.SsoFailed:
        return refused(request, "sso_failed", tenant_id)
    now = int(runtime.tenants.get(tenant_id).clock.time())
    with runtime.store.session() as session:
        url = sso.begin(session, setting, metadata, next_path, runtime.base_url, now)
    return RedirectResponse(url, status_code=302)


async def callback(request: Request) -> Response:
    """GET /sso/okta/callback: the account Okta vouched for is signed in to the site."""
    runtime = runtime_of(request)
    params = request.query_params
    with runtime.store.session() as session:
        login = sso.take_login(session, params.get("state") or "")
        setting = sso.setting(session, login.tenant_id) if login is not None else None
        if setting is not None:
            session.expunge(setting)
    if login is None or setting is None or runtime.tenants.find(login.tenant_id) is None:
        ui_request(request, ACTION)
        return refused(request, "invalid_state", DEFAULT_TENANT)
    tenant_id = login.tenant_id
    ui_request(request, ACTION, tenant_id)
    now = int(runtime.tenants.get(tenant_id).clock.time())
    if login.expires <= now:
        return refused(request, "invalid_state", tenant_id)
    if params.get("error") or not params.get("code"):
        # Okta's own refusal (e.g. the person is not assigned to the app): its words, escaped by the template.
        detail = " ".join(p for p in (params.get("error"), params.get("error_description")) if p)
        return refused(request, "idp_error", tenant_id, detail or "access_denied")
    try:
        claims = await sso.finish(setting, login, params["code"], runtime.base_url, now)
    except sso.SsoFailed:
        return refused(request, "sso_failed", tenant_id)
    with runtime.store.session() as session:
        account = sso.account_for(session, tenant_id, claims.get("email"))
        if isinstance(account, str):
            return refused(request, account, tenant_id, str(claims.get("email") or ""))
        user = ui_user(account)
    return signed_in(request, user, safe_next(login.next_path, PROJECTS_PATH))


def routes() -> list[BaseRoute]:
    return [
        Route(START_PATH, start, methods=["GET"]),
        Route(sso.CALLBACK_PATH, callback, methods=["GET"]),
    ]
