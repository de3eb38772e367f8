"""Tenant isolation, reset and snapshot/restore, through the control plane and the Slack Web API."""

from __future__ import annotations

import httpx

from services.core.tests.conftest import new_tenant, slack


async def test_a_token_of_one_tenant_never_sees_another(client: httpx.AsyncClient) -> None:
    a = await new_tenant(client, "A")
    b = await new_tenant(client, "B")
    seeded = await client.post(
        f"/_dtu/tenants/{b['id']}/seed",
        json={
            "channels": [{"name": "b-secret", "members": ["admin"]}],
            "messages": [{"channel": "b-secret", "text": "hi"}],
        },
    )
    assert seeded.status_code == 200, seeded.text
    b_channel = seeded.json()["created"]["channels"][0]
    token_a = a["credentials"]["bot_token"]

    listed = await slack(client, token_a, "conversations.list", types="public_channel,private_channel")
    names = {c["name"] for c in listed["channels"]}
    assert "b-secret" not in names
    assert {"general", "random"} <= names

    assert (await slack(client, token_a, "conversations.info", channel=b_channel))["error"] == "channel_not_found"
    assert (await slack(client, token_a, "conversations.history", channel=b_channel))["error"] == "channel_not_found"
    b_admin = b["credentials"]["admin_user_id"]
    assert (await slack(client, token_a, "users.info", user=b_admin))["error"] == "user_not_found"
    users = await slack(client, token_a, "users.list")
    assert b_admin not in {u["id"] for u in users["members"]}

    who = await slack(client, token_a, "auth.test")
    assert who["team_id"] == a["credentials"]["team_id"] != b["credentials"]["team_id"]


async def test_tenants_have_distinct_credentials(client: httpx.AsyncClient) -> None:
    a = await new_tenant(client, "A")
    b = await new_tenant(client, "B")
    for key in ("bot_token", "user_token", "signing_secret", "client_secret", "team_id"):
        assert a["credentials"][key] != b["credentials"][key], key


async def test_deleting_a_tenant_revokes_its_tokens(client: httpx.AsyncClient) -> None:
    a = await new_tenant(client, "A")
    token = a["credentials"]["bot_token"]
    assert (await slack(client, token, "auth.test"))["ok"] is True
    assert (await client.delete(f"/_dtu/tenants/{a['id']}")).status_code == 204
    assert (await slack(client, token, "auth.test"))["error"] == "invalid_auth"
    assert (await client.get(f"/_dtu/tenants/{a['id']}")).status_code == 404


async def test_reset_recreates_the_default_tenant_with_the_same_credentials(client: httpx.AsyncClient) -> None:
    before = (await client.get("/_dtu/tenants/default")).json()
    token = before["credentials"]["bot_token"]
    created = await slack(client, token, "conversations.create", name="temporary")
    assert created["ok"] is True
    other = await new_tenant(client, "other")

    response = await client.post("/_dtu/reset")
    assert response.json() == {"status": "reset", "tenants": ["default"]}

    after = (await client.get("/_dtu/tenants/default")).json()
    for key in ("bot_token", "user_token", "signing_secret", "client_id", "client_secret"):
        assert after["credentials"][key] == before["credentials"][key], key
    assert (await slack(client, token, "auth.test"))["ok"] is True
    names = {c["name"] for c in (await slack(client, token, "conversations.list"))["channels"]}
    assert "temporary" not in names
    assert (await client.get(f"/_dtu/tenants/{other['id']}")).status_code == 404
    assert (await slack(client, other["credentials"]["bot_token"], "auth.test"))["error"] == "invalid_auth"


async def test_snapshot_mutate_restore_round_trip(client: httpx.AsyncClient) -> None:
    tenant = await new_tenant(client, "snap")
    token = tenant["credentials"]["bot_token"]
    base = f"/_dtu/tenants/{tenant['id']}"
    channel = (await slack(client, token, "conversations.create", name="kept"))["channel"]["id"]
    assert (await slack(client, token, "chat.postMessage", channel=channel, text="before"))["ok"] is True

    snapshot = (await client.get(f"{base}/snapshot")).json()
    assert (snapshot["format"], snapshot["version"], snapshot["service"]) == ("dtu.snapshot", 1, "slack")

    await slack(client, token, "chat.postMessage", channel=channel, text="after")
    await slack(client, token, "conversations.create", name="added-later")
    await slack(client, token, "conversations.rename", channel=channel, name="renamed")
    assert (await client.get(f"{base}/snapshot")).json()["tables"] != snapshot["tables"]

    restored = await client.post(f"{base}/restore", json=snapshot)
    assert restored.status_code == 200, restored.text
    assert (await client.get(f"{base}/snapshot")).json()["tables"] == snapshot["tables"]

    history = await slack(client, token, "conversations.history", channel=channel)
    assert [m["text"] for m in history["messages"] if m.get("subtype") is None] == ["before"]
    assert (await slack(client, token, "auth.test"))["ok"] is True, "the token survives the restore"


async def test_restore_refuses_what_is_not_a_snapshot(client: httpx.AsyncClient) -> None:
    tenant = await new_tenant(client, "snap")
    base = f"/_dtu/tenants/{tenant['id']}"
    for document in ({}, {"format": "dtu.snapshot", "version": 99}, {"format": "dtu.snapshot", "version": 1}):
        assert (await client.post(f"{base}/restore", json=document)).status_code == 400
    snapshot = (await client.get(f"{base}/snapshot")).json()
    snapshot["tables"]["no_such_table"] = []
    assert (await client.post(f"{base}/restore", json=snapshot)).status_code == 400


async def test_clock_control_reaches_the_tenant(client: httpx.AsyncClient) -> None:
    tenant = await new_tenant(client, "clock")
    base = f"/_dtu/tenants/{tenant['id']}/clock"
    frozen = (await client.post(base, json={"action": "freeze", "at": 1_700_000_000})).json()
    assert frozen["frozen"] is True and frozen["now"] == 1_700_000_000
    advanced = (await client.post(base, json={"action": "advance", "seconds": 60})).json()
    assert advanced["now"] == 1_700_000_060
    default_clock = (await client.get("/_dtu/clock")).json()
    assert default_clock["frozen"] is False, "another tenant's clock is untouched"
    assert (await client.post(base, json={"action": "rewind"})).status_code == 400


def test_rebase_urls_moves_nested_urls_and_leaves_the_rest() -> None:
    from services.core.tenants import rebase_urls

    credentials = {
        "token": "xoxb-1",
        "issuer": "http://127.0.0.1:4101/oauth2/default",
        "service_account": {"token_uri": "http://127.0.0.1:4101/token", "other": "http://elsewhere/x"},
        "urls": ["http://127.0.0.1:4101", 3],
    }
    assert rebase_urls(credentials, "http://127.0.0.1:4101", "https://127.0.0.1:5000") == {
        "token": "xoxb-1",
        "issuer": "https://127.0.0.1:5000/oauth2/default",
        "service_account": {"token_uri": "https://127.0.0.1:5000/token", "other": "http://elsewhere/x"},
        "urls": ["https://127.0.0.1:5000", 3],
    }
