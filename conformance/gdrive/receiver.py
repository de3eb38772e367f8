"""A push-notification address on 127.0.0.1, as an app would serve it, for black-box tests.

Records every POST (headers and body) and answers with the statuses the test scripts
(`fail_with`), then 200.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route


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


class Receiver:
    def __init__(self) -> None:
        self.received: list[Notification] = []
        self.fail_with: list[int] = []
        self._lock = threading.Lock()
        app = Starlette(routes=[Route("/notifications", self.handle, methods=["POST"])])
        self._socket = socket.socket()
        self._socket.bind(("127.0.0.1", 0))
        self.port: int = self._socket.getsockname()[1]
        self._server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="off"))
        self._thread = threading.Thread(target=self._server.run, kwargs={"sockets": [self._socket]}, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/notifications"

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
        with self._lock:
            self.received.append(Notification(dict(request.headers), body))
            status = self.fail_with.pop(0) if self.fail_with else 200
        return PlainTextResponse("", status_code=status)

    def wait_for(
        self, predicate: Callable[[Notification], bool], count: int = 1, timeout: float = 10.0
    ) -> list[Notification]:
        deadline = time.monotonic() + timeout
        while True:
            with self._lock:
                found = [n for n in self.received if predicate(n)]
            if len(found) >= count:
                return found
            if time.monotonic() > deadline:
                raise AssertionError(f"expected {count} matching notifications, got {len(found)}: {self.received}")
            time.sleep(0.01)
