"""Google's OAuth 2.0 authorization endpoint (`/o/oauth2/auth`, `/o/oauth2/v2/auth`) and the code grant.

There is no browser in a twin: without single sign-on the request is approved at once, as
the user named by the twin-only `dtu_user` parameter or by `login_hint` (an email or a
Directory user id), else the domain's first administrator, and answered with Google's 302 to
`redirect_uri?state=..&code=..&scope=..`. The tenant's OAuth client is a Desktop-app client,
so `redirect_uri` must be a loopback URL (any port), as Google requires of such clients;
anything else is Google's `redirect_uri_mismatch` page.

A domain with SSO (the DTU seed key `sso`: an OIDC web app in an Okta org) sends a request
naming no `dtu_user` to Okta's sign-in page first (services/core/sso.py); Okta sends
the browser back to `/sso/okta/callback`, which verifies the ID token and continues as the
Directory user of that email. A suspended user gets Google's error page, an unknown one too.

`grant_type=authorization_code` at the token endpoint redeems the code once (PKCE checked,
`redirect_uri` compared), returning a refresh token when the request said `access_type=offline`.
"""

from __future__ import annotations

import hmac
import html
from collections.abc import Mapping
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit

from sqlmodel import Session, col, select
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from services.core import oidc_client
from services.core import sso as core_sso
from services.core.ids import ALNUM
from services.core.tenants import Tenant
from services.core.twin import TwinRuntime, runtime_of
from services.core.ui.session import UiUser, safe_next, ui_request
from services.core.ui.sign_in import signed_in
from services.gdrive import scopes as scope_names
from services.gdrive.credentials import token_hash
from services.gdrive.errors import OAuthError
from services.gdrive.models import AuthCode, OAuthClient, SsoLogin, SsoSetting, User

CALLBACK_PATH = core_sso.CALLBACK_PATH
# Marks a sign-in to the twin's web UI (services/gdrive/ui/signin.py) rather than an OAuth client's:
# the IdP's callback then sets the UI's cookie and goes on to this path.
UI_NEXT = "dtu_ui_next"
UI_HOME = "/drive/my-drive"
CODE_LIFETIME = 600  # seconds: Google's authorization codes are short-lived
CODE_PREFIX = "4/0A"  # Google's authorization codes start so
LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "[::1]", "::1")
PAGE = (
    "<!DOCTYPE html><html><head><title>Error {status}: {error}</title></head><body>"
    "<h1>{heading}</h1><p>{detail}</p><p>Error {status}: {error}</p></body></html>"
)


class AuthorizeProblem(Exception):
    """What Google shows on its own page instead of redirecting (the client or its redirect cannot be trusted)."""

    def __init__(self, error: str, detail: str, status: int = 400, heading: str = "Access blocked") -> None:
        super().__init__(error)
        self.error, self.detail, self.status, self.heading = error, detail, status, heading


def _page(problem: AuthorizeProblem) -> Response:
    body = PAGE.format(
        status=problem.status,
        error=html.escape(problem.error),
        heading=html.escape(problem.heading),
        detail=html.escape(problem.detail),
    )
    return HTMLResponse(body, status_code=problem.status)


# -- the request --------------------------------------------------------------------------------
def _client(session: Session, params: Mapping[str, str]) -> OAuthClient:
    client_id = params.get("client_id") or ""
    if not client_id:
        raise AuthorizeProblem("invalid_request", "Missing required parameter: client_id")
    client = session.exec(select(OAuthClient).where(OAuthClient.client_id == client_id)).first()
    if client is None:
        raise AuthorizeProblem("invalid_client", "The OAuth client was not found.", status=401)
    return client


def _redirect_uri(params: Mapping[str, str]) -> str:
    given = params.get("redirect_uri") or ""
    if not given:
        raise AuthorizeProblem("invalid_request", "Missing required parameter: redirect_uri")
    parts = urlsplit(given)
    if parts.scheme != "http" or parts.hostname not in LOOPBACK_HOSTS:
        raise AuthorizeProblem(
            "redirect_uri_mismatch",
            "You can't sign in to this app because it doesn't comply with Google's OAuth 2.0 policy. "
            f"Request details: redirect_uri={given}",
        )
    return given


def _scopes(params: Mapping[str, str]) -> list[str]:
    requested = scope_names.split(params.get("scope") or "")
    if not requested:
        raise AuthorizeProblem("invalid_request", "Missing required parameter: scope")
    unknown = [s for s in requested if s not in scope_names.KNOWN]
    if unknown:
        raise AuthorizeProblem("invalid_scope", f"Some requested scopes were invalid. {{invalid={unknown}}}")
    return list(dict.fromkeys(requested))


