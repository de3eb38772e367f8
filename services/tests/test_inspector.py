"""The fleet inspector's logic without a browser: the journal feed, form parsing, pages over a down twin."""

from __future__ import annotations

import asyncio
import html
import json
from collections.abc import Iterator
from types import SimpleNamespace
from typing import Any

import httpx
import pytest
from click.testing import CliRunner

from services.cli import main
from services.core.server import bind_socket
from services.core.testing import ThreadedServer
from services.inspector import feed, guard
from services.inspector.clock import change_from_form, parse_instant
from services.inspector.control import Fleet
from services.inspector.faults import anchor, rows, rule_from_form
from services.inspector.render import BadInput
from services.inspector.snapshots import check_snapshot, snapshot_filename
from services.pytest_plugin import TwinServer


@pytest.fixture(scope="module")
def slack() -> Iterator[TwinServer]:
    server = TwinServer("slack")
    yield server
    server.stop()


@pytest.fixture(scope="module")
def nowhere() -> str:
    """A URL nothing answers on: a twin that is down."""
    sock = bind_socket("probe", "127.0.0.1", 0)
    port = sock.getsockname()[1]
    sock.close()
    return f"http://127.0.0.1:{port}"


def test_cursor_round_trips_and_garbage_starts_afresh() -> None:
    cursor = feed.Cursor(after={"slack": 12, "okta": 3}, down={"jira"})
    again = feed.Cursor.decode(cursor.encode())
    assert again.after == {"slack": 12, "okta": 3} and again.down == {"jira"}
    for garbage in ("", "not json", "[1]", '{"after": [1], "down": "x"}'):
        assert feed.Cursor.decode(garbage) == feed.Cursor()


def test_backfill_starts_at_the_newest_entries() -> None:
    assert feed.backfill_after(None, 0) == 0  # empty journal: everything from now on
    assert feed.backfill_after(1, 50, backfill=200) == 0  # fewer than the backfill: all of them
    assert feed.backfill_after(101, 5000, backfill=200) == 100 + 4800  # a full ring buffer: its last 200


def test_merge_orders_the_fleet_by_time() -> None:
    slack = [{"service": "slack", "seq": 1, "time": 3.0}, {"service": "slack", "seq": 2, "time": 5.0}]
    okta = [{"service": "okta", "seq": 9, "time": 4.0}]
    assert [e["time"] for e in feed.merge([slack, okta])] == [3.0, 4.0, 5.0]


def test_poll_streams_new_entries_once_and_reports_a_down_twin(slack: TwinServer, nowhere: str) -> None:
    tenant = slack.new_tenant("feed")

    async def scenario() -> None:
        fleet = Fleet({"slack": slack.url, "ghost": nowhere})
        fleet.open()
        try:
            events, cursor = await feed.poll(fleet, "")
            states = {data["name"]: data["up"] for name, data in events if name == "twin"}
            assert states == {"slack": True, "ghost": False}
            httpx.post(f"{slack.url}/api/auth.test", headers={"Authorization": f"Bearer {tenant.bot_token}"})
            events, cursor = await feed.poll(fleet, cursor)
            entries = [e for name, data in events if name == "entries" for e in data]
            assert [(e["service"], e["operation"], e["tenant"]) for e in entries] == [
                ("slack", "auth.test", tenant.tenant_id)
            ]
            events, cursor = await feed.poll(fleet, cursor)
            assert events == []  # nothing new, and the down twin is not reported again
        finally:
            await fleet.close()

    asyncio.run(scenario())


class _Journal:
    """A twin's control plane as the feed sees it: a journal whose numbers we control."""

    def __init__(self, name: str, seqs: list[int]) -> None:
        self.name, self.seqs = name, seqs

    async def journal(self, after: int | None = None, limit: int = 100) -> dict[str, Any]:
        kept = [s for s in self.seqs if after is None or s > after][:limit]
        entries = [{"seq": s, "time": float(s), "operation": f"op{s}"} for s in kept]
        return {"entries": entries, "size": len(self.seqs), "capacity": 5000}


