"""One push as the target adapters see it: the Okta side's state when the push runs, and outcomes.

Pushes are state-based: whatever the action that queued it, a push makes the target
match Okta's current state (assigned and live -> an active account with the current
profile; unassigned, suspended or deactivated -> a deactivated account). So pushes that
run late or out of order (a target was down) still converge on the right state.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import httpx

# Okta statuses in which a user keeps their app accounts active.
LIVE_STATUSES = frozenset({"ACTIVE", "PROVISIONED", "RECOVERY", "PASSWORD_EXPIRED", "LOCKED_OUT"})


@dataclass
class Job:
    tenant_id: str
    push_id: str
    action: str  # what queued it: push, push_profile, deactivate, reactivate
    app_id: str
    app_label: str
    user_id: str
    login: str
    external_id: str | None
    assigned: bool
    status: str | None  # the Okta user's status (None: the user was deleted)
    profile: dict[str, Any] = field(default_factory=dict)
    base_url: str = ""
    token: str | None = None
    service_account: dict[str, Any] | None = None
    subject: str | None = None

    @property
    def wants_active(self) -> bool | None:
        """True: an active account; False: a deactivated one; None: nothing to do yet (STAGED)."""
        if not self.assigned or self.status is None or self.status in ("SUSPENDED", "DEPROVISIONED"):
            return False
        return True if self.status in LIVE_STATUSES else None

    @property
    def email(self) -> str:
        return str(self.profile.get("email") or self.login)


@dataclass
class Outcome:
    """What a push did: `action` names the System Log event (None: nothing needed doing)."""

    action: str | None
    external_id: str | None


class Refused(Exception):
    """The target refused the push and retrying will not help (4xx other than 429)."""

    def __init__(self, status: int, detail: str) -> None:
        super().__init__(f"HTTP {status}: {detail}")
        self.status = status
        self.detail = detail


class Unavailable(Exception):
    """The target is there but cannot take the push now (5xx, 429): retried later."""

    def __init__(self, status: int, detail: str) -> None:
        super().__init__(f"HTTP {status}: {detail}")
        self.status = status


# Google answers some rate limits with 403 and these reasons rather than 429: retried like a 429.
RATE_LIMIT_REASONS = frozenset({"rateLimitExceeded", "userRateLimitExceeded"})


def _rate_limited(response: httpx.Response) -> bool:
    try:
        errors = response.json()["error"]["errors"]
    except (ValueError, KeyError, TypeError):
        return False
    return isinstance(errors, list) and any(
        isinstance(e, dict) and e.get("reason") in RATE_LIMIT_REASONS for e in errors
    )


def check(response: httpx.Response, *, allow: tuple[int, ...] = ()) -> httpx.Response:
    """Raise Refused/Unavailable for an error answer, unless its status is in `allow`."""
    if response.is_success or response.status_code in allow:
        return response
    detail = response.text[:300]
    if response.status_code == 429 or response.status_code >= 500:
        raise Unavailable(response.status_code, detail)
    if response.status_code == 403 and _rate_limited(response):
        raise Unavailable(response.status_code, detail)
    raise Refused(response.status_code, detail)
