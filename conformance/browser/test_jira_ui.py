"""The Jira twin's web UI, clicked through in Chromium and checked with the official `jira` library.

Each test gets a fresh site (`dtu_jira`), seeded with a project of eight issues across the
workflow's statuses, three people and comments, and signs in with the one-click development
sign-in as one of those people. What the browser does is then read back through `jira.JIRA`.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from jira import JIRA
from playwright.sync_api import Page, expect

from conformance.browser.signin import dev_sign_in
from conformance.jira.receiver import Receiver

PRIYA, MARCUS, LENA = "priya@example.com", "marcus@example.com", "lena@example.com"
SEED: dict[str, Any] = {
    "users": [
        {"email": PRIYA, "displayName": "Priya Natarajan"},
        {"email": MARCUS, "displayName": "Marcus Webb"},
        {"email": LENA, "displayName": "Lena Fischer"},
    ],
    "projects": [
        {"key": "OPS", "name": "Platform Operations", "lead": PRIYA},
        {"key": "MOB", "name": "Mobile App", "lead": MARCUS},
        {"key": "WEB", "name": "Website Relaunch", "lead": LENA},
    ],
    "issues": [
        {
            "project": "OPS",
            "summary": "Rotate the staging database credentials",
            "type": "Task",
            "priority": "High",
            "assignee": PRIYA,
            "labels": ["security"],
            "comments": ["The vault policy needs an update first."],
        },
        {"project": "OPS", "summary": "Alert on disk usage above 85%", "type": "Story", "assignee": MARCUS},
        {"project": "OPS", "summary": "Login page returns 502 under load", "type": "Bug", "priority": "Highest"},
        {
            "project": "OPS",
            "summary": "Migrate CI runners to the new cluster",
            "type": "Task",
            "status": "In Progress",
            "assignee": LENA,
            "labels": ["ci", "infra"],
            "comments": ["Half of the runners are moved.", "Waiting on the network team."],
        },
        {
            "project": "OPS",
            "summary": "Document the on-call escalation path",
            "type": "Story",
            "status": "In Progress",
            "assignee": PRIYA,
            "priority": "Low",
        },
        {
            "project": "OPS",
            "summary": "Upgrade the load balancer firmware",
            "type": "Task",
            "status": "Done",
            "assignee": MARCUS,
        },
        {"project": "OPS", "summary": "Nightly backup job fails on Sundays", "type": "Bug", "status": "Done"},
        {
            "project": "OPS",
            "summary": "Tag cloud resources with their cost centre",
            "type": "Task",
            "assignee": LENA,
            "labels": ["finops"],
        },
        # Two more projects, so the projects page is a list (their issues come after OPS's).
        {"project": "MOB", "summary": "Offline mode for the field app", "type": "Story", "assignee": MARCUS},
        {"project": "MOB", "summary": "Crash on Android 14 at start", "type": "Bug", "status": "In Progress"},
        {"project": "WEB", "summary": "New pricing page copy", "type": "Task", "status": "Done", "assignee": LENA},
    ],
}
DESCRIPTION = {
    "type": "doc",
    "version": 1,
    "content": [
        {
            "type": "paragraph",
            "content": [
                {"type": "text", "text": "Rotate the credentials "},
                {"type": "text", "text": "before Friday", "marks": [{"type": "strong"}]},
                {"type": "text", "text": " <script>alert(1)</script>"},
            ],
        },
        {
            "type": "bulletList",
            "content": [
                {"type": "listItem", "content": [{"type": "paragraph", "content": [{"type": "text", "text": step}]}]}
                for step in ("Create the new secret", "Update the deployments", "Revoke the old secret")
            ],
        },
    ],
}


@pytest.fixture
def site(dtu_jira: Any) -> dict[str, Any]:
    """The seeded site: people's account ids by email, issue keys in seed order."""
    seeded = dtu_jira.control("POST", "/seed", json=SEED)
    assert seeded.status_code == 200, seeded.text
    created = seeded.json()["created"]
    return {"people": dict(zip((PRIYA, MARCUS, LENA), created["users"], strict=True)), "issues": created["issues"]}


