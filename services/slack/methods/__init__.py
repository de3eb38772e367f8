"""Web API method handlers, one module per method family. Importing registers them."""

from services.slack.methods import auth  # noqa: F401
