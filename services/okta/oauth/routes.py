"""The authorization servers' HTTP routes: org server (`/oauth2/v1/...`) and custom servers.

Each route reads the form body (bounded), finds the org (pinned, or by client or
token), applies the org's rate limit and injected faults, and runs its synchronous
handler in one transaction. OAuth errors are answered as OAuth errors
(`{"error", "error_description"}` or a redirect); an unknown authorization server is
Okta's E0000007 envelope.
"""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlencode

from authlib.oauth2 import OAuth2Error, ResourceProtector
from authlib.oauth2.rfc6749 import AccessDeniedError
from authlib.oauth2.rfc6750 import BearerTokenValidator
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import Route

from services.core.twin import runtime_of
from services.okta import syslog
from services.okta.domain import sessions
from services.okta.endpoint import apply_rate_limit
from services.okta.models import User, UserSession
from services.okta.oauth import discovery, keys, login, tokens
from services.okta.oauth.adapter import NO_STORE, StarletteOAuth2Request, read_form
from services.okta.oauth.clients import OktaClient, find_client, is_assigned
from services.okta.oauth.context import OAuthCall, locate_tenant, resolve_server
from services.okta.oauth.server import OktaAuthorizationServer, StoredToken, okta_error
from services.okta.oauth.signin import error_page, sign_in_page

Handler = Callable[[OAuthCall], Response]
ROUTES: list[Route] = []
ORG = "/oauth2/v1"
CUSTOM = "/oauth2/{authServerId}/v1"


def oauth_route(
    methods: list[str], name: str, operation: str, *, well_known: str | None = None
) -> Callable[[Handler], Handler]:
    """Register a handler on the org server and on custom servers (operation ids from Okta's OAuth spec)."""

    def register(handler: Handler) -> Handler:
        for custom in (False, True):
            if well_known:
                path = f"/oauth2/{{authServerId}}/.well-known/{well_known}" if custom else f"/.well-known/{well_known}"
            else:
                path = f"{CUSTOM if custom else ORG}/{name}"
            op = operation + ("CustomAS" if custom else "")
            ROUTES.append(Route(path, _endpoint(handler, op), methods=methods, name=op))
        return handler

    return register


def _endpoint(handler: Handler, operation: str) -> Callable[[Request], object]:
    async def endpoint(request: Request) -> Response:
        runtime = runtime_of(request)
        request.state.dtu_operation = operation
        form = await read_form(request, runtime.settings.max_body_bytes)
        with runtime.store.session() as session:
            tenant = locate_tenant(runtime, session, request, form)
        request.state.dtu_tenant = tenant.id
        apply_rate_limit(runtime, request, tenant)
        await runtime.faults.apply(operation, tenant.id)
        with runtime.store.session() as session:
            call = OAuthCall(
                request=request, runtime=runtime, tenant=tenant, session=session, principal=None, form=form
            )
            call.server = resolve_server(call, request.path_params.get("authServerId"))
            response = handler(call)
            session.commit()
        for callback in call.after_commit:
            callback()
        response.headers.update(request.state.okta_rate_headers)
        return response

    return endpoint


# -- discovery and keys -----------------------------------------------------------------
@oauth_route(["GET"], "", "getWellKnownOpenIDConfiguration", well_known="openid-configuration")
def openid_configuration(call: OAuthCall) -> Response:
    return JSONResponse(discovery.metadata(call.auth_server, openid=True))


@oauth_route(["GET"], "", "getWellKnownOAuthConfiguration", well_known="oauth-authorization-server")
def oauth_configuration(call: OAuthCall) -> Response:
    return JSONResponse(discovery.metadata(call.auth_server, openid=False))


@oauth_route(["GET"], "keys", "oauthKeys")
def jwks(call: OAuthCall) -> Response:
    # Okta lets clients cache the JWKS; keys change only on rotation.
    return JSONResponse(
        keys.jwks(call, call.auth_server.id), headers={"Cache-Control": "max-age=3600, must-revalidate"}
    )


