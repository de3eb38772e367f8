"""The Slack twin's web client in a browser, checked against the Web API through slack_sdk.

Each test gets a fresh workspace (`dtu_slack`) seeded with a few people and channels, signs
in (the one-click development sign-in, or Okta's OIDC sign-in page), clicks through the
client at /client/T…/C… and reads the outcome back with slack_sdk's WebClient.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from playwright.sync_api import Browser, Page, expect
from slack_sdk import WebClient

from conformance.browser import signin
from conformance.browser.signin import dev_sign_in
from conformance.okta_sso import PASSWORD, okta_admin, okta_person, wire_okta_sso
from conformance.okta_sso import SLACK as SLACK_SSO
from conformance.slack.receiver import Received, Receiver

ADMIN_EMAIL = "admin@example.com"
SEED: dict[str, Any] = {
    "users": [
        {
            "name": "alice",
            "real_name": "Alice Park",
            "email": "alice@example.com",
            "title": "Staff Engineer",
            "status_text": "Shipping the release",
            "status_emoji": ":rocket:",
        },
        {"name": "bob", "real_name": "Bob Okafor", "email": "bob@example.com", "title": "Product Manager"},
        {"name": "carol", "real_name": "Carol Diaz", "email": "carol@example.com", "title": "Designer"},
    ],
    "channels": [
        {"name": "general", "if_exists": "join", "members": ["alice", "bob", "carol"]},
        {"name": "engineering", "members": ["admin", "alice", "bob", "carol"], "topic": "Build, ship, repeat"},
        {"name": "leadership", "is_private": True, "members": ["admin", "bob"]},
        # A Slack Connect channel shared with a partner's workspace.
        {"name": "partner-acme", "members": ["admin", "alice"], "shared_with": ["T0PARTNER01"]},
    ],
    "messages": [
        {"channel": "engineering", "user": "alice", "text": "Morning! The *release branch* is cut."},
        {"channel": "engineering", "user": "bob", "text": "Great. Changelog: <https://example.com/changes|changes>"},
        {"channel": "engineering", "user": "carol", "text": "New icons are in `assets/icons` :tada:"},
    ],
}


def ids(dtu_slack: Any) -> dict[str, str]:
    """Seed the workspace: {handle or channel name: id}."""
    seeded = dtu_slack.control("POST", "/seed", json=SEED)
    assert seeded.status_code == 200, seeded.text
    found = {u["name"]: u["id"] for u in admin(dtu_slack).users_list()["members"]}
    for channel in admin(dtu_slack).conversations_list(types="public_channel,private_channel")["channels"]:
        found["#" + channel["name"]] = channel["id"]
    # A DM and a group DM of the owner's, for the sidebar.
    found["dm"] = admin(dtu_slack).conversations_open(users=found["alice"])["channel"]["id"]
    found["mpdm"] = admin(dtu_slack).conversations_open(users=f"{found['alice']},{found['bob']}")["channel"]["id"]
    admin(dtu_slack).chat_postMessage(channel=found["dm"], text="Can you review my PR today?")
    return found


def admin(dtu_slack: Any) -> WebClient:
    return WebClient(token=dtu_slack.user_token, base_url=dtu_slack.url)


def bot(dtu_slack: Any) -> WebClient:
    return WebClient(token=dtu_slack.bot_token, base_url=dtu_slack.url)


def open_channel(page: Page, dtu_slack: Any, channel_id: str) -> None:
    """Sign in as the workspace owner, then open a channel from the sidebar."""
    dev_sign_in(page, dtu_slack.base_url, "/", dtu_slack.tenant_id, ADMIN_EMAIL)
    expect(page.get_by_test_id("channel-name")).to_have_text("#general")
    page.locator(f'[data-testid="sidebar-channel"][data-id="{channel_id}"]').click()
    expect(page).to_have_url(f"{dtu_slack.base_url}/client/{dtu_slack.team_id}/{channel_id}")


def message(page: Page, text: str) -> Any:
    return page.get_by_test_id("message").filter(has_text=text)


def test_post_as_a_chosen_member_is_in_conversations_history(page: Page, dtu_slack: Any) -> None:
    known = ids(dtu_slack)
    open_channel(page, dtu_slack, known["#engineering"])
    sidebar = page.locator(f'[data-testid="sidebar-channel"][data-id="{known["#engineering"]}"]')
    expect(sidebar.get_by_test_id("member-count")).to_have_text("4")
    expect(page.locator('[data-kind="private"]')).to_contain_text("leadership")
    shared = page.locator(f'[data-testid="sidebar-channel"][data-id="{known["#partner-acme"]}"]')
    expect(shared.locator(".shared")).to_be_visible()
    expect(sidebar.locator(".shared")).to_have_count(0)
    info = admin(dtu_slack).conversations_info(channel=known["#partner-acme"])["channel"]
    assert info["is_shared"] and info["is_ext_shared"]
    assert info["shared_team_ids"] == [dtu_slack.team_id, "T0PARTNER01"]
    expect(page.locator(f'[data-testid="sidebar-dm"][data-id="{known["dm"]}"]')).to_contain_text("Alice Park")
    expect(page.locator(f'[data-testid="sidebar-dm"][data-id="{known["mpdm"]}"]')).to_contain_text(
        "Alice Park, Bob Okafor"
    )

    page.get_by_test_id("post-as").select_option(known["alice"])
    page.get_by_test_id("message-input").fill("Deploying *v2.4* to staging now")
    page.get_by_test_id("send").click()
    posted = message(page, "Deploying v2.4 to staging now")
    expect(posted.get_by_test_id("author")).to_have_text("Alice Park")
    expect(posted.locator("strong")).to_have_text("v2.4")

    latest = admin(dtu_slack).conversations_history(channel=known["#engineering"], limit=1)["messages"][0]
    assert latest["text"] == "Deploying *v2.4* to staging now"
    assert latest["user"] == known["alice"]
    # Journaled as a UI action (pages are not journaled).
    assert [e["status"] for e in dtu_slack.journal(operation="ui.chat.postMessage")] == [303]
    # Slack's emoji names are shown as emoji (an unknown one stays a name).
    expect(message(page, "New icons are in")).to_contain_text("🎉")

    # The inspector's fault toggle on ui.chat.postMessage acts on the composer: Slack's error, its status.
    dtu_slack.fault(operation="ui.chat.postMessage", kind="error", status=503, remaining=1)
    page.get_by_test_id("message-input").fill("This one fails")
    with page.expect_response(lambda r: r.url.endswith("/post")) as failed:
        page.get_by_test_id("send").click()
    assert failed.value.status == 503
    expect(page.get_by_role("alert")).to_contain_text("internal_error")
    assert "This one fails" not in [
        m["text"] for m in admin(dtu_slack).conversations_history(channel=known["#engineering"])["messages"]
    ]

    # An empty message is Slack's no_text, shown on the page (never a 500).
    page.get_by_test_id("send").click()
    expect(page.get_by_role("alert")).to_contain_text("no_text")
    # Forged form posts get Slack's errors on the page too: a bad emoji name, a bogus member.
    base = f"{dtu_slack.base_url}/client/{dtu_slack.team_id}/{known['#engineering']}"
    bad = page.request.post(f"{base}/react", form={"ts": latest["ts"], "name": "no such emoji!"})
    assert bad.status == 400 and "invalid_name" in bad.text()
    nobody = page.request.post(f"{base}/post", form={"text": "hi", "as_user": "U0NOBODY"})
    assert nobody.status == 400 and "user_not_found" in nobody.text()


def test_message_posted_through_the_api_appears_without_reload(page: Page, dtu_slack: Any) -> None:
    known = ids(dtu_slack)
    open_channel(page, dtu_slack, known["#engineering"])
    page.evaluate("window.notReloaded = true")
    sent = bot(dtu_slack).chat_postMessage(channel=known["#engineering"], text=f"Build passed for <@{known['bob']}>")
    arrived = page.locator(f'#messages [data-ts="{sent["ts"]}"]')
    expect(arrived).to_contain_text("Build passed for @Bob Okafor")
    # Reactions and reply counts change in place too.
    admin(dtu_slack).reactions_add(channel=known["#engineering"], timestamp=sent["ts"], name="white_check_mark")
    expect(arrived.locator('[data-testid="reaction"][data-name="white_check_mark"]')).to_contain_text("✅ 1")
    admin(dtu_slack).chat_postMessage(channel=known["#engineering"], thread_ts=sent["ts"], text="Nice, merging")
    expect(arrived.get_by_test_id("thread-summary")).to_have_text("1 reply")
    assert page.evaluate("window.notReloaded") is True

    # A thread open beside the channel gets new replies as they are posted.
    arrived.get_by_test_id("thread-summary").click()
    pane = page.get_by_test_id("thread-pane")
    expect(pane).to_contain_text("Nice, merging")
    page.evaluate("window.notReloaded = true")
    reply = bot(dtu_slack).chat_postMessage(
        channel=known["#engineering"], thread_ts=sent["ts"], text="Deployed to prod"
    )
    expect(pane.locator(f'[data-ts="{reply["ts"]}"]')).to_contain_text("Deployed to prod")
    expect(pane.get_by_test_id("thread-divider")).to_have_text("2 replies")
    expect(arrived.get_by_test_id("thread-summary")).to_have_text("2 replies")
    assert page.evaluate("window.notReloaded") is True


def test_message_deleted_through_the_api_leaves_without_reload(page: Page, dtu_slack: Any) -> None:
    known = ids(dtu_slack)
    channel = known["#engineering"]
    client = bot(dtu_slack)
    parent = client.chat_postMessage(channel=channel, text="Release notes draft")
    reply = client.chat_postMessage(channel=channel, thread_ts=parent["ts"], text="Typo in the second line")
    doomed = client.chat_postMessage(channel=channel, text="Wrong channel, sorry")
    open_channel(page, dtu_slack, channel)
    page.locator(f'[id="msg-{parent["ts"]}"] [data-testid="thread-summary"]').click()
    pane = page.get_by_test_id("thread-pane")
    expect(pane.locator(f'[data-ts="{reply["ts"]}"]')).to_contain_text("Typo in the second line")
    shown = page.locator(f'#messages [data-ts="{doomed["ts"]}"]')
    expect(shown).to_contain_text("Wrong channel, sorry")
    page.evaluate("window.notReloaded = true")

    # A plain message: it leaves the channel, as in Slack.
    assert client.chat_delete(channel=channel, ts=doomed["ts"])["ok"]
    expect(shown).to_have_count(0)

    # A thread parent with replies stays as Slack's tombstone, in the channel and in the thread.
    assert client.chat_delete(channel=channel, ts=parent["ts"])["ok"]
    tombstone = page.locator(f'#messages [data-ts="{parent["ts"]}"]')
    expect(tombstone.get_by_test_id("message-text")).to_have_text("This message was deleted.")
    expect(tombstone.get_by_test_id("thread-summary")).to_have_text("1 reply")
    expect(pane.locator(f'[data-ts="{parent["ts"]}"]')).to_contain_text("This message was deleted.")
    [kept] = admin(dtu_slack).conversations_replies(channel=channel, ts=parent["ts"])["messages"][:1]
    assert kept["subtype"] == "tombstone" and kept["text"] == "This message was deleted."

    # Its last reply deleted, the tombstone goes too (the twin drops it, as Slack does).
    assert client.chat_delete(channel=channel, ts=reply["ts"])["ok"]
    expect(pane.locator(f'[data-ts="{reply["ts"]}"]')).to_have_count(0)
    expect(tombstone).to_have_count(0)
    history = admin(dtu_slack).conversations_history(channel=channel)["messages"]
    assert {doomed["ts"], parent["ts"]}.isdisjoint(m["ts"] for m in history)
    assert page.evaluate("window.notReloaded") is True


def test_reaction_and_thread_reply_are_seen_by_the_api(
    page: Page, dtu_slack: Any, screenshot: Callable[[Page, str], Path]
) -> None:
    known = ids(dtu_slack)
    channel = known["#engineering"]
    parent_ts = admin(dtu_slack).conversations_history(channel=channel, oldest="0")["messages"][-1]["ts"]
    open_channel(page, dtu_slack, channel)

    first = page.locator(f'[id="msg-{parent_ts}"]')
    first.hover()
    first.get_by_test_id("emoji-select").select_option("tada")
    first.get_by_test_id("add-reaction").click()
    expect(page.locator(f'[id="msg-{parent_ts}"] [data-testid="reaction"][data-name="tada"]')).to_contain_text("1")
    reactions = admin(dtu_slack).reactions_get(channel=channel, timestamp=parent_ts)["message"]["reactions"]
    assert reactions == [{"name": "tada", "users": [known["admin"]], "count": 1}]

    # Acting as Bob (chosen in the composer): he adds :heart:, and clicking the :tada: chip adds his too.
    page.get_by_test_id("post-as").select_option(known["bob"])
    page.locator(f'[id="msg-{parent_ts}"]').hover()
    page.locator(f'[id="msg-{parent_ts}"] [data-testid="emoji-select"]').select_option("heart")
    page.locator(f'[id="msg-{parent_ts}"] [data-testid="add-reaction"]').click()
    expect(page.locator(f'[id="msg-{parent_ts}"] [data-testid="reaction"][data-name="heart"]')).to_be_visible()
    tada = page.locator(f'[id="msg-{parent_ts}"] [data-testid="reaction"][data-name="tada"]')
    tada.click()
    expect(tada).to_contain_text("2")
    # ... and as the owner again, clicking the chip removes the owner's.
    page.get_by_test_id("post-as").select_option(known["admin"])
    tada.click()
    expect(tada).to_contain_text("1")
    reactions = admin(dtu_slack).reactions_get(channel=channel, timestamp=parent_ts)["message"]["reactions"]
    assert {r["name"]: r["users"] for r in reactions} == {"tada": [known["bob"]], "heart": [known["bob"]]}
    page.get_by_test_id("post-as").select_option(known["bob"])

    page.locator(f'[id="msg-{parent_ts}"] [data-testid="reply-in-thread"]').click()
    pane = page.get_by_test_id("thread-pane")
    expect(pane).to_contain_text("release branch")
    pane.get_by_test_id("reply-input").fill("Tagging the RC after lunch :rocket:")
    pane.get_by_test_id("send-reply").click()
    expect(page.get_by_test_id("thread-pane")).to_contain_text("Tagging the RC after lunch")
    replies = admin(dtu_slack).conversations_replies(channel=channel, ts=parent_ts)["messages"]
    assert [m["text"] for m in replies[1:]] == ["Tagging the RC after lunch :rocket:"]
    assert replies[1]["user"] == known["bob"], "the member chosen in the composer"
    screenshot(page, "slack-thread")

    page.goto(f"{dtu_slack.base_url}/client/{dtu_slack.team_id}/{channel}")
    expect(page.locator(f'[id="msg-{parent_ts}"] [data-testid="thread-summary"]')).to_have_text("1 reply")
    screenshot(page, "slack-channel")


def test_profile_shows_the_okta_id_of_a_scim_provisioned_member(
    page: Page, dtu_slack: Any, screenshot: Callable[[Page, str], Path]
) -> None:
    known = ids(dtu_slack)
    okta_id = "00u1a2b3c4d5e6f7g8h9"
    # As Okta provisions: SCIM POST /Users with externalId = the Okta user id.
    created = httpx.post(
        f"{dtu_slack.base_url}/scim/v1/Users",
        headers={"Authorization": f"Bearer {dtu_slack.user_token}"},
        json={
            "schemas": ["urn:scim:schemas:core:1.0"],
            "userName": "dana",
            "externalId": okta_id,
            "name": {"givenName": "Dana", "familyName": "Whitfield"},
            "title": "Security Engineer",
            "emails": [{"value": "dana@example.com", "primary": True}],
        },
    )
    assert created.status_code == 201, created.text
    dana = created.json()["id"]
    assert admin(dtu_slack).users_info(user=dana)["user"]["profile"]["title"] == "Security Engineer"

    dev_sign_in(page, dtu_slack.base_url, "/", dtu_slack.tenant_id, ADMIN_EMAIL)
    page.goto(f"{dtu_slack.base_url}/client/{dtu_slack.team_id}/{known['#engineering']}/user_profile/{dana}")
    expect(page.get_by_test_id("profile-name")).to_have_text("Dana Whitfield")
    expect(page.get_by_test_id("okta-id")).to_have_text(okta_id)
    expect(page.get_by_test_id("profile-email")).to_have_text("dana@example.com")
    screenshot(page, "slack-profile")

    # A member not from Okta has no Okta id; a profile of someone unknown is Slack's error, not a 500.
    page.get_by_test_id("author").filter(has_text="Alice Park").first.click()
    expect(page.get_by_test_id("profile-status")).to_contain_text("Shipping the release")
    expect(page.get_by_test_id("okta-id")).to_have_count(0)
    missing = page.goto(f"{dtu_slack.base_url}/client/{dtu_slack.team_id}/{known['#engineering']}/user_profile/U0NOPE")
    assert missing is not None and missing.status == 404


@pytest.fixture
def okta_http(dtu_okta: Any) -> Iterator[httpx.Client]:
    with okta_admin(dtu_okta) as http:
        yield http


def sign_in_with_okta(page: Page, dtu_slack: Any, email: str) -> None:
    signin.sign_in_with_okta(page, f"{dtu_slack.base_url}/?tenant={dtu_slack.tenant_id}", email, PASSWORD)


def test_sign_in_through_okta(
    page: Page, dtu_slack: Any, dtu_okta: Any, okta_http: httpx.Client, screenshot: Callable[[Page, str], Path]
) -> None:
    known = ids(dtu_slack)
    # As an Okta admin sets up Slack SSO: an OIDC web app assigned to Everyone, named in the workspace.
    wire_okta_sso(dtu_okta, dtu_slack, SLACK_SSO)
    okta_person(okta_http, "alice@example.com", "Alice", "Park")
    okta_person(okta_http, "carol@example.com", "Carol", "Diaz")

    page.goto(f"{dtu_slack.base_url}/signin?tenant={dtu_slack.tenant_id}")
    expect(page.locator("#sso-sign-in")).to_have_text("Sign in with Okta")
    screenshot(page, "slack-sign-in")

    sign_in_with_okta(page, dtu_slack, "alice@example.com")
    expect(page.get_by_test_id("signed-in-as")).to_have_text("Alice Park")
    expect(page.get_by_test_id("channel-name")).to_have_text("#general")
    page.get_by_test_id("message-input").fill("Signed in through Okta")
    page.get_by_test_id("send").click()
    expect(message(page, "Signed in through Okta")).to_be_visible()
    latest = admin(dtu_slack).conversations_history(channel=known["#general"], limit=1)["messages"][0]
    assert (latest["text"], latest["user"]) == ("Signed in through Okta", known["alice"])

    # Deactivated in Slack: Okta vouches for Carol, Slack refuses her.
    deactivated = httpx.delete(
        f"{dtu_slack.base_url}/scim/v1/Users/{known['carol']}",
        headers={"Authorization": f"Bearer {dtu_slack.user_token}"},
    )
    assert deactivated.is_success
    assert admin(dtu_slack).users_info(user=known["carol"])["user"]["deleted"] is True
    page.context.clear_cookies()
    sign_in_with_okta(page, dtu_slack, "carol@example.com")
    expect(page.locator("#sso-error")).to_have_attribute("data-code", "account_inactive")
    expect(page.get_by_test_id("signed-in-as")).to_have_count(0)


def test_load_older_messages(page: Page, dtu_slack: Any) -> None:
    """The client shows the latest 100 messages; older pages come with conversations.history's `latest`."""
    known = ids(dtu_slack)
    backlog = [{"channel": "engineering", "user": "bob", "text": f"Backlog item {n}"} for n in range(1, 131)]
    assert dtu_slack.control("POST", "/seed", json={"messages": backlog}).status_code == 200
    open_channel(page, dtu_slack, known["#engineering"])
    shown = page.locator("#messages [data-testid='message']")
    expect(shown).to_have_count(100)
    expect(shown.first).to_contain_text("Backlog item 31")
    page.get_by_test_id("load-older").click()
    expect(shown).to_have_count(133)
    expect(shown.first).to_contain_text("Morning! The release branch is cut.")
    expect(page.get_by_test_id("load-older")).to_have_count(0)
    oldest = admin(dtu_slack).conversations_history(channel=known["#engineering"], limit=200)["messages"][-1]
    assert shown.first.get_attribute("data-ts") == oldest["ts"]


