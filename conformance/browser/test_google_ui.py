"""The Google twin's web UI (Drive, sharing, Docs, Sheets), clicked through in Chromium and checked
against the API through googleapiclient, as the same domain's users."""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from conformance.browser import signin
from conformance.browser.signin import dev_sign_in
from conformance.gdrive.conftest import _OPEN
from conformance.gdrive.workspace import docs_as, drive_for, sheets_as
from conformance.okta_sso import GOOGLE as GOOGLE_SSO
from conformance.okta_sso import PASSWORD, okta_admin, okta_person, wire_okta_sso

FOLDER = "application/vnd.google-apps.folder"
Shot = Callable[[Page, str], Path]

# A small, realistic domain: a few folders and files in Alice's My Drive, one shared with Bob.
SEED: dict[str, Any] = {
    "users": [{"email": "carol", "name": "Carol Diaz"}, {"email": "dan", "name": "Dan Okafor"}],
    "files": [
        {"key": "finance", "name": "Finance", "folder": True, "owner": "alice"},
        {"key": "eng", "name": "Engineering", "folder": True, "owner": "alice"},
        {"key": "launch", "name": "Launch assets", "folder": True, "owner": "alice"},
        {
            "name": "Q3 budget.csv",
            "parent": "finance",
            "owner": "alice",
            "mimeType": "text/csv",
            "content": "team,amount\nsales,12000\nengineering,48000\n",
        },
        {
            "name": "Roadmap 2027.txt",
            "owner": "alice",
            "mimeType": "text/plain",
            "content": "H1: billing v2\nH2: EU region\n" * 40,
            "permissions": [{"type": "user", "role": "reader", "emailAddress": "bob"}],
        },
        {"name": "team-photo.png", "owner": "alice", "mimeType": "image/png", "content": "PNG" * 900},
        {"name": "Bob's private notes.txt", "owner": "bob", "mimeType": "text/plain", "content": "salary ideas"},
    ],
}


@pytest.fixture(autouse=True)
def _close_services() -> Iterator[None]:
    yield
    while _OPEN:
        _OPEN.pop().close()


@pytest.fixture
def seeded(dtu_google: Any) -> dict[str, str]:
    response = dtu_google.control("POST", "/seed", json=SEED)
    assert response.status_code == 200, response.text
    files: dict[str, str] = dict(response.json()["created"]["files"])
    alice = drive_for(dtu_google, dtu_google.alice_email)
    drive = alice.drives().create(requestId=uuid.uuid4().hex, body={"name": "Sales team"}).execute()
    files["sales-drive"] = drive["id"]
    return files


def sign_in(page: Page, dtu_google: Any, path: str, email: str) -> None:
    dev_sign_in(page, dtu_google.base_url, path, dtu_google.tenant_id, email)


def row(page: Page, name: str) -> Any:
    return page.locator(f'[data-testid="file-row"][data-name="{name}"]')


def permissions_of(drive: Any, file_id: str) -> dict[str, str]:
    listed = drive.permissions().list(fileId=file_id, fields="permissions(emailAddress,role,type)").execute()
    return {p.get("emailAddress", p["type"]): p["role"] for p in listed["permissions"]}


def test_share_in_the_dialog_is_seen_by_the_api(page: Page, dtu_google: Any, seeded: Any, screenshot: Shot) -> None:
    alice = drive_for(dtu_google, dtu_google.alice_email)
    plan = alice.files().create(body={"name": "Q4 plan.txt", "mimeType": "text/plain"}).execute()["id"]
    sign_in(page, dtu_google, "/drive/my-drive", dtu_google.alice_email)
    expect(row(page, "Q4 plan.txt")).to_be_visible()
    expect(row(page, "Finance")).to_be_visible()
    screenshot(page, "google-drive")

    page.get_by_test_id(f"share-{plan}").click()
    dialog = page.get_by_test_id("share-dialog")
    expect(dialog).to_be_visible()
    dialog.locator("#share-email").fill(dtu_google.bob_email)
    dialog.locator("#share-role").select_option("writer")
    dialog.locator("#share-submit").click()
    bob_row = page.locator(f'[data-testid="grantee"][data-email="{dtu_google.bob_email}"]')
    expect(bob_row).to_have_attribute("data-role", "writer")
    expect(page.get_by_test_id("share-dialog")).to_be_visible()
    screenshot(page, "google-share")
    assert permissions_of(alice, plan)[dtu_google.bob_email] == "writer"

    bob_row.get_by_test_id("grantee-role").select_option("commenter")
    expect(bob_row).to_have_attribute("data-role", "commenter")
    assert permissions_of(alice, plan)[dtu_google.bob_email] == "commenter"

    # The API's own refusal shows on the page: an owner cannot be removed.
    owner_row = page.locator(f'[data-testid="grantee"][data-email="{dtu_google.alice_email}"]')
    owner_row.get_by_test_id("grantee-remove").click()
    expect(page.get_by_test_id("share-error")).to_have_text("The owner of a file cannot be removed.")
    # Nor can an address be left out.
    page.locator("#share-submit").click()
    expect(page.get_by_test_id("share-error")).to_contain_text("emailAddress field is required")

    page.locator(f'[data-testid="grantee"][data-email="{dtu_google.bob_email}"]').get_by_test_id(
        "grantee-remove"
    ).click()
    expect(page.locator(f'[data-testid="grantee"][data-email="{dtu_google.bob_email}"]')).to_have_count(0)
    assert dtu_google.bob_email not in permissions_of(alice, plan)
    assert permissions_of(alice, plan)[dtu_google.alice_email] == "owner"


