"""The fleet-wide journal feed: every twin's `/_dtu/journal?after=<seq>`, merged by time.

The cursor is the last sequence number seen per twin, plus which twins were down at
the last poll (so the page hears once when a twin goes down or comes back), as
compact JSON: it travels as the SSE event id, and the browser sends it back as
Last-Event-ID when it reconnects, so no entry is lost or repeated. A twin restarted
behind the stream numbers its journal from 1 again: seen as its newest entry falling
below the cursor, that twin's cursor starts over from 0 (and the page is told).
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


def newest_seq(first_seq: int | None, size: int) -> int | None:
    """The newest sequence number of a journal whose oldest entry is `first_seq` (contiguous, as above)."""
    return None if first_seq is None or size <= 0 else first_seq + size - 1


async def _restarted(twin: Twin, after: int) -> bool:
    """Whether the twin's sequence numbers started again below the cursor (the twin was restarted):
    its newest entry is older than the last one this stream saw."""
    page = await twin.journal(limit=1)
    entries = page["entries"]
    newest = newest_seq(entries[0]["seq"] if entries else None, int(page.get("size", 0)))
    return newest is not None and newest < after


@dataclass
class Batch:
    entries: list[dict[str, Any]]
    after: int
    restarted: bool = False


async def _new_entries(twin: Twin, after: int | None) -> Batch:
    restarted = False
    if after is None:
        after = await _start(twin)
    page = await twin.journal(after=after, limit=BATCH)
    entries: list[dict[str, Any]] = page["entries"]
    # Nothing newer while the journal holds entries: idle, or restarted with its numbers from 1 again.
    if not entries and after > 0 and int(page.get("size", 0)) > 0 and await _restarted(twin, after):
        restarted, after = True, 0
        entries = (await twin.journal(after=after, limit=BATCH))["entries"]
    for entry in entries:
        entry["service"] = twin.name  # the name the inspector was given (a fleet may run two of a kind)
    return Batch(entries, entries[-1]["seq"] if entries else after, restarted)


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
        if result.restarted:
            # Before the entries: the page keys rows by (twin, seq), and seq 1 comes again.
            events.append(("restart", {"name": name, "message": f"{name} restarted: its journal starts over"}))
        cursor.after[name] = result.after
        batches.append(result.entries)
    merged = merge(batches)
    if merged:
        events.append(("entries", merged))
    return events, cursor.encode()
