"""RS256 signing keys of each authorization server, and their rotation.

A server's keys are made on first use: an ACTIVE key that signs and a NEXT key
published ahead of rotation, as Okta publishes both. Rotating makes NEXT the ACTIVE
key, the old ACTIVE key EXPIRED (still published, so tokens it signed keep
verifying until the following rotation removes it) and a new NEXT key.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from joserfc.jwk import RSAKey
from sqlmodel import col, select

from services.okta.call import OktaCall
from services.okta.models import SigningKey
from services.okta.oktaids import new_secret

PUBLISHED_ORDER = {"ACTIVE": 0, "NEXT": 1, "EXPIRED": 2}


def _new_key(call: OktaCall, server_id: str, status: str) -> SigningKey:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()
    kid = new_secret(call.tenant, 43)
    public = RSAKey.import_key(key.public_key()).as_dict(private=False)
    row = SigningKey(
        tenant_id=call.tenant.id,
        kid=kid,
        server_id=server_id,
        status=status,
        private_pem=pem,
        public_jwk={"kty": "RSA", "alg": "RS256", "kid": kid, "use": "sig", "e": public["e"], "n": public["n"]},
        created=call.now(),
    )
    call.session.add(row)
    return row


def server_keys(call: OktaCall, server_id: str) -> list[SigningKey]:
    """The server's published keys (ACTIVE, NEXT, EXPIRED), made on first use."""
    rows = list(
        call.session.exec(
            select(SigningKey).where(SigningKey.tenant_id == call.tenant.id, SigningKey.server_id == server_id)
        )
    )
    if not rows:
        rows = [_new_key(call, server_id, "ACTIVE"), _new_key(call, server_id, "NEXT")]
        call.session.flush()
    return sorted(rows, key=lambda row: (PUBLISHED_ORDER.get(row.status, 9), row.created))


def active_key(call: OktaCall, server_id: str) -> SigningKey:
    return next(row for row in server_keys(call, server_id) if row.status == "ACTIVE")


def jwks(call: OktaCall, server_id: str) -> dict[str, Any]:
    return {"keys": [dict(row.public_jwk or {}) for row in server_keys(call, server_id)]}


def rotate(call: OktaCall, server_id: str) -> list[SigningKey]:
    """ACTIVE -> EXPIRED, NEXT -> ACTIVE, a new NEXT; the previously expired key is removed."""
    rows = server_keys(call, server_id)
    for row in rows:
        if row.status == "EXPIRED":
            call.session.delete(row)
    for row in rows:
        if row.status == "ACTIVE":
            row.status = "EXPIRED"
            call.session.add(row)
    for row in rows:
        if row.status == "NEXT":
            row.status = "ACTIVE"
            call.session.add(row)
    _new_key(call, server_id, "NEXT")
    call.session.flush()
    return server_keys(call, server_id)


def find_key(call: OktaCall, server_id: str, kid: str) -> SigningKey | None:
    return call.one(
        select(SigningKey).where(
            SigningKey.tenant_id == call.tenant.id,
            SigningKey.server_id == server_id,
            col(SigningKey.kid) == kid,
        )
    )


@lru_cache(maxsize=256)
def private_key(pem: str) -> RSAKey:
    """Parsing a PEM costs more than signing: keys are immutable, so parse each once."""
    return RSAKey.import_key(pem)


@lru_cache(maxsize=256)
def _public_key(n: str, e: str) -> RSAKey:
    return RSAKey.import_key({"kty": "RSA", "n": n, "e": e})


def public_key(row: SigningKey) -> RSAKey:
    jwk = row.public_jwk or {}
    return _public_key(str(jwk.get("n")), str(jwk.get("e")))
