"""Message timestamps: `ts` strings unique and increasing within a workspace.

A ts is the tenant clock's time in microseconds, bumped by one microsecond when
two messages fall in the same microsecond (or the clock was set back), so ordering
by `ts_sort` is ordering by creation.
"""

from __future__ import annotations

from sqlalchemy import func
from sqlmodel import Session, select

from services.slack.models import Message


def format_ts(micros: int) -> str:
    return f"{micros // 1_000_000}.{micros % 1_000_000:06d}"


def parse_ts(value: str) -> int | None:
    """Microseconds of a ts string, or None when it is not one."""
    try:
        seconds, _, fraction = value.strip().partition(".")
        if not seconds.isdigit() or (fraction and not fraction.isdigit()):
            return None
        return int(seconds) * 1_000_000 + int((fraction + "000000")[:6])
    except (AttributeError, ValueError):
        return None


class TsSource:
    def __init__(self) -> None:
        self._last: dict[str, int] = {}

    def forget(self, tenant_id: str) -> None:
        self._last.pop(tenant_id, None)

    def next(self, session: Session, tenant_id: str, now: float) -> tuple[str, int]:
        last = self._last.get(tenant_id)
        if last is None:
            last = session.exec(select(func.max(Message.ts_sort)).where(Message.tenant_id == tenant_id)).one() or 0
        micros = max(int(now * 1_000_000), last + 1)
        self._last[tenant_id] = micros
        return format_ts(micros), micros