def test_poll_starts_over_when_a_twin_restarts() -> None:
    twin = _Journal("slack", [1, 2, 3, 4, 5])
    fleet: Any = SimpleNamespace(names=lambda: ["slack"], get=lambda name: twin)

    async def scenario() -> None:
        events, cursor = await feed.poll(fleet, "")
        assert [e["seq"] for name, data in events if name == "entries" for e in data] == [1, 2, 3, 4, 5]
        twin.seqs = [1, 2]  # restarted: its journal numbers from 1 again, below the cursor (5)
        events, cursor = await feed.poll(fleet, cursor)
        assert [name for name, _ in events] == ["restart", "entries"]
        assert [e["seq"] for e in events[1][1]] == [1, 2]
        assert feed.Cursor.decode(cursor).after == {"slack": 2}
        events, cursor = await feed.poll(fleet, cursor)
        assert events == []  # idle: no false restart
        twin.seqs = [1, 2, 3]
        events, cursor = await feed.poll(fleet, cursor)
        assert [(name, [e["seq"] for e in data]) for name, data in events] == [("entries", [3])]

    asyncio.run(scenario())
    assert feed.newest_seq(None, 0) is None and feed.newest_seq(101, 5000) == 5100


def test_fault_rules_from_forms() -> None:
    form = {"operation": "chat.postMessage", "kind": "rate_limit", "tenant": "T1", "probability": "0.5"}
    assert rule_from_form(form) == {
        "operation": "chat.postMessage",
        "kind": "rate_limit",
        "tenant": "T1",
        "probability": 0.5,
    }
    latency = rule_from_form({"operation": "chat.*", "kind": "latency", "latency_ms": ""})
    assert latency["latency_ms"] == 1000.0 and latency["tenant"] is None
    assert rule_from_form({"operation": "x", "kind": "error", "status": "503"})["status"] == 503
    for bad, message in (
        ({"operation": ""}, "operation"),
        ({"operation": "x", "kind": "explode"}, "kind must be one of"),
        ({"operation": "x", "probability": "2"}, "at most 1"),
        ({"operation": "x", "probability": "nan"}, "not a number"),
        ({"operation": "x", "status": "200"}, "at least 400"),
    ):
        with pytest.raises(BadInput, match=message):
            rule_from_form(bad)


def test_operation_rows_hold_exact_rules_only() -> None:
    rules = [{"id": 1, "operation": "chat.postMessage"}, {"id": 2, "operation": "chat.*"}]
    table = rows(["chat.postMessage", "chat.update"], rules)
    assert [(r.name, [x["id"] for x in r.rules]) for r in table] == [("chat.postMessage", [1]), ("chat.update", [])]
    assert anchor("GET /api/v1/users/{id}") == "op-GET--api-v1-users--id-"


def test_clock_changes_from_forms() -> None:
    assert change_from_form({"action": "advance", "amount": "2", "unit": "days"})[0] == {
        "action": "advance",
        "seconds": 172800.0,
    }
    assert change_from_form({"action": "freeze"}) == ({"action": "freeze"}, "frozen")
    assert parse_instant("2026-01-31T09:30") == 1769851800.0  # no zone given: UTC
    assert parse_instant("1769851800") == 1769851800.0
    for bad in ({"action": "advance", "amount": "x", "unit": "days"}, {"action": "rewind"}, {"action": "set"}):
        with pytest.raises(BadInput):
            change_from_form(bad)


