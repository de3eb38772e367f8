"""Who is signed in to a twin's web UI: a signed cookie, one per twin.

Cookies ignore ports, and all twins share 127.0.0.1, so each twin names its own cookie.
The cookie is signed with a per-process secret (or DTU_UI_SECRET, so that sign-ins
survive a restart), is HttpOnly and SameSite=Lax. SameSite does not tell one port from
another (every twin, and any local dev server, is "same-site" on 127.0.0.1), so a
state-changing request whose Origin is not this twin's own is not signed in at all
(`cross_origin`): that is what keeps the UIs' plain HTML forms safe without CSRF tokens.
"""

from __future__ import annotations

import os
import secrets
from dataclasses import asdict, dataclass, field
from typing import Any
from urllib.parse import quote

from itsdangerous import BadSignature, URLSafeTimedSerializer
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from services.core.twin import TwinRuntime, runtime_of

MAX_AGE_SECONDS = 12 * 3600


@dataclass(frozen=True)
class UiUser:
    """A person signed in to one tenant of a twin's UI (ids are the vendor's)."""

    tenant: str
    id: str
    name: str
    email: str = ""
    # Vendor facts a page may need (Okta admin roles, Slack team id, ...).
    extra: dict[str, Any] = field(default_factory=dict)


def signing_secret(runtime: TwinRuntime) -> str:
    """This process's secret for the UI's signed values (DTU_UI_SECRET keeps it across restarts)."""
    secret = runtime.extras.get("ui_secret")
    if secret is None:
        secret = os.environ.get("DTU_UI_SECRET") or secrets.token_hex(32)
        runtime.extras["ui_secret"] = secret
    return str(secret)


@dataclass(frozen=True)
class UiKeys:
    """What signs a UI's values: a name (the salt) and a secret. An app that is not a twin (the
    fleet inspector) sets one as `app.state.ui_keys`; a twin's come from its runtime."""

    name: str
    secret: str = field(default_factory=lambda: os.environ.get("DTU_UI_SECRET") or secrets.token_hex(32))


def ui_keys(request: Request) -> UiKeys:
    keys: UiKeys | None = getattr(request.app.state, "ui_keys", None)
    if keys is not None:
        return keys
    runtime = runtime_of(request)
    return UiKeys(runtime.spec.name, signing_secret(runtime))


def _serializer(runtime: TwinRuntime) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(signing_secret(runtime), salt=f"dtu-ui-{runtime.spec.name}")


def cookie_name(runtime: TwinRuntime) -> str:
    return f"dtu_ui_{runtime.spec.name}"


SAFE_METHODS = ("GET", "HEAD", "OPTIONS")


def _origin_of(url: str) -> str:
    scheme, _, rest = url.partition("://")
    return f"{scheme}://{rest.split('/', 1)[0]}"


def cross_origin(request: Request) -> bool:
    """A state-changing request sent by a page of another origin (another twin's port counts)."""
    if request.method in SAFE_METHODS:
        return False
    origin = request.headers.get("origin")
    if origin is None:
        # Browsers send Origin with every cross-origin POST; where it is missing, Sec-Fetch-Site says.
        return request.headers.get("sec-fetch-site", "same-origin") not in ("same-origin", "none")
    own = {f"{request.url.scheme}://{request.url.netloc}", _origin_of(runtime_of(request).base_url)}
    return origin not in own


def current_user(request: Request) -> UiUser | None:
    """The signed-in person, if the cookie is valid, the tenant still exists and the request is our own."""
    runtime = runtime_of(request)
    raw = request.cookies.get(cookie_name(runtime))
    if not raw or cross_origin(request):
        return None
    try:
        data = _serializer(runtime).loads(raw, max_age=MAX_AGE_SECONDS)
        user = UiUser(**data)
    except (BadSignature, TypeError):
        return None
    if runtime.tenants.find(user.tenant) is None:
        return None
    return user


def remember(request: Request, response: Response, user: UiUser) -> None:
    runtime = runtime_of(request)
    value = _serializer(runtime).dumps(asdict(user))
    response.set_cookie(cookie_name(runtime), value, max_age=MAX_AGE_SECONDS, httponly=True, samesite="lax", path="/")


def forget(request: Request, response: Response) -> None:
    response.delete_cookie(cookie_name(runtime_of(request)), path="/")


def safe_next(value: str | None, default: str = "/") -> str:
    """Only a path on this twin: never another origin (`//host`, `https://...`)."""
    if not value or not value.startswith("/") or value.startswith("//") or "\\" in value:
        return default
    return value


def here(request: Request) -> str:
    """The current path and query, for a `next=` parameter."""
    query = request.url.query
    return request.url.path + (f"?{query}" if query else "")


def wanted_tenant(request: Request) -> str | None:
    return request.query_params.get("tenant") or None


def sign_in_redirect(request: Request, sign_in_path: str) -> RedirectResponse:
    tenant = wanted_tenant(request)
    url = f"{sign_in_path}?next={quote(here(request), safe='')}"
    if tenant:
        url += f"&tenant={quote(tenant, safe='')}"
    return RedirectResponse(url, status_code=303)


def signed_in_user(request: Request, sign_in_path: str) -> UiUser | RedirectResponse:
    """The signed-in user for this page, or a redirect to sign in (also when `?tenant=` names another tenant)."""
    user = current_user(request)
    tenant = wanted_tenant(request)
    if user is None or (tenant is not None and tenant != user.tenant):
        return sign_in_redirect(request, sign_in_path)
    return user


def ui_request(request: Request, action: str | None = None, tenant: str | None = None) -> None:
    """Mark a UI request for the journal: pages are left out; actions are recorded as `ui.<action>`."""
    if action is None:
        request.state.dtu_journal_skip = True
        return
    request.state.dtu_operation = f"ui.{action}"
    if tenant is not None:
        request.state.dtu_tenant = tenant
