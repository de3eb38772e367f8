"""The pytest plugin as a user's suite sees it: a twin per session, a fresh tenant per test."""

from __future__ import annotations

import pytest


def test_fixture_isolates_state_between_tests(pytester: pytest.Pytester) -> None:
    pytester.makeini("[pytest]\nasyncio_default_fixture_loop_scope = function\n")
    pytester.makepyfile(
        """
        import httpx

        seen = []

        def _users(twin):
            snapshot = httpx.get(f"{twin.base_url}/_dtu/tenants/{twin.tenant_id}/snapshot").json()
            return [row["name"] for row in snapshot["tables"]["slack_user"]]

        def test_first(dtu_slack):
            seen.append(dtu_slack.tenant_id)
            assert dtu_slack.url.endswith("/api/") and dtu_slack.bot_token.startswith("xoxb-")
            dtu_slack.control("POST", "/seed", json={"users": [{"name": "only-in-first"}]})
            assert "only-in-first" in _users(dtu_slack)

        def test_second(dtu_slack):
            seen.append(dtu_slack.tenant_id)
            assert seen[0] != seen[1]
            assert "only-in-first" not in _users(dtu_slack)
        """
    )
    result = pytester.runpytest_inprocess("-p", "no:cacheprovider", "-W", "error")
    result.assert_outcomes(passed=2)
