"""The Google twin's upload plumbing: the incremental multipart/related scanner, and the media size
limit (DTU_GOOGLE_MAX_UPLOAD_BYTES) enforced while the body streams in, not only from headers."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httplib2
import httpx
import pytest
from google.oauth2 import service_account
from google_auth_httplib2 import Request as HttpRequest

from services.core.settings import TwinSettings
from services.gdrive.multipart import MultipartError, RelatedScanner

DRIVE = "https://www.googleapis.com/auth/drive"


class Collect:
    def __init__(self) -> None:
        self.parts: list[tuple[dict[str, str], bytearray]] = []

    def begin(self, headers: dict[str, str]) -> None:
        self.parts.append((headers, bytearray()))

    def data(self, chunk: bytes) -> None:
        self.parts[-1][1].extend(chunk)


def scan(body: bytes, boundary: bytes, step: int) -> list[tuple[dict[str, str], bytes]]:
    sink = Collect()
    scanner = RelatedScanner(boundary, sink)
    for start in range(0, len(body), step):
        scanner.feed(body[start : start + step])
    scanner.close()
    return [(headers, bytes(data)) for headers, data in sink.parts]


MEDIA = b"a\r\nb\n--==x\r\n--==\r\n\r\n"  # line breaks and near-delimiters inside the media


@pytest.mark.parametrize("newline", [b"\r\n", b"\n"])
def test_scanner_finds_the_same_parts_whatever_the_feed_sizes(newline: bytes) -> None:
    body = newline.join(
        [
            b"--==x==",
            b"Content-Type: application/json; charset=UTF-8",
            b"",
            b'{"name": "a"}',
            b"--==x==",
            b"Content-Type: image/png",
            b"",
            MEDIA,
            b"--==x==--",
            b"",
        ]
    )
    expected = [
        ({"content-type": "application/json; charset=UTF-8"}, b'{"name": "a"}'),
        ({"content-type": "image/png"}, MEDIA),
    ]
    for step in (1, 2, 3, 7, 16, len(body)):
        assert scan(body, b"==x==", step) == expected, step


def test_scanner_refuses_a_body_without_closing_delimiter() -> None:
    scanner = RelatedScanner(b"b", Collect())
    scanner.feed(b"--b\n\n{}\n--b\n\nmedia")
    with pytest.raises(MultipartError):
        scanner.close()


def test_max_upload_bytes_comes_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    assert TwinSettings.from_env("google", 0).max_upload_bytes == 5 * 1024**3
    monkeypatch.setenv("DTU_GOOGLE_MAX_UPLOAD_BYTES", "1000")
    assert TwinSettings.from_env("google", 0).max_upload_bytes == 1000


@pytest.fixture
def http(dtu_google: Any) -> Iterator[httpx.Client]:
    credentials = service_account.Credentials.from_service_account_info(dtu_google.service_account, scopes=[DRIVE])
    credentials = credentials.with_subject(dtu_google.alice_email)
    transport = httplib2.Http()
    try:
        credentials.refresh(HttpRequest(transport))
    finally:
        transport.close()
    headers = {"Authorization": f"Bearer {credentials.token}"}
    with httpx.Client(base_url=dtu_google.url, headers=headers, timeout=30) as client:
        yield client


def chunked(size: int) -> Iterator[bytes]:
    """A body without Content-Length: only counting what arrives can stop it."""
    for _ in range(size // 500):
        yield b"x" * 500


def test_media_over_the_limit_is_refused_while_streaming(
    dtu_google_server: Any, http: httpx.Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(dtu_google_server.runtime.settings, "max_upload_bytes", 2000)
    simple = http.post("/upload/drive/v3/files", params={"uploadType": "media"}, content=chunked(5000))
    assert simple.status_code == 413
    assert simple.json()["error"]["errors"][0]["reason"] == "uploadTooLarge"
    fits = http.post("/upload/drive/v3/files", params={"uploadType": "media", "fields": "size"}, content=chunked(2000))
    assert fits.json() == {"size": "2000"}
    started = http.post("/upload/drive/v3/files", params={"uploadType": "resumable"}, json={"name": "r"})
    session = started.headers["location"]
    first = http.put(session, content=b"x" * 1500, headers={"Content-Range": "bytes 0-1499/*"})
    assert first.status_code == 308
    over = http.put(session, content=b"x" * 1500, headers={"Content-Range": "bytes 1500-2999/*"})
    assert over.status_code == 413
