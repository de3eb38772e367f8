"""An app's Events API Request URL, as a user's app would serve it, for black-box tests.

A small Starlette app on a real socket (uvicorn in a thread) that verifies every
request's signature with slack_sdk's SignatureVerifier, answers the url_verification
challenge, and records what it received. Tests script its answers: how to answer the
challenge, and which statuses to return to the next event deliveries.
"""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import uvicorn
from slack_sdk.signature import SignatureVerifier
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import Route


@dataclass
class Received:
    headers: dict[str, str]
    body: bytes
    payload: dict[str, Any]
    signature_valid: bool

    @property
    def event(self) -> dict[str, Any]:
        event: dict[str, Any] = self.payload.get("event") or {}
        return event


class Receiver:
    def __init__(self, signing_secret: str) -> None:
        self.verifier = SignatureVerifier(signing_secret)
        self.received: list[Received] = []
        self.challenge_mode = "text"  # text | json | form | wrong | error
        self.fail_with: list[int] = []  # statuses for the next event deliveries, then 200
        self.no_retry = False  # answer failures with X-Slack-No-Retry: 1
        self._lock = threading.Lock()
        app = Starlette(routes=[Route("/slack/events", self.handle, methods=["POST"])])
        self._socket = socket.socket()
        self._socket.bind(("127.0.0.1", 0))
        self.port: int = self._socket.getsockname()[1]
        self._server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="off"))
        self._thread = threading.Thread(target=self._server.run, kwargs={"sockets": [self._socket]}, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/slack/events"

    def start(self) -> Receiver:
        self._thread.start()
        deadline = time.monotonic() + 10
        while not self._server.started:
            if time.monotonic() > deadline:
                raise RuntimeError("receiver did not start")
            time.sleep(0.005)
        return self

    def stop(self) -> None:
        self._server.should_exit = True
        self._thread.join(timeout=5)
        self._socket.close()

    async def handle(self, request: Request) -> Response:
        body = await request.body()
        headers = dict(request.headers)
        valid = self.verifier.is_valid_request(body, headers)
        payload = json.loads(body)
        with self._lock:
            self.received.append(Received(headers, body, payload, valid))
            status = self.fail_with.pop(0) if self.fail_with and payload.get("type") == "event_callback" else 200
        if not valid:
            return PlainTextResponse("invalid signature", status_code=401)
        if payload.get("type") == "url_verification":
            return self._answer_challenge(str(payload.get("challenge")))
        if status != 200:
            extra = {"X-Slack-No-Retry": "1"} if self.no_retry else {}
            return PlainTextResponse("failing on purpose", status_code=status, headers=extra)
        return PlainTextResponse("")

    def _answer_challenge(self, challenge: str) -> Response:
        if self.challenge_mode == "json":
            return JSONResponse({"challenge": challenge})
        if self.challenge_mode == "form":
            return Response(f"challenge={challenge}", media_type="application/x-www-form-urlencoded")
        if self.challenge_mode == "wrong":
            return PlainTextResponse("not-the-challenge")
        if self.challenge_mode == "error":
            return PlainTextResponse("oops", status_code=500)
        return PlainTextResponse(challenge)

    # -- what the tests read ------------------------------------------------------------
    def callbacks(self, predicate: Callable[[Received], bool] = lambda r: True) -> list[Received]:
        with self._lock:
            return [r for r in self.received if r.payload.get("type") == "event_callback" and predicate(r)]

    def wait_for(self, predicate: Callable[[Received], bool], count: int = 1, timeout: float = 10.0) -> list[Received]:
        """The event_callback deliveries matching `predicate`, once there are `count` of them."""
        deadline = time.monotonic() + timeout
        while True:
            found = self.callbacks(predicate)
            if len(found) >= count:
                return found
            if time.monotonic() > deadline:
                raise AssertionError(f"expected {count} matching deliveries, got {len(found)}: {self.received}")
            time.sleep(0.01)
