"""An app's Events API Request URL, as a user's app would serve it, for black-box tests.

A small Starlette app on a real socket (uvicorn in a thread) that verifies every
request's signature with slack_sdk's SignatureVerifier, answers the url_verification
challenge, and records what it received. Tests script its answers: how to answer the
challenge, and which statuses to return to the next event deliveries.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from slack_sdk.signature import SignatureVerifier
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import Route

from conformance.loopback_server import LoopbackServer


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


class Receiver(LoopbackServer):
    def __init__(self, signing_secret: str) -> None:
        self.verifier = SignatureVerifier(signing_secret)
        self.received: list[Received] = []
        self.challenge_mode = "text"  # text | json | form | wrong | error
        self.fail_with: list[int] = []  # statuses for the next event deliveries, then 200
        self.no_retry = False  # answer failures with X-Slack-No-Retry: 1
        super().__init__([Route("/slack/events", self.handle, methods=["POST"])])

    @property
    def url(self) -> str:
        return f"{self.base_url}/slack/events"

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
        return self.poll(lambda: self.callbacks(predicate), count, timeout, lambda: self.received)