# -- authorize ---------------------------------------------------------------------------
@oauth_route(["GET", "POST"], "authorize", "authorize")
def authorize(call: OAuthCall) -> Response:
    server = OktaAuthorizationServer(call, "authorize")
    request = StarletteOAuth2Request(call.request, call.form, parameters="query")
    org_name = call.tenant.name
    try:
        grant = server.get_consent_grant(request)
    except OAuth2Error as error:
        okta_error(error)
        if error.redirect_uri:
            return server.handle_response(*error())
        return error_page(org_name, error.error or "invalid_request", error.description or "")
    client = request.client
    assert isinstance(client, OktaClient)  # get_consent_grant validated it
    data = request.payload.data
    action = call.request.url.path + ("?" + call.request.url.query if call.request.url.query else "")
    current = login.current_session(call, call.request)
    started = None
    headless = _headless_session(call)
    if headless is not None:
        started, current = headless[0], headless
    elif call.request.method == "POST":
        form = dict(call.form)
        username = form.get("username", "")
        try:
            user = login.authenticate(call, username, form.get("password", ""))
        except login.SignInFailed as failed:
            return sign_in_page(org_name, action, error=failed.message, username=username)
        started = login.start_session(call, user)
        current = (started, user)
    elif current is None or data.get("prompt") == "login":
        if data.get("prompt") == "none":
            required = OAuth2Error(
                "The client specified not to prompt, but the user is not logged in.",
                state=data.get("state"),
                redirect_uri=grant.redirect_uri,
                error="login_required",
            )
            return server.handle_response(*required())
        return sign_in_page(org_name, action)
    session, user = current
    if not is_assigned(call, client, user.id):
        syslog.record(
            call,
            "app.generic.unauth_app_access_attempt",
            outcome="FAILURE",
            reason="User is not assigned to the client application.",
            actor=syslog.user_target(user),
            targets=[syslog.app_target(client.app)],
            display_message="Unauthorized application access attempt",
            severity="WARN",
        )
        denied = AccessDeniedError(
            "User is not assigned to the client application.", state=data.get("state"), redirect_uri=grant.redirect_uri
        )
        response = server.handle_response(*denied())
    else:
        request.okta_session = {
            "auth_time": session.last_password_verification,
            "session_id": session.id,
            "amr": list(session.amr or ["pwd"]),
        }
        login.touch(call, session)  # SSO use of a session extends its idle lifetime
        response = server.create_authorization_response(request, grant_user=user, grant=grant)
        if response.status_code == 302 and "code=" in response.headers.get("location", ""):
            syslog.record(
                call, "user.authentication.sso", actor=syslog.user_target(user), targets=[syslog.app_target(client.app)]
            )
            event = "app.oauth2.authorize.code" if call.auth_server.is_org else "app.oauth2.as.authorize.code"
            syslog.record(
                call,
                event,
                actor=syslog.user_target(user),
                targets=[syslog.app_target(client.app)],
                display_message="OAuth2 authorization code request",
            )
    if started is not None:
        response.set_cookie(
            login.COOKIE, started.id, path=login.cookie_path(call.request), httponly=True, samesite="lax"
        )
    return response


def _headless_session(call: OAuthCall) -> tuple[UserSession, User] | None:
    """Headless sign-in: a one-time `sessionToken` from /api/v1/authn starts the session (and the
    `sid` cookie) without the sign-in page. A spent, expired or unknown one is ignored."""
    session_token = call.request.query_params.get("sessionToken")
    if not session_token or call.request.method != "GET":
        return None
    return sessions.from_session_token(call, session_token)


# -- token, introspect, revoke -----------------------------------------------------------
@oauth_route(["POST"], "token", "token")
def token(call: OAuthCall) -> Response:
    server = OktaAuthorizationServer(call, "token")
    response: Response = server.create_token_response(StarletteOAuth2Request(call.request, call.form))
    return response


@oauth_route(["POST"], "introspect", "introspect")
def introspect(call: OAuthCall) -> Response:
    server = OktaAuthorizationServer(call, "introspect")
    response: Response = server.create_endpoint_response(
        "introspection", StarletteOAuth2Request(call.request, call.form)
    )
    return response


@oauth_route(["POST"], "revoke", "revoke")
def revoke(call: OAuthCall) -> Response:
    server = OktaAuthorizationServer(call, "revoke")
    response: Response = server.create_endpoint_response("revocation", StarletteOAuth2Request(call.request, call.form))
    if response.status_code == 200:
        return Response(status_code=200, headers=NO_STORE)  # Okta answers a revocation with an empty body
    return response


