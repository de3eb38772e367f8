"""Rendering inspector pages: the shared DTU layout, no sign-in, signed messages carried across redirects."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from services.core.ui.flash import flash_url
from services.core.ui.templates import Chrome, ui_templates
from services.inspector.control import Fleet

TEMPLATES = ui_templates(Path(__file__).parent / "templates")


def utc(epoch: object) -> str:
    """Epoch seconds as `2026-01-31 09:30:00 UTC` (tenants' created_at, clocks)."""
    if not isinstance(epoch, int | float):
        return ""
    return datetime.fromtimestamp(epoch, tz=UTC).strftime("%Y-%m-%d %H:%M:%S UTC")


TEMPLATES.env.filters["utc"] = utc
# A local developer tool bound to 127.0.0.1: no sign-in (the layout shows no user).
CHROME = Chrome(brand="DTU inspector", accent="#2b3a4a", home="/")
PAGES = [
    ("/", "Overview"),
    ("/journal", "Journal"),
    ("/faults", "Faults"),
    ("/clock", "Clock"),
    ("/snapshots", "Snapshots"),
]


class BadInput(ValueError):
    """A form value the inspector cannot use; the message is shown on the page."""


def fleet_of(request: Request) -> Fleet:
    fleet: Fleet = request.app.state.fleet
    return fleet


def page(request: Request, template: str, active: str, **context: Any) -> Response:
    """A page in the shared layout. The message of the action that redirected here is shown by
    the layout itself, from the signed `?flash=` (never from plain query text a link could fill)."""
    values = {"ui": CHROME, "user": None, "pages": PAGES, "active": active, **context}
    return TEMPLATES.TemplateResponse(request, template, values)


def back(
    request: Request, path: str, *, notice: str | None = None, error: str | None = None, anchor: str = ""
) -> RedirectResponse:
    """Post/redirect/get: back to `path` with a signed message to show (a reload does not repeat the action)."""
    url = flash_url(request, path, notice=notice, error=error)
    return RedirectResponse(url + (f"#{anchor}" if anchor else ""), status_code=303)


def number(raw: object, label: str, *, minimum: float | None = None, maximum: float | None = None) -> float:
    """A form field as a number, or BadInput saying what is wrong with it."""
    text = raw.strip() if isinstance(raw, str) else ""
    try:
        value = float(text)
    except ValueError:
        raise BadInput(f"{label}: {text!r} is not a number") from None
    if value != value or value in (float("inf"), float("-inf")):
        raise BadInput(f"{label}: {text!r} is not a number")
    if minimum is not None and value < minimum:
        raise BadInput(f"{label} must be at least {minimum:g}")
    if maximum is not None and value > maximum:
        raise BadInput(f"{label} must be at most {maximum:g}")
    return value


def text(raw: object) -> str:
    return raw.strip() if isinstance(raw, str) else ""
