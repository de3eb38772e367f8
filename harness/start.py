"""`--start`: a fleet of its own for one harness run, with fresh in-memory stores.

`processes` (the default for the CLI): each twin in its own `dtu up --services NAME` process on
a free port, so the twins and the harness use every core (one Python process is one core).
`threads`: every twin in this process on a ThreadedServer (tests: quick to start, one core).
Either way the journal holds JOURNAL_SIZE entries per twin, so a long run's trajectories are
not evicted before they are judged.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

from harness.fleet import Fleet, FleetError
from harness.system import free_port
from services.core.rsa_keys import REUSE_ENV
from services.fleet import TWINS

JOURNAL_SIZE = 200_000
# Okta and Google tenants reuse a few RSA keys instead of making one each (services/core/rsa_keys.py):
# key generation would otherwise be most of a trajectory's cost.
KEY_REUSE = "8"


def _fresh_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("DTU_DATABASE_URL", "DTU_DATA_DIR", "DTU_TLS")}
    env["DTU_JOURNAL_SIZE"] = str(JOURNAL_SIZE)
    env[REUSE_ENV] = KEY_REUSE
    return env


@contextmanager
def threaded_fleet(twins: list[str] | None = None) -> Iterator[Fleet]:
    from services.core.app import build_app
    from services.core.server import bind_socket
    from services.core.settings import TwinSettings
    from services.core.testing import ThreadedServer

    servers = []
    urls: dict[str, str] = {}
    saved_reuse = os.environ.get(REUSE_ENV)
    os.environ[REUSE_ENV] = KEY_REUSE  # this process provisions the tenants: restored afterwards
    try:
        for name in twins or list(TWINS):
            sock = bind_socket(name, "127.0.0.1", 0)
            settings = TwinSettings.from_env(name, 0, port=sock.getsockname()[1], host="127.0.0.1")
            settings.database_url, settings.data_dir, settings.tls = None, None, False
            settings.journal_size = JOURNAL_SIZE
            app = build_app(TWINS[name].spec(), settings)
            servers.append(ThreadedServer(app, name=name, sock=sock).start())
            urls[name] = servers[-1].url
        fleet = Fleet(urls)
        try:
            yield fleet
        finally:
            fleet.close()
    finally:
        for server in servers:
            server.stop()
            server.app.state.runtime.store.dispose()
        if saved_reuse is None:
            os.environ.pop(REUSE_ENV, None)
        else:
            os.environ[REUSE_ENV] = saved_reuse


def _dtu() -> list[str]:
    script = Path(sys.executable).parent / "dtu"
    return [str(script)] if script.exists() else [sys.executable, "-m", "services.cli"]


@contextmanager
def process_fleet(twins: list[str] | None = None, timeout: float = 60.0) -> Iterator[Fleet]:
    env = _fresh_env()
    processes: list[subprocess.Popen[bytes]] = []
    urls: dict[str, str] = {}
    logs = []
    try:
        for name in twins or list(TWINS):
            port = free_port()
            log = tempfile.TemporaryFile()  # noqa: SIM115 - closed in the finally below
            logs.append(log)
            command = [*_dtu(), "up", "--no-inspector", "--services", name, "--port", f"{name}={port}"]
            processes.append(subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT))
            urls[name] = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + timeout
        with httpx.Client(timeout=1.0) as client:
            for (name, url), process in zip(urls.items(), processes, strict=True):
                while True:
                    if process.poll() is not None:
                        log = logs[list(urls).index(name)]
                        log.seek(0)
                        raise FleetError(f"{name}: `dtu up` exited: {log.read().decode(errors='replace')[-2000:]}")
                    try:
                        if client.get(f"{url}/_dtu/ready").status_code == 200:
                            break
                    except httpx.HTTPError:
                        pass
                    if time.monotonic() > deadline:
                        raise FleetError(f"{name}: not ready at {url} after {timeout:g} s")
                    time.sleep(0.05)
        fleet = Fleet(urls)
        try:
            yield fleet
        finally:
            fleet.close()
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        for log in logs:
            log.close()
