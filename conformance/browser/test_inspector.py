"""The fleet inspector (services/inspector) driven in a browser over real twins.

Slack, Okta and Jira twins are served by the pytest plugin; the inspector is served
on its own port over their URLs, as `dtu up` does. What the UI does is checked
through slack_sdk and the twins' control planes.
"""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
from playwright.sync_api import Locator, Page, expect
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from services.core.testing import ThreadedServer
from services.inspector.app import build_inspector

DAY = 86400.0
SEED = {
    "users": [
        {"name": "alice", "real_name": "Alice Doe", "email": "alice@example.com", "title": "Engineer"},
        {"name": "bob", "real_name": "Bob Martin", "email": "bob@example.com", "title": "SRE"},
    ],
    "channels": [{"name": "eng", "members": ["alice", "bob", "admin"], "topic": "Engineering"}],
    "messages": [{"channel": "eng", "user": "alice", "text": "Deploy at 3pm"}],
}


@pytest.fixture(scope="module")
def inspector(dtu_slack_server: Any, dtu_okta_server: Any, dtu_jira_server: Any) -> Iterator[str]:
    urls = {"okta": dtu_okta_server.url, "jira": dtu_jira_server.url, "slack": dtu_slack_server.url}
    with ThreadedServer(build_inspector(urls), name="inspector") as server:
        yield server.url


@pytest.fixture
def slack(dtu_slack: Any) -> WebClient:
    """The workspace owner's user token, on a workspace with a few people and #eng."""
    dtu_slack.control("POST", "/seed", json=SEED).raise_for_status()
    return WebClient(token=dtu_slack.user_token, base_url=dtu_slack.url)


def _okta_traffic(dtu_okta: Any) -> None:
    """A couple of Okta Management API calls, so the journal is the fleet's, not only Slack's."""
    headers = {"Authorization": f"SSWS {dtu_okta.api_token}", "Accept": "application/json"}
    httpx.get(f"{dtu_okta.base_url}/api/v1/users", headers=headers).raise_for_status()
    httpx.get(f"{dtu_okta.base_url}/api/v1/groups", headers=headers).raise_for_status()


def check_filter(entry: Locator, set_to: Callable[[str], object], hides: str, shows: str) -> None:
    """The journal filter set to `hides` hides `entry`; set to `shows`, shows it again."""
    set_to(hides)
    expect(entry).to_be_hidden()
    set_to(shows)
    expect(entry).to_be_visible()


def test_journal_streams_new_entries_live_and_filters_them(
    page: Page, inspector: str, slack: WebClient, dtu_slack: Any, dtu_okta: Any, screenshot: Callable[..., Path]
) -> None:
    page.goto(f"{inspector}/journal")
    expect(page.get_by_test_id("live")).to_have_text("live")
    _okta_traffic(dtu_okta)

    slack.chat_postMessage(channel="#eng", text="Release 1.4 is out")
    entry = page.locator(
        f'tr[data-testid="entry"][data-operation="chat.postMessage"][data-tenant="{dtu_slack.tenant_id}"]'
    )
    expect(entry).to_have_count(1)  # arrived without a reload
    expect(entry).to_contain_text("200")
    expect(page.locator(f'tr[data-testid="entry"][data-tenant="{dtu_okta.tenant_id}"]').first).to_be_visible()

    check_filter(entry, page.get_by_test_id("filter-service").select_option, hides="okta", shows="slack")
    check_filter(entry, page.get_by_test_id("filter-status").select_option, hides="5", shows="2")
    check_filter(entry, page.get_by_test_id("filter-text").fill, hides="users.list", shows="postMessage")

    # A filtered page still streams: a second post arrives, a failing call is kept out by the 2xx filter.
    # (Slack answers a bad token with HTTP 200 and "ok": false, as the real Slack does: the failing
    # call is Okta's, whose bad API token is a 401.)
    slack.chat_postMessage(channel="#eng", text="Changelog in the wiki")
    expect(entry).to_have_count(2)
    marker = f"inspector-{uuid.uuid4().hex[:8]}"
    refused = httpx.get(
        f"{dtu_okta.base_url}/api/v1/users",
        params={"q": marker},
        headers={"Authorization": "SSWS not-a-token", "Accept": "application/json"},
    )
    assert refused.status_code == 401 and refused.json()["errorCode"] == "E0000011"
    page.get_by_test_id("filter-text").fill("")
    page.get_by_test_id("filter-service").select_option("")
    failing = page.locator('tr[data-testid="entry"][data-service="okta"][data-status="401"]').filter(has_text=marker)
    expect(failing).to_have_count(1)  # arrived, but hidden by the 2xx filter
    expect(failing).to_be_hidden()
    check_filter(failing, page.get_by_test_id("filter-status").select_option, hides="2", shows="4")
    check_filter(failing, page.get_by_test_id("filter-status").select_option, hides="5", shows="400+")
    expect(entry.first).to_be_hidden()  # the 2xx posts, under the errors filter
    page.get_by_test_id("filter-status").select_option("")
    expect(entry.first).to_be_visible()

    entry.first.click()
    detail = page.get_by_test_id("entry-detail")
    expect(detail.get_by_test_id("detail-operation")).to_have_text("chat.postMessage")
    expect(detail.get_by_test_id("detail-response")).to_contain_text("Changelog in the wiki")
    expect(detail.get_by_test_id("detail-latency")).to_contain_text("ms")
    screenshot(page, "inspector-journal")