@pytest.fixture
def dev_sign_in_off(dtu_slack_server: Any) -> Iterator[Callable[[], None]]:
    """Turns the test server's development sign-in off (as `dtu up` without --dev-sign-in), then back on."""
    runtime = dtu_slack_server.runtime
    original = runtime.settings

    def turn_off() -> None:
        runtime.settings = dataclasses.replace(original, dev_sign_in=False)

    yield turn_off
    runtime.settings = original


def test_post_as_someone_else_only_with_dev_sign_in_or_as_an_admin(
    page: Page, browser: Browser, dtu_slack: Any, dev_sign_in_off: Callable[[], None]
) -> None:
    known = ids(dtu_slack)
    dm = f"{dtu_slack.base_url}/client/{dtu_slack.team_id}/{known['dm']}"
    dev_sign_in(page, dtu_slack.base_url, "/", dtu_slack.tenant_id, "alice@example.com")
    owner = browser.new_context(viewport={"width": 1366, "height": 820}).new_page()
    dev_sign_in(owner, dtu_slack.base_url, "/", dtu_slack.tenant_id, ADMIN_EMAIL)
    # With the development sign-in, anyone may act as anyone (a testing aid).
    page.goto(dm)
    expect(page.get_by_test_id("post-as").locator("option")).to_have_count(4)

    dev_sign_in_off()
    page.goto(dm)
    options = page.get_by_test_id("post-as").locator("option")
    expect(options).to_have_count(1)
    expect(options).to_have_attribute("value", known["alice"])
    # A forged `as_user` (the owner, into the owner's own DM) is Slack's restricted_action.
    forged = page.request.post(f"{dm}/post", form={"text": "Please approve my expenses", "as_user": known["admin"]})
    assert forged.status == 400 and "restricted_action" in forged.text()
    ts = admin(dtu_slack).conversations_history(channel=known["dm"], limit=5)["messages"][0]["ts"]
    reacted = page.request.post(f"{dm}/react", form={"ts": ts, "name": "eyes", "as_user": known["admin"]})
    assert reacted.status == 400 and "restricted_action" in reacted.text()
    page.get_by_test_id("message-input").fill("Reviewing it now")
    page.get_by_test_id("send").click()
    expect(message(page, "Reviewing it now")).to_be_visible()
    history = admin(dtu_slack).conversations_history(channel=known["dm"], limit=5)["messages"]
    assert [(m["text"], m["user"]) for m in history[:2]] == [
        ("Reviewing it now", known["alice"]),
        ("Can you review my PR today?", known["admin"]),
    ]
    assert "reactions" not in history[1]

    # A workspace owner still may.
    owner.goto(f"{dtu_slack.base_url}/client/{dtu_slack.team_id}/{known['#engineering']}")
    owner.get_by_test_id("post-as").select_option(known["bob"])
    owner.get_by_test_id("message-input").fill("Posted for Bob by the owner")
    owner.get_by_test_id("send").click()
    expect(message(owner, "Posted for Bob by the owner")).to_be_visible()
    latest = admin(dtu_slack).conversations_history(channel=known["#engineering"], limit=1)["messages"][0]
    assert (latest["text"], latest["user"]) == ("Posted for Bob by the owner", known["bob"])
    owner.context.close()


