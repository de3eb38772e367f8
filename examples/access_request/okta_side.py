"""Okta through the okta SDK: find the requester and the group, grant, revoke, end sessions."""

from __future__ import annotations

import logging
import os
from collections.abc import Awaitable, Callable
from typing import Any

from okta.client import Client
from okta.errors.http_error import HTTPError
from okta.errors.okta_api_error import OktaAPIError

from examples.access_request import retry
from examples.access_request.config import Settings

log = logging.getLogger("access_request.okta")


class OktaFailure(Exception):
    def __init__(self, what: str, error: Any) -> None:
        super().__init__(f"{what}: {error}")
        self.error = error
        self.status: int | None = getattr(error, "status", None)


class NotFound(Exception):
    pass


def classify(exc: BaseException) -> retry.Transient | None:
    if not isinstance(exc, OktaFailure):
        return None
    if isinstance(exc.error, OktaAPIError | HTTPError):
        return retry.Transient() if exc.status in retry.TRANSIENT_STATUSES else None
    # The SDK hands back aiohttp/timeout exceptions (and its own "Request Timeout exceeded.") as
    # plain errors: the request never got an answer, so it is worth another try.
    return retry.Transient()


def client_config(settings: Settings) -> dict[str, Any]:
    config: dict[str, Any] = {
        "orgUrl": settings.okta_org_url,
        "token": settings.okta_api_token,
        # The SDK itself retries 429 (waiting for X-Rate-Limit-Reset), 503 and 504.
        "rateLimit": {"maxRetries": 3},
        "requestTimeout": 60,
        # A grant must read today's memberships, not a cached answer.
        "cache": {"enabled": False},
    }
    if settings.okta_org_url.startswith("http://"):
        # The SDK refuses plain http; only a local twin serves it (a real org is always https).
        # Its testing switch is read from the environment only (user config lands under "client").
        os.environ.setdefault("OKTA_TESTING_TESTINGDISABLEHTTPSCHECK", "true")
    return config


async def _sdk(what: str, call: Callable[[], Awaitable[Any]]) -> Any:
    """The SDK answers (result..., response, error) tuples; an error becomes an exception to retry or raise."""

    async def once() -> Any:
        answer = await call()
        error = answer[-1]
        if error is not None:
            raise OktaFailure(what, error)
        return answer[0] if len(answer) == 3 else None

    return await retry.acall(once, classify, what)


async def user_id(client: Client, email: str) -> str:
    users = await _sdk(f"find user {email}", lambda: client.list_users(search=f'profile.email eq "{email}"'))
    for user in users or []:
        if str(user.profile.email).lower() == email.lower():
            return str(user.id)
    raise NotFound(f"no Okta user has the email {email}")


async def group_id(client: Client, name: str) -> str:
    groups = await _sdk(f"find group {name}", lambda: client.list_groups(q=name, limit=200))
    for group in groups or []:
        # GroupProfile is a oneOf (Okta or app group profile): the name lives on the actual instance.
        if getattr(group.profile.actual_instance, "name", None) == name:
            return str(group.id)
    raise NotFound(f"no Okta group is named {name!r}")


async def add_member(client: Client, group: str, user: str) -> None:
    # PUT: adding a member twice is harmless, so a retried call cannot double-act.
    await _sdk("add user to group", lambda: client.assign_user_to_group(group, user))


async def remove_member(client: Client, group: str, user: str) -> None:
    try:
        await _sdk("remove user from group", lambda: client.unassign_user_from_group(group, user))
    except OktaFailure as exc:
        if exc.status != 404:  # already gone (a redelivery, or removed by hand): the goal holds
            raise


async def end_sessions(client: Client, user: str) -> None:
    """DELETE /api/v1/users/{id}/sessions?oauthTokens=true: sessions, and OAuth tokens issued to the user."""
    await _sdk("revoke user sessions", lambda: client.revoke_user_sessions(user, oauth_tokens=True))
