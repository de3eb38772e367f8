"""The journal page and its live stream (SSE): every twin's requests, newest on top."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from services.core.ui.sse import event_stream
from services.inspector import feed
from services.inspector.render import fleet_of, page

# Filters the page applies live in the browser; the query string pre-fills them (links from the overview).
FILTERS = ("service", "tenant", "method", "status", "text")
STATUS_CLASSES = [("", "any status"), ("2", "2xx"), ("3", "3xx"), ("4", "4xx"), ("5", "5xx"), ("400+", "errors (400+)")]
METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE"]


async def journal_page(request: Request) -> Response:
    filters: dict[str, Any] = {name: request.query_params.get(name, "") for name in FILTERS}
    return page(
        request,
        "journal.html",
        "/journal",
        title="Journal",
        twins=fleet_of(request).names(),
        filters=filters,
        status_classes=STATUS_CLASSES,
        methods=METHODS,
        page_flush=True,
    )


async def journal_stream(request: Request) -> Response:
    fleet = fleet_of(request)

    async def poll(cursor: str) -> tuple[list[tuple[str, Any]], str]:
        return await feed.poll(fleet, cursor)

    return event_stream(request, poll, "", interval=0.5)