@pytest.fixture
def jira(dtu_jira: Any) -> Iterator[JIRA]:
    instance = JIRA(server=dtu_jira.url, basic_auth=(dtu_jira.email, dtu_jira.api_token), max_retries=0)
    yield instance
    instance.close()


def sign_in(page: Page, dtu_jira: Any, path: str, email: str = PRIYA) -> None:
    dev_sign_in(page, dtu_jira.base_url, path, dtu_jira.tenant_id, email)
    expect(page.get_by_test_id("signed-in-as")).to_be_visible()


def test_board_transition_is_the_api_transition(
    page: Page, dtu_jira: Any, site: dict[str, Any], jira: JIRA, screenshot: Callable[[Page, str], Path]
) -> None:
    sign_in(page, dtu_jira, "/jira/projects")
    expect(page.locator('[data-testid="project"][data-key="OPS"]')).to_contain_text("Platform Operations")
    screenshot(page, "jira-projects")
    # The counts per status category are what a JQL search through the API finds.
    for project in ("OPS", "MOB", "WEB"):
        cells = page.locator(f'[data-testid="project"][data-key="{project}"] td')
        for column, category in ((4, "To Do"), (5, "In Progress"), (6, "Done")):
            found = jira.search_issues(f'project = {project} AND statusCategory = "{category}"', maxResults=100)
            expect(cells.nth(column)).to_have_text(str(len(found)))

    page.locator('[data-testid="project"][data-key="OPS"] a').first.click()
    expect(page).to_have_url(re.compile(r"/jira/software/projects/OPS/board$"))
    columns = page.get_by_test_id("column")
    expect(columns).to_have_count(3)
    assert [columns.nth(i).get_attribute("data-status") for i in range(3)] == ["To Do", "In Progress", "Done"]
    key = site["issues"][0]
    todo = page.locator('[data-testid="column"][data-status="To Do"]')
    expect(todo.locator(f'[data-testid="card"][data-key="{key}"]')).to_be_visible()
    expect(page.locator('[data-testid="column"][data-status="In Progress"] [data-testid="card"]')).to_have_count(2)
    screenshot(page, "jira-board")

    page.locator(f'[data-testid="transition"][data-issue="{key}"][data-transition="In Progress"]').click()
    moved = page.locator(f'[data-testid="column"][data-status="In Progress"] [data-testid="card"][data-key="{key}"]')
    expect(moved).to_be_visible()

    issue = jira.issue(key, expand="changelog")
    assert issue.fields.status.name == "In Progress"
    last = issue.changelog.histories[-1]
    assert last.author.accountId == site["people"][PRIYA]
    status_items = [item for item in last.items if item.field == "status"]
    assert [(i.fromString, i.toString) for i in status_items] == [("To Do", "In Progress")]
    # The UI action is journaled as ui.transition for this site.
    assert any(e.get("operation") == "ui.transition" for e in dtu_jira.journal())


def test_comment_on_the_issue_page(
    page: Page, dtu_jira: Any, site: dict[str, Any], jira: JIRA, screenshot: Callable[[Page, str], Path]
) -> None:
    key = site["issues"][3]
    sign_in(page, dtu_jira, f"/browse/{key}", MARCUS)
    expect(page.get_by_test_id("summary")).to_have_text("Migrate CI runners to the new cluster")
    expect(page.get_by_test_id("comment")).to_have_count(2)

    page.locator("#comment-body").fill("Runners on the new cluster pass the smoke tests.")
    page.locator("#comment-save").click()
    expect(page.get_by_test_id("comment")).to_have_count(3)
    expect(page.get_by_test_id("comments")).to_contain_text("Runners on the new cluster pass the smoke tests.")

    comments = jira.comments(key)
    assert len(comments) == 3
    assert comments[-1].body == "Runners on the new cluster pass the smoke tests."
    assert comments[-1].author.accountId == site["people"][MARCUS]

    # An empty comment is refused with Jira's message, not a 500.
    page.locator("#comment-save").click()
    expect(page.get_by_role("alert")).to_contain_text("Comment body can not be empty!")
    assert len(jira.comments(key)) == 3


def shown_keys(page: Page) -> list[str]:
    keys: list[str] = page.get_by_test_id("result").evaluate_all("rows => rows.map(r => r.dataset.key)")
    return keys


