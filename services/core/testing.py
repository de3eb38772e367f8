"""A twin served on a real socket from a background thread, for tests.

As in httpx's own test suite: uvicorn runs in a thread on a pre-bound socket
(port 0 picks a free port), so SDK clients talk to it over real HTTP.
"""

from __future__ import annotations

import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from types import TracebackType

import httpx
import uvicorn
from starlette.applications import Starlette

from services.core.server import bind_socket, uvicorn_config
from services.core.tls import TlsFiles


class ThreadedServer:
    def __init__(
        self,
        app: Starlette,
        host: str = "127.0.0.1",
        port: int = 0,
        name: str = "twin",
        sock: socket.socket | None = None,
        tls: TlsFiles | None = None,
    ) -> None:
        self.app = app
        self.socket = sock if sock is not None else bind_socket(name, host, port)
        self.host, self.port = self.socket.getsockname()[:2]
        self.tls = tls  # serve HTTPS with this certificate
        self.server = uvicorn.Server(uvicorn_config(app, tls=tls))
        self.thread = threading.Thread(target=self._run, name=f"dtu-{name}", daemon=True)

    @property
    def url(self) -> str:
        return f"{'https' if self.tls else 'http'}://{self.host}:{self.port}"

    def _run(self) -> None:
        self.server.run(sockets=[self.socket])

    def start(self) -> ThreadedServer:
        self.thread.start()
        deadline = time.monotonic() + 10
        while not self.server.started:
            if not self.thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("twin server did not start")
            time.sleep(0.005)
        return self

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=5)
        self.socket.close()

    def __enter__(self) -> ThreadedServer:
        return self.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()


@contextmanager
def dtu_up(
    args: list[str], env: dict[str, str], log_path: Path, ready: Callable[[], bool], timeout: float = 30.0
) -> Iterator[subprocess.Popen[bytes]]:
    """`dtu up --no-inspector <args>` as a user starts it, in a subprocess logging to `log_path`.

    Yields once `ready()` is true (an HTTP or OS error from it counts as not yet);
    AssertionError with the log when the process exits or `timeout` passes first.
    Terminated on exit.
    """
    command = [sys.executable, "-m", "services.cli", "up", "--no-inspector", *args]
    with log_path.open("wb") as log:
        process = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + timeout
        while not _answers(ready):
            if time.monotonic() > deadline or process.poll() is not None:
                raise AssertionError(log_path.read_text())
            time.sleep(0.05)
        yield process
    finally:
        process.terminate()
        process.wait(timeout=10)


def _answers(ready: Callable[[], bool]) -> bool:
    try:
        return ready()
    except (httpx.HTTPError, OSError):  # not listening yet, a file not written yet (FileNotFoundError, SSLError)
        return False
