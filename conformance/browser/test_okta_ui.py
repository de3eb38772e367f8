"""The Okta twin's web UI, clicked through in Chromium and checked with the official okta SDK.

The SDK refuses plain http, so the org is served over HTTPS (`dtu_okta_tls`) and the SDK
is handed an aiohttp session that trusts the local CA (see conformance/okta/test_https.py).
Each test gets a fresh org seeded with a few people, groups and bookmark apps.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import aiohttp
import httpx
import pytest
from okta.client import Client
from playwright.sync_api import Page, expect

from conformance.browser.signin import dev_sign_in
from conformance.okta.receiver import Receiver

PASSWORD = "Correct-Horse-Battery-9"
PEOPLE = [
    ("Grace", "Hopper", ["Engineering"]),
    ("Ada", "Lovelace", ["Engineering"]),
    ("Alan", "Turing", ["Engineering", "Contractors"]),
    ("Katherine", "Johnson", ["Finance"]),
    ("Margaret", "Hamilton", ["Sales"]),
    ("Linus", "Pauling", ["Sales"]),
]
GROUPS = [
    ("Engineering", "Builds the product"),
    ("Sales", "Sells the product"),
    ("Finance", "Counts the money"),
    ("Contractors", "External staff"),
]
# Bookmark apps (visible as dashboard tiles), and the group each is assigned to.
APPS = [("Zoom", "https://zoom.us", "Engineering"), ("Salesforce", "https://login.salesforce.com", "Sales")]
APPS += [("Expensify", "https://www.expensify.com", None)]


def login_of(first: str, last: str) -> str:
    return f"{first.lower()}.{last.lower()}@example.com"


def sdk(org: Any, work: Callable[[Client], Awaitable[Any]]) -> Any:
    """Run `work` with an okta SDK client that trusts the twin's CA.

    The SDK is async and Playwright's sync API keeps its own event loop running in this
    thread, so the SDK gets a loop of its own in a worker thread.
    """

    async def main() -> Any:
        client = Client({"orgUrl": org.org_url, "token": org.api_token, "rateLimit": {"maxRetries": 2}})
        connector = aiohttp.TCPConnector(ssl=org.ssl_context())
        async with aiohttp.ClientSession(connector=connector) as session:
            client.get_request_executor().set_session(session)
            return await work(client)

    with ThreadPoolExecutor(max_workers=1) as worker:
        return worker.submit(asyncio.run, main()).result()


@pytest.fixture
def org(dtu_okta_tls: Any) -> Any:
    """A fresh org with realistic people, groups and apps (seeded, and apps created through the API)."""
    document = {
        "groups": [{"name": name, "description": text} for name, text in GROUPS],
        "users": [
            {
                "profile": {
                    "login": login_of(first, last),
                    "email": login_of(first, last),
                    "firstName": first,
                    "lastName": last,
                },
                "password": PASSWORD,
                "groups": groups,
            }
            for first, last, groups in PEOPLE
        ],
    }
    response = dtu_okta_tls.control("POST", "/seed", json=document)
    assert response.status_code == 200, response.text
    created = response.json()["created"]
    groups = {g["name"]: g["id"] for g in created["groups"]}
    dtu_okta_tls.users = {u["login"]: u["id"] for u in created["users"]}
    api = httpx.Client(
        base_url=dtu_okta_tls.org_url,
        headers={"Authorization": f"SSWS {dtu_okta_tls.api_token}"},
        verify=dtu_okta_tls.ssl_context(),
    )
    apps = {}
    with api:
        for label, url, group in APPS:
            body = {
                "name": "bookmark",
                "label": label,
                "signOnMode": "BOOKMARK",
                "settings": {"app": {"requestIntegration": False, "url": url}},
            }
            created = api.post("/api/v1/apps", json=body)
            assert created.status_code == 200, created.text
            apps[label] = created.json()
            if group:
                assert api.put(f"/api/v1/apps/{apps[label]['id']}/groups/{groups[group]}", json={}).status_code == 200
    dtu_okta_tls.groups = groups
    dtu_okta_tls.apps = apps
    return dtu_okta_tls


def admin_api(org: Any) -> httpx.Client:
    return httpx.Client(
        base_url=org.org_url, headers={"Authorization": f"SSWS {org.api_token}"}, verify=org.ssl_context()
    )


def sign_in(page: Page, org: Any, username: str, password: str, path: str = "/admin/users") -> None:
    page.goto(f"{org.base_url}{path}?tenant={org.tenant_id}")
    page.fill("#sign-in-username", username)
    page.fill("#sign-in-password", password)
    page.click("#sign-in-submit")


def test_admin_signs_in_with_password_and_searches_people(page: Page, org: Any, screenshot: Any) -> None:
    page.goto(f"{org.base_url}/admin/users?tenant={org.tenant_id}")
    expect(page).to_have_url(re.compile(r"/login/login\.htm"))
    expect(page.locator('[data-testid="dev-sign-in"]').first).to_be_visible()
    screenshot(page, "okta-sign-in")

    page.fill("#sign-in-username", org.admin_login)
    page.fill("#sign-in-password", org.admin_password)
    page.click("#sign-in-submit")
    expect(page).to_have_url(re.compile(r"/admin/users"))
    rows = page.locator('[data-testid="person-row"]')
    expect(rows).to_have_count(len(PEOPLE) + 1)  # the seeded people and the org's admin
    screenshot(page, "okta-users")

    page.fill('[data-testid="people-search"]', "grace")
    page.click("#people-search-submit")
    expect(rows).to_have_count(1)
    expect(rows.first).to_have_attribute("data-login", login_of("Grace", "Hopper"))

    async def search(client: Client) -> list[str]:
        found, _, err = await client.list_users(q="grace")
        assert err is None, err
        return [user.profile.login for user in found]

    assert sdk(org, search) == [login_of("Grace", "Hopper")]


def test_deactivate_in_the_console_is_seen_by_the_sdk_and_the_system_log(page: Page, org: Any, screenshot: Any) -> None:
    dev_sign_in(page, org.base_url, "/admin/users", org.tenant_id, org.admin_login)
    page.click('[data-testid="person-row"][data-login="alan.turing@example.com"] a')
    expect(page.locator("#person-name")).to_have_text("Alan Turing")
    expect(page.locator("#person-groups")).to_contain_text("Contractors")
    screenshot(page, "okta-user")

    page.click('[data-testid="lifecycle-deactivate"]')  # confirm() is accepted by the fixture
    expect(page.locator('[data-testid="person-status"]')).to_have_text("DEPROVISIONED")
    expect(page.locator('[data-testid="lifecycle-activate"]')).to_be_visible()

    async def status(client: Client) -> str:
        user, _, err = await client.get_user("alan.turing@example.com")
        assert err is None, err
        return str(user.status.value if hasattr(user.status, "value") else user.status)

    assert sdk(org, status) == "DEPROVISIONED"

    # Okta refuses what the status does not allow (a stale page's button), and the page says so.
    action = f"/admin/user/{org.users['alan.turing@example.com']}/lifecycle/suspend"
    page.evaluate(
        "action => { const f = document.createElement('form'); f.method = 'post'; f.action = action;"
        " document.body.append(f); f.submit(); }",
        action,
    )
    expect(page.get_by_role("alert")).to_contain_text("Cannot suspend a user that is not active")

    page.click('[data-testid="nav-system-log"]')
    page.fill('[data-testid="log-event-type"]', "user.lifecycle.deactivate")
    page.click('[data-testid="log-search"]')
    rows = page.locator('[data-testid="log-row"]')
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("Deactivate Okta user")
    expect(rows.first).to_contain_text("Alan Turing")
    page.fill('[data-testid="log-event-type"]', "")
    page.click('[data-testid="log-search"]')
    expect(rows.first).to_have_attribute("data-event-type", "user.lifecycle.deactivate")  # newest first
    screenshot(page, "okta-system-log")


def test_group_membership_and_app_assignment_reach_the_api_and_the_dashboard(
    page: Page, org: Any, screenshot: Any
) -> None:
    dev_sign_in(page, org.base_url, "/admin/groups", org.tenant_id, org.admin_login)
    expect(page.locator('[data-testid="group-row"]')).to_have_count(len(GROUPS) + 1)  # and Everyone
    screenshot(page, "okta-groups")

    page.click('[data-testid="group-row"][data-name="Finance"] a')
    expect(page.locator("#group-name")).to_have_text("Finance")
    page.fill('[data-testid="member-user"]', "margaret.hamilton@example.com")
    page.click('[data-testid="member-add"]')
    expect(page.locator('[data-testid="member-row"][data-login="margaret.hamilton@example.com"]')).to_be_visible()
    screenshot(page, "okta-group")

    finance = org.groups["Finance"]

    async def members(client: Client) -> set[str]:
        found, _, err = await client.list_group_users(finance)
        assert err is None, err
        return {user.profile.login for user in found}

    assert sdk(org, members) == {"katherine.johnson@example.com", "margaret.hamilton@example.com"}

    expensify = org.apps["Expensify"]
    page.click('[data-testid="nav-apps"]')
    expect(page.locator('[data-testid="app-row"]')).to_have_count(len(APPS) + 2)  # and the org's two OIDC apps
    screenshot(page, "okta-apps")
    page.click('[data-testid="app-row"][data-label="Expensify"] a')
    page.fill('[data-testid="assign-user-input"]', "katherine.johnson@example.com")
    page.click('[data-testid="assign-user"]')
    expect(page.locator('[data-testid="app-user-row"]')).to_have_count(1)
    screenshot(page, "okta-app")

    async def assigned(client: Client) -> tuple[list[str], list[str]]:
        app_users, _, err = await client.list_application_users(expensify["id"])
        assert err is None, err
        links, _, err = await client.list_app_links("katherine.johnson@example.com")
        assert err is None, err
        return [u.id for u in app_users], [link.label for link in links]

    app_users, labels = sdk(org, assigned)
    assert app_users == [org.users["katherine.johnson@example.com"]]
    assert "Expensify" in labels

    # Katherine's dashboard: the tile assigned just now (she is no admin: no console link).
    page.context.clear_cookies()
    dev_sign_in(page, org.base_url, "/app/UserHome", org.tenant_id, "katherine.johnson@example.com")
    tiles = page.locator('[data-testid="app-tile"]')
    expect(tiles.filter(has_text="Expensify")).to_have_count(1)
    expect(tiles).to_have_count(len(labels))  # the org's web app (Everyone) and Expensify
    expect(page.locator('[data-testid="admin-link"]')).to_have_count(0)

    # Ada's, through her group: Zoom (assigned to Engineering); signing in with her password.
    page.context.clear_cookies()
    sign_in(page, org, "ada.lovelace@example.com", PASSWORD, "/app/UserHome")
    tiles = page.locator('[data-testid="app-tile"]')
    expect(tiles.filter(has_text="Zoom")).to_have_count(1)
    expect(tiles.filter(has_text="Salesforce")).to_have_count(0)
    screenshot(page, "okta-dashboard")
    # A tile's link (the appLink's linkUrl) opens the bookmark's URL.
    launched = page.request.get(str(tiles.filter(has_text="Zoom").get_attribute("href")), max_redirects=0)
    assert (launched.status, launched.headers["location"]) == (302, "https://zoom.us")


def test_deactivated_user_cannot_sign_in_and_non_admin_lands_on_the_dashboard(page: Page, org: Any) -> None:
    async def deactivate(client: Client) -> None:
        _, _, err = await client.deactivate_user("linus.pauling@example.com")
        assert err is None, err

    sdk(org, deactivate)
    sign_in(page, org, "linus.pauling@example.com", PASSWORD)
    expect(page.get_by_role("alert")).to_have_text("Unable to sign in")
    expect(page).to_have_url(re.compile(r"/login/login\.htm"))

    sign_in(page, org, "margaret.hamilton@example.com", PASSWORD, "/admin/users")
    expect(page).to_have_url(re.compile(r"/app/UserHome$"))
    expect(page.locator('[data-testid="dashboard"]')).to_be_visible()
    expect(page.locator('[data-testid="app-tile"]').filter(has_text="Salesforce")).to_have_count(1)

    async def sign_ins(client: Client) -> list[tuple[str, str]]:
        events, _, err = await client.list_log_events(filter='eventType eq "user.session.start"')
        assert err is None, err
        return [(event.actor.alternate_id, event.outcome.result) for event in events]

    # The page's sign-ins are Okta's own System Log events, failures included.
    assert sdk(org, sign_ins) == [
        ("linus.pauling@example.com", "FAILURE"),
        ("margaret.hamilton@example.com", "SUCCESS"),
    ]


CROWD = 300  # more people than the dev sign-in lists (200) and than a page of app assignments (50)


@pytest.fixture
def crowded_org(org: Any) -> Any:
    """The org with 300 more ACTIVE people (all in Everyone, so all assigned the org's OIDC web app)."""
    users = [
        {
            "profile": {
                "login": f"person{n:03d}@example.com",
                "email": f"person{n:03d}@example.com",
                "firstName": f"Person{n:03d}",
                "lastName": "Crowd",
            },
            "status": "ACTIVE",
        }
        for n in range(CROWD)
    ]
    response = org.control("POST", "/seed", json={"users": users})
    assert response.status_code == 200, response.text
    return org


def authorize(page: Page, org: Any) -> Any:
    """An OIDC authorize for the org's web app, with the browser's cookies (not followed)."""
    query = httpx.QueryParams(
        client_id=org.client_id,
        response_type="code",
        scope="openid",
        redirect_uri=org.redirect_uri,
        state="state-1",
        nonce="nonce-1",
    )
    return page.request.get(f"{org.issuer}/v1/authorize?{query}", max_redirects=0)


def test_dev_sign_in_finds_anyone_and_app_assignments_page(page: Page, crowded_org: Any) -> None:
    org = crowded_org
    page.goto(f"{org.base_url}/app/UserHome?tenant={org.tenant_id}")
    last = f"person{CROWD - 1:03d}@example.com"
    listed = page.locator('[data-testid="dev-sign-in"]')
    expect(listed).to_have_count(200)  # the first page of people only...
    expect(page.locator(f'[data-testid="dev-sign-in"][data-email="{last}"]')).to_have_count(0)
    page.fill('[data-testid="dev-people-q"]', f"Person{CROWD - 1:03d}")  # ...the rest are found by `q`
    page.click('[data-testid="dev-people-find"]')
    expect(listed).to_have_count(1)
    page.locator(f'[data-testid="dev-sign-in"][data-email="{last}"]').click()
    expect(page.locator('[data-testid="signed-in-as"]')).to_have_text(f"Person{CROWD - 1:03d} Crowd")
    expect(page).to_have_url(re.compile(r"/app/UserHome"))

    # The org's web app is assigned to Everyone (300+ people): its Assignments tab pages 50 at a time.
    page.context.clear_cookies()
    dev_sign_in(page, org.base_url, "/admin/apps/active", org.tenant_id, org.admin_login)
    page.locator('[data-testid="app-row"] a').filter(has_text="Web").first.click()
    rows = page.locator('[data-testid="app-user-row"]')
    expect(rows).to_have_count(50)
    first_page = set(rows.evaluate_all("rows => rows.map(r => r.dataset.userId)"))
    seen = set(first_page)
    pages = 1
    while page.locator("#app-users-next").count():
        page.click("#app-users-next")
        expect(page).to_have_url(re.compile(r"after="))
        ids = rows.evaluate_all("rows => rows.map(r => r.dataset.userId)")
        assert not seen & set(ids)
        seen |= set(ids)
        pages += 1
    assert len(seen) == len(PEOPLE) + 1 + CROWD and pages == 7


def test_sign_out_ends_the_okta_session(page: Page, org: Any) -> None:
    sign_in(page, org, "ada.lovelace@example.com", PASSWORD, "/app/UserHome")
    expect(page.locator('[data-testid="dashboard"]')).to_be_visible()
    # The password sign-in started an Okta session: an OIDC authorize needs no password.
    answered = authorize(page, org)
    assert answered.status == 302 and "code=" in answered.headers["location"]

    page.locator('header form[action="/login/signout"] button').click()
    expect(page).to_have_url(re.compile(r"/login/login\.htm"))
    answered = authorize(page, org)
    assert answered.status == 200, answered.headers
    assert 'name="password"' in answered.text()  # Okta asks for the password again

    async def ended(client: Client) -> list[str]:
        events, _, err = await client.list_log_events(filter='eventType eq "user.session.end"')
        assert err is None, err
        return [event.actor.alternate_id for event in events]

    assert sdk(org, ended) == ["ada.lovelace@example.com"]


def test_messages_are_signed_errors_read_once_and_faults_apply(page: Page, org: Any) -> None:
    dev_sign_in(page, org.base_url, "/admin/groups", org.tenant_id, org.admin_login)
    page.goto(f"{org.base_url}/admin/groups?error=Your+org+is+suspended")  # a crafted link shows nothing
    expect(page.locator('[data-testid="group-row"]').first).to_be_visible()
    expect(page.get_by_role("alert")).to_have_count(0)

    page.click('[data-testid="add-group"]')
    page.fill("#group-name", "   ")
    page.locator('#new-group button[type="submit"]').click()
    alert = page.get_by_role("alert")
    expect(alert).to_have_text("Api validation failed: name\nname: The field cannot be left blank")
    assert "flash=" in page.url and "error=" not in page.url

    # A fault rule on the console action refuses it as the API would be refused: nothing changes.
    org.fault(operation="ui.group.member.add", status=503, error="E0000009", remaining=1)
    page.click('[data-testid="group-row"][data-name="Finance"] a')
    page.fill('[data-testid="member-user"]', "ada.lovelace@example.com")
    with page.expect_response(lambda r: r.url.endswith("/members")) as refused:
        page.click('[data-testid="member-add"]')
    assert refused.value.status == 503
    expect(page.locator('[data-testid="error-code"]')).to_have_text("E0000009")
    expect(alert).to_have_text("Internal Server Error")
    assert [e["operation"] for e in org.journal(operation="ui.group.member.add")] == ["ui.group.member.add"]

    async def members(client: Client) -> set[str]:
        found, _, err = await client.list_group_users(org.groups["Finance"])
        assert err is None, err
        return {user.profile.login for user in found}

    assert sdk(org, members) == {"katherine.johnson@example.com"}


def test_reset_password_link_is_shown_in_the_page_only(page: Page, org: Any) -> None:
    dev_sign_in(page, org.base_url, "/admin/users", org.tenant_id, org.admin_login)
    page.click('[data-testid="person-row"][data-login="grace.hopper@example.com"] a')
    page.click('[data-testid="lifecycle-reset_password"]')
    link = page.locator('[data-testid="one-time-link"]')
    expect(link).to_have_value(re.compile(r"/reset_password/\S+$"))
    expect(page.locator('[role="status"]')).to_have_text("Reset Password: done.")
    token = link.input_value().rsplit("/", 1)[1]
    assert token not in page.url and "flash=" not in page.url
    expect(page.locator('[data-testid="person-status"]')).to_have_text("RECOVERY")


def test_console_membership_reaches_an_event_hook(page: Page, org: Any) -> None:
    """Adding a member in the console is the API's change: the event hook gets its event."""
    receiver = Receiver().start()
    try:
        hook_body = {
            "name": "Membership audit",
            "events": {"type": "EVENT_TYPE", "items": ["group.user_membership.add"]},
            "channel": {"type": "HTTP", "version": "1.0.0", "config": {"uri": receiver.url}},
        }
        with admin_api(org) as api:
            hook = api.post("/api/v1/eventHooks", json=hook_body)
            assert hook.status_code == 200, hook.text
            verified = api.post(f"/api/v1/eventHooks/{hook.json()['id']}/lifecycle/verify")
            assert verified.json()["verificationStatus"] == "VERIFIED", verified.text
            admin_id = api.get("/api/v1/users/me").json()["id"]

        dev_sign_in(page, org.base_url, f"/admin/group/{org.groups['Sales']}", org.tenant_id, org.admin_login)
        page.fill('[data-testid="member-user"]', "ada.lovelace@example.com")
        page.click('[data-testid="member-add"]')
        expect(page.locator('[data-testid="member-row"][data-login="ada.lovelace@example.com"]')).to_be_visible()

        [delivery] = receiver.wait_for(lambda r: True)
        [event] = delivery.events
        assert event["eventType"] == "group.user_membership.add"
        assert event["actor"]["id"] == admin_id  # the admin who clicked, as with their API token
        targets = {(t["type"], t["id"]) for t in event["target"]}
        assert targets == {("User", org.users["ada.lovelace@example.com"]), ("UserGroup", org.groups["Sales"])}
        assert event["outcome"]["result"] == "SUCCESS"
    finally:
        receiver.stop()
