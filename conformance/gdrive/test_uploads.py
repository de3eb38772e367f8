"""Media uploads and downloads of real bytes: multipart, resumable (the 308 dance), streaming, bad input.

What Drive does, from its upload guide (developers.google.com/drive/api/guides/manage-uploads)
and google-api-python-client's MediaUpload/MediaIoBaseDownload: a resumable session URI comes
back in `Location`; each chunk is a PUT with `Content-Range: bytes a-b/total`, answered `308`
with `Range: bytes=0-n` (the bytes kept) until the last one, answered with the file; after an
interruption the client sends an empty PUT with `Content-Range: bytes */total` and resumes from
the `Range` of the 308; an unknown or expired session is 404. Downloads honour `Range` (206).
"""

from __future__ import annotations

import hashlib
import io
import random
import threading
import tracemalloc
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from googleapiclient.errors import HttpError
from googleapiclient.http import MediaIoBaseDownload, MediaIoBaseUpload

from conformance.gdrive.conftest import refresh, sa_credentials

MiB = 1024 * 1024


@pytest.fixture
def http(dtu_google: Any) -> Iterator[httpx.Client]:
    token = refresh(sa_credentials(dtu_google, dtu_google.alice_email)).token
    with httpx.Client(base_url=dtu_google.url, headers={"Authorization": f"Bearer {token}"}, timeout=60) as client:
        yield client


def random_bytes(size: int, seed: int = 7) -> bytes:
    return random.Random(seed).randbytes(size)


def download_all(drive: Any, request: Any, chunksize: int) -> bytes:
    buffer = io.BytesIO()
    downloader = MediaIoBaseDownload(buffer, request, chunksize=chunksize)
    done = False
    while not done:
        _, done = downloader.next_chunk()
    return buffer.getvalue()


def start_session(http: httpx.Client, total: int | None = None, name: str = "r.bin") -> str:
    headers = {"X-Upload-Content-Type": "application/octet-stream"}
    if total is not None:
        headers["X-Upload-Content-Length"] = str(total)
    started = http.post(
        "/upload/drive/v3/files", params={"uploadType": "resumable"}, json={"name": name}, headers=headers
    )
    assert started.status_code == 200
    return started.headers["location"]


class PeakMemory:
    """Peak of Python memory allocated while the block runs, in this process (the twin serves from a thread)."""

    def __enter__(self) -> PeakMemory:
        tracemalloc.start()
        self.peak = 0
        return self

    def __exit__(self, *_exc: object) -> None:
        _current, self.peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()


