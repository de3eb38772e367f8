"""The REST API handlers; importing this package registers every route."""

from services.jira.api import (  # noqa: F401
    activity,
    audit,
    groups,
    issues,
    meta,
    projects,
    search,
    session,
    user_properties,
    users,
    webhooks,
    workflows,
)
