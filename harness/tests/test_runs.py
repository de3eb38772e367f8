"""Trajectories against real twins: isolation, fault profiles, eventual expectations, reports."""

from __future__ import annotations

import json
import random
import xml.etree.ElementTree as ET
from pathlib import Path

from harness.fault_profiles import _digest, load_profile
from harness.fleet import Fleet
from harness.loader import load_scenario
from harness.reports import html_report, json_report, junit
from harness.runner import RunConfig, run_suite
from harness.tests.conftest import FAULTS, SCENARIOS


def test_parallel_trajectories_never_see_each_other(fleet: Fleet) -> None:
    scenario = load_scenario(SCENARIOS / "isolation.yaml")
    result = run_suite(fleet, [scenario], RunConfig(parallel=4))
    runs = result.scenarios[0].trajectories
    assert len(runs) == 8
    assert [t.reasons for t in runs if not t.satisfied] == []
    assert len({t.tenant for t in runs}) == 8
    for t in runs:
        assert {e["tenant"] for e in t.journal} == {t.tenant}, "a trajectory's journal is its own"
    # The tenants are deleted afterwards.
    listed = {t["id"] for t in fleet.control("slack", "GET", "/tenants").json()["tenants"]}
    assert not listed & {t.tenant for t in runs}


def test_a_5xx_profile_fails_a_non_retrying_step_at_its_rate_deterministically(fleet: Fleet) -> None:
    scenario = load_scenario(SCENARIOS / "fault_step.yaml")
    profile = load_profile(str(FAULTS / "slack_500.yaml"))
    first = run_suite(fleet, [scenario], RunConfig(parallel=4, faults=profile, seed="7"))
    again = run_suite(fleet, [scenario], RunConfig(parallel=3, faults=profile, seed="7"))
    failed = [t.index for t in first.scenarios[0].trajectories if not t.satisfied]
    assert failed == [t.index for t in again.scenarios[0].trajectories if not t.satisfied]
    # Each trajectory's rule draws from random.Random(its random_seed): the one call fails when the
    # first draw is below the probability (services/core/faults.py).
    predicted = [i for i in range(30) if random.Random(_digest(f"7:fault-step:{i}", "slack", "0")).random() < 0.3]
    assert failed == predicted
    assert 3 <= len(failed) <= 18  # 30 runs at p = 0.3: a sanity bound on the draw itself
    failing = next(t for t in first.scenarios[0].trajectories if not t.satisfied)
    assert "steps[0] `slack.auth_test()` raised" in failing.reasons[0]
    assert any(e["status"] == 500 for e in failing.journal)


def test_eventual_expectations_wait_and_fail_readably(fleet: Fleet) -> None:
    late = run_suite(fleet, [load_scenario(SCENARIOS / "eventual.yaml")], RunConfig(parallel=2))
    assert late.satisfaction.satisfied == 2, [t.reasons for t in late.scenarios[0].trajectories]
    never = run_suite(fleet, [load_scenario(SCENARIOS / "never.yaml")], RunConfig())
    (trajectory,) = never.scenarios[0].trajectories
    assert not trajectory.satisfied and trajectory.outcome == "unsatisfied"
    assert trajectory.reasons == [
        "expect[0] after 0.3 s: `okta.groups() == []` is False (because an org always has Everyone)"
    ]
    assert trajectory.duration_s >= 0.3


def test_reports_parse_and_show_the_failing_journal(fleet: Fleet, tmp_path: Path) -> None:
    scenarios = [load_scenario(SCENARIOS / "never.yaml"), load_scenario(SCENARIOS / "eventual.yaml")]
    result = run_suite(fleet, scenarios, RunConfig(runs=1))
    failing = result.scenarios[0].trajectories[0]

    json_report.write(result, 0.95, tmp_path / "r.json")
    document = json.loads((tmp_path / "r.json").read_text())
    assert document["overall"]["runs"] == 2 and document["overall"]["satisfied"] == 1
    assert document["passed"] is False
    never = document["scenarios"][0]
    assert never["trajectories"][0]["journal"][0]["path"] == "/api/chat.postMessage"
    assert "journal" not in document["scenarios"][1]["trajectories"][0], "satisfied runs carry no journal"

    junit.write(result, tmp_path / "junit.xml")
    root = ET.parse(tmp_path / "junit.xml").getroot()
    assert (root.get("tests"), root.get("failures"), root.get("errors")) == ("2", "1", "0")
    failure = root.find("./testsuite[@name='never']/testcase/failure")
    assert failure is not None and "Everyone" in (failure.get("message") or "")

    html_report.write(result, 0.95, tmp_path / "report.html")
    html = (tmp_path / "report.html").read_text()
    assert failing.tenant in html and "/api/chat.postMessage" in html and "<svg" in html
    assert "http://" not in html.replace('xmlns="http://www.w3.org/2000/svg"', ""), "no external assets"


def test_an_eventual_step_is_rerun_until_it_stops_raising(fleet: Fleet) -> None:
    result = run_suite(fleet, [load_scenario(SCENARIOS / "eventual_step.yaml")], RunConfig())
    (trajectory,) = result.scenarios[0].trajectories
    assert trajectory.satisfied, trajectory.reasons
    lists = [e for e in trajectory.journal if e.get("operation") == "conversations.list"]
    assert len(lists) >= 2, "the step was re-run while the channel did not exist yet"
