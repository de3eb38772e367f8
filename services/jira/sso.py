"""Single sign-on to a Jira site through an Okta org (OpenID Connect).

Atlassian Cloud signs people in through the organization's identity provider (Atlassian Guard,
SAML) and matches them to Atlassian accounts by email; a deactivated account is refused. Here
the provider is an OIDC web app in the Okta twin (the DTU seed key `sso`), as for the Slack and
Google twins; the relying-party protocol (discovery, PKCE, code exchange, ID-token checks) is
services/core/oidc_client.py. A pending sign-in is stored server-side (`SsoLogin`) under the
random `state` sent to Okta and used up by the callback (services/jira/ui/sso.py).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import func
from sqlmodel import Session, col, select

from services.core import oidc_client
from services.jira.models import SsoLogin, SsoSetting, User

CALLBACK_PATH = "/sso/okta/callback"  # the redirect URI registered in Okta (services/universe/sso.py)
LOGIN_LIFETIME = 600  # seconds a sign-in may take at the IdP

SsoFailed = oidc_client.OidcFailed
discover = oidc_client.discover

# Why a person Okta vouched for may not enter the site (codes shown with the message).
NOT_FOUND = "account_not_found"
DEACTIVATED = "account_deactivated"


def setting(session: Session, tenant_id: str) -> SsoSetting | None:
    return session.get(SsoSetting, tenant_id)


def configure(session: Session, tenant_id: str, spec: Any) -> None:
    """Set (or, with None, remove) the site's SSO; `spec` is `{issuer, client_id, client_secret}`.

    ValueError when `spec` is neither an object with those strings nor None.
    """
    current = session.get(SsoSetting, tenant_id)
    if spec is None:
        if current is not None:
            session.delete(current)
        return
    if not isinstance(spec, dict):
        raise ValueError("sso must be an object {issuer, client_id, client_secret} or null")
    client = oidc_client.Client.from_spec(spec)
    row = current or SsoSetting(tenant_id=tenant_id, issuer="", client_id="", client_secret="")
    row.issuer, row.client_id, row.client_secret = client.issuer, client.client_id, client.client_secret
    session.add(row)


def callback_url(base_url: str) -> str:
    return base_url + CALLBACK_PATH


def _client(sso: SsoSetting) -> oidc_client.Client:
    return oidc_client.Client(issuer=sso.issuer, client_id=sso.client_id, client_secret=sso.client_secret)


def begin(session: Session, sso: SsoSetting, metadata: dict[str, Any], next_path: str, base_url: str, now: int) -> str:
    """Store a pending sign-in going on to `next_path`; the URL of the IdP's authorize endpoint."""
    attempt = oidc_client.Attempt()
    session.add(
        SsoLogin(
            tenant_id=sso.tenant_id,
            state=attempt.state,
            next_path=next_path,
            code_verifier=attempt.code_verifier,
            nonce=attempt.nonce,
            expires=now + LOGIN_LIFETIME,
        )
    )
    return oidc_client.authorize_url(metadata, _client(sso), attempt, callback_url(base_url))


def take_login(session: Session, state: str) -> SsoLogin | None:
    """The pending sign-in for `state`, used up (a callback replayed finds nothing)."""
    if not state:
        return None
    login = session.exec(select(SsoLogin).where(SsoLogin.state == state)).first()
    if login is not None:
        session.delete(login)
    return login


async def finish(sso: SsoSetting, login: SsoLogin, code: str, base_url: str, now: int) -> dict[str, Any]:
    """Exchange `code` at the issuer and verify the ID token: its claims (SsoFailed otherwise)."""
    attempt = oidc_client.Attempt(state=login.state, nonce=login.nonce, code_verifier=login.code_verifier)
    return await oidc_client.exchange(_client(sso), attempt, code, callback_url(base_url), now)


def account_for(session: Session, tenant_id: str, email: object) -> User | str:
    """The site's Atlassian account with the verified `email` (case-insensitively), or why there is none.

    Apps and customer accounts never sign in through the organization's IdP; an active account
    wins over a deactivated one of the same email.
    """
    if not isinstance(email, str) or not email.strip():
        return NOT_FOUND
    rows = session.exec(
        select(User)
        .where(
            User.tenant_id == tenant_id,
            func.lower(User.email) == email.strip().lower(),
            User.account_type == "atlassian",
        )
        .order_by(col(User.active).desc())
    ).all()
    if not rows:
        return NOT_FOUND
    return rows[0] if rows[0].active else DEACTIVATED
