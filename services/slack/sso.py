"""Single sign-on through an Okta org (OpenID Connect), for Slack's install page.

A workspace with SSO sends a member who opens `/oauth/v2/authorize` to its identity
provider first, as Slack does for workspaces that require SAML/OIDC sign-in. Here the
provider is an OIDC web app in the Okta twin: authorization code flow with PKCE (S256),
scope `openid email profile`. The pending sign-in is stored server-side (`SsoLogin`) under
the random `state` sent to Okta. The callback exchanges the code at the issuer's token
endpoint over real HTTP, verifies the ID token with the issuer's JWKS (signature, `iss`,
`aud`, `exp`, `nonce`), and hands back its claims; the caller finds the Slack member by
`email`.

Everything here that talks to Okta is async and runs outside any transaction.
"""

from __future__ import annotations

import base64
import hashlib
import secrets
from typing import Any
from urllib.parse import urlencode

import httpx
from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet
from sqlmodel import Session, select

from services.slack.models import SsoLogin, SsoSetting

CALLBACK_PATH = "/sso/okta/callback"
SCOPE = "openid email profile"
LOGIN_LIFETIME = 600  # seconds a sign-in may take at the IdP
CLOCK_LEEWAY = 300  # seconds: the Okta twin's tenant clock is not Slack's
HTTP_TIMEOUT = 10.0


class SsoFailed(Exception):
    """The identity provider could not be reached or its answer could not be trusted."""


def setting(session: Session, tenant_id: str) -> SsoSetting | None:
    return session.get(SsoSetting, tenant_id)


def configure(session: Session, tenant_id: str, spec: dict[str, Any] | None) -> None:
    """Set (or, with None, remove) a workspace's SSO; `spec` is `{issuer, client_id, client_secret}`."""
    current = session.get(SsoSetting, tenant_id)
    if spec is None:
        if current is not None:
            session.delete(current)
        return
    values = {key: spec.get(key) for key in ("issuer", "client_id", "client_secret")}
    if not all(isinstance(v, str) and v for v in values.values()):
        raise ValueError("sso needs issuer, client_id and client_secret (strings)")
    row = current or SsoSetting(tenant_id=tenant_id, issuer="", client_id="", client_secret="")
    row.issuer = str(values["issuer"]).rstrip("/")
    row.client_id, row.client_secret = str(values["client_id"]), str(values["client_secret"])
    session.add(row)


def callback_url(base_url: str) -> str:
    return base_url + CALLBACK_PATH


async def discover(issuer: str) -> dict[str, Any]:
    """The issuer's OpenID provider metadata (read on each sign-in: an org's keys and URLs may change)."""
    try:
        async with httpx.AsyncClient(timeout=HTTP_TIMEOUT) as http:
            response = await http.get(issuer + "/.well-known/openid-configuration")
        response.raise_for_status()
        document: dict[str, Any] = response.json()
    except (httpx.HTTPError, ValueError) as problem:
        raise SsoFailed(f"discovery failed: {problem}") from problem
    if document.get("issuer") != issuer:
        raise SsoFailed("the discovery document names another issuer")
    return document


def begin(session: Session, sso: SsoSetting, metadata: dict[str, Any], query: str, base_url: str, now: int) -> str:
    """Store a pending sign-in resuming `query`; the URL of the IdP's authorize endpoint."""
    # Random values from `secrets`, not the tenant's seedable ids: they are unguessable by design,
    # and the callback finds the sign-in by `state` across tenants.
    verifier = secrets.token_urlsafe(48)
    login = SsoLogin(
        tenant_id=sso.tenant_id,
        state=secrets.token_urlsafe(32),
        query=query,
        code_verifier=verifier,
        nonce=secrets.token_urlsafe(16),
        expires=now + LOGIN_LIFETIME,
    )
    session.add(login)
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    params = {
        "client_id": sso.client_id,
        "response_type": "code",
        "response_mode": "query",
        "scope": SCOPE,
        "redirect_uri": callback_url(base_url),
        "state": login.state,
        "nonce": login.nonce,
        "code_challenge": challenge,
        "code_challenge_method": "S256",
    }
    return f"{metadata['authorization_endpoint']}?{urlencode(params)}"


def take_login(session: Session, state: str) -> SsoLogin | None:
    """The pending sign-in for `state`, used up (a callback replayed finds nothing)."""
    login = session.exec(select(SsoLogin).where(SsoLogin.state == state)).first()
    if login is not None:
        session.delete(login)
    return login


async def finish(sso: SsoSetting, login: SsoLogin, code: str, base_url: str, now: int) -> dict[str, Any]:
    """Exchange `code` at the issuer and verify the ID token: its claims."""
    metadata = await discover(sso.issuer)
    form = {
        "grant_type": "authorization_code",
        "code": code,
        "redirect_uri": callback_url(base_url),
        "code_verifier": login.code_verifier,
    }
    try:
        async with httpx.AsyncClient(timeout=HTTP_TIMEOUT) as http:
            answer = await http.post(metadata["token_endpoint"], data=form, auth=(sso.client_id, sso.client_secret))
            keys = await http.get(metadata["jwks_uri"])
        if answer.status_code != 200:
            raise SsoFailed(f"token endpoint answered {answer.status_code}: {answer.text[:200]}")
        id_token = answer.json().get("id_token")
        keyset = KeySet.import_key_set(keys.raise_for_status().json())
    except (httpx.HTTPError, ValueError, KeyError) as problem:
        raise SsoFailed(f"token exchange failed: {problem}") from problem
    if not isinstance(id_token, str):
        raise SsoFailed("the token response has no id_token")
    return verify(id_token, keyset, issuer=sso.issuer, audience=sso.client_id, nonce=login.nonce, now=now)


def verify(id_token: str, keyset: KeySet, *, issuer: str, audience: str, nonce: str, now: int) -> dict[str, Any]:
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
        raise SsoFailed(f"the ID token does not verify: {problem}") from problem
    return dict(decoded.claims)
