"""A client for one twin's control plane. The inspector knows no vendor: only `/_dtu/...`.

Every failure becomes a `ControlError` with a sentence a person can read (the twin is
down, or it refused the request and said why), so pages show it instead of a 500.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

import httpx

TIMEOUT_SECONDS = 5.0


class ControlError(Exception):
    """A control-plane call that did not succeed; `str()` is the message to show."""


@dataclass
class Twin:
    """One twin as the inspector sees it: a name, its base URL and an HTTP client."""

    name: str
    base_url: str
    client: httpx.AsyncClient

    async def _call(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        try:
            response = await self.client.request(method, f"{self.base_url}/_dtu{path}", **kwargs)
        except httpx.HTTPError as exc:
            raise ControlError(f"{self.name} is not reachable at {self.base_url} ({type(exc).__name__})") from None
        if response.status_code >= 400:
            raise ControlError(f"{self.name} refused: {_reason(response)}")
        return response

    async def _json(self, method: str, path: str, **kwargs: Any) -> Any:
        response = await self._call(method, path, **kwargs)
        try:
            return response.json()
        except ValueError:
            raise ControlError(f"{self.name} answered {path} with something that is not JSON") from None

    @staticmethod
    def _tenant_path(tenant: str) -> str:
        return f"/tenants/{quote(tenant, safe='')}"

    async def health(self) -> dict[str, Any]:
        result: dict[str, Any] = await self._json("GET", "/health")
        return result

    async def tenants(self) -> list[dict[str, Any]]:
        result: list[dict[str, Any]] = (await self._json("GET", "/tenants"))["tenants"]
        return result

    async def reset_tenant(self, tenant: str) -> None:
        await self._call("POST", f"{self._tenant_path(tenant)}/reset")

    async def journal(self, **params: Any) -> dict[str, Any]:
        """`{entries, size, capacity}`, oldest first; params as /_dtu/journal takes them."""
        clean = {k: v for k, v in params.items() if v not in (None, "")}
        result: dict[str, Any] = await self._json("GET", "/journal", params=clean)
        return result

    async def operations(self) -> list[str]:
        result: list[str] = (await self._json("GET", "/operations"))["operations"]
        return result

    async def faults(self) -> list[dict[str, Any]]:
        result: list[dict[str, Any]] = (await self._json("GET", "/faults"))["faults"]
        return result

    async def add_fault(self, rule: dict[str, Any]) -> dict[str, Any]:
        result: dict[str, Any] = await self._json("POST", "/faults", json=rule)
        return result

    async def delete_fault(self, rule_id: int) -> None:
        await self._call("DELETE", f"/faults/{int(rule_id)}")

    async def clock(self, tenant: str) -> dict[str, Any]:
        result: dict[str, Any] = await self._json("GET", f"{self._tenant_path(tenant)}/clock")
        return result

    async def set_clock(self, tenant: str, change: dict[str, Any]) -> dict[str, Any]:
        result: dict[str, Any] = await self._json("POST", f"{self._tenant_path(tenant)}/clock", json=change)
        return result

    async def snapshot(self, tenant: str) -> bytes:
        return (await self._call("GET", f"{self._tenant_path(tenant)}/snapshot")).content

    async def restore(self, tenant: str, document: bytes) -> None:
        headers = {"content-type": "application/json"}
        await self._call("POST", f"{self._tenant_path(tenant)}/restore", content=document, headers=headers)


def _reason(response: httpx.Response) -> str:
    """The control plane's `{"error": ...}`, or the status line."""
    try:
        body = response.json()
    except ValueError:
        body = None
    if isinstance(body, dict) and isinstance(body.get("error"), str):
        return f"{body['error']} (HTTP {response.status_code})"
    return f"HTTP {response.status_code}"


class Fleet:
    """The twins the inspector was given, in order, sharing one HTTP client."""

    def __init__(self, urls: dict[str, str], verify: Any = True) -> None:
        self.urls = {name: url.rstrip("/") for name, url in urls.items()}
        self.verify = verify
        self.client: httpx.AsyncClient | None = None
        self.twins: dict[str, Twin] = {}

    def open(self) -> None:
        # Created inside the serving event loop (the app's lifespan): an AsyncClient belongs to one loop.
        self.client = httpx.AsyncClient(timeout=TIMEOUT_SECONDS, verify=self.verify)
        self.twins = {name: Twin(name, url, self.client) for name, url in self.urls.items()}

    async def close(self) -> None:
        if self.client is not None:
            await self.client.aclose()

    def names(self) -> list[str]:
        return list(self.urls)

    def get(self, name: str) -> Twin:
        twin = self.twins.get(name)
        if twin is None:
            raise ControlError(f"no twin named {name!r} (known: {', '.join(self.urls)})")
        return twin
