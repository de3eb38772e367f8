"""Satisfaction arithmetic: exact fractions and the Wilson interval against Newcombe (1998)."""

from __future__ import annotations

import pytest

from harness.stats import satisfaction, wilson


@pytest.mark.parametrize(
    ("successes", "trials", "low", "high"),
    [
        # Newcombe, "Two-sided confidence intervals for the single proportion", Stat. Med. 17 (1998),
        # Table II, method 3 (score interval without continuity correction).
        (81, 263, 0.2553, 0.3662),
        (15, 148, 0.0624, 0.1605),
        (0, 20, 0.0, 0.1611),
        (1, 29, 0.0061, 0.1718),
    ],
)
def test_wilson_matches_the_textbook(successes: int, trials: int, low: float, high: float) -> None:
    got_low, got_high = wilson(successes, trials)
    assert got_low == pytest.approx(low, abs=5e-5)
    assert got_high == pytest.approx(high, abs=5e-5)


def test_all_satisfied_is_not_certainty() -> None:
    s = satisfaction(20, 20)
    assert s.rate == 1.0
    assert s.high == 1.0
    assert s.low == pytest.approx(0.8389, abs=5e-5)  # 20/(20+z²)


def test_rates_and_line() -> None:
    s = satisfaction(19, 20)
    assert s.rate == 0.95
    assert s.line() == "satisfaction: 95.0% (19/20 runs, 95% CI 76.4\u201399.1%)"
    assert satisfaction(0, 0).rate == 0.0
    assert wilson(0, 0) == (0.0, 1.0)


def test_overall_pools_the_runs_of_every_scenario() -> None:
    from pathlib import Path

    from harness.model import Scenario
    from harness.runner import ScenarioResult, SuiteResult, Trajectory

    def result(name: str, outcomes: list[bool]) -> ScenarioResult:
        scenario = Scenario(name, Path(f"{name}.yaml"), "", "none", (), ())
        runs = [Trajectory(name, i, f"t{i}", "s", satisfied=ok) for i, ok in enumerate(outcomes)]
        return ScenarioResult(scenario, runs)

    suite = SuiteResult([result("a", [True] * 9 + [False]), result("b", [True, False])], 1.0, "0", None)
    assert suite.scenarios[0].satisfaction.rate == 0.9
    assert suite.scenarios[1].satisfaction.rate == 0.5
    assert (suite.satisfaction.satisfied, suite.satisfaction.runs) == (10, 12)


def test_bad_counts_are_refused() -> None:
    with pytest.raises(ValueError):
        wilson(3, 2)
