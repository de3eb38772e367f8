"""Google's OAuth 2.0 token endpoint, tokeninfo and revocation, as google-auth calls them.

Service-account keys carry `token_uri`; google-auth POSTs a JWT-bearer grant there
(`assertion` signed RS256 with the key, `aud` always Google's real token URL, `scope`,
and `sub` for domain-wide delegation). Authorized-user credentials POST a
`refresh_token` grant with the OAuth client's id and secret; an app that sent a user through
`/o/oauth2/auth` (signin.py) POSTs an `authorization_code` grant. Answers and errors are
RFC 6749 JSON, worded as Google words them.
"""

from __future__ import annotations

import base64
import binascii
import json
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from sqlmodel import Session, select
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from services.core.ids import ALNUM
from services.core.request_params import merged_params
from services.core.tenants import Tenant
from services.core.twin import TwinRuntime, runtime_of
from services.gdrive import scopes as scope_names
from services.gdrive import signin
from services.gdrive.credentials import TOKEN_PREFIX, token_hash
from services.gdrive.errors import OAuthError
from services.gdrive.models import AccessToken, OAuthClient, RefreshToken, ServiceAccount, User

JWT_BEARER = "urn:ietf:params:oauth:grant-type:jwt-bearer"
TOKEN_LIFETIME = 3599  # Google reports expires_in 3599 for a fresh token
MAX_ASSERTION_LIFETIME = 3600
# google-auth signs `aud` with Google's token URL whatever token_uri says; older clients used these.
TOKEN_AUDIENCES = (
    "https://oauth2.googleapis.com/token",
    "https://www.googleapis.com/oauth2/v4/token",
    "https://accounts.google.com/o/oauth2/token",
)
JSON_TYPE = "application/json; charset=utf-8"
NO_STORE = {"Cache-Control": "no-cache, no-store, max-age=0, must-revalidate", "Pragma": "no-cache"}


def _b64(segment: str) -> bytes:
    return base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4))


def _decode_jwt(assertion: str) -> tuple[dict[str, Any], dict[str, Any], bytes, bytes]:
    parts = assertion.split(".")
    if len(parts) != 3:
        raise OAuthError(
            "invalid_grant",
            "Invalid JWT: Token must be a short-lived token (60 minutes) and in a "
            "reasonable timeframe. Check your iat and exp values in the JWT claim.",
        )
    try:
        header, payload = json.loads(_b64(parts[0])), json.loads(_b64(parts[1]))
        signature = _b64(parts[2])
    except (ValueError, binascii.Error, UnicodeDecodeError):
        raise OAuthError("invalid_grant", "Invalid JWT Signature.") from None
    if not isinstance(header, dict) or not isinstance(payload, dict):
        raise OAuthError("invalid_grant", "Invalid JWT Signature.")
    return header, payload, f"{parts[0]}.{parts[1]}".encode(), signature


def _verify(public_pem: str, signing_input: bytes, signature: bytes) -> bool:
    key = serialization.load_pem_public_key(public_pem.encode())
    if not isinstance(key, rsa.RSAPublicKey):
        return False
    try:
        key.verify(signature, signing_input, padding.PKCS1v15(), hashes.SHA256())
    except InvalidSignature:
        return False
    return True


def issue(
    session: Session, tenant: Tenant, *, client_id: str, user_id: str, granted: list[str], client_email: str = ""
) -> dict[str, Any]:
    token = TOKEN_PREFIX + tenant.ids.draw(160, ALNUM + "-_")
    now = tenant.clock.time()
    session.add(
        AccessToken(
            tenant_id=tenant.id,
            token_hash=token_hash(token),
            client_id=client_id,
            client_email=client_email,
            user_id=user_id,
            scopes=granted,
            expires_at=now + TOKEN_LIFETIME + 1,
            created=now,
        )
    )
    return {"access_token": token, "expires_in": TOKEN_LIFETIME, "token_type": "Bearer"}


def _requested_scopes(raw: str, *, required: bool) -> list[str]:
    requested = scope_names.split(raw)
    if required and not requested:
        raise OAuthError("invalid_scope", "Invalid OAuth scope or ID token audience provided.")
    unknown = [s for s in requested if s not in scope_names.KNOWN]
    if unknown:
        raise OAuthError("invalid_scope", "Invalid OAuth scope or ID token audience provided.")
    return list(dict.fromkeys(requested))


