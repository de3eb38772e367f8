"""The Okta twin, assembled: tables, routes and hooks handed to the core."""

from __future__ import annotations

from collections.abc import Sequence

from starlette.middleware import Middleware
from starlette.routing import BaseRoute, Route

from services.core.app import build_app
from services.core.credentials import CredentialCache
from services.core.settings import TwinSettings
from services.core.twin import TwinRuntime, TwinSpec
from services.okta import (
    api,  # noqa: F401  (registers the Management API routes)
    hook_delivery,
)
from services.okta.credentials import lookup_principal
from services.okta.endpoint import ROUTES, render_error
from services.okta.models import METADATA
from services.okta.oauth import management as _oauth_management  # noqa: F401  (key rotation routes)
from services.okta.oauth import routes as oauth_routes
from services.okta.provision import default_credentials, provision
from services.okta.provisioning import engine as provisioning_engine
from services.okta.ratelimit import RateLimiter
from services.okta.seed import seed
from services.okta.tenancy import OrgPathMiddleware
from services.okta.ui import operations as ui_operations
from services.okta.ui import routes as ui_routes

DEFAULT_PORT = 4101


def routes() -> Sequence[BaseRoute]:
    # The web UI's paths (/login/login.htm, /app/UserHome, /admin/..., /report/...) are not the API's.
    return [*ROUTES, *oauth_routes.ROUTES, *ui_routes()]


def operations() -> list[str]:
    """What the journal and fault rules name: the API's and OAuth's operationIds, and `ui.<action>`."""
    names = {route.name for route in (*ROUTES, *oauth_routes.ROUTES) if isinstance(route, Route)}
    return sorted(names) + ui_operations()


def attach(runtime: TwinRuntime) -> None:
    """Per-runtime Okta state; runs before the first tenant is provisioned."""
    runtime.extras["credentials"] = CredentialCache(lambda key: lookup_principal(runtime.store, key))
    runtime.extras["rate_limits"] = RateLimiter()
    runtime.extras["log_listeners"] = []
    hook_delivery.attach(runtime)  # event hooks listen to the System Log
    provisioning_engine.attach(runtime)  # provisioning observes it (pushes to Slack and Google)


def on_tenant_changed(runtime: TwinRuntime, tenant_id: str) -> None:
    runtime.extras["credentials"].invalidate()
    runtime.extras["rate_limits"].forget(tenant_id)


SPEC = TwinSpec(
    name="okta",
    title="Okta",
    default_port=DEFAULT_PORT,
    metadata=METADATA,
    routes=routes,
    operations=operations,
    provision=provision,
    seed=seed,
    render_error=render_error,
    on_tenant_changed=on_tenant_changed,
    attach=attach,
    background=lambda runtime: {
        "okta-event-hooks": runtime.extras["event_hooks"].run(),
        "okta-provisioning": runtime.extras["provisioning"].run(),
    },
    middleware=lambda: [Middleware(OrgPathMiddleware)],
    default_credentials=default_credentials,
    env_vars=lambda creds: {
        "DTU_OKTA_ORG_URL": creds["org_url"],
        "DTU_OKTA_API_TOKEN": creds["api_token"],
        "DTU_OKTA_ISSUER": creds["issuer"],
        "DTU_OKTA_CLIENT_ID": creds["client_id"],
        "DTU_OKTA_CLIENT_SECRET": creds["client_secret"],
    },
)


def create_app(settings: TwinSettings | None = None):  # type: ignore[no-untyped-def]
    return build_app(SPEC, settings)
