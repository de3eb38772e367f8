"""`python -m bench` (`make bench`): the Slack twin against a bare Starlette baseline.

1. Start the fleet as a user would (`dtu up --services slack` with in-memory SQLite, as `make up` runs it) and
   time start-up until /_dtu/ready answers (target: 2 s).
2. Seed a channel with 200 messages through the control plane.
3. Load each endpoint for a fixed time with wrk (2 threads, 32 connections), or with
   bench/pyload.py in its own process when wrk cannot be installed, and print req/s,
   p50, p99 and the ratio to the baseline measured in the same run. Targets: reads at
   least 50 % of the baseline, writes at least 30 %.

Timings never make this exit non-zero: only a failure to set the run up does.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

HERE = Path(__file__).resolve().parent
LUA = HERE / "lua"
STARTUP_TARGET_S = 2.0
SEEDED_MESSAGES = 200


@dataclass
class Scenario:
    name: str
    kind: str  # "baseline", "read" or "write"
    path: str
    script: str
    method: str
    content_type: str
    body: str  # for the Python load generator (wrk's scripts build their own)


@dataclass
class Result:
    scenario: Scenario
    rps: float
    p50_ms: float
    p99_ms: float
    errors: int
    non_2xx: int


TARGETS = {"read": 0.50, "write": 0.30}


def log(message: str) -> None:
    print(message, flush=True)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def ensure_wrk() -> str | None:
    """wrk's path; installs it with apt-get when missing and allowed. None: use the Python generator."""
    found = shutil.which("wrk")
    if found:
        return found
    if os.geteuid() != 0 or shutil.which("apt-get") is None:
        log("wrk is not installed and cannot be installed here (needs root and apt-get)")
        return None
    log("wrk is not installed: installing it with apt-get install -y wrk")
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}

    def apt(*args: str) -> int:
        quiet = subprocess.DEVNULL
        return subprocess.run(
            ["apt-get", *args], env=env, stdout=quiet, stderr=quiet, timeout=300, check=False
        ).returncode

    if apt("install", "-y", "-qq", "wrk") != 0:
        apt("update", "-qq")
        apt("install", "-y", "-qq", "wrk")
    found = shutil.which("wrk")
    if found is None:
        log("wrk could not be installed")
    return found


def wait_ready(url: str, process: subprocess.Popen[bytes], timeout: float = 30.0) -> float:
    """Seconds from now until GET url answers 200."""
    started = time.perf_counter()
    deadline = started + timeout
    with httpx.Client(timeout=1.0) as client:
        while time.perf_counter() < deadline:
            if process.poll() is not None:
                raise RuntimeError(f"{url}: the server exited with status {process.returncode}")
            try:
                if client.get(url).status_code == 200:
                    return time.perf_counter() - started
            except httpx.HTTPError:
                pass
            time.sleep(0.01)
    raise RuntimeError(f"{url} not ready after {timeout:.0f} s")


@contextmanager
def running(command: list[str], env: dict[str, str], log_path: Path) -> Iterator[subprocess.Popen[bytes]]:
    """A server subprocess; its output goes to a file (a pipe nobody reads could block it)."""
    with log_path.open("wb") as output:
        process = subprocess.Popen(command, env=env, stdout=output, stderr=subprocess.STDOUT)
    try:
        yield process
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def dtu_command() -> list[str]:
    script = Path(sys.executable).parent / "dtu"
    return [str(script)] if script.exists() else [sys.executable, "-m", "services.cli"]


def seed_channel(base_url: str) -> tuple[str, str]:
    """A channel holding SEEDED_MESSAGES messages, the bot a member; returns (bot token, channel id)."""
    with httpx.Client(base_url=base_url, timeout=60.0) as client:
        credentials = client.get("/_dtu/tenants/default").json()["credentials"]
        document = {
            "channels": [{"name": "bench", "members": ["admin", "dtu_bot"]}],
            "messages": [{"channel": "bench", "user": "admin", "text": f"message {n}"} for n in range(SEEDED_MESSAGES)],
        }
        response = client.post("/_dtu/seed", json=document)
        response.raise_for_status()
        channel: str = response.json()["created"]["channels"][0]
        token: str = credentials["bot_token"]
    return token, channel


def check_answers(base_url: str, token: str, scenarios: list[Scenario]) -> None:
    """Each twin scenario must succeed once (ok:true): wrk cannot see Slack's HTTP-200 errors."""
    with httpx.Client(base_url=base_url, timeout=10.0) as client:
        for scenario in scenarios:
            if scenario.kind == "baseline":
                continue
            headers = {"Authorization": f"Bearer {token}", "Content-Type": scenario.content_type}
            body = client.post(scenario.path, content=scenario.body, headers=headers).json()
            if body.get("ok") is not True:
                raise RuntimeError(f"{scenario.name} answers {body}: the benchmark would measure an error path")


def parse_summary(output: str) -> dict[str, Any]:
    for line in output.splitlines():
        if line.startswith("DTU_BENCH "):
            summary: dict[str, Any] = json.loads(line.removeprefix("DTU_BENCH "))
            return summary
    raise RuntimeError(f"no summary in load generator output:\n{output[-2000:]}")


def load(
    tool: str | None, url: str, scenario: Scenario, env: dict[str, str], seconds: float, connections: int
) -> dict[str, Any]:
    if tool is not None:
        command = [
            tool,
            "-t2",
            f"-c{connections}",
            f"-d{seconds:g}s",
            "--latency",
            "-s",
            str(LUA / scenario.script),
            url,
        ]
    else:
        command = [sys.executable, "-m", "bench.pyload", url, "--method", scenario.method]
        command += ["--header", f"Authorization: Bearer {env['DTU_BENCH_TOKEN']}"]
        command += ["--header", f"Content-Type: {scenario.content_type}", "--body", scenario.body]
        command += ["--connections", str(connections), "--duration", str(seconds)]
    done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=seconds + 120, check=False)
    return parse_summary(done.stdout + done.stderr)


