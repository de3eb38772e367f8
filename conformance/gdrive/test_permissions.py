"""Drive v3 permissions and access enforcement, with two users acting through domain-wide
delegation: sharing with users, groups, the domain and anyone; inheritance through folders;
Drive's 404 for items a user cannot see; ownership transfer."""

from __future__ import annotations

from typing import Any

import pytest
from googleapiclient.errors import HttpError

from conformance.gdrive.conftest import DRIVE_FILE, FOLDER, drive_as, error_of, user_drive


def share(drive: Any, file_id: str, **permission: Any) -> dict[str, Any]:
    created: dict[str, Any] = drive.permissions().create(fileId=file_id, body=permission).execute()
    return created


def assert_hidden(drive: Any, file_id: str) -> None:
    with pytest.raises(HttpError) as raised:
        drive.files().get(fileId=file_id).execute()
    assert raised.value.status_code == 404
    error = error_of(raised.value)
    assert error["message"] == f"File not found: {file_id}."
    assert error["errors"][0]["reason"] == "notFound"


def test_unshared_file_is_invisible_to_another_user(alice: Any, bob: Any) -> None:
    secret = alice.files().create(body={"name": "secret"}).execute()
    assert_hidden(bob, secret["id"])
    assert bob.files().list().execute()["files"] == []
    with pytest.raises(HttpError) as raised:
        bob.permissions().list(fileId=secret["id"]).execute()
    assert raised.value.status_code == 404


def test_share_with_user_as_reader(dtu_google: Any, alice: Any, bob: Any) -> None:
    doc = alice.files().create(body={"name": "doc"}).execute()
    created = share(alice, doc["id"], type="user", role="reader", emailAddress=dtu_google.bob_email)
    assert set(created) == {"kind", "id", "type", "role"}
    assert created["kind"] == "drive#permission"
    assert (created["type"], created["role"]) == ("user", "reader")
    got = bob.files().get(fileId=doc["id"], fields="name,ownedByMe,capabilities(canEdit,canShare)").execute()
    assert got == {"name": "doc", "ownedByMe": False, "capabilities": {"canEdit": False, "canShare": False}}
    assert [f["name"] for f in bob.files().list(q="sharedWithMe").execute()["files"]] == ["doc"]
    with pytest.raises(HttpError) as raised:
        bob.files().update(fileId=doc["id"], body={"name": "mine now"}).execute()
    assert raised.value.status_code == 403
    assert error_of(raised.value)["errors"][0]["reason"] == "insufficientFilePermissions"


def test_writer_can_edit_but_not_delete(dtu_google: Any, alice: Any, bob: Any) -> None:
    doc = alice.files().create(body={"name": "doc"}).execute()
    share(alice, doc["id"], type="user", role="writer", emailAddress=dtu_google.bob_email)
    assert bob.files().update(fileId=doc["id"], body={"name": "edited"}, fields="name").execute() == {"name": "edited"}
    with pytest.raises(HttpError) as raised:
        bob.files().delete(fileId=doc["id"]).execute()
    assert raised.value.status_code == 403
    listed = bob.files().list(q=f"'{dtu_google.bob_email}' in writers").execute()
    assert [f["id"] for f in listed["files"]] == [doc["id"]]


