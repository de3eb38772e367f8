"""Fault injection per operation: added latency, error responses, rate limiting.

Rules match an operation name (a glob, e.g. `chat.*`) and optionally one tenant;
each fires with a probability drawn from a seeded generator so that a fault
profile replays identically. The twin renders a fired fault in the vendor's format
(for example Slack's HTTP 429 with `Retry-After`).
"""

from __future__ import annotations

import asyncio
import fnmatch
import itertools
import random
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

FaultKind = Literal["latency", "error", "rate_limit"]
KINDS: tuple[str, ...] = ("latency", "error", "rate_limit")


@dataclass
class FaultRule:
    id: int
    operation: str = "*"
    kind: FaultKind = "error"
    probability: float = 1.0
    tenant: str | None = None
    latency_ms: float = 0.0
    status: int | None = None  # HTTP status for kind=error (twin default when None)
    error: str | None = None  # vendor error code for kind=error (twin default when None)
    retry_after: int = 1  # seconds, for kind=rate_limit
    remaining: int | None = None  # fire at most this many more times; None = unlimited
    # The rule's own generator: its firing sequence then depends only on the requests it matches,
    # not on other tenants' traffic (the scenario harness replays a trajectory's faults from a seed).
    random_seed: str | int | None = None
    fired: int = 0
    extra: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


class InjectedFault(Exception):
    """Raised into a request when an error or rate-limit rule fires."""

    def __init__(self, rule: FaultRule) -> None:
        super().__init__(f"injected {rule.kind} on {rule.operation}")
        self.rule = rule


class FaultSpecError(ValueError):
    pass


class FaultInjector:
    def __init__(self, seed: str | None = None) -> None:
        self._rules: dict[int, FaultRule] = {}
        self._rule_random: dict[int, random.Random] = {}
        self._ids = itertools.count(1)
        self._random = random.Random(seed)

    def reseed(self, seed: str | int | None) -> None:
        self._random = random.Random(seed)

    def add(self, spec: dict[str, Any]) -> FaultRule:
        allowed = {f for f in FaultRule.__dataclass_fields__ if f not in ("id", "fired")}
        unknown = set(spec) - allowed
        if unknown:
            raise FaultSpecError(f"unknown fields: {sorted(unknown)}")
        rule = FaultRule(id=next(self._ids), **spec)
        if rule.kind not in KINDS:
            raise FaultSpecError(f"kind must be one of {KINDS}")
        if not 0.0 <= float(rule.probability) <= 1.0:
            raise FaultSpecError("probability must be within [0, 1]")
        if rule.status is not None and not 400 <= int(rule.status) <= 599:
            raise FaultSpecError("status must be an HTTP error status (400-599)")
        if rule.latency_ms < 0 or rule.retry_after < 0:
            raise FaultSpecError("latency_ms and retry_after must not be negative")
        if rule.random_seed is not None:
            if not isinstance(rule.random_seed, str | int) or isinstance(rule.random_seed, bool):
                raise FaultSpecError("random_seed must be a string or an integer")
            self._rule_random[rule.id] = random.Random(rule.random_seed)
        self._rules[rule.id] = rule
        return rule

    def remove(self, rule_id: int) -> bool:
        self._rule_random.pop(rule_id, None)
        return self._rules.pop(rule_id, None) is not None

    def clear(self, tenant: str | None = None) -> None:
        if tenant is None:
            self._rules.clear()
        else:
            self._rules = {k: r for k, r in self._rules.items() if r.tenant != tenant}
        self._rule_random = {k: g for k, g in self._rule_random.items() if k in self._rules}

    def rules(self) -> list[FaultRule]:
        return list(self._rules.values())

    def _fires(self, rule: FaultRule, operation: str, tenant: str | None) -> bool:
        if rule.tenant is not None and rule.tenant != tenant:
            return False
        if not fnmatch.fnmatchcase(operation, rule.operation):
            return False
        if rule.remaining is not None and rule.remaining <= 0:
            return False
        generator = self._rule_random.get(rule.id, self._random)
        if rule.probability < 1.0 and generator.random() >= rule.probability:
            return False
        rule.fired += 1
        if rule.remaining is not None:
            rule.remaining -= 1
        return True

    async def apply(self, operation: str, tenant: str | None) -> None:
        """Sleep for fired latency rules; raise InjectedFault for the first fired error rule."""
        if not self._rules:
            return
        for rule in list(self._rules.values()):
            if not self._fires(rule, operation, tenant):
                continue
            if rule.kind == "latency":
                await asyncio.sleep(rule.latency_ms / 1000)
            else:
                raise InjectedFault(rule)
