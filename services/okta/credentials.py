"""Management API credentials: `SSWS <api token>` and `Bearer <access token>`.

The okta SDK sends `SSWS<token>` and `Bearer<token>` with no space from its generated
methods, so the scheme is matched with optional whitespace. A principal carries its
org (tenant), acting user or client, scopes (OAuth) and admin roles; it is cached
until anything it depends on changes (see `OktaCall.invalidate_credentials`).
"""

from __future__ import annotations

import re

from sqlmodel import select

from services.core.credentials import Principal
from services.core.store import Store
from services.okta.models import ApiToken, OAuthToken, RoleAssignment, User
from services.okta.secrets import token_hash

_SCHEME = re.compile(r"^\s*(SSWS|Bearer)\s*(\S+)\s*$", re.IGNORECASE)
ACTIVE_USER_STATUSES = frozenset({"ACTIVE", "PASSWORD_EXPIRED", "RECOVERY", "LOCKED_OUT"})


def parse_authorization(header: str | None) -> tuple[str, str] | None:
    """`SSWS abc` / `SSWSabc` / `Bearer x.y.z` -> ("SSWS", "abc"); None when absent or another scheme."""
    if not header:
        return None
    match = _SCHEME.match(header)
    if match is None:
        return None
    return ("SSWS" if match.group(1).upper() == "SSWS" else "Bearer"), match.group(2)


def cache_key(scheme: str, token: str) -> str:
    return f"{scheme} {token}"


def lookup_principal(store: Store, key: str) -> Principal | None:
    scheme, _, token = key.partition(" ")
    digest = token_hash(token)
    with store.session() as session:
        if scheme == "SSWS":
            api_token = session.exec(select(ApiToken).where(ApiToken.token_hash == digest)).first()
            if api_token is None:
                return None
            user = session.get(User, (api_token.tenant_id, api_token.user_id))
            if user is None or user.status not in ACTIVE_USER_STATUSES:
                return None
            roles = _roles(store, api_token.tenant_id, user.id)
            return Principal(
                tenant_id=api_token.tenant_id,
                subject=user.id,
                kind="ssws",
                credential=api_token.id,
                attributes={"roles": roles, "token_id": api_token.id, "expires_at": api_token.expires_at},
            )
        access = session.exec(
            select(OAuthToken).where(OAuthToken.token_hash == digest, OAuthToken.kind == "access_token")
        ).first()
        if access is None or access.revoked:
            return None
        subject_id = access.user_id or access.client_id
        return Principal(
            tenant_id=access.tenant_id,
            subject=subject_id,
            kind="oauth",
            scopes=frozenset(access.scopes or ()),
            credential=access.id,
            attributes={
                "roles": _roles(store, access.tenant_id, subject_id),
                "client_id": access.client_id,
                "user_id": access.user_id,
                "server_id": access.server_id,
                "expires_at": access.expires_at,
            },
        )


def _roles(store: Store, tenant_id: str, principal_id: str) -> frozenset[str]:
    with store.session() as session:
        rows = session.exec(
            select(RoleAssignment.type).where(
                RoleAssignment.tenant_id == tenant_id,
                RoleAssignment.principal_id == principal_id,
                RoleAssignment.status == "ACTIVE",
            )
        ).all()
    return frozenset(rows)