def test_permissions_list_get_update_delete(dtu_google: Any, alice: Any, bob: Any) -> None:
    doc = alice.files().create(body={"name": "doc"}).execute()
    perm = share(alice, doc["id"], type="user", role="commenter", emailAddress=dtu_google.bob_email)
    listing = alice.permissions().list(fileId=doc["id"]).execute()
    assert listing["kind"] == "drive#permissionList"
    by_role = {p["role"]: p for p in listing["permissions"]}
    assert by_role["owner"]["emailAddress"] == dtu_google.alice_email
    assert by_role["commenter"]["emailAddress"] == dtu_google.bob_email
    got = alice.permissions().get(fileId=doc["id"], permissionId=perm["id"], fields="id,role,emailAddress").execute()
    assert got == {"id": perm["id"], "role": "commenter", "emailAddress": dtu_google.bob_email}
    updated = alice.permissions().update(fileId=doc["id"], permissionId=perm["id"], body={"role": "writer"}).execute()
    assert updated["role"] == "writer"
    alice.permissions().delete(fileId=doc["id"], permissionId=perm["id"]).execute()
    assert_hidden(bob, doc["id"])
    with pytest.raises(HttpError) as raised:
        alice.permissions().get(fileId=doc["id"], permissionId=perm["id"]).execute()
    assert raised.value.status_code == 404
    assert error_of(raised.value)["message"] == f"Permission not found: {perm['id']}."


def test_folder_permission_is_inherited(dtu_google: Any, alice: Any, bob: Any) -> None:
    shared = alice.files().create(body={"name": "Shared", "mimeType": FOLDER}).execute()
    inner = alice.files().create(body={"name": "inner", "mimeType": FOLDER, "parents": [shared["id"]]}).execute()
    deep = alice.files().create(body={"name": "deep.txt", "parents": [inner["id"]]}).execute()
    assert_hidden(bob, deep["id"])
    share(alice, shared["id"], type="user", role="writer", emailAddress=dtu_google.bob_email)
    assert bob.files().get(fileId=deep["id"], fields="name").execute() == {"name": "deep.txt"}
    # Bob can add to the shared folder; the new item belongs to him.
    mine = bob.files().create(body={"name": "bob.txt", "parents": [inner["id"]]}, fields="ownedByMe").execute()
    assert mine == {"ownedByMe": True}
    # Only the shared folder itself is "shared with me"; its contents are reached through it.
    assert [f["name"] for f in bob.files().list(q="sharedWithMe").execute()["files"]] == ["Shared"]
    inherited = alice.permissions().list(fileId=deep["id"], fields="permissions(emailAddress,role)").execute()
    assert {"emailAddress": dtu_google.bob_email, "role": "writer"} in inherited["permissions"]
    assert {"emailAddress": dtu_google.alice_email, "role": "owner"} in inherited["permissions"]


def test_group_domain_and_anyone(dtu_google: Any, alice: Any, bob: Any, admin: Any) -> None:
    for_group = alice.files().create(body={"name": "team doc"}).execute()
    share(alice, for_group["id"], type="group", role="reader", emailAddress=dtu_google.group_email)
    assert bob.files().get(fileId=for_group["id"], fields="name").execute() == {"name": "team doc"}
    assert_hidden(admin, for_group["id"])  # the admin is not in the group

    for_domain = alice.files().create(body={"name": "domain doc"}).execute()
    perm = share(
        alice, for_domain["id"], type="domain", role="reader", domain=dtu_google.domain, allowFileDiscovery=True
    )
    assert perm["type"] == "domain"
    assert admin.files().get(fileId=for_domain["id"], fields="name").execute() == {"name": "domain doc"}
    # Domain-discoverable items are found in the domain corpus, not in the user's own.
    assert "domain doc" not in [f["name"] for f in admin.files().list().execute()["files"]]
    assert "domain doc" in [f["name"] for f in admin.files().list(corpora="domain").execute()["files"]]

    link = alice.files().create(body={"name": "link doc"}).execute()
    anyone = share(alice, link["id"], type="anyone", role="reader")
    assert anyone["id"] == "anyoneWithLink"
    outsider = drive_as(dtu_google, None)  # the service account itself: outside the domain
    assert outsider.files().get(fileId=link["id"], fields="name").execute() == {"name": "link doc"}
    assert outsider.files().list().execute()["files"] == []


