"""A controllable clock: every timestamp and expiry a twin produces comes from here.

Each tenant has its own clock so that one scenario freezing or advancing time never
disturbs another running in parallel. A clock is either running (wall time plus an
offset) or frozen at an instant; advancing moves either kind forward.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import UTC, datetime


@dataclass
class Clock:
    offset: float = 0.0
    frozen_at: float | None = None

    def time(self) -> float:
        """Seconds since the epoch, as this clock sees them."""
        if self.frozen_at is not None:
            return self.frozen_at
        return time.time() + self.offset

    def now(self) -> datetime:
        return datetime.fromtimestamp(self.time(), tz=UTC)

    def freeze(self, at: float | None = None) -> None:
        self.frozen_at = self.time() if at is None else at

    def unfreeze(self) -> None:
        """Resume running from the frozen instant (time does not jump back)."""
        if self.frozen_at is not None:
            self.offset = self.frozen_at - time.time()
            self.frozen_at = None

    def advance(self, seconds: float) -> None:
        if self.frozen_at is not None:
            self.frozen_at += seconds
        else:
            self.offset += seconds

    def set(self, at: float) -> None:
        if self.frozen_at is not None:
            self.frozen_at = at
        else:
            self.offset = at - time.time()

    def state(self) -> dict[str, float | bool | str | None]:
        now = self.time()
        return {
            "now": now,
            "iso": self.now().isoformat().replace("+00:00", "Z"),
            "frozen": self.frozen_at is not None,
            # How far this clock is from the wall clock, frozen or running (a frozen clock's stored
            # offset is stale: advancing it moves `frozen_at`).
            "offset": round(now - time.time(), 3),
        }
