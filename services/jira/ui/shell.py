"""What every page of the Jira UI shares: its chrome (name, colour, paths) and templates."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from services.core.ui.session import UiUser
from services.core.ui.templates import Chrome, ui_templates

PROJECTS_PATH = "/jira/projects"
SIGN_IN_PATH = "/login"
SIGN_OUT_PATH = "/logout"

# Jira's blue (#0052CC); the sign-in path is plain: Atlassian's own is on id.atlassian.com.
CHROME = Chrome(
    brand="Jira (DTU twin)", accent="#0052cc", home=PROJECTS_PATH, sign_in=SIGN_IN_PATH, sign_out=SIGN_OUT_PATH
)
TEMPLATES = ui_templates(Path(__file__).parent / "templates")


def board_path(project_key: str) -> str:
    return f"/jira/software/projects/{project_key}/board"


def render(
    request: Request, template: str, user: UiUser | None, context: dict[str, Any], status_code: int = 200
) -> Response:
    """A page of the Jira UI, with the shared layout's context filled in."""
    return TEMPLATES.TemplateResponse(
        request,
        template,
        {"ui": CHROME, "user": user, "board_path": board_path, **context},
        status_code=status_code,
    )
