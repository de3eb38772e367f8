"""One authorization server (org or custom) for one request, on authlib's generic server.

authlib does the protocol (grant dispatch, client authentication, PKCE, token,
introspection and revocation endpoints); this module supplies Okta's rules: which
scopes a server grants, token contents (tokens.py), refresh-token rotation, user and
app state, and Okta's wording of every error. A server object is built per request:
it carries the request's transaction.
"""

from __future__ import annotations

import base64
import binascii
import re
from typing import Any

from authlib.oauth2 import AuthorizationServer, OAuth2Error
from authlib.oauth2.rfc6749 import (
    InvalidClientError,
    InvalidGrantError,
    InvalidRequestError,
    InvalidScopeError,
    OAuth2Request,
    grants,
)
from authlib.oauth2.rfc6749.util import scope_to_list
from authlib.oauth2.rfc7009 import RevocationEndpoint
from authlib.oauth2.rfc7523 import JWTBearerClientAssertion
from authlib.oauth2.rfc7636 import CodeChallenge
from authlib.oauth2.rfc7662 import IntrospectionEndpoint
from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet
from sqlmodel import col, select
from starlette.responses import Response

from services.okta import syslog
from services.okta.credentials import ACTIVE_USER_STATUSES
from services.okta.models import OAuthToken, User
from services.okta.oauth import tokens
from services.okta.oauth.adapter import NO_STORE, to_response
from services.okta.oauth.clients import OktaClient, find_client, has_admin_role, is_assigned
from services.okta.oauth.context import OAuthCall
from services.okta.secrets import token_hash

AUTH_METHODS = ["client_secret_basic", "client_secret_post", "private_key_jwt", "none"]
OKTA_SCOPE = re.compile(r"^okta\.[A-Za-z]+\.(read|manage)$")
CLIENT_CREDENTIALS_FORBIDDEN = frozenset({"openid", "profile", "email", "address", "phone", "offline_access", "groups"})

INVALID_CLIENT = "Invalid value for 'client_id' parameter."
BAD_SECRET = "The client secret supplied for a confidential client is invalid."
AUTH_FAILED = "Client authentication failed. Either the client or the client credentials are invalid."
BAD_CODE = "The authorization code is invalid or has expired."
BAD_REFRESH = "The refresh token is invalid or expired."
NO_SCOPES = "The authorization server resource does not have any configured default scopes, 'scope' must be provided."
UNKNOWN_SCOPE = "One or more scopes are not configured for the authorization server resource."
# authlib's wording -> Okta's, for the checks authlib makes itself.
OKTA_WORDING = {
    "The client does not exist on this server.": INVALID_CLIENT,
    "Missing 'client_id' parameter.": INVALID_CLIENT,
    "Invalid 'redirect_uri' in request.": (
        "The 'redirect_uri' does not match the redirection URI used in the authorization request."
    ),
    "Missing 'code' in request.": "The 'code' parameter is required.",
    "Missing 'refresh_token' in request.": "The 'refresh_token' parameter is required.",
    "Missing 'code_verifier'": "PKCE verification failed.",
    "Code challenge failed.": "PKCE verification failed.",
    "Invalid 'code_verifier'": "PKCE verification failed.",
    "The authorization request had no 'code_challenge', but a 'code_verifier' was provided.": (
        "PKCE verification failed."
    ),
    "Missing 'redirect_uri' in request.": (
        "The 'redirect_uri' parameter must be a Login redirect URI in the client app settings."
    ),
    "Invalid 'code_challenge'": "The 'code_challenge' parameter is invalid.",
    "Unsupported 'code_challenge_method'": "Unsupported 'code_challenge_method'. Supported values: [S256].",
}
DEFAULT_WORDING = {
    "invalid_grant": BAD_CODE,
    "invalid_scope": UNKNOWN_SCOPE,
    "invalid_client": AUTH_FAILED,
    "invalid_request": "The request is missing a required parameter.",
    "unsupported_grant_type": "The authorization grant type is not supported by the authorization server.",
    "unsupported_token_type": "The token_type_hint is not supported.",
    "access_denied": "User is not assigned to the client application.",
}


