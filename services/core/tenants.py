"""Tenants: isolated vendor accounts (a Slack workspace, an Okta org, ...).

The registry keeps every tenant of one twin in memory (for its clock and id
generator) and writes through to the `dtu_tenant` table. What a tenant contains on
the vendor side is created by the twin's `provision` hook.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sqlmodel import Session, select

from services.core.clock import Clock
from services.core.ids import IdFactory
from services.core.store import Store
from services.core.tables import TenantRow

DEFAULT_TENANT = "default"
# Kept beside a tenant's credentials in its row: the twin URL they were issued under. A store
# reopened under another URL (a --data-dir fleet started on other ports) rewrites the URLs inside
# the credentials (an Okta issuer, a Google token_uri, ...) so they point at where the twin is now.
ISSUED_AT_URL = "_dtu_base_url"


def rebase_urls(value: Any, old: str, new: str) -> Any:
    """Every string in `value` (nested dicts/lists included) that starts with `old`, moved under `new`."""
    if isinstance(value, str):
        return new + value[len(old) :] if value.startswith(old) else value
    if isinstance(value, dict):
        return {key: rebase_urls(item, old, new) for key, item in value.items()}
    if isinstance(value, list):
        return [rebase_urls(item, old, new) for item in value]
    return value


@dataclass
class Tenant:
    id: str
    service: str
    name: str
    created_at: float
    credentials: dict[str, Any] = field(default_factory=dict)
    clock: Clock = field(default_factory=Clock)
    generation: int = 0
    ids: IdFactory = field(default_factory=IdFactory)

    def public(self, base_url: str) -> dict[str, Any]:
        return {
            "id": self.id,
            "service": self.service,
            "name": self.name,
            "created_at": self.created_at,
            "base_url": base_url,
            "credentials": self.credentials,
        }


def deterministic_secret(*parts: str, length: int = 32) -> str:
    """A stable secret derived from names: the default tenant's credentials never change."""
    digest = hashlib.sha256(":".join(parts).encode()).hexdigest()
    while len(digest) < length:
        digest += hashlib.sha256(digest.encode()).hexdigest()
    return digest[:length]


class UnknownTenant(LookupError):
    pass


class TenantExists(ValueError):
    pass


ProvisionHook = Callable[[Session, Tenant], dict[str, Any]]


class TenantRegistry:
    def __init__(self, store: Store, service: str, seed: str | None, base_url: str | None = None) -> None:
        self.store = store
        self.base_url = base_url
        self.service = service
        self.seed = seed
        self._tenants: dict[str, Tenant] = {}
        self._id_source = IdFactory(f"{seed}:tenant-ids" if seed is not None else None)

    def _id_factory(self, tenant_id: str, generation: int) -> IdFactory:
        if self.seed is None:
            return IdFactory(None)
        return IdFactory(f"{self.seed}:{self.service}:{tenant_id}:{generation}")

    def _from_row(self, row: TenantRow) -> Tenant:
        credentials = dict(row.credentials)
        issued_at = credentials.pop(ISSUED_AT_URL, None)
        if isinstance(issued_at, str) and self.base_url and issued_at != self.base_url:
            credentials = rebase_urls(credentials, issued_at, self.base_url)
        return Tenant(
            id=row.id,
            service=row.service,
            name=row.name,
            created_at=row.created_at,
            credentials=credentials,
            clock=Clock(offset=row.clock_offset, frozen_at=row.clock_frozen_at),
            generation=row.generation,
            ids=self._id_factory(row.id, row.generation),
        )

    def load(self) -> None:
        """Read every tenant of this service, bumping generations (see TenantRow)."""
        with self.store.session() as session:
            rows = session.exec(select(TenantRow).where(TenantRow.service == self.service)).all()
            self._tenants = {}
            for row in rows:
                row.generation += 1
                session.add(row)
                self._tenants[row.id] = self._from_row(row)

    def get(self, tenant_id: str) -> Tenant:
        try:
            return self._tenants[tenant_id]
        except KeyError:
            raise UnknownTenant(tenant_id) from None

    def find(self, tenant_id: str) -> Tenant | None:
        return self._tenants.get(tenant_id)

    def all(self) -> list[Tenant]:
        return sorted(self._tenants.values(), key=lambda t: t.created_at)

    def new_id(self) -> str:
        return "t" + self._id_source.draw(11, "abcdefghijklmnopqrstuvwxyz0123456789")

    def create(self, provision: ProvisionHook, name: str | None = None, tenant_id: str | None = None) -> Tenant:
        tenant_id = tenant_id or self.new_id()
        if tenant_id in self._tenants:
            raise TenantExists(tenant_id)
        tenant = Tenant(
            id=tenant_id,
            service=self.service,
            name=name or tenant_id,
            created_at=time.time(),
            ids=self._id_factory(tenant_id, 0),
        )
        with self.store.session() as session:
            tenant.credentials = provision(session, tenant)
            session.add(self._row(tenant))
        self._tenants[tenant_id] = tenant
        return tenant

    def _row(self, tenant: Tenant) -> TenantRow:
        return TenantRow(
            service=self.service,
            id=tenant.id,
            name=tenant.name,
            created_at=tenant.created_at,
            credentials={**tenant.credentials, ISSUED_AT_URL: self.base_url} if self.base_url else tenant.credentials,
            clock_offset=tenant.clock.offset,
            clock_frozen_at=tenant.clock.frozen_at,
            generation=tenant.generation,
        )

    def save(self, tenant: Tenant, session: Session | None = None) -> None:
        """Persist a tenant's mutable state (clock, generation, credentials)."""
        if session is None:
            with self.store.session() as own:
                own.merge(self._row(tenant))
        else:
            session.merge(self._row(tenant))

    def bump_generation(self, tenant: Tenant) -> None:
        tenant.generation += 1
        tenant.ids = self._id_factory(tenant.id, tenant.generation)

    def forget(self, tenant_id: str, session: Session) -> None:
        row = session.get(TenantRow, (self.service, tenant_id))
        if row is not None:
            session.delete(row)
        self._tenants.pop(tenant_id, None)
