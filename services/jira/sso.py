"""Single sign-on to a Jira site through an Okta org (OpenID Connect).

Atlassian Cloud signs people in through the organization's identity provider (Atlassian Guard,
SAML) and matches them to Atlassian accounts by email; a deactivated account is refused. Here
the provider is an OIDC web app in the Okta twin (the DTU seed key `sso`), as for the Slack and
Google twins; the relying party (the stored setting and pending sign-ins, the trip to Okta, the
callback's checks) is services/core/sso.py. What is Jira's is here: the tables, and which account
the verified email names; the pages are services/jira/ui/sso.py.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import func
from sqlmodel import Session, col, select

from services.core import sso as core_sso
from services.jira.models import SsoSetting, User

CALLBACK_PATH = core_sso.CALLBACK_PATH

# Why a person Okta vouched for may not enter the site (codes shown with the message).
NOT_FOUND = "account_not_found"
DEACTIVATED = "account_deactivated"


def configure(session: Session, tenant_id: str, spec: Any) -> None:
    """Set (or, with None, remove) the site's SSO; `spec` is `{issuer, client_id, client_secret}`.

    ValueError when `spec` is neither an object with those strings nor None.
    """
    core_sso.configure(session, SsoSetting, tenant_id, spec)


def account_for(session: Session, tenant_id: str, email: str | None) -> User | str:
    """The site's Atlassian account with the verified `email` (case-insensitively), or why there is none.

    Apps and customer accounts never sign in through the organization's IdP; an active account
    wins over a deactivated one of the same email.
    """
    if email is None or not email.strip():
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
