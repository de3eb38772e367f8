"""The one error path: domain code raises, the twin renders.

Domain code raises a subclass of `TwinError` carrying the vendor's own error data.
Each twin registers one renderer that turns any exception into its vendor envelope,
so no handler builds an error response by hand.
"""

from __future__ import annotations

from typing import Any


class TwinError(Exception):
    """Base of every vendor error a twin raises. Subclasses carry vendor fields."""

    status_code: int = 400

    def __init__(self, message: str = "", **details: Any) -> None:
        super().__init__(message)
        self.message = message
        self.details = details


class BadRequestBody(Exception):
    """The request body could not be parsed. `kind` names the defect in neutral terms."""

    def __init__(self, kind: str, detail: str = "") -> None:
        super().__init__(f"{kind}: {detail}")
        self.kind = kind  # one of: invalid_json, json_not_object, invalid_form_data, too_large, invalid_charset
        self.detail = detail
