"""Small routes every UI needs."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import RedirectResponse
from starlette.routing import Route

from services.core.ui.session import ui_request


def root_redirect(target: str) -> Route:
    """`/` leads to the UI's home (as the vendor's root does), keeping `?tenant=`; not journaled."""

    async def redirect(request: Request) -> RedirectResponse:
        ui_request(request)
        query = request.url.query
        return RedirectResponse(target + (f"?{query}" if query else ""), status_code=302)

    return Route("/", redirect, methods=["GET"])
