"""The `dtu` CLI as a user drives it."""

from __future__ import annotations

import shlex
from pathlib import Path

import pytest
from click.testing import CliRunner

from services.cli import main
from services.core.server import bind_socket
from services.pytest_plugin import TwinServer


def test_env_prints_exports_offline(monkeypatch: pytest.MonkeyPatch) -> None:
    sock = bind_socket("probe", "127.0.0.1", 0)  # a port nothing answers on
    monkeypatch.setenv("DTU_SLACK_PORT", str(sock.getsockname()[1]))
    sock.close()
    result = CliRunner().invoke(main, ["env"])
    assert result.exit_code == 0, result.output
    exports = dict(shlex.split(line)[1].split("=", 1) for line in result.output.splitlines())
    assert exports["DTU_SLACK_URL"].endswith("/api/")
    assert exports["DTU_SLACK_BOT_TOKEN"].startswith("xoxb-")
    assert exports["DTU_SLACK_USER_TOKEN"].startswith("xoxp-")
    assert len(exports["DTU_SLACK_SIGNING_SECRET"]) == 32


def test_env_matches_running_default_tenant(monkeypatch: pytest.MonkeyPatch) -> None:
    server = TwinServer("slack")
    try:
        monkeypatch.setenv("DTU_SLACK_PORT", str(server.server.port))
        result = CliRunner().invoke(main, ["env"])
        default = server.runtime.tenants.get("default").credentials
        assert f"export DTU_SLACK_BOT_TOKEN={default['bot_token']}" in result.output
        assert f"export DTU_SLACK_URL={server.url}/api/" in result.output
    finally:
        server.stop()


def test_up_reports_port_in_use_by_name(monkeypatch: pytest.MonkeyPatch) -> None:
    sock = bind_socket("probe", "127.0.0.1", 0)
    try:
        port = sock.getsockname()[1]
        result = CliRunner().invoke(main, ["up", "--services", "slack", "--port", f"slack={port}"])
        assert result.exit_code == 2
        assert f"slack: port {port} on 127.0.0.1 is already in use" in result.output
        assert "Traceback" not in result.output
    finally:
        sock.close()


def test_unknown_service_is_a_usage_error() -> None:
    result = CliRunner().invoke(main, ["env", "--services", "nope"])
    assert result.exit_code == 2
    assert "unknown service 'nope'" in result.output


def test_status_seed_and_reset_against_a_running_twin(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    server = TwinServer("slack")
    try:
        monkeypatch.setenv("DTU_SLACK_PORT", str(server.server.port))
        runner = CliRunner()
        status = runner.invoke(main, ["status", "--services", "slack"])
        assert status.exit_code == 0 and "slack" in status.output and "up" in status.output
        seed_file = tmp_path / "seed.yaml"
        seed_file.write_text("slack:\n  users:\n    - {name: alice, email: alice@example.com}\n")
        seeded = runner.invoke(main, ["seed", str(seed_file)])
        assert seeded.exit_code == 0, seeded.output
        assert server.runtime.tenants.get("default") is not None
        response = server.client.get(f"{server.url}/_dtu/snapshot").json()
        assert any(row["email"] == "alice@example.com" for row in response["tables"]["slack_user"])
        reset = runner.invoke(main, ["reset", "--services", "slack"])
        assert reset.exit_code == 0 and "reset" in reset.output
        after = server.client.get(f"{server.url}/_dtu/snapshot").json()
        assert not any(row["email"] == "alice@example.com" for row in after["tables"]["slack_user"])
    finally:
        server.stop()


def test_status_exits_nonzero_when_down(monkeypatch: pytest.MonkeyPatch) -> None:
    sock = bind_socket("probe", "127.0.0.1", 0)
    monkeypatch.setenv("DTU_SLACK_PORT", str(sock.getsockname()[1]))
    sock.close()
    result = CliRunner().invoke(main, ["status", "--services", "slack"])
    assert result.exit_code == 1 and "down" in result.output
