"""Messages carried to the page a form redirects to ("Shared with bob", "Cannot suspend ...").

The message rides in the redirect's query string, signed and short-lived: a crafted link
cannot put official-looking text on a twin's page. Pages read it through the template
context (`flash_notice`, `flash_error`) that `ui_templates` adds to every render.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from itsdangerous import BadSignature, URLSafeTimedSerializer
from starlette.requests import Request
from starlette.responses import RedirectResponse

from services.core.ui.session import ui_keys

PARAM = "flash"
MAX_AGE_SECONDS = 120


def _serializer(request: Request) -> URLSafeTimedSerializer:
    keys = ui_keys(request)
    return URLSafeTimedSerializer(keys.secret, salt=f"dtu-ui-flash-{keys.name}")


def flash_url(request: Request, url: str, *, notice: str | None = None, error: str | None = None) -> str:
    """`url` with a signed message for the page it leads to."""
    if not notice and not error:
        return url
    token = _serializer(request).dumps({"notice": notice or "", "error": error or ""})
    return url + ("&" if "?" in url else "?") + urlencode({PARAM: token})


def flash_redirect(
    request: Request, url: str, *, notice: str | None = None, error: str | None = None
) -> RedirectResponse:
    return RedirectResponse(flash_url(request, url, notice=notice, error=error), status_code=303)


def flash_context(request: Request) -> dict[str, Any]:
    """The message of a `flash_url`, if genuine and recent: a Jinja2Templates context processor."""
    token = request.query_params.get(PARAM)
    if not token:
        return {}
    try:
        message = _serializer(request).loads(token, max_age=MAX_AGE_SECONDS)
    except BadSignature:
        return {}
    if not isinstance(message, dict):
        return {}
    return {"flash_notice": str(message.get("notice") or ""), "flash_error": str(message.get("error") or "")}
