"""System Log queries: `GET /api/v1/logs` as Okta answers it.

Two kinds of request (developer.okta.com/docs/reference/system-log-query/):
- polling: no `until` and `sortOrder=ASCENDING`. Every page has a `next` link, even an
  empty one, so a client can keep following it as new events are written;
- bounded: anything else. Pages end when the window is exhausted.

`since` defaults to 7 days before `until` (or now); data older than 90 days is never
returned and a `since` more than 180 days back is refused. `filter` is a SCIM
expression over the LogEvent's attributes (multi-valued `target.*` match when any
target does); `q` keeps events where every keyword matches one of the event's values
(case-insensitive, hyphenated values also match their parts). Events are ordered by
their sequence number, which follows `published` on the org's clock.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from sqlmodel import col, select

from services.okta import expressions
from services.okta.call import OktaCall
from services.okta.errors import OktaError
from services.okta.models import LogEvent
from services.okta.paging import decode_after
from services.okta.timefmt import parse_iso

DAY = 86_400.0
DEFAULT_WINDOW = 7 * DAY
RETENTION = 90 * DAY
MAX_SINCE_AGE = 180 * DAY
DEFAULT_LIMIT = 100
MAX_LIMIT = 1000
MAX_KEYWORDS = 10
MAX_KEYWORD_LENGTH = 40
SCAN_BATCH = 500

# The LogEvent's attributes, the roots a filter may name. `published` is left out on
# purpose: Okta's filters can't use it (it would conflict with since/until/after).
FILTERABLE_ROOTS = frozenset(
    {
        "uuid",
        "eventType",
        "version",
        "severity",
        "legacyEventType",
        "displayMessage",
        "actor",
        "client",
        "device",
        "request",
        "outcome",
        "target",
        "transaction",
        "debugContext",
        "authenticationContext",
        "securityContext",
    }
)
# Okta refuses `co` on these two (documented: "not currently supported").
NO_CONTAINS = frozenset({"debugContext.debugData.url", "debugContext.debugData.requestUri"})
_SPLIT = re.compile(r"[\s/?&=,;:()\[\]{}<>\"']+")


@dataclass(frozen=True)
class LogQuery:
    since: float
    until: float | None
    descending: bool
    limit: int
    after: int  # sequence position (0: from the start)
    expression: expressions.Expression | None
    keywords: tuple[str, ...]

    @property
    def polling(self) -> bool:
        return self.until is None and not self.descending


@dataclass(frozen=True)
class LogPage:
    events: list[dict[str, Any]]
    next_after: int | None  # None: no `next` link


def parse_query(call: OktaCall) -> LogQuery:
    now = call.now()
    until = _date(call, "until")
    since = _date(call, "since")
    if since is None:
        since = (until if until is not None else now) - DEFAULT_WINDOW
    elif since < now - MAX_SINCE_AGE:
        raise OktaError("E0000053", "Invalid parameter: The since parameter is over 180 days prior to the current day.")
    order = call.query.get("sortOrder") or "ASCENDING"
    if order not in ("ASCENDING", "DESCENDING"):
        raise OktaError(
            "E0000001", "Api validation failed: sortOrder", causes=["sortOrder: must be ASCENDING or DESCENDING"]
        )
    return LogQuery(
        since=max(since, now - RETENTION),  # older events are past Okta's retention: silently absent
        until=until,
        descending=order == "DESCENDING",
        limit=_limit(call),
        after=decode_after(call.query.get("after")),
        expression=_filter(call.query.get("filter")),
        keywords=_keywords(call.query.get("q")),
    )


def search(call: OktaCall, query: LogQuery) -> LogPage:
    """One page of matching events, fetched in batches until the page (plus one) is full."""
    found: list[tuple[int, dict[str, Any]]] = []
    last_scanned = query.after
    for seq, document in _scan(call, query):
        last_scanned = seq
        if _matches(document, query):
            found.append((seq, document))
            if len(found) > query.limit:
                break
    page = found[: query.limit]
    if len(found) > query.limit:
        return LogPage([d for _, d in page], page[-1][0])
    if query.polling:
        # The stream goes on: resume after everything examined, even if nothing matched.
        return LogPage([d for _, d in page], max(last_scanned, page[-1][0] if page else 0))
    return LogPage([d for _, d in page], None)


def _scan(call: OktaCall, query: LogQuery) -> Iterator[tuple[int, dict[str, Any]]]:
    position = query.after
    while True:
        statement = select(LogEvent.seq, LogEvent.document).where(
            LogEvent.tenant_id == call.tenant.id, LogEvent.published >= query.since
        )
        if query.until is not None:
            statement = statement.where(LogEvent.published < query.until)
        if query.descending:
            if position:
                statement = statement.where(LogEvent.seq < position)
            statement = statement.order_by(col(LogEvent.seq).desc())
        else:
            statement = statement.where(LogEvent.seq > position).order_by(col(LogEvent.seq))
        rows = call.session.exec(statement.limit(SCAN_BATCH)).all()
        for seq, document in rows:
            yield seq, dict(document or {})
        if len(rows) < SCAN_BATCH:
            return
        position = rows[-1][0]


def _matches(document: dict[str, Any], query: LogQuery) -> bool:
    if query.expression is not None and not expressions.evaluate(query.expression, lambda p: resolve(document, p)):
        return False
    if query.keywords:
        candidates = _candidates(document)
        return all(keyword in candidates for keyword in query.keywords)
    return True


def resolve(document: Any, path: str) -> Any:
    """A dotted attribute path in an event; through lists (targets) it yields every element's value."""
    values: list[Any] = [document]
    for part in path.split("."):
        following: list[Any] = []
        for value in values:
            if isinstance(value, dict):
                found = value.get(part)
                following.extend(found if isinstance(found, list) else [found])
        values = [v for v in following if v is not None]
    multi = path.split(".")[0] == "target" and path != "target"
    if multi:
        return values
    return values[0] if len(values) == 1 else (values or None)