def test_snapshot_files_are_checked_before_the_twin_sees_them() -> None:
    assert check_snapshot(b"") is not None
    assert "not JSON" in (check_snapshot(b"{oops") or "")
    assert "not text" in (check_snapshot(b"\xff\xfe\x00") or "")
    assert "not a DTU snapshot" in (check_snapshot(b'{"tables": {}}') or "")
    assert check_snapshot(json.dumps({"format": "dtu.snapshot"}).encode()) is None
    assert snapshot_filename("slack", "t/1", 0) == "dtu-snapshot-slack-t-1-19700101T000000Z.json"


@pytest.fixture(scope="module")
def client(slack: TwinServer, nowhere: str) -> Iterator[httpx.Client]:
    """The inspector served over the slack twin and a twin that is down, as `dtu up` serves it."""
    from services.inspector.app import build_inspector

    app = build_inspector({"slack": slack.url, "ghost": nowhere})
    with ThreadedServer(app, name="inspector") as server, httpx.Client(base_url=server.url, timeout=10.0) as http:
        yield http


@pytest.mark.parametrize("path", ["/", "/journal", "/faults", "/faults?twin=ghost", "/clock", "/snapshots"])
def test_pages_show_a_down_twin_readably(client: httpx.Client, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 200
    if path != "/journal":
        assert "ghost is not reachable" in response.text


def _redirect(response: httpx.Response) -> str:
    assert response.status_code == 303, response.text
    location: str = response.headers["location"]
    return location


def _message(client: httpx.Client, response: httpx.Response) -> str:
    """The page an action redirects to, as shown: its message travels signed (`?flash=`), never as text."""
    location = _redirect(response)
    assert "flash=" in location and "error=" not in location and "notice=" not in location
    shown = client.get(location)
    assert shown.status_code == 200
    return html.unescape(shown.text)


def test_actions_on_a_down_twin_or_with_bad_input_redirect_with_a_message(client: httpx.Client) -> None:
    down = "ghost is not reachable"
    assert down in _message(client, client.post("/faults/ghost/on", data={"operation": "x"}))
    assert down in _message(client, client.post("/clock/ghost/default", data={"action": "freeze"}))
    assert "rule id: 'abc' is not a number" in _message(client, client.post("/faults/slack/off", data={"rule": "abc"}))
    assert "no tenant" in _message(client, client.post("/clock/slack/nope", data={"action": "freeze"}))
    upload = {"snapshot": ("s.json", b"[]", "application/json")}
    assert "not a DTU snapshot" in _message(client, client.post("/snapshots/slack/default/restore", files=upload))
    no_file = client.post("/snapshots/slack/default/restore", data={"x": "1"})
    assert "choose a snapshot file" in _message(client, no_file)
    assert down in _message(client, client.get("/snapshots/ghost/default/snapshot.json"))


def test_a_crafted_link_cannot_put_a_message_on_a_page(client: httpx.Client) -> None:
    forged = "Your DTU licence expired: reinstall from evil.example"
    for query in ({"notice": forged}, {"error": forged}, {"flash": forged}):
        page = client.get("/", params=query)
        assert page.status_code == 200
        assert "evil.example" not in page.text
    genuine = client.post("/clock/slack/nope", data={"action": "freeze"}).headers["location"]
    token = genuine.split("flash=", 1)[1].split("#")[0]
    assert "no tenant" in html.unescape(client.get("/faults", params={"flash": token}).text)  # signed: shown anywhere
    assert "no tenant" not in html.unescape(client.get("/", params={"flash": token[:-2] + "xx"}).text)


def test_a_cross_origin_form_is_refused(client: httpx.Client, slack: TwinServer) -> None:
    own = str(client.base_url).rstrip("/")
    port = client.base_url.port or 80
    refused = [
        {"origin": "http://evil.example"},
        {"origin": "null"},  # a sandboxed frame or a file: page
        {"origin": f"http://127.0.0.1:{port + 1}"},  # another local server's page
        {"origin": f"https://127.0.0.1:{port}"},
        {"sec-fetch-site": "cross-site"},  # a browser that leaves the Origin out
        {"sec-fetch-site": "same-site"},
    ]
    for headers in refused:
        assert client.post("/faults/slack/on", data={"operation": "x"}, headers=headers).status_code == 403, headers
    allowed = [
        {"origin": own},
        {"origin": f"http://localhost:{port}"},
        {"origin": f"http://[::1]:{port}"},
        {"sec-fetch-site": "same-origin"},
        {"sec-fetch-site": "none"},
        {},  # not a browser (curl, httpx): nothing to forge a form with
    ]
    for headers in allowed:
        added = client.post("/faults/slack/on", data={"operation": "zz.none"}, headers=headers)
        assert "is ON" in _message(client, added), headers
    slack.client.delete(f"{slack.url}/_dtu/faults")


def test_only_loopback_hosts_on_its_own_port_are_answered(client: httpx.Client) -> None:
    """DNS rebinding: another site's name pointed at 127.0.0.1 still says its name in the Host header."""
    port = client.base_url.port or 80
    for host in (
        "evil.example",
        f"evil.example:{port}",
        f"127.0.0.1:{port + 1}",
        "127.0.0.1",
        f"user@127.0.0.1:{port}",
        "",
    ):
        assert client.get("/", headers={"host": host}).status_code == 403, host
        assert client.get("/journal/stream", headers={"host": host}).status_code == 403, host
    refused = client.post(
        "/clock/slack/default", data={"action": "freeze"}, headers={"host": f"rebound.example:{port}"}
    )
    assert refused.status_code == 403
    for host in (f"127.0.0.1:{port}", f"localhost:{port}", f"LOCALHOST:{port}", f"[::1]:{port}"):
        assert client.get("/", headers={"host": host}).status_code == 200, host


def test_host_and_origin_rules() -> None:
    assert guard.host_allowed("localhost:4100", "http", 4100)
    assert guard.host_allowed("[::1]:4100", "http", 4100)
    assert guard.host_allowed("localhost", "http", 80)  # the default port is left out
    assert not guard.host_allowed("localhost:abc", "http", 4100)
    assert not guard.host_allowed("[::1:4100", "http", 4100)
    assert not guard.host_allowed("127.0.0.2:4100", "http", 4100)
    assert guard.origin_allowed("http://127.0.0.1:4100", "http", 4100)
    assert not guard.origin_allowed("http://127.0.0.1:4100/path", "http", 4100)
    assert not guard.origin_allowed("http://127.0.0.1.evil.example:4100", "http", 4100)


def test_up_reports_the_inspector_port_in_use() -> None:
    sock = bind_socket("probe", "127.0.0.1", 0)
    twin = bind_socket("probe", "127.0.0.1", 0)
    twin_port = twin.getsockname()[1]
    twin.close()
    try:
        port = sock.getsockname()[1]
        args = ["up", "--services", "slack", "--port", f"slack={twin_port}", "--inspector-port", str(port)]
        result = CliRunner().invoke(main, args)
        assert result.exit_code == 2
        assert f"inspector: port {port} on 127.0.0.1 is already in use" in result.output
        assert "--inspector-port PORT" in result.output
    finally:
        sock.close()


def test_up_goes_on_without_the_inspector_when_its_default_port_is_taken(capsys: pytest.CaptureFixture[str]) -> None:
    from services.cli import _bind_inspector
    from services.core.server import PortInUse
    from services.inspector.app import DEFAULT_PORT

    try:
        holder = bind_socket("probe", "127.0.0.1", DEFAULT_PORT)
    except PortInUse:
        holder = None  # something already serves there: taken all the same
    try:
        assert _bind_inspector(None) is None
        assert "starting without the inspector" in capsys.readouterr().err
    finally:
        if holder is not None:
            holder.close()


def test_standalone_inspector_refuses_a_bad_twin() -> None:
    result = CliRunner().invoke(main, ["inspector", "--twin", "slack"])
    assert result.exit_code == 2 and "expected NAME=URL" in result.output
