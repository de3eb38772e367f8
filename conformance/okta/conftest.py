"""Black-box Okta conformance: the twin is driven through the okta SDK and plain HTTP over a socket.

Fixtures come from DTU's pytest plugin (`dtu_okta`: a fresh org per test).
Nothing here imports `services.*`.
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from typing import Any

import pytest
from okta.client import Client

# The okta SDK refuses plain-http org URLs unless its testing flag is set (the twin also serves HTTPS).
os.environ.setdefault("OKTA_TESTING_TESTINGDISABLEHTTPSCHECK", "true")


def sdk_config(dtu_okta: Any, **extra: Any) -> dict[str, Any]:
    return {"orgUrl": dtu_okta.org_url, "token": dtu_okta.api_token, "rateLimit": {"maxRetries": 2}, **extra}


@pytest.fixture
async def okta(dtu_okta: Any) -> AsyncIterator[Client]:
    """The org's super admin, through an SSWS API token."""
    async with Client(sdk_config(dtu_okta)) as client:
        yield client