# -- userinfo ----------------------------------------------------------------------------
class AccessTokenValidator(BearerTokenValidator):
    def __init__(self, server: OktaAuthorizationServer) -> None:
        super().__init__()
        self.server = server

    def authenticate_token(self, token_string: str) -> StoredToken | None:
        token = self.server.stored_token(token_string)
        return token if token is not None and token.row.kind == "access_token" else None


@oauth_route(["GET", "POST"], "userinfo", "userinfo")
def userinfo(call: OAuthCall) -> Response:
    server = OktaAuthorizationServer(call, "userinfo")
    protector = ResourceProtector()
    protector.register_token_validator(AccessTokenValidator(server))
    try:
        token = protector.validate_request(["openid"], StarletteOAuth2Request(call.request, call.form))
    except OAuth2Error as error:
        return _bearer_error(call, error)
    user = call.session.get(User, (call.tenant.id, token.row.user_id)) if token.row.user_id else None
    if user is None:
        return _bearer_error(call, OAuth2Error("The access token is invalid.", error="invalid_token", status_code=401))
    return JSONResponse(claims_for(user, token.row.scopes or [], call))


def claims_for(user: User, scopes: list[str], call: OAuthCall) -> dict[str, object]:
    profile = user.profile or {}
    body: dict[str, object] = {"sub": user.id}
    if "profile" in scopes:
        body.update(
            {
                "name": " ".join(p for p in (profile.get("firstName"), profile.get("lastName")) if p),
                "locale": profile.get("locale") or "en_US",
                "preferred_username": profile.get("login"),
                "given_name": profile.get("firstName"),
                "family_name": profile.get("lastName"),
                "zoneinfo": profile.get("timezone") or "America/Los_Angeles",
                "updated_at": int(user.last_updated),
            }
        )
    if "email" in scopes:
        body["email"] = profile.get("email")
        body["email_verified"] = True
    if "groups" in scopes:
        body["groups"] = tokens.group_names(call, user)
    return body


def _bearer_error(call: OAuthCall, error: OAuth2Error) -> Response:
    """Okta answers userinfo failures with an empty body and the reason in `WWW-Authenticate`."""
    server = call.auth_server
    name = error.error or "invalid_token"
    description = (
        "The access token is invalid."
        if name in ("invalid_token", "missing_authorization")
        else ("The access token must provide access to at least one of these scopes - profile, email, address or phone")
    )
    status = 403 if name == "insufficient_scope" else 401
    challenge = (
        f'Bearer authorization_uri="{server.endpoint("authorize")}", realm="{server.issuer}", scope="openid", '
        f'error="{"insufficient_scope" if status == 403 else "invalid_token"}", error_description="{description}", '
        f'resource="{call.request.url.path}"'
    )
    return Response(status_code=status, headers={"WWW-Authenticate": challenge})


# -- logout ------------------------------------------------------------------------------
@oauth_route(["GET", "POST"], "logout", "logout")
def logout(call: OAuthCall) -> Response:
    params = {**dict(call.request.query_params), **dict(call.form)}
    org_name = call.tenant.name
    hint = params.get("id_token_hint")
    claims = tokens.verified_claims(call, call.auth_server, hint) if hint else None
    if claims is None:
        return error_page(org_name, "invalid_request", "The 'id_token_hint' parameter is invalid or missing.")
    client = find_client(call, str(claims.get("aud")))
    target = params.get("post_logout_redirect_uri")
    if target and (client is None or target not in client.post_logout_redirect_uris):
        return error_page(
            org_name,
            "invalid_request",
            "The 'post_logout_redirect_uri' parameter must be a Logout redirect URI in the client app settings.",
        )
    current = login.current_session(call, call.request)
    if current is not None and current[1].id == claims.get("sub"):
        login.end_session(call, current[0])
    if target:
        query = urlencode({"state": params["state"]}) if params.get("state") else ""
        location = target + (("&" if "?" in target else "?") + query if query else "")
    else:
        location = call.org_url + "/"
    response = RedirectResponse(location, status_code=302)
    response.delete_cookie(login.COOKIE, path=login.cookie_path(call.request))
    return response
