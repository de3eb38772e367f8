"""One Okta API request as its handler sees it, and what it leaves to do after commit.

A handler is a plain synchronous function `(call: OktaCall) -> body | Reply`. It runs
inside one database transaction (no awaits: writers are serialised, nothing is lost).
System Log events it records are written in that transaction and handed to event
hooks after it commits.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from sqlmodel import Session, select
from starlette.datastructures import QueryParams
from starlette.requests import Request

from services.core.credentials import Principal
from services.core.tenants import Tenant
from services.core.twin import TwinRuntime
from services.okta.errors import OktaError
from services.okta.models import Counter
from services.okta.tenancy import org_url, request_base


@dataclass
class Reply:
    """A handler's answer when it is not a plain 200 JSON body."""

    body: Any = None
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)


@dataclass
class OktaCall:
    request: Request
    runtime: TwinRuntime
    tenant: Tenant
    session: Session
    principal: Principal | None
    body: Any = None  # the parsed JSON body (None when absent)
    prepared: Any = None  # what the route's async `prepare` step found before the transaction
    log_events: list[dict[str, Any]] = field(default_factory=list)
    after_commit: list[Callable[[], None]] = field(default_factory=list)
    # Set by `fail_after_commit`: the call's writes stand, but it answers with this error.
    failure: OktaError | None = None

    # -- the request ----------------------------------------------------------------
    @property
    def path(self) -> dict[str, Any]:
        return self.request.path_params

    @property
    def query(self) -> QueryParams:
        return self.request.query_params

    def flag(self, name: str, default: bool = False) -> bool:
        """A boolean query parameter as Okta reads them (`true`/`false`)."""
        value = self.query.get(name)
        if value is None or value == "":
            return default
        return value.strip().lower() == "true"

    def body_object(self) -> dict[str, Any]:
        """The JSON body, which must be an object (E0000003 otherwise)."""
        if self.body is None:
            return {}
        if not isinstance(self.body, dict):
            raise OktaError("E0000003")
        return self.body

    # -- who and where --------------------------------------------------------------
    @property
    def actor(self) -> Principal:
        if self.principal is None:
            raise OktaError("E0000005")
        return self.principal

    @cached_property
    def org_url(self) -> str:
        """The org's canonical URL (issuer, `_links`)."""
        return org_url(self.runtime, self.tenant.id)

    @property
    def base(self) -> str:
        """The base URL as the client addressed it, for `Link` headers."""
        return request_base(self.request)

    def now(self) -> float:
        return self.tenant.clock.time()

    def next_seq(self, name: str) -> int:
        """The next value of a per-org sequence (creation order, `after` cursors)."""
        return next_seq(self.session, self.tenant.id, name)

    def fail_after_commit(self, error: OktaError) -> None:
        """Commit what the call did (System Log events, counters), then answer with `error`.

        For outcomes Okta records and still refuses, e.g. a failed event hook verification.
        """
        self.failure = error

    def invalidate_credentials(self) -> None:
        """Drop cached principals after commit (roles, tokens or a user's status changed)."""
        self.after_commit.append(self.runtime.extras["credentials"].invalidate)

    def one(self, statement: Any) -> Any:
        return self.session.exec(statement).first()


def next_seq(session: Session, tenant_id: str, name: str) -> int:
    """The next value of a per-org sequence, inside the caller's transaction."""
    counter = session.get(Counter, (tenant_id, name))  # autoflush: a counter created earlier in this call is pending
    if counter is None:
        counter = Counter(tenant_id=tenant_id, name=name, value=0)
    counter.value += 1
    session.add(counter)
    return counter.value


__all__ = ["OktaCall", "Reply", "next_seq", "select"]