def _check(params: Mapping[str, str]) -> list[str]:
    """Problems Google shows on its page before anyone signs in."""
    response_type = params.get("response_type") or ""
    if not response_type:
        raise AuthorizeProblem("invalid_request", "Required parameter is missing: response_type")
    if response_type != "code":
        raise AuthorizeProblem("unsupported_response_type", f"Invalid response_type: {response_type}")
    method = params.get("code_challenge_method")
    if method is not None and method not in ("S256", "plain"):
        raise AuthorizeProblem("invalid_request", "Invalid code_challenge_method value.")
    return _scopes(params)


def _redirect(target: str, values: dict[str, str]) -> Response:
    separator = "&" if urlsplit(target).query else "?"
    return RedirectResponse(target + separator + urlencode(values), status_code=302)


def _user(session: Session, tenant_id: str, wanted: str | None) -> User:
    people = select(User).where(User.tenant_id == tenant_id, User.kind == "user")
    if wanted:
        row = session.get(User, (tenant_id, wanted)) or session.exec(people.where(User.email == wanted.lower())).first()
    else:
        row = session.exec(people.order_by(col(User.is_admin).desc(), col(User.created))).first()
    if row is None or row.kind != "user":
        raise AuthorizeProblem(
            "access_denied", "Couldn't find your Google Account.", status=403, heading="Sign in failed"
        )
    if row.suspended:
        raise AuthorizeProblem(
            "access_denied",
            f"Account disabled: {row.email} has been suspended by your administrator.",
            status=403,
            heading="Sign in failed",
        )
    return row


def _approved(session: Session, tenant: Tenant, client: OAuthClient, params: Mapping[str, str], user: User) -> Response:
    """Google's redirect after consent: a code (with state and the granted scopes) to `redirect_uri`."""
    target, granted = _redirect_uri(params), _check(params)
    code = CODE_PREFIX + tenant.ids.draw(70, ALNUM + "-_")
    session.add(
        AuthCode(
            tenant_id=tenant.id,
            code_hash=token_hash(code),
            client_id=client.client_id,
            user_id=user.id,
            scopes=granted,
            redirect_uri=target,
            code_challenge=params.get("code_challenge") or "",
            code_challenge_method=(params.get("code_challenge_method") or "plain")
            if params.get("code_challenge")
            else "",
            offline=params.get("access_type") == "offline",
            expires=tenant.clock.time() + CODE_LIFETIME,
        )
    )
    state = {"state": params["state"]} if "state" in params else {}
    return _redirect(target, {**state, "code": code, "scope": " ".join(granted)})


async def authorize(request: Request) -> Response:
    runtime = runtime_of(request)
    request.state.dtu_operation = "oauth2.authorize"
    params = request.query_params
    try:
        with runtime.store.session() as session:
            client = _client(session, params)
            request.state.dtu_tenant = client.tenant_id
            _redirect_uri(params)
            _check(params)
            single_sign_on = None if params.get("dtu_user") else session.get(SsoSetting, client.tenant_id)
            if single_sign_on is None:
                tenant = runtime.tenants.get(client.tenant_id)
                wanted = params.get("dtu_user") or params.get("login_hint")
                return _approved(session, tenant, client, params, _user(session, tenant.id, wanted))
            session.expunge(single_sign_on)
        return await _to_identity_provider(runtime, request.url.query, single_sign_on)
    except AuthorizeProblem as problem:
        return _page(problem)


# -- single sign-on -----------------------------------------------------------------------------
def configure_sso(session: Session, tenant_id: str, spec: Any) -> None:
    """Set (or, with None, remove) the domain's SSO; `spec` is `{issuer, client_id, client_secret}`."""
    core_sso.configure(session, SsoSetting, tenant_id, spec)


def _idp_unavailable() -> AuthorizeProblem:
    return AuthorizeProblem(
        "access_denied",
        "Your organization's sign-in service could not be reached.",
        status=502,
        heading="Sign in failed",
    )


async def _to_identity_provider(runtime: TwinRuntime, query: str, sso: SsoSetting) -> Response:
    try:
        url = await core_sso.start(runtime, sso, SsoLogin, query=query)
    except core_sso.SsoFailed:
        return _page(_idp_unavailable())
    return RedirectResponse(url, status_code=302)


