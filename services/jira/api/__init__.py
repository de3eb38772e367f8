"""The REST API handlers; importing this package registers every route."""

from services.jira.api import activity, issues, meta, projects, search, users  # noqa: F401
