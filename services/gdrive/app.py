"""The Google Workspace twin, assembled: tables, routes and hooks handed to the core.

One twin serves every Google API it implements (Drive v3 today) under one root URL, as
`www.googleapis.com` does, plus the OAuth token endpoint and the discovery documents.
"""

from __future__ import annotations

import json
from collections.abc import Sequence

from starlette.routing import BaseRoute

from services.core.app import build_app
from services.core.credentials import CredentialCache
from services.core.settings import TwinSettings
from services.core.twin import TwinRuntime, TwinSpec
from services.gdrive import api, discovery, oauth, push, signin, ui  # noqa: F401  (api registers the REST routes)
from services.gdrive.credentials import lookup_principal
from services.gdrive.directory import api as _directory_api  # noqa: F401  (Admin SDK Directory routes)
from services.gdrive.endpoint import ROUTES, render_error, routes
from services.gdrive.models import METADATA
from services.gdrive.provision import default_credentials, provision
from services.gdrive.seed import seed

DEFAULT_PORT = 4104


# Operations journaled outside the API dispatcher (OAuth, discovery documents).
OTHER_OPERATIONS = (
    "oauth2.token",
    "oauth2.tokeninfo",
    "oauth2.revoke",
    "oauth2.authorize",
    "discovery.apis.getRest",
    "discovery.apis.list",
)


def all_routes() -> Sequence[BaseRoute]:
    return [*oauth.routes(), *signin.routes(), *discovery.routes(), *ui.routes(), *routes()]


def operations() -> list[str]:
    """What the journal records and faults match: the discovery method ids, OAuth, and the UI's actions."""
    api_methods = dict.fromkeys(str(route.name).rsplit(":", 1)[0] for _, route in ROUTES)
    return [*api_methods, *OTHER_OPERATIONS, *ui.ACTIONS]


def attach(runtime: TwinRuntime) -> None:
    runtime.extras["credentials"] = CredentialCache(lambda token: lookup_principal(runtime.store, token))
    runtime.extras["push"] = push.Notifier(runtime)


def on_tenant_changed(runtime: TwinRuntime, tenant_id: str) -> None:
    runtime.extras["credentials"].invalidate()


SPEC = TwinSpec(
    name="google",
    title="Google Workspace (Drive)",
    default_port=DEFAULT_PORT,
    metadata=METADATA,
    routes=all_routes,
    operations=operations,
    provision=provision,
    seed=seed,
    render_error=render_error,
    on_tenant_changed=on_tenant_changed,
    attach=attach,
    background=lambda runtime: {"google-push": runtime.extras["push"].run()},
    default_credentials=default_credentials,
    env_vars=lambda creds: {
        "DTU_GOOGLE_URL": creds["url"],
        "DTU_GOOGLE_DISCOVERY_URL": creds["discovery_url"],
        "DTU_GOOGLE_TOKEN_URI": creds["token_uri"],
        "DTU_GOOGLE_SERVICE_ACCOUNT_JSON": json.dumps(creds["service_account"]),
        "DTU_GOOGLE_ADMIN_EMAIL": creds["admin_email"],
        "DTU_GOOGLE_CLIENT_ID": creds["client_id"],
        "DTU_GOOGLE_CLIENT_SECRET": creds["client_secret"],
        "DTU_GOOGLE_REFRESH_TOKEN": creds["refresh_token"],
    },
)


def create_app(settings: TwinSettings | None = None):  # type: ignore[no-untyped-def]
    return build_app(SPEC, settings)