def test_owner_role_needs_transfer_ownership(dtu_google: Any, alice: Any, bob: Any) -> None:
    doc = alice.files().create(body={"name": "doc"}).execute()
    with pytest.raises(HttpError) as raised:
        share(alice, doc["id"], type="user", role="owner", emailAddress=dtu_google.bob_email)
    assert raised.value.status_code == 403
    error = error_of(raised.value)
    assert error["message"] == "The transferOwnership parameter must be enabled when the permission role is 'owner'."
    alice.permissions().create(
        fileId=doc["id"],
        body={"type": "user", "role": "owner", "emailAddress": dtu_google.bob_email},
        transferOwnership=True,
    ).execute()
    got = bob.files().get(fileId=doc["id"], fields="ownedByMe,owners(emailAddress)").execute()
    assert got == {"ownedByMe": True, "owners": [{"emailAddress": dtu_google.bob_email}]}
    # The previous owner keeps writer access.
    roles = {p["emailAddress"]: p["role"] for p in bob.permissions().list(fileId=doc["id"]).execute()["permissions"]}
    assert roles == {dtu_google.alice_email: "writer", dtu_google.bob_email: "owner"}


def test_reader_cannot_share(dtu_google: Any, alice: Any, bob: Any) -> None:
    doc = alice.files().create(body={"name": "doc"}).execute()
    share(alice, doc["id"], type="user", role="reader", emailAddress=dtu_google.bob_email)
    with pytest.raises(HttpError) as raised:
        share(bob, doc["id"], type="user", role="reader", emailAddress=dtu_google.admin_email)
    assert raised.value.status_code == 403
    assert error_of(raised.value)["errors"][0]["reason"] == "insufficientFilePermissions"


def test_send_notification_email_accepted(dtu_google: Any, alice: Any) -> None:
    doc = alice.files().create(body={"name": "doc"}).execute()
    created = (
        alice.permissions()
        .create(
            fileId=doc["id"],
            body={"type": "user", "role": "reader", "emailAddress": dtu_google.bob_email},
            sendNotificationEmail=False,
            fields="id,emailAddress,displayName",
        )
        .execute()
    )
    assert created["emailAddress"] == dtu_google.bob_email
    assert created["displayName"] == "Bob Example"


def test_missing_role_is_required(alice: Any) -> None:
    doc = alice.files().create(body={"name": "doc"}).execute()
    with pytest.raises(HttpError) as raised:
        share(alice, doc["id"], type="user", emailAddress="x@example.com")
    assert raised.value.status_code == 400
    assert error_of(raised.value)["errors"][0]["reason"] == "required"


def test_shared_drive_roles_refused_on_my_drive_items(dtu_google: Any, alice: Any) -> None:
    doc = alice.files().create(body={"name": "doc"}).execute()
    with pytest.raises(HttpError) as raised:
        share(alice, doc["id"], type="user", role="organizer", emailAddress=dtu_google.bob_email)
    assert raised.value.status_code == 403


def test_drive_file_scope_sees_only_its_own_items(dtu_google: Any) -> None:
    # Another OAuth client (the installed app of the refresh token) makes an item ...
    other_app = user_drive(dtu_google, dtu_google.alice_refresh_token)
    elsewhere = other_app.files().create(body={"name": "made elsewhere"}).execute()
    # ... which the service account's client, holding only drive.file, cannot reach.
    app = drive_as(dtu_google, dtu_google.alice_email, [DRIVE_FILE])
    mine = app.files().create(body={"name": "made by the app"}).execute()
    assert [f["name"] for f in app.files().list().execute()["files"]] == ["made by the app"]
    assert app.files().get(fileId=mine["id"], fields="name").execute() == {"name": "made by the app"}
    assert_hidden(app, elsewhere["id"])


def test_refresh_token_cannot_widen_its_scopes(dtu_google: Any) -> None:
    from google.auth.exceptions import RefreshError

    # The refresh token was granted `drive`; asking for another scope is invalid_scope, as at Google.
    with pytest.raises(RefreshError) as raised:
        user_drive(dtu_google, dtu_google.alice_refresh_token, scopes=[DRIVE_FILE]).files().list().execute()
    assert "invalid_scope" in str(raised.value)
