"""Issue search by JQL: `/search` (startAt/maxResults/total) and `/search/jql` (nextPageToken/isLast).

`/search/jql` is Jira Cloud's current search (the `jira` library uses it in Cloud mode);
`/search` is the older offset form. Both accept GET (query) and POST (JSON body).
"""

from __future__ import annotations

from typing import Any

from services.core.cursors import InvalidCursor, decode_cursor, encode_cursor
from services.jira import catalog, issue_render
from services.jira.call import JiraCall
from services.jira.domain.fields import custom_fields
from services.jira.endpoint import route
from services.jira.errors import JiraError
from services.jira.jql import evaluate
from services.jira.render import custom_field_schema

MAX_RESULTS = 100  # Cloud caps a page of issues with all fields at 100
UNBOUNDED = "Unbounded JQL queries are not allowed here. Please add a search restriction to your query."


def _list(value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return [part.strip() for part in value.split(",") if part.strip()]
    if isinstance(value, list):
        result: list[str] = []
        for item in value:
            result.extend(_list(item))
        return result
    return []


def _params(call: JiraCall) -> dict[str, Any]:
    """GET query or POST body, one shape: jql, fields, expand, startAt, maxResults, nextPageToken."""
    if call.request.method == "POST":
        body = call.body_object()
        return {
            "jql": _jql(body),
            "fields": _list(body.get("fields")),
            "fields_given": "fields" in body and body.get("fields") is not None,
            "expand": set(_list(body.get("expand"))),
            "startAt": body.get("startAt"),
            "maxResults": body.get("maxResults"),
            "nextPageToken": body.get("nextPageToken"),
        }
    return {
        "jql": call.query.get("jql") or "",
        "fields": call.csv("fields"),
        "fields_given": "fields" in call.query,
        "expand": set(call.csv("expand")),
        "startAt": call.query.get("startAt"),
        "maxResults": call.query.get("maxResults"),
        "nextPageToken": call.query.get("nextPageToken"),
    }


def _jql(body: dict[str, Any]) -> str:
    value = body.get("jql")
    if value is not None and not isinstance(value, str):
        # Jira cannot read a non-string `jql` out of the body (a Jackson deserialization error).
        raise JiraError(400, "Can not deserialize value of type String: 'jql' must be a string.")
    return value or ""


def _int(value: Any, default: int, name: str) -> int:
    if value in (None, ""):
        return default
    try:
        return max(int(value), 0)
    except (TypeError, ValueError):
        raise JiraError(400, f"The '{name}' parameter must be a number.") from None


def _names_and_schema(call: JiraCall, expand: set[str], body: dict[str, Any]) -> None:
    customs = custom_fields(call)
    if "names" in expand:
        names = {f.id: f.name for f in catalog.SYSTEM_FIELDS}
        names.update({cid: row.name for cid, row in customs.items()})
        body["names"] = names
    if "schema" in expand:
        schemas = {f.id: f.schema for f in catalog.SYSTEM_FIELDS if f.schema}
        schemas.update({cid: custom_field_schema(row) for cid, row in customs.items()})
        body["schema"] = schemas


@route("GET", "/search", "searchForIssuesUsingJql")
def search_get(call: JiraCall) -> dict[str, Any]:
    return _search(call)


@route("POST", "/search", "searchForIssuesUsingJqlPost")
def search_post(call: JiraCall) -> dict[str, Any]:
    return _search(call)


def _search(call: JiraCall) -> dict[str, Any]:
    params = _params(call)
    start = _int(params["startAt"], 0, "startAt")
    size = min(_int(params["maxResults"], 50, "maxResults"), MAX_RESULTS)
    issues, _ = evaluate.search(call, params["jql"])
    # /search returns the navigable fields unless told otherwise.
    requested = params["fields"] or ["*navigable"]
    expand = params["expand"]
    page = issues[start : start + size]
    body: dict[str, Any] = {
        "expand": "schema,names",
        "startAt": start,
        "maxResults": size,
        "total": len(issues),
        "issues": issue_render.page(call, page, requested, expand),
    }
    _names_and_schema(call, expand, body)
    return body


@route("GET", "/search/jql", "searchAndReconsileIssuesUsingJql")
def search_jql_get(call: JiraCall) -> dict[str, Any]:
    return _search_jql(call)


@route("POST", "/search/jql", "searchAndReconsileIssuesUsingJqlPost")
def search_jql_post(call: JiraCall) -> dict[str, Any]:
    return _search_jql(call)


def _search_jql(call: JiraCall) -> dict[str, Any]:
    params = _params(call)
    size = min(_int(params["maxResults"], 50, "maxResults"), 5000 if not params["fields_given"] else MAX_RESULTS)
    offset = 0
    token = params["nextPageToken"]
    if token:
        try:
            offset = int(decode_cursor(str(token)).get("o", -1))
        except (InvalidCursor, TypeError, ValueError):
            offset = -1
        if offset < 0:
            raise JiraError(400, "The provided next page token is invalid or expired.")
    issues, query = evaluate.search(call, params["jql"])
    if query.where is None:
        raise JiraError(400, UNBOUNDED)
    # The enhanced search returns only issue ids unless fields are asked for.
    requested = params["fields"] if params["fields_given"] else []
    expand = params["expand"]
    page = issues[offset : offset + size]
    rendered = issue_render.page(call, page, requested, expand) if requested else [{"id": row.id} for row in page]
    body: dict[str, Any] = {"issues": rendered}
    _names_and_schema(call, expand, body)
    if offset + size < len(issues):
        body["nextPageToken"] = encode_cursor({"o": offset + size})
        body["isLast"] = False
    else:
        body["isLast"] = True
    return body


@route("POST", "/search/approximate-count", "countIssues")
def approximate_count(call: JiraCall) -> dict[str, Any]:
    jql = _jql(call.body_object())
    issues, query = evaluate.search(call, jql)
    if query.where is None:
        raise JiraError(400, UNBOUNDED)
    return {"count": len(issues)}