def measure(
    tool: str | None, base: str, scenario: Scenario, env: dict[str, str], seconds: float, warmup: float
) -> Result:
    url = base + scenario.path
    if warmup > 0:
        load(tool, url, scenario, env, warmup, 32)
    summary = load(tool, url, scenario, env, seconds, 32)
    rps = summary["requests"] / (summary["duration_us"] / 1_000_000)
    return Result(
        scenario, rps, summary["p50_us"] / 1000, summary["p99_us"] / 1000, summary["errors"], summary["non_2xx"]
    )


def report(results: list[Result], startup: float, tool: str) -> None:
    baseline = next(r for r in results if r.scenario.kind == "baseline")
    log("")
    log(f"Load generator: {tool}; 2 threads, 32 connections; same machine as the servers.")
    verdict = "meets" if startup <= STARTUP_TARGET_S else "MISSES"
    log(f"Fleet start-up (dtu up --services slack, until /_dtu/ready): {startup:.2f} s  (target <= 2 s: {verdict})")
    log("")
    header = f"{'scenario':<24} {'req/s':>9} {'p50 ms':>8} {'p99 ms':>8} {'vs base':>8}  {'target':>7}  verdict"
    log(header)
    log("-" * len(header))
    for result in results:
        ratio = result.rps / baseline.rps if baseline.rps else 0.0
        target = TARGETS.get(result.scenario.kind)
        if target is None:
            target_text, verdict = "", "(baseline)"
        else:
            target_text = f">= {target:.0%}"
            verdict = "meets" if ratio >= target else "BELOW TARGET"
        if result.errors:
            verdict += f"  ({result.errors} socket/HTTP errors, {result.non_2xx} non-2xx)"
        log(
            f"{result.scenario.name:<24} {result.rps:>9.0f} {result.p50_ms:>8.2f} {result.p99_ms:>8.2f} "
            f"{ratio:>8.0%}  {target_text:>7}  {verdict}"
        )
    log("")
    log("Timings are informational: this command never fails on them.")


def scenarios(channel: str) -> list[Scenario]:
    form, json_type = "application/x-www-form-urlencoded", "application/json; charset=utf-8"
    return [
        Scenario("baseline (Starlette)", "baseline", "/api/auth.test", "baseline.lua", "POST", form, ""),
        Scenario("auth.test", "read", "/api/auth.test", "auth_test.lua", "POST", form, ""),
        Scenario(
            "conversations.history",
            "read",
            "/api/conversations.history",
            "history.lua",
            "POST",
            form,
            f"channel={channel}&limit=100",
        ),
        Scenario(
            "chat.postMessage",
            "write",
            "/api/chat.postMessage",
            "post_message.lua",
            "POST",
            json_type,
            json.dumps({"channel": channel, "text": "bench message"}),
        ),
    ]


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=10.0, help="load per scenario (default 10)")
    parser.add_argument("--warmup", type=float, default=2.0, help="unmeasured load before each (default 2)")
    parser.add_argument("--python-load", action="store_true", help="use the Python load generator, not wrk")
    args = parser.parse_args()

    tool = None if args.python_load else ensure_wrk()
    tool_name = f"wrk ({tool})" if tool else "bench/pyload.py (Python asyncio, separate process; wrk unavailable)"
    log(f"Load generator: {tool_name}")

    env = {k: v for k, v in os.environ.items() if k != "DTU_DATABASE_URL"}  # the default deployment: SQLite
    env["DTU_BENCH_LUA"] = str(LUA)
    baseline_port, twin_port = free_port(), free_port()
    with tempfile.TemporaryDirectory(prefix="dtu-bench-") as data_dir:
        # The default deployment (`make up`): state in in-memory SQLite.
        twin_cmd = [*dtu_command(), "up", "--services", "slack", "--port", f"slack={twin_port}"]
        started = time.perf_counter()
        twin_log = Path(data_dir) / "twin.log"
        with running(twin_cmd, env, twin_log) as twin:
            twin_url = f"http://127.0.0.1:{twin_port}"
            wait_ready(f"{twin_url}/_dtu/ready", twin)
            startup = time.perf_counter() - started
            log(f"Slack twin ready in {startup:.2f} s at {twin_url} (in-memory SQLite)")
            token, channel = seed_channel(twin_url)
            plan = scenarios(channel)
            check_answers(twin_url, token, plan)
            env.update(DTU_BENCH_TOKEN=token, DTU_BENCH_CHANNEL=channel)

            baseline_cmd = [sys.executable, "-m", "bench.baseline_app", "--port", str(baseline_port)]
            with running(baseline_cmd, env, Path(data_dir) / "baseline.log") as baseline:
                baseline_url = f"http://127.0.0.1:{baseline_port}"
                wait_ready(baseline_url + "/ready", baseline)
                results = [measure(tool, baseline_url, plan[0], env, args.seconds, args.warmup)]
            log(f"  measured {plan[0].name}: {results[0].rps:.0f} req/s")
            for scenario in plan[1:]:
                results.append(measure(tool, twin_url, scenario, env, args.seconds, args.warmup))
                log(f"  measured {scenario.name}: {results[-1].rps:.0f} req/s")
            if twin.poll() is not None:
                raise RuntimeError(f"the twin exited during the run:\n{twin_log.read_text()[-2000:]}")
    report(results, startup, tool_name)
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except (RuntimeError, httpx.HTTPError, subprocess.SubprocessError, OSError) as exc:
        print(f"bench: could not run: {exc}", file=sys.stderr)
        sys.exit(1)
