"""Jira Cloud credentials: `Basic base64(email:api_token)` and `Bearer <token>`.

An API token identifies its user, and so the site (tenant): every site can share the
twin's root URL. Basic auth must name the token owner's email, as in Jira Cloud. The
twin also accepts the API token as a Bearer token (Jira Cloud's Bearer tokens are OAuth
2.0 access tokens, which the twin does not issue; see the README).
"""

from __future__ import annotations

import base64
import binascii
import hashlib

from sqlmodel import select

from services.core.credentials import Principal
from services.core.store import Store
from services.jira.models import ApiToken, AuthSession, User

SESSION_COOKIE = "cloud.session.token"  # the cookie POST /rest/auth/1/session sets


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


def parse_authorization(header: str | None) -> str | None:
    """A cache key for the credential (`basic <email>\\n<token>` / `bearer <token>`); "" when malformed."""
    if not header or not header.strip():
        return None
    scheme, _, value = header.strip().partition(" ")
    value = value.strip()
    if scheme.lower() == "basic":
        try:
            decoded = base64.b64decode(value, validate=True).decode("utf-8")
        except (binascii.Error, UnicodeDecodeError, ValueError):
            return ""
        email, colon, token = decoded.partition(":")
        if not colon:
            return ""
        return f"basic {email.strip().lower()}\n{token}"
    if scheme.lower() == "bearer" and value:
        return f"bearer {value}"
    return ""


def lookup_principal(store: Store, key: str) -> Principal | None:
    scheme, _, rest = key.partition(" ")
    if scheme == "cookie":
        return _session_principal(store, rest)
    email, token = rest.split("\n", 1) if scheme == "basic" else ("", rest)
    with store.session() as session:
        row = session.exec(select(ApiToken).where(ApiToken.token_hash == token_hash(token))).first()
        if row is None:
            return None
        user = session.get(User, (row.tenant_id, row.account_id))
        if user is None or not user.active:
            return None
        if scheme == "basic" and user.email.lower() != email:
            return None
        return Principal(tenant_id=row.tenant_id, subject=user.account_id, kind=scheme, credential=row.id)


def _session_principal(store: Store, value: str) -> Principal | None:
    with store.session() as session:
        row = session.exec(select(AuthSession).where(AuthSession.token_hash == token_hash(value))).first()
        if row is None:
            return None
        user = session.get(User, (row.tenant_id, row.account_id))
        if user is None or not user.active:
            return None
        return Principal(tenant_id=row.tenant_id, subject=user.account_id, kind="cookie", credential=row.id)
