"""Drive v3 files through googleapiclient: create (metadata, multipart, media, resumable),
get with partial responses and downloads, list with Drive's query language, ordering and
paging, update (rename, move, content), copy, trash, delete, emptyTrash."""

from __future__ import annotations

import io
from typing import Any

import pytest
from googleapiclient.errors import HttpError
from googleapiclient.http import MediaInMemoryUpload, MediaIoBaseDownload, MediaIoBaseUpload

from conformance.gdrive.conftest import FOLDER, error_of


def folder(drive: Any, name: str, parent: str | None = None) -> dict[str, Any]:
    body: dict[str, Any] = {"name": name, "mimeType": FOLDER}
    if parent:
        body["parents"] = [parent]
    created: dict[str, Any] = drive.files().create(body=body, fields="id,name,parents").execute()
    return created


def text_file(drive: Any, name: str, content: bytes = b"hello", parent: str | None = None, **extra: Any) -> dict:
    body: dict[str, Any] = {"name": name, **extra}
    if parent:
        body["parents"] = [parent]
    media = MediaInMemoryUpload(content, mimetype="text/plain")
    created: dict[str, Any] = drive.files().create(body=body, media_body=media, fields="*").execute()
    return created


def names(listing: dict[str, Any]) -> list[str]:
    return [f["name"] for f in listing["files"]]


# -- create / get -------------------------------------------------------------------------
def test_create_metadata_only_default_fields(alice: Any) -> None:
    created = alice.files().create(body={"name": "Notes"}).execute()
    assert set(created) == {"kind", "id", "name", "mimeType"}
    assert created["kind"] == "drive#file"
    assert created["name"] == "Notes"
    assert created["mimeType"] == "application/octet-stream"
    assert len(created["id"]) == 33


def test_untitled_default_name_and_root_parent(alice: Any) -> None:
    created = alice.files().create(body={}, fields="name,parents").execute()
    root = alice.files().get(fileId="root", fields="id,name,mimeType").execute()
    assert created == {"name": "Untitled", "parents": [root["id"]]}
    assert root["name"] == "My Drive"
    assert root["mimeType"] == FOLDER


def test_multipart_upload_and_download(alice: Any) -> None:
    created = text_file(alice, "hello.txt", b"hello world")
    assert created["size"] == "11"
    assert created["md5Checksum"] == "5eb63bbbe01eeed093cb22bb8f5acdc3"
    assert created["mimeType"] == "text/plain"
    assert created["fileExtension"] == "txt"
    assert created["ownedByMe"] is True
    assert created["capabilities"]["canEdit"] is True
    assert alice.files().get_media(fileId=created["id"]).execute() == b"hello world"


def test_simple_media_upload(alice: Any) -> None:
    media = MediaInMemoryUpload(b"\x00\x01binary", mimetype="application/octet-stream")
    created = alice.files().create(media_body=media, fields="name,size,mimeType").execute()
    assert created == {"name": "Untitled", "size": "8", "mimeType": "application/octet-stream"}


def test_resumable_upload_in_chunks_and_chunked_download(alice: Any) -> None:
    payload = bytes(range(256)) * 4096  # 1 MiB: four 256 KiB chunks
    media = MediaIoBaseUpload(io.BytesIO(payload), mimetype="image/png", chunksize=256 * 1024, resumable=True)
    request = alice.files().create(body={"name": "big.png"}, media_body=media, fields="id,size,mimeType")
    response = None
    progress = []
    while response is None:
        status, response = request.next_chunk()
        if status:
            progress.append(status.resumable_progress)
    assert progress == [262144, 524288, 786432]
    assert response["size"] == str(len(payload))
    buffer = io.BytesIO()
    downloader = MediaIoBaseDownload(buffer, alice.files().get_media(fileId=response["id"]), chunksize=300_000)
    done = False
    while not done:
        _, done = downloader.next_chunk()
    assert buffer.getvalue() == payload