def jwt_bearer(runtime: TwinRuntime, params: dict[str, Any]) -> dict[str, Any]:
    header, claims, signing_input, signature = _decode_jwt(str(params.get("assertion") or ""))
    issuer = str(claims.get("iss") or "")
    with runtime.store.session() as session:
        account = session.exec(select(ServiceAccount).where(ServiceAccount.client_email == issuer)).first()
        if account is None:
            raise OAuthError("invalid_grant", "Invalid grant: account not found")
        if header.get("alg") != "RS256" or not _verify(account.public_key_pem, signing_input, signature):
            raise OAuthError("invalid_grant", "Invalid JWT Signature.")
        audience = claims.get("aud")
        if audience not in TOKEN_AUDIENCES and audience != f"{runtime.base_url}/token":
            raise OAuthError("invalid_grant", "Invalid JWT: Failed audience check.")
        issued, expires = claims.get("iat"), claims.get("exp")
        if (
            not isinstance(issued, int | float)
            or not isinstance(expires, int | float)
            or not 0 < expires - issued <= MAX_ASSERTION_LIFETIME
        ):
            raise OAuthError(
                "invalid_grant",
                "Invalid JWT: Token must be a short-lived token (60 minutes) and in a reasonable timeframe. "
                "Check your iat and exp values in the JWT claim.",
            )
        granted = _requested_scopes(str(claims.get("scope") or ""), required=True)
        tenant = runtime.tenants.get(account.tenant_id)
        subject = claims.get("sub")
        if subject and subject != account.client_email:
            if not account.domain_wide_delegation:
                raise OAuthError(
                    "unauthorized_client",
                    "Client is unauthorized to retrieve access tokens using this method, or client not authorized "
                    "for any of the scopes requested.",
                    status=401,
                )
            user = session.exec(
                select(User).where(User.tenant_id == account.tenant_id, User.email == str(subject).lower())
            ).first()
            if user is None or user.kind != "user" or user.suspended:
                raise OAuthError("invalid_grant", "Invalid email or User ID")
        else:
            user = session.get(User, (account.tenant_id, account.client_id))
            if user is None:
                raise OAuthError("invalid_grant", "Invalid grant: account not found")
        return issue(
            session,
            tenant,
            client_id=account.client_id,
            user_id=user.id,
            granted=granted,
            client_email=account.client_email,
        )


def _authenticated_client(session: Session, params: dict[str, Any], request: Request) -> OAuthClient:
    """The OAuth client of client_secret_basic or client_secret_post credentials."""
    client_id, client_secret = _client_credentials(params, request)
    client = session.exec(select(OAuthClient).where(OAuthClient.client_id == client_id)).first()
    if client is None:
        raise OAuthError("invalid_client", "The OAuth client was not found.", status=401)
    if client.secret_hash != token_hash(client_secret):
        raise OAuthError("invalid_client", "Unauthorized", status=401)
    return client


def code_grant(runtime: TwinRuntime, params: dict[str, Any], request: Request) -> dict[str, Any]:
    """`grant_type=authorization_code`: tokens for the user who approved the code (and a refresh token if offline)."""
    with runtime.store.session() as session:
        client = _authenticated_client(session, params, request)
        code = signin.redeem(session, runtime, client, params)
        user = session.get(User, (code.tenant_id, code.user_id))
        if user is None or user.suspended:
            raise OAuthError("invalid_grant", "Bad Request")
        tenant = runtime.tenants.get(code.tenant_id)
        granted = list(code.scopes or [])
        answer = issue(session, tenant, client_id=client.client_id, user_id=user.id, granted=granted)
        answer["scope"] = " ".join(granted)
        if code.offline:
            refresh = "1//0" + tenant.ids.draw(96, ALNUM + "-_")
            session.add(
                RefreshToken(
                    tenant_id=tenant.id,
                    token_hash=token_hash(refresh),
                    client_id=client.client_id,
                    user_id=user.id,
                    scopes=granted,
                    created=tenant.clock.time(),
                )
            )
            answer["refresh_token"] = refresh
        return answer


def refresh_grant(runtime: TwinRuntime, params: dict[str, Any], request: Request) -> dict[str, Any]:
    with runtime.store.session() as session:
        client = _authenticated_client(session, params, request)
        refresh = session.get(RefreshToken, (client.tenant_id, token_hash(str(params.get("refresh_token") or ""))))
        if refresh is None or refresh.client_id != client.client_id:
            raise OAuthError("invalid_grant", "Bad Request")
        granted = list(refresh.scopes or [])
        if params.get("scope"):
            narrowed = _requested_scopes(str(params["scope"]), required=False)
            if any(s not in granted for s in narrowed):
                raise OAuthError("invalid_scope", "Bad Request")
            granted = narrowed
        user = session.get(User, (client.tenant_id, refresh.user_id))
        if user is None or user.suspended:
            raise OAuthError("invalid_grant", "Token has been expired or revoked.")
        tenant = runtime.tenants.get(client.tenant_id)
        answer = issue(session, tenant, client_id=client.client_id, user_id=user.id, granted=granted)
        answer["scope"] = " ".join(granted)
        return answer