def test_jql_search_box(
    page: Page, dtu_jira: Any, site: dict[str, Any], jira: JIRA, screenshot: Callable[[Page, str], Path]
) -> None:
    sign_in(page, dtu_jira, "/issues/")
    for jql in ('project = OPS AND status = "In Progress" ORDER BY key ASC', "project = OPS ORDER BY created ASC"):
        page.locator("#jql").fill(jql)
        page.locator("#jql-search").click()
        # The page's results are the REST search's, in the same order (read with the jira library).
        expected = [issue.key for issue in jira.search_issues(jql, maxResults=100)]
        assert expected, jql
        expect(page.get_by_test_id("result")).to_have_count(len(expected))
        assert shown_keys(page) == expected
        expect(page.get_by_test_id("result-count")).to_have_text(f"{len(expected)} issues")
    screenshot(page, "jira-search")

    page.locator(f'[data-testid="result"][data-key="{site["issues"][2]}"] a').first.click()
    expect(page).to_have_url(re.compile(rf"/browse/{site['issues'][2]}$"))

    page.goto(f"{dtu_jira.base_url}/issues/?jql=" + "project%20%3D%20OPS%20AND%20nosuchfield%20%3D%201")
    expect(page.get_by_test_id("jql-error")).to_contain_text("Field 'nosuchfield' does not exist")
    page.locator("#jql").fill("project = OPS AND (status = Done")
    page.locator("#jql-search").click()
    expect(page.get_by_test_id("jql-error")).to_contain_text("Error in the JQL Query")


def test_issue_page_shows_description_changelog_and_watchers(
    page: Page, dtu_jira: Any, site: dict[str, Any], jira: JIRA, screenshot: Callable[[Page, str], Path]
) -> None:
    key = site["issues"][0]
    url = f"{dtu_jira.url}/rest/api/3/issue/{key}"
    response = jira._session.put(url, data=json.dumps({"fields": {"description": DESCRIPTION}}))
    assert response.status_code == 204
    jira.add_watcher(key, site["people"][LENA])

    sign_in(page, dtu_jira, f"/browse/{key}")
    description = page.get_by_test_id("description")
    expect(description.locator("strong")).to_have_text("before Friday")
    expect(description.locator("ul li")).to_have_count(3)
    expect(description.locator("ul li").nth(1)).to_have_text("Update the deployments")
    expect(description).to_contain_text("<script>alert(1)</script>")  # shown as text, never run
    expect(page.get_by_test_id("history")).to_contain_text("description")
    expect(page.get_by_test_id("watchers")).to_contain_text("Lena Fischer")

    page.locator("#watch").click()
    expect(page.get_by_test_id("watchers")).to_contain_text("Priya Natarajan")
    watchers = {w.accountId for w in jira.watchers(key).watchers}
    assert site["people"][PRIYA] in watchers and site["people"][LENA] in watchers

    page.locator('[data-testid="transition"][data-transition="Done"]').click()
    expect(page.get_by_test_id("status")).to_have_text("Done")
    expect(page.get_by_test_id("history")).to_contain_text("To Do → Done")
    assert jira.issue(key).fields.resolution.name == "Done"
    screenshot(page, "jira-issue")


def test_sign_in_with_email_and_api_token(page: Page, dtu_jira: Any) -> None:
    """Jira Cloud's own credentials (the twin has no passwords): email + API token, checked per site."""
    page.goto(f"{dtu_jira.base_url}/?tenant={dtu_jira.tenant_id}")
    expect(page).to_have_url(re.compile(r"/login\?"))
    page.locator("#sign-in-username").fill(dtu_jira.member_email)
    page.locator("#sign-in-password").fill("not-the-token")
    page.locator("#sign-in-submit").click()
    expect(page.get_by_role("alert")).to_contain_text("Incorrect email address and / or API token.")

    page.locator("#sign-in-username").fill(dtu_jira.member_email)
    page.locator("#sign-in-password").fill(dtu_jira.member_api_token)
    page.locator("#sign-in-submit").click()
    expect(page).to_have_url(re.compile(r"/jira/projects(\?tenant=[a-z0-9]+)?$"))
    expect(page.get_by_test_id("signed-in-as")).to_be_visible()


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    instance = Receiver().start()
    yield instance
    instance.stop()


