"""The system under test, one process per trajectory, configured like `dtu env` configures a shell."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx

from harness.model import SystemSpec
from services.fleet import TWINS


class SystemUnderTestError(RuntimeError):
    """The system under test did not start (or exited early); the message has its output's tail."""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def dtu_env(credentials: dict[str, dict[str, Any]]) -> dict[str, str]:
    """The DTU_* variables each twin's TwinSpec.env_vars gives for the tenant's credentials (as `dtu env`)."""
    env: dict[str, str] = {}
    for twin, creds in credentials.items():
        env.update(TWINS[twin].spec().env_vars(creds))
    return env


class SystemProcess:
    def __init__(self, spec: SystemSpec, scenario_dir: Path, credentials: dict[str, dict[str, Any]], tenant: str):
        self.spec = spec
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        values = {"port": str(self.port), "python": sys.executable, "tenant": tenant, "scenario_dir": str(scenario_dir)}
        self.command = [part.format(**values) for part in spec.command]
        self.env = {**os.environ, **dtu_env(credentials), **{k: v.format(**values) for k, v in spec.env.items()}}
        self.env["DTU_TENANT"] = tenant
        self.ready = spec.ready.format(**values) if spec.ready else None
        self.cwd = str((scenario_dir / spec.cwd).resolve()) if spec.cwd else None
        # A file, not a pipe: a pipe nobody reads could block the process. Closed by stop().
        self.log = tempfile.TemporaryFile()  # noqa: SIM115
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        try:
            self.process = subprocess.Popen(
                self.command, env=self.env, cwd=self.cwd, stdout=self.log, stderr=subprocess.STDOUT
            )
        except OSError as exc:
            raise SystemUnderTestError(f"system: cannot start {self.command}: {exc}") from None
        if self.ready is None:
            return
        deadline = time.monotonic() + self.spec.ready_timeout
        with httpx.Client(timeout=1.0) as client:
            while time.monotonic() < deadline:
                if self.process.poll() is not None:
                    raise SystemUnderTestError(f"system exited with status {self.process.returncode}:\n{self.output()}")
                try:
                    if client.get(self.ready).status_code == 200:
                        return
                except httpx.HTTPError:
                    pass
                time.sleep(0.05)
        raise SystemUnderTestError(
            f"system not ready at {self.ready} after {self.spec.ready_timeout:g} s:\n{self.output()}"
        )

    def output(self, limit: int = 4000) -> str:
        self.log.flush()
        self.log.seek(0)
        text = self.log.read().decode("utf-8", "replace")
        return text[-limit:]

    def stop(self) -> str:
        """Terminate; returns the output's tail."""
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        output = self.output()
        self.log.close()
        return output
