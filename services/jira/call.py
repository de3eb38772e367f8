"""One Jira REST request as its handler sees it.

A handler is a plain synchronous function `(call: JiraCall) -> body | Reply`. It runs
inside one database transaction (no awaits: writers are serialised, nothing is lost).
`call.v3` tells which API version the client addressed: v3 carries rich text as
Atlassian Document Format, v2 and `latest` as strings.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from sqlmodel import Session
from starlette.datastructures import QueryParams
from starlette.requests import Request

from services.core.credentials import Principal
from services.core.request_params import without_nul
from services.core.tenants import Tenant
from services.core.twin import TwinRuntime
from services.jira.errors import bad_request, not_authenticated
from services.jira.models import Counter

FIRST_ID = 10000  # Jira's numeric ids (projects, issues, comments ...) start here on a new site


@dataclass
class Reply:
    """A handler's answer when it is not a plain 200 JSON body."""

    body: Any = None
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    empty: bool = False  # answer `status` with no body (some 200s have none)


@dataclass
class JiraCall:
    request: Request
    runtime: TwinRuntime
    tenant: Tenant
    session: Session
    principal: Principal | None
    api_version: str  # "2", "3" or "latest"
    body: Any = None
    after_commit: list[Callable[[], None]] = field(default_factory=list)
    cache: dict[str, Any] = field(default_factory=dict)  # per-request memo (statuses, workflows)

    # -- the request ----------------------------------------------------------------
    @cached_property
    def path(self) -> dict[str, Any]:
        # PostgreSQL text cannot hold U+0000: drop it so both stores answer alike (never a 500).
        path: dict[str, Any] = without_nul(dict(self.request.path_params))
        return path

    @cached_property
    def query(self) -> QueryParams:
        items = self.request.query_params.multi_items()
        if not any("\x00" in k or "\x00" in v for k, v in items):
            return self.request.query_params
        return QueryParams([(k.replace("\x00", ""), v.replace("\x00", "")) for k, v in items])

    @property
    def v3(self) -> bool:
        return self.api_version == "3"

    def body_object(self) -> dict[str, Any]:
        if self.body is None:
            return {}
        if not isinstance(self.body, dict):
            raise bad_request("Can not deserialize instance of object out of START_ARRAY token")
        return self.body

    def int_param(self, name: str, default: int, *, minimum: int = 0) -> int:
        raw = self.query.get(name)
        if raw is None or raw == "":
            return default
        try:
            value = int(raw)
        except ValueError:
            raise bad_request(f"The '{name}' parameter must be a number.") from None
        return max(value, minimum)

    def flag(self, name: str, default: bool = False) -> bool:
        raw = self.query.get(name)
        if raw is None or raw == "":
            return default
        return raw.strip().lower() == "true"

    def csv(self, name: str) -> list[str]:
        """A parameter given as `a,b` or repeated (`?x=a&x=b`)."""
        values: list[str] = []
        for raw in self.query.getlist(name):
            values.extend(part.strip() for part in raw.split(",") if part.strip())
        return values

    # -- who and where --------------------------------------------------------------
    @property
    def account_id(self) -> str:
        if self.principal is None:
            raise not_authenticated()
        return self.principal.subject

    @property
    def base(self) -> str:
        """The site URL as the client addressed it (every site shares the twin's root)."""
        return f"{self.request.url.scheme}://{self.request.url.netloc}"

    @property
    def api(self) -> str:
        """`{base}/rest/api/{version}`: resources' `self` links use the version the client called."""
        return f"{self.base}/rest/api/{self.api_version}"

    def now(self) -> float:
        return self.tenant.clock.time()

    def next_id(self, name: str) -> str:
        """The next numeric id of a per-site sequence, as a string (Jira's ids are numeric strings)."""
        counter = self.session.get(Counter, (self.tenant.id, name))
        if counter is None:
            counter = Counter(tenant_id=self.tenant.id, name=name, value=FIRST_ID - 1)
        counter.value += 1
        self.session.add(counter)
        return str(counter.value)
