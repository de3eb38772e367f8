"""Scenario throughput (`make bench`, or `python -m bench.scenarios`): trajectories per hour.

A 10-call scenario (Slack, Okta, Jira and Google calls through the SDKs and plain HTTP, no system
under test, no universe) runs against a fleet started as `dtu scenario run --start` starts one
(a process per twin, in-memory stores). Each trajectory still creates its tenant in all four
twins, collects its journal from all four and deletes the tenant. Prints trajectories per hour
and where a trajectory's time goes. Target (issue 6): >= 100,000 per hour on a 2-core machine.
Informational: never fails on the figure.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

from harness.loader import load_scenario
from harness.runner import RunConfig, run_suite
from harness.start import process_fleet

TARGET_PER_HOUR = 100_000

SCENARIO = """
name: ten-calls
universe: none
steps:
  - do: slack.auth_test()
  - do: slack_user.chat_postMessage(channel="#general", text="bench")
  - do: slack_user.conversations_list()
  - do: okta.groups()
  - do: okta.users()
  - do: 'okta.post("/api/v1/groups", {"profile": {"name": "bench"}})'
  - http: {twin: jira, method: GET, path: /rest/api/2/myself, expect_status: 200}
  - http: {twin: jira, method: GET, path: /rest/api/2/project, expect_status: 200}
  - http: {twin: okta, method: GET, path: /api/v1/apps, expect_status: 200}
  - http: {twin: slack, method: POST, path: /api/team.info, expect_status: 200}
expect:
  - journal:
      count: [{is: ">=10"}]
      none: [{status: ">=500"}]
"""


def measure(runs: int, parallel: int) -> None:
    with tempfile.TemporaryDirectory(prefix="dtu-bench-scenarios-") as directory:
        path = Path(directory) / "ten_calls.yaml"
        path.write_text(SCENARIO)
        scenario = load_scenario(path)
        print("scenario throughput: starting a fleet (a process per twin, in-memory stores)", flush=True)
        with process_fleet() as fleet:
            run_suite(fleet, [scenario], RunConfig(runs=parallel, parallel=parallel))  # warm-up: imports, pools
            started = time.perf_counter()
            result = run_suite(fleet, [scenario], RunConfig(runs=runs, parallel=parallel))
            elapsed = time.perf_counter() - started
    trajectories = result.scenarios[0].trajectories
    per_hour = len(trajectories) / elapsed * 3600
    verdict = "meets" if per_hour >= TARGET_PER_HOUR else "BELOW TARGET"
    print(f"  {result.satisfaction.line()}")
    if result.satisfaction.satisfied < len(trajectories):
        first = next(t for t in trajectories if not t.satisfied)
        print(f"  first unsatisfied: {first.reasons[:2]}")
    print(
        f"  {len(trajectories)} trajectories of 10 calls in {elapsed:.1f} s, {parallel} in parallel: "
        f"{per_hour:,.0f} trajectories/hour (target >= {TARGET_PER_HOUR:,}: {verdict})"
    )
    for phase in ("setup", "steps", "expect", "teardown"):
        values = [t.phases.get(phase, 0.0) * 1000 for t in trajectories]
        print(f"    {phase:<9} median {statistics.median(values):7.1f} ms   p90 {_p90(values):7.1f} ms")
    print("  Informational: this never fails on the figure.")


def _p90(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * 0.9))]


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.scenarios", description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=400, help="trajectories measured (default 400)")
    parser.add_argument("--parallel", type=int, default=8, help="trajectories at a time (default 8)")
    args = parser.parse_args()
    measure(args.runs, args.parallel)
    return 0


if __name__ == "__main__":
    sys.exit(main())
