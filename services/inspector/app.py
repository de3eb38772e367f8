"""The inspector app: pages over the fleet's control planes, on its own port (4100 by default).

    app = build_inspector({"okta": "http://127.0.0.1:4101", "slack": "http://127.0.0.1:4103"})

It holds no state of its own: every page reads the twins' `/_dtu/...` when it is drawn.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from services.core.ui.session import UiKeys
from services.core.ui.templates import static_mount
from services.inspector import clock, faults, journal, overview, snapshots
from services.inspector.control import Fleet
from services.inspector.guard import LocalOnly
from services.inspector.render import page

DEFAULT_PORT = 4100
log = logging.getLogger("dtu.inspector")


def routes() -> list[BaseRoute]:
    tenant = "/{twin}/{tenant}"
    return [
        Route("/", overview.overview, methods=["GET"]),
        Route("/tenants" + tenant + "/reset", overview.reset_tenant, methods=["POST"]),
        Route("/journal", journal.journal_page, methods=["GET"]),
        Route("/journal/stream", journal.journal_stream, methods=["GET"]),
        Route("/faults", faults.faults_page, methods=["GET"]),
        Route("/faults/{twin}/on", faults.fault_on, methods=["POST"]),
        Route("/faults/{twin}/off", faults.fault_off, methods=["POST"]),
        Route("/clock", clock.clock_page, methods=["GET"]),
        Route("/clock.json", clock.clocks_json, methods=["GET"]),
        Route("/clock" + tenant, clock.clock_action, methods=["POST"]),
        Route("/snapshots", snapshots.snapshots_page, methods=["GET"]),
        Route("/snapshots" + tenant + "/snapshot.json", snapshots.take, methods=["GET"]),
        Route("/snapshots" + tenant + "/restore", snapshots.restore, methods=["POST"]),
        static_mount(),
    ]


async def _unexpected(request: Request, exc: Exception) -> Response:
    """A bug of the inspector's own: say so readably (the traceback goes to the log)."""
    log.exception("inspector error on %s", request.url.path, exc_info=exc)
    message = f"The inspector failed: {type(exc).__name__}: {exc}"
    return page(request, "problem.html", "", title="Problem", error=message)


def build_inspector(urls: dict[str, str], verify: Any = True) -> Starlette:
    """The inspector over the twins at `urls` (name -> base URL); `verify` as httpx takes it (https fleets)."""
    fleet = Fleet(urls, verify)

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        fleet.open()
        try:
            yield
        finally:
            await fleet.close()

    app = Starlette(routes=routes(), lifespan=lifespan, exception_handlers={Exception: _unexpected})
    app.add_middleware(LocalOnly)
    app.state.fleet = fleet
    app.state.ui_keys = UiKeys("inspector")  # signs its flash messages (services/core/ui/flash.py)
    return app
