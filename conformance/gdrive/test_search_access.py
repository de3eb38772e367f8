"""files.list queries combined with Drive's sharing model: a search finds what the caller can see
(owned, shared directly, through a group, or inherited from folders at any depth) and nothing else,
whatever the query; `or` with a term only the content can decide; time comparisons at the
millisecond the item carries; case-insensitive name matching."""

from __future__ import annotations

from typing import Any

from conformance.gdrive.test_files import folder, names, text_file


def share(drive: Any, file_id: str, email: str, kind: str = "user", role: str = "reader") -> None:
    drive.permissions().create(fileId=file_id, body={"type": kind, "role": role, "emailAddress": email}).execute()


def test_search_sees_inherited_and_group_shares_only(dtu_google: Any, alice: Any, bob: Any, admin: Any) -> None:
    team = folder(bob, "Team")
    nested = folder(bob, "Archive", team["id"])
    text_file(bob, "Plan report.txt", parent=team["id"])
    text_file(bob, "Old report.txt", parent=nested["id"])
    text_file(bob, "Private report.txt")
    grouped = text_file(bob, "Group report.txt")
    share(bob, team["id"], dtu_google.alice_email)
    share(bob, grouped["id"], dtu_google.group_email, kind="group")
    query = "name contains 'report' and trashed = false"
    assert sorted(names(alice.files().list(q=query).execute())) == [
        "Group report.txt",
        "Old report.txt",
        "Plan report.txt",
    ]
    assert admin.files().list(q=query).execute()["files"] == []
    assert sorted(names(bob.files().list(q=query).execute())) == [
        "Group report.txt",
        "Old report.txt",
        "Plan report.txt",
        "Private report.txt",
    ]


def test_name_contains_ignores_case(alice: Any) -> None:
    text_file(alice, "QUARTERLY REPORT.txt")
    text_file(alice, "report-7.txt")
    text_file(alice, "Reporting.txt")
    text_file(alice, "notes.txt")
    assert sorted(names(alice.files().list(q="name contains 'rEpOrT'").execute())) == [
        "QUARTERLY REPORT.txt",
        "Reporting.txt",
        "report-7.txt",
    ]


def test_or_with_full_text_and_not(alice: Any) -> None:
    text_file(alice, "minutes.txt", b"the budget was approved")
    text_file(alice, "plan.txt", b"nothing to see")
    either = names(alice.files().list(q="name contains 'plan' or fullText contains 'budget'").execute())
    assert sorted(either) == ["minutes.txt", "plan.txt"]
    assert names(alice.files().list(q="not name contains 'plan'").execute()) == ["minutes.txt"]
    assert names(alice.files().list(q="not (name contains 'plan' or fullText contains 'budget')").execute()) == []


def test_modified_time_compares_at_its_millisecond(alice: Any) -> None:
    created = alice.files().create(body={"name": "stamped"}, fields="id,modifiedTime").execute()
    moment = created["modifiedTime"]  # RFC 3339 with milliseconds, as Drive writes it
    assert names(alice.files().list(q=f"modifiedTime = '{moment}'").execute()) == ["stamped"]
    assert names(alice.files().list(q=f"modifiedTime >= '{moment}'").execute()) == ["stamped"]
    assert names(alice.files().list(q=f"modifiedTime <= '{moment}'").execute()) == ["stamped"]
    assert alice.files().list(q=f"modifiedTime > '{moment}'").execute()["files"] == []
    assert alice.files().list(q=f"modifiedTime < '{moment}'").execute()["files"] == []
    assert alice.files().list(q=f"modifiedTime != '{moment}'").execute()["files"] == []


def test_paging_a_narrowed_query(alice: Any) -> None:
    for n in range(5):
        text_file(alice, f"report-{n}.txt")
        text_file(alice, f"other-{n}.txt")
    seen: list[str] = []
    token = None
    while True:
        page = alice.files().list(q="name contains 'report'", pageSize=2, pageToken=token).execute()
        seen += names(page)
        token = page.get("nextPageToken")
        if not token:
            break
    assert seen == [f"report-{n}.txt" for n in range(5)]
