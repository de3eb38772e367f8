"""What this process has already done, so redeliveries and job retries never double-act.

In memory: a restarted service relies on every step being safe to repeat against the
vendors' state (memberships are PUT/DELETE, the Drive share and the Jira comment are looked
up before they are made).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field


@dataclass
class JobRecord:
    key: str
    issue_key: str
    state: str = "queued"  # queued | running | retrying | done | failed | skipped
    steps: dict[str, str] = field(default_factory=dict)  # step -> outcome line
    attempts: int = 0
    note: str = ""


class Ledger:
    def __init__(self) -> None:
        self._jobs: dict[str, JobRecord] = {}
        self._lock = threading.Lock()

    def admit(self, key: str, issue_key: str) -> bool:
        """True the first time a job key is seen."""
        with self._lock:
            if key in self._jobs:
                return False
            self._jobs[key] = JobRecord(key, issue_key)
            return True

    def job(self, key: str) -> JobRecord:
        with self._lock:
            return self._jobs[key]

    def snapshot(self) -> list[dict[str, object]]:
        with self._lock:
            return [
                {
                    "key": r.key,
                    "issue": r.issue_key,
                    "state": r.state,
                    "attempts": r.attempts,
                    "steps": dict(r.steps),
                    "note": r.note,
                }
                for r in self._jobs.values()
            ]
