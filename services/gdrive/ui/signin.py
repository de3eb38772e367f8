"""Signing in to the Google twin's UI: `/ServiceLogin` with the domain's people (dev sign-in),
and "Sign in with Okta" where the domain signs in through an Okta org (services/gdrive/signin.py)."""

from __future__ import annotations

from urllib.parse import urlencode

from sqlmodel import col, select
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from services.core import sso as core_sso
from services.core.tenants import DEFAULT_TENANT
from services.core.twin import TwinRuntime, runtime_of
from services.core.ui.session import UiUser, safe_next, ui_request
from services.core.ui.sign_in import SignIn, sign_in_routes
from services.gdrive import signin as oauth_sign_in
from services.gdrive.models import SsoSetting, User
from services.gdrive.ui.common import CHROME, HOME, SIGN_IN, TEMPLATES

SSO_START = SIGN_IN + "/sso"


def people(runtime: TwinRuntime, tenant_id: str) -> list[UiUser]:
    """The domain's people who may sign in: users (not service accounts), not suspended; admins first."""
    with runtime.store.session() as session:
        rows = session.exec(
            select(User)
            .where(User.tenant_id == tenant_id, User.kind == "user", col(User.suspended).is_(False))
            .order_by(col(User.is_admin).desc(), col(User.email))
        ).all()
        return [oauth_sign_in.ui_user(tenant_id, row) for row in rows]


async def sso(request: Request, tenant_id: str, next_path: str) -> str | None:
    """Where "Sign in with Okta" goes, when the domain has SSO."""
    return core_sso.start_url(runtime_of(request), SsoSetting, tenant_id, SSO_START, next_path)


async def start_sso(request: Request) -> Response:
    """Off to the domain's Okta org; its callback (services/gdrive/signin.py) signs the person in here."""
    runtime = runtime_of(request)
    tenant_id = request.query_params.get("tenant") or DEFAULT_TENANT
    if runtime.tenants.find(tenant_id) is None:
        tenant_id = DEFAULT_TENANT
    ui_request(request, "sign_in.sso", tenant_id)
    next_path = safe_next(request.query_params.get("next"), HOME)
    started = await oauth_sign_in.start_ui_sign_in(runtime, tenant_id, next_path)
    return started or RedirectResponse(f"{SIGN_IN}?{urlencode({'tenant': tenant_id, 'next': next_path})}", 303)


def routes() -> list[BaseRoute]:
    options = SignIn(
        chrome=CHROME,
        templates=TEMPLATES,
        people=people,
        sso=sso,
        sso_label="Sign in with Okta",
        title="Sign in to Google Drive",
    )
    return [Route(SSO_START, start_sso, methods=["GET"]), *sign_in_routes(options)]
