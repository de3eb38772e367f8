"""The Jira twin's web UI: projects, boards, issues and JQL search over the twin's own state."""

from services.jira.ui.routes import routes

__all__ = ["routes"]
