"""`/jira/projects`: the site's projects, and `/jira/software/projects/{KEY}/board`: a project's board.

Neither page loads a site's issues wholesale: the projects page counts them in one grouped
query (project, status), and a board column shows its first cards with "+N more" leading to
the JQL search for the rest, as Jira's board does for a long column.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from urllib.parse import urlencode

from sqlalchemy import func
from sqlmodel import col, select
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from services.core.ui.session import UiUser
from services.jira.call import JiraCall
from services.jira.domain import lookup, projects
from services.jira.models import Issue
from services.jira.ui import present
from services.jira.ui.acting import as_user
from services.jira.ui.shell import board_path, render

COLUMN_CARDS = 50  # cards a board column shows; the rest are one JQL search away


def _status_counts(call: JiraCall, project_ids: Iterable[str]) -> Counter[tuple[str, str]]:
    """How many issues each (project, status) has: one grouped query over the site's issues."""
    ids = list(project_ids)
    if not ids:
        return Counter()
    rows = call.session.exec(
        select(Issue.project_id, Issue.status_id, func.count())
        .where(Issue.tenant_id == call.tenant.id, col(Issue.project_id).in_(ids))
        .group_by(col(Issue.project_id), col(Issue.status_id))
    ).all()
    return Counter({(project_id, status_id): int(count) for project_id, status_id, count in rows})


async def projects_page(request: Request, user: UiUser) -> Response:
    with as_user(request, user) as call:
        visible = list(projects.visible(call))
        counts = _status_counts(call, (p.id for p in visible))
        totals: dict[str, Counter[str]] = {p.id: Counter() for p in visible}
        for (project_id, status_id), count in counts.items():
            # The status's category (To Do, In Progress, Done), as the domain code knows it.
            totals[project_id][present.status(call, status_id).css] += count
        rows = [
            {
                "project": project,
                "lead": present.person(call, project.lead_account_id),
                **{column: totals[project.id][column] for column in ("todo", "progress", "done")},
            }
            for project in visible
        ]
    return render(request, "jira_projects.html", user, {"title": "Projects", "rows": rows})


def _jql_string(value: str) -> str:
    """A JQL string literal: quoted, with quotes and backslashes escaped."""
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def column_search(project_key: str, status_name: str) -> str:
    """The search page for one column's issues (where "+N more" leads)."""
    jql = f"project = {project_key} AND status = {_jql_string(status_name)} ORDER BY created ASC"
    return "/issues/?" + urlencode({"jql": jql})


def _first_cards(call: JiraCall, project_id: str, status_id: str) -> list[Issue]:
    rows = call.session.exec(
        select(Issue)
        .where(Issue.tenant_id == call.tenant.id, Issue.project_id == project_id, Issue.status_id == status_id)
        .order_by(col(Issue.number))
        .limit(COLUMN_CARDS)
    ).all()
    return list(rows)


async def board_page(request: Request, user: UiUser) -> Response:
    with as_user(request, user) as call:
        project = lookup.project(call, request.path_params["key"])
        if request.path_params["key"] != project.key:  # an old or lower-case key: Jira redirects
            return RedirectResponse(board_path(project.key), status_code=302)
        counts = {status_id: n for (_, status_id), n in _status_counts(call, [project.id]).items()}
        columns = []
        for status in present.project_statuses(call, project.id, counts):
            total = counts.get(status.id, 0)
            cards = [present.card(call, i, True) for i in _first_cards(call, project.id, status.id)] if total else []
            columns.append(
                {
                    "status": status,
                    "cards": cards,
                    "total": total,
                    "more": total - len(cards),
                    "more_href": column_search(project.key, status.name),
                }
            )
    context = {"title": f"{project.key} board", "project": project, "columns": columns}
    return render(request, "jira_board.html", user, context)


async def board_by_id(request: Request, user: UiUser) -> Response:
    """Jira Cloud's `/boards/{id}`: the twin has one board per project, so any id shows it."""
    return RedirectResponse(board_path(request.path_params["key"]), status_code=302)
