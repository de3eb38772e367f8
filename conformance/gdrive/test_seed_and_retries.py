"""Seeding a domain through the control plane, `list_next` paging of files.list, and rate limits
under injected faults retried by `execute(num_retries=...)` (403 rateLimitExceeded, 429)."""

from __future__ import annotations

from typing import Any

import pytest
from googleapiclient.errors import HttpError

from conformance.gdrive.conftest import FOLDER, drive_as, error_of

DOCUMENT: dict[str, Any] = {
    "users": [{"email": "carol", "name": "Carol Example"}],
    "groups": [{"email": "eng", "name": "Engineering", "members": ["carol", "bob"]}],
    "files": [
        {"key": "reports", "name": "Reports", "folder": True, "owner": "alice"},
        {
            "name": "q1.txt",
            "parent": "reports",
            "owner": "alice",
            "content": "Q1 numbers",
            "permissions": [{"type": "group", "role": "reader", "emailAddress": "eng"}],
        },
        {"name": "private.txt", "owner": "alice", "content": "secret"},
    ],
}


def seed(dtu_google: Any, document: dict[str, Any]) -> Any:
    return dtu_google.control("POST", "/seed", json=document)


def test_seed_users_groups_files_permissions(dtu_google: Any) -> None:
    response = seed(dtu_google, DOCUMENT)
    assert response.status_code == 200, response.text
    created = response.json()["created"]
    carol_email = f"carol@{dtu_google.domain}"
    assert set(created["users"]) == {carol_email}
    carol = drive_as(dtu_google, carol_email)
    shared = carol.files().list(q="sharedWithMe", fields="files(id,name,parents)").execute()["files"]
    assert [f["name"] for f in shared] == ["q1.txt"]
    assert carol.files().get_media(fileId=created["files"]["q1.txt"]).execute() == b"Q1 numbers"
    alice = drive_as(dtu_google, dtu_google.alice_email)
    folder = alice.files().get(fileId=created["files"]["reports"], fields="mimeType").execute()
    assert folder["mimeType"] == FOLDER
    inside = alice.files().list(q=f"'{created['files']['reports']}' in parents", fields="files(name)").execute()
    assert inside["files"] == [{"name": "q1.txt"}]
    with pytest.raises(HttpError):
        carol.files().get(fileId=created["files"]["private.txt"]).execute()


def test_bad_seed_is_400(dtu_google: Any) -> None:
    response = seed(dtu_google, {"files": [{"name": "x", "parent": "missing"}]})
    assert response.status_code == 400


def test_files_list_next_pages_through_everything(alice: Any) -> None:
    for n in range(7):
        alice.files().create(body={"name": f"page-{n}"}).execute()
    request = alice.files().list(
        pageSize=3, q="name contains 'page'", orderBy="name", fields="nextPageToken,files(name)"
    )
    names: list[str] = []
    pages = 0
    while request is not None:
        page = request.execute()
        names.extend(f["name"] for f in page["files"])
        pages += 1
        request = alice.files().list_next(request, page)
    assert names == [f"page-{n}" for n in range(7)]
    assert pages == 3


def test_403_rate_limit_is_retried_by_num_retries(dtu_google: Any, alice: Any) -> None:
    dtu_google.fault(operation="drive.files.create", kind="rate_limit", error="rateLimitExceeded", remaining=2)
    made = alice.files().create(body={"name": "after retries"}).execute(num_retries=3)
    assert made["name"] == "after retries"


def test_429_is_retried_by_num_retries(dtu_google: Any, alice: Any) -> None:
    dtu_google.fault(operation="drive.files.list", kind="rate_limit", status=429, retry_after=0, remaining=2)
    assert alice.files().list().execute(num_retries=3)["kind"] == "drive#fileList"


def test_rate_limit_without_retries_surfaces_google_error(dtu_google: Any, alice: Any) -> None:
    dtu_google.fault(
        operation="drive.changes.getStartPageToken", kind="rate_limit", error="rateLimitExceeded", remaining=1
    )
    with pytest.raises(HttpError) as raised:
        alice.changes().getStartPageToken().execute()
    assert raised.value.status_code == 403
    error = error_of(raised.value)
    assert error["errors"][0]["reason"] == "rateLimitExceeded"
    assert error["errors"][0]["domain"] == "usageLimits"
    dtu_google.fault(operation="drive.drives.list", kind="rate_limit", status=429, retry_after=0, remaining=1)
    with pytest.raises(HttpError) as raised:
        alice.drives().list().execute()
    assert raised.value.status_code == 429
    assert error_of(raised.value)["status"] == "RESOURCE_EXHAUSTED"
