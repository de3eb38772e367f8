"""Drive v3 changes, push notifications, about and revisions through googleapiclient.

changes.getStartPageToken / changes.list record every create, update, trash, delete and
permission change visible to the user (removals reported as `removed: true` to those who
lost the item); changes.watch and files.watch deliver Google's header-only messages to a
receiver on 127.0.0.1 (sync first, then change / update / trash ...); channels.stop ends them.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterator
from email.utils import parsedate_to_datetime
from typing import Any

import pytest
from googleapiclient.errors import HttpError
from googleapiclient.http import MediaInMemoryUpload

from conformance.gdrive.conftest import error_of
from conformance.gdrive.receiver import Receiver


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    server = Receiver().start()
    yield server
    server.stop()


def start(drive: Any) -> str:
    token: str = drive.changes().getStartPageToken().execute()["startPageToken"]
    return token


def all_changes(drive: Any, token: str, **params: Any) -> tuple[list[dict[str, Any]], str]:
    """Every change since `token` through list_next, and the new start page token."""
    found: list[dict[str, Any]] = []
    request = drive.changes().list(pageToken=token, fields="*", **params)
    page: dict[str, Any] = {}
    while request is not None:
        page = request.execute()
        found.extend(page["changes"])
        request = drive.changes().list_next(request, page)
    return found, page["newStartPageToken"]


def test_start_page_token_shape(alice: Any) -> None:
    body = alice.changes().getStartPageToken().execute()
    assert body["kind"] == "drive#startPageToken"
    assert body["startPageToken"].isdigit()


def test_create_update_trash_delete_are_logged(alice: Any) -> None:
    token = start(alice)
    made = alice.files().create(body={"name": "log me"}).execute()
    alice.files().update(fileId=made["id"], body={"name": "renamed"}).execute()
    changes, new_token = all_changes(alice, token)
    assert [c["fileId"] for c in changes] == [made["id"]]  # listed once, at its latest change
    assert changes[-1]["file"]["name"] == "renamed"
    assert changes[0]["changeType"] == "file" and changes[0]["removed"] is False
    alice.files().update(fileId=made["id"], body={"trashed": True}).execute()
    trashed, newer = all_changes(alice, new_token)
    assert [c["file"]["trashed"] for c in trashed] == [True]
    alice.files().delete(fileId=made["id"]).execute()
    deleted, _ = all_changes(alice, newer)
    assert deleted == [
        {
            "kind": "drive#change",
            "changeType": "file",
            "time": deleted[0]["time"],
            "removed": True,
            "fileId": made["id"],
        }
    ]


def test_nothing_new_gives_new_start_page_token(alice: Any) -> None:
    token = start(alice)
    body = alice.changes().list(pageToken=token).execute()
    assert body == {"kind": "drive#changeList", "newStartPageToken": token, "changes": []}


def test_paging_through_changes(alice: Any) -> None:
    token = start(alice)
    for n in range(5):
        alice.files().create(body={"name": f"f{n}"}).execute()
    first = alice.changes().list(pageToken=token, pageSize=2).execute()
    assert len(first["changes"]) == 2 and "nextPageToken" in first and "newStartPageToken" not in first
    changes, _ = all_changes(alice, token, pageSize=2)
    assert [c["file"]["name"] for c in changes] == [f"f{n}" for n in range(5)]


def test_other_users_see_shares_and_losing_access(dtu_google: Any, alice: Any, bob: Any) -> None:
    bob_token = start(bob)
    private = alice.files().create(body={"name": "private"}).execute()
    shared = alice.files().create(body={"name": "shared"}).execute()
    permission = (
        alice.permissions()
        .create(fileId=shared["id"], body={"type": "user", "role": "reader", "emailAddress": dtu_google.bob_email})
        .execute()
    )
    seen, token = all_changes(bob, bob_token)
    assert [c["fileId"] for c in seen] == [shared["id"]]
    assert private["id"] not in {c["fileId"] for c in seen}
    alice.permissions().delete(fileId=shared["id"], permissionId=permission["id"]).execute()
    lost, _ = all_changes(bob, token)
    assert [(c["fileId"], c["removed"]) for c in lost] == [(shared["id"], True)]


def test_bad_page_token(alice: Any) -> None:
    with pytest.raises(HttpError) as raised:
        alice.changes().list(pageToken="abc").execute()
    assert raised.value.status_code == 400
    assert error_of(raised.value)["errors"][0]["location"] == "pageToken"


def test_changes_watch_sync_then_change(alice: Any, receiver: Receiver) -> None:
    channel_id = str(uuid.uuid4())
    body = {"id": channel_id, "type": "web_hook", "address": receiver.url, "token": "target=tests"}
    channel = alice.changes().watch(pageToken=start(alice), body=body).execute()
    assert channel["kind"] == "api#channel"
    assert channel["id"] == channel_id and channel["resourceId"] and channel["token"] == "target=tests"
    assert int(channel["expiration"]) > time.time() * 1000
    sync = receiver.wait_for(lambda n: n.state == "sync")[0]
    assert sync.number == 1
    assert sync.headers["x-goog-channel-id"] == channel_id
    assert sync.headers["x-goog-channel-token"] == "target=tests"
    assert sync.headers["x-goog-resource-id"] == channel["resourceId"]
    assert sync.headers["x-goog-resource-uri"] == channel["resourceUri"]
    expiry = parsedate_to_datetime(sync.headers["x-goog-channel-expiration"])
    assert int(expiry.timestamp()) == int(channel["expiration"]) // 1000
    assert sync.body == b""
    alice.files().create(body={"name": "ping"}).execute()
    change = receiver.wait_for(lambda n: n.state == "change")[0]
    assert change.number == 2
    alice.channels().stop(body={"id": channel_id, "resourceId": channel["resourceId"]}).execute()
    alice.files().create(body={"name": "after stop"}).execute()
    time.sleep(0.3)
    assert [n.state for n in receiver.received] == ["sync", "change"]


def test_changes_watch_ignores_other_users_private_items(alice: Any, bob: Any, receiver: Receiver) -> None:
    body = {"id": str(uuid.uuid4()), "type": "web_hook", "address": receiver.url}
    bob.changes().watch(pageToken=start(bob), body=body).execute()
    receiver.wait_for(lambda n: n.state == "sync")
    alice.files().create(body={"name": "alice only"}).execute()
    bob.files().create(body={"name": "bob's"}).execute()
    receiver.wait_for(lambda n: n.state == "change")
    time.sleep(0.2)
    assert [n.state for n in receiver.received] == ["sync", "change"]


def test_files_watch_update_and_trash(alice: Any, receiver: Receiver) -> None:
    made = alice.files().create(body={"name": "watched"}).execute()
    body = {"id": "file-channel", "type": "web_hook", "address": receiver.url}
    channel = alice.files().watch(fileId=made["id"], body=body).execute()
    assert channel["resourceUri"].endswith(f"/drive/v3/files/{made['id']}?alt=json")
    receiver.wait_for(lambda n: n.state == "sync")
    media = MediaInMemoryUpload(b"new content", mimetype="text/plain")
    alice.files().update(fileId=made["id"], media_body=media).execute()
    update = receiver.wait_for(lambda n: n.state == "update")[0]
    assert "content" in update.headers["x-goog-changed"].split(",")
    alice.files().update(fileId=made["id"], body={"trashed": True}).execute()
    trash = receiver.wait_for(lambda n: n.state == "trash")[0]
    assert [n.number for n in receiver.received] == [1, 2, 3]
    assert trash.headers["x-goog-resource-id"] == channel["resourceId"]


def test_failed_delivery_is_retried(alice: Any, receiver: Receiver) -> None:
    receiver.fail_with = [503]
    body = {"id": "retry", "type": "web_hook", "address": receiver.url}
    alice.changes().watch(pageToken=start(alice), body=body).execute()
    sync = receiver.wait_for(lambda n: n.state == "sync", count=2, timeout=15)
    assert [n.number for n in sync] == [1, 1]


def test_stop_unknown_channel_is_404(alice: Any) -> None:
    with pytest.raises(HttpError) as raised:
        alice.channels().stop(body={"id": "nope", "resourceId": "nope"}).execute()
    assert raised.value.status_code == 404


# -- about ------------------------------------------------------------------------------------
def test_about_requires_fields(alice: Any) -> None:
    with pytest.raises(HttpError) as raised:
        alice.about().get().execute()
    assert raised.value.status_code == 400
    assert error_of(raised.value)["errors"][0]["location"] == "fields"


def test_about_user_quota_and_formats(dtu_google: Any, alice: Any) -> None:
    media = MediaInMemoryUpload(b"12345", mimetype="text/plain")
    alice.files().create(body={"name": "five"}, media_body=media).execute()
    about = alice.about().get(fields="user,storageQuota,maxUploadSize,exportFormats,importFormats").execute()
    assert about["user"]["emailAddress"] == dtu_google.alice_email
    assert about["user"]["me"] is True
    assert about["storageQuota"]["usageInDrive"] == "5"
    assert int(about["maxUploadSize"]) > 0
    assert "application/pdf" in about["exportFormats"]["application/vnd.google-apps.document"]
    assert about["importFormats"]["text/csv"] == ["application/vnd.google-apps.spreadsheet"]
    assert set(alice.about().get(fields="user(emailAddress)").execute()) == {"user"}


# -- revisions ------------------------------------------------------------------------------
def test_content_revisions(alice: Any) -> None:
    media = MediaInMemoryUpload(b"v1", mimetype="text/plain")
    made = alice.files().create(body={"name": "r.txt"}, media_body=media, fields="id,headRevisionId").execute()
    alice.files().update(fileId=made["id"], media_body=MediaInMemoryUpload(b"v2!", mimetype="text/plain")).execute()
    alice.files().update(fileId=made["id"], body={"name": "renamed.txt"}).execute()  # metadata: no revision
    listing = alice.revisions().list(fileId=made["id"]).execute()
    assert listing["kind"] == "drive#revisionList"
    revisions = listing["revisions"]
    assert len(revisions) == 2
    assert set(revisions[0]) == {"kind", "id", "mimeType", "modifiedTime"}
    assert revisions[0]["id"] == made["headRevisionId"]
    first = alice.revisions().get(fileId=made["id"], revisionId=revisions[0]["id"], fields="size,md5Checksum").execute()
    assert first["size"] == "2"
    assert alice.revisions().get_media(fileId=made["id"], revisionId=revisions[0]["id"]).execute() == b"v1"
    head = alice.files().get(fileId=made["id"], fields="headRevisionId").execute()["headRevisionId"]
    assert revisions[1]["id"] == head
    with pytest.raises(HttpError) as raised:
        alice.revisions().get(fileId=made["id"], revisionId="nope").execute()
    assert raised.value.status_code == 404
    with pytest.raises(HttpError) as raised:
        alice.revisions().delete(fileId=made["id"], revisionId=head).execute()
    assert raised.value.status_code == 400
    alice.revisions().delete(fileId=made["id"], revisionId=revisions[0]["id"]).execute()
    assert len(alice.revisions().list(fileId=made["id"]).execute()["revisions"]) == 1