# -- the authorization code, refresh token and access token as authlib sees them ------
class StoredCode:
    def __init__(self, row: OAuthToken) -> None:
        self.row = row
        self.data: dict[str, Any] = dict(row.data or {})
        self.code_challenge = self.data.get("code_challenge")
        self.code_challenge_method = self.data.get("code_challenge_method")

    def get_redirect_uri(self) -> str | None:
        return self.data.get("redirect_uri")

    def get_scope(self) -> str:
        return " ".join(self.row.scopes or [])

    def get_nonce(self) -> str | None:
        return self.data.get("nonce")

    def get_auth_time(self) -> float | None:
        return self.data.get("auth_time")


class StoredToken:
    """An access or refresh token row for introspection, revocation and the refresh grant."""

    def __init__(self, row: OAuthToken, call: OAuthCall) -> None:
        self.row = row
        self.call = call

    def check_client(self, client: OktaClient) -> bool:
        return self.row.client_id == client.client_id

    def get_scope(self) -> str:
        return " ".join(self.row.scopes or [])

    def get_expires_in(self) -> int:
        return int(self.row.expires_at - self.row.issued_at)

    def is_expired(self) -> bool:
        return self.call.now() >= self.row.expires_at

    def is_revoked(self) -> bool:
        if self.row.revoked:
            return True
        if self.row.user_id is None:
            return False
        user = self.call.session.get(User, (self.call.tenant.id, self.row.user_id))
        return user is None or user.status not in ACTIVE_USER_STATUSES


# -- client authentication ------------------------------------------------------------
def _basic_credentials(request: OAuth2Request) -> tuple[str, str] | None:
    header = request.headers.get("authorization", "")
    if header[:6].lower() != "basic ":
        return None
    try:
        decoded = base64.b64decode(header[6:].strip(), validate=True).decode()
    except (binascii.Error, UnicodeDecodeError):
        raise InvalidClientError(status_code=401, description=AUTH_FAILED) from None
    client_id, _, secret = decoded.partition(":")
    return client_id, secret


def _secret_auth(server: OktaAuthorizationServer, client_id: str, secret: str) -> OktaClient:
    client = server.query_client(client_id)
    if client is None:
        raise InvalidClientError(status_code=401, description=INVALID_CLIENT)
    if not client.check_client_secret(secret):
        raise InvalidClientError(status_code=401, description=BAD_SECRET)
    return client


def secret_basic(server: OktaAuthorizationServer) -> Any:
    def authenticate(query_client: Any, request: OAuth2Request) -> OktaClient | None:
        credentials = _basic_credentials(request)
        return _secret_auth(server, *credentials) if credentials else None

    return authenticate


def secret_post(server: OktaAuthorizationServer) -> Any:
    def authenticate(query_client: Any, request: OAuth2Request) -> OktaClient | None:
        client_id, secret = request.form.get("client_id"), request.form.get("client_secret")
        return _secret_auth(server, client_id, secret) if client_id and secret else None

    return authenticate


def public_client(server: OktaAuthorizationServer) -> Any:
    def authenticate(query_client: Any, request: OAuth2Request) -> OktaClient | None:
        client_id = request.form.get("client_id")
        if not client_id or request.form.get("client_secret") or _basic_credentials(request):
            return None
        client = server.query_client(client_id)
        if client is None:
            raise InvalidClientError(status_code=401, description=INVALID_CLIENT)
        return client

    return authenticate