def _refusal(refusal: core_sso.Refused) -> AuthorizeProblem:
    """Google's page for a callback that identified no one."""
    if refusal.reason == core_sso.FAILED:
        return _idp_unavailable()
    if refusal.reason == core_sso.IDP_REFUSED:
        return AuthorizeProblem(refusal.error or "access_denied", "Your organization refused the sign-in.")
    if refusal.reason == core_sso.EXPIRED:
        return AuthorizeProblem("invalid_request", "The sign-in request has expired.")
    return AuthorizeProblem("invalid_request", "The sign-in request is unknown or was already used.")


async def sso_callback(request: Request) -> Response:
    """Where the IdP sends the browser back: the user it vouched for is signed in to Google."""
    runtime = runtime_of(request)
    request.state.dtu_operation = "oauth2.authorize"
    try:
        try:
            verified = await core_sso.complete(runtime, SsoSetting, SsoLogin, request.query_params)
        except core_sso.Refused as refusal:
            if refusal.tenant_id is not None:
                request.state.dtu_tenant = refusal.tenant_id
            raise _refusal(refusal) from None
        tenant = runtime.tenants.get(verified.tenant_id)
        request.state.dtu_tenant = tenant.id
        email = verified.email or "\0"  # no email names no one (never the domain's first administrator)
        original = dict(parse_qsl(verified.login.query, keep_blank_values=True))
        if UI_NEXT in original:
            ui_request(request, "sign_in.sso", tenant.id)
            with runtime.store.session() as session:
                person = _user(session, tenant.id, email)
            return signed_in(request, ui_user(tenant.id, person), safe_next(original[UI_NEXT], UI_HOME))
        with runtime.store.session() as session:
            client = _client(session, original)
            user = _user(session, tenant.id, email)
            return _approved(session, tenant, client, original, user)
    except AuthorizeProblem as problem:
        return _page(problem)


def ui_user(tenant_id: str, user: User) -> UiUser:
    """A Directory user as signed in to the twin's web UI."""
    return UiUser(tenant_id, user.id, user.display_name or user.email, user.email)


async def start_ui_sign_in(runtime: TwinRuntime, tenant_id: str, next_path: str) -> Response | None:
    """Single sign-on to the twin's web UI through the domain's Okta org; None when the domain has none."""
    sso = core_sso.setting(runtime, SsoSetting, tenant_id)
    if sso is None:
        return None
    return await _to_identity_provider(runtime, urlencode({UI_NEXT: next_path}), sso)


# -- the token endpoint's authorization_code grant ---------------------------------------------------
def _verifier_matches(code: AuthCode, verifier: str) -> bool:
    expected = oidc_client.s256(verifier) if code.code_challenge_method == "S256" else verifier
    return hmac.compare_digest(expected, code.code_challenge)


def redeem(session: Session, runtime: TwinRuntime, client: OAuthClient, params: dict[str, Any]) -> AuthCode:
    """The code of `params`, used up (whatever the outcome, as Google does), for this client and redirect_uri."""
    raw = str(params.get("code") or "")
    if not raw:
        raise OAuthError("invalid_request", "Missing required parameter: code")
    code = session.exec(select(AuthCode).where(AuthCode.code_hash == token_hash(raw))).first()
    if code is None:
        raise OAuthError("invalid_grant", "Bad Request" if raw.startswith(CODE_PREFIX) else "Malformed auth code.")
    session.delete(code)
    session.commit()  # the code is spent even when this attempt fails below
    verifier = str(params.get("code_verifier") or "")
    if code.client_id != client.client_id or code.expires <= runtime.tenants.get(code.tenant_id).clock.time():
        raise OAuthError("invalid_grant", "Bad Request")
    if str(params.get("redirect_uri") or "") != code.redirect_uri:
        raise OAuthError("redirect_uri_mismatch", "Bad Request")
    if code.code_challenge and not verifier:
        raise OAuthError("invalid_grant", "Missing code verifier.")
    if code.code_challenge and not _verifier_matches(code, verifier):
        raise OAuthError("invalid_grant", "Invalid code verifier.")
    return code


def routes() -> list[BaseRoute]:
    return [
        Route("/o/oauth2/auth", authorize, methods=["GET"]),
        Route("/o/oauth2/v2/auth", authorize, methods=["GET"]),
        Route(CALLBACK_PATH, sso_callback, methods=["GET"]),
    ]