def test_board_transition_delivers_the_webhook(
    page: Page, dtu_jira: Any, site: dict[str, Any], receiver: Receiver
) -> None:
    """The side effect beyond the stored state: an admin webhook gets `jira:issue_updated` with the
    status change in its changelog, as for POST /rest/api/3/issue/{key}/transitions."""
    hook = {
        "name": "board moves",
        "url": receiver.url(),
        "events": ["jira:issue_updated"],
        "filters": {"issue-related-events-section": "project = OPS"},
    }
    with httpx.Client(base_url=dtu_jira.url, auth=(dtu_jira.email, dtu_jira.api_token), timeout=30.0) as http:
        created = http.post("/rest/webhooks/1.0/webhook", json=hook)
    assert created.status_code == 201, created.text
    key = site["issues"][1]
    sign_in(page, dtu_jira, "/jira/software/projects/OPS/board")
    page.locator(f'[data-testid="transition"][data-issue="{key}"][data-transition="In Progress"]').click()
    column = page.locator('[data-testid="column"][data-status="In Progress"]')
    expect(column.locator(f'[data-testid="card"][data-key="{key}"]')).to_be_visible()

    delivered = receiver.wait_for(lambda r: r.event == "jira:issue_updated")[0].payload
    assert delivered["issue"]["key"] == key
    assert delivered["issue"]["fields"]["status"]["name"] == "In Progress"
    assert delivered["user"]["accountId"] == site["people"][PRIYA]
    moves = [i for i in delivered["changelog"]["items"] if i["field"] == "status"]
    assert [(i["fromString"], i["toString"]) for i in moves] == [("To Do", "In Progress")]

    # A refused move (a transition the issue no longer has) comes back to the board, saying why.
    card = page.locator(f'[data-testid="card"][data-key="{key}"]')
    card.locator('input[name="transition"]').first.evaluate("input => { input.value = '999999'; }")
    card.get_by_test_id("transition").first.click()
    expect(page).to_have_url(re.compile(r"/jira/software/projects/OPS/board\?flash="))
    expect(page.get_by_role("alert")).to_contain_text(key)


def test_a_long_column_stops_at_fifty_cards(page: Page, dtu_jira: Any, jira: JIRA) -> None:
    """A column shows its first 50 cards; "+N more" opens the JQL search for the whole column."""
    issues = [{"project": "BIG", "summary": f"Ticket {n}", "type": "Task"} for n in range(53)]
    seed = {"projects": [{"key": "BIG", "name": "Big backlog"}], "issues": issues}
    response = dtu_jira.control("POST", "/seed", json=seed)
    assert response.status_code == 200, response.text
    sign_in(page, dtu_jira, "/jira/software/projects/BIG/board", dtu_jira.email)
    todo = page.locator('[data-testid="column"][data-status="To Do"]')
    expect(todo.get_by_test_id("card")).to_have_count(50)
    expect(todo.get_by_test_id("column-count")).to_have_text("53")
    expect(todo.get_by_test_id("column-more")).to_have_text("+3 more")
    todo.get_by_test_id("column-more").click()
    expected = [issue.key for issue in jira.search_issues('project = BIG AND status = "To Do"', maxResults=100)]
    assert len(expected) == 53
    expect(page.get_by_test_id("result")).to_have_count(53)
    assert sorted(shown_keys(page)) == sorted(expected)


def test_a_fault_on_a_ui_action_shows_jira_error(page: Page, dtu_jira: Any, site: dict[str, Any], jira: JIRA) -> None:
    """The inspector's `ui.comment` toggle acts on the click, with the REST API's answer for the rule."""
    key = site["issues"][0]
    dtu_jira.fault(operation="ui.comment", kind="error", status=503, error="Service Unavailable", remaining=1)
    sign_in(page, dtu_jira, f"/browse/{key}")
    page.locator("#comment-body").fill("Will not be saved")
    with page.expect_response(lambda r: r.url.endswith(f"/browse/{key}/comment")) as answer:
        page.locator("#comment-save").click()
    assert answer.value.status == 503
    expect(page.get_by_test_id("error-message")).to_have_text("Service Unavailable")
    assert len(jira.comments(key)) == 1
    assert any(e.get("operation") == "ui.comment" for e in dtu_jira.journal())
