"""The app factory: one Starlette app per twin, with the control plane and journal."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Awaitable, Callable

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Mount, Router
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from services.core.control import control_error, control_routes
from services.core.dates import DateHeaderMiddleware
from services.core.faults import FaultInjector
from services.core.journal import Journal, JournalMiddleware
from services.core.settings import TwinSettings
from services.core.store import Store
from services.core.tables import CoreModel
from services.core.tenants import DEFAULT_TENANT, TenantRegistry
from services.core.twin import TwinRuntime, TwinSpec
from services.core.ui.templates import static_mount


class ErrorRenderingMiddleware:
    """Turns any exception a route raises into the twin's error response (never a bare 500)."""

    def __init__(self, app: ASGIApp, render: Callable[[Request, Exception], Awaitable[Response]]) -> None:
        self.app = app
        self.render = render

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def send_wrapper(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, receive, send_wrapper)
        except HTTPException:
            raise
        except Exception as exc:
            if started:
                raise
            response = await self.render(Request(scope, receive), exc)
            await response(scope, receive, send)


def build_runtime(spec: TwinSpec, settings: TwinSettings) -> TwinRuntime:
    store = Store(settings.resolved_database_url(), [CoreModel.metadata, spec.metadata])
    return TwinRuntime(
        spec=spec,
        settings=settings,
        store=store,
        tenants=TenantRegistry(store, spec.name, settings.seed, settings.base_url),
        journal=Journal(spec.name, settings.journal_size),
        faults=FaultInjector(settings.seed),
    )


def prepare(runtime: TwinRuntime) -> None:
    """Create tables, load tenants, make sure the default tenant exists."""
    runtime.store.create_all()
    runtime.tenants.load()
    if runtime.tenants.find(DEFAULT_TENANT) is None:
        runtime.create_tenant(name="Default", tenant_id=DEFAULT_TENANT)


def build_app(spec: TwinSpec, settings: TwinSettings | None = None) -> Starlette:
    settings = settings or TwinSettings.from_env(spec.name, spec.default_port)
    runtime = build_runtime(spec, settings)
    spec.attach(runtime)
    prepare(runtime)

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        tasks = [asyncio.create_task(work, name=name) for name, work in spec.background(runtime).items()]
        try:
            yield
        finally:
            for task in tasks:
                task.cancel()
            for task in tasks:
                with contextlib.suppress(asyncio.CancelledError):
                    await task

    async def vendor_error(request: Request, exc: Exception) -> Response:
        if request.url.path.startswith("/_dtu"):
            return await control_error(request, exc)
        return spec.render_error(request, exc)

    control = Router(routes=control_routes())
    app = Starlette(
        # Vendor routes first: they carry the load, the control plane is rarely called.
        routes=[*spec.routes(), *control.routes, static_mount()],
        middleware=[
            Middleware(DateHeaderMiddleware),
            Middleware(JournalMiddleware, journal=runtime.journal),
            Middleware(ErrorRenderingMiddleware, render=vendor_error),
            *spec.middleware(),
        ],
        exception_handlers={404: vendor_error, 405: vendor_error},
        lifespan=lifespan,
    )
    app.state.runtime = runtime
    return app


__all__ = ["Mount", "build_app", "build_runtime", "prepare"]
