"""Rate limiting and injected faults, as slack_sdk sees them.

Slack rate-limits with HTTP 429, a `Retry-After` header in whole seconds and the body
`{"ok": false, "error": "ratelimited"}`; slack_sdk's `RateLimitErrorRetryHandler`
sleeps `int(Retry-After)` seconds and retries. Faults are injected through the twin's
control plane (`dtu_slack.fault`), scoped to the test's own workspace.
"""

from __future__ import annotations

import time
from typing import Any

import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_handlers import RateLimitErrorRetryHandler


def _header(headers: dict[str, Any], name: str) -> Any:
    for key, value in headers.items():
        if key.lower() == name.lower():
            return value[0] if isinstance(value, list) else value
    return None


def test_retry_handler_recovers_after_one_429(dtu_slack) -> None:  # type: ignore[no-untyped-def]
    dtu_slack.fault(operation="auth.test", kind="rate_limit", retry_after=1, remaining=1)
    client = WebClient(
        token=dtu_slack.bot_token,
        base_url=dtu_slack.url,
        retry_handlers=[RateLimitErrorRetryHandler(max_retry_count=1)],
    )
    started = time.monotonic()
    response = client.auth_test()
    elapsed = time.monotonic() - started
    assert response["ok"] is True
    assert response["user_id"] == dtu_slack.bot_user_id
    assert elapsed >= 1.0, "the handler sleeps Retry-After (1 s) before retrying"
    statuses = [entry["status"] for entry in dtu_slack.journal(operation="auth.test")]
    assert statuses == [429, 200]


def test_without_handler_429_is_a_slack_api_error(dtu_slack) -> None:  # type: ignore[no-untyped-def]
    dtu_slack.fault(operation="auth.test", kind="rate_limit", retry_after=1, remaining=1)
    client = WebClient(token=dtu_slack.bot_token, base_url=dtu_slack.url)
    with pytest.raises(SlackApiError) as caught:
        client.auth_test()
    response = caught.value.response
    assert response.status_code == 429
    assert _header(response.headers, "Retry-After") == "1"
    assert response["ok"] is False
    assert response["error"] == "ratelimited"
    # remaining=1: the rule fired once and is spent.
    assert client.auth_test()["ok"] is True


def test_rate_limit_is_scoped_to_the_operation(dtu_slack) -> None:  # type: ignore[no-untyped-def]
    dtu_slack.fault(operation="team.info", kind="rate_limit", retry_after=3)
    client = WebClient(token=dtu_slack.bot_token, base_url=dtu_slack.url)
    assert client.auth_test()["ok"] is True
    with pytest.raises(SlackApiError) as caught:
        client.team_info()
    assert caught.value.response.status_code == 429
    assert _header(caught.value.response.headers, "Retry-After") == "3"


def _error_pattern(dtu_slack, client: WebClient, calls: int) -> list[bool]:  # type: ignore[no-untyped-def]
    outcomes = []
    for _ in range(calls):
        try:
            client.auth_test()
            outcomes.append(True)
        except SlackApiError as error:
            assert error.response.status_code == 200  # Slack's errors are HTTP 200 + ok:false
            assert error.response["error"] == "service_unavailable"
            outcomes.append(False)
    return outcomes


def test_error_fault_with_probability_replays_with_its_seed(dtu_slack) -> None:  # type: ignore[no-untyped-def]
    client = WebClient(token=dtu_slack.bot_token, base_url=dtu_slack.url)
    rule = {"operation": "auth.test", "kind": "error", "error": "service_unavailable", "probability": 0.5}

    dtu_slack.fault(seed=1234, **rule)
    first = _error_pattern(dtu_slack, client, 30)
    dtu_slack.control("DELETE", "/_dtu/faults", params={"tenant": dtu_slack.tenant_id})
    dtu_slack.fault(seed=1234, **rule)
    second = _error_pattern(dtu_slack, client, 30)

    assert first == second
    assert 0 < first.count(False) < 30, "probability 0.5 fires on some calls, not all"


def test_latency_fault_with_probability_replays_with_its_seed(dtu_slack) -> None:  # type: ignore[no-untyped-def]
    client = WebClient(token=dtu_slack.bot_token, base_url=dtu_slack.url)
    rule = {"operation": "auth.test", "kind": "latency", "latency_ms": 250, "probability": 0.5}

    def pattern() -> list[bool]:
        slow = []
        for _ in range(12):
            started = time.monotonic()
            assert client.auth_test()["ok"] is True  # latency delays, never fails
            slow.append(time.monotonic() - started >= 0.25)
        return slow

    dtu_slack.fault(seed=99, **rule)
    first = pattern()
    dtu_slack.control("DELETE", "/_dtu/faults", params={"tenant": dtu_slack.tenant_id})
    dtu_slack.fault(seed=99, **rule)
    second = pattern()

    assert first == second
    assert 0 < sum(first) < len(first)


def test_fault_rules_report_how_often_they_fired(dtu_slack) -> None:  # type: ignore[no-untyped-def]
    rule = dtu_slack.fault(operation="auth.test", kind="rate_limit", retry_after=1, remaining=2)
    client = WebClient(token=dtu_slack.bot_token, base_url=dtu_slack.url)
    for _ in range(2):
        with pytest.raises(SlackApiError):
            client.auth_test()
    assert client.auth_test()["ok"] is True
    rules = {r["id"]: r for r in dtu_slack.control("GET", "/_dtu/faults").json()["faults"]}
    assert rules[rule["id"]]["fired"] == 2
    assert rules[rule["id"]]["remaining"] == 0
