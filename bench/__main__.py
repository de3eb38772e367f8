"""`python -m bench` (`make bench`): the Slack and Okta twins against a bare Starlette baseline.

1. Start the fleet as a user would (`dtu up --services slack` with in-memory SQLite, as `make up` runs it) and
   time start-up until /_dtu/ready answers (target: 2 s).
2. Seed a channel with 200 messages through the control plane.
3. Load each endpoint for a fixed time with wrk (2 threads, 32 connections), or with
   bench/pyload.py in its own process when wrk cannot be installed, and print req/s,
   p50, p99 and the ratio to the baseline measured in the same run. Targets: reads at
   least 50 % of the baseline, writes at least 30 %.

4. The same for the Okta twin (bench/okta.py): createUser, listUsers with a filter over
   300 seeded users, and the token endpoint (client_credentials, private_key_jwt).

5. The Google twin (bench/google.py): Sheets values.get of a 200x10 range (formulas included).

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
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

from bench import gdrive, google, jira, okta

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
    headers: tuple[str, ...] = ()  # for the Python load generator; default: the Slack bot token
    body_file_env: str | None = None  # env var naming a file of bodies sent in turn (Python generator)
    prepare: Callable[[dict[str, str]], None] | None = None  # runs before each load (fresh one-time inputs)


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
        for header in scenario.headers or (f"Authorization: Bearer {env['DTU_BENCH_TOKEN']}",):
            command += ["--header", header]
        command += ["--header", f"Content-Type: {scenario.content_type}"]
        if scenario.body_file_env:
            command += ["--body-file", env[scenario.body_file_env]]
        else:
            command += ["--body", scenario.body]
        command += ["--connections", str(connections), "--duration", str(seconds)]
    done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=seconds + 120, check=False)
    return parse_summary(done.stdout + done.stderr)


def measure(
    tool: str | None, base: str, scenario: Scenario, env: dict[str, str], seconds: float, warmup: float
) -> Result:
    url = base + scenario.path
    if warmup > 0:
        if scenario.prepare is not None:
            scenario.prepare(env)
        load(tool, url, scenario, env, warmup, 32)
    if scenario.prepare is not None:
        scenario.prepare(env)
    summary = load(tool, url, scenario, env, seconds, 32)
    rps = summary["requests"] / (summary["duration_us"] / 1_000_000)
    return Result(
        scenario, rps, summary["p50_us"] / 1000, summary["p99_us"] / 1000, summary["errors"], summary["non_2xx"]
    )


def report(results: list[Result], startups: dict[str, float], tool: str) -> None:
    baseline = next(r for r in results if r.scenario.kind == "baseline")
    log("")
    log(f"Load generator: {tool}; 2 threads, 32 connections; same machine as the servers.")
    for service, startup in startups.items():
        verdict = "meets" if startup <= STARTUP_TARGET_S else "MISSES"
        log(f"Start-up (dtu up --services {service}, until /_dtu/ready): {startup:.2f} s  (target <= 2 s: {verdict})")
    log("")
    header = f"{'scenario':<30} {'req/s':>9} {'p50 ms':>8} {'p99 ms':>8} {'vs base':>8}  {'target':>7}  verdict"
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
            f"{result.scenario.name:<30} {result.rps:>9.0f} {result.p50_ms:>8.2f} {result.p99_ms:>8.2f} "
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


def okta_scenarios(credentials: dict[str, str], data_dir: Path) -> list[Scenario]:
    json_type, form = "application/json", "application/x-www-form-urlencoded"
    ssws = (f"Authorization: SSWS {credentials['api_token']}", "Accept: application/json")

    def fresh_assertions(env: dict[str, str]) -> None:
        # One signed assertion per request the run can make (Okta refuses a replayed jti).
        path = data_dir / "assertions.txt"
        seconds = okta.write_assertions(credentials, int(env.get("DTU_BENCH_ASSERTIONS", "6000")), path)
        env["DTU_BENCH_OKTA_ASSERTIONS"] = str(path)
        log(f"    signed {env.get('DTU_BENCH_ASSERTIONS', '6000')} client assertions in {seconds:.1f} s")

    def new_run(env: dict[str, str]) -> None:
        # Logins must be unique across runs too (warm-up, then the measured run).
        env["DTU_BENCH_RUN"] = uuid.uuid4().hex[:8]

    return [
        Scenario(
            "okta createUser",
            "write",
            "/api/v1/users?activate=false",
            "okta_create_user.lua",
            "POST",
            json_type,
            okta.create_user_body("{seq}"),
            ssws,
            prepare=new_run,
        ),
        Scenario(
            f"okta listUsers filter ({okta.SEEDED_USERS})",
            "read",
            okta.LIST_QUERY,
            "okta_list_users.lua",
            "GET",
            json_type,
            "",
            ssws,
        ),
        Scenario(
            "okta token (private_key_jwt)",
            "write",
            "/oauth2/v1/token",
            "okta_token.lua",
            "POST",
            form,
            "",
            ("Accept: application/json",),
            "DTU_BENCH_OKTA_ASSERTIONS",
            fresh_assertions,
        ),
    ]


def jira_scenarios(base_url: str, credentials: dict[str, str]) -> list[Scenario]:
    json_type = "application/json"
    auth = (f"Authorization: {jira.basic(credentials)}", "Accept: application/json")

    def reset(env: dict[str, str]) -> None:
        jira.reset_transitions(base_url, credentials)

    return [
        Scenario(
            f"jira search JQL ({jira.SEEDED_ISSUES})",
            "read",
            jira.SEARCH_QUERY,
            "jira_search.lua",
            "GET",
            json_type,
            "",
            auth,
        ),
        Scenario(
            "jira createIssue",
            "write",
            "/rest/api/2/issue",
            "jira_create_issue.lua",
            "POST",
            json_type,
            jira.CREATE_BODY,
            auth,
        ),
        Scenario(
            "jira doTransition",
            "write",
            "/rest/api/2/issue/BENCH-1/transitions",
            "jira_transition.lua",
            "POST",
            json_type,
            jira.transition_body(jira.IN_PROGRESS),
            auth,
            prepare=reset,
        ),
    ]


def google_scenarios(path: str, token: str) -> list[Scenario]:
    headers = (f"Authorization: Bearer {token}", "Accept: application/json")
    name = f"google sheets values.get ({google.SEEDED_ROWS}x{google.SEEDED_COLUMNS})"
    return [Scenario(name, "read", path, "google_sheets_values_get.lua", "GET", "application/json", "", headers)]


def drive_scenarios(token: str) -> list[Scenario]:
    """Drive files.list with a query, then files.create (bench/gdrive.py): the listing sees the seeded files only."""
    headers = (f"Authorization: Bearer {token}", "Accept: application/json")
    json_type = "application/json"
    return [
        Scenario(
            f"google drive files.list q ({gdrive.SEEDED_FILES})",
            "read",
            gdrive.LIST_QUERY,
            "google_drive_list.lua",
            "GET",
            json_type,
            "",
            headers,
        ),
        Scenario(
            "google drive files.create",
            "write",
            "/drive/v3/files",
            "google_drive_create.lua",
            "POST",
            json_type,
            gdrive.CREATE_BODY,
            (*headers, f"Content-Type: {json_type}"),
        ),
    ]


def start_twin(service: str, env: dict[str, str], data_dir: str) -> tuple[list[str], Path, str]:
    port = free_port()
    # The default deployment (`make up`): state in in-memory SQLite.
    command = [*dtu_command(), "up", "--no-inspector", "--services", service, "--port", f"{service}={port}"]
    return command, Path(data_dir) / f"{service}.log", f"http://127.0.0.1:{port}"


def run_twin(
    service: str, tool: str | None, env: dict[str, str], data_dir: str, args: argparse.Namespace
) -> tuple[list[Result], float]:
    command, log_path, url = start_twin(service, env, data_dir)
    started = time.perf_counter()
    with running(command, env, log_path) as twin:
        wait_ready(f"{url}/_dtu/ready", twin)
        startup = time.perf_counter() - started
        log(f"{service} twin ready in {startup:.2f} s at {url} (in-memory SQLite)")
        if service == "slack":
            token, channel = seed_channel(url)
            plan = scenarios(channel)[1:]
            check_answers(url, token, plan)
            env.update(DTU_BENCH_TOKEN=token, DTU_BENCH_CHANNEL=channel)
        elif service == "jira":
            credentials = jira.seed_issues(url)
            jira.check_answers(url, credentials)
            env["DTU_BENCH_JIRA_AUTH"] = jira.basic(credentials)
            env["DTU_BENCH_JIRA_ISSUES"] = str(jira.TRANSITION_ISSUES)
            plan = jira_scenarios(url, credentials)
        elif service == "google":
            token, path = google.seed_spreadsheet(url)
            google.check_answers(url, token, path)
            env["DTU_BENCH_GOOGLE_TOKEN"] = token
            plan = google_scenarios(path, token)
            gdrive.seed_files(url)
            gdrive.check_answers(url, token)
            plan += drive_scenarios(token)
        else:
            credentials = okta.seed_users(url)
            okta.check_answers(url, credentials)
            env["DTU_BENCH_OKTA_TOKEN"] = credentials["api_token"]
            plan = okta_scenarios(credentials, Path(data_dir))
        results = []
        for scenario in plan:
            results.append(measure(tool, url, scenario, env, args.seconds, args.warmup))
            log(f"  measured {scenario.name}: {results[-1].rps:.0f} req/s")
        if twin.poll() is not None:
            raise RuntimeError(f"the {service} twin exited during the run:\n{log_path.read_text()[-2000:]}")
    return results, startup


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=10.0, help="load per scenario (default 10)")
    parser.add_argument("--warmup", type=float, default=2.0, help="unmeasured load before each (default 2)")
    parser.add_argument("--python-load", action="store_true", help="use the Python load generator, not wrk")
    parser.add_argument(
        "--services", default="slack,okta,jira,google", help="twins to measure (default slack,okta,jira,google)"
    )
    args = parser.parse_args()

    tool = None if args.python_load else ensure_wrk()
    tool_name = f"wrk ({tool})" if tool else "bench/pyload.py (Python asyncio, separate process; wrk unavailable)"
    log(f"Load generator: {tool_name}")

    env = {k: v for k, v in os.environ.items() if k != "DTU_DATABASE_URL"}  # the default deployment: SQLite
    env["DTU_BENCH_LUA"] = str(LUA)
    env.setdefault("DTU_BENCH_TOKEN", "xoxb-baseline")  # the baseline reads a bearer header like the twin
    services = [name.strip() for name in args.services.split(",") if name.strip()]
    unknown = set(services) - {"slack", "okta", "jira", "google"}
    if unknown:
        raise RuntimeError(f"no bench for {sorted(unknown)} (available: slack, okta, jira, google)")
    with tempfile.TemporaryDirectory(prefix="dtu-bench-") as data_dir:
        baseline_scenario = scenarios("")[0]
        baseline_port = free_port()
        baseline_cmd = [sys.executable, "-m", "bench.baseline_app", "--port", str(baseline_port)]
        with running(baseline_cmd, env, Path(data_dir) / "baseline.log") as baseline:
            baseline_url = f"http://127.0.0.1:{baseline_port}"
            wait_ready(baseline_url + "/ready", baseline)
            results = [measure(tool, baseline_url, baseline_scenario, env, args.seconds, args.warmup)]
        log(f"  measured {baseline_scenario.name}: {results[0].rps:.0f} req/s")
        startups: dict[str, float] = {}
        for service in services:
            measured, startups[service] = run_twin(service, tool, env, data_dir, args)
            results.extend(measured)
    report(results, startups, tool_name)
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except (RuntimeError, httpx.HTTPError, subprocess.SubprocessError, OSError) as exc:
        print(f"bench: could not run: {exc}", file=sys.stderr)
        sys.exit(1)
