"""Single sign-on through an Okta org (OpenID Connect), for Slack's install page and client sign-in.

A workspace with SSO sends a member who opens `/oauth/v2/authorize` (or "Sign in with Okta" in
the client) to its identity provider first, as Slack does for workspaces that require SAML/OIDC
sign-in. The relying party (the stored setting and pending sign-ins, the trip to the IdP, the
callback's checks) is services/core/sso.py; what is Slack's is here: the tables, and which member
the verified email names (Slack's error codes otherwise).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import func
from sqlmodel import Session, col, select

from services.core import sso as core_sso
from services.slack.models import SsoSetting, User

CALLBACK_PATH = core_sso.CALLBACK_PATH

# Why a person Okta vouched for may not use the workspace (Slack's error codes).
USER_NOT_FOUND = "user_not_found"
ACCOUNT_INACTIVE = "account_inactive"


def setting(session: Session, tenant_id: str) -> SsoSetting | None:
    return session.get(SsoSetting, tenant_id)


def configure(session: Session, tenant_id: str, spec: Any) -> None:
    """Set (or, with None, remove) a workspace's SSO; `spec` is `{issuer, client_id, client_secret}`."""
    core_sso.configure(session, SsoSetting, tenant_id, spec)


def member_by_email(session: Session, tenant_id: str, email: str | None) -> User | str:
    """The Slack member the IdP vouched for (Slack compares emails case-insensitively), or Slack's error.

    Bots never sign in; a member who is active wins over a deactivated one of the same email.
    """
    if not email:
        return USER_NOT_FOUND
    rows = session.exec(
        select(User)
        .where(User.tenant_id == tenant_id, func.lower(User.email) == email.lower(), col(User.is_bot).is_(False))
        .order_by(col(User.deleted))
    ).all()
    if not rows:
        return USER_NOT_FOUND
    return ACCOUNT_INACTIVE if rows[0].deleted else rows[0]
