"""`FleetClient`: the twins of a running fleet, reached through their control planes (`/_dtu`).

Used by `dtu universe load`, by `apply_universe` and by the scenario harness (tenants, seeds,
faults, journals). It only speaks HTTP: the fleet may be another process or another machine.
"""

from __future__ import annotations

from types import TracebackType
from typing import Any

import httpx


class FleetError(RuntimeError):
    """A control-plane call that failed: the twin, what was asked and what it answered."""


class FleetClient:
    """`urls`: twin name -> base URL (e.g. {"okta": "http://127.0.0.1:4101", ...}); `verify` as httpx's."""

    def __init__(self, urls: dict[str, str], verify: Any = True, timeout: float = 60.0) -> None:
        self.urls = {name: url.rstrip("/") for name, url in urls.items()}
        self.client = httpx.Client(verify=verify, timeout=timeout)

    @classmethod
    def local(cls, names: list[str] | None = None, tls: bool | None = None) -> FleetClient:
        """The fleet `dtu up` serves on this machine (ports and TLS from the environment, as `dtu env`)."""
        from services.core.settings import TwinSettings
        from services.core.tls import files_for
        from services.fleet import TWINS

        urls, verify = {}, None
        for name in names or list(TWINS):
            entry = TWINS[name]
            settings = TwinSettings.from_env(entry.name, entry.default_port, tls=tls or None)
            urls[name] = settings.base_url
            files = files_for(settings)
            if files is not None and verify is None:
                verify = files.client_context()
        return cls(urls, verify=verify if verify is not None else True)

    def url(self, twin: str) -> str:
        try:
            return self.urls[twin]
        except KeyError:
            raise FleetError(f"no twin {twin!r} in this fleet (have: {', '.join(self.urls)})") from None

    def control(self, twin: str, method: str, path: str, **kwargs: Any) -> httpx.Response:
        """A control-plane request: `path` relative to `/_dtu` (e.g. "/tenants/t1/seed")."""
        url = f"{self.url(twin)}/_dtu{path}"
        try:
            return self.client.request(method, url, **kwargs)
        except httpx.HTTPError as exc:
            raise FleetError(f"{twin}: not reachable at {self.url(twin)} ({exc})") from None

    def _json(self, twin: str, response: httpx.Response, what: str, ok: tuple[int, ...] = (200, 201)) -> Any:
        if response.status_code not in ok:
            raise FleetError(f"{twin}: {what} answered {response.status_code}: {response.text[:2000]}")
        return response.json() if response.content else None

    def tenant(self, twin: str, tenant: str) -> dict[str, Any] | None:
        """A tenant's public record (id, base_url, credentials), or None when it does not exist."""
        response = self.control(twin, "GET", f"/tenants/{tenant}")
        if response.status_code == 404:
            return None
        result: dict[str, Any] = self._json(twin, response, f"GET tenant {tenant}")
        return result

    def ensure_tenant(self, twin: str, tenant: str, name: str | None = None) -> dict[str, Any]:
        """The tenant, created when missing (`POST /_dtu/tenants`)."""
        response = self.control(twin, "POST", "/tenants", json={"id": tenant, "name": name or tenant})
        if response.status_code == 409:
            existing = self.tenant(twin, tenant)
            if existing is not None:
                return existing
        result: dict[str, Any] = self._json(twin, response, f"create tenant {tenant}")
        return result

    def reset_tenant(self, twin: str, tenant: str) -> dict[str, Any]:
        """The tenant emptied back to freshly provisioned (same id, new credentials)."""
        response = self.control(twin, "POST", f"/tenants/{tenant}/reset")
        result: dict[str, Any] = self._json(twin, response, f"reset tenant {tenant}")
        return result

    def seed(self, twin: str, tenant: str, document: dict[str, Any]) -> dict[str, Any]:
        """Load a seed document into a tenant; returns what the twin created."""
        response = self.control(twin, "POST", f"/tenants/{tenant}/seed", json=document)
        result: dict[str, Any] = self._json(twin, response, f"seed tenant {tenant}")["created"]
        return result

    def delete_tenant(self, tenant: str) -> None:
        """Delete a tenant in every twin (missing ones are fine)."""
        for twin in self.urls:
            response = self.control(twin, "DELETE", f"/tenants/{tenant}")
            self._json(twin, response, f"delete tenant {tenant}", ok=(204, 404))

    def journal(self, twin: str, tenant: str | None = None, **filters: Any) -> list[dict[str, Any]]:
        """Journal entries of one twin, oldest first (filters as `/_dtu/journal` takes them)."""
        params = {**filters, **({"tenant": tenant} if tenant else {})}
        response = self.control(twin, "GET", "/journal", params=params)
        entries: list[dict[str, Any]] = self._json(twin, response, "journal")["entries"]
        return entries

    def close(self) -> None:
        self.client.close()

    def __enter__(self) -> FleetClient:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()
