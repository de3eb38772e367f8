"""The `Date` response header, set by the app rather than by uvicorn.

uvicorn would prepend its own `Date` (wall clock) even when a twin sets one, and
clients read the first. Twins whose rate-limit headers are computed on a tenant's
controllable clock (Okta's `X-Rate-Limit-Reset` against `Date`) set `Date` themselves;
every other response gets the wall clock here.
"""

from __future__ import annotations

import time
from email.utils import formatdate

from starlette.types import ASGIApp, Message, Receive, Scope, Send


def http_date(ts: float) -> str:
    return formatdate(ts, usegmt=True)


class DateHeaderMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self._second = -1
        self._value = b""

    def _now(self) -> bytes:
        second = int(time.time())
        if second != self._second:
            self._second, self._value = second, http_date(second).encode()
        return self._value

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_date(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = message.get("headers") or []
                if not any(name.lower() == b"date" for name, _ in headers):
                    message["headers"] = [*headers, (b"date", self._now())]
            await send(message)

        await self.app(scope, receive, send_with_date)
