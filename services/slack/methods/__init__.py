"""Web API method handlers, one module per method family. Importing registers them."""

from services.slack.methods import (  # noqa: F401
    admin,
    auth,
    chat,
    conversations,
    files,
    oauth,
    pins,
    reactions,
    usergroups,
    users,
)
