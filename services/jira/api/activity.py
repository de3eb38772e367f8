"""Comments, worklogs, watchers and issue links."""

from __future__ import annotations

from typing import Any

from services.jira import issue_render, render
from services.jira.call import JiraCall, Reply
from services.jira.domain import activity, lookup, relations
from services.jira.endpoint import route
from services.jira.errors import JiraError

# -- comments ---------------------------------------------------------------------------


@route("GET", "/issue/{issueIdOrKey}/comment", "getComments")
def get_comments(call: JiraCall) -> dict[str, Any]:
    row = lookup.issue(call, call.path["issueIdOrKey"])
    start = call.int_param("startAt", 0)
    size = min(call.int_param("maxResults", 5000), 5000)
    order = call.query.get("orderBy") or "created"
    rows = activity.comments(call, row, order)
    chosen = rows[start : start + size]
    return {
        "startAt": start,
        "maxResults": size,
        "total": len(rows),
        "comments": [issue_render.comment(call, c) for c in chosen],
    }


@route("POST", "/issue/{issueIdOrKey}/comment", "addComment")
def add_comment(call: JiraCall) -> Reply:
    row = lookup.issue(call, call.path["issueIdOrKey"])
    return Reply(issue_render.comment(call, activity.add_comment(call, row, call.body_object())), status=201)


@route("GET", "/issue/{issueIdOrKey}/comment/{id}", "getComment")
def get_comment(call: JiraCall) -> dict[str, Any]:
    row = lookup.issue(call, call.path["issueIdOrKey"])
    return issue_render.comment(call, activity.comment(call, row, call.path["id"]))


@route("PUT", "/issue/{issueIdOrKey}/comment/{id}", "updateComment")
def update_comment(call: JiraCall) -> dict[str, Any]:
    row = lookup.issue(call, call.path["issueIdOrKey"])
    found = activity.comment(call, row, call.path["id"])
    return issue_render.comment(call, activity.update_comment(call, row, found, call.body_object()))


@route("DELETE", "/issue/{issueIdOrKey}/comment/{id}", "deleteComment")
def delete_comment(call: JiraCall) -> Reply:
    row = lookup.issue(call, call.path["issueIdOrKey"])
    activity.delete_comment(call, row, activity.comment(call, row, call.path["id"]))
    return Reply(status=204)


# -- worklogs ---------------------------------------------------------------------------


@route("GET", "/issue/{issueIdOrKey}/worklog", "getIssueWorklog")
def get_worklogs(call: JiraCall) -> dict[str, Any]:
    row = lookup.issue(call, call.path["issueIdOrKey"])
    start = call.int_param("startAt", 0)
    size = min(call.int_param("maxResults", 5000), 5000)
    rows = activity.worklogs(call, row)
    return {
        "startAt": start,
        "maxResults": size,
        "total": len(rows),
        "worklogs": [issue_render.worklog(call, w) for w in rows[start : start + size]],
    }


@route("POST", "/issue/{issueIdOrKey}/worklog", "addWorklog")
def add_worklog(call: JiraCall) -> Reply:
    row = lookup.issue(call, call.path["issueIdOrKey"])
    return Reply(issue_render.worklog(call, activity.add_worklog(call, row, call.body_object())), status=201)


@route("GET", "/issue/{issueIdOrKey}/worklog/{id}", "getWorklog")
def get_worklog(call: JiraCall) -> dict[str, Any]:
    row = lookup.issue(call, call.path["issueIdOrKey"])
    return issue_render.worklog(call, activity.worklog(call, row, call.path["id"]))


@route("PUT", "/issue/{issueIdOrKey}/worklog/{id}", "updateWorklog")
def update_worklog(call: JiraCall) -> dict[str, Any]:
    row = lookup.issue(call, call.path["issueIdOrKey"])
    found = activity.worklog(call, row, call.path["id"])
    return issue_render.worklog(call, activity.update_worklog(call, row, found, call.body_object()))


@route("DELETE", "/issue/{issueIdOrKey}/worklog/{id}", "deleteWorklog")
def delete_worklog(call: JiraCall) -> Reply:
    row = lookup.issue(call, call.path["issueIdOrKey"])
    activity.delete_worklog(call, row, activity.worklog(call, row, call.path["id"]))
    return Reply(status=204)


# -- watchers ---------------------------------------------------------------------------


@route("GET", "/issue/{issueIdOrKey}/watchers", "getIssueWatchers")
def get_watchers(call: JiraCall) -> dict[str, Any]:
    row = lookup.issue(call, call.path["issueIdOrKey"])
    rows = relations.watchers(call, row)
    return {
        "self": f"{call.api}/issue/{row.key}/watchers",
        "isWatching": any(w.account_id == call.account_id for w in rows),
        "watchCount": len(rows),
        "watchers": [render.user_by_id(call, w.account_id) for w in rows],
    }


@route("POST", "/issue/{issueIdOrKey}/watchers", "addWatcher")
def add_watcher(call: JiraCall) -> Reply:
    row = lookup.issue(call, call.path["issueIdOrKey"])
    # The body is the accountId as a JSON string; no body means the caller.
    account = call.body if call.body is not None else call.account_id
    if not isinstance(account, str):
        raise JiraError(400, "The request body must be the accountId of the user, as a JSON string.")
    relations.watch(call, row, account)
    return Reply(status=204)


@route("DELETE", "/issue/{issueIdOrKey}/watchers", "removeWatcher")
def remove_watcher(call: JiraCall) -> Reply:
    row = lookup.issue(call, call.path["issueIdOrKey"])
    account = call.query.get("accountId")
    if not account:
        raise JiraError(400, "accountId must be provided.")
    relations.unwatch(call, row, account)
    return Reply(status=204)


# -- issue links ------------------------------------------------------------------------


@route("POST", "/issueLink", "linkIssues")
def link_issues(call: JiraCall) -> Reply:
    relations.link(call, call.body_object())
    return Reply(status=201, body=None)


@route("GET", "/issueLink/{linkId}", "getIssueLink")
def get_link(call: JiraCall) -> dict[str, Any]:
    return issue_render.link(call, relations.find_link(call, call.path["linkId"]))


@route("DELETE", "/issueLink/{linkId}", "deleteIssueLink")
def delete_link(call: JiraCall) -> Reply:
    relations.unlink(call, relations.find_link(call, call.path["linkId"]))
    return Reply(status=204)
