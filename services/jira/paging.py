"""Jira's offset pagination (`startAt`, `maxResults`, `total`, `isLast`) for list resources."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any
from urllib.parse import urlencode

from services.jira.call import JiraCall


def window(call: JiraCall, default: int, maximum: int) -> tuple[int, int]:
    start = call.int_param("startAt", 0)
    size = call.int_param("maxResults", default)
    return start, min(max(size, 0), maximum)


def page_body(call: JiraCall, items: Sequence[Any], start: int, size: int, key: str = "values") -> dict[str, Any]:
    """`{self, nextPage?, maxResults, startAt, total, isLast, values}` as /project/search answers."""
    chosen = list(items[start : start + size])
    is_last = start + len(chosen) >= len(items)
    path = f"{call.api}{call.request.url.path.split('/rest/api/' + call.api_version, 1)[-1]}"
    kept = [(k, v) for k, v in call.query.multi_items() if k not in ("startAt", "maxResults")]
    body: dict[str, Any] = {"self": f"{path}?{urlencode([*kept, ('startAt', start), ('maxResults', size)])}"}
    if not is_last:
        body["nextPage"] = f"{path}?{urlencode([*kept, ('startAt', start + size), ('maxResults', size)])}"
    body.update({"maxResults": size, "startAt": start, "total": len(items), "isLast": is_last, key: chosen})
    return body
