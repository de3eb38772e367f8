"""A socket-level guard: the Google conformance tests talk to the twin on loopback, nowhere else.

google-auth and googleapiclient know Google's real hosts (`oauth2.googleapis.com`,
`iamcredentials.googleapis.com`, `www.googleapis.com`), and a library update can start
calling one of them from a background thread without any test noticing. While the guard
is installed, every name lookup and every TCP connection to anything but a loopback
address is refused (`OSError`, so a library sees a network failure) and recorded; the
fixture in conftest.py fails the test that attempted it, even when the attempt happened
in a thread whose exception the library swallowed.
"""

from __future__ import annotations

import ipaddress
import socket
import threading
import traceback
from collections.abc import Callable
from typing import Any

LOOPBACK_NAMES = {"localhost", "localhost.localdomain", "ip6-localhost", "ip6-loopback"}


def is_loopback(host: Any) -> bool:
    if host is None:
        return True  # getaddrinfo(None, port): the local wildcard, used for binding
    if isinstance(host, bytes):
        host = host.decode("ascii", "replace")
    text = str(host).strip("[]").split("%", 1)[0].lower()
    if text in LOOPBACK_NAMES or text == "":
        return True
    try:
        return ipaddress.ip_address(text).is_loopback or ipaddress.ip_address(text).is_unspecified
    except ValueError:
        return False


class LoopbackGuard:
    """Installed around each test; `violations` lists what was refused, with where it came from."""

    def __init__(self) -> None:
        self.violations: list[str] = []
        self._lock = threading.Lock()
        self._saved: dict[str, Callable[..., Any]] = {}

    def _refuse(self, what: str) -> OSError:
        stack = "".join(traceback.format_stack(limit=12)[:-2])
        with self._lock:
            self.violations.append(f"{what} (thread {threading.current_thread().name})\n{stack}")
        return OSError(f"DTU loopback guard: non-loopback network access refused: {what}")

    def install(self) -> None:
        original_getaddrinfo = socket.getaddrinfo
        original_connect = socket.socket.connect
        original_connect_ex = socket.socket.connect_ex
        self._saved = {
            "getaddrinfo": original_getaddrinfo,
            "connect": original_connect,
            "connect_ex": original_connect_ex,
        }
        guard = self

        def getaddrinfo(host: Any, *args: Any, **kwargs: Any) -> Any:
            if not is_loopback(host):
                raise guard._refuse(f"name lookup of {host!r}")
            return original_getaddrinfo(host, *args, **kwargs)

        def _check(sock: socket.socket, address: Any) -> None:
            if sock.family in (socket.AF_INET, socket.AF_INET6) and not is_loopback(address[0]):
                raise guard._refuse(f"connection to {address!r}")

        def connect(sock: socket.socket, address: Any) -> None:
            _check(sock, address)
            original_connect(sock, address)

        def connect_ex(sock: socket.socket, address: Any) -> int:
            _check(sock, address)
            result: int = original_connect_ex(sock, address)
            return result

        socket.getaddrinfo = getaddrinfo  # type: ignore[assignment]
        socket.socket.connect = connect  # type: ignore[method-assign]
        socket.socket.connect_ex = connect_ex  # type: ignore[method-assign]

    def uninstall(self) -> None:
        if not self._saved:
            return
        socket.getaddrinfo = self._saved["getaddrinfo"]  # type: ignore[assignment]
        socket.socket.connect = self._saved["connect"]  # type: ignore[method-assign]
        socket.socket.connect_ex = self._saved["connect_ex"]  # type: ignore[method-assign]
        self._saved = {}

    def take(self) -> list[str]:
        with self._lock:
            found, self.violations = self.violations, []
        return found