def test_trash_and_restore_in_the_browser(page: Page, dtu_google: Any, seeded: Any, screenshot: Shot) -> None:
    alice = drive_for(dtu_google, dtu_google.alice_email)
    made = alice.files().create(body={"name": "Offsite agenda.txt", "parents": [seeded["finance"]]}).execute()
    sign_in(page, dtu_google, "/drive/my-drive", dtu_google.alice_email)
    row(page, "Finance").get_by_test_id("file-link").click()
    expect(page.get_by_test_id("heading")).to_have_text("Finance")
    expect(page.get_by_test_id("breadcrumbs")).to_contain_text("My Drive")
    expect(row(page, "Offsite agenda.txt")).to_be_visible()
    expect(row(page, "Q3 budget.csv")).to_be_visible()
    expect(row(page, "Q4 plan.txt")).to_have_count(0)

    row(page, "Offsite agenda.txt").get_by_test_id("trash").click()
    expect(page.locator(".notice")).to_contain_text("moved to trash")
    expect(row(page, "Offsite agenda.txt")).to_have_count(0)
    assert alice.files().get(fileId=made["id"], fields="trashed").execute() == {"trashed": True}

    alice.files().update(fileId=seeded["launch"], body={"trashed": True}).execute()
    page.locator("#nav-trash").click()
    expect(row(page, "Offsite agenda.txt")).to_be_visible()
    expect(row(page, "Launch assets")).to_be_visible()
    expect(row(page, "Q3 budget.csv")).to_have_count(0)
    screenshot(page, "google-trash")
    row(page, "Offsite agenda.txt").get_by_test_id("restore").click()
    expect(row(page, "Offsite agenda.txt")).to_have_count(0)
    assert alice.files().get(fileId=made["id"], fields="trashed").execute() == {"trashed": False}
    page.goto(f"{dtu_google.base_url}/drive/folders/{seeded['finance']}")
    expect(row(page, "Offsite agenda.txt")).to_be_visible()


def test_items_not_shared_with_the_person_do_not_exist(page: Page, dtu_google: Any, seeded: Any) -> None:
    bob = drive_for(dtu_google, dtu_google.bob_email)
    secret = bob.files().create(body={"name": "Reorg draft.txt"}).execute()["id"]
    sign_in(page, dtu_google, "/drive/my-drive", dtu_google.alice_email)
    expect(row(page, "Roadmap 2027.txt")).to_be_visible()
    expect(row(page, "Reorg draft.txt")).to_have_count(0)
    expect(row(page, "Bob's private notes.txt")).to_have_count(0)
    page.locator("#nav-shared").click()
    expect(page.get_by_test_id("heading")).to_have_text("Shared with me")
    expect(row(page, "Reorg draft.txt")).to_have_count(0)

    response = page.goto(f"{dtu_google.base_url}/file/d/{secret}/view")
    assert response is not None and response.status == 404
    expect(page.get_by_test_id("not-found")).to_contain_text(f"File not found: {secret}.")

    # Shared with Alice through the API: now it is listed (Shared with me) and opens.
    bob.permissions().create(
        fileId=secret, body={"type": "user", "role": "reader", "emailAddress": dtu_google.alice_email}
    ).execute()
    page.goto(f"{dtu_google.base_url}/drive/shared-with-me")
    expect(row(page, "Reorg draft.txt")).to_be_visible()
    expect(row(page, "Reorg draft.txt")).to_contain_text("Bob Example")
    row(page, "Reorg draft.txt").get_by_test_id("file-link").click()
    expect(page.get_by_test_id("file-details")).to_contain_text(secret)


