"""A twin on a data dir keeps its state across restarts (SQLite file)."""

from __future__ import annotations

from pathlib import Path

import httpx

from services.core.settings import TwinSettings
from services.core.tests.conftest import AppFactory, new_tenant, slack
from services.slack.app import create_app


async def test_file_backed_state_survives_a_restart(make_app: AppFactory, tmp_path: Path) -> None:
    first = make_app(data_dir=tmp_path)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=first), base_url="http://twin") as http:
        tenant = await new_tenant(http, "durable")
        token = tenant["credentials"]["bot_token"]
        channel = (await slack(http, token, "conversations.create", name="durable"))["channel"]["id"]
        posted = await slack(http, token, "chat.postMessage", channel=channel, text="still here")
        default_before = (await http.get("/_dtu/tenants/default")).json()
    first.state.runtime.store.dispose()
    assert (tmp_path / "slack.db").exists()

    second = make_app(data_dir=tmp_path)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=second), base_url="http://twin") as http:
        assert (await http.get(f"/_dtu/tenants/{tenant['id']}")).json()["credentials"] == tenant["credentials"]
        assert (await slack(http, token, "auth.test"))["team_id"] == tenant["credentials"]["team_id"]
        history = await slack(http, token, "conversations.history", channel=channel)
        assert [m["ts"] for m in history["messages"] if m.get("text") == "still here"] == [posted["ts"]]
        assert (await http.get("/_dtu/tenants/default")).json() == default_before

        # Ids drawn after a restart never collide with ids already stored.
        again = await slack(http, token, "conversations.create", name="after-restart")
        assert again["ok"] is True and again["channel"]["id"] != channel
    second.state.runtime.store.dispose()


async def test_in_memory_twins_do_not_share_state(make_app: AppFactory) -> None:
    one, two = make_app(), make_app()
    async with (
        httpx.AsyncClient(transport=httpx.ASGITransport(app=one), base_url="http://one") as a,
        httpx.AsyncClient(transport=httpx.ASGITransport(app=two), base_url="http://two") as b,
    ):
        created = await new_tenant(a, "only-in-one")
        assert (await b.get(f"/_dtu/tenants/{created['id']}")).status_code == 404
    one.state.runtime.store.dispose()
    two.state.runtime.store.dispose()


async def test_credentials_follow_the_twin_to_another_port(tmp_path: Path) -> None:
    """A data dir reopened on another port hands out URLs of the port the twin now listens on."""
    first = create_app(TwinSettings(service="slack", port=4103, data_dir=tmp_path))
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=first), base_url="http://twin") as http:
        tenant = await new_tenant(http, "moving")
        assert tenant["credentials"]["url"].startswith("http://127.0.0.1:4103")
    first.state.runtime.store.dispose()

    second = create_app(TwinSettings(service="slack", port=4999, data_dir=tmp_path))
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=second), base_url="http://twin") as http:
        moved = (await http.get(f"/_dtu/tenants/{tenant['id']}")).json()
        assert moved["base_url"] == "http://127.0.0.1:4999"
        assert moved["credentials"]["url"] == tenant["credentials"]["url"].replace(":4103", ":4999")
        assert moved["credentials"]["bot_token"] == tenant["credentials"]["bot_token"]
        default = (await http.get("/_dtu/tenants/default")).json()
        assert default["credentials"]["url"].startswith("http://127.0.0.1:4999")
    second.state.runtime.store.dispose()