def _client_credentials(params: dict[str, Any], request: Request) -> tuple[str, str]:
    header = request.headers.get("authorization", "")
    if header[:6].lower() == "basic ":
        try:
            client_id, _, secret = base64.b64decode(header[6:].strip()).decode().partition(":")
            return client_id, secret
        except (ValueError, UnicodeDecodeError):
            raise OAuthError("invalid_client", "Unauthorized", status=401) from None
    return str(params.get("client_id") or ""), str(params.get("client_secret") or "")


async def token(request: Request) -> Response:
    """POST /token: the JWT-bearer, refresh-token and authorization-code grants."""
    request.state.dtu_operation = "oauth2.token"
    runtime = runtime_of(request)
    params = await merged_params(request, runtime.settings.max_body_bytes)
    grant = str(params.get("grant_type") or "")
    if grant == JWT_BEARER:
        answer = jwt_bearer(runtime, params)
    elif grant == "refresh_token":
        answer = refresh_grant(runtime, params, request)
    elif grant == "authorization_code":
        answer = code_grant(runtime, params, request)
    elif not grant:
        raise OAuthError("unsupported_grant_type", "Invalid grant_type: ")
    else:
        raise OAuthError("unsupported_grant_type", f"Invalid grant_type: {grant}")
    return JSONResponse(answer, headers=NO_STORE, media_type=JSON_TYPE)


async def tokeninfo(request: Request) -> Response:
    """GET/POST /tokeninfo?access_token=...: what a token is (values are strings, as Google sends them)."""
    request.state.dtu_operation = "oauth2.tokeninfo"
    runtime = runtime_of(request)
    params = await merged_params(request, runtime.settings.max_body_bytes)
    raw = str(params.get("access_token") or "")
    with runtime.store.session() as session:
        row = (
            session.exec(select(AccessToken).where(AccessToken.token_hash == token_hash(raw))).first() if raw else None
        )
        tenant = runtime.tenants.find(row.tenant_id) if row is not None else None
        if row is None or tenant is None or tenant.clock.time() >= row.expires_at:
            raise OAuthError("invalid_token", "Invalid Value")
        request.state.dtu_tenant = tenant.id
        user = session.get(User, (row.tenant_id, row.user_id))
        now = tenant.clock.time()
        body: dict[str, Any] = {"azp": row.client_id, "aud": row.client_id}
        if user is not None and user.kind == "user":
            body["sub"] = user.id
        body["scope"] = " ".join(row.scopes or [])
        body["exp"] = str(int(row.expires_at))
        body["expires_in"] = str(max(int(row.expires_at - now), 0))
        if user is not None:
            body["email"] = user.email
            body["email_verified"] = "true"
        body["access_type"] = "online" if row.client_email else "offline"
    return JSONResponse(body, headers=NO_STORE, media_type=JSON_TYPE)


async def revoke(request: Request) -> Response:
    """POST /revoke?token=...: revokes an access token or a refresh token (and its access tokens)."""
    request.state.dtu_operation = "oauth2.revoke"
    runtime = runtime_of(request)
    params = await merged_params(request, runtime.settings.max_body_bytes)
    hashed = token_hash(str(params.get("token") or ""))
    with runtime.store.session() as session:
        access = session.exec(select(AccessToken).where(AccessToken.token_hash == hashed)).first()
        refresh = session.exec(select(RefreshToken).where(RefreshToken.token_hash == hashed)).first()
        if access is None and refresh is None:
            raise OAuthError("invalid_token", "Token expired or revoked")
        if access is not None:
            session.delete(access)
        if refresh is not None:
            for row in session.exec(
                select(AccessToken).where(
                    AccessToken.tenant_id == refresh.tenant_id,
                    AccessToken.client_id == refresh.client_id,
                    AccessToken.user_id == refresh.user_id,
                )
            ).all():
                session.delete(row)
            session.delete(refresh)
    runtime.extras["credentials"].invalidate()
    return JSONResponse({}, media_type=JSON_TYPE)


def routes() -> list[Route]:
    return [
        Route("/token", token, methods=["POST"]),
        Route("/oauth2/v4/token", token, methods=["POST"]),
        Route("/o/oauth2/token", token, methods=["POST"]),
        Route("/tokeninfo", tokeninfo, methods=["GET", "POST"]),
        Route("/oauth2/v3/tokeninfo", tokeninfo, methods=["GET", "POST"]),
        Route("/revoke", revoke, methods=["POST"]),
        Route("/o/oauth2/revoke", revoke, methods=["POST", "GET"]),
    ]
