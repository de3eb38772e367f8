"""The Slack twin, assembled: tables, routes and hooks handed to the core."""

from __future__ import annotations

from collections.abc import Sequence

from starlette.routing import BaseRoute, Route

from services.core.app import build_app
from services.core.credentials import CredentialCache
from services.core.settings import TwinSettings
from services.core.twin import TwinRuntime, TwinSpec
from services.slack import (
    event_config,
    files_http,
    methods,  # noqa: F401  (registers the Web API methods)
    oauth_http,
    scheduler,
    scim,
    webhooks,
)
from services.slack.api import render_error, web_api
from services.slack.call import REGISTRY
from services.slack.events import EventBus
from services.slack.models import METADATA
from services.slack.provision import default_credentials, provision
from services.slack.seed import seed
from services.slack.tokens import lookup_principal
from services.slack.ts import TsSource
from services.slack.ui import routes as ui_routes

DEFAULT_PORT = 4103


def routes() -> Sequence[BaseRoute]:
    return [
        Route("/api/{method}", web_api, methods=["GET", "POST"]),
        *scim.routes(),
        *files_http.routes(),
        *webhooks.routes(),
        *oauth_http.routes(),
        *event_config.routes(),
        *ui_routes.routes(),  # the web client (/, /client/..., /signin): services/slack/ui
    ]


def operations() -> list[str]:
    """What the journal records and fault rules match: the Web API methods the twin implements,
    and the web client's actions (`ui.chat.postMessage`, ...: services/slack/ui/routes.py)."""
    return sorted(REGISTRY) + [f"ui.{action}" for action in ui_routes.UI_ACTIONS]


def attach(runtime: TwinRuntime) -> None:
    """Per-runtime Slack state; runs before the first tenant is provisioned."""
    runtime.extras["credentials"] = CredentialCache(lambda token: lookup_principal(runtime.store, token))
    runtime.extras["ts"] = TsSource()
    runtime.extras["events"] = EventBus(runtime)


def on_tenant_changed(runtime: TwinRuntime, tenant_id: str) -> None:
    runtime.extras["credentials"].invalidate()
    runtime.extras["ts"].forget(tenant_id)


SPEC = TwinSpec(
    name="slack",
    title="Slack",
    default_port=DEFAULT_PORT,
    metadata=METADATA,
    routes=routes,
    provision=provision,
    seed=seed,
    render_error=render_error,
    on_tenant_changed=on_tenant_changed,
    attach=attach,
    operations=operations,
    background=lambda runtime: {
        "slack-events": runtime.extras["events"].run(),
        "slack-scheduler": scheduler.run(runtime),
    },
    default_credentials=default_credentials,
    env_vars=lambda creds: {
        "DTU_SLACK_URL": creds["url"],
        "DTU_SLACK_BOT_TOKEN": creds["bot_token"],
        "DTU_SLACK_USER_TOKEN": creds["user_token"],
        "DTU_SLACK_SIGNING_SECRET": creds["signing_secret"],
    },
)


def create_app(settings: TwinSettings | None = None):  # type: ignore[no-untyped-def]
    return build_app(SPEC, settings)
