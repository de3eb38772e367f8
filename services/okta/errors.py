"""Okta's error envelope and the E0000xxx codes the twin raises.

Every error response carries `errorCode`, `errorSummary`, `errorLink` (Okta sets it to
the code itself), `errorId` (a fresh `oae...` id per response) and `errorCauses`
(a list of `{"errorSummary": ...}`), with `Content-Type: application/json`: the okta
SDK parses exactly these fields and degrades to a bare HTTP error otherwise.
"""

from __future__ import annotations

from typing import Any

from services.core.errors import TwinError

# code -> (HTTP status, errorSummary) as Okta documents them (developer.okta.com/docs/reference/error-codes/).
CODES: dict[str, tuple[int, str]] = {
    "E0000001": (400, "Api validation failed: {field}"),
    "E0000003": (400, "The request body was not well-formed."),
    "E0000004": (401, "Authentication failed"),
    "E0000005": (403, "Invalid session"),
    "E0000006": (403, "You do not have permission to perform the requested action"),
    "E0000007": (404, "Not found: {resource}"),
    "E0000008": (404, "The requested path was not found"),
    "E0000009": (500, "Internal Server Error"),
    "E0000011": (401, "Invalid token provided"),
    "E0000014": (403, "Update of credentials failed"),
    "E0000016": (403, "Activation failed because the user is already active"),
    "E0000017": (403, "Password reset failed"),
    "E0000022": (405, "The endpoint does not support the provided HTTP method"),
    "E0000030": (
        400,
        "Bad request. Invalid date. Dates must be of the form yyyy-MM-dd'T'HH:mm:ss.SSSZZ, "
        "e.g. 2013-01-01T12:00:00.000-07:00.",
    ),
    "E0000031": (400, "Invalid search criteria."),
    "E0000032": (400, "Unlock is not allowed for this user."),
    "E0000033": (400, "Cannot specify a search query and filter in the same request."),
    "E0000035": (403, "Change password not allowed on specified user."),
    "E0000038": (403, "This operation is not allowed in the user's current status."),
    "E0000046": (403, "Deactivate application for user forbidden."),
    "E0000047": (429, "API call exceeded rate limit due to too many requests."),
    "E0000053": (400, "Invalid SCIM filter."),
    "E0000056": (403, "Delete application forbidden."),
    "E0000060": (404, "Unsupported operation."),
    "E0000069": (403, "User Locked"),
    "E0000080": (403, "The password does not meet the complexity requirements of the current password policy."),
    "E0000090": (409, "The role specified is already assigned to the user."),
    "E0000064": (403, "Password is expired and must be changed."),
    "E0000124": (
        400,
        "Could not create user. To create a user and expire their password immediately, a password must be specified.",
    ),
    "E0000125": (
        400,
        "Could not create user. To create a user and expire their password immediately, `activate` must be true.",
    ),
}


class OktaError(TwinError):
    """An Okta API error. `summary` overrides the code's default errorSummary."""

    def __init__(
        self,
        code: str,
        summary: str | None = None,
        *,
        causes: list[str] | None = None,
        status: int | None = None,
        headers: dict[str, str] | None = None,
        **fmt: str,
    ) -> None:
        default_status, template = CODES.get(code, (400, "Bad request"))
        text = summary if summary is not None else _fill(template, fmt)
        super().__init__(text)
        self.code = code
        self.summary = text
        self.causes = causes or []
        self.status_code = status or default_status
        self.headers = headers or {}

    def body(self, error_id: str) -> dict[str, Any]:
        return {
            "errorCode": self.code,
            "errorSummary": self.summary,
            "errorLink": self.code,
            "errorId": error_id,
            "errorCauses": [{"errorSummary": cause} for cause in self.causes],
        }


def _fill(template: str, fmt: dict[str, str]) -> str:
    try:
        return template.format(**fmt)
    except KeyError:
        return template.split(":")[0]


def not_found(resource_id: str, kind: str) -> OktaError:
    """E0000007 as Okta words it: `Not found: Resource not found: 00u... (User)`."""
    return OktaError("E0000007", resource=f"Resource not found: {resource_id} ({kind})")


def validation(*causes: str, field: str = "") -> OktaError:
    """E0000001 with causes such as `login: An object with this field already exists in the current organization`."""
    summary = f"Api validation failed: {field}" if field else "Api validation failed"
    return OktaError("E0000001", summary, causes=list(causes))