def test_update_content_with_media(alice: Any) -> None:
    created = text_file(alice, "v.txt", b"one")
    media = MediaInMemoryUpload(b"two two", mimetype="text/plain")
    updated = alice.files().update(fileId=created["id"], media_body=media, fields="size,version").execute()
    assert updated["size"] == "7"
    assert int(updated["version"]) > int(created["version"])
    assert alice.files().get_media(fileId=created["id"]).execute() == b"two two"


def test_download_of_a_folder_is_refused(alice: Any) -> None:
    made = folder(alice, "F")
    with pytest.raises(HttpError) as raised:
        alice.files().get_media(fileId=made["id"]).execute()
    assert raised.value.status_code == 403
    assert error_of(raised.value)["errors"][0]["reason"] == "fileNotDownloadable"


def test_unknown_file_is_404_not_found(alice: Any) -> None:
    with pytest.raises(HttpError) as raised:
        alice.files().get(fileId="1doesnotexistdoesnotexistdoesnot").execute()
    assert raised.value.status_code == 404
    error = error_of(raised.value)
    assert error["message"] == "File not found: 1doesnotexistdoesnotexistdoesnot."
    assert error["errors"] == [
        {
            "message": "File not found: 1doesnotexistdoesnotexistdoesnot.",
            "domain": "global",
            "reason": "notFound",
            "location": "fileId",
            "locationType": "parameter",
        }
    ]


# -- partial responses ----------------------------------------------------------------------
def test_fields_nested_and_sub_paths(alice: Any) -> None:
    created = text_file(alice, "f.txt")
    got = alice.files().get(fileId=created["id"], fields="id, owners(emailAddress), capabilities/canShare").execute()
    assert got == {
        "id": created["id"],
        "owners": [{"emailAddress": created["owners"][0]["emailAddress"]}],
        "capabilities": {"canShare": True},
    }
    listing = alice.files().list(fields="files(id,name),nextPageToken").execute()
    assert listing["files"] == [{"id": created["id"], "name": "f.txt"}]


def test_invalid_field_selection(alice: Any) -> None:
    with pytest.raises(HttpError) as raised:
        alice.files().list(fields="files(id,nam)").execute()
    assert raised.value.status_code == 400
    error = error_of(raised.value)
    assert error["message"] == "Invalid field selection nam"
    assert error["errors"][0]["location"] == "fields"


def test_default_list_shape(alice: Any) -> None:
    text_file(alice, "a.txt")
    listing = alice.files().list().execute()
    assert set(listing) == {"kind", "incompleteSearch", "files"}
    assert listing["kind"] == "drive#fileList"
    assert listing["incompleteSearch"] is False
    assert set(listing["files"][0]) == {"kind", "id", "name", "mimeType"}