def test_a_message_posted_in_the_ui_reaches_the_events_api(page: Page, dtu_slack: Any) -> None:
    """The composer is chat.postMessage: a subscribed app gets the same `message` event."""
    known = ids(dtu_slack)
    receiver = Receiver(dtu_slack.signing_secret).start()
    try:
        path = f"/_dtu/slack/tenants/{dtu_slack.tenant_id}/apps/{dtu_slack.app_id}/events"
        body = {"request_url": receiver.url, "bot_events": ["message.channels"], "user_events": []}
        assert dtu_slack.control("POST", path, json=body).status_code == 200
        bot(dtu_slack).conversations_join(channel=known["#engineering"])
        open_channel(page, dtu_slack, known["#engineering"])
        page.get_by_test_id("post-as").select_option(known["carol"])
        page.get_by_test_id("message-input").fill("Design review at 3pm")
        page.get_by_test_id("send").click()
        expect(message(page, "Design review at 3pm")).to_be_visible()

        def is_it(received: Received) -> bool:
            return received.event.get("type") == "message" and received.event.get("text") == "Design review at 3pm"

        [delivery] = receiver.wait_for(is_it)
        assert delivery.signature_valid
        event = delivery.event
        assert (event["user"], event["channel"], event["channel_type"]) == (
            known["carol"],
            known["#engineering"],
            "channel",
        )
        posted = admin(dtu_slack).conversations_history(channel=known["#engineering"], limit=1)["messages"][0]
        assert event["ts"] == posted["ts"]
    finally:
        receiver.stop()
