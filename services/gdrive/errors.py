"""Google's error envelopes, rendered in one place (endpoint.render_error).

APIs: `{"error": {"code", "message", "errors": [{"message", "domain", "reason",
"location"?, "locationType"?}], "status"}}`. googleapiclient's HttpError reads `message`
and `errors`; its retry logic reads `errors[0].reason` of a 403 (`rateLimitExceeded`,
`userRateLimitExceeded` are retried). The OAuth token endpoint answers RFC 6749 errors
instead (`{"error", "error_description"}`), which google-auth turns into RefreshError.
"""

from __future__ import annotations

from typing import Any

from services.core.errors import TwinError

# google.rpc.Code names by HTTP status, as Google's API front end reports them.
STATUS = {
    400: "INVALID_ARGUMENT",
    401: "UNAUTHENTICATED",
    403: "PERMISSION_DENIED",
    404: "NOT_FOUND",
    409: "ABORTED",
    412: "FAILED_PRECONDITION",
    413: "FAILED_PRECONDITION",
    416: "OUT_OF_RANGE",
    429: "RESOURCE_EXHAUSTED",
    500: "INTERNAL",
    501: "UNIMPLEMENTED",
    503: "UNAVAILABLE",
    504: "DEADLINE_EXCEEDED",
}


class GoogleError(TwinError):
    def __init__(
        self,
        code: int,
        message: str,
        reason: str,
        *,
        location: str | None = None,
        location_type: str = "parameter",
        item_message: str | None = None,
        domain: str = "global",
        headers: dict[str, str] | None = None,
        details: list[dict[str, Any]] | None = None,
    ) -> None:
        super().__init__(message)
        self.status_code = code
        self.reason = reason
        self.location = location
        self.location_type = location_type
        self.item_message = item_message if item_message is not None else message
        self.domain = domain
        self.headers = headers or {}
        self.error_details: list[dict[str, Any]] = details or []

    def body(self) -> dict[str, Any]:
        item: dict[str, Any] = {"message": self.item_message, "domain": self.domain, "reason": self.reason}
        if self.location is not None:
            item["location"] = self.location
            item["locationType"] = self.location_type
        error: dict[str, Any] = {"code": self.status_code, "message": self.message, "errors": [item]}
        error["status"] = STATUS.get(self.status_code, "UNKNOWN")
        if self.error_details:
            error["details"] = self.error_details
        return {"error": error}


class OAuthError(TwinError):
    """An RFC 6749 error of the token endpoint (`invalid_grant`, `invalid_client`, ...)."""

    def __init__(self, error: str, description: str, status: int = 400) -> None:
        super().__init__(description)
        self.status_code = status
        self.error = error
        self.description = description

    def body(self) -> dict[str, Any]:
        return {"error": self.error, "error_description": self.description}


# -- the front end (credentials, scopes) ------------------------------------------------
def invalid_credentials() -> GoogleError:
    return GoogleError(
        401,
        "Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other "
        "valid authentication credential. See https://developers.google.com/identity/sign-in/web/devconsole-project.",
        "authError",
        item_message="Invalid Credentials",
        location="Authorization",
        location_type="header",
        headers={"WWW-Authenticate": 'Bearer realm="https://accounts.google.com/", error="invalid_token"'},
    )


def unregistered_caller() -> GoogleError:
    message = (
        "Method doesn't allow unregistered callers (callers without established identity). "
        "Please use API Key or other form of API consumer identity to call this API."
    )
    return GoogleError(403, message, "forbidden")


def insufficient_scopes(service: str, method: str) -> GoogleError:
    return GoogleError(
        403,
        "Request had insufficient authentication scopes.",
        "insufficientPermissions",
        item_message="Insufficient Permission",
        headers={
            "WWW-Authenticate": 'Bearer realm="https://accounts.google.com/", error="insufficient_scope", '
            f'scope="{service}"'
        },
        details=[
            {
                "@type": "type.googleapis.com/google.rpc.ErrorInfo",
                "reason": "ACCESS_TOKEN_SCOPE_INSUFFICIENT",
                "domain": "googleapis.com",
                "metadata": {"service": f"{service.split('/')[-1] or 'drive'}.googleapis.com", "method": method},
            }
        ],
    )


# -- request validation -------------------------------------------------------------------
def invalid_value(parameter: str, message: str = "Invalid Value") -> GoogleError:
    return GoogleError(400, message, "invalid", location=parameter)


def required(parameter: str) -> GoogleError:
    return GoogleError(400, f"Required parameter: {parameter}", "required", location=parameter)


def bad_request(message: str, location: str | None = None) -> GoogleError:
    return GoogleError(400, message, "badRequest", location=location)


def field_required(field: str) -> GoogleError:
    return GoogleError(400, f"Required: {field}", "required", location=field, location_type="other")


def parse_error(message: str = "Parse Error") -> GoogleError:
    return GoogleError(400, message, "parseError")


def not_found_path(path: str) -> GoogleError:
    return GoogleError(404, "Not Found", "notFound", item_message=f"Not Found: {path}")


# -- Drive ----------------------------------------------------------------------------------
def file_not_found(file_id: str, location: str = "fileId") -> GoogleError:
    return GoogleError(404, f"File not found: {file_id}.", "notFound", location=location)


def permission_not_found(permission_id: str) -> GoogleError:
    return GoogleError(404, f"Permission not found: {permission_id}.", "notFound", location="permissionId")


def insufficient_file_permissions() -> GoogleError:
    return GoogleError(
        403, "The user does not have sufficient permissions for this file.", "insufficientFilePermissions"
    )


def forbidden(message: str, reason: str = "forbidden", location: str | None = None) -> GoogleError:
    return GoogleError(403, message, reason, location=location)
