"""A bounded, queryable request journal, recorded by a pure ASGI middleware.

The journal is a ring buffer: under load the oldest entries fall off, so memory
stays bounded. Bodies are kept as short excerpts only.
"""

from __future__ import annotations

import itertools
import re
import time
from collections import deque
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

EXCERPT_BYTES = 1024
CONTROL_PREFIX = "/_dtu"


@dataclass
class JournalEntry:
    seq: int
    time: float
    service: str
    tenant: str | None
    operation: str | None
    method: str
    path: str
    query: str
    status: int
    latency_ms: float
    request_excerpt: str
    response_excerpt: str

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


class Journal:
    def __init__(self, service: str, maxlen: int = 5000) -> None:
        self.service = service
        self._entries: deque[JournalEntry] = deque(maxlen=maxlen)
        self._seq = itertools.count(1)

    @property
    def maxlen(self) -> int:
        return self._entries.maxlen or 0

    def __len__(self) -> int:
        return len(self._entries)

    def record(self, **fields: Any) -> JournalEntry:
        entry = JournalEntry(seq=next(self._seq), service=self.service, **fields)
        self._entries.append(entry)
        return entry

    def clear(self) -> None:
        self._entries.clear()

    def query(
        self,
        *,
        path: str | None = None,
        operation: str | None = None,
        method: str | None = None,
        status: int | None = None,
        min_status: int | None = None,
        tenant: str | None = None,
        since: float | None = None,
        until: float | None = None,
        after_seq: int | None = None,
        limit: int = 100,
    ) -> list[JournalEntry]:
        """Entries oldest first; `path` matches as a substring."""

        def keep(entry: JournalEntry) -> bool:
            return (
                (path is None or path in entry.path)
                and (operation is None or entry.operation == operation)
                and (method is None or entry.method == method.upper())
                and (status is None or entry.status == status)
                and (min_status is None or entry.status >= min_status)
                and (tenant is None or entry.tenant == tenant)
                and (since is None or entry.time >= since)
                and (until is None or entry.time < until)
                and (after_seq is None or entry.seq > after_seq)
            )

        selected: Iterable[JournalEntry] = (e for e in self._entries if keep(e))
        return list(itertools.islice(selected, max(0, limit)))


# Sign-in forms (Okta's hosted page, the web UIs') post a password: the journal, shown by the
# fleet inspector, keeps the field but not its value.
_FORM_PASSWORD = re.compile(rb"(?:(?<=^)|(?<=&))(password=)[^&]*")


def _excerpt(chunks: list[bytes]) -> str:
    raw = _FORM_PASSWORD.sub(rb"\1[redacted]", b"".join(chunks)[:EXCERPT_BYTES])
    return raw.decode("utf-8", errors="replace")


class JournalMiddleware:
    """Records every request except the control plane's own."""

    def __init__(self, app: ASGIApp, journal: Journal) -> None:
        self.app = app
        self.journal = journal

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"].startswith(CONTROL_PREFIX):
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        request_chunks: list[bytes] = []
        response_chunks: list[bytes] = []
        request_size = 0
        response_size = 0
        status = 500

        async def receive_wrapper() -> Message:
            nonlocal request_size
            message = await receive()
            if message["type"] == "http.request" and request_size < EXCERPT_BYTES:
                body = message.get("body", b"")
                request_chunks.append(body[: EXCERPT_BYTES - request_size])
                request_size += len(body)
            return message

        async def send_wrapper(message: Message) -> None:
            nonlocal status, response_size
            if message["type"] == "http.response.start":
                status = message["status"]
            elif message["type"] == "http.response.body" and response_size < EXCERPT_BYTES:
                body = message.get("body", b"")
                response_chunks.append(body[: EXCERPT_BYTES - response_size])
                response_size += len(body)
            await send(message)

        try:
            await self.app(scope, receive_wrapper, send_wrapper)
        finally:
            state = scope.get("state") or {}
            # Pages of the twin's own web UI (services/core/ui) are not vendor traffic.
            if not state.get("dtu_journal_skip"):
                self._record(scope, state, status, started, request_chunks, response_chunks)

    def _record(
        self,
        scope: Scope,
        state: dict[str, Any],
        status: int,
        started: float,
        request_chunks: list[bytes],
        response_chunks: list[bytes],
    ) -> None:
        self.journal.record(
            time=time.time(),
            tenant=state.get("dtu_tenant"),
            operation=state.get("dtu_operation"),
            method=scope["method"],
            path=scope["path"],
            query=scope.get("query_string", b"").decode("latin-1"),
            status=status,
            latency_ms=round((time.perf_counter() - started) * 1000, 3),
            request_excerpt=_excerpt(request_chunks),
            response_excerpt=_excerpt(response_chunks),
        )
