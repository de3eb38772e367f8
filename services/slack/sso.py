"""Single sign-on through an Okta org (OpenID Connect), for Slack's install page.

A workspace with SSO sends a member who opens `/oauth/v2/authorize` to its identity
provider first, as Slack does for workspaces that require SAML/OIDC sign-in. Here the
provider is an OIDC web app in the Okta twin; the relying-party protocol (discovery, PKCE,
code exchange, ID-token verification) is services/core/oidc_client.py. The pending sign-in
is stored server-side (`SsoLogin`) under the random `state` sent to Okta; the caller finds
the Slack member by the verified `email` claim.
"""

from __future__ import annotations

from typing import Any

from sqlmodel import Session, select

from services.core import oidc_client
from services.slack.models import SsoLogin, SsoSetting

CALLBACK_PATH = "/sso/okta/callback"
LOGIN_LIFETIME = 600  # seconds a sign-in may take at the IdP

SsoFailed = oidc_client.OidcFailed
discover = oidc_client.discover


def setting(session: Session, tenant_id: str) -> SsoSetting | None:
    return session.get(SsoSetting, tenant_id)


def configure(session: Session, tenant_id: str, spec: dict[str, Any] | None) -> None:
    """Set (or, with None, remove) a workspace's SSO; `spec` is `{issuer, client_id, client_secret}`."""
    current = session.get(SsoSetting, tenant_id)
    if spec is None:
        if current is not None:
            session.delete(current)
        return
    client = oidc_client.Client.from_spec(spec)
    row = current or SsoSetting(tenant_id=tenant_id, issuer="", client_id="", client_secret="")
    row.issuer, row.client_id, row.client_secret = client.issuer, client.client_id, client.client_secret
    session.add(row)


def callback_url(base_url: str) -> str:
    return base_url + CALLBACK_PATH


def _client(sso: SsoSetting) -> oidc_client.Client:
    return oidc_client.Client(issuer=sso.issuer, client_id=sso.client_id, client_secret=sso.client_secret)


def begin(session: Session, sso: SsoSetting, metadata: dict[str, Any], query: str, base_url: str, now: int) -> str:
    """Store a pending sign-in resuming `query`; the URL of the IdP's authorize endpoint."""
    attempt = oidc_client.Attempt()
    session.add(
        SsoLogin(
            tenant_id=sso.tenant_id,
            state=attempt.state,
            query=query,
            code_verifier=attempt.code_verifier,
            nonce=attempt.nonce,
            expires=now + LOGIN_LIFETIME,
        )
    )
    return oidc_client.authorize_url(metadata, _client(sso), attempt, callback_url(base_url))


def take_login(session: Session, state: str) -> SsoLogin | None:
    """The pending sign-in for `state`, used up (a callback replayed finds nothing)."""
    login = session.exec(select(SsoLogin).where(SsoLogin.state == state)).first()
    if login is not None:
        session.delete(login)
    return login


async def finish(sso: SsoSetting, login: SsoLogin, code: str, base_url: str, now: int) -> dict[str, Any]:
    """Exchange `code` at the issuer and verify the ID token: its claims."""
    attempt = oidc_client.Attempt(state=login.state, nonce=login.nonce, code_verifier=login.code_verifier)
    return await oidc_client.exchange(_client(sso), attempt, code, callback_url(base_url), now)