# -- large content: streamed both ways ---------------------------------------------------------
def test_64_mib_upload_and_download_stream_in_bounded_memory(dtu_google: Any, http: httpx.Client) -> None:
    assert threading.current_thread() is threading.main_thread()  # the twin runs in this process
    size, piece = 64 * MiB, MiB
    sent = hashlib.md5()

    def body() -> Iterator[bytes]:
        for index in range(size // piece):
            data = random_bytes(piece, seed=index)
            sent.update(data)
            yield data

    with PeakMemory() as upload:
        response = http.post(
            "/upload/drive/v3/files",
            params={"uploadType": "media", "fields": "id,size,md5Checksum"},
            content=body(),
            headers={"Content-Type": "application/octet-stream"},
        )
    assert response.status_code == 200, response.text
    made = response.json()
    assert made["size"] == str(size)
    assert made["md5Checksum"] == sent.hexdigest()
    # The body is 64 MiB: neither the twin nor the client held it whole (or twice).
    assert upload.peak < 24 * MiB, upload.peak

    received, length = hashlib.md5(), 0
    with PeakMemory() as download, http.stream("GET", f"/drive/v3/files/{made['id']}", params={"alt": "media"}) as got:
        assert got.status_code == 200
        assert got.headers["content-length"] == str(size)
        for chunk in got.iter_bytes():
            received.update(chunk)
            length += len(chunk)
    assert (length, received.hexdigest()) == (size, made["md5Checksum"])
    assert download.peak < 24 * MiB, download.peak

    # A range across the boundary of two stored pieces (1 MiB each) of the last MiBs.
    tail = http.get(
        f"/drive/v3/files/{made['id']}", params={"alt": "media"}, headers={"Range": f"bytes={size - MiB - 10}-"}
    )
    assert tail.status_code == 206
    assert tail.headers["content-range"] == f"bytes {size - MiB - 10}-{size - 1}/{size}"
    assert tail.content == random_bytes(piece, seed=62)[-10:] + random_bytes(piece, seed=63)


# -- google-api-python-client round trips ------------------------------------------------------
def test_multipart_round_trip_of_binary_bytes(alice: Any) -> None:
    # Bytes that look like line breaks and delimiters must come back untouched.
    payload = b"\r\n--\n--===\r\n\r\n" + random_bytes(3 * MiB // 2) + b"\n\r\n--"
    media = MediaIoBaseUpload(io.BytesIO(payload), mimetype="application/x-thing", resumable=False)
    made = (
        alice.files()
        .create(
            body={"name": "m.bin", "description": "multipart"},
            media_body=media,
            fields="id,name,mimeType,description,size,md5Checksum,sha1Checksum,sha256Checksum",
        )
        .execute()
    )
    assert made["name"] == "m.bin"
    assert made["mimeType"] == "application/x-thing"
    assert made["description"] == "multipart"
    assert made["size"] == str(len(payload))
    assert made["md5Checksum"] == hashlib.md5(payload).hexdigest()
    assert made["sha1Checksum"] == hashlib.sha1(payload).hexdigest()
    assert made["sha256Checksum"] == hashlib.sha256(payload).hexdigest()
    assert download_all(alice, alice.files().get_media(fileId=made["id"]), chunksize=400_000) == payload


def test_resumable_round_trip_and_revision_media(alice: Any) -> None:
    first = random_bytes(MiB + 300_000, seed=1)
    media = MediaIoBaseUpload(io.BytesIO(first), mimetype="image/png", chunksize=256 * 1024, resumable=True)
    request = alice.files().create(body={"name": "r.png"}, media_body=media, fields="id,size,md5Checksum")
    made = None
    while made is None:
        _, made = request.next_chunk()
    assert made["md5Checksum"] == hashlib.md5(first).hexdigest()
    assert download_all(alice, alice.files().get_media(fileId=made["id"]), chunksize=500_000) == first

    second = random_bytes(700_000, seed=2)
    media = MediaIoBaseUpload(io.BytesIO(second), mimetype="image/png", chunksize=256 * 1024, resumable=True)
    request = alice.files().update(fileId=made["id"], media_body=media, fields="size,md5Checksum")
    updated = None
    while updated is None:
        _, updated = request.next_chunk()
    assert updated == {"size": str(len(second)), "md5Checksum": hashlib.md5(second).hexdigest()}
    revisions = alice.revisions().list(fileId=made["id"]).execute()["revisions"]
    assert len(revisions) == 2
    old = alice.revisions().get_media(fileId=made["id"], revisionId=revisions[0]["id"])
    assert download_all(alice, old, chunksize=600_000) == first
    assert alice.files().get_media(fileId=made["id"]).execute() == second


def test_interrupted_resumable_upload_resumes_from_the_status_query(dtu_google: Any, alice: Any) -> None:
    payload = random_bytes(MiB, seed=3)
    media = MediaIoBaseUpload(io.BytesIO(payload), mimetype="application/pdf", chunksize=256 * 1024, resumable=True)
    request = alice.files().create(body={"name": "i.pdf"}, media_body=media, fields="id,size,md5Checksum")
    status, made = request.next_chunk()
    assert made is None and status.resumable_progress == 256 * 1024
    dtu_google.fault(operation="drive.files.create", kind="error", status=503, remaining=1)
    with pytest.raises(HttpError) as failed:
        request.next_chunk()  # the second chunk fails: the client must ask where to resume
    assert failed.value.status_code == 503
    progress = []
    while made is None:
        # The first call sends an empty PUT `bytes */1048576`, reads `Range: bytes=0-262143` from the 308,
        # then sends the chunk after it.
        status, made = request.next_chunk()
        if status:
            progress.append(status.resumable_progress)
    assert progress == [2 * 256 * 1024, 3 * 256 * 1024]  # resumed after the first chunk, not from scratch
    assert made == {"id": made["id"], "size": str(MiB), "md5Checksum": hashlib.md5(payload).hexdigest()}
    assert alice.files().get_media(fileId=made["id"]).execute() == payload


def test_resumable_dance_by_hand(http: httpx.Client) -> None:
    payload = random_bytes(600_000, seed=4)
    session = start_session(http, len(payload))
    half = 300_000
    first = http.put(session, content=payload[:half], headers={"Content-Range": f"bytes 0-{half - 1}/{len(payload)}"})
    assert first.status_code == 308
    assert first.headers["range"] == f"bytes=0-{half - 1}"
    # The connection "dropped": ask where to resume.
    query = http.put(session, content=b"", headers={"Content-Range": f"bytes */{len(payload)}"})
    assert (query.status_code, query.headers["range"]) == (308, f"bytes=0-{half - 1}")
    # A chunk leaving a gap is not stored: the 308 still says what the twin has.
    gap = http.put(session, content=b"x", headers={"Content-Range": f"bytes {half + 5}-{half + 5}/{len(payload)}"})
    assert (gap.status_code, gap.headers["range"]) == (308, f"bytes=0-{half - 1}")
    last = http.put(
        session + "&fields=id,size,md5Checksum",  # (httpx's `params=` would replace the session's query)
        content=payload[half:],
        headers={"Content-Range": f"bytes {half}-{len(payload) - 1}/{len(payload)}"},
    )
    assert last.status_code == 200
    made = last.json()
    assert made["md5Checksum"] == hashlib.md5(payload).hexdigest()
    # The final answer lost: a status query after the last byte answers with the file again.
    again = http.put(session, content=b"", headers={"Content-Range": f"bytes */{len(payload)}"})
    assert again.status_code == 200 and again.json()["id"] == made["id"]
    assert http.get(f"/drive/v3/files/{made['id']}", params={"alt": "media"}).content == payload


def test_resumable_with_unknown_total_until_the_last_chunk(http: httpx.Client) -> None:
    payload = random_bytes(2 * 262144 + 17, seed=5)
    session = start_session(http)
    step = http.put(session, content=payload[:262144], headers={"Content-Range": "bytes 0-262143/*"})
    assert (step.status_code, step.headers["range"]) == (308, "bytes=0-262143")
    rest = http.put(
        session + "&fields=size",
        content=payload[262144:],
        headers={"Content-Range": f"bytes 262144-{len(payload) - 1}/{len(payload)}"},
    )
    assert rest.status_code == 200 and rest.json() == {"size": str(len(payload))}


def test_copies_and_snapshots_keep_the_content(dtu_google: Any, alice: Any, http: httpx.Client) -> None:
    payload = random_bytes(MiB + 1, seed=6)
    media = MediaIoBaseUpload(io.BytesIO(payload), mimetype="application/octet-stream", resumable=False)
    made = alice.files().create(body={"name": "c.bin"}, media_body=media, fields="id").execute()
    copy = alice.files().copy(fileId=made["id"], body={"name": "copy.bin"}, fields="id,size").execute()
    assert copy["size"] == str(len(payload))
    snapshot = dtu_google.control("GET", "/snapshot")
    assert snapshot.status_code == 200
    alice.files().delete(fileId=made["id"]).execute()
    assert alice.files().get_media(fileId=copy["id"]).execute() == payload  # the copy's bytes outlive the original
    alice.files().delete(fileId=copy["id"]).execute()
    restored = dtu_google.control("POST", "/restore", json=snapshot.json())
    assert restored.status_code == 200, restored.text
    assert http.get(f"/drive/v3/files/{made['id']}", params={"alt": "media"}).content == payload


# -- bad input: Google's errors, never a 500 ---------------------------------------------------
def test_unknown_upload_id_is_404(http: httpx.Client) -> None:
    response = http.put(
        "/upload/drive/v3/files",
        params={"uploadType": "resumable", "upload_id": "AHVrdxcNoSuchSession"},
        content=b"abc",
        headers={"Content-Range": "bytes 0-2/3"},
    )
    assert response.status_code == 404
    assert response.json()["error"]["errors"][0]["reason"] == "notFound"


@pytest.mark.parametrize(
    ("content_range", "body"),
    [
        ("bytes 0-9", b"0123456789"),  # no total
        ("octets 0-9/10", b"0123456789"),  # not bytes
        ("bytes 5-2/10", b"0123"),  # last before first
        ("bytes 0-9/10", b"01234"),  # fewer bytes than the range
        ("bytes 0-19/10", b"0" * 20),  # beyond the declared size
        ("bytes 0-9/11", b"0123456789"),  # another total than X-Upload-Content-Length
        ("bytes */10", b"0123"),  # a status query with bytes
    ],
)
def test_bad_content_range_is_400(http: httpx.Client, content_range: str, body: bytes) -> None:
    session = start_session(http, 10)
    response = http.put(session, content=body, headers={"Content-Range": content_range})
    assert response.status_code == 400, response.text
    assert response.json()["error"]["code"] == 400
    # The session is intact: the whole content still goes through.
    done = http.put(session, content=b"0123456789", headers={"Content-Range": "bytes 0-9/10"})
    assert done.status_code == 200


def test_upload_over_the_limit_is_413(http: httpx.Client) -> None:
    declared = http.post(
        "/upload/drive/v3/files",
        params={"uploadType": "resumable"},
        json={"name": "huge"},
        headers={"X-Upload-Content-Length": str(6 * 1024**3)},
    )
    assert declared.status_code == 413
    assert declared.json()["error"]["errors"][0]["reason"] == "uploadTooLarge"
    session = start_session(http)
    chunk = http.put(session, content=b"0123456789", headers={"Content-Range": f"bytes 0-9/{6 * 1024**3}"})
    assert chunk.status_code == 413


@pytest.mark.parametrize(
    ("content_type", "body"),
    [
        ("multipart/related", b"--b\r\n\r\n{}\r\n--b--"),  # no boundary parameter
        ('multipart/related; boundary="b"', b"--b\r\nContent-Type: application/json\r\n\r\n{}\r\n--b--"),  # one part
        (
            'multipart/related; boundary="b"',
            b"--b\n\n{}\n--b\n\nmedia\n--b\n\nthird\n--b--",
        ),  # three parts
        ('multipart/related; boundary="b"', b"--b\n\n{}\n--b\n\nno closing delimiter"),
        ('multipart/related; boundary="b"', b"--b\nnot a header line\n\n{}\n--b\n\nx\n--b--"),
        ('multipart/related; boundary="b"', b"--b\n\n[1, 2]\n--b\n\nx\n--b--"),  # metadata not an object
    ],
)
def test_malformed_multipart_is_400(http: httpx.Client, content_type: str, body: bytes) -> None:
    response = http.post(
        "/upload/drive/v3/files",
        params={"uploadType": "multipart"},
        content=body,
        headers={"Content-Type": content_type},
    )
    assert response.status_code == 400, response.text
    assert response.json()["error"]["code"] == 400


def test_multipart_with_crlf_and_preamble(http: httpx.Client) -> None:
    body = (
        b"preamble to ignore\r\n--xyz\r\nContent-Type: application/json; charset=UTF-8\r\n\r\n"
        b'{"name": "crlf.txt"}\r\n--xyz\r\nContent-Type: text/plain\r\n\r\nline one\r\nline two\r\n--xyz--\r\nepilogue'
    )
    response = http.post(
        "/upload/drive/v3/files",
        params={"uploadType": "multipart", "fields": "name,mimeType,size"},
        content=body,
        headers={"Content-Type": "multipart/related; boundary=xyz"},
    )
    assert response.status_code == 200, response.text
    assert response.json() == {"name": "crlf.txt", "mimeType": "text/plain", "size": str(len(b"line one\r\nline two"))}


def test_range_beyond_the_content_is_416(http: httpx.Client) -> None:
    session = start_session(http, 4)
    assert http.put(session, content=b"ab", headers={"Content-Range": "bytes 0-1/4"}).status_code == 308
    made = http.put(session, content=b"cd", headers={"Content-Range": "bytes 2-3/4"}).json()
    beyond = http.get(f"/drive/v3/files/{made['id']}", params={"alt": "media"}, headers={"Range": "bytes=10-"})
    assert beyond.status_code == 416
    assert beyond.headers["content-range"] == "bytes */4"
    assert beyond.json()["error"]["errors"][0]["reason"] == "requestedRangeNotSatisfiable"
