"""`dtu universe ...` and `dtu up --universe` as a user drives them (in process, no fleet started)."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from services.cli import main
from services.core.app import build_app
from services.core.settings import TwinSettings
from services.core.twin import TwinRuntime
from services.fleet import TWINS
from services.universe import FleetClient, apply_in_process, load_universe
from services.universe.tests.conftest import FRAGMENT


def test_generate_writes_a_loadable_file(tmp_path: Path) -> None:
    target = tmp_path / "co.yaml"
    result = CliRunner().invoke(main, ["universe", "generate", "--people", "12", "--seed", "2", "-o", str(target)])
    assert result.exit_code == 0, result.output
    assert len(load_universe(target).people) == 12


def test_people_lists_handles_emails_passwords_and_ids(tmp_path: Path) -> None:
    source = tmp_path / "small.yaml"
    source.write_text(yaml.safe_dump(FRAGMENT))
    result = CliRunner().invoke(main, ["universe", "people", str(source), "--json"])
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in result.output.splitlines()]
    alice = load_universe(FRAGMENT).person("alice")
    assert rows[0] == {
        **{k: getattr(alice, k) for k in ("handle", "email", "password", "status", "okta_id", "slack_id")},
        **{k: getattr(alice, k) for k in ("jira_account_id", "google_id", "name", "title", "department")},
    }
    table = CliRunner().invoke(main, ["universe", "people", str(source)])
    assert table.output.splitlines()[0].split() == [
        "handle", "email", "password", "status", "okta_id", "slack_id", "jira_account_id", "google_id",
    ]  # fmt: skip


def test_up_refuses_a_bad_universe_before_starting(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("people:\n  - {handle: a1, name: A, manager: nobody}\n")
    result = CliRunner().invoke(main, ["up", "--universe", str(bad)])
    assert result.exit_code == 1
    assert "people[0].manager: unknown person 'nobody'" in result.output and "Traceback" not in result.output


@pytest.fixture
def runtimes() -> Iterator[dict[str, TwinRuntime]]:
    built: dict[str, TwinRuntime] = {}
    for entry in TWINS.values():
        built[entry.name] = build_app(entry.spec(), TwinSettings.from_env(entry.name, 0, port=1)).state.runtime
    yield built
    for runtime in built.values():
        runtime.store.dispose()


def test_in_process_load_seeds_the_default_tenants_once(runtimes: dict[str, TwinRuntime]) -> None:
    """What `dtu up` does: a kept tenant that already holds a universe is left as it is."""
    universe = load_universe(FRAGMENT)
    first = apply_in_process(universe, runtimes)
    assert not first["skipped"]
    assert [u["id"] for u in first["created"]["okta"]["users"]] == [p.okta_id for p in universe.persons.values()]
    assert first["created"]["google"]["admin_email"] == "admin@initech.test"
    again = apply_in_process(universe, runtimes)
    assert again["skipped"] and again["created"] == {}


def test_load_into_a_running_fleet_and_replace(
    fleet: FleetClient, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """`dtu universe load` finds the fleet as `dtu env` does (DTU_<TWIN>_PORT) and seeds one tenant."""
    for twin, url in fleet.urls.items():
        monkeypatch.setenv(f"DTU_{twin.upper()}_PORT", url.rsplit(":", 1)[1])
    source = tmp_path / "small.yaml"
    source.write_text(yaml.safe_dump(FRAGMENT))
    tenant = "cli" + uuid.uuid4().hex[:10]
    try:
        first = CliRunner().invoke(main, ["universe", "load", str(source), "--tenant", tenant])
        assert first.exit_code == 0, first.output
        assert f"loaded 4 people into tenant '{tenant}'" in first.output
        again = CliRunner().invoke(main, ["universe", "load", str(source), "--tenant", tenant])
        assert again.exit_code == 1 and "already exists" in again.output  # the people are there
        replaced = CliRunner().invoke(main, ["universe", "load", str(source), "--tenant", tenant, "--replace"])
        assert replaced.exit_code == 0, replaced.output
        okta = fleet.tenant("okta", tenant)
        assert okta is not None and okta["credentials"]["api_token"]
    finally:
        fleet.delete_tenant(tenant)
