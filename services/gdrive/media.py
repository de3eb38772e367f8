"""Request bodies of media uploads (`/upload/drive/v3/...`), read as they stream in.

The bytes go to a Spool (memory up to SPOOL_MEMORY, then a temporary file) and are hashed on
the way, before the request's transaction opens (transactions never await). The handler then
copies the spool into blob pieces (domain/content.py): no step holds the whole body at once.
Media may be as large as `max_upload_bytes` (DTU_GOOGLE_MAX_UPLOAD_BYTES, 5 GiB by default);
metadata (JSON, and the first part of a multipart body) keeps the small `max_body_bytes`.
"""

from __future__ import annotations

import re
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from typing import IO

from starlette.requests import ClientDisconnect, Request

from services.core.request_params import read_body
from services.core.twin import TwinRuntime
from services.gdrive.domain.content import Digest
from services.gdrive.errors import GoogleError, bad_request, parse_error
from services.gdrive.multipart import MultipartError, RelatedScanner

SPOOL_MEMORY = 1024 * 1024
DEFAULT_TYPE = "application/octet-stream"
_BOUNDARY = re.compile(r'boundary=(?:"([^"]+)"|([^";\s]+))', re.IGNORECASE)


def too_large() -> GoogleError:
    # Google's global error for a body over the method's limit (REQUEST_ENTITY_TOO_LARGE).
    return GoogleError(413, "The request failed because the data sent in the request is too large.", "uploadTooLarge")


class Spool:
    """Uploaded bytes on their way to the store, with their size and checksums."""

    def __init__(self, media_type: str = DEFAULT_TYPE) -> None:
        self.file: IO[bytes] = tempfile.SpooledTemporaryFile(max_size=SPOOL_MEMORY)  # noqa: SIM115 (closed by close())
        self.digest = Digest()
        self.media_type = media_type

    @property
    def size(self) -> int:
        return self.digest.size

    def write(self, data: bytes) -> None:
        self.file.write(data)
        self.digest.update(data)

    def rewound(self) -> IO[bytes]:
        self.file.seek(0)
        return self.file

    def close(self) -> None:
        self.file.close()


@dataclass
class Incoming:
    """What an upload request carried: metadata JSON (`raw`) and/or media."""

    raw: bytes = b""
    media: Spool | None = None

    def close(self) -> None:
        if self.media is not None:
            self.media.close()


def media_type_of(header: str | None) -> str:
    return (header or DEFAULT_TYPE).split(";")[0].strip() or DEFAULT_TYPE


async def receive(request: Request, runtime: TwinRuntime) -> Incoming:
    """Read an upload request's body the way its uploadType says (an unknown one is refused later)."""
    settings = runtime.settings
    kind = request.query_params.get("uploadType") or request.query_params.get("upload_protocol")
    if request.method == "PUT" or kind == "media":  # a resumable session's chunk, or a simple upload
        spool = Spool(media_type_of(request.headers.get("content-type")))
        await _copy(request, settings.max_upload_bytes, spool.write, spool)
        return Incoming(media=spool)
    if kind == "multipart":
        return await _multipart(request, settings.max_body_bytes, settings.max_upload_bytes)
    return Incoming(raw=await read_body(request, settings.max_body_bytes))  # resumable: the metadata


async def _copy(request: Request, limit: int, write: Callable[[bytes], None], spool: Spool | None) -> None:
    declared = request.headers.get("content-length")
    try:
        if declared is not None and declared.isdigit() and int(declared) > limit:
            raise too_large()
        size = 0
        async for chunk in request.stream():
            size += len(chunk)
            if size > limit:
                raise too_large()
            write(chunk)
    except ClientDisconnect:
        raise bad_request("The client closed the connection before the upload ended.") from None
    except BaseException:
        if spool is not None:
            spool.close()
        raise


class _Parts:
    """A multipart upload's parts: the metadata (first) in memory, the media (second) in a spool."""

    def __init__(self, max_metadata: int) -> None:
        self.max_metadata = max_metadata
        self.metadata = bytearray()
        self.media: Spool | None = None
        self.count = 0

    def begin(self, headers: dict[str, str]) -> None:
        self.count += 1
        if self.count == 2:
            self.media = Spool(media_type_of(headers.get("content-type")))
        elif self.count > 2:
            raise bad_request("Multipart upload must have exactly two parts: metadata and media.")

    def data(self, chunk: bytes) -> None:
        if self.media is not None:
            self.media.write(chunk)
            return
        self.metadata += chunk
        if len(self.metadata) > self.max_metadata:
            raise too_large()


async def _multipart(request: Request, max_metadata: int, max_media: int) -> Incoming:
    header = request.headers.get("content-type", "")
    match = _BOUNDARY.search(header)
    if not header.lower().startswith("multipart/") or match is None:
        raise bad_request("Multipart upload requires a multipart/related Content-Type with a boundary.")
    parts = _Parts(max_metadata)
    scanner = RelatedScanner((match.group(1) or match.group(2)).encode("latin-1"), parts)
    try:
        await _copy(request, max_metadata + max_media, scanner.feed, None)
        scanner.close()
    except MultipartError as exc:
        _discard(parts)
        raise parse_error(str(exc)) from None
    except BaseException:
        _discard(parts)
        raise
    if parts.count != 2 or parts.media is None:
        _discard(parts)
        raise bad_request("Multipart upload must have exactly two parts: metadata and media.")
    return Incoming(raw=bytes(parts.metadata), media=parts.media)


def _discard(parts: _Parts) -> None:
    if parts.media is not None:
        parts.media.close()
