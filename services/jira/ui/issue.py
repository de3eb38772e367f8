"""`/browse/{KEY}`: an issue, and what one can do on it (transition, comment, watch, unwatch).

Each action calls the domain function behind the matching REST operation (doTransition,
addComment, addWatcher, removeWatcher) as the signed-in account, then redirects back.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from services.core.ui.flash import flash_redirect
from services.core.ui.session import UiUser, safe_next
from services.jira import adf
from services.jira.domain import activity, lookup, relations, workflow
from services.jira.errors import JiraError
from services.jira.issue_render import changelog_rows
from services.jira.ui import present
from services.jira.ui.acting import as_user
from services.jira.ui.adf_html import to_html
from services.jira.ui.shell import render


def issue_path(key: str) -> str:
    return f"/browse/{key}"


def _issue_page(
    request: Request, user: UiUser, key: str, error: str | None = None, status_code: int = 200, draft: str = ""
) -> Response:
    with as_user(request, user) as call:
        row = lookup.issue(call, key)
        project = lookup.project(call, row.project_id)
        watchers = [present.person(call, w.account_id) for w in relations.watchers(call, row)]
        context = {
            "title": f"[{row.key}] {row.summary}",
            "project": project,
            "issue": present.card(call, row, with_transitions=True),
            "description": to_html(row.description),
            "comments": [present.comment(call, c) for c in activity.comments(call, row)],
            "history": [present.history(call, g) for g in reversed(changelog_rows(call, row))],
            "watchers": [w for w in watchers if w is not None],
            "watching": any(w is not None and w.account_id == user.id for w in watchers),
            "error": error,
            "draft": draft,
        }
    if key != row.key:  # an id, an old key or lower case: Jira shows the issue at its current key
        return RedirectResponse(issue_path(row.key), status_code=302)
    return render(request, "jira_issue.html", user, context, status_code)


async def issue_page(request: Request, user: UiUser) -> Response:
    return _issue_page(request, user, request.path_params["key"])


def _message(exc: JiraError) -> str:
    return " ".join([*exc.messages, *exc.errors.values()]) or "The request could not be processed."


async def transition(request: Request, user: UiUser) -> Response:
    """The same as POST /rest/api/3/issue/{key}/transitions with `{"transition": {"id": ...}}`."""
    key = request.path_params["key"]
    form = await request.form()
    next_path = str(form.get("next") or "")
    try:
        with as_user(request, user) as call:
            row = lookup.issue(call, key)
            workflow.transition(call, row, {"transition": {"id": str(form.get("transition") or "")}})
            key = row.key
    except JiraError as exc:
        board = safe_next(next_path, "")
        if board and not board.startswith("/browse/") and exc.status_code != 404:
            # Clicked on the board: back to the board, which says why (a signed message, core flash).
            return flash_redirect(request, board, error=f"{key}: {_message(exc)}")
        return _issue_page(request, user, key, _message(exc), exc.status_code)
    return RedirectResponse(safe_next(next_path, issue_path(key)), status_code=303)


async def comment(request: Request, user: UiUser) -> Response:
    """The same as POST /rest/api/3/issue/{key}/comment; the text becomes an ADF document."""
    key = request.path_params["key"]
    form = await request.form()
    text = str(form.get("body") or "")
    try:
        with as_user(request, user) as call:
            row = lookup.issue(call, key)
            activity.add_comment(call, row, {"body": adf.from_text(text.strip())})
            key = row.key
    except JiraError as exc:
        return _issue_page(request, user, key, _message(exc), exc.status_code, draft=text)
    return RedirectResponse(issue_path(key) + "#comments", status_code=303)


async def watch(request: Request, user: UiUser) -> Response:
    return await _watching(request, user, True)


async def unwatch(request: Request, user: UiUser) -> Response:
    return await _watching(request, user, False)


async def _watching(request: Request, user: UiUser, on: bool) -> Response:
    """addWatcher / removeWatcher for the signed-in account."""
    key = request.path_params["key"]
    try:
        with as_user(request, user) as call:
            row = lookup.issue(call, key)
            (relations.watch if on else relations.unwatch)(call, row, user.id)
            key = row.key
    except JiraError as exc:
        return _issue_page(request, user, key, _message(exc), exc.status_code)
    return RedirectResponse(issue_path(key) + "#watchers", status_code=303)
