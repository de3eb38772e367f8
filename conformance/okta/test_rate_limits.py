"""Okta's rate-limit headers and the okta SDK's retry logic against them.

Okta documents (developer.okta.com/docs/reference/rl-best-practices/, "Check your rate limits
with Okta's rate limit headers") that responses carry `X-Rate-Limit-Limit`,
`X-Rate-Limit-Remaining` and `X-Rate-Limit-Reset` (UTC epoch seconds when the window resets),
and that exceeding a limit answers HTTP 429 with errorCode E0000047.

The okta SDK (okta/request_executor.py, `fire_request_helper`) retries 429/503/504 only when
the response has `Date` and a non-zero `X-Rate-Limit-Reset`, waiting
`reset - Date + 1` seconds (`calculate_backoff`), `maxRetries` times (default 2), and adds
`X-Okta-Retry-Count` / `X-Okta-Retry-For` to the retried request. Without both headers it
gives up with "429 response must have the 'X-Rate-Limit-Reset' and 'Date' headers".
"""

from __future__ import annotations

import email.utils
import os
import socket
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import jwt
import pytest
from okta.client import Client
from okta.errors.okta_api_error import OktaAPIError

from conformance.okta.conftest import sdk_config
from services.core.testing import dtu_up

RATE_HEADERS = ("X-Rate-Limit-Limit", "X-Rate-Limit-Remaining", "X-Rate-Limit-Reset")


def assert_rate_headers(response: httpx.Response) -> None:
    for name in (*RATE_HEADERS, "Date"):
        assert name in response.headers, f"{response.request.method} {response.request.url.path} lacks {name}"
    limit = int(response.headers["X-Rate-Limit-Limit"])
    remaining = int(response.headers["X-Rate-Limit-Remaining"])
    assert 0 <= remaining < limit
    date = email.utils.parsedate_to_datetime(response.headers["Date"]).timestamp()
    reset = int(response.headers["X-Rate-Limit-Reset"])
    assert date <= reset <= date + 60, "the reset is within the one-minute window, in epoch seconds"


def ssws(dtu_okta: Any, token: str | None = None) -> dict[str, str]:
    return {"Authorization": f"SSWS {token or dtu_okta.api_token}", "Accept": "application/json"}


def test_headers_on_success_and_errors_with_ssws(dtu_okta: Any) -> None:
    with httpx.Client(base_url=dtu_okta.base_url) as http:
        answers = [
            http.get("/api/v1/users/me", headers=ssws(dtu_okta)),  # 200
            http.get("/api/v1/users/00unotarealuser0000", headers=ssws(dtu_okta)),  # 404 E0000007
            http.get("/api/v1/users/me", headers=ssws(dtu_okta, "00bogusbogusbogusbogusbogusbogusbogusbogus")),
            http.get("/api/v1/users/me", headers={"Accept": "application/json"}),  # no credentials
            http.get("/api/v1/no-such-resource", headers=ssws(dtu_okta)),  # unknown path
        ]
    assert [r.status_code for r in answers] == [200, 404, 401, 403, 404]
    for response in answers:
        assert_rate_headers(response)
    # One budget: the same bucket counts down across successes and errors.
    first, second = answers[0], answers[1]
    assert int(second.headers["X-Rate-Limit-Remaining"]) < int(first.headers["X-Rate-Limit-Remaining"])


def test_headers_with_bearer_tokens(dtu_okta: Any) -> None:
    """OAuth 2.0 access tokens (Bearer) meet the same limits; a bad one is refused with the headers too."""
    with httpx.Client(base_url=dtu_okta.base_url) as http:
        refused = http.get("/api/v1/users/me", headers={"Authorization": "Bearer not.a.token"})
        assert refused.status_code == 401
        assert refused.json()["errorCode"] == "E0000011"
        assert_rate_headers(refused)
        token = _service_app_token(http, dtu_okta)
        # A service app's token has no user behind it: `me` means nobody, so name the admin.
        accepted = http.get(f"/api/v1/users/{dtu_okta.admin_id}", headers={"Authorization": f"Bearer {token}"})
    assert accepted.status_code == 200, accepted.text
    assert_rate_headers(accepted)


def _service_app_token(http: httpx.Client, dtu_okta: Any) -> str:
    """client_credentials with a private_key_jwt assertion, as the SDK's PrivateKey mode does."""
    token_url = f"{dtu_okta.org_url}/oauth2/v1/token"
    now = int(time.time())
    assertion = jwt.encode(
        {
            "iss": dtu_okta.service_client_id,
            "sub": dtu_okta.service_client_id,
            "aud": token_url,
            "iat": now,
            "exp": now + 300,
            "jti": uuid.uuid4().hex,
        },
        dtu_okta.private_key,
        algorithm="RS256",
        headers={"kid": dtu_okta.private_key_id},
    )
    response = http.post(
        token_url,
        data={
            "grant_type": "client_credentials",
            "scope": "okta.users.read",
            "client_assertion_type": "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
            "client_assertion": assertion,
        },
    )
    assert response.status_code == 200, response.text
    assert_rate_headers(response)
    access_token: str = response.json()["access_token"]
    return access_token