def test_fault_toggle_makes_the_sdk_fail_and_untoggle_heals_it(
    page: Page, inspector: str, slack: WebClient, dtu_slack: Any, screenshot: Callable[..., Path]
) -> None:
    slack.chat_postMessage(channel="#eng", text="before the fault")
    page.goto(f"{inspector}/faults?twin=slack")
    page.get_by_test_id("operation-filter").fill("chat.post")
    row = page.get_by_test_id("operation-chat.postMessage")
    row.get_by_test_id("kind").select_option("rate_limit")
    row.get_by_test_id("tenant").select_option(dtu_slack.tenant_id)
    row.get_by_test_id("toggle").check()
    expect(page.locator(".notice")).to_contain_text("rate_limit fault on chat.postMessage")
    expect(page.get_by_test_id("operation-chat.postMessage").get_by_test_id("toggle")).to_be_checked()

    with pytest.raises(SlackApiError) as failure:
        slack.chat_postMessage(channel="#eng", text="during the fault")
    assert failure.value.response.status_code == 429
    assert failure.value.response["error"] == "ratelimited"

    page.goto(f"{inspector}/faults?twin=slack")  # the top of the page: the active rules
    rule = page.locator("#active-rules tbody tr").filter(has_text="chat.postMessage")
    expect(rule.get_by_test_id("rule-fired")).to_contain_text("1")
    screenshot(page, "inspector-faults")

    page.get_by_test_id("operation-chat.postMessage").get_by_test_id("toggle").uncheck()
    expect(page.locator(".notice")).to_contain_text("is OFF")
    expect(page.locator("#no-rules")).to_be_visible()
    assert slack.chat_postMessage(channel="#eng", text="after the fault")["ok"]


def test_bad_fault_input_shows_a_message(page: Page, inspector: str, dtu_slack_server: Any) -> None:
    def rules() -> list[dict[str, Any]]:
        found: list[dict[str, Any]] = dtu_slack_server.client.get(f"{dtu_slack_server.url}/_dtu/faults").json()[
            "faults"
        ]
        return found

    before = rules()
    page.goto(f"{inspector}/faults?twin=slack")
    page.get_by_test_id("glob-operation").fill("chat.*")
    page.get_by_test_id("glob-probability").fill("lots")
    page.get_by_test_id("glob-form").get_by_role("button", name="Add rule").click()
    expect(page.locator(".alert")).to_contain_text("probability: 'lots' is not a number")
    assert rules() == before  # refused: no rule reached the twin


def test_freeze_and_advance_a_tenant_clock(
    page: Page,
    inspector: str,
    slack: WebClient,
    dtu_slack: Any,
    dtu_slack_server: Any,
    screenshot: Callable[..., Path],
) -> None:
    slack_other = dtu_slack_server.new_tenant("clock-running")  # a clock left running, beside the frozen one
    page.goto(f"{inspector}/clock")
    row = page.get_by_test_id(f"clock-slack-{dtu_slack.tenant_id}")
    row.get_by_test_id("advance-amount").fill("soon")
    row.get_by_test_id("advance").click()
    expect(page.locator(".alert")).to_contain_text("'soon' is not a number")

    row = page.get_by_test_id(f"clock-slack-{dtu_slack.tenant_id}")
    row.get_by_test_id("freeze").click()
    row = page.get_by_test_id(f"clock-slack-{dtu_slack.tenant_id}")
    expect(row.get_by_test_id("clock-state")).to_have_text("frozen")
    frozen_at = dtu_slack.control("GET", "/clock").json()["now"]

    row.get_by_test_id("advance-amount").fill("1")
    row.get_by_test_id("advance-unit").select_option("days")
    row.get_by_test_id("advance").click()
    expect(page.locator(".notice")).to_contain_text("advanced by 1 day")

    clock = dtu_slack.control("GET", "/clock").json()
    assert clock["frozen"] is True
    assert clock["now"] == pytest.approx(frozen_at + DAY)
    ts = float(slack.chat_postMessage(channel="#eng", text="from tomorrow")["ts"])
    assert ts == pytest.approx(frozen_at + DAY, abs=1)

    expect(page.get_by_test_id(f"clock-slack-{dtu_slack.tenant_id}").get_by_test_id("clock-state")).to_have_text(
        "frozen"
    )
    screenshot(page, "inspector-clock")

    # The page ticks by itself: a running clock moves without a reload, a frozen one stands still.
    frozen_now = page.get_by_test_id(f"clock-slack-{dtu_slack.tenant_id}").get_by_test_id("clock-now")
    shown_frozen = frozen_now.inner_text()
    running = page.get_by_test_id(f"clock-slack-{slack_other.tenant_id}")
    expect(running.get_by_test_id("clock-state")).to_have_text("running")
    running_now = running.get_by_test_id("clock-now")
    expect(running_now).not_to_have_text(running_now.inner_text(), timeout=5000)
    expect(frozen_now).to_have_text(shown_frozen)
    page.get_by_test_id(f"clock-slack-{dtu_slack.tenant_id}").get_by_test_id("unfreeze").click()
    expect(page.get_by_test_id(f"clock-slack-{dtu_slack.tenant_id}").get_by_test_id("clock-state")).to_have_text(
        "running"
    )
    thawed = page.get_by_test_id(f"clock-slack-{dtu_slack.tenant_id}").get_by_test_id("clock-now")
    expect(thawed).not_to_have_text(thawed.inner_text(), timeout=5000)


