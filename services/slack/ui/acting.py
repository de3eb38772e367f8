"""Running Slack's code as the person using the UI.

A UI action is a Web API call made by a workspace member without a token: the method's
own handler runs in one transaction with a `Call` whose principal is that member, and
what it emits (Events API deliveries) is published after commit, exactly as
services/slack/api.py does for `/api/<method>`.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlmodel import select

from services.core.credentials import Principal
from services.core.twin import TwinRuntime
from services.slack.call import REGISTRY, Call
from services.slack.catalogue import METHODS, MethodSpec
from services.slack.errors import SlackError
from services.slack.models import Team, User
from services.slack.params import Params
from services.slack.provision import USER_SCOPES

# Pages read through the domain code with a Call too; they are not a Web API method.
VIEW_SPEC = MethodSpec(name="ui", bot_scopes=(), user_scopes=(), token_types=frozenset({"user"}), errors=())


def principal_of(user: User, team: Team) -> Principal:
    """A member acting in the Slack client: a user principal with every user scope (the client's own)."""
    return Principal(
        tenant_id=user.tenant_id,
        subject=user.id,
        kind="user",
        scopes=frozenset(USER_SCOPES),
        attributes={
            "team_id": team.id,
            "app_id": None,
            "bot_id": None,
            "user_name": user.name,
            "is_admin": user.is_admin or user.is_owner,
            "team_name": team.name,
            "team_domain": team.domain,
        },
    )


@contextmanager
def acting(
    runtime: TwinRuntime,
    tenant_id: str,
    user_id: str,
    spec: MethodSpec = VIEW_SPEC,
    params: dict[str, Any] | None = None,
) -> Iterator[Call]:
    """One transaction as `user_id`; its events are published once it commits.

    A deleted, unknown or bot member raises `account_inactive` / `user_not_found`, as a token
    of theirs would.
    """
    tenant = runtime.tenants.get(tenant_id)
    with runtime.store.session() as session:
        user = session.get(User, (tenant_id, user_id))
        if user is None or user.is_bot:
            raise SlackError("user_not_found")
        if user.deleted:
            raise SlackError("account_inactive")
        team = session.exec(select(Team).where(Team.tenant_id == tenant_id, Team.id == user.team_id)).one()
        call = Call(
            spec=spec,
            params=Params(dict(params or {})),
            principal=principal_of(user, team),
            tenant=tenant,
            session=session,
            runtime=runtime,
        )
        yield call
    for callback in call.after_commit:
        callback()
    if call.events:
        runtime.extras["events"].publish(call.tenant, call.events)


def run_method(runtime: TwinRuntime, tenant_id: str, user_id: str, name: str, params: dict[str, Any]) -> dict[str, Any]:
    """Web API method `name` as `user_id` (raises SlackError with Slack's error code)."""
    with acting(runtime, tenant_id, user_id, METHODS[name], params) as call:
        return REGISTRY[name](call)
