"""Assertion helpers shared by the Slack conformance tests."""

from __future__ import annotations

from typing import Any

import pytest
from slack_sdk.errors import SlackApiError


def error_body(call: Any, *args: Any, **kwargs: Any) -> dict[str, Any]:
    """Call a slack_sdk method that must fail; return Slack's whole error body."""
    with pytest.raises(SlackApiError) as caught:
        call(*args, **kwargs)
    body: dict[str, Any] = caught.value.response.data  # type: ignore[assignment]
    return body


def error_of(call: Any, *args: Any, **kwargs: Any) -> str:
    """Call a slack_sdk method that must fail; return Slack's error code."""
    error: str = error_body(call, *args, **kwargs)["error"]
    return error
