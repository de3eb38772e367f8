"""The fleet the harness runs against: each twin's base URL, its control plane, per-tenant calls.

`--fleet` takes `okta=URL,jira=URL,...` (or nothing: the URLs `dtu env` would use, from the
DTU_<TWIN>_PORT/HOST/PUBLIC_URL variables). `--start` starts a fleet (harness/start.py).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import Any

import httpx

from services.core.settings import TwinSettings
from services.fleet import TWINS


class FleetError(RuntimeError):
    pass


def default_urls() -> dict[str, str]:
    """The URLs `dtu env` prints: the configured ports on loopback."""
    return {name: TwinSettings.from_env(name, entry.default_port).base_url for name, entry in TWINS.items()}


def parse_fleet(text: str | None) -> dict[str, str]:
    if not text:
        return default_urls()
    urls: dict[str, str] = {}
    for part in (p.strip() for p in text.split(",") if p.strip()):
        name, _, url = part.partition("=")
        if name not in TWINS or not url.startswith(("http://", "https://")):
            raise FleetError(f"--fleet: expected NAME=URL with NAME in {sorted(TWINS)}, got {part!r}")
        urls[name] = url.rstrip("/")
    return urls


@dataclass
class Fleet:
    """Control-plane access to every twin; one httpx client shared by all threads (it is thread-safe)."""

    urls: dict[str, str]
    verify: Any = True
    client: httpx.Client = field(init=False, repr=False)

    def __post_init__(self) -> None:
        limits = httpx.Limits(max_connections=256, max_keepalive_connections=64)
        self.client = httpx.Client(timeout=60.0, verify=self.verify, limits=limits)
        self._universe_client: Any = None
        self._lock = threading.Lock()

    def close(self) -> None:
        self.client.close()
        if self._universe_client is not None:
            self._universe_client.client.close()

    def universe_client(self) -> Any:
        """services.universe's FleetClient for these URLs: one for the whole run (its httpx client is thread-safe)."""
        with self._lock:
            if self._universe_client is None:
                from services.universe import FleetClient

                self._universe_client = FleetClient(self.urls, verify=self.verify)
            return self._universe_client

    def control(self, twin: str, method: str, path: str, **kwargs: Any) -> httpx.Response:
        try:
            return self.client.request(method, f"{self.urls[twin]}/_dtu{path}", **kwargs)
        except httpx.HTTPError as exc:
            raise FleetError(f"{twin}: control plane not reachable at {self.urls[twin]} ({exc})") from exc

    def check(self) -> None:
        """Every twin answers /_dtu/health as the twin it should be."""
        for twin, url in self.urls.items():
            response = self.control(twin, "GET", "/health")
            if response.status_code != 200 or response.json().get("service") != twin:
                raise FleetError(f"{twin}: {url} is not the {twin} twin ({response.status_code})")

    def journal_capacity(self) -> dict[str, int]:
        return {t: int(self.control(t, "GET", "/journal", params={"limit": 0}).json()["capacity"]) for t in self.urls}

    def create_tenant(self, twin: str, tenant: str, name: str) -> dict[str, Any]:
        response = self.control(twin, "POST", "/tenants", json={"id": tenant, "name": name})
        if response.status_code != 201:
            raise FleetError(f"{twin}: creating tenant {tenant}: {response.status_code} {response.text[:300]}")
        credentials: dict[str, Any] = response.json()["credentials"]
        return credentials

    def credentials(self, twin: str, tenant: str) -> dict[str, Any]:
        response = self.control(twin, "GET", f"/tenants/{tenant}")
        if response.status_code != 200:
            raise FleetError(f"{twin}: tenant {tenant}: {response.status_code} {response.text[:300]}")
        credentials: dict[str, Any] = response.json()["credentials"]
        return credentials

    def delete_tenant(self, twin: str, tenant: str) -> None:
        self.control(twin, "DELETE", f"/tenants/{tenant}")

    def add_fault(self, twin: str, rule: dict[str, Any]) -> None:
        response = self.control(twin, "POST", "/faults", json=rule)
        if response.status_code != 201:
            raise FleetError(f"{twin}: fault rule {rule}: {response.status_code} {response.text[:300]}")

    def journal(self, tenant: str, since: float | None = None) -> list[dict[str, Any]]:
        """The tenant's entries from every twin, merged and ordered by time (then twin, sequence)."""
        entries: list[dict[str, Any]] = []
        params: dict[str, Any] = {"tenant": tenant, "limit": 5000}
        if since is not None:
            params["since"] = since
        for twin in self.urls:
            response = self.control(twin, "GET", "/journal", params=params)
            if response.status_code == 200:
                for entry in response.json()["entries"]:
                    entry["twin"] = entry.get("service", twin)
                    entries.append(entry)
        entries.sort(key=lambda e: (e["time"], e["twin"], e["seq"]))
        return entries
