"""JSON with attribute access, so expressions read `user.profile.email` as well as `user["profile"]`."""

from __future__ import annotations

from typing import Any


class Record(dict[str, Any]):
    def __getattr__(self, name: str) -> Any:
        try:
            return self[name]
        except KeyError:
            raise AttributeError(f"no field {name!r} (fields: {sorted(self)})") from None


def record(value: Any) -> Any:
    """Dicts become Records, recursively (lists too); other values as they are."""
    if isinstance(value, dict):
        return Record({k: record(v) for k, v in value.items()})
    if isinstance(value, list):
        return [record(v) for v in value]
    return value
