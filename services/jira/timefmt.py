"""Jira's timestamp formats: `2024-01-02T03:04:05.123+0000`, dates `2024-01-02`."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta

_OFFSET = re.compile(r"([+-])(\d{2}):?(\d{2})$")


def iso(ts: float | None) -> str | None:
    if ts is None:
        return None
    moment = datetime.fromtimestamp(ts, tz=UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}+0000"


def parse_datetime(text: str) -> float | None:
    """`2024-01-02T03:04:05.000+0000` (and the ISO variants Jira accepts) -> epoch seconds."""
    value = text.strip()
    if value.endswith("Z"):
        value = value[:-1] + "+0000"
    match = _OFFSET.search(value)
    offset = timedelta(0)
    if match:
        sign = 1 if match.group(1) == "+" else -1
        offset = sign * timedelta(hours=int(match.group(2)), minutes=int(match.group(3)))
        value = value[: match.start()]
    for pattern in ("%Y-%m-%dT%H:%M:%S.%f", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%dT%H:%M"):
        try:
            moment = datetime.strptime(value, pattern)
        except ValueError:
            continue
        return (moment.replace(tzinfo=UTC) - offset).timestamp()
    return None


def parse_date(text: str) -> str | None:
    """A `yyyy-MM-dd` date, validated; None when malformed."""
    try:
        return date.fromisoformat(text.strip()).isoformat()
    except ValueError:
        return None
