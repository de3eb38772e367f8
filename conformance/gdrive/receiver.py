"""A push-notification address on 127.0.0.1, as an app would serve it, for black-box tests.

Records every POST (headers and body) and answers with the statuses the test scripts
(`fail_with`), then 200.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route

from conformance.loopback_server import LoopbackServer


@dataclass
class Notification:
    headers: dict[str, str]
    body: bytes

    @property
    def state(self) -> str:
        return self.headers.get("x-goog-resource-state", "")

    @property
    def number(self) -> int:
        return int(self.headers.get("x-goog-message-number", "0"))


class Receiver(LoopbackServer):
    def __init__(self) -> None:
        self.received: list[Notification] = []
        self.fail_with: list[int] = []
        super().__init__([Route("/notifications", self.handle, methods=["POST"])])

    @property
    def url(self) -> str:
        return f"{self.base_url}/notifications"

    async def handle(self, request: Request) -> Response:
        body = await request.body()
        with self._lock:
            self.received.append(Notification(dict(request.headers), body))
            status = self.fail_with.pop(0) if self.fail_with else 200
        return PlainTextResponse("", status_code=status)

    def wait_for(
        self, predicate: Callable[[Notification], bool], count: int = 1, timeout: float = 10.0
    ) -> list[Notification]:
        def find() -> list[Notification]:
            with self._lock:
                return [n for n in self.received if predicate(n)]

        return self.poll(find, count, timeout, lambda: self.received)
