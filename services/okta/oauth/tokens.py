"""Okta's tokens: RS256 JWT access and ID tokens, opaque refresh tokens and codes.

Every issued access token, refresh token and authorization code is stored in
`OAuthToken` (keyed by the SHA-256 of its value) so introspection, revocation,
userinfo and the Management API (`Bearer` credentials, see credentials.py) resolve
it. ID tokens are not stored: nothing presents them back except as a logout hint.
Lifetimes follow the defaults of Okta's default access policy: access and ID tokens
one hour; refresh tokens unlimited but expiring after seven days without use;
authorization codes five minutes.
"""

from __future__ import annotations

import base64
import hashlib
import secrets
from dataclasses import dataclass, field
from typing import Any

from joserfc import jwt
from joserfc.errors import JoseError
from sqlmodel import col, select

from services.okta.call import OktaCall
from services.okta.models import Group, GroupMember, OAuthToken, Org, User
from services.okta.oauth import keys
from services.okta.oauth.context import AuthServerRef
from services.okta.oktaids import new_id, new_secret
from services.okta.secrets import token_hash

ACCESS_TOKEN_LIFETIME = 3600
ID_TOKEN_LIFETIME = 3600
CODE_LIFETIME = 300
REFRESH_IDLE_LIFETIME = 7 * 86400
OIDC_SCOPES = frozenset({"openid", "profile", "email", "address", "phone", "offline_access", "groups"})


@dataclass
class Grant:
    """What tokens are issued for: a client, maybe a user, scopes, and the sign-in behind them."""

    server: AuthServerRef
    client_id: str
    scopes: list[str]
    user: User | None = None
    auth_time: float | None = None
    session_id: str | None = None
    nonce: str | None = None
    amr: list[str] = field(default_factory=lambda: ["pwd"])
    family: str | None = None  # the refresh-token family the tokens belong to


def _sign(call: OktaCall, server_id: str, claims: dict[str, Any]) -> str:
    key = keys.active_key(call, server_id)
    return jwt.encode({"alg": "RS256", "kid": key.kid}, claims, keys.private_key(key.private_pem))


def group_names(call: OktaCall, user: User) -> list[str]:
    rows = call.session.exec(
        select(Group)
        .join(GroupMember, col(GroupMember.group_id) == col(Group.id))
        .where(Group.tenant_id == call.tenant.id, GroupMember.tenant_id == call.tenant.id)
        .where(GroupMember.user_id == user.id)
        .order_by(col(Group.seq))
    )
    return [str((group.profile or {}).get("name")) for group in rows]


def _store(
    call: OktaCall, row_id: str, kind: str, value: str, grant: Grant, lifetime: float, **data: Any
) -> OAuthToken:
    now = call.now()
    row = OAuthToken(
        tenant_id=call.tenant.id,
        id=row_id,
        kind=kind,
        token_hash=token_hash(value),
        server_id=grant.server.id,
        client_id=grant.client_id,
        user_id=grant.user.id if grant.user else None,
        session_id=grant.session_id,
        scopes=list(grant.scopes),
        issued_at=now,
        expires_at=now + lifetime,
        data={"auth_time": grant.auth_time, "amr": grant.amr, "family": grant.family, **data},
    )
    call.session.add(row)
    return row


def issue_access_token(call: OktaCall, grant: Grant) -> tuple[str, OAuthToken]:
    now = int(call.now())
    jti = "AT." + new_secret(call.tenant, 43)
    server = grant.server
    claims: dict[str, Any] = {
        "ver": 1,
        "jti": jti,
        "iss": server.issuer,
        "aud": server.audiences[0] if len(server.audiences) == 1 else server.audiences,
        "iat": now,
        "exp": now + ACCESS_TOKEN_LIFETIME,
        "cid": grant.client_id,
    }
    if grant.user is not None:
        claims["uid"] = grant.user.id
    claims["scp"] = list(grant.scopes)
    if grant.auth_time is not None:
        claims["auth_time"] = int(grant.auth_time)
    claims["sub"] = (grant.user.profile or {}).get("login") if grant.user else grant.client_id
    if grant.user is not None and "groups" in grant.scopes:
        claims["groups"] = group_names(call, grant.user)
    value = _sign(call, server.id, claims)
    row = _store(call, jti, "access_token", value, grant, ACCESS_TOKEN_LIFETIME)
    return value, row


