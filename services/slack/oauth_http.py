"""`GET /oauth/v2/authorize`: Slack's install page, approved at once (or after SSO sign-in).

There is no browser in a twin: the request is approved immediately as the
workspace's primary owner (or as the user named by the twin-only `dtu_user`
parameter, an id or a username) and answered with a 302 to `redirect_uri` carrying
`code` and `state`, exactly as Slack redirects after "Allow". `dtu_deny=1` answers
as if the user clicked "Cancel" (`error=access_denied`). With the `incoming-webhook`
scope the webhook's channel is the `channel_id` parameter (Slack's channel picker),
#general by default.

A workspace with single sign-on (the DTU `sso` seed setting: an OIDC app in an Okta org)
sends a request that names no `dtu_user` to the Okta sign-in page first; Okta sends the
browser back to `/sso/okta/callback`, which verifies who signed in (services/slack/sso.py),
finds the member by email and continues as them (an unknown email is `user_not_found`, a
deactivated member `account_inactive`).

The app is found by its `client_id` across tenants. Its `redirect_uri` must start
with one of the app's Redirect URLs when it has any (a twin app starts with none and
then accepts any URL). Problems Slack shows on its authorize page come back as a
400 HTML page naming Slack's error.
"""

from __future__ import annotations

import html
from collections.abc import Mapping
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from sqlmodel import Session, col, select
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from services.core import sso as core_sso
from services.core.tenants import Tenant
from services.core.twin import runtime_of
from services.slack import sso, webhooks
from services.slack.models import App, OAuthCode, SsoLogin, SsoSetting, User
from services.slack.ui import signin as ui_signin

ERROR_PAGE = "<!DOCTYPE html><html><body><h1>Oops, something went wrong.</h1><p>{error}</p></body></html>"
CODE_LIFETIME = 600  # seconds: Slack's codes expire after ten minutes
WEBHOOK_SCOPE = "incoming-webhook"


class AuthorizeProblem(Exception):
    def __init__(self, error: str) -> None:
        super().__init__(error)
        self.error = error


def scopes(raw: str | None) -> list[str]:
    """Scopes as Slack takes them: comma- (or space-) separated."""
    return list(dict.fromkeys(s for s in (raw or "").replace(" ", ",").split(",") if s))


def _redirect(url: str, values: dict[str, str]) -> Response:
    parts = urlsplit(url)
    query = urlencode([*parse_qsl(parts.query, keep_blank_values=True), *values.items()])
    return RedirectResponse(urlunsplit(parts._replace(query=query)), status_code=302)


def _user(session: Session, tenant_id: str, wanted: str | None) -> User:
    query = select(User).where(User.tenant_id == tenant_id, User.deleted == False, User.is_bot == False)  # noqa: E712
    if wanted:
        row = session.get(User, (tenant_id, wanted)) or session.exec(query.where(User.name == wanted)).first()
        if row is None or row.deleted or row.is_bot:
            raise AuthorizeProblem("invalid_user")
        return row
    ordered = query.order_by(col(User.is_primary_owner).desc(), col(User.is_owner).desc(), col(User.is_admin).desc())
    row = session.exec(ordered).first()
    if row is None:
        raise AuthorizeProblem("invalid_user")
    return row


def _webhook_channel(session: Session, tenant_id: str, channel_id: str | None) -> str:
    channel = webhooks.pick_channel(session, tenant_id, channel_id)
    if channel is None:
        raise AuthorizeProblem("invalid_channel")
    return channel.id


def _check_scopes(app: App, bot: list[str], user: list[str]) -> None:
    if not bot and not user:
        raise AuthorizeProblem("invalid_scope")
    allowed_bot = set(app.bot_scopes or ()) | {WEBHOOK_SCOPE}
    if any(s not in allowed_bot for s in bot) or any(s not in (app.user_scopes or ()) for s in user):
        raise AuthorizeProblem("invalid_scope")


def _issue_code(session: Session, tenant: Tenant, app: App, params: Mapping[str, str], installer: User) -> OAuthCode:
    bot, user = scopes(params.get("scope")), scopes(params.get("user_scope"))
    _check_scopes(app, bot, user)
    ids = tenant.ids
    code = OAuthCode(
        tenant_id=tenant.id,
        code=f"{ids.digits(12)}.{ids.digits(13)}.{ids.secret(64)}",
        app_id=app.id,
        user_id=installer.id,
        scopes=bot,
        user_scopes=user,
        redirect_uri=params.get("redirect_uri") or None,
        expires=int(tenant.clock.time()) + CODE_LIFETIME,
        webhook_channel_id=_webhook_channel(session, tenant.id, params.get("channel_id"))
        if WEBHOOK_SCOPE in bot
        else None,
    )
    session.add(code)
    return code


