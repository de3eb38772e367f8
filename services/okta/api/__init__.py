"""Management API route handlers, one module per resource family; importing registers them."""

from services.okta.api import (
    app_connections,  # noqa: F401
    apps,  # noqa: F401
    authn,  # noqa: F401
    event_hooks,  # noqa: F401
    factors,  # noqa: F401
    groups,  # noqa: F401
    logs,  # noqa: F401
    roles,  # noqa: F401
    sessions,  # noqa: F401
    users,  # noqa: F401
)
