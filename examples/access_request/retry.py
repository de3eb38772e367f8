"""Backoff for calls to the vendors, as a careful client does it.

The SDKs' own retry options handle what they know (slack_sdk RetryHandlers, googleapiclient
`num_retries`, the okta SDK's `rateLimit.maxRetries`, the jira library's ResilientSession);
this layer covers what they leave out (the okta SDK retries only 429/503/504, the jira
library only 429 and 503 with Retry-After, none of them every 5xx) with capped exponential
backoff and full jitter, honouring a `Retry-After` the server gave.
"""

from __future__ import annotations

import asyncio
import logging
import random
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TypeVar

log = logging.getLogger("access_request.retry")

T = TypeVar("T")

# Statuses a careful client retries: rate limits, server errors, timeouts, conflicts Jira says to retry.
TRANSIENT_STATUSES = frozenset({408, 425, 429, 500, 502, 503, 504})


@dataclass(frozen=True)
class Transient:
    """A classifier's verdict on a failure that deserves another try."""

    retry_after: float | None = None  # seconds the server asked for, if it did


# Given an exception, None (give up) or a Transient (try again).
Classifier = Callable[[BaseException], Transient | None]


@dataclass(frozen=True)
class Backoff:
    attempts: int = 6
    base: float = 0.2
    cap: float = 5.0
    max_retry_after: float = 30.0

    def delay(self, attempt: int, verdict: Transient) -> float:
        if verdict.retry_after is not None:
            return min(max(verdict.retry_after, 0.0), self.max_retry_after)
        # Full jitter (AWS architecture blog): spreads retries of many clients over the window.
        return random.uniform(0, min(self.cap, self.base * 2**attempt))


DEFAULT = Backoff()


def call(fn: Callable[[], T], classify: Classifier, what: str, policy: Backoff = DEFAULT) -> T:
    """Run a blocking call, retrying transient failures."""
    for attempt in range(policy.attempts):
        try:
            return fn()
        except Exception as exc:
            verdict = classify(exc)
            if verdict is None or attempt == policy.attempts - 1:
                raise
            pause = policy.delay(attempt, verdict)
            log.warning("%s failed (%s); retry %d in %.2fs", what, exc, attempt + 1, pause)
            time.sleep(pause)
    raise AssertionError("unreachable")  # the loop either returns or raises


async def acall(fn: Callable[[], Awaitable[T]], classify: Classifier, what: str, policy: Backoff = DEFAULT) -> T:
    """Await a coroutine factory, retrying transient failures."""
    for attempt in range(policy.attempts):
        try:
            return await fn()
        except Exception as exc:
            verdict = classify(exc)
            if verdict is None or attempt == policy.attempts - 1:
                raise
            pause = policy.delay(attempt, verdict)
            log.warning("%s failed (%s); retry %d in %.2fs", what, exc, attempt + 1, pause)
            await asyncio.sleep(pause)
    raise AssertionError("unreachable")


def retry_after_of(headers: object) -> float | None:
    """A Retry-After header in seconds (only the delta-seconds form; vendors here send that)."""
    get = getattr(headers, "get", None)
    value = get("Retry-After") if get is not None else None
    if value is None:
        return None
    try:
        return float(value)
    except (TypeError, ValueError):
        return None
