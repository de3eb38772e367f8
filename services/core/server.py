"""Running twins with uvicorn: several servers on one event loop, ports checked first."""

from __future__ import annotations

import asyncio
import errno
import socket
from dataclasses import dataclass

import uvicorn
from starlette.applications import Starlette

from services.core.tls import TlsFiles


class PortInUse(RuntimeError):
    def __init__(self, service: str, host: str, port: int) -> None:
        super().__init__(f"{service}: port {port} on {host} is already in use")
        self.service, self.host, self.port = service, host, port


@dataclass
class Served:
    service: str
    app: Starlette
    host: str
    port: int
    tls: TlsFiles | None = None


def bind_socket(service: str, host: str, port: int) -> socket.socket:
    """Bind now, so a taken port is reported by name before anything starts."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    # Accepted connections inherit this: without it, keep-alive clients meet Nagle's
    # algorithm against delayed ACKs and every response waits ~40 ms.
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    try:
        sock.bind((host, port))
    except OSError as exc:
        sock.close()
        if exc.errno in (errno.EADDRINUSE, errno.EACCES):
            raise PortInUse(service, host, port) from exc
        raise
    sock.listen(2048)
    sock.set_inheritable(True)
    return sock


def uvicorn_config(app: Starlette, log_level: str = "warning", tls: TlsFiles | None = None) -> uvicorn.Config:
    return uvicorn.Config(
        app,
        log_level=log_level,
        access_log=False,
        lifespan="on",
        server_header=False,
        date_header=False,  # services.core.dates sets it (tenant clocks may differ)
        timeout_graceful_shutdown=2,
        ssl_certfile=str(tls.cert) if tls else None,
        ssl_keyfile=str(tls.key) if tls else None,
    )


async def serve_all(served: list[Served], sockets: list[socket.socket], log_level: str = "warning") -> None:
    servers = [uvicorn.Server(uvicorn_config(s.app, log_level, s.tls)) for s in served]
    await asyncio.gather(*(server.serve(sockets=[sock]) for server, sock in zip(servers, sockets, strict=True)))
