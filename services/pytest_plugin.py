"""pytest fixtures serving twins to a user's own tests, as moto's mock_aws serves boto3.

    def test_bot(dtu_slack):
        client = WebClient(token=dtu_slack.bot_token, base_url=dtu_slack.url)

One server per twin per test session (in memory, or `DTU_DATABASE_URL`), and a fresh
tenant per test, so state never leaks between tests.

`dtu_<twin>_tls` is the same over HTTPS (for SDKs that refuse plain http, such as okta's):
the certificate comes from a local CA (services/core/tls.py) kept under `DTU_TLS_DIR`, or
in the session's temporary directory; `handle.ca_file` / `handle.ssl_context()` trust it.
With `DTU_TLS=1` the plain `dtu_<twin>` fixtures serve HTTPS too.
"""

from __future__ import annotations

import os
import ssl
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest

from services.core.app import build_app
from services.core.server import bind_socket
from services.core.settings import TwinSettings
from services.core.testing import ThreadedServer
from services.core.tls import TlsFiles, ensure_local_ca, files_for
from services.fleet import TWINS


@dataclass
class TwinHandle:
    """One tenant of a running twin: its URLs, credentials, and the control plane."""

    service: str
    base_url: str  # the twin's root, e.g. http://127.0.0.1:PORT
    tenant_id: str
    credentials: dict[str, Any]
    _client: httpx.Client = field(repr=False)
    ca_file: str | None = None  # the CA that signed an https twin's certificate

    def ssl_context(self) -> ssl.SSLContext:
        """Trusts the twin's certificate (and the default CAs)."""
        return ssl.create_default_context(cafile=self.ca_file) if self.ca_file else ssl.create_default_context()

    def __getattr__(self, name: str) -> Any:
        # Credentials read as attributes: dtu_slack.bot_token, dtu_slack.url, ...
        try:
            return self.credentials[name]
        except KeyError:
            raise AttributeError(name) from None

    def control(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        """Call this tenant's control plane: path relative to /_dtu/tenants/<id> (or absolute /_dtu/...)."""
        url = path if path.startswith("/_dtu") else f"/_dtu/tenants/{self.tenant_id}{path}"
        return self._client.request(method, self.base_url + url, **kwargs)

    def fault(self, **rule: Any) -> dict[str, Any]:
        """Inject a fault scoped to this tenant; returns the rule."""
        response = self.control("POST", "/_dtu/faults", json={"tenant": self.tenant_id, **rule})
        response.raise_for_status()
        result: dict[str, Any] = response.json()
        return result

    def journal(self, **filters: Any) -> list[dict[str, Any]]:
        response = self.control("GET", "/_dtu/journal", params={"tenant": self.tenant_id, **filters})
        entries: list[dict[str, Any]] = response.json()["entries"]
        return entries

    def advance_clock(self, seconds: float) -> dict[str, Any]:
        result: dict[str, Any] = self.control("POST", "/clock", json={"action": "advance", "seconds": seconds}).json()
        return result


class TwinServer:
    def __init__(self, service: str, tls_dir: Path | None = None) -> None:
        """`tls_dir`: serve HTTPS with a certificate from the local CA kept there."""
        entry = TWINS[service]
        # Bind first: the twin must advertise the port it really listens on (upload URLs, permalinks...).
        sock = bind_socket(service, "127.0.0.1", 0)
        # Test servers offer the UIs' one-click development sign-in (browser tests sign in as anyone).
        settings = TwinSettings.from_env(
            service, 0, port=sock.getsockname()[1], host="127.0.0.1", tls=True if tls_dir else None, dev_sign_in=True
        )
        self.tls: TlsFiles | None = ensure_local_ca(tls_dir) if tls_dir is not None else files_for(settings)
        self.app = build_app(entry.spec(), settings)
        self.server = ThreadedServer(self.app, name=service, sock=sock, tls=self.tls).start()
        self.runtime = self.app.state.runtime
        verify: Any = self.tls.client_context() if self.tls is not None else True
        self.client = httpx.Client(timeout=30.0, verify=verify)
        self.service = service

    @property
    def ca_file(self) -> str | None:
        return str(self.tls.ca) if self.tls is not None and self.tls.ca is not None else None

    @property
    def url(self) -> str:
        return self.server.url

    def new_tenant(self, name: str = "test") -> TwinHandle:
        response = self.client.post(f"{self.url}/_dtu/tenants", json={"name": name})
        response.raise_for_status()
        body = response.json()
        return TwinHandle(self.service, self.url, body["id"], body["credentials"], self.client, self.ca_file)

    def drop_tenant(self, handle: TwinHandle) -> None:
        self.client.delete(f"{self.url}/_dtu/tenants/{handle.tenant_id}")

    def stop(self) -> None:
        self.client.close()
        self.server.stop()
        self.runtime.store.dispose()


def _server_fixture(service: str) -> Any:
    @pytest.fixture(scope="session", name=f"dtu_{service}_server")
    def server() -> Iterator[TwinServer]:
        twin = TwinServer(service)
        yield twin
        twin.stop()

    return server


def _tls_server_fixture(service: str) -> Any:
    @pytest.fixture(scope="session", name=f"dtu_{service}_tls_server")
    def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TwinServer]:
        explicit = os.environ.get("DTU_TLS_DIR")
        twin = TwinServer(service, tls_dir=Path(explicit) if explicit else tmp_path_factory.mktemp("dtu-tls"))
        yield twin
        twin.stop()

    return server


def _tenant_fixture(service: str, suffix: str = "") -> Any:
    @pytest.fixture(name=f"dtu_{service}{suffix}")
    def tenant(request: pytest.FixtureRequest) -> Iterator[TwinHandle]:
        server: TwinServer = request.getfixturevalue(f"dtu_{service}{suffix}_server")
        handle = server.new_tenant(name=request.node.name[:60])
        yield handle
        server.drop_tenant(handle)

    return tenant


dtu_slack_server = _server_fixture("slack")
dtu_slack = _tenant_fixture("slack")
dtu_okta_server = _server_fixture("okta")
dtu_okta = _tenant_fixture("okta")
dtu_slack_tls_server = _tls_server_fixture("slack")
dtu_slack_tls = _tenant_fixture("slack", "_tls")
dtu_okta_tls_server = _tls_server_fixture("okta")
dtu_okta_tls = _tenant_fixture("okta", "_tls")
dtu_jira_server = _server_fixture("jira")
dtu_jira = _tenant_fixture("jira")
dtu_google_server = _server_fixture("google")
dtu_google = _tenant_fixture("google")