# -- search ---------------------------------------------------------------------------------
@pytest.fixture
def corpus(alice: Any) -> dict[str, Any]:
    projects = folder(alice, "Projects")
    report = text_file(alice, "Quarterly Report.txt", b"revenue grew strongly", projects["id"])
    notes = text_file(alice, "HelloWorld notes.txt", b"nothing here", description="meeting minutes")
    budget = (
        alice.files()
        .create(
            body={
                "name": "Budget 2024",
                "mimeType": "application/vnd.google-apps.spreadsheet",
                "properties": {"team": "finance"},
            },
            fields="id",
        )
        .execute()
    )
    return {"projects": projects, "report": report, "notes": notes, "budget": budget}


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("name = 'Projects'", ["Projects"]),
        ("name contains 'Quart'", ["Quarterly Report.txt"]),
        ("name contains 'Hello'", ["HelloWorld notes.txt"]),
        ("name contains 'World'", []),  # prefix matching on words, as Drive documents
        ("name contains 'notes'", ["HelloWorld notes.txt"]),
        ("mimeType = 'application/vnd.google-apps.folder'", ["Projects"]),
        ("mimeType contains 'text/'", ["Quarterly Report.txt", "HelloWorld notes.txt"]),
        (
            "mimeType != 'application/vnd.google-apps.folder' and not name contains 'Budget'",
            ["Quarterly Report.txt", "HelloWorld notes.txt"],
        ),
        ("fullText contains 'revenue grew'", ["Quarterly Report.txt"]),
        ("fullText contains 'minutes'", ["HelloWorld notes.txt"]),
        ("(name contains 'Budget' or name contains 'Proj') and trashed = false", ["Projects", "Budget 2024"]),
        ("properties has { key='team' and value='finance' }", ["Budget 2024"]),
        (
            "modifiedTime > '2000-01-01T00:00:00'",
            ["Projects", "Quarterly Report.txt", "HelloWorld notes.txt", "Budget 2024"],
        ),
        ("modifiedTime < '2000-01-01T00:00:00'", []),
        ("sharedWithMe", []),
    ],
)
def test_query_language(alice: Any, corpus: dict[str, Any], q: str, expected: list[str]) -> None:
    assert names(alice.files().list(q=q).execute()) == expected


def test_in_parents_and_owners(dtu_google: Any, alice: Any, corpus: dict[str, Any]) -> None:
    projects = corpus["projects"]["id"]
    assert names(alice.files().list(q=f"'{projects}' in parents").execute()) == ["Quarterly Report.txt"]
    in_root = names(alice.files().list(q="'root' in parents and trashed = false").execute())
    assert in_root == ["Projects", "HelloWorld notes.txt", "Budget 2024"]
    owned = alice.files().list(q=f"'{dtu_google.alice_email}' in owners").execute()
    assert len(owned["files"]) == 4
    assert alice.files().list(q=f"'{dtu_google.bob_email}' in owners").execute()["files"] == []
    assert len(alice.files().list(q=f"'{dtu_google.alice_email}' in writers").execute()["files"]) == 4


@pytest.mark.parametrize(
    "q",
    ["name = Projects", "name contains", "name ~ 'x'", "bogus = 'x'", "trashed = 'yes'", "(name = 'a'", "'x' in name"],
)
def test_invalid_query_is_invalid_value(alice: Any, q: str) -> None:
    with pytest.raises(HttpError) as raised:
        alice.files().list(q=q).execute()
    assert raised.value.status_code == 400
    error = error_of(raised.value)
    assert error["message"] == "Invalid Value"
    assert error["errors"][0]["location"] == "q"


def test_order_by_and_paging(alice: Any) -> None:
    for name in ["b", "D", "a", "c", "e"]:
        alice.files().create(body={"name": name}).execute()
    assert names(alice.files().list(orderBy="name").execute()) == ["a", "b", "c", "D", "e"]
    assert names(alice.files().list(orderBy="name desc").execute()) == ["e", "D", "c", "b", "a"]
    seen: list[str] = []
    token = None
    pages = 0
    while True:
        page = alice.files().list(orderBy="name", pageSize=2, pageToken=token).execute()
        seen.extend(names(page))
        pages += 1
        token = page.get("nextPageToken")
        if not token:
            break
    assert seen == ["a", "b", "c", "D", "e"]
    assert pages == 3


def test_sorting_full_text_is_refused(alice: Any) -> None:
    with pytest.raises(HttpError) as raised:
        alice.files().list(q="fullText contains 'x'", orderBy="name").execute()
    assert raised.value.status_code == 400
    assert error_of(raised.value)["errors"][0]["reason"] == "badRequest"


def test_page_size_out_of_range(alice: Any) -> None:
    with pytest.raises(HttpError) as raised:
        alice.files().list(pageSize=1001).execute()
    assert raised.value.status_code == 400
    assert error_of(raised.value)["errors"][0]["location"] == "pageSize"