def test_shared_drives_list_and_open(page: Page, dtu_google: Any, seeded: Any) -> None:
    alice = drive_for(dtu_google, dtu_google.alice_email)
    drive_id = seeded["sales-drive"]
    alice.files().create(
        body={"name": "Pipeline review", "mimeType": FOLDER, "parents": [drive_id]}, supportsAllDrives=True
    ).execute()
    sign_in(page, dtu_google, "/drive/shared-drives", dtu_google.alice_email)
    page.get_by_test_id("drive-tile").filter(has_text="Sales team").click()
    expect(page.get_by_test_id("heading")).to_have_text("Sales team")
    expect(page.get_by_test_id("breadcrumbs")).to_contain_text("Shared drives")
    expect(row(page, "Pipeline review")).to_contain_text("Shared drive")
    # Bob is no member: the shared drive is not his to see.
    page.context.clear_cookies()
    sign_in(page, dtu_google, "/drive/shared-drives", dtu_google.bob_email)
    expect(page.get_by_test_id("drive-tile")).to_have_count(0)
    response = page.goto(f"{dtu_google.base_url}/drive/folders/{drive_id}")
    assert response is not None and response.status == 404


def test_docs_and_sheets_render_what_the_apis_wrote(page: Page, dtu_google: Any, seeded: Any, screenshot: Shot) -> None:
    docs = docs_as(dtu_google, dtu_google.alice_email)
    doc_id = docs.documents().create(body={"title": "Launch brief"}).execute()["documentId"]
    text = (
        "Launch brief\n"
        "Goals\n"
        "Ship billing v2 to every EU customer before the October freeze.\n"
        "Owners\n"
        "Carol: pricing page\nDan: migration runbook\nAlice: customer emails\n"
    )
    title_end = 1 + len("Launch brief\n")
    goals_end = title_end + len("Goals\n")
    bold_start = goals_end + len("Ship ")
    owners_start = text.index("Owners") + 1
    owners_end = owners_start + len("Owners\n")
    docs.documents().batchUpdate(
        documentId=doc_id,
        body={
            "requests": [
                {"insertText": {"location": {"index": 1}, "text": text}},
                {
                    "updateParagraphStyle": {
                        "range": {"startIndex": 1, "endIndex": title_end},
                        "paragraphStyle": {"namedStyleType": "TITLE"},
                        "fields": "namedStyleType",
                    }
                },
                {
                    "updateParagraphStyle": {
                        "range": {"startIndex": title_end, "endIndex": goals_end},
                        "paragraphStyle": {"namedStyleType": "HEADING_1"},
                        "fields": "namedStyleType",
                    }
                },
                {
                    "updateParagraphStyle": {
                        "range": {"startIndex": owners_start, "endIndex": owners_end},
                        "paragraphStyle": {"namedStyleType": "HEADING_1"},
                        "fields": "namedStyleType",
                    }
                },
                {
                    "updateTextStyle": {
                        "range": {"startIndex": bold_start, "endIndex": bold_start + len("billing v2")},
                        "textStyle": {"bold": True},
                        "fields": "bold",
                    }
                },
                {
                    "createParagraphBullets": {
                        "range": {"startIndex": owners_end, "endIndex": 1 + len(text) - 1},
                        "bulletPreset": "BULLET_DISC_CIRCLE_SQUARE",
                    }
                },
            ]
        },
    ).execute()
    sign_in(page, dtu_google, f"/document/d/{doc_id}/edit", dtu_google.alice_email)
    document = page.get_by_test_id("document")
    expect(document.locator("h1.doc-title")).to_have_text("Launch brief")
    expect(document.locator("h1").nth(1)).to_have_text("Goals")
    expect(document.locator("strong")).to_have_text("billing v2")
    expect(document.locator("ul li")).to_have_count(3)
    expect(document).to_contain_text("Ship billing v2 to every EU customer before the October freeze.")
    screenshot(page, "google-doc")

    sheets = sheets_as(dtu_google, dtu_google.alice_email)
    sheet_id = sheets.spreadsheets().create(body={"properties": {"title": "Q3 budget"}}).execute()["spreadsheetId"]
    rows = [
        ["Team", "Headcount", "Budget"],
        ["Sales", 12, 120000],
        ["Engineering", 30, 480000],
        ["Marketing", 6, 75000],
        ["Total", "=SUM(B2:B4)", "=SUM(C2:C4)"],
    ]
    sheets.spreadsheets().values().update(
        spreadsheetId=sheet_id, range="Sheet1!A1", valueInputOption="USER_ENTERED", body={"values": rows}
    ).execute()
    page.goto(f"{dtu_google.base_url}/spreadsheets/d/{sheet_id}/edit")
    grid = page.get_by_test_id("sheet-grid")
    expect(grid.locator('td[data-cell="A2"]')).to_have_text("Sales")
    expect(grid.locator('td[data-cell="C3"]')).to_have_text("480000")
    expect(grid.locator('td[data-cell="B5"]')).to_have_text("48")
    expect(grid.locator('td[data-cell="C5"]')).to_have_text("675000")
    expect(grid.locator('td[data-cell="C5"]')).to_have_attribute("data-formula", "=SUM(C2:C4)")
    expect(grid.locator("thead th").nth(3)).to_have_text("C")
    expect(page.get_by_test_id("sheet-tab")).to_have_text(["Sheet1"])
    grid.locator('td[data-cell="C5"]').click()
    expect(page.get_by_test_id("formula-bar")).to_have_text("=SUM(C2:C4)")
    screenshot(page, "google-sheet")
    # What the grid shows is what values.get returns.
    read = sheets.spreadsheets().values().get(spreadsheetId=sheet_id, range="Sheet1!B5:C5").execute()
    assert read["values"] == [["48", "675000"]]


