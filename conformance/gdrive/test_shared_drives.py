"""Shared drives through googleapiclient: drives.create/list/get/update/hide/unhide/delete, members
through permissions (organizer, fileOrganizer, writer, reader), items with supportsAllDrives,
corpora=drive listings, and membership inherited by everything inside."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from googleapiclient.errors import HttpError

from conformance.gdrive.conftest import FOLDER, error_of


def new_drive(drive: Any, name: str) -> dict[str, Any]:
    created: dict[str, Any] = drive.drives().create(requestId=str(uuid.uuid4()), body={"name": name}).execute()
    return created


def add_member(drive: Any, drive_id: str, email: str, role: str) -> dict[str, Any]:
    body = {"type": "user", "role": role, "emailAddress": email}
    made: dict[str, Any] = (
        drive.permissions().create(fileId=drive_id, body=body, supportsAllDrives=True, fields="id,role").execute()
    )
    return made


def test_create_default_fields_and_get(alice: Any) -> None:
    created = new_drive(alice, "Engineering")
    assert set(created) == {"kind", "id", "name"}
    assert created["kind"] == "drive#drive"
    got = alice.drives().get(driveId=created["id"], fields="*").execute()
    assert got["name"] == "Engineering"
    assert got["capabilities"]["canManageMembers"] is True
    assert got["hidden"] is False
    assert got["restrictions"]["domainUsersOnly"] is False


def test_repeated_request_id_is_409(alice: Any) -> None:
    request_id = str(uuid.uuid4())
    alice.drives().create(requestId=request_id, body={"name": "Once"}).execute()
    with pytest.raises(HttpError) as raised:
        alice.drives().create(requestId=request_id, body={"name": "Once"}).execute()
    assert raised.value.status_code == 409


def test_non_member_cannot_see_the_drive(alice: Any, bob: Any) -> None:
    created = new_drive(alice, "Private")
    with pytest.raises(HttpError) as raised:
        bob.drives().get(driveId=created["id"]).execute()
    assert raised.value.status_code == 404
    assert error_of(raised.value)["message"] == f"Shared drive not found: {created['id']}"
    assert bob.drives().list().execute()["drives"] == []


def test_members_inherit_access_to_items(dtu_google: Any, alice: Any, bob: Any) -> None:
    shared = new_drive(alice, "Team")
    add_member(alice, shared["id"], dtu_google.bob_email, "reader")
    made = (
        alice.files()
        .create(body={"name": "plan", "parents": [shared["id"]]}, supportsAllDrives=True, fields="id,driveId,owners")
        .execute()
    )
    assert made["driveId"] == shared["id"]
    assert "owners" not in made  # the shared drive holds its items
    got = bob.files().get(fileId=made["id"], supportsAllDrives=True, fields="name,capabilities/canEdit").execute()
    assert got == {"name": "plan", "capabilities": {"canEdit": False}}
    with pytest.raises(HttpError) as raised:
        bob.files().update(fileId=made["id"], body={"name": "x"}, supportsAllDrives=True).execute()
    assert raised.value.status_code == 403
    perms = bob.permissions().list(fileId=made["id"], supportsAllDrives=True, fields="permissions(role,emailAddress)")
    roles = {p["emailAddress"]: p["role"] for p in perms.execute()["permissions"]}
    assert roles == {dtu_google.alice_email: "organizer", dtu_google.bob_email: "reader"}


def test_items_need_supports_all_drives(alice: Any) -> None:
    shared = new_drive(alice, "Flags")
    made = alice.files().create(body={"name": "a", "parents": [shared["id"]]}, supportsAllDrives=True).execute()
    with pytest.raises(HttpError) as raised:
        alice.files().get(fileId=made["id"]).execute()
    assert raised.value.status_code == 404


def test_listing_corpora_drive_and_all_drives(alice: Any) -> None:
    shared = new_drive(alice, "Docs")
    alice.files().create(body={"name": "in drive", "parents": [shared["id"]]}, supportsAllDrives=True).execute()
    alice.files().create(body={"name": "in my drive"}).execute()
    mine = alice.files().list(fields="files(name)").execute()["files"]
    assert [f["name"] for f in mine] == ["in my drive"]
    scoped = (
        alice.files()
        .list(
            corpora="drive",
            driveId=shared["id"],
            includeItemsFromAllDrives=True,
            supportsAllDrives=True,
            fields="files(name,driveId)",
        )
        .execute()["files"]
    )
    assert scoped == [{"name": "in drive", "driveId": shared["id"]}]
    everything = (
        alice.files()
        .list(
            corpora="allDrives",
            includeItemsFromAllDrives=True,
            supportsAllDrives=True,
            orderBy="name",
            fields="files(name)",
        )
        .execute()["files"]
    )
    assert [f["name"] for f in everything] == ["in drive", "in my drive"]
    with pytest.raises(HttpError) as raised:
        alice.files().list(corpora="drive", driveId=shared["id"]).execute()
    assert raised.value.status_code == 403


def test_shared_drive_roles_only_in_shared_drives(dtu_google: Any, alice: Any) -> None:
    shared = new_drive(alice, "Roles")
    assert add_member(alice, shared["id"], dtu_google.bob_email, "fileOrganizer")["role"] == "fileOrganizer"
    folder = alice.files().create(body={"name": "f", "mimeType": FOLDER}).execute()
    with pytest.raises(HttpError) as raised:
        alice.permissions().create(
            fileId=folder["id"], body={"type": "user", "role": "organizer", "emailAddress": dtu_google.bob_email}
        ).execute()
    assert raised.value.status_code == 403


def test_list_query_update_hide_unhide(dtu_google: Any, alice: Any) -> None:
    one = new_drive(alice, "Alpha Project")
    two = new_drive(alice, "Beta")
    add_member(alice, two["id"], dtu_google.bob_email, "writer")
    names = lambda q: [d["name"] for d in alice.drives().list(q=q).execute()["drives"]]  # noqa: E731
    assert names("name contains 'Alpha'") == ["Alpha Project"]
    assert names("memberCount > 1") == ["Beta"]
    assert names("organizerCount = 1 and not name = 'Beta'") == ["Alpha Project"]
    alice.drives().hide(driveId=one["id"]).execute()
    assert names("hidden = true") == ["Alpha Project"]
    alice.drives().unhide(driveId=one["id"]).execute()
    assert names("hidden = true") == []
    renamed = alice.drives().update(driveId=one["id"], body={"name": "Gamma"}, fields="name").execute()
    assert renamed == {"name": "Gamma"}
    with pytest.raises(HttpError) as raised:
        alice.drives().list(q="size > 3").execute()
    assert raised.value.status_code == 400


def test_list_pages_with_list_next(alice: Any) -> None:
    for n in range(5):
        new_drive(alice, f"D{n}")
    request = alice.drives().list(pageSize=2)
    seen = []
    while request is not None:
        page = request.execute()
        seen.extend(d["name"] for d in page["drives"])
        request = alice.drives().list_next(request, page)
    assert seen == [f"D{n}" for n in range(5)]


def test_writer_cannot_update_or_delete_drive(dtu_google: Any, alice: Any, bob: Any) -> None:
    shared = new_drive(alice, "Locked")
    add_member(alice, shared["id"], dtu_google.bob_email, "writer")
    with pytest.raises(HttpError) as raised:
        bob.drives().update(driveId=shared["id"], body={"name": "mine"}).execute()
    assert raised.value.status_code == 403
    with pytest.raises(HttpError) as raised:
        bob.drives().delete(driveId=shared["id"]).execute()
    assert raised.value.status_code == 403


def test_delete_only_empty_unless_admin_allows_item_deletion(dtu_google: Any, admin: Any) -> None:
    shared = new_drive(admin, "Doomed")
    made = admin.files().create(body={"name": "x", "parents": [shared["id"]]}, supportsAllDrives=True).execute()
    with pytest.raises(HttpError) as raised:
        admin.drives().delete(driveId=shared["id"]).execute()
    assert raised.value.status_code == 403
    admin.drives().delete(driveId=shared["id"], useDomainAdminAccess=True, allowItemDeletion=True).execute()
    with pytest.raises(HttpError) as raised:
        admin.files().get(fileId=made["id"], supportsAllDrives=True).execute()
    assert raised.value.status_code == 404
    empty = new_drive(admin, "Empty")
    admin.drives().delete(driveId=empty["id"]).execute()
    assert admin.drives().list().execute()["drives"] == []


def test_organizer_deletes_items_writer_cannot(dtu_google: Any, alice: Any, bob: Any) -> None:
    shared = new_drive(alice, "Work")
    add_member(alice, shared["id"], dtu_google.bob_email, "writer")
    made = bob.files().create(body={"name": "b", "parents": [shared["id"]]}, supportsAllDrives=True).execute()
    with pytest.raises(HttpError) as raised:
        bob.files().delete(fileId=made["id"], supportsAllDrives=True).execute()
    assert raised.value.status_code == 403
    alice.files().delete(fileId=made["id"], supportsAllDrives=True).execute()