class PrivateKeyJWT(JWTBearerClientAssertion):
    """`private_key_jwt`: an RS256 client assertion signed with a key in the app's JWKS.

    Its `aud` must be the endpoint invoked (canonical or as addressed), its `jti` is
    single-use. Assertions are minted on the client's own (wall) clock, so `exp` is
    judged on wall time, not on the org's simulated clock.
    """

    CLIENT_AUTH_METHOD = "private_key_jwt"

    def __init__(self, server: OktaAuthorizationServer) -> None:
        super().__init__(leeway=60)
        self.server = server
        self._client_id = ""

    def __call__(self, query_client: Any, request: OAuth2Request) -> OktaClient | None:
        if (
            request.form.get("client_assertion")
            and request.form.get("client_assertion_type") != self.CLIENT_ASSERTION_TYPE
        ):
            raise InvalidClientError(status_code=401, description="The client_assertion_type is invalid.")
        try:
            return super().__call__(lambda cid: self.server.query_client(cid), request)
        except InvalidClientError as error:
            error.status_code = 401
            if error.description in ("The client does not exist on this server.", "Invalid claim: 'sub'"):
                error.description = INVALID_CLIENT
            raise

    def get_audiences(self) -> list[str]:
        name = self.server.endpoint_name
        server = self.server.call.auth_server
        return [server.endpoint(name), server.addressed_endpoint(name)]

    def resolve_client_public_key(self, client: OktaClient) -> KeySet:
        self._client_id = client.client_id
        try:
            return KeySet.import_key_set(client.jwks)  # type: ignore[arg-type]
        except (JoseError, ValueError, TypeError):
            raise InvalidClientError(status_code=401, description="The client_assertion JWT kid is invalid.") from None

    def process_assertion_claims(self, assertion: str, resolve_key: Any) -> Any:
        try:
            token = jwt.decode(assertion, resolve_key, algorithms=["RS256", "RS384", "RS512", "ES256"])
        except ValueError:
            raise InvalidClientError(description="The client_assertion JWT kid is invalid.") from None
        except JoseError:
            raise InvalidClientError(description="The client_assertion signature is invalid.") from None
        self.verify_claims(token.claims)
        return token.claims

    def verify_claims(self, claims: dict[str, Any]) -> None:
        audience = claims.get("aud")
        audiences = audience if isinstance(audience, list) else [audience]
        if not any(aud in self.get_audiences() for aud in audiences):
            raise InvalidClientError(
                description="The audience claim for client_assertion must be the endpoint invoked for the request."
            )
        registry = jwt.JWTClaimsRegistry(leeway=self.leeway, exp={"essential": True})
        try:
            registry.validate(claims)
        except JoseError:
            raise InvalidClientError(description="The client_assertion token is expired.") from None
        if claims.get("iss") != claims.get("sub"):
            raise InvalidClientError(description="The client_assertion issuer and subject must be the client_id.")
        jti = claims.get("jti")
        if not isinstance(jti, str) or not jti:
            raise InvalidClientError(description="The client_assertion token must contain a 'jti' claim.")
        if not self.validate_jti(claims, jti):
            raise InvalidClientError(description="The client_assertion token has already been used.")

    def validate_jti(self, claims: dict[str, Any], jti: str) -> bool:
        call = self.server.call
        digest = token_hash(f"{claims.get('sub')}:{jti}")
        seen = call.one(
            select(OAuthToken).where(OAuthToken.tenant_id == call.tenant.id, OAuthToken.token_hash == digest)
        )
        if seen is not None:
            return False
        now = call.now()
        call.session.add(
            OAuthToken(
                tenant_id=call.tenant.id,
                id=f"jti.{digest[:40]}",
                kind="client_assertion",
                token_hash=digest,
                client_id=str(claims.get("sub")),
                issued_at=now,
                expires_at=float(claims.get("exp") or now),
            )
        )
        return True


# -- grants ---------------------------------------------------------------------------
class Pkce(CodeChallenge):
    """PKCE with S256 only: Okta refuses `plain`. Required for public clients."""

    DEFAULT_CODE_CHALLENGE_METHOD = "S256"
    SUPPORTED_CODE_CHALLENGE_METHOD = ["S256"]

    def validate_code_challenge(self, grant: Any, redirect_uri: str) -> None:
        client = grant.request.client
        if not grant.request.payload.data.get("code_challenge") and client is not None and client.pkce_required:
            raise InvalidRequestError(
                "PKCE code challenge is required when the token endpoint authentication method is 'NONE'."
                if client.auth_method == "none"
                else "PKCE code challenge is required by the client app settings."
            )
        super().validate_code_challenge(grant, redirect_uri)


