"""An OpenID Connect relying party (authorization code flow with PKCE), for twins that sign people in
through an identity provider.

A twin with single sign-on sends the browser to the issuer's authorize endpoint (`authorize_url`,
PKCE S256, a nonce), and on the callback exchanges the code at the issuer's token endpoint over real
HTTP and verifies the ID token with the issuer's JWKS: signature, `iss`, `aud`, `exp`, `nonce`
(`exchange`). Discovery is read on each sign-in: an issuer's keys and URLs may change.

No vendor knowledge: the twin keeps its own pending sign-ins and decides who the claims name.
Everything here that talks to the issuer is async and runs outside any transaction.
"""

from __future__ import annotations

import base64
import hashlib
import secrets
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

import httpx
from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet

SCOPE = "openid email profile"
CLOCK_LEEWAY = 300  # seconds: the issuer's clock (a twin's tenant clock) need not be ours
HTTP_TIMEOUT = 10.0


class OidcFailed(Exception):
    """The identity provider could not be reached or its answer could not be trusted."""


@dataclass(frozen=True)
class Client:
    """The relying party as registered at the issuer."""

    issuer: str
    client_id: str
    client_secret: str

    @classmethod
    def from_spec(cls, spec: dict[str, Any]) -> Client:
        """A seed document's `{issuer, client_id, client_secret}`; ValueError when one is missing."""
        values = {key: spec.get(key) for key in ("issuer", "client_id", "client_secret")}
        if not all(isinstance(v, str) and v for v in values.values()):
            raise ValueError("sso needs issuer, client_id and client_secret (strings)")
        return cls(str(values["issuer"]).rstrip("/"), str(values["client_id"]), str(values["client_secret"]))


@dataclass(frozen=True)
class Attempt:
    """One sign-in's secrets, kept by the twin until the callback.

    Random values from `secrets`, not a tenant's seedable ids: they are unguessable by design,
    and a callback finds its sign-in by `state` across tenants.
    """

    state: str = field(default_factory=lambda: secrets.token_urlsafe(32))
    nonce: str = field(default_factory=lambda: secrets.token_urlsafe(16))
    code_verifier: str = field(default_factory=lambda: secrets.token_urlsafe(48))


def s256(verifier: str) -> str:
    """The PKCE S256 code challenge of `verifier` (RFC 7636)."""
    return base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()


async def discover(issuer: str) -> dict[str, Any]:
    """The issuer's OpenID provider metadata."""
    try:
        async with httpx.AsyncClient(timeout=HTTP_TIMEOUT) as http:
            response = await http.get(issuer + "/.well-known/openid-configuration")
        response.raise_for_status()
        document: dict[str, Any] = response.json()
    except (httpx.HTTPError, ValueError) as problem:
        raise OidcFailed(f"discovery failed: {problem}") from problem
    if document.get("issuer") != issuer or not isinstance(document.get("authorization_endpoint"), str):
        raise OidcFailed("the discovery document names another issuer or no authorization endpoint")
    return document


def authorize_url(metadata: dict[str, Any], client: Client, attempt: Attempt, redirect_uri: str) -> str:
    """Where to send the browser: the issuer's authorize endpoint asking for a code."""
    params = {
        "client_id": client.client_id,
        "response_type": "code",
        "response_mode": "query",
        "scope": SCOPE,
        "redirect_uri": redirect_uri,
        "state": attempt.state,
        "nonce": attempt.nonce,
        "code_challenge": s256(attempt.code_verifier),
        "code_challenge_method": "S256",
    }
    return f"{metadata['authorization_endpoint']}?{urlencode(params)}"


async def exchange(client: Client, attempt: Attempt, code: str, redirect_uri: str, now: int) -> dict[str, Any]:
    """Exchange `code` at the issuer (client_secret_basic) and verify the ID token: its claims."""
    metadata = await discover(client.issuer)
    form = {
        "grant_type": "authorization_code",
        "code": code,
        "redirect_uri": redirect_uri,
        "code_verifier": attempt.code_verifier,
    }
    try:
        async with httpx.AsyncClient(timeout=HTTP_TIMEOUT) as http:
            answer = await http.post(
                metadata["token_endpoint"], data=form, auth=(client.client_id, client.client_secret)
            )
            keys = await http.get(metadata["jwks_uri"])
        if answer.status_code != 200:
            raise OidcFailed(f"token endpoint answered {answer.status_code}: {answer.text[:200]}")
        id_token = answer.json().get("id_token")
        keyset = KeySet.import_key_set(keys.raise_for_status().json())
    except (httpx.HTTPError, ValueError, KeyError) as problem:
        raise OidcFailed(f"token exchange failed: {problem}") from problem
    if not isinstance(id_token, str):
        raise OidcFailed("the token response has no id_token")
    return verify(id_token, keyset, issuer=client.issuer, audience=client.client_id, nonce=attempt.nonce, now=now)


def verify(id_token: str, keyset: KeySet, *, issuer: str, audience: str, nonce: str, now: int) -> dict[str, Any]:
    """The claims of an RS256 ID token that verifies against `keyset` and names this issuer, audience and nonce."""
    try:
        decoded = jwt.decode(id_token, keyset, algorithms=["RS256"])
        registry = jwt.JWTClaimsRegistry(
            now=now,
            leeway=CLOCK_LEEWAY,
            iss={"essential": True, "value": issuer},
            aud={"essential": True, "value": audience},
            exp={"essential": True},
            nonce={"essential": True, "value": nonce},
        )
        registry.validate(decoded.claims)
    except (JoseError, ValueError) as problem:
        raise OidcFailed(f"the ID token does not verify: {problem}") from problem
    return dict(decoded.claims)
