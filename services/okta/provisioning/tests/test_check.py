"""How a target's answer decides a push's fate: done, retried later, or refused at once."""

from __future__ import annotations

import httpx
import pytest

from services.okta.provisioning.job import Refused, Unavailable, check


def google_error(status: int, reason: str) -> httpx.Response:
    body = {"error": {"code": status, "message": reason, "errors": [{"domain": "usageLimits", "reason": reason}]}}
    return httpx.Response(status, json=body)


@pytest.mark.parametrize("reason", ["userRateLimitExceeded", "rateLimitExceeded"])
def test_google_rate_limit_403s_are_retried(reason: str) -> None:
    with pytest.raises(Unavailable):
        check(google_error(403, reason))


def test_other_403s_and_4xx_are_refused_and_5xx_429_retried() -> None:
    with pytest.raises(Refused):
        check(google_error(403, "forbidden"))
    with pytest.raises(Refused):
        check(httpx.Response(403, text="no json"))
    with pytest.raises(Refused):
        check(httpx.Response(409, json={"error": {"errors": [{"reason": "duplicate"}]}}))
    for status in (429, 500, 503):
        with pytest.raises(Unavailable):
            check(httpx.Response(status, text="busy"))
    assert check(httpx.Response(404), allow=(404,)).status_code == 404
