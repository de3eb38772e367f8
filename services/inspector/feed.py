"""The fleet-wide journal feed: every twin's `/_dtu/journal?after=<seq>`, merged by time.

The cursor is the last sequence number seen per twin, plus which twins were down at
the last poll (so the page hears once when a twin goes down or comes back), as
compact JSON: it travels as the SSE event id, and the browser sends it back as
Last-Event-ID when it reconnects, so no entry is lost or repeated.
"""

from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass, field
from typing import Any

from services.inspector.control import ControlError, Fleet, Twin

BACKFILL = 200  # entries per twin shown when the page opens
BATCH = 500  # entries per twin per poll at most (the rest come at the next poll)


@dataclass
class Cursor:
    after: dict[str, int] = field(default_factory=dict)
    down: set[str] = field(default_factory=set)

    @classmethod
    def decode(cls, raw: str) -> Cursor:
        """Anything unreadable starts afresh (a backfill), never an error."""
        try:
            data = json.loads(raw) if raw else {}
        except ValueError:
            return cls()
        if not isinstance(data, dict):
            return cls()
        after = data.get("after")
        down = data.get("down")
        return cls(
            after={k: v for k, v in after.items() if isinstance(v, int)} if isinstance(after, dict) else {},
            down={d for d in down if isinstance(d, str)} if isinstance(down, list) else set(),
        )

    def encode(self) -> str:
        return json.dumps({"after": self.after, "down": sorted(self.down)}, separators=(",", ":"), sort_keys=True)


def backfill_after(first_seq: int | None, size: int, backfill: int = BACKFILL) -> int:
    """The `after` that yields a twin's newest `backfill` entries.

    Sequence numbers are contiguous inside the journal's ring buffer, so its newest
    entries start `size - backfill` places after its oldest one.
    """
    if first_seq is None:
        return 0
    return first_seq - 1 + max(0, size - backfill)


async def _start(twin: Twin) -> int:
    page = await twin.journal(limit=1)
    entries = page["entries"]
    return backfill_after(entries[0]["seq"] if entries else None, int(page.get("size", 0)))


async def _new_entries(twin: Twin, after: int | None) -> tuple[list[dict[str, Any]], int]:
    if after is None:
        after = await _start(twin)
    entries: list[dict[str, Any]] = (await twin.journal(after=after, limit=BATCH))["entries"]
    for entry in entries:
        entry["service"] = twin.name  # the name the inspector was given (a fleet may run two of a kind)
    return entries, entries[-1]["seq"] if entries else after


def merge(batches: list[list[dict[str, Any]]]) -> list[dict[str, Any]]:
    """All twins' new entries in one list, oldest first (the page puts the newest on top)."""
    merged = [entry for batch in batches for entry in batch]
    merged.sort(key=lambda e: (e.get("time", 0.0), e.get("service", ""), e.get("seq", 0)))
    return merged


async def poll(fleet: Fleet, raw_cursor: str) -> tuple[list[tuple[str, Any]], str]:
    """One round over the fleet: (SSE events, the next cursor)."""
    cursor = Cursor.decode(raw_cursor)
    names = fleet.names()
    results = await asyncio.gather(
        *(_new_entries(fleet.get(name), cursor.after.get(name)) for name in names), return_exceptions=True
    )
    batches: list[list[dict[str, Any]]] = []
    events: list[tuple[str, Any]] = []
    for name, result in zip(names, results, strict=True):
        if isinstance(result, BaseException):
            if not isinstance(result, ControlError):
                raise result
            if name not in cursor.down:
                cursor.down.add(name)
                events.append(("twin", {"name": name, "up": False, "message": str(result)}))
            continue
        if name in cursor.down or name not in cursor.after:
            # Back after being down, or seen for the first time in this stream.
            cursor.down.discard(name)
            events.append(("twin", {"name": name, "up": True, "message": f"{name} answers"}))
        entries, cursor.after[name] = result
        batches.append(entries)
    merged = merge(batches)
    if merged:
        events.append(("entries", merged))
    return events, cursor.encode()
