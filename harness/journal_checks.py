"""Judging a trajectory's journal: patterns in order, at least once, never, or a number of times."""

from __future__ import annotations

import fnmatch
import operator
import re
from collections.abc import Callable
from typing import Any

from harness.model import EntryPattern, JournalCheck

_OPS: dict[str, Callable[[int, int], bool]] = {
    ">=": operator.ge,
    "<=": operator.le,
    ">": operator.gt,
    "<": operator.lt,
    "==": operator.eq,
    "!=": operator.ne,
}
_CONDITION = re.compile(r"^(>=|<=|>|<|==|!=)?\s*(\d+)$")


def compare(value: int, condition: str) -> bool:
    """`condition` like `>=500`, `429`, `<3`."""
    match = _CONDITION.match(condition.strip())
    if match is None:
        raise ValueError(f"bad condition {condition!r}")
    return _OPS[match.group(1) or "=="](value, int(match.group(2)))


def status_matches(status: int, wanted: str) -> bool:
    if wanted.endswith("xx"):
        return status // 100 == int(wanted[0])
    return compare(status, wanted)


def matches(entry: dict[str, Any], pattern: EntryPattern) -> bool:
    if pattern.twin is not None and entry.get("twin") != pattern.twin:
        return False
    if pattern.operation is not None and not fnmatch.fnmatchcase(str(entry.get("operation")), pattern.operation):
        return False
    if pattern.method is not None and entry.get("method") != pattern.method:
        return False
    if pattern.path is not None and pattern.path not in str(entry.get("path")):
        return False
    return pattern.status is None or status_matches(int(entry.get("status", 0)), pattern.status)


def _show(entry: dict[str, Any]) -> str:
    return f"{entry.get('twin')} {entry.get('method')} {entry.get('path')} -> {entry.get('status')}"


def judge(check: JournalCheck, entries: list[dict[str, Any]]) -> list[str]:
    """Reasons the check fails (empty: it holds)."""
    reasons: list[str] = []
    position = 0
    for i, pattern in enumerate(check.in_order):
        found = next((n for n in range(position, len(entries)) if matches(entries[n], pattern)), None)
        if found is None:
            earlier = any(matches(e, pattern) for e in entries[:position])
            detail = "only before the previous one" if earlier else "no such request"
            reasons.append(f"in_order[{i}] {pattern.describe()}: {detail} (journal has {len(entries)} entries)")
            break
        position = found + 1
    for pattern in check.some:
        if not any(matches(e, pattern) for e in entries):
            reasons.append(f"any {pattern.describe()}: no such request (journal has {len(entries)} entries)")
    for pattern in check.none:
        hits = [e for e in entries if matches(e, pattern)]
        if hits:
            reasons.append(f"none {pattern.describe()}: {len(hits)} such request(s), first: {_show(hits[0])}")
    for pattern, condition in check.count:
        count = sum(1 for e in entries if matches(e, pattern))
        if not compare(count, condition):
            reasons.append(f"count {pattern.describe()} is {count}, expected {condition}")
    return reasons
