"""`make load`: a bounded local load on a fleet started for the run, then the fleet stopped.

    python -m load.run [LOCUST OPTIONS]      (default: -u 20 -r 10 -t 30s)

Starts `dtu up` on loopback with free ports and in-memory state (none of the caller's DTU_*
settings apply), waits for every twin's /_dtu/ready, runs load/locustfile.py headless with the
given options, and stops the fleet whatever happened. Locust fetches the default tenant's
credentials from each twin's control plane. Locust prints its stats and percentile tables, then
load/report.py a per-twin summary, then this the fleet's CPU time per request (on a shared machine
req/s depends on the neighbours; CPU per request does not). The exit code is Locust's (1 when
any request failed).
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

from load.common import TWINS, Twin

ROOT = Path(__file__).resolve().parent.parent
SUMMARY_VARIABLE = "DTU_LOAD_SUMMARY"  # load/report.py writes the figures there
DEFAULT_ARGS = ["-u", "20", "-r", "10", "-t", "30s"]
READY_TIMEOUT = 120.0  # seconds; loading a large universe into the default tenant takes a while
STOP_TIMEOUT = 15.0


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def clean_environment() -> dict[str, str]:
    """The caller's environment without DTU_* settings: no data dir, database, TLS or credentials leak in."""
    return {key: value for key, value in os.environ.items() if not key.startswith("DTU_")}


def wait_ready(fleet: subprocess.Popen[bytes], bases: dict[str, str], log: Path) -> None:
    deadline = time.monotonic() + READY_TIMEOUT
    pending = dict(bases)
    while pending:
        if fleet.poll() is not None:
            raise RuntimeError(f"the fleet exited with {fleet.returncode}:\n{log.read_text()[-3000:]}")
        if time.monotonic() > deadline:
            raise RuntimeError(f"not ready after {READY_TIMEOUT:.0f} s: {', '.join(pending)}")
        for name, base in list(pending.items()):
            try:
                with urllib.request.urlopen(f"{base}/_dtu/ready", timeout=2) as response:
                    if response.status == 200:
                        del pending[name]
            except (urllib.error.URLError, OSError):
                pass
        time.sleep(0.2)


def stop(fleet: subprocess.Popen[bytes]) -> None:
    """Ctrl-C, as a person would stop `dtu up`; killed if it does not stop in time."""
    if fleet.poll() is not None:
        return
    fleet.send_signal(signal.SIGINT)
    try:
        fleet.wait(STOP_TIMEOUT)
    except subprocess.TimeoutExpired:
        fleet.kill()
        fleet.wait()


def cpu_seconds(pid: int) -> float | None:
    """User + system CPU time a process has used (Linux /proc), or None where that is not available."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError):
        return None


def cpu_line(cpu: float, summary: Path) -> str | None:
    """Fleet CPU per request: a figure that holds on a shared machine, where req/s depends on the neighbours."""
    try:
        requests = json.loads(summary.read_text())["total"]["requests"]
    except (OSError, ValueError, KeyError):
        return None
    if not requests or cpu <= 0:
        return None
    per_request = cpu / requests * 1000
    return (
        f"fleet CPU: {cpu:.1f} s for {requests} requests = {per_request:.1f} ms per request "
        f"(about {1000 / per_request:.0f} req/s per fully available core)"
    )


def url_variables(twin: Twin, base: str) -> dict[str, str]:
    """Only where the twin is, as `dtu env` spells it: Locust fetches the credentials itself."""
    return {twin.url_variable: base + twin.url_suffix}


def main(argv: list[str]) -> int:
    locust_args = argv or DEFAULT_ARGS
    ports = {twin.name: free_port() for twin in TWINS}
    bases = {name: f"http://127.0.0.1:{port}" for name, port in ports.items()}
    environment = clean_environment()
    command = [sys.executable, "-m", "services.cli", "up", "--no-inspector", "--host", "127.0.0.1"]
    for name, port in ports.items():
        command += ["--port", f"{name}={port}"]
    with tempfile.TemporaryDirectory(prefix="dtu-load-") as scratch:
        log = Path(scratch) / "fleet.log"
        with log.open("wb") as output:
            started = time.perf_counter()
            fleet = subprocess.Popen(command, cwd=ROOT, env=environment, stdout=output, stderr=subprocess.STDOUT)
            try:
                wait_ready(fleet, bases, log)
                print(
                    f"DTU fleet ready in {time.perf_counter() - started:.1f} s: "
                    + ", ".join(f"{name} {base}" for name, base in bases.items()),
                    flush=True,
                )
                for twin in TWINS:
                    environment.update(url_variables(twin, bases[twin.name]))
                locust = [sys.executable, "-m", "locust", "-f", "load/locustfile.py", "--headless", "--only-summary"]
                print("$ locust " + " ".join(locust[3:] + locust_args), flush=True)
                summary = Path(scratch) / "summary.json"
                environment[SUMMARY_VARIABLE] = str(summary)
                before = cpu_seconds(fleet.pid)
                code = subprocess.call([*locust, *locust_args], cwd=ROOT, env=environment)
                after = cpu_seconds(fleet.pid)
                if before is not None and after is not None and (line := cpu_line(after - before, summary)):
                    print(line, flush=True)
                return code
            except RuntimeError as exc:
                print(f"make load: {exc}", file=sys.stderr)
                return 2
            finally:
                stop(fleet)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
