"""One Google API request as its handler sees it.

A handler is a plain synchronous function `(call: DriveCall) -> body | Reply`, run inside
one database transaction (no awaits). It returns whole resources; the dispatcher applies
the partial-response selection (`fields`, or the method's default) afterwards.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from typing import Any

from sqlmodel import Session
from starlette.datastructures import QueryParams
from starlette.requests import Request

from services.core.credentials import Principal
from services.core.tenants import Tenant
from services.core.twin import TwinRuntime
from services.gdrive import scopes
from services.gdrive.errors import invalid_value, parse_error
from services.gdrive.fields import Selection
from services.gdrive.media import Spool
from services.gdrive.models import Counter, User


@dataclass
class Reply:
    """A handler's answer: a resource (to which `fields` applies), or raw media."""

    body: Any = None
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    # The selection applied when the request has no `fields` (Drive v3 returns few fields by default).
    default_fields: str | None = None
    media: bytes | None = None
    media_type: str = "application/octet-stream"
    # Media too large to hold: streamed after the transaction (Content-Length set by the handler).
    stream: AsyncIterator[bytes] | None = None


@dataclass
class DriveCall:
    request: Request
    runtime: TwinRuntime
    tenant: Tenant
    session: Session
    principal: Principal
    operation: str
    raw: bytes = b""
    media: Spool | None = None  # an upload's media, read before the transaction (services/gdrive/media.py)
    fields: Selection | None = None
    fields_given: bool = False
    after_commit: list[Callable[[], None]] = field(default_factory=list)
    _user: User | None = None

    def __post_init__(self) -> None:
        # Marks the session as a Google API request's: the change log hook (domain/changes.py) records its writes.
        self.session.info["gdrive_tenant"] = self.tenant

    # -- the request --------------------------------------------------------------------
    @property
    def path(self) -> dict[str, Any]:
        return self.request.path_params

    @property
    def query(self) -> QueryParams:
        return self.request.query_params

    def body_object(self) -> dict[str, Any]:
        """The JSON request body (an object), `{}` when empty."""
        import json

        if not self.raw.strip():
            return {}
        try:
            value = json.loads(self.raw)
        except (ValueError, UnicodeDecodeError):
            raise parse_error() from None
        if not isinstance(value, dict):
            raise parse_error('Invalid JSON payload received. Unknown name "": Root element must be a message.')
        return value

    def flag(self, name: str, default: bool = False) -> bool:
        raw = self.query.get(name)
        if raw is None or raw == "":
            return default
        lowered = raw.strip().lower()
        if lowered not in ("true", "false"):
            raise invalid_value(name, f"Invalid value '{raw}'. Values must be true or false.")
        return lowered == "true"

    def int_param(self, name: str, default: int, minimum: int, maximum: int) -> int:
        raw = self.query.get(name)
        if raw is None or raw == "":
            return default
        try:
            value = int(raw)
        except ValueError:
            raise invalid_value(name, f"Invalid value '{raw}'. Values must be integers.") from None
        if not minimum <= value <= maximum:
            raise invalid_value(name, f"Invalid value '{raw}'. Values must be within the range: [{minimum}, {maximum}]")
        return value

    def csv(self, name: str) -> list[str]:
        values: list[str] = []
        for raw in self.query.getlist(name):
            values.extend(part.strip() for part in raw.split(",") if part.strip())
        return values

    # -- who and where --------------------------------------------------------------------
    @property
    def user(self) -> User:
        if self._user is None:
            found = self.session.get(User, (self.tenant.id, self.principal.subject))
            assert found is not None, "the credential cache only resolves existing users"
            self._user = found
        return self._user

    @property
    def client_id(self) -> str:
        return str(self.principal.attributes.get("client_id", ""))

    @property
    def app_only(self) -> bool:
        """The token has drive.file (or appdata) but no scope reaching all of the user's items."""
        return scopes.app_only(self.principal.scopes)

    @property
    def can_read_content(self) -> bool:
        return not self.principal.scopes.isdisjoint(scopes.CONTENT_READ)

    @property
    def base(self) -> str:
        return f"{self.request.url.scheme}://{self.request.url.netloc}"

    def now(self) -> float:
        return self.tenant.clock.time()

    def next_seq(self, name: str) -> int:
        counter = self.session.get(Counter, (self.tenant.id, name))
        if counter is None:
            counter = Counter(tenant_id=self.tenant.id, name=name, value=0)
        counter.value += 1
        self.session.add(counter)
        return counter.value