class AuthorizationCode(grants.AuthorizationCodeGrant):
    TOKEN_ENDPOINT_AUTH_METHODS = AUTH_METHODS
    server: OktaAuthorizationServer

    def generate_authorization_code(self) -> str:
        return tokens.new_code()

    def save_authorization_code(self, code: str, request: OAuth2Request) -> None:
        self.server.save_code(code, request)

    def query_authorization_code(self, code: str, client: OktaClient) -> StoredCode:
        call = self.server.call
        row = tokens.lookup(call, code, ("authorization_code",))
        if (
            row is None
            or not tokens.usable(call, row)
            or row.client_id != client.client_id
            or row.server_id != call.auth_server.id
        ):
            raise InvalidGrantError(BAD_CODE)
        return StoredCode(row)

    def delete_authorization_code(self, authorization_code: StoredCode) -> None:
        authorization_code.row.revoked = True  # single use
        self.server.call.session.add(authorization_code.row)

    def authenticate_user(self, authorization_code: StoredCode) -> User:
        return self.server.grant_user(authorization_code.row.user_id, BAD_CODE)


class RefreshToken(grants.RefreshTokenGrant):
    TOKEN_ENDPOINT_AUTH_METHODS = AUTH_METHODS
    server: OktaAuthorizationServer

    def _validate_request_client(self) -> OktaClient:
        client: OktaClient = self.authenticate_token_endpoint_client()
        if not client.check_grant_type(self.GRANT_TYPE):
            client.refuse_grant_type()  # Okta's wording rather than authlib's
        return client

    def authenticate_refresh_token(self, refresh_token: str) -> StoredToken:
        return self.server.refresh_token(refresh_token)

    def authenticate_user(self, refresh_token: StoredToken) -> User:
        return self.server.grant_user(refresh_token.row.user_id, BAD_REFRESH)

    def _validate_token_scope(self, token: StoredToken) -> None:
        requested = set(scope_to_list(self.request.payload.scope) or [])
        if requested - set(token.row.scopes or []):
            raise InvalidScopeError("The requested scope is invalid, unknown, or malformed.")

    def revoke_old_credential(self, refresh_token: StoredToken) -> None:
        self.server.retire_refresh_token(refresh_token.row)


class ClientCredentials(grants.ClientCredentialsGrant):
    TOKEN_ENDPOINT_AUTH_METHODS = AUTH_METHODS
    server: OktaAuthorizationServer

    def validate_requested_scope(self) -> None:
        self.server.check_scopes(self.request.payload.scope, "client_credentials", self.request.client)


class Introspection(IntrospectionEndpoint):
    CLIENT_AUTH_METHODS = AUTH_METHODS
    server: OktaAuthorizationServer

    def query_token(self, token_string: str, token_type_hint: str | None) -> StoredToken | None:
        return self.server.stored_token(token_string)

    def check_permission(self, token: StoredToken, client: OktaClient, request: OAuth2Request) -> bool:
        return token.check_client(client)  # another client's token introspects as inactive

    def introspect_token(self, token: StoredToken) -> dict[str, Any]:
        return self.server.introspection(token.row)


class Revocation(RevocationEndpoint):
    CLIENT_AUTH_METHODS = AUTH_METHODS
    server: OktaAuthorizationServer

    def query_token(self, token_string: str, token_type_hint: str | None) -> StoredToken | None:
        return self.server.stored_token(token_string)

    def authenticate_token(self, request: OAuth2Request, client: OktaClient) -> StoredToken | None:
        self.check_params(request, client)
        token = self.query_token(request.form["token"], request.form.get("token_type_hint"))
        # Another client's token, or an unknown one, is not an error (RFC 7009 §2.2): nothing happens.
        return token if token is not None and token.check_client(client) else None

    def revoke_token(self, token: StoredToken, request: OAuth2Request) -> None:
        self.server.revoke(token.row)


