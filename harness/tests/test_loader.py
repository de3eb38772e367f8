"""Scenario files: what loads, and errors that name the file and the step."""

from __future__ import annotations

from pathlib import Path

import pytest

from harness.durations import parse_duration
from harness.fault_profiles import FaultProfileError, load_profile, parse_profile
from harness.loader import ScenarioError, load_all, load_scenario
from harness.model import DoStep, HttpStep, WaitStep
from harness.tests.conftest import SCENARIOS


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "story.yaml"
    path.write_text(text)
    return path


def test_the_bundled_test_scenarios_load() -> None:
    names = {s.name for s in load_all([SCENARIOS])}
    assert names == {"isolation", "eventual", "eventual-step", "never", "fault-step"}


def test_steps_and_expectations_are_parsed(tmp_path: Path) -> None:
    scenario = load_scenario(
        write(
            tmp_path,
            """
name: s
universe: none
steps:
  - {do: "slack.auth_test()", save: auth}
  - http: {twin: okta, method: get, path: /api/v1/groups, expect_status: 200}
  - wait: 500ms
expect:
  - {that: "auth['ok']", within: 2s, because: it works}
  - journal: {in_order: [{twin: slack, status: 2xx}], count: [{twin: okta, is: ">=1"}]}
""",
        )
    )
    do, http, wait = scenario.steps
    assert isinstance(do, DoStep) and do.save == "auth"
    assert isinstance(http, HttpStep) and http.method == "GET" and http.expect_status == 200
    assert isinstance(wait, WaitStep) and wait.seconds == 0.5
    assert scenario.expect[0].within == 2.0
    assert scenario.expect[1].journal is not None


@pytest.mark.parametrize(
    ("body", "where", "message"),
    [
        ("steps:\n  - do: 'slack.auth_test('\n", "steps[0] (do)", "not a valid Python expression"),
        ("steps:\n  - {do: x}\n  - {wait: soon}\n", "steps[1] (wait)", "not a duration"),
        ("steps:\n  - {do: x, sav: y}\n", "steps[0] (do)", "unknown key(s) ['sav']"),
        ("steps:\n  - http: {twin: github, path: /}\n", "steps[0] (http)", "twin must be one of"),
        ("expect:\n  - {that: x, within: forever}\n", "expect[0]", "within:"),
        ("expect:\n  - journal: {none: [{status: 'big'}]}\n", "expect[0] (journal).none[0]", "status must be"),
        ("universe: ../nowhere.yaml\nsteps: [{do: x}]\n", "universe", "universe file not found"),
        ("stepz: []\n", "story.yaml", "unknown key(s) ['stepz']"),
    ],
)
def test_errors_name_the_file_and_the_step(tmp_path: Path, body: str, where: str, message: str) -> None:
    path = write(tmp_path, body)
    with pytest.raises(ScenarioError) as caught:
        load_scenario(path)
    text = str(caught.value)
    assert text.startswith(str(path)), text
    assert where in text and message in text, text


def test_durations() -> None:
    assert parse_duration("10s") == 10.0
    assert parse_duration("250ms") == 0.25
    assert parse_duration("2m") == 120.0
    assert parse_duration(3) == 3.0
    with pytest.raises(ValueError):
        parse_duration("-1s")


def test_fault_profiles_load_and_check() -> None:
    profile = load_profile("default")
    rules = profile.rules_for("tenant1", "seed")
    assert set(rules) == {"okta", "jira", "slack", "google"}
    latency = rules["slack"][0]
    assert latency["kind"] == "latency" and 20 <= latency["latency_ms"] <= 150
    assert all(rule["tenant"] == "tenant1" for rules_ in rules.values() for rule in rules_)
    assert profile.rules_for("tenant1", "seed") == rules, "the same seed draws the same rules"
    assert profile.rules_for("tenant1", "other")["slack"][0]["random_seed"] != latency["random_seed"]
    with pytest.raises(FaultProfileError, match="probability"):
        parse_profile({"rules": [{"kind": "error", "probability": 2}]}, "inline")
    with pytest.raises(FaultProfileError, match="no fault profile"):
        load_profile("no-such-profile")
