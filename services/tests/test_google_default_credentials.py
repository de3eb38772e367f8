"""The Google twin's default domain: `dtu env` (computed offline) names the credentials the
running twin really provisions, service-account private key included."""

from __future__ import annotations

from services.core.app import build_app
from services.core.settings import TwinSettings
from services.core.tenants import DEFAULT_TENANT
from services.gdrive.app import SPEC


def test_default_credentials_match_the_provisioned_default_domain() -> None:
    settings = TwinSettings.from_env("google", 4104)
    offline = SPEC.default_credentials(settings)
    app = build_app(SPEC, settings)
    try:
        provisioned = app.state.runtime.tenants.get(DEFAULT_TENANT).credentials
        assert provisioned == offline
        assert offline["service_account"]["private_key"].startswith("-----BEGIN PRIVATE KEY-----")
        # Derived, not random: a second derivation yields the same key.
        assert SPEC.default_credentials(settings)["service_account"] == offline["service_account"]
    finally:
        app.state.runtime.store.dispose()