def _candidates(document: Any) -> set[str]:
    """Every value of the event as keyword candidates: whole, split into words, hyphen parts."""
    found: set[str] = set()
    stack = [document]
    while stack:
        value = stack.pop()
        if isinstance(value, dict):
            stack.extend(value.values())
        elif isinstance(value, list):
            stack.extend(value)
        elif isinstance(value, str | int | float) and not isinstance(value, bool):
            text = str(value).lower()
            found.add(text)
            for word in _SPLIT.split(text):
                if word:
                    found.add(word)
                    found.update(part for part in word.split("-") if part)
    return found


# -- parameters -------------------------------------------------------------------------


def _date(call: OktaCall, name: str) -> float | None:
    raw = call.query.get(name)
    if raw is None or raw == "":
        return None
    try:
        return parse_iso(raw)
    except ValueError:
        raise OktaError("E0000030") from None


def _limit(call: OktaCall) -> int:
    raw = call.query.get("limit")
    if raw in (None, ""):
        return DEFAULT_LIMIT
    try:
        limit = int(raw)
    except ValueError:
        raise OktaError("E0000001", "Api validation failed: limit", causes=["limit: must be an integer"]) from None
    if limit < 1:
        return DEFAULT_LIMIT
    return min(limit, MAX_LIMIT)


def _filter(text: str | None) -> expressions.Expression | None:
    if text is None or not text.strip():
        return None
    try:
        expression = expressions.parse(text)
    except expressions.InvalidExpression as exc:
        raise OktaError("E0000053", f"Invalid filter '{text}': {exc}") from None
    for comparison in _comparisons(expression):
        if comparison.path.split(".")[0] not in FILTERABLE_ROOTS:
            raise OktaError("E0000053", f"field is not valid: {comparison.path}")
        if comparison.op == "co" and comparison.path in NO_CONTAINS:
            raise OktaError(
                "E0000031",
                "The supplied combination of operator and field is not currently supported. "
                f"Operator: co, Field: {comparison.path}",
            )
    return expression


def _comparisons(expression: expressions.Expression) -> list[expressions.Comparison]:
    if isinstance(expression, expressions.Logical):
        return _comparisons(expression.left) + _comparisons(expression.right)
    if isinstance(expression, expressions.Not):
        return _comparisons(expression.inner)
    return [expression]


def _keywords(text: str | None) -> tuple[str, ...]:
    if text is None:
        return ()
    words = tuple(word.lower() for word in text.split())
    if any(len(word) > MAX_KEYWORD_LENGTH for word in words):
        raise OktaError(
            "E0000001",
            "Api validation failed: 'q': Freeform search cannot contain items longer than 40 characters. "
            "Please shorten the items in your search or use an advanced filter to query by specific fields.",
        )
    if len(words) > MAX_KEYWORDS:
        raise OktaError(
            "E0000001",
            "Api validation failed: 'q': Freeform search cannot contain more than 10 items. "
            "Please remove items from your search or use an advanced filter to query by specific fields.",
        )
    return words