# -- update / copy / trash / delete ---------------------------------------------------------
def test_rename_and_move(alice: Any) -> None:
    a, b = folder(alice, "A"), folder(alice, "B")
    item = alice.files().create(body={"name": "doc", "parents": [a["id"]]}, fields="id,parents").execute()
    renamed = alice.files().update(fileId=item["id"], body={"name": "doc2"}, fields="name").execute()
    assert renamed == {"name": "doc2"}
    moved = (
        alice.files().update(fileId=item["id"], addParents=b["id"], removeParents=a["id"], fields="parents").execute()
    )
    assert moved == {"parents": [b["id"]]}


def test_second_parent_is_refused(alice: Any) -> None:
    a, b = folder(alice, "A"), folder(alice, "B")
    item = alice.files().create(body={"name": "doc", "parents": [a["id"]]}).execute()
    with pytest.raises(HttpError) as raised:
        alice.files().update(fileId=item["id"], addParents=b["id"]).execute()
    assert raised.value.status_code == 403
    assert error_of(raised.value)["errors"][0]["reason"] == "cannotAddParent"


def test_parents_not_writable_in_update(alice: Any) -> None:
    item = alice.files().create(body={"name": "doc"}).execute()
    with pytest.raises(HttpError) as raised:
        alice.files().update(fileId=item["id"], body={"parents": ["x"]}).execute()
    assert raised.value.status_code == 403
    assert error_of(raised.value)["errors"][0]["reason"] == "fieldNotWritable"


def test_copy_keeps_name_and_content(alice: Any) -> None:
    original = text_file(alice, "orig.txt", b"payload")
    copied = alice.files().copy(fileId=original["id"], fields="id,name,size,parents").execute()
    assert copied["name"] == "orig.txt"
    assert copied["id"] != original["id"]
    assert copied["parents"] == original["parents"]
    assert alice.files().get_media(fileId=copied["id"]).execute() == b"payload"
    renamed = alice.files().copy(fileId=original["id"], body={"name": "other.txt"}, fields="name").execute()
    assert renamed == {"name": "other.txt"}


def test_trash_untrash_and_descendants(alice: Any) -> None:
    top = folder(alice, "Top")
    child = alice.files().create(body={"name": "child", "parents": [top["id"]]}).execute()
    trashed = (
        alice.files()
        .update(fileId=top["id"], body={"trashed": True}, fields="trashed,explicitlyTrashed,trashedTime")
        .execute()
    )
    assert trashed["trashed"] is True and trashed["explicitlyTrashed"] is True
    got = alice.files().get(fileId=child["id"], fields="trashed,explicitlyTrashed").execute()
    assert got == {"trashed": True, "explicitlyTrashed": False}
    assert names(alice.files().list(q="trashed = true").execute()) == ["Top", "child"]
    assert names(alice.files().list(q="trashed = false").execute()) == []
    alice.files().update(fileId=top["id"], body={"trashed": False}).execute()
    assert alice.files().get(fileId=child["id"], fields="trashed").execute() == {"trashed": False}


def test_delete_and_empty_trash(alice: Any) -> None:
    gone = alice.files().create(body={"name": "gone"}).execute()
    assert alice.files().delete(fileId=gone["id"]).execute() == ""
    with pytest.raises(HttpError) as raised:
        alice.files().get(fileId=gone["id"]).execute()
    assert raised.value.status_code == 404
    top = folder(alice, "T")
    inner = alice.files().create(body={"name": "inner", "parents": [top["id"]]}).execute()
    keep = alice.files().create(body={"name": "keep"}).execute()
    alice.files().update(fileId=top["id"], body={"trashed": True}).execute()
    alice.files().emptyTrash().execute()
    assert names(alice.files().list().execute()) == ["keep"]
    for removed in (top, inner):
        with pytest.raises(HttpError):
            alice.files().get(fileId=removed["id"]).execute()
    assert keep["name"] == "keep"
