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
