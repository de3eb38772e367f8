"""One Web API call: the context a method handler receives, and the method registry.

A handler is a plain synchronous function `(call: Call) -> dict`. It runs inside one
database transaction; what it returns is merged into `{"ok": true, ...}`. Events it
emits with `call.emit(...)` are delivered only after the transaction commits.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sqlmodel import Session

from services.core.credentials import Principal
from services.core.tenants import Tenant
from services.core.twin import TwinRuntime
from services.slack.catalogue import METHODS, MethodSpec
from services.slack.errors import SlackError
from services.slack.params import Params

Handler = Callable[["Call"], dict[str, Any]]

# Scope families per conversation type (see catalogue.MethodSpec.by_conversation_type).
TYPE_PREFIX = {"public": "channels", "private": "groups", "im": "im", "mpim": "mpim"}


@dataclass
class PendingEvent:
    """An Events API event produced by a call, delivered after commit."""

    type: str
    event: dict[str, Any]
    channel_id: str | None = None  # deliver only to apps whose bot is in this conversation
    user_ids: tuple[str, ...] = ()  # for user-scoped events


@dataclass
class Call:
    spec: MethodSpec
    params: Params
    principal: Principal | None
    tenant: Tenant
    session: Session
    runtime: TwinRuntime
    events: list[PendingEvent] = field(default_factory=list)
    after_commit: list[Callable[[], None]] = field(default_factory=list)

    # -- who is calling -------------------------------------------------------------
    @property
    def actor(self) -> Principal:
        if self.principal is None:
            raise SlackError("not_authed")
        return self.principal

    @property
    def user_id(self) -> str:
        """The acting user: the bot user for bot tokens."""
        return self.actor.subject

    @property
    def is_bot(self) -> bool:
        return self.actor.kind == "bot"

    @property
    def team_id(self) -> str:
        team: str = self.actor.attributes["team_id"]
        return team

    # -- time -------------------------------------------------------------------------
    def now(self) -> float:
        return self.tenant.clock.time()

    def now_int(self) -> int:
        return int(self.tenant.clock.time())

    # -- scopes -----------------------------------------------------------------------
    def has_scope(self, *any_of: str) -> bool:
        return not any_of or not self.actor.scopes.isdisjoint(any_of)

    def require_scope(self, *any_of: str) -> None:
        if not self.has_scope(*any_of):
            raise SlackError("missing_scope", needed=any_of[0], provided=",".join(sorted(self.actor.scopes)))

    def require_conversation_scope(self, conversation_type: str, family: str | None = None) -> None:
        """For methods whose scope depends on the conversation type (channels:read vs groups:read ...)."""
        family = family or self.spec.by_conversation_type
        if family is None:
            return
        prefix = TYPE_PREFIX[conversation_type]
        candidates = [s for s in (*self.spec.bot_scopes, *self.spec.user_scopes) if s.startswith(prefix + ":")]
        needed = f"{prefix}:{family}"
        self.require_scope(needed, *candidates)

    # -- side effects -----------------------------------------------------------------
    def emit(
        self, type_: str, event: dict[str, Any], channel_id: str | None = None, user_ids: tuple[str, ...] = ()
    ) -> None:
        self.events.append(PendingEvent(type_, event, channel_id, user_ids))

    def invalidate_credentials(self) -> None:
        """Call after changing anything a token's validity depends on."""
        cache = self.runtime.extras["credentials"]
        self.after_commit.append(cache.invalidate)


REGISTRY: dict[str, Handler] = {}


def method(name: str) -> Callable[[Handler], Handler]:
    """Register a handler for a Web API method described in the catalogue."""
    if name not in METHODS:
        raise KeyError(f"{name} is not in services/slack/catalogue.py")

    def register(handler: Handler) -> Handler:
        if name in REGISTRY:
            raise KeyError(f"{name} registered twice")
        REGISTRY[name] = handler
        return handler

    return register
