"""Credential resolution shared by the twins: a principal, and a cache in front of a lookup.

A twin supplies the lookup (token -> principal, from its own tables); the cache
makes repeated calls with the same credential cost a dict lookup, and is emptied
whenever a twin changes anything a principal depends on (revocation, deactivation).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

SENTINEL_MISSING: Any = object()


@dataclass(frozen=True)
class Principal:
    tenant_id: str
    subject: str  # the vendor's id of the acting user or app
    kind: str  # twin-defined, e.g. "bot", "user", "ssws", "oauth"
    scopes: frozenset[str] = frozenset()
    credential: str = ""
    attributes: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)


class CredentialCache:
    def __init__(self, lookup: Callable[[str], Principal | None], maxsize: int = 50_000) -> None:
        self._lookup = lookup
        self._cache: dict[str, Principal | None] = {}
        self._maxsize = maxsize

    def resolve(self, credential: str) -> Principal | None:
        cached = self._cache.get(credential, SENTINEL_MISSING)
        if cached is not SENTINEL_MISSING:
            return cached
        principal = self._lookup(credential)
        if len(self._cache) >= self._maxsize:
            self._cache.clear()
        self._cache[credential] = principal
        return principal

    def invalidate(self) -> None:
        self._cache.clear()


def missing_scopes(granted: frozenset[str], any_of: tuple[str, ...]) -> bool:
    """True when `any_of` is non-empty and none of it is granted."""
    return bool(any_of) and granted.isdisjoint(any_of)