# -- the server -----------------------------------------------------------------------
class OktaAuthorizationServer(AuthorizationServer):
    def __init__(self, call: OAuthCall, endpoint_name: str = "token") -> None:
        super().__init__()
        self.call = call
        self.endpoint_name = endpoint_name  # the endpoint invoked: a client assertion's audience
        self.current: OAuth2Request | None = None
        self.register_token_generator("default", self.generate_tokens)
        self.register_client_auth_method("client_secret_basic", secret_basic(self))
        self.register_client_auth_method("client_secret_post", secret_post(self))
        self.register_client_auth_method("none", public_client(self))
        self.register_client_auth_method("private_key_jwt", PrivateKeyJWT(self))
        self.register_grant(AuthorizationCode, [Pkce(required=True)])
        self.register_grant(RefreshToken)
        self.register_grant(ClientCredentials)
        self.register_endpoint(Introspection)
        self.register_endpoint(Revocation)

    # -- authlib's integration points ---------------------------------------------------
    def query_client(self, client_id: str) -> OktaClient | None:
        return find_client(self.call, client_id) if client_id else None

    def save_token(self, token: dict[str, Any], request: OAuth2Request) -> None:
        pass  # tokens are stored as they are issued (tokens.py)

    def create_oauth2_request(self, request: OAuth2Request) -> OAuth2Request:
        self.current = request
        return request

    def create_json_request(self, request: Any) -> Any:
        return request

    def send_signal(self, name: str, *args: Any, **kwargs: Any) -> None:
        pass

    def handle_response(self, status: int, body: Any, headers: Any) -> Response:
        pairs = list(headers.items()) if isinstance(headers, dict) else list(headers or [])
        if isinstance(body, dict):
            pairs += list(NO_STORE.items())
        return to_response(status, body, pairs)

    def handle_error_response(self, request: OAuth2Request, error: OAuth2Error) -> Response:
        okta_error(error)
        if error.error in ("invalid_grant", "invalid_scope", "unauthorized_client", "unsupported_grant_type"):
            self._log_refusal(error)
        return self.handle_response(*error())

    # -- Okta's rules ---------------------------------------------------------------------
    def validate_requested_scope(self, scope: str | None) -> None:
        self.check_scopes(scope, "authorization_code", None)

    def check_scopes(self, scope: str | None, grant_type: str, client: OktaClient | None) -> list[str]:
        scopes = scope_to_list(scope) or []
        if not scopes:
            raise InvalidScopeError(NO_SCOPES)
        server = self.call.auth_server
        for name in scopes:
            if OKTA_SCOPE.match(name):
                if not server.is_org:
                    raise InvalidScopeError(UNKNOWN_SCOPE)
            elif name not in tokens.OIDC_SCOPES and name not in server.custom_scopes:
                raise InvalidScopeError(UNKNOWN_SCOPE)
        if grant_type == "client_credentials":
            assert client is not None
            if any(name in CLIENT_CREDENTIALS_FORBIDDEN for name in scopes):
                raise InvalidScopeError("Client Credentials requests cannot contain OpenID scopes.")
            # No /grants API yet: a service app holding an admin role is granted every okta.* scope.
            if any(OKTA_SCOPE.match(name) for name in scopes) and not has_admin_role(self.call, client.client_id):
                raise InvalidScopeError("The requested scope is invalid, unknown, or malformed.")
        return scopes

    def grant_user(self, user_id: str | None, description: str) -> User:
        """The user a code or refresh token was issued to, if they may still get tokens."""
        call = self.call
        user = call.session.get(User, (call.tenant.id, user_id)) if user_id else None
        if user is None or user.status not in ACTIVE_USER_STATUSES or user.status == "LOCKED_OUT":
            raise InvalidGrantError(description)
        client = self.current.client if self.current is not None else None
        if client is not None and not is_assigned(call, client, user.id):
            raise InvalidGrantError(description)
        return user

    def save_code(self, code: str, request: OAuth2Request) -> None:
        data = request.payload.data
        extra = getattr(request, "okta_session", {})
        grant = tokens.Grant(
            server=self.call.auth_server,
            client_id=request.client.client_id,
            scopes=scope_to_list(request.scope) or [],
            user=request.user,
            auth_time=extra.get("auth_time"),
            session_id=extra.get("session_id"),
            nonce=data.get("nonce"),
            amr=list(extra.get("amr") or ["pwd"]),
        )
        tokens.store_code(
            self.call,
            grant,
            code,
            redirect_uri=data.get("redirect_uri"),
            code_challenge=data.get("code_challenge"),
            code_challenge_method=data.get("code_challenge_method"),
            nonce=data.get("nonce"),
        )

    def refresh_token(self, value: str) -> StoredToken:
        call = self.call
        row = tokens.lookup(call, value, ("refresh_token",))
        if row is None or row.server_id != call.auth_server.id:
            raise InvalidGrantError(BAD_REFRESH)
        data = dict(row.data or {})
        rotated_at = data.get("rotated_at")
        now = call.now()
        if rotated_at is not None and now > rotated_at + float(data.get("leeway") or 0):
            self._detect_reuse(row)
            raise InvalidGrantError(BAD_REFRESH)
        if row.revoked or now >= row.expires_at:
            raise InvalidGrantError(BAD_REFRESH)
        return StoredToken(row, call)

    def _detect_reuse(self, row: OAuthToken) -> None:
        """A rotated-out refresh token used after its grace period: the whole family is revoked."""
        call = self.call
        family = (row.data or {}).get("family")
        revoke_family(call, row.client_id, family)
        prefix = "app.oauth2.token" if call.auth_server.is_org else "app.oauth2.as.token"
        syslog.record(
            call,
            f"{prefix}.detect_reuse",
            outcome="FAILURE",
            reason="Refresh token reuse detected",
            display_message="Refresh token reuse detected",
            severity="WARN",
        )

    def retire_refresh_token(self, row: OAuthToken) -> None:
        """After a refresh: ROTATE retires the token after the grace period; STATIC slides its idle expiry."""
        client = self.current.client if self.current is not None else None
        kind, leeway = client.rotation if client is not None else ("STATIC", 0)
        if kind == "ROTATE":
            row.data = {**(row.data or {}), "rotated_at": self.call.now(), "leeway": leeway}
        else:
            row.expires_at = self.call.now() + tokens.REFRESH_IDLE_LIFETIME
        self.call.session.add(row)

    def stored_token(self, value: str) -> StoredToken | None:
        row = tokens.lookup(self.call, value, ("access_token", "refresh_token"))
        if row is None or row.server_id != self.call.auth_server.id:
            return None
        if row.kind == "refresh_token" and (row.data or {}).get("rotated_at") is not None:
            data = row.data or {}
            if self.call.now() > float(data["rotated_at"]) + float(data.get("leeway") or 0):
                return None
        return StoredToken(row, self.call)

    def introspection(self, row: OAuthToken) -> dict[str, Any]:
        call = self.call
        body: dict[str, Any] = {"active": True, "scope": " ".join(row.scopes or [])}
        user = call.session.get(User, (call.tenant.id, row.user_id)) if row.user_id else None
        if user is not None:
            body["username"] = (user.profile or {}).get("login")
        body["exp"] = int(row.expires_at)
        body["iat"] = int(row.issued_at)
        body["sub"] = (user.profile or {}).get("login") if user is not None else row.client_id
        server = call.auth_server
        body["aud"] = server.audiences[0] if len(server.audiences) == 1 else server.audiences
        body["iss"] = server.issuer
        if row.kind == "access_token":
            body["jti"] = row.id
        body["token_type"] = "Bearer" if row.kind == "access_token" else "refresh_token"
        body["client_id"] = row.client_id
        if user is not None:
            body["uid"] = user.id
        return body

    def revoke(self, row: OAuthToken) -> None:
        """Revoking a refresh token also revokes the access tokens issued with it, as Okta does."""
        call = self.call
        row.revoked = True
        call.session.add(row)
        family = (row.data or {}).get("family")
        if row.kind == "refresh_token" and family:
            revoke_family(call, row.client_id, family)
        call.invalidate_credentials()
        prefix = "app.oauth2.token" if call.auth_server.is_org else "app.oauth2.as.token"
        syslog.record(call, f"{prefix}.revoke", display_message="OAuth2 token revocation request")

    # -- the token generator --------------------------------------------------------------
    def generate_tokens(
        self,
        grant_type: str,
        client: OktaClient,
        user: User | None = None,
        scope: str | None = None,
        expires_in: int | None = None,
        include_refresh_token: bool = True,
    ) -> dict[str, Any]:
        call = self.call
        request = self.current
        scopes = scope_to_list(scope) or []
        grant = tokens.Grant(server=call.auth_server, client_id=client.client_id, scopes=scopes, user=user)
        previous: OAuthToken | None = None
        if request is not None and isinstance(request.authorization_code, StoredCode):
            code = request.authorization_code
            grant.auth_time = code.get_auth_time()
            grant.nonce = code.get_nonce()
            grant.session_id = code.row.session_id
            grant.amr = list((code.row.data or {}).get("amr") or ["pwd"])
        elif request is not None and isinstance(request.refresh_token, StoredToken):
            previous = request.refresh_token.row
            data = previous.data or {}
            grant.auth_time = data.get("auth_time")
            grant.session_id = previous.session_id
            grant.amr = list(data.get("amr") or ["pwd"])
            grant.family = data.get("family") or previous.id
        refresh_value: str | None = None
        if grant_type == "authorization_code" and "offline_access" in scopes and include_refresh_token:
            refresh_value, _ = tokens.issue_refresh_token(call, grant)
        elif grant_type == "refresh_token" and previous is not None:
            if client.rotation[0] == "ROTATE":
                refresh_value, _ = tokens.issue_refresh_token(call, grant)
            else:
                refresh_value = request.form.get("refresh_token") if request is not None else None
        access_token, _ = tokens.issue_access_token(call, grant)
        body: dict[str, Any] = {
            "token_type": "Bearer",
            "expires_in": tokens.ACCESS_TOKEN_LIFETIME,
            "access_token": access_token,
            "scope": " ".join(scopes),
        }
        if refresh_value is not None:
            body["refresh_token"] = refresh_value
        if user is not None and "openid" in scopes:
            body["id_token"] = tokens.issue_id_token(call, grant, access_token)
        self._log_grant(grant_type, client, user, body)
        return body

    def _log_grant(self, grant_type: str, client: OktaClient, user: User | None, body: dict[str, Any]) -> None:
        call = self.call
        prefix = "app.oauth2.token.grant" if call.auth_server.is_org else "app.oauth2.as.token.grant"
        actor = syslog.user_target(user) if user is not None else _client_actor(client)
        for kind in ("access_token", "id_token", "refresh_token"):
            if kind in body:
                syslog.record(
                    call,
                    f"{prefix}.{kind}",
                    actor=actor,
                    targets=[syslog.app_target(client.app)],
                    display_message="OAuth2 " + kind.replace("_", " ") + " is granted",
                    debug_data={"grantType": grant_type, "grantedScopes": body.get("scope", "")},
                )

    def _log_refusal(self, error: OAuth2Error) -> None:
        call = self.call
        event = "app.oauth2.token.grant" if call.auth_server.is_org else "app.oauth2.as.token.grant"
        syslog.record(
            call,
            event,
            outcome="FAILURE",
            reason=error.error,
            severity="WARN",
            display_message="OAuth2 token grant request",
        )