def test_clock_changed_elsewhere_shows_without_reload(page: Page, inspector: str, dtu_slack: Any) -> None:
    page.goto(f"{inspector}/clock")
    row = page.get_by_test_id(f"clock-slack-{dtu_slack.tenant_id}")
    expect(row.get_by_test_id("clock-state")).to_have_text("running")
    page.evaluate("window.notReloaded = true")

    # Frozen and advanced through the control plane (as an SDK test does), not through the page.
    dtu_slack.control("POST", "/clock", json={"action": "freeze"}).raise_for_status()
    expect(row.get_by_test_id("clock-state")).to_have_text("frozen")
    expect(row.get_by_test_id("unfreeze")).to_be_visible()
    clock = dtu_slack.advance_clock(DAY)
    shown = datetime.fromtimestamp(clock["now"], tz=UTC).strftime("%Y-%m-%d %H:%M:%S UTC")
    expect(row.get_by_test_id("clock-now")).to_have_text(shown)
    # A frozen clock's offset from real time grows as real time passes: about a day ahead.
    expect(row.get_by_test_id("clock-offset")).to_have_text(re.compile(r"^\+86[34]\d\d s$"))
    assert page.evaluate("window.notReloaded") is True

    # Unfrozen elsewhere: it runs again on the page, and its toggle offers Freeze.
    dtu_slack.control("POST", "/clock", json={"action": "unfreeze"}).raise_for_status()
    expect(row.get_by_test_id("clock-state")).to_have_text("running")
    expect(row.get_by_test_id("freeze")).to_be_visible()
    expect(row.get_by_test_id("clock-now")).not_to_have_text(row.get_by_test_id("clock-now").inner_text())


def test_snapshot_download_and_restore_undoes_a_change(
    page: Page, inspector: str, slack: WebClient, dtu_slack: Any, tmp_path: Path, screenshot: Callable[..., Path]
) -> None:
    page.goto(f"{inspector}/snapshots")
    row = page.get_by_test_id(f"snapshot-slack-{dtu_slack.tenant_id}")
    with page.expect_download() as downloading:
        row.get_by_test_id("take").click()
    download = downloading.value
    assert download.suggested_filename.startswith(f"dtu-snapshot-slack-{dtu_slack.tenant_id}")
    saved = tmp_path / download.suggested_filename
    download.save_as(saved)
    assert json.loads(saved.read_text())["format"] == "dtu.snapshot"

    slack.conversations_create(name="after-snapshot")
    assert "after-snapshot" in _channels(slack)

    broken = tmp_path / "broken.json"
    broken.write_text("{not json")
    row.get_by_test_id("restore-file").set_input_files(broken)
    row.get_by_test_id("restore").click()
    expect(page.locator(".alert")).to_contain_text("the file is not JSON")

    row = page.get_by_test_id(f"snapshot-slack-{dtu_slack.tenant_id}")
    row.get_by_test_id("restore-file").set_input_files(saved)
    row.get_by_test_id("restore").click()
    expect(page.locator(".notice")).to_contain_text(f"slack / {dtu_slack.tenant_id}: restored")
    assert "after-snapshot" not in _channels(slack)
    assert "eng" in _channels(slack)
    screenshot(page, "inspector-snapshots")


def _channels(slack: WebClient) -> set[str]:
    return {c["name"] for c in slack.conversations_list(types="public_channel")["channels"]}


def test_overview_shows_every_twin_up_with_its_tenants(
    page: Page, inspector: str, slack: WebClient, dtu_slack: Any, dtu_okta: Any, screenshot: Callable[..., Path]
) -> None:
    page.goto(inspector)
    for name in ("okta", "jira", "slack"):
        expect(page.get_by_test_id(f"twin-{name}").get_by_test_id("twin-status")).to_have_text("up")
        expect(page.get_by_test_id(f"tenant-{name}-default")).to_be_visible()
    expect(page.get_by_test_id(f"tenant-slack-{dtu_slack.tenant_id}")).to_be_visible()
    expect(page.get_by_test_id(f"tenant-okta-{dtu_okta.tenant_id}")).to_be_visible()
    link = page.get_by_test_id(f"tenant-slack-{dtu_slack.tenant_id}").get_by_role("link", name="Web UI")
    expect(link).to_have_attribute("href", f"{dtu_slack.base_url}/?tenant={dtu_slack.tenant_id}")
    screenshot(page, "inspector-overview")