def _redirect_uri(app: App, given: str | None) -> str:
    configured = list(app.redirect_urls or [])
    if given:
        if configured and not any(given.startswith(url) for url in configured):
            raise AuthorizeProblem("bad_redirect_uri")
        return given
    if not configured:
        raise AuthorizeProblem("bad_redirect_uri")
    return configured[0]


def _error_page(error: str) -> Response:
    return HTMLResponse(ERROR_PAGE.format(error=html.escape(error)), status_code=400)


def _app(session: Session, params: Mapping[str, str]) -> App:
    client_id = params.get("client_id") or ""
    app = session.exec(select(App).where(App.client_id == client_id, App.deleted == False)).first()  # noqa: E712
    if app is None:
        raise AuthorizeProblem("invalid_client_id")
    return app


def _approved(session: Session, tenant: Tenant, app: App, params: Mapping[str, str], installer: User) -> Response:
    """Slack's redirect after "Allow": a code for `installer` (and the request's state) to `redirect_uri`."""
    target = _redirect_uri(app, params.get("redirect_uri"))
    state = {"state": params["state"]} if "state" in params else {}
    code = _issue_code(session, tenant, app, params, installer)
    return _redirect(target, {"code": code.code, **state})


async def authorize(request: Request) -> Response:
    runtime = runtime_of(request)
    request.state.dtu_operation = "oauth.v2.authorize"
    params = request.query_params
    try:
        with runtime.store.session() as session:
            app = _app(session, params)
            request.state.dtu_tenant = app.tenant_id
            target = _redirect_uri(app, params.get("redirect_uri"))
            state = {"state": params["state"]} if "state" in params else {}
            if params.get("dtu_deny") in ("1", "true"):
                return _redirect(target, {"error": "access_denied", **state})
            single_sign_on = None if params.get("dtu_user") else sso.setting(session, app.tenant_id)
            if single_sign_on is None:
                tenant = runtime.tenants.get(app.tenant_id)
                return _approved(session, tenant, app, params, _user(session, tenant.id, params.get("dtu_user")))
            # Problems Slack shows before anyone signs in are shown before the trip to the IdP.
            _check_scopes(app, scopes(params.get("scope")), scopes(params.get("user_scope")))
            session.expunge(single_sign_on)
        return await _to_identity_provider(request, single_sign_on)
    except AuthorizeProblem as problem:
        return _error_page(problem.error)


async def _to_identity_provider(request: Request, single_sign_on: SsoSetting) -> Response:
    try:
        url = await core_sso.start(runtime_of(request), single_sign_on, SsoLogin, query=request.url.query)
    except core_sso.SsoFailed:
        return _error_page("sso_failed")
    return RedirectResponse(url, status_code=302)


# The callback's refusals before anyone is identified, as Slack's error codes.
_REFUSED = {core_sso.UNKNOWN: "invalid_state", core_sso.EXPIRED: "expired_state", core_sso.FAILED: "sso_failed"}


async def sso_callback(request: Request) -> Response:
    """Where the IdP sends the browser back: the member it signed in installs the app."""
    runtime = runtime_of(request)
    request.state.dtu_operation = "oauth.v2.authorize"
    try:
        verified = await core_sso.complete(runtime, SsoSetting, SsoLogin, request.query_params)
    except core_sso.Refused as refusal:
        if refusal.tenant_id is not None:
            request.state.dtu_tenant = refusal.tenant_id
        # An IdP's own refusal (e.g. the person is not assigned to the Slack app in Okta) keeps its code.
        return _error_page(_REFUSED.get(refusal.reason) or refusal.error or "access_denied")
    request.state.dtu_tenant = verified.tenant_id
    original = dict(parse_qsl(verified.login.query, keep_blank_values=True))
    if ui_signin.is_ui_sign_in(original):
        # A sign-in to the web client (services/slack/ui/signin.py), not an install.
        return ui_signin.finish(request, verified.tenant_id, verified.email, original)
    tenant = runtime.tenants.get(verified.tenant_id)
    try:
        with runtime.store.session() as session:
            app = _app(session, original)
            member = sso.member_by_email(session, tenant.id, verified.email)
            if isinstance(member, str):
                raise AuthorizeProblem(member)
            return _approved(session, tenant, app, original, member)
    except AuthorizeProblem as problem:
        return _error_page(problem.error)


def routes() -> list[BaseRoute]:
    return [
        Route("/oauth/v2/authorize", authorize, methods=["GET"]),
        Route(sso.CALLBACK_PATH, sso_callback, methods=["GET"]),
    ]
