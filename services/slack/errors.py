"""Slack's error: HTTP 200 with `{"ok": false, "error": "<code>"}` plus optional fields.

Codes are Slack's own, verbatim (see catalogue.py for each method's list).
"""

from __future__ import annotations

from typing import Any

from services.core.errors import TwinError


class SlackError(TwinError):
    status_code = 200

    def __init__(self, error: str, status_code: int = 200, headers: dict[str, str] | None = None, **extra: Any):
        super().__init__(error, **extra)
        self.error = error
        self.status_code = status_code
        self.headers = headers or {}

    def body(self) -> dict[str, Any]:
        return {"ok": False, "error": self.error, **self.details}


def invalid_arguments(*messages: str) -> SlackError:
    """Slack's answer to missing or malformed arguments, with its `[ERROR] ...` messages."""
    return SlackError("invalid_arguments", response_metadata={"messages": [f"[ERROR] {m}" for m in messages]})
