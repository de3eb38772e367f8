"""Management API route handlers, one module per resource family; importing registers them."""

from services.okta.api import users  # noqa: F401
