"""The fleet inspector's logic without a browser: the journal feed, form parsing, pages over a down twin."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator

import httpx
import pytest
from click.testing import CliRunner

from services.cli import main
from services.core.server import bind_socket
from services.core.testing import ThreadedServer
from services.inspector import feed
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


def test_actions_on_a_down_twin_or_with_bad_input_redirect_with_a_message(client: httpx.Client) -> None:
    down = "error=ghost+is+not+reachable"
    assert down in _redirect(client.post("/faults/ghost/on", data={"operation": "x"}))
    assert down in _redirect(client.post("/clock/ghost/default", data={"action": "freeze"}))
    assert "error=" in _redirect(client.post("/faults/slack/off", data={"rule": "abc"}))
    assert "no+tenant" in _redirect(client.post("/clock/slack/nope", data={"action": "freeze"}))
    upload = {"snapshot": ("s.json", b"[]", "application/json")}
    assert "not+a+DTU+snapshot" in _redirect(client.post("/snapshots/slack/default/restore", files=upload))
    no_file = client.post("/snapshots/slack/default/restore", data={"x": "1"})
    assert "choose+a+snapshot+file" in _redirect(no_file)
    assert "error=" in _redirect(client.get("/snapshots/ghost/default/snapshot.json"))


def test_a_cross_origin_form_is_refused(client: httpx.Client, slack: TwinServer) -> None:
    refused = client.post("/faults/slack/on", data={"operation": "x"}, headers={"origin": "http://evil.example"})
    assert refused.status_code == 403
    same_origin = {"origin": str(client.base_url).rstrip("/")}
    added = client.post("/faults/slack/on", data={"operation": "zz.none"}, headers=same_origin)
    assert "is+ON" in _redirect(added)
    slack.client.delete(f"{slack.url}/_dtu/faults")


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
