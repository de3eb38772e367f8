"""Server-sent events for live pages (new Slack messages, the inspector's journal).

A stream polls a cursor-based source: simple, and right whatever process or database
made the change. Each stream ends after `lifetime` seconds; the browser's EventSource
reconnects by itself and sends the last `id:` back as Last-Event-ID, so nothing is lost
and no connection holds a server open at shutdown for long.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

from starlette.requests import Request
from starlette.responses import StreamingResponse

# cursor -> (events as (event name, JSON-able data), the next cursor)
Poll = Callable[[str], Awaitable[tuple[list[tuple[str, Any]], str]]]

HEARTBEAT_SECONDS = 10.0


def format_event(event: str, data: Any, event_id: str | None = None) -> str:
    lines = [f"event: {event}"]
    if event_id is not None:
        lines.append(f"id: {event_id}")
    lines.extend(f"data: {line}" for line in json.dumps(data).splitlines() or [""])
    return "\n".join(lines) + "\n\n"


def event_stream(
    request: Request, poll: Poll, cursor: str, *, interval: float = 0.5, lifetime: float = 25.0
) -> StreamingResponse:
    cursor = request.headers.get("last-event-id") or cursor

    async def events() -> AsyncIterator[str]:
        nonlocal cursor
        yield "retry: 1000\n\n"
        ends = time.monotonic() + lifetime
        quiet_since = time.monotonic()
        while time.monotonic() < ends:
            if await request.is_disconnected():
                return
            found, cursor = await poll(cursor)
            for event, data in found:
                yield format_event(event, data, cursor)
            if found:
                quiet_since = time.monotonic()
            elif time.monotonic() - quiet_since > HEARTBEAT_SECONDS:
                quiet_since = time.monotonic()
                yield ": keep-alive\n\n"
            await asyncio.sleep(interval)

    headers = {"Cache-Control": "no-cache", "X-Accel-Buffering": "no"}
    return StreamingResponse(events(), media_type="text/event-stream", headers=headers)
