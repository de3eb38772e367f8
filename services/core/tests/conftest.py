"""In-process twins for core tests: the Slack app over httpx's ASGI transport, no socket."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import httpx
import pytest
from starlette.applications import Starlette

from services.core.settings import TwinSettings
from services.slack.app import create_app

AppFactory = Callable[..., Starlette]


@pytest.fixture
def make_app() -> AppFactory:
    """Build a Slack twin; in memory unless a data dir is given. The environment is ignored."""

    def build(data_dir: Path | None = None, **settings: Any) -> Starlette:
        app: Starlette = create_app(TwinSettings(service="slack", port=4103, data_dir=data_dir, **settings))
        return app

    return build


@pytest.fixture
async def client(make_app: AppFactory) -> AsyncIterator[httpx.AsyncClient]:
    app = make_app()
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://twin") as http:
        yield http
    app.state.runtime.store.dispose()


async def new_tenant(http: httpx.AsyncClient, name: str) -> dict[str, Any]:
    response = await http.post("/_dtu/tenants", json={"name": name})
    assert response.status_code == 201, response.text
    tenant: dict[str, Any] = response.json()
    return tenant


async def slack(http: httpx.AsyncClient, token: str, method: str, **params: Any) -> dict[str, Any]:
    """Call a Web API method as slack_sdk does (form-encoded POST with a bearer token)."""
    response = await http.post(f"/api/{method}", data=params, headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body
