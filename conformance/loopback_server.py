"""A Starlette app on a real loopback socket, served by uvicorn in a thread.

The base of the tests' receivers (Slack events, Okta event hooks, Jira webhooks, Google
push): each adds its routes and what it records; this holds the serving and the waiting.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Callable, Sequence
from typing import Self, TypeVar

import uvicorn
from starlette.applications import Starlette
from starlette.routing import BaseRoute

T = TypeVar("T")


class LoopbackServer:
    def __init__(self, routes: Sequence[BaseRoute]) -> None:
        self._lock = threading.Lock()
        self._socket = socket.socket()
        self._socket.bind(("127.0.0.1", 0))
        self.port: int = self._socket.getsockname()[1]
        app = Starlette(routes=list(routes))
        self._server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="off"))
        self._thread = threading.Thread(target=self._server.run, kwargs={"sockets": [self._socket]}, daemon=True)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> Self:
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

    def poll(self, find: Callable[[], list[T]], count: int, timeout: float, describe: Callable[[], object]) -> list[T]:
        """`find()` once it returns at least `count` items; AssertionError after `timeout` seconds."""
        deadline = time.monotonic() + timeout
        while True:
            found = find()
            if len(found) >= count:
                return found
            if time.monotonic() > deadline:
                raise AssertionError(f"expected {count} matching deliveries, got {len(found)}: {describe()}")
            time.sleep(0.01)