def revoke_family(call: OAuthCall, client_id: str, family: str | None) -> None:
    """Every token issued from one sign-in's refresh-token chain (refresh and access tokens)."""
    if not family:
        return
    rows = call.session.exec(
        select(OAuthToken).where(
            OAuthToken.tenant_id == call.tenant.id,
            OAuthToken.client_id == client_id,
            col(OAuthToken.revoked).is_(False),
        )
    )
    for token in rows:
        if (token.data or {}).get("family") == family:
            token.revoked = True
            call.session.add(token)
    call.invalidate_credentials()


def _client_actor(client: OktaClient) -> dict[str, Any]:
    return {
        "id": client.client_id,
        "type": "PublicClientApp",
        "alternateId": client.client_id,
        "displayName": client.app.label,
        "detailEntry": None,
    }


def okta_error(error: OAuth2Error) -> OAuth2Error:
    """Okta's wording and statuses for an authlib error (in place)."""
    description = error.description or ""
    if description.startswith("Redirect URI ") and description.endswith(" is not supported by client."):
        description = "Missing 'redirect_uri' in request."  # Okta words a wrong and a missing one alike
    error.description = OKTA_WORDING.get(description) or description or DEFAULT_WORDING.get(error.error or "", "")
    if error.error == "invalid_client":
        error.status_code = 401
    return error


__all__ = ["InvalidRequestError", "OktaAuthorizationServer", "okta_error"]
