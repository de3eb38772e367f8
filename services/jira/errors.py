"""Jira's error envelope: `{"errorMessages": [...], "errors": {field: message}}` with an HTTP status.

The `jira` library reads `errorMessages`, then `errors` (its values), then `message`,
so every error carries both keys. Messages are Jira's own wording (see the README).
"""

from __future__ import annotations

from typing import Any

from services.core.errors import TwinError


class JiraError(TwinError):
    def __init__(
        self,
        status: int,
        *messages: str,
        errors: dict[str, str] | None = None,
        headers: dict[str, str] | None = None,
        extra: dict[str, Any] | None = None,
    ) -> None:
        super().__init__("; ".join([*messages, *(errors or {}).values()]))
        self.status_code = status
        self.messages = list(messages)
        self.errors = dict(errors or {})
        self.headers = headers or {}
        self.extra = extra or {}

    def body(self) -> dict[str, Any]:
        return {"errorMessages": self.messages, "errors": self.errors, **self.extra}


class AuthenticationFailed(TwinError):
    """Credentials were sent but are not valid for any site: Jira Cloud answers 401 in plain text."""

    status_code = 401
    text = "Client must be authenticated to access this resource."


def bad_request(*messages: str, **errors: str) -> JiraError:
    return JiraError(400, *messages, errors=errors)


def field_errors(errors: dict[str, str]) -> JiraError:
    return JiraError(400, errors=errors)


def not_authenticated() -> JiraError:
    return JiraError(401, "You are not authenticated. Authentication required to perform this operation.")


def forbidden(message: str = "You do not have permission to perform this operation.") -> JiraError:
    return JiraError(403, message)


def issue_not_found() -> JiraError:
    return JiraError(404, "Issue does not exist or you do not have permission to see it.")


def project_not_found(key_or_id: str) -> JiraError:
    if key_or_id.isdigit():
        return JiraError(404, f"No project could be found with id '{key_or_id}'.")
    return JiraError(404, f"No project could be found with key '{key_or_id}'.")


def not_found(message: str) -> JiraError:
    return JiraError(404, message)
