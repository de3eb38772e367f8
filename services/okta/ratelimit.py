"""Okta's rate limits: a per-org, per-endpoint-family budget per minute.

Every response carries `X-Rate-Limit-Limit`, `X-Rate-Limit-Remaining` and
`X-Rate-Limit-Reset` (epoch seconds when the window resets), counted on the org's
clock. Exceeding the budget answers 429 E0000047 only when enforcement is on
(`DTU_OKTA_RATE_LIMITS=enforce`): scenario suites run far above Okta's budgets, and
targeted 429s are better provoked with fault injection.
"""

from __future__ import annotations

import math
import os
import re
from dataclasses import dataclass

# (HTTP method or "*", path pattern, requests per minute): Okta's documented defaults for
# a Workforce org (developer.okta.com/docs/reference/rl-global-mgmt/), most specific first.
BUCKETS: tuple[tuple[str, str, int], ...] = (
    ("*", r"^/api/v1/authn", 600),
    ("*", r"^/api/v1/sessions", 750),
    ("GET", r"^/api/v1/logs", 120),
    ("*", r"^/api/v1/eventHooks", 100),
    ("*", r"^/api/v1/apps/[^/]+", 500),
    ("*", r"^/api/v1/apps$", 100),
    ("*", r"^/api/v1/groups/[^/]+", 1000),
    ("*", r"^/api/v1/groups$", 500),
    ("GET", r"^/api/v1/users/[^/]+$", 2000),
    ("*", r"^/api/v1/users/[^/]+", 600),
    ("*", r"^/api/v1/users$", 600),
    ("*", r"^/oauth2/.*/v1/(token|authorize)$", 2000),
    ("*", r"^/oauth2/v1/(token|authorize)$", 2000),
    ("*", r"^/oauth2/", 2000),
    ("*", r"^/api/v1/", 1200),
)
_COMPILED = tuple((method, re.compile(pattern), limit) for method, pattern, limit in BUCKETS)
DEFAULT_LIMIT = 1200
WINDOW = 60.0


@dataclass(frozen=True)
class RateState:
    limit: int
    remaining: int
    reset: int  # epoch seconds
    exceeded: bool

    def headers(self) -> dict[str, str]:
        return {
            "X-Rate-Limit-Limit": str(self.limit),
            "X-Rate-Limit-Remaining": str(self.remaining),
            "X-Rate-Limit-Reset": str(self.reset),
        }


def bucket_for(method: str, path: str) -> tuple[str, int]:
    for bucket_method, pattern, limit in _COMPILED:
        if (bucket_method == "*" or bucket_method == method) and pattern.search(path):
            return f"{bucket_method} {pattern.pattern}", limit
    return "default", DEFAULT_LIMIT


class RateLimiter:
    def __init__(self, enforce: bool | None = None) -> None:
        self.enforce = os.environ.get("DTU_OKTA_RATE_LIMITS", "") == "enforce" if enforce is None else enforce
        self._windows: dict[tuple[str, str], tuple[float, int]] = {}

    def take(self, tenant_id: str, method: str, path: str, now: float) -> RateState:
        bucket, limit = bucket_for(method, path)
        key = (tenant_id, bucket)
        start, used = self._windows.get(key, (0.0, 0))
        if now >= start + WINDOW or now < start:
            start, used = math.floor(now), 0
        used += 1
        self._windows[key] = (start, used)
        return RateState(limit, max(limit - used, 0), int(start + WINDOW), self.enforce and used > limit)

    def forget(self, tenant_id: str) -> None:
        for key in [key for key in self._windows if key[0] == tenant_id]:
            del self._windows[key]
