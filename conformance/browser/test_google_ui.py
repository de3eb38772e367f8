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
    expect(dialog.locator("#share-notify")).to_be_checked()
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
    start = alice.changes().getStartPageToken().execute()["startPageToken"]
    sign_in(page, dtu_google, "/drive/my-drive", dtu_google.alice_email)
    row(page, "Finance").get_by_test_id("file-link").click()
    expect(page.get_by_test_id("heading")).to_have_text("Finance")
    expect(page.get_by_test_id("breadcrumbs")).to_contain_text("My Drive")
    expect(row(page, "Offsite agenda.txt")).to_be_visible()
    expect(row(page, "Q3 budget.csv")).to_be_visible()
    expect(row(page, "Roadmap 2027.txt")).to_have_count(0)  # Alice's, in My Drive: not in this folder

    row(page, "Offsite agenda.txt").get_by_test_id("trash").click()
    expect(page.locator(".notice")).to_contain_text("moved to trash")
    expect(row(page, "Offsite agenda.txt")).to_have_count(0)
    assert alice.files().get(fileId=made["id"], fields="trashed").execute() == {"trashed": True}
    # The side effect beyond the stored state: the change log has it, as it has an API files.update.
    changes = alice.changes().list(pageToken=start, fields="changes(fileId,removed,file(name,trashed))").execute()
    trashed = [c for c in changes["changes"] if c["fileId"] == made["id"]]
    assert trashed and trashed[-1]["file"] == {"name": "Offsite agenda.txt", "trashed": True}

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
    # What the grid shows, cell by cell, is what values.get returns (formatted values, and the formulas).
    shown: dict[str, list[str]] = grid.locator("td[data-cell]").evaluate_all(
        "cells => Object.fromEntries(cells.map(c => [c.dataset.cell, [c.textContent, c.dataset.formula || '']]))"
    )
    values = sheets.spreadsheets().values()
    formatted = values.get(spreadsheetId=sheet_id, range="Sheet1", valueRenderOption="FORMATTED_VALUE").execute()
    entered = values.get(spreadsheetId=sheet_id, range="Sheet1", valueRenderOption="FORMULA").execute()
    for r, line in enumerate(formatted["values"]):
        for c, value in enumerate(line):
            assert shown[f"{'ABC'[c]}{r + 1}"][0] == value
    formulas = {
        f"{'ABC'[c]}{r + 1}": str(v)
        for r, line in enumerate(entered["values"])
        for c, v in enumerate(line)
        if str(v).startswith("=")
    }
    assert formulas == {cell: formula for cell, (_, formula) in shown.items() if formula}
    assert formulas == {"B5": "=SUM(B2:B4)", "C5": "=SUM(C2:C4)"}


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


def test_a_javascript_link_in_a_doc_is_text(page: Page, dtu_google: Any) -> None:
    """A Doc's link can say anything (updateTextStyle takes any url): only web and mail links are links."""
    docs = docs_as(dtu_google, dtu_google.alice_email)
    doc_id = docs.documents().create(body={"title": "Links"}).execute()["documentId"]
    text = "Open the agenda or the minutes.\n"
    agenda, minutes = 1 + text.index("the agenda"), 1 + text.index("the minutes")
    docs.documents().batchUpdate(
        documentId=doc_id,
        body={
            "requests": [
                {"insertText": {"location": {"index": 1}, "text": text}},
                {
                    "updateTextStyle": {
                        "range": {"startIndex": agenda, "endIndex": agenda + len("the agenda")},
                        "textStyle": {"link": {"url": "javascript:document.title='owned'"}},
                        "fields": "link",
                    }
                },
                {
                    "updateTextStyle": {
                        "range": {"startIndex": minutes, "endIndex": minutes + len("the minutes")},
                        "textStyle": {"link": {"url": "https://example.com/minutes"}},
                        "fields": "link",
                    }
                },
            ]
        },
    ).execute()
    stored = docs.documents().get(documentId=doc_id).execute()
    assert "javascript:" in str(stored["body"])  # the API keeps what was written; the page must not link it
    sign_in(page, dtu_google, f"/document/d/{doc_id}/edit", dtu_google.alice_email)
    document = page.get_by_test_id("document")
    expect(document).to_contain_text("Open the agenda or the minutes.")
    expect(document.locator("a")).to_have_count(1)
    expect(document.locator("a")).to_have_attribute("href", "https://example.com/minutes")
    expect(document.locator("a")).to_have_text("the minutes")
    assert page.locator('a[href^="javascript"]').count() == 0


def test_a_fault_on_a_ui_action_shows_google_error_page(page: Page, dtu_google: Any, seeded: Any) -> None:
    """The inspector's `ui.drive.trash` toggle acts on the click; nothing is trashed."""
    rule = dtu_google.fault(operation="ui.drive.trash", kind="error", status=503, error="backendError")
    sign_in(page, dtu_google, "/drive/my-drive", dtu_google.alice_email)
    with page.expect_response(lambda r: r.url.endswith(f"/drive/items/{seeded['finance']}/trash")) as answer:
        row(page, "Finance").get_by_test_id("trash").click()
    assert answer.value.status == 503
    expect(page.get_by_test_id("error-page")).to_contain_text("503")
    expect(page.get_by_test_id("error-message")).to_contain_text("Please try again later")
    alice = drive_for(dtu_google, dtu_google.alice_email)
    assert alice.files().get(fileId=seeded["finance"], fields="trashed").execute() == {"trashed": False}
    assert dtu_google.control("DELETE", f"/_dtu/faults/{rule['id']}").status_code in (200, 204)
    assert any(e.get("operation") == "ui.drive.trash" for e in dtu_google.journal())


def test_a_long_folder_is_paged(page: Page, dtu_google: Any) -> None:
    """A folder of more than a page: files.list's pageToken behind "Next", every item listed once."""
    files: list[dict[str, Any]] = [{"key": "big", "name": "Scans", "folder": True, "owner": "alice"}]
    files += [{"name": f"scan-{n:03d}.pdf", "parent": "big", "owner": "alice"} for n in range(105)]
    response = dtu_google.control("POST", "/seed", json={"files": files})
    assert response.status_code == 200, response.text
    folder = response.json()["created"]["files"]["big"]
    sign_in(page, dtu_google, f"/drive/folders/{folder}", dtu_google.alice_email)
    rows = page.get_by_test_id("file-row")
    expect(rows).to_have_count(100)
    first = rows.evaluate_all("rs => rs.map(r => r.dataset.name)")
    page.get_by_test_id("next-page").click()
    expect(rows).to_have_count(5)
    second = rows.evaluate_all("rs => rs.map(r => r.dataset.name)")
    expect(page.get_by_test_id("next-page")).to_have_count(0)
    assert sorted(first + second) == [f"scan-{n:03d}.pdf" for n in range(105)]
    page.get_by_test_id("first-page").click()
    expect(rows).to_have_count(100)
