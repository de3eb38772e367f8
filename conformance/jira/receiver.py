"""A webhook endpoint as a user's integration would serve it, for black-box tests.

A small Starlette app on a real socket (uvicorn in a thread) at 127.0.0.1 that records
every request (path, headers, raw body, parsed JSON) and answers with statuses the test
scripts (`fail_with`: statuses for the next deliveries, then 200).
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route

from conformance.loopback_server import LoopbackServer


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    body: bytes

    @property
    def payload(self) -> dict[str, Any]:
        loaded: dict[str, Any] = json.loads(self.body) if self.body else {}
        return loaded

    @property
    def event(self) -> str:
        return str(self.payload.get("webhookEvent"))


class Receiver(LoopbackServer):
    def __init__(self) -> None:
        self.received: list[Received] = []
        self.fail_with: list[int] = []
        super().__init__([Route("/{path:path}", self.handle, methods=["POST"])])

    def url(self, path: str = "jira/webhook") -> str:
        return f"{self.base_url}/{path}"

    async def handle(self, request: Request) -> Response:
        body = await request.body()
        with self._lock:
            self.received.append(Received(request.url.path, dict(request.headers), body))
            status = self.fail_with.pop(0) if self.fail_with else 200
        return PlainTextResponse("" if status < 300 else "failing on purpose", status_code=status)

    # -- what the tests read ------------------------------------------------------------
    def matching(self, predicate: Callable[[Received], bool] = lambda r: True) -> list[Received]:
        with self._lock:
            return [r for r in self.received if predicate(r)]

    def wait_for(self, predicate: Callable[[Received], bool], count: int = 1, timeout: float = 10.0) -> list[Received]:
        return self.poll(
            lambda: self.matching(predicate), count, timeout, lambda: [(r.path, r.event) for r in self.matching()]
        )

    def settle(self, seconds: float = 0.3) -> None:
        """Wait a moment so that deliveries that should NOT happen would have arrived."""
        time.sleep(seconds)
