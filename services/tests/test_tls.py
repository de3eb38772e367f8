"""HTTPS for the twins: the local CA, its server certificate, and `dtu up --tls`."""

from __future__ import annotations

import os
import ssl
from pathlib import Path

import httpx
import pytest
from cryptography import x509

from services.core.server import bind_socket
from services.core.settings import TwinSettings
from services.core.testing import dtu_up
from services.core.tls import TlsFiles, default_dir, ensure_local_ca, files_for, hosts_for
from services.pytest_plugin import TwinServer


def test_local_ca_is_created_once_and_reused(tmp_path: Path) -> None:
    first = ensure_local_ca(tmp_path)
    ca_pem, cert_pem = first.ca.read_bytes(), first.cert.read_bytes()  # type: ignore[union-attr]
    again = ensure_local_ca(tmp_path)
    # The user trusts the CA once: it must not change between runs, nor the still-valid server certificate.
    assert again.ca.read_bytes() == ca_pem  # type: ignore[union-attr]
    assert again.cert.read_bytes() == cert_pem
    assert (tmp_path / "ca-key.pem").stat().st_mode & 0o777 == 0o600
    assert first.key.stat().st_mode & 0o777 == 0o600
    assert again.bundle is not None and again.bundle.read_bytes().endswith(ca_pem)


def test_server_certificate_covers_local_names_and_is_reissued_for_a_new_host(tmp_path: Path) -> None:
    files = ensure_local_ca(tmp_path)
    cert = x509.load_pem_x509_certificate(files.cert.read_bytes())
    san = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    assert set(san.get_values_for_type(x509.DNSName)) == {"localhost"}
    assert {str(ip) for ip in san.get_values_for_type(x509.IPAddress)} == {"127.0.0.1", "::1"}
    wider = ensure_local_ca(tmp_path, hosts_for("twins.internal"))
    cert = x509.load_pem_x509_certificate(wider.cert.read_bytes())
    san = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    assert "twins.internal" in san.get_values_for_type(x509.DNSName)


def test_settings_from_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("DTU_TLS", "1")
    settings = TwinSettings.from_env("okta", 4101)
    assert settings.base_url == "https://127.0.0.1:4101"
    monkeypatch.delenv("DTU_TLS")
    monkeypatch.setenv("DTU_TLS_CERT", str(tmp_path / "cert.pem"))
    with pytest.raises(ValueError, match="DTU_TLS_KEY"):
        files_for(TwinSettings.from_env("okta", 4101, tls=True))
    monkeypatch.setenv("DTU_TLS_KEY", str(tmp_path / "key.pem"))
    assert TwinSettings.from_env("okta", 4101).tls  # a user's certificate implies TLS
    monkeypatch.setenv("DTU_TLS_DIR", str(tmp_path / "ca"))
    assert default_dir() == tmp_path / "ca"


def test_user_supplied_certificate_is_served(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """DTU_TLS_CERT/DTU_TLS_KEY: the twin serves the user's files as they are."""
    mine = ensure_local_ca(tmp_path / "their-ca")
    monkeypatch.setenv("DTU_TLS_CERT", str(mine.cert))
    monkeypatch.setenv("DTU_TLS_KEY", str(mine.key))
    server = TwinServer("okta")
    try:
        assert server.tls == TlsFiles(mine.cert, mine.key)
        assert server.url.startswith("https://")
        context = ssl.create_default_context(cafile=str(mine.ca))
        assert httpx.get(server.url + "/_dtu/health", verify=context).status_code == 200
    finally:
        server.stop()


def test_dtu_up_tls_serves_https_and_says_how_to_trust_it(tmp_path: Path) -> None:
    sock = bind_socket("probe", "127.0.0.1", 0)
    port = sock.getsockname()[1]
    sock.close()
    # A fresh in-memory store: a shared database (the PostgreSQL CI run) keeps the default org's
    # credentials from an earlier start on another port (see the root README's limitations).
    env = {k: v for k, v in os.environ.items() if k not in ("DTU_DATABASE_URL", "DTU_DATA_DIR")}
    env["DTU_TLS_DIR"] = str(tmp_path / "tls")
    url, ca = f"https://127.0.0.1:{port}", str(tmp_path / "tls" / "ca.pem")

    def ready() -> bool:  # the CA appears when `dtu up` starts, then the port answers
        return httpx.get(f"{url}/_dtu/health", verify=ssl.create_default_context(cafile=ca)).status_code == 200

    log_path = tmp_path / "up.log"
    with dtu_up(["--tls", "--services", "okta", "--port", f"okta={port}"], env, log_path, ready):
        response = httpx.get(f"{url}/_dtu/tenants/default", verify=ssl.create_default_context(cafile=ca))
        assert response.json()["credentials"]["org_url"] == url
        output = log_path.read_text()
        assert f"export SSL_CERT_FILE={tmp_path / 'tls' / 'ca-bundle.pem'}" in output
        assert f"DTU_OKTA_ORG_URL={url}" in output
