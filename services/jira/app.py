"""The Jira twin, assembled: tables, routes and hooks handed to the core."""

from __future__ import annotations

from collections.abc import Sequence

from starlette.routing import BaseRoute, Route

from services.core.app import build_app
from services.core.credentials import CredentialCache
from services.core.settings import TwinSettings
from services.core.twin import TwinRuntime, TwinSpec
from services.jira import api  # noqa: F401  (registers the REST routes)
from services.jira.credentials import lookup_principal
from services.jira.endpoint import ROUTES, render_error, routes
from services.jira.models import METADATA
from services.jira.provision import default_credentials, provision
from services.jira.scim import routes as scim_routes
from services.jira.seed import seed
from services.jira.ui import routes as ui_routes
from services.jira.ui.guard import ACTIONS as UI_ACTIONS
from services.jira.webhooks import WebhookBus

DEFAULT_PORT = 4102


def all_routes() -> Sequence[BaseRoute]:
    return [*scim_routes(), *routes(), *ui_routes()]


def operations() -> list[str]:
    """What the journal records as `request.state.dtu_operation`: REST operationIds, SCIM, UI actions."""
    rest = {route.name for _, route in ROUTES}
    # SCIM routes are named `scim.<operation>` after the journaled `scim.getUsers`-style operation.
    scim = {route.name.removeprefix("scim.") for route in scim_routes() if isinstance(route, Route)}
    return sorted(rest | scim | {f"ui.{action}" for action in UI_ACTIONS})


def attach(runtime: TwinRuntime) -> None:
    """Per-runtime Jira state; runs before the first tenant is provisioned."""
    runtime.extras["credentials"] = CredentialCache(lambda key: lookup_principal(runtime.store, key))
    runtime.extras["webhooks"] = WebhookBus(runtime)


def on_tenant_changed(runtime: TwinRuntime, tenant_id: str) -> None:
    runtime.extras["credentials"].invalidate()


SPEC = TwinSpec(
    name="jira",
    title="Jira Cloud",
    default_port=DEFAULT_PORT,
    metadata=METADATA,
    routes=all_routes,
    provision=provision,
    seed=seed,
    render_error=render_error,
    on_tenant_changed=on_tenant_changed,
    attach=attach,
    operations=operations,
    background=lambda runtime: {"jira-webhooks": runtime.extras["webhooks"].run()},
    default_credentials=default_credentials,
    env_vars=lambda creds: {
        "DTU_JIRA_URL": creds["url"],
        "DTU_JIRA_EMAIL": creds["email"],
        "DTU_JIRA_API_TOKEN": creds["api_token"],
        "DTU_JIRA_ACCOUNT_ID": creds["account_id"],
        # Atlassian's user provisioning (SCIM) API: the directory URL and its API key.
        **({"DTU_JIRA_SCIM_URL": creds["scim_url"]} if creds.get("scim_url") else {}),
        **({"DTU_JIRA_SCIM_TOKEN": creds["scim_token"]} if creds.get("scim_token") else {}),
    },
)


def create_app(settings: TwinSettings | None = None):  # type: ignore[no-untyped-def]
    return build_app(SPEC, settings)
