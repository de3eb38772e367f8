"""The service: POST /jira/webhook (queues work, answers at once), GET /health, GET /jobs.

Start-up (in the background, retried until it works, so the service comes up even while a
twin is slow or the project does not exist yet): resolve the project, make sure its tickets can
reach the approved status, register the Jira webhook. /health answers 503 until then.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import random
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from examples.access_request import events, flow, jira_side, slack_side
from examples.access_request.config import Settings
from examples.access_request.drive_side import Drive
from examples.access_request.ledger import Ledger
from examples.access_request.worker import Worker

log = logging.getLogger("access_request")


@dataclass
class State:
    settings: Settings
    ledger: Ledger = field(default_factory=Ledger)
    project: jira_side.Project | None = None
    webhook: str | None = None
    approved_status_ready: bool = False
    startup_error: str | None = None
    worker: Worker | None = None
    deliveries: int = 0  # webhook requests with a valid signature


async def bootstrap(state: State) -> None:
    settings = state.settings
    delay = 0.2
    while True:
        try:
            with jira_side.rest_client(settings) as http:
                project = await asyncio.to_thread(jira_side.project, http, settings.project)
                ready = await asyncio.to_thread(jira_side.ensure_approved_status, http, settings, project)
                state.approved_status_ready = ready
                state.webhook = await asyncio.to_thread(jira_side.register_webhook, http, settings, project)
            state.project, state.startup_error = project, None
            log.info("watching project %s (id %s) through %s", project.key, project.id, state.webhook)
            return
        except Exception as exc:
            state.startup_error = f"{type(exc).__name__}: {exc}"
            log.warning("start-up not complete (%s); trying again in %.1fs", state.startup_error, delay)
            await asyncio.sleep(delay * random.uniform(0.5, 1.0))
            delay = min(delay * 2, 5.0)


def create_app(settings: Settings) -> Starlette:
    state = State(settings)

    async def health(request: Request) -> JSONResponse:
        ready = state.project is not None and state.webhook is not None
        body: dict[str, Any] = {
            "status": "ok" if ready else "starting",
            "project": state.project.key if state.project else None,
            "approved_status": settings.approved_status,
            "approved_status_available": state.approved_status_ready,
            "webhook": state.webhook,
        }
        if state.startup_error:
            body["error"] = state.startup_error
        return JSONResponse(body, status_code=200 if ready else 503)

    async def jobs(request: Request) -> JSONResponse:
        idle = state.worker.idle() if state.worker else True
        return JSONResponse({"idle": idle, "deliveries": state.deliveries, "jobs": state.ledger.snapshot()})

    async def webhook(request: Request) -> JSONResponse:
        body = await request.body()
        if not events.signature_ok(settings.webhook_secret, body, request.headers.get("X-Hub-Signature")):
            return JSONResponse({"error": "bad signature"}, status_code=401)
        state.deliveries += 1
        try:
            payload = json.loads(body)
        except ValueError:
            return JSONResponse({"error": "not JSON"}, status_code=400)
        if state.project is None or state.worker is None or not isinstance(payload, dict):
            # Not ready: a 503 makes Jira deliver again later instead of losing the event.
            return JSONResponse({"error": "starting"}, status_code=503)
        job = events.job_for(payload, state.project.id, settings.approved_status)
        queued = state.worker.submit(job) if job else False
        return JSONResponse({"queued": queued, "job": job.key if job else None})

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        drive = Drive(settings)
        clients = flow.Clients(settings, jira_side.library_client(settings), slack_side.client(settings), drive)
        state.worker = Worker(clients, state.ledger)
        tasks = [asyncio.create_task(bootstrap(state)), asyncio.create_task(state.worker.run())]
        try:
            yield
        finally:
            state.worker.cancel()
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
            if state.webhook:
                with jira_side.rest_client(settings) as http:
                    await asyncio.to_thread(jira_side.unregister_webhook, http, state.webhook)
            clients.jira.close()
            drive.close()

    app = Starlette(
        routes=[
            Route("/health", health),
            Route("/jobs", jobs),
            Route("/jira/webhook", webhook, methods=["POST"]),
        ],
        lifespan=lifespan,
    )
    app.state.access = state
    return app
