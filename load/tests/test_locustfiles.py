"""Each locustfile runs headless against in-process twins: requests made, none failed.

Locust monkey-patches its process with gevent, so every run is a subprocess (started together, so
the module costs one run's time). A run ends once every twin it loads has answered STOP_AFTER
requests (load/bounds.py), which takes a second or two; --run-time is only a safety cap, since a
fixed few seconds can end before the users' set-up calls return on a busy machine.
The per-twin locustfiles find their tenant through the control plane (`--host` + DTU_LOAD_TENANT),
the combined one through the variables `dtu env` prints. One more run, with an injected fault,
shows the failure count is real.
"""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from services.fleet import TWINS
from services.pytest_plugin import TwinHandle, TwinServer

# Locust is the `load` extra (part of `dev`); found without importing it, which would patch this process.
pytestmark = pytest.mark.skipif(
    importlib.util.find_spec("locust") is None, reason="locust not installed: pip install -e '.[load]'"
)

ROOT = Path(__file__).resolve().parents[2]
STOP_AFTER = 15  # requests per twin that end a run (DTU_LOAD_STOP_AFTER): bounded in work, not time
RUN_TIME = "60s"  # only a safety cap: runs end on STOP_AFTER within a few seconds
TIMEOUT = 120  # seconds for one Locust process, start-up included
PER_TWIN = ("slack", "okta", "jira", "google")


@dataclass
class Run:
    returncode: int
    output: str
    summary: dict[str, Any]


def locust(locustfile: str, env: dict[str, str], users: int, summary: Path, *extra: str) -> Run:
    base = {k: v for k, v in os.environ.items() if not k.startswith("DTU_")}
    command = [sys.executable, "-m", "locust", "-f", locustfile, "--headless", "--only-summary"]
    command += ["-u", str(users), "-r", str(users), "-t", RUN_TIME, *extra]
    bounds = {"DTU_LOAD_STOP_AFTER": str(STOP_AFTER), "DTU_LOAD_THINK_MAX": "0.05"}
    environment = {**base, **env, **bounds, "DTU_LOAD_SUMMARY": str(summary)}
    done = subprocess.run(command, cwd=ROOT, env=environment, capture_output=True, text=True, timeout=TIMEOUT)
    output = done.stdout + done.stderr
    assert summary.exists(), f"no summary written:\n{output[-3000:]}"
    return Run(done.returncode, output, json.loads(summary.read_text()))


@pytest.fixture(scope="module")
def servers(request: pytest.FixtureRequest) -> dict[str, TwinServer]:
    return {name: request.getfixturevalue(f"dtu_{name}_server") for name in PER_TWIN}


@pytest.fixture(scope="module")
def runs(servers: dict[str, TwinServer], tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    """Six Locust runs at once: one per twin, the combined file, and Slack with a fault."""
    scratch = tmp_path_factory.mktemp("locust")
    tenants: list[tuple[TwinServer, TwinHandle]] = []

    def tenant(name: str) -> TwinHandle:
        handle = servers[name].new_tenant(name=f"load-{name}")
        tenants.append((servers[name], handle))
        return handle

    jobs: dict[str, tuple[Any, ...]] = {}
    handles: dict[str, TwinHandle] = {}
    for name in PER_TWIN:
        handles[name] = tenant(name)
        env = {"DTU_LOAD_TENANT": handles[name].tenant_id}
        jobs[name] = (f"load/locustfile_{name}.py", env, 2, scratch / f"{name}.json", "--host", servers[name].url)
    combined_env: dict[str, str] = {}
    for name in PER_TWIN:
        handle = tenant(name)
        combined_env.update({k: str(v) for k, v in TWINS[name].spec().env_vars(handle.credentials).items()})
    jobs["combined"] = ("load/locustfile.py", combined_env, 4, scratch / "combined.json")
    faulty = tenant("slack")
    faulty.fault(operation="chat.postMessage", kind="error")
    env = {"DTU_LOAD_TENANT": faulty.tenant_id}
    jobs["fault"] = ("load/locustfile_slack.py", env, 1, scratch / "fault.json", "--host", servers["slack"].url)

    with ThreadPoolExecutor(len(jobs)) as pool:
        futures = {key: pool.submit(locust, *job) for key, job in jobs.items()}
        results: dict[str, Any] = {key: future.result() for key, future in futures.items()}
    results["handles"] = handles
    yield results
    for server, handle in tenants:
        server.drop_tenant(handle)


@pytest.mark.parametrize("twin", PER_TWIN)
def test_twin_locustfile_runs_clean(runs: dict[str, Any], twin: str) -> None:
    run: Run = runs[twin]
    assert run.returncode == 0, run.output[-3000:]
    total = run.summary["total"]
    assert total["requests"] >= STOP_AFTER, run.output[-3000:]
    assert total["failures"] == 0, run.output[-3000:]
    assert set(run.summary["twins"]) == {twin}
    assert all(name.split(" ")[1] == twin for name in run.summary["calls"])
    # The traffic reached the tenant named by DTU_LOAD_TENANT, and the twin answered no 5xx.
    handle: TwinHandle = runs["handles"][twin]
    assert handle.journal(limit=1), "the twin saw no request from the tenant's credentials"
    assert handle.journal(min_status=500) == []


def test_combined_locustfile_loads_every_twin(runs: dict[str, Any]) -> None:
    run: Run = runs["combined"]
    assert run.returncode == 0, run.output[-3000:]
    assert set(run.summary["twins"]) == set(PER_TWIN)
    for twin, figures in run.summary["twins"].items():
        assert figures["requests"] >= STOP_AFTER, twin
        assert figures["failures"] == 0, run.output[-3000:]
        assert figures["p50"] <= figures["p95"] <= figures["p99"]
    assert run.summary["total"]["requests"] == sum(f["requests"] for f in run.summary["twins"].values())
    assert "DTU load summary" in run.output


def test_injected_fault_counts_as_failure(runs: dict[str, Any]) -> None:
    run: Run = runs["fault"]
    assert run.returncode == 1  # Locust's exit code when any request failed
    failed = {name for name, figures in run.summary["calls"].items() if figures["failures"]}
    assert failed == {"POST slack chat.postMessage"}
    assert run.summary["calls"]["POST slack chat.postMessage"]["error_rate"] == 1.0
