"""The Directory API's errors, worded as Google answers them."""

from __future__ import annotations

from services.gdrive.errors import GoogleError


def not_authorized() -> GoogleError:
    """A caller who is not a Workspace admin (or lacks the admin privilege for the call)."""
    return GoogleError(403, "Not Authorized to access this resource/api", "forbidden")


def not_found(what: str) -> GoogleError:
    return GoogleError(404, f"Resource Not Found: {what}", "notFound")


def duplicate() -> GoogleError:
    return GoogleError(409, "Entity already exists.", "duplicate")


def invalid(message: str) -> GoogleError:
    return GoogleError(400, message, "invalid")


def bad_request() -> GoogleError:
    return GoogleError(400, "Bad Request", "badRequest")
