"""Slack credentials: issuing tokens in Slack's formats and resolving them to principals."""

from __future__ import annotations

from sqlmodel import Session, select

from services.core.credentials import Principal
from services.core.ids import ALNUM, IdFactory
from services.core.store import Store
from services.slack.models import App, Team, Token, User


def bot_token(ids: IdFactory) -> str:
    return f"xoxb-{ids.digits(12)}-{ids.digits(13)}-{ids.draw(24, ALNUM)}"


def user_token(ids: IdFactory) -> str:
    return f"xoxp-{ids.digits(12)}-{ids.digits(12)}-{ids.digits(13)}-{ids.secret(32)}"


class TokenProblem(Exception):
    """A presented token that exists but may not be used; `error` is Slack's code."""

    def __init__(self, error: str) -> None:
        super().__init__(error)
        self.error = error


def lookup_principal(store: Store, token: str) -> Principal | None:
    """Resolve a token string. Revoked tokens and inactive users raise TokenProblem."""
    with store.session() as session:
        row = session.exec(select(Token).where(Token.token == token)).first()
        if row is None:
            return None
        if row.revoked:
            raise TokenProblem("token_revoked")
        user = session.get(User, (row.tenant_id, row.user_id))
        if user is None or user.deleted:
            raise TokenProblem("account_inactive")
        app = session.get(App, (row.tenant_id, row.app_id)) if row.app_id else None
        team = session.get(Team, (row.tenant_id, user.team_id))
        if app is not None and app.deleted:
            raise TokenProblem("token_revoked")
        return Principal(
            tenant_id=row.tenant_id,
            subject=row.user_id,
            kind=row.type,
            scopes=frozenset(row.scopes or ()),
            credential=token,
            attributes={
                "team_id": user.team_id,
                "app_id": row.app_id,
                "bot_id": app.bot_id if (app is not None and row.type == "bot") else None,
                "user_name": user.name,
                "is_admin": user.is_admin or user.is_owner,
                # Cached with the principal so auth.test needs no query; renaming a workspace
                # is not an API operation, and tenant changes empty the cache.
                "team_name": team.name if team is not None else "",
                "team_domain": team.domain if team is not None else "",
            },
        )


def issue_token(
    session: Session,
    tenant_id: str,
    ids: IdFactory,
    *,
    type_: str,
    user_id: str,
    app_id: str | None,
    scopes: list[str],
    now: int,
    token: str | None = None,
) -> Token:
    value = token or (bot_token(ids) if type_ == "bot" else user_token(ids))
    row = Token(
        tenant_id=tenant_id, token=value, type=type_, user_id=user_id, app_id=app_id, scopes=scopes, created=now
    )
    session.add(row)
    return row