def test_sign_in_lists_the_domain_people_but_not_the_suspended(page: Page, dtu_google: Any) -> None:
    suspended = f"eve-{uuid.uuid4().hex[:6]}"
    seeded = dtu_google.control("POST", "/seed", json={"users": [{"email": suspended, "suspended": True}]})
    assert seeded.status_code == 200, seeded.text
    page.goto(f"{dtu_google.base_url}/drive/my-drive?tenant={dtu_google.tenant_id}")
    expect(page).to_have_url(re.compile(r"/ServiceLogin\?"))
    people = page.get_by_test_id("dev-sign-in")
    expect(people.first).to_be_visible()
    emails = [people.nth(i).get_attribute("data-email") for i in range(people.count())]
    assert dtu_google.alice_email in emails and dtu_google.admin_email in emails
    assert not any(e and e.startswith(suspended) for e in emails)
    page.locator(f'[data-testid="dev-sign-in"][data-email="{dtu_google.alice_email}"]').click()
    expect(page.get_by_test_id("signed-in-as")).to_have_text("Alice Example")
    expect(page.get_by_test_id("heading")).to_have_text("My Drive")


def sign_in_with_okta(page: Page, dtu_google: Any, email: str) -> None:
    url = f"{dtu_google.base_url}/drive/my-drive?tenant={dtu_google.tenant_id}"
    signin.sign_in_with_okta(page, url, email, PASSWORD)


def test_sign_in_with_okta(page: Page, dtu_google: Any, dtu_okta: Any, seeded: Any) -> None:
    # As an Okta admin sets up Google Workspace SSO: an OIDC web app assigned to Everyone, named in the domain.
    wire_okta_sso(dtu_okta, dtu_google, GOOGLE_SSO)
    with okta_admin(dtu_okta) as okta:
        okta_person(okta, dtu_google.alice_email)
        okta_person(okta, f"erin@{dtu_google.domain}")
    sign_in_with_okta(page, dtu_google, dtu_google.alice_email)
    expect(page.get_by_test_id("signed-in-as")).to_have_text("Alice Example")
    expect(row(page, "Roadmap 2027.txt")).to_be_visible()

    # Suspended in Google's Directory: Okta vouches for Erin, Google refuses her.
    suspended = dtu_google.control("POST", "/seed", json={"users": [{"email": "erin", "suspended": True}]})
    assert suspended.status_code == 200, suspended.text
    page.context.clear_cookies()
    sign_in_with_okta(page, dtu_google, f"erin@{dtu_google.domain}")
    expect(page.locator("body")).to_contain_text("has been suspended by your administrator")
    expect(page.get_by_test_id("signed-in-as")).to_have_count(0)