async def test_sdk_retries_an_injected_rate_limit_then_succeeds(dtu_okta: Any) -> None:
    dtu_okta.fault(operation="getUser", kind="rate_limit", remaining=1, retry_after=1)
    started = time.monotonic()
    async with Client(sdk_config(dtu_okta)) as client:
        user, resp, err = await client.get_user("me")
    waited = time.monotonic() - started
    assert err is None, err
    assert resp.status_code == 200
    assert user.profile.login == dtu_okta.admin_login
    # reset = Date + 1 s, and the SDK waits reset - Date + 1: two seconds, not a minute.
    assert 1.5 <= waited < 10, waited
    calls = dtu_okta.journal(operation="getUser")
    assert [c["status"] for c in calls] == [429, 200]
    limited = calls[0]["response_excerpt"]
    assert '"errorCode":"E0000047"' in limited.replace(" ", "")


async def test_sdk_surfaces_e0000047_when_retries_are_exhausted(dtu_okta: Any) -> None:
    dtu_okta.fault(operation="getUser", kind="rate_limit", retry_after=1)
    async with Client(sdk_config(dtu_okta, rateLimit={"maxRetries": 1})) as client:
        user, _resp, err = await client.get_user("me")
    assert user is None
    assert isinstance(err, OktaAPIError), err
    assert (err.status, err.error_code) == (429, "E0000047")
    assert err.error_summary == "API call exceeded rate limit due to too many requests."
    assert int(err.headers["X-Rate-Limit-Remaining"]) == 0
    assert [c["status"] for c in dtu_okta.journal(operation="getUser")] == [429, 429]


async def test_backoff_follows_the_orgs_clock(dtu_okta: Any) -> None:
    """`Date` and `X-Rate-Limit-Reset` come from the same (controllable) clock: an org clock
    set a year ahead still yields a two-second wait, never a year or a negative one."""
    dtu_okta.advance_clock(365 * 24 * 3600)
    dtu_okta.fault(operation="getUser", kind="rate_limit", remaining=1, retry_after=1)
    started = time.monotonic()
    async with Client(sdk_config(dtu_okta)) as client:
        _, resp, err = await client.get_user("me")
    assert err is None and resp.status_code == 200
    assert 1.5 <= time.monotonic() - started < 10


# --- Enforcement: DTU_OKTA_RATE_LIMITS=enforce, in a twin started as a user would ---------------


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@pytest.fixture(scope="module")
def enforcing_twin(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    port = _free_port()
    env = {**os.environ, "DTU_OKTA_RATE_LIMITS": "enforce"}
    env.pop("DTU_DATABASE_URL", None)
    log_path = Path(tmp_path_factory.mktemp("enforce")) / "twin.log"
    url = f"http://127.0.0.1:{port}"
    with dtu_up(["--services", "okta", "--port", f"okta={port}"], env, log_path, ready=lambda: _ready(url)):
        yield url


def _ready(url: str) -> bool:
    return httpx.get(f"{url}/_dtu/ready").status_code == 200


def test_enforced_limit_answers_429_until_the_window_resets(enforcing_twin: str) -> None:
    with httpx.Client(base_url=enforcing_twin) as http:
        org = http.post("/_dtu/tenants", json={"name": "enforce"}).json()
        http.post(f"/_dtu/tenants/{org['id']}/clock", json={"action": "freeze"}).raise_for_status()
        headers = {"Authorization": f"SSWS {org['credentials']['api_token']}"}
        # GET /api/v1/users/{id} has Okta's per-minute budget of the users-by-id bucket.
        first = http.get("/api/v1/users/me", headers=headers)
        limit = int(first.headers["X-Rate-Limit-Limit"])
        statuses = [http.get("/api/v1/users/me", headers=headers).status_code for _ in range(limit - 1)]
        assert set(statuses) == {200}
        over = http.get("/api/v1/users/me", headers=headers)
        assert over.status_code == 429
        assert over.json()["errorCode"] == "E0000047"
        assert over.headers["X-Rate-Limit-Remaining"] == "0"
        reset = int(over.headers["X-Rate-Limit-Reset"])
        date = email.utils.parsedate_to_datetime(over.headers["Date"]).timestamp()
        assert 0 < reset - date <= 60
        # Another bucket of the same org is unaffected; so is another org.
        assert http.get("/api/v1/no-such-resource", headers=headers).status_code == 404
        http.post(f"/_dtu/tenants/{org['id']}/clock", json={"action": "advance", "seconds": 60})
        again = http.get("/api/v1/users/me", headers=headers)
        assert again.status_code == 200
        assert int(again.headers["X-Rate-Limit-Remaining"]) == limit - 1
