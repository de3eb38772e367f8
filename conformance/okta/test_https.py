"""The twin over HTTPS: the okta SDK used as against real Okta, without its testing flag.

The okta SDK refuses an org URL that is not https unless `OKTA_TESTING_TESTINGDISABLEHTTPSCHECK`
is set (okta/config/config_validator.py: `_validate_org_url`). The `dtu_okta_tls` fixture serves
the twin over HTTPS with a certificate from DTU's local CA (`dtu up --tls` does the same), and
the SDK is told to trust that CA in one of the two ways a user can:

- `SSL_CERT_FILE` in the environment, read by OpenSSL when aiohttp builds its default
  context at import time, so it must be set before the process starts;
- in code, an aiohttp session whose connector trusts the CA, handed to the SDK with
  `client.get_request_executor().set_session(...)`. (The SDK's own `sslContext` setting
  does not work in okta 3.4: `Client()` deep-copies its configuration and an
  `ssl.SSLContext` cannot be copied, so the constructor raises TypeError.)
"""

from __future__ import annotations

import os
import ssl
import subprocess
import sys
import textwrap
from typing import Any

import aiohttp
import pytest
from okta.client import Client

FLAG = "OKTA_TESTING_TESTINGDISABLEHTTPSCHECK"


@pytest.fixture
def no_testing_flag(monkeypatch: pytest.MonkeyPatch) -> None:
    """As in production: the SDK's https check is on."""
    monkeypatch.delenv(FLAG, raising=False)


@pytest.mark.usefixtures("no_testing_flag")
def test_sdk_refuses_plain_http_without_its_testing_flag(dtu_okta: Any) -> None:
    """Why the twin serves HTTPS at all: the SDK's own check, unchanged."""
    assert dtu_okta.org_url.startswith("http://")
    with pytest.raises(ValueError, match="https"):
        Client({"orgUrl": dtu_okta.org_url, "token": dtu_okta.api_token})


@pytest.mark.usefixtures("no_testing_flag")
def test_sdk_ssl_context_setting_is_unusable_in_okta_3_4(dtu_okta_tls: Any) -> None:
    """Documents why the README recommends a session instead of the SDK's `sslContext` setting."""
    config = {"orgUrl": dtu_okta_tls.org_url, "token": dtu_okta_tls.api_token, "sslContext": dtu_okta_tls.ssl_context()}
    with pytest.raises(TypeError, match="SSLContext"):
        Client(config)


@pytest.mark.usefixtures("no_testing_flag")
async def test_sdk_over_https_with_a_trusting_session(dtu_okta_tls: Any) -> None:
    assert dtu_okta_tls.org_url.startswith("https://127.0.0.1:")
    client = Client({"orgUrl": dtu_okta_tls.org_url, "token": dtu_okta_tls.api_token})
    connector = aiohttp.TCPConnector(ssl=dtu_okta_tls.ssl_context())
    async with aiohttp.ClientSession(connector=connector) as session:
        client.get_request_executor().set_session(session)
        user, resp, err = await client.get_user("me")
    assert err is None, err
    assert resp.status_code == 200
    assert user.profile.login == dtu_okta_tls.admin_login
    # The org's links are https too, on the origin the SDK trusts (it follows `next` links when paging).
    assert user.links.var_self.href.startswith(dtu_okta_tls.base_url + "/")
    assert f"/api/v1/users/{user.id}" in user.links.var_self.href


@pytest.mark.usefixtures("no_testing_flag")
async def test_untrusted_certificate_is_refused(dtu_okta_tls: Any) -> None:
    """The TLS is real: without trusting DTU's CA, verification fails (no silent fallback to http)."""
    async with Client({"orgUrl": dtu_okta_tls.org_url, "token": dtu_okta_tls.api_token}) as client:
        # Through the executor: the generated get_user() crashes on a missing response (SDK bug).
        executor = client.get_request_executor()
        request, error = await executor.create_request("GET", dtu_okta_tls.org_url + "/api/v1/users/me")
        assert error is None
        resp, body, err = await executor.execute(request)
    assert resp is None and body is None
    assert isinstance(err, aiohttp.ClientConnectorCertificateError), err
    assert isinstance(err.certificate_error, ssl.SSLCertVerificationError)


def test_sdk_over_https_with_ssl_cert_file(dtu_okta_tls: Any) -> None:
    """`export SSL_CERT_FILE=...` as `dtu up --tls` prints it, in a fresh interpreter (aiohttp reads it at import)."""
    script = textwrap.dedent(
        """
        import asyncio, os
        from okta.client import Client

        async def main():
            config = {"orgUrl": os.environ["ORG_URL"], "token": os.environ["API_TOKEN"]}
            async with Client(config) as client:
                user, resp, err = await client.get_user("me")
            print(err if err else user.profile.login)

        asyncio.run(main())
        """
    )
    env = {k: v for k, v in os.environ.items() if k != FLAG}
    env.update(SSL_CERT_FILE=dtu_okta_tls.ca_file, ORG_URL=dtu_okta_tls.org_url, API_TOKEN=dtu_okta_tls.api_token)
    done = subprocess.run(
        [sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=120, check=False
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip() == dtu_okta_tls.admin_login, done.stdout + done.stderr[-2000:]


def test_control_plane_and_issuer_are_https(dtu_okta_tls: Any) -> None:
    """Everything the twin advertises for the org is on the https origin it serves."""
    assert dtu_okta_tls.issuer.startswith(dtu_okta_tls.org_url)
    response = dtu_okta_tls.control("GET", "")
    assert response.status_code == 200
    assert response.json()["credentials"]["org_url"] == dtu_okta_tls.org_url
