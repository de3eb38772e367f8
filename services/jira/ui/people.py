"""Who may sign in to the Jira UI: the dev one-click list, and Jira Cloud's email + API token.

The twin has no passwords (Atlassian accounts sign in on id.atlassian.com); what it does
know is each account's API tokens, so the vendor's form here is email + API token.
"""

from __future__ import annotations

from sqlmodel import select

from services.core.twin import TwinRuntime
from services.core.ui.session import UiUser
from services.jira.credentials import token_hash
from services.jira.models import ApiToken, User

BAD_CREDENTIALS = "Incorrect email address and / or API token."
DEACTIVATED = "Your account has been deactivated. Contact your site administrator to get access."


def ui_user(row: User) -> UiUser:
    return UiUser(tenant=row.tenant_id, id=row.account_id, name=row.display_name or row.email, email=row.email)


def people(runtime: TwinRuntime, tenant_id: str) -> list[UiUser]:
    """Active people of the site (accounts of type `atlassian`: apps and customers cannot sign in)."""
    with runtime.store.session() as session:
        rows = session.exec(
            select(User).where(
                User.tenant_id == tenant_id,
                User.active == True,  # noqa: E712
                User.account_type == "atlassian",
            )
        ).all()
        return [ui_user(row) for row in sorted(rows, key=lambda r: (r.display_name.lower(), r.email))]


def credentials(runtime: TwinRuntime, tenant_id: str, email: str, token: str) -> UiUser | str:
    """The account whose API token this is, on this site, if the email names it and it is active."""
    email = email.strip().lower()
    if not email or not token:
        return BAD_CREDENTIALS
    with runtime.store.session() as session:
        found = session.exec(
            select(ApiToken).where(ApiToken.tenant_id == tenant_id, ApiToken.token_hash == token_hash(token))
        ).first()
        row = session.get(User, (tenant_id, found.account_id)) if found else None
        if row is None or row.email.lower() != email or row.account_type != "atlassian":
            return BAD_CREDENTIALS
        if not row.active:
            return DEACTIVATED
        return ui_user(row)
