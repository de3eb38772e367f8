"""Okta's cursor pagination: `limit` and `after`, with `Link` headers.

Okta answers a page with `Link: <...>; rel="self"` and, when more follows,
`Link: <...?after=CURSOR&limit=N>; rel="next"`. The okta SDK keeps one value per
header name and reads only `rel="next"`, so both go in a single header, next last.
The cursor is opaque (the position in the collection's creation order).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from services.core.cursors import InvalidCursor, decode_cursor, encode_cursor
from services.okta.call import OktaCall, Reply
from services.okta.errors import OktaError


@dataclass(frozen=True)
class PageRequest:
    limit: int
    after: int  # position: items with a greater sort key come next (0 = from the start)


def page_request(call: OktaCall, default_limit: int, max_limit: int) -> PageRequest:
    """Read `limit` (clamped to the maximum, as Okta does) and `after`."""
    raw_limit = call.query.get("limit")
    limit = default_limit
    if raw_limit not in (None, ""):
        try:
            limit = int(raw_limit)
        except ValueError:
            raise OktaError("E0000001", "Api validation failed: limit", causes=["limit: must be an integer"]) from None
        if limit < 1:
            limit = default_limit
    return PageRequest(limit=min(limit, max_limit), after=decode_after(call.query.get("after")))


def decode_after(raw: str | None) -> int:
    if not raw:
        return 0
    try:
        position = decode_cursor(raw).get("p")
    except InvalidCursor:
        position = None
    if not isinstance(position, int):
        raise OktaError("E0000001", "Api validation failed: after", causes=["after: Invalid cursor"])
    return position


def link_header(call: OktaCall, limit: int, next_after: int | None, extra: dict[str, str] | None = None) -> str:
    """`<self>; rel="self", <next>; rel="next"` for the request's own URL and query."""
    base = call.base + call.request.url.path[len(call.request.scope.get("root_path", "")) :]
    kept = [(k, v) for k, v in call.query.multi_items() if k not in ("after", "limit")]
    self_query = urlencode([*kept, *([("after", call.query["after"])] if call.query.get("after") else [])])
    links = [f'<{base}{"?" + self_query if self_query else ""}>; rel="self"']
    if next_after is not None:
        query = urlencode([*kept, ("after", encode_cursor({"p": next_after})), ("limit", str(limit))])
        links.append(f'<{base}?{query}>; rel="next"')
    return ", ".join(links)


def paged_reply(
    call: OktaCall, items: Sequence[Any], positions: Sequence[int], page: PageRequest, body: list[Any]
) -> Reply:
    """A page from `items` fetched with one extra row (limit + 1) to know whether more follow."""
    more = len(items) > page.limit
    next_after = positions[page.limit - 1] if more else None
    return Reply(body[: page.limit], headers={"Link": link_header(call, page.limit, next_after)})
