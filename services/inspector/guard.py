"""Only this machine's browser may use the inspector: it has no sign-in.

Two attacks are stopped here. DNS rebinding: a site whose name is made to point at
127.0.0.1 reaches the inspector as if same-origin, but its requests carry that site's
name in the Host header, so every request must name a loopback host on the inspector's
own port. Cross-site forms: a page elsewhere posting a form, which a browser marks with
its Origin (or, when it leaves the Origin out, with `Sec-Fetch-Site: cross-site`).
A client that sends neither header is not a browser (curl, httpx, a test), so it is let through.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from starlette.responses import PlainTextResponse
from starlette.types import ASGIApp, Receive, Scope, Send

LOOPBACK_NAMES = frozenset({"127.0.0.1", "localhost", "::1"})
DEFAULT_PORTS = {"http": 80, "https": 443}
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
# Sec-Fetch-Site values a browser sends for the inspector's own pages or a URL typed in.
SAME_SITE_FETCHES = frozenset({"same-origin", "none"})


def loopback_port(netloc: str, scheme: str) -> int | None:
    """The port of `host[:port]` when the host is a loopback name, else None."""
    try:
        parts = urlsplit(f"{scheme}://{netloc}")
        hostname, port = parts.hostname, parts.port
    except ValueError:  # a port that is not a number, an unclosed [
        return None
    if hostname is None or hostname.lower() not in LOOPBACK_NAMES or "@" in netloc:
        return None
    return port if port is not None else DEFAULT_PORTS.get(scheme)


def host_allowed(host: str, scheme: str, own_port: int | None) -> bool:
    """The Host header names a loopback host on the inspector's port (any port when it is unknown)."""
    port = loopback_port(host, scheme)
    return port is not None and (own_port is None or port == own_port)


def origin_allowed(origin: str, scheme: str, own_port: int | None) -> bool:
    """The Origin header is one of the inspector's own origins (`http://127.0.0.1:4100`, ...)."""
    try:
        parts = urlsplit(origin)
    except ValueError:
        return False
    if parts.scheme != scheme or parts.path not in ("", "/") or parts.query or parts.fragment:
        return False
    return host_allowed(parts.netloc, scheme, own_port)


def refusal(scope: Scope) -> str | None:
    """Why a request is refused, or None."""
    headers = {key.decode("latin-1"): value.decode("latin-1") for key, value in scope.get("headers") or []}
    scheme = str(scope.get("scheme") or "http")
    server = scope.get("server")
    own_port = int(server[1]) if server and server[1] is not None else None
    if not host_allowed(headers.get("host", ""), scheme, own_port):
        return "the DTU inspector answers only to 127.0.0.1, localhost or [::1] on its own port"
    if scope.get("method") in SAFE_METHODS:
        return None
    origin = headers.get("origin")
    if origin is not None:
        return None if origin_allowed(origin, scheme, own_port) else "cross-origin form refused by the DTU inspector"
    fetch_site = headers.get("sec-fetch-site")
    if fetch_site is not None and fetch_site not in SAME_SITE_FETCHES:
        return "cross-site form refused by the DTU inspector"
    return None


class LocalOnly:
    """ASGI middleware: a 403 for any request `refusal` names a reason for."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            reason = refusal(scope)
            if reason is not None:
                await PlainTextResponse(reason, status_code=403)(scope, receive, send)
                return
        await self.app(scope, receive, send)