def at_hash(access_token: str) -> str:
    digest = hashlib.sha256(access_token.encode()).digest()
    return base64.urlsafe_b64encode(digest[: len(digest) // 2]).rstrip(b"=").decode()


def issue_id_token(call: OktaCall, grant: Grant, access_token: str | None) -> str:
    user = grant.user
    assert user is not None  # ID tokens are only issued for a signed-in user
    now = int(call.now())
    profile = user.profile or {}
    org = call.one(select(Org).where(Org.tenant_id == call.tenant.id))
    claims: dict[str, Any] = {
        "sub": user.id,
        "ver": 1,
        "iss": grant.server.issuer,
        "aud": grant.client_id,
        "iat": now,
        "exp": now + ID_TOKEN_LIFETIME,
        "jti": "ID." + new_secret(call.tenant, 43),
        "amr": list(grant.amr),
        "idp": org.id if org is not None else None,
    }
    if grant.nonce is not None:
        claims["nonce"] = grant.nonce
    if grant.auth_time is not None:
        claims["auth_time"] = int(grant.auth_time)
    if access_token is not None:
        claims["at_hash"] = at_hash(access_token)
    if "profile" in grant.scopes:
        claims["name"] = " ".join(p for p in (profile.get("firstName"), profile.get("lastName")) if p)
        claims["preferred_username"] = profile.get("login")
    if "email" in grant.scopes:
        claims["email"] = profile.get("email")
    if "groups" in grant.scopes:
        claims["groups"] = group_names(call, user)
    return _sign(call, grant.server.id, claims)


def issue_refresh_token(call: OktaCall, grant: Grant) -> tuple[str, OAuthToken]:
    value = new_secret(call.tenant, 43)
    row_id = new_id(call.tenant, "oar")
    if grant.family is None:
        grant.family = row_id
    row = _store(call, row_id, "refresh_token", value, grant, REFRESH_IDLE_LIFETIME)
    return value, row


def new_code() -> str:
    """Codes are opaque and single-use; unpredictable even with a seeded id generator."""
    return secrets.token_urlsafe(32)


def store_code(call: OktaCall, grant: Grant, value: str, **data: Any) -> OAuthToken:
    return _store(call, new_id(call.tenant, "oac"), "authorization_code", value, grant, CODE_LIFETIME, **data)


def lookup(call: OktaCall, value: str, kinds: tuple[str, ...]) -> OAuthToken | None:
    return call.one(
        select(OAuthToken).where(
            OAuthToken.tenant_id == call.tenant.id,
            OAuthToken.token_hash == token_hash(value),
            col(OAuthToken.kind).in_(kinds),
        )
    )


def usable(call: OktaCall, row: OAuthToken | None) -> bool:
    return row is not None and not row.revoked and call.now() < row.expires_at


def verified_claims(call: OktaCall, server: AuthServerRef, token: str) -> dict[str, Any] | None:
    """Claims of a JWT this server signed (any published key; expiry not checked), or None."""
    try:
        header = jwt.decode(token, lambda obj: _verification_key(call, server, obj.headers()))
    except (JoseError, ValueError, LookupError):
        return None
    claims = header.claims
    return claims if claims.get("iss") == server.issuer else None


def _verification_key(call: OktaCall, server: AuthServerRef, headers: dict[str, Any]) -> Any:
    row = keys.find_key(call, server.id, str(headers.get("kid")))
    if row is None:
        raise LookupError("unknown kid")
    return keys.public_key(row)
