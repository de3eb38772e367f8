"""An event hook endpoint, as a user's service would serve it, for black-box tests.

A small Starlette app on a real socket (uvicorn in a thread). It answers Okta's
one-time verification GET (`X-Okta-Verification-Challenge` -> `{"verification": ...}`)
and records the event deliveries (POST). Tests script its answers: how to answer the
challenge, and which statuses to return to the next deliveries.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import Route

from conformance.loopback_server import LoopbackServer

PATH = "/okta/hooks"


@dataclass
class Received:
    method: str
    headers: dict[str, str]
    body: bytes

    @property
    def payload(self) -> dict[str, Any]:
        parsed: dict[str, Any] = json.loads(self.body)
        return parsed

    @property
    def events(self) -> list[dict[str, Any]]:
        events: list[dict[str, Any]] = self.payload["data"]["events"]
        return events


class Receiver(LoopbackServer):
    def __init__(self) -> None:
        self.received: list[Received] = []
        self.challenge_mode = "echo"  # echo | wrong | error | text
        self.fail_with: list[int] = []  # statuses for the next deliveries (and verifications), then 2xx
        super().__init__([Route(PATH, self.handle, methods=["GET", "POST"])])

    @property
    def url(self) -> str:
        return f"{self.base_url}{PATH}"

    async def handle(self, request: Request) -> Response:
        body = await request.body()
        with self._lock:
            self.received.append(Received(request.method, dict(request.headers), body))
            status = self.fail_with.pop(0) if self.fail_with else None
        if status is not None:
            return PlainTextResponse("failing on purpose", status_code=status)
        if request.method == "GET":
            return self._answer_challenge(request.headers.get("x-okta-verification-challenge", ""))
        return Response(status_code=200)

    def _answer_challenge(self, challenge: str) -> Response:
        if self.challenge_mode == "wrong":
            return JSONResponse({"verification": "not-the-challenge"})
        if self.challenge_mode == "error":
            return PlainTextResponse("oops", status_code=500)
        if self.challenge_mode == "text":
            return PlainTextResponse(challenge)
        return JSONResponse({"verification": challenge})

    # -- what the tests read ------------------------------------------------------------
    def requests(self, method: str) -> list[Received]:
        with self._lock:
            return [r for r in self.received if r.method == method]

    def deliveries(self, predicate: Callable[[Received], bool] = lambda r: True) -> list[Received]:
        return [r for r in self.requests("POST") if predicate(r)]

    def wait_for(self, predicate: Callable[[Received], bool], count: int = 1, timeout: float = 10.0) -> list[Received]:
        """The deliveries (POSTs) matching `predicate`, once there are `count` of them."""
        return self.poll(lambda: self.deliveries(predicate), count, timeout, lambda: self.received)
