"""`/jira/projects`: the site's projects, and `/jira/software/projects/{KEY}/board`: a project's board."""

from __future__ import annotations

from typing import Any

from sqlmodel import select
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from services.core.ui.session import UiUser
from services.jira.domain import lookup, projects
from services.jira.models import Issue
from services.jira.ui import present
from services.jira.ui.acting import as_user
from services.jira.ui.shell import board_path, render


def _issues(call: Any, project_id: str) -> list[Issue]:
    rows = call.session.exec(
        select(Issue).where(Issue.tenant_id == call.tenant.id, Issue.project_id == project_id)
    ).all()
    return sorted(rows, key=lambda i: i.number)


async def projects_page(request: Request, user: UiUser) -> Response:
    with as_user(request, user) as call:
        rows = []
        for project in projects.visible(call):
            counts = {"todo": 0, "progress": 0, "done": 0}
            for issue in _issues(call, project.id):
                counts[present.status(call, issue.status_id).css] += 1
            rows.append({"project": project, "lead": present.person(call, project.lead_account_id), **counts})
    return render(request, "jira_projects.html", user, {"title": "Projects", "rows": rows})


async def board_page(request: Request, user: UiUser) -> Response:
    with as_user(request, user) as call:
        project = lookup.project(call, request.path_params["key"])
        if request.path_params["key"] != project.key:  # an old or lower-case key: Jira redirects
            return RedirectResponse(board_path(project.key), status_code=302)
        issues = _issues(call, project.id)
        columns = [
            {"status": status, "cards": [present.card(call, i, True) for i in issues if i.status_id == status.id]}
            for status in present.project_statuses(call, project.id, issues)
        ]
    context = {"title": f"{project.key} board", "project": project, "columns": columns}
    return render(request, "jira_board.html", user, context)


async def board_by_id(request: Request, user: UiUser) -> Response:
    """Jira Cloud's `/boards/{id}`: the twin has one board per project, so any id shows it."""
    return RedirectResponse(board_path(request.path_params["key"]), status_code=302)
