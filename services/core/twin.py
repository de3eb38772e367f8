"""What a twin tells the core about itself, and the runtime the core builds for it."""

from __future__ import annotations

from collections.abc import Callable, Coroutine, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import MetaData
from sqlmodel import Session
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute

from services.core.faults import FaultInjector
from services.core.journal import Journal
from services.core.settings import TwinSettings
from services.core.store import Store
from services.core.tenants import Tenant, TenantRegistry


@dataclass
class TwinSpec:
    """A twin's contribution: its tables, routes and the hooks the core calls."""

    name: str
    title: str
    default_port: int
    metadata: MetaData
    routes: Callable[[], Sequence[BaseRoute]]
    # Create the vendor side of a new tenant (workspace, org, ...) and return its credentials.
    provision: Callable[[Session, Tenant, TwinRuntime], dict[str, Any]]
    # Load a seed document (already parsed YAML/JSON) into a tenant; returns a summary.
    seed: Callable[[Session, Tenant, TwinRuntime, dict[str, Any]], dict[str, Any]]
    # Render any exception raised by a request in the vendor's error envelope.
    render_error: Callable[[Request, Exception], Response]
    # Called after a tenant's rows change wholesale (reset, restore, delete).
    on_tenant_changed: Callable[[TwinRuntime, str], None] = lambda runtime, tenant_id: None
    # Attach per-runtime state (caches, queues) to runtime.extras before tenants load.
    attach: Callable[[TwinRuntime], None] = lambda runtime: None
    # Long-running background work (delivery queues, schedulers): name -> coroutine. The core
    # starts each as a task when the app starts and cancels it when the app stops.
    background: Callable[[TwinRuntime], dict[str, Coroutine[Any, Any, None]]] = lambda runtime: {}
    # Deterministic credentials for the default tenant, so `dtu env` works offline.
    default_credentials: Callable[[TwinSettings], dict[str, Any]] = lambda settings: {}
    # ASGI middleware run inside the core's (journal, error rendering), e.g. URL rewriting.
    middleware: Callable[[], Sequence[Middleware]] = lambda: ()
    # `dtu env` lines for a tenant's credentials, e.g. {"DTU_SLACK_BOT_TOKEN": "xoxb-..."}.
    env_vars: Callable[[dict[str, Any]], dict[str, str]] = lambda credentials: {}
    # The operation names this twin journals and fault rules match (`chat.postMessage`, ...),
    # listed by `/_dtu/operations` for the fleet inspector's fault toggles.
    operations: Callable[[], Sequence[str]] = lambda: ()


@dataclass
class TwinRuntime:
    """Everything one running twin holds: reachable as `request.app.state.runtime`."""

    spec: TwinSpec
    settings: TwinSettings
    store: Store
    tenants: TenantRegistry
    journal: Journal
    faults: FaultInjector
    extras: dict[str, Any] = field(default_factory=dict)

    @property
    def base_url(self) -> str:
        return self.settings.base_url

    def create_tenant(self, name: str | None = None, tenant_id: str | None = None) -> Tenant:
        return self.tenants.create(lambda session, tenant: self.spec.provision(session, tenant, self), name, tenant_id)


def runtime_of(request: Request) -> TwinRuntime:
    runtime: TwinRuntime = request.app.state.runtime
    return runtime
