"""Access tokens the twin issued (`Authorization: Bearer ya29...` or `?access_token=`).

A token identifies its tenant (Workspace domain), so every domain shares the twin's root
URL. Tokens are stored hashed; the principal's subject is the Drive user acted for
(a service account acting as itself is a user of its own Drive).
"""

from __future__ import annotations

import hashlib

from sqlmodel import select

from services.core.credentials import Principal
from services.core.store import Store
from services.gdrive.models import AccessToken, User

TOKEN_PREFIX = "ya29."  # what Google's OAuth 2.0 access tokens start with


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


def bearer_token(authorization: str | None, query_token: str | None) -> str | None:
    """The access token of a request; "" when an Authorization header is present but malformed."""
    if authorization is not None and authorization.strip():
        scheme, _, value = authorization.strip().partition(" ")
        if scheme.lower() in ("bearer", "oauth") and value.strip():
            return value.strip()
        return ""
    return query_token or None


def lookup_principal(store: Store, token: str) -> Principal | None:
    with store.session() as session:
        row = session.exec(select(AccessToken).where(AccessToken.token_hash == token_hash(token))).first()
        if row is None:
            return None
        user = session.get(User, (row.tenant_id, row.user_id))
        if user is None or user.suspended:
            return None
        return Principal(
            tenant_id=row.tenant_id,
            subject=user.id,
            kind=user.kind,
            scopes=frozenset(row.scopes or []),
            credential=row.token_hash,
            attributes={"client_id": row.client_id, "expires_at": row.expires_at, "email": user.email},
        )
