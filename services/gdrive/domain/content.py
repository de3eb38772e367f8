"""File content as blobs: immutable byte strings kept as numbered ContentChunk rows. No HTTP here.

A blob is written once (from an upload's spool, or appended to piece by piece while a
resumable upload is in progress) and never changed afterwards, so a file, its copies and its
revisions share one blob instead of copying bytes. Pieces are at most PIECE bytes: neither
writing nor reading a blob ever needs the whole content as one bytes object, and a download
reads one piece at a time between other requests (`stream`).
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import AsyncIterator, Iterable
from dataclasses import dataclass
from typing import IO, Any

from sqlalchemy import delete, event, func, insert
from sqlmodel import Session, col, select

from services.core.store import Store
from services.gdrive.models import ContentChunk, File, Revision, UploadSession

PIECE = 1024 * 1024  # bytes per ContentChunk row: small enough to hold briefly, large enough to be few
TABLE: Any = ContentChunk.__table__  # type: ignore[attr-defined] # written with Core statements: ORM objects would stay in the session
RELEASED = "gdrive_released_blobs"  # session.info key: blobs to delete at commit if unused


class Digest:
    """Size and the checksums Drive reports (md5Checksum, sha1Checksum, sha256Checksum), fed incrementally."""

    def __init__(self) -> None:
        self.size = 0
        self._md5 = hashlib.md5()
        self._sha1 = hashlib.sha1()
        self._sha256 = hashlib.sha256()

    def update(self, data: bytes) -> None:
        self.size += len(data)
        self._md5.update(data)
        self._sha1.update(data)
        self._sha256.update(data)

    def blob(self, blob_id: str) -> Blob:
        return Blob(blob_id, self.size, self._md5.hexdigest(), self._sha1.hexdigest(), self._sha256.hexdigest())


@dataclass(frozen=True)
class Blob:
    """A complete blob as a File or Revision refers to it."""

    id: str
    size: int
    md5: str
    sha1: str
    sha256: str


def new_id() -> str:
    # Not drawn from the tenant's seeded ids: blob ids are never shown, and drawing them would shift every
    # id a seeded tenant hands out after an upload.
    return uuid.uuid4().hex


def of(file: File) -> Blob | None:
    return Blob(file.blob_id, file.size, file.md5, file.sha1, file.sha256) if file.blob_id else None


def append(session: Session, tenant_id: str, blob_id: str, start: int, source: IO[bytes], limit: int = -1) -> int:
    """Add up to `limit` bytes of `source` (all when negative) at offset `start` of a blob; the bytes added."""
    seq = session.exec(
        select(func.max(ContentChunk.seq)).where(ContentChunk.tenant_id == tenant_id, ContentChunk.blob_id == blob_id)
    ).one()
    seq = -1 if seq is None else int(seq)
    added = 0
    while limit < 0 or added < limit:
        piece = source.read(PIECE if limit < 0 else min(PIECE, limit - added))
        if not piece:
            break
        seq += 1
        session.execute(
            insert(TABLE).values(tenant_id=tenant_id, blob_id=blob_id, seq=seq, start=start + added, data=piece)
        )
        added += len(piece)
    return added


def put(session: Session, tenant_id: str, source: IO[bytes], digest: Digest) -> Blob:
    """A new blob with everything `source` holds; `digest` has already seen those bytes."""
    blob_id = new_id()
    append(session, tenant_id, blob_id, 0, source)
    return digest.blob(blob_id)


def put_bytes(session: Session, tenant_id: str, data: bytes) -> Blob:
    """A new blob from bytes already in memory (seeds, small contents)."""
    import io

    digest = Digest()
    digest.update(data)
    return put(session, tenant_id, io.BytesIO(data), digest)


def _pieces(session: Session, tenant_id: str, blob_id: str) -> list[tuple[int, int]]:
    """(seq, start) of every piece of a blob, in order: a few numbers per MiB, never the bytes."""
    rows = session.exec(
        select(ContentChunk.seq, ContentChunk.start)
        .where(ContentChunk.tenant_id == tenant_id, ContentChunk.blob_id == blob_id)
        .order_by(col(ContentChunk.seq))
    ).all()
    return [(int(seq), int(start)) for seq, start in rows]


def _piece(session: Session, tenant_id: str, blob_id: str, seq: int) -> bytes:
    data = session.exec(
        select(ContentChunk.data).where(
            ContentChunk.tenant_id == tenant_id, ContentChunk.blob_id == blob_id, ContentChunk.seq == seq
        )
    ).first()
    return bytes(data) if data is not None else b""


def digest(session: Session, tenant_id: str, blob_id: str) -> Digest:
    """Checksums of a blob assembled across requests (a resumable upload), read back one piece at a time."""
    found = Digest()
    for seq, _start in _pieces(session, tenant_id, blob_id):
        found.update(_piece(session, tenant_id, blob_id, seq))
    return found


def read(session: Session, tenant_id: str, blob_id: str, limit: int) -> bytes:
    """The first `limit` bytes of a blob (full-text search of text files)."""
    parts: list[bytes] = []
    size = 0
    for seq, _start in _pieces(session, tenant_id, blob_id) if blob_id else []:
        if size >= limit:
            break
        part = _piece(session, tenant_id, blob_id, seq)[: limit - size]
        parts.append(part)
        size += len(part)
    return b"".join(parts)


def plan(session: Session, tenant_id: str, blob_id: str, first: int, last: int) -> list[tuple[int, int]]:
    """The pieces holding bytes first..last (inclusive) of a blob, as (seq, start), read inside the request."""
    if not blob_id or last < first:
        return []
    pieces = _pieces(session, tenant_id, blob_id)
    wanted = []
    for index, (seq, start) in enumerate(pieces):
        end = pieces[index + 1][1] if index + 1 < len(pieces) else None  # the next piece's start
        if start <= last and (end is None or end > first):
            wanted.append((seq, start))
    return wanted


async def stream(
    store: Store, tenant_id: str, blob_id: str, pieces: list[tuple[int, int]], first: int, last: int
) -> AsyncIterator[bytes]:
    """Bytes first..last of a blob, one piece per step, each read in its own short session.

    Runs after the request's transaction: the blob cannot change (blobs are immutable), and
    other requests run between pieces. A blob deleted meanwhile ends the stream early.
    """
    for seq, start in pieces:
        with store.session() as session:
            data = _piece(session, tenant_id, blob_id, seq)
        if not data:
            return
        yield data[max(first - start, 0) : last - start + 1]


def release(session: Session, tenant_id: str, blob_ids: Iterable[str]) -> None:
    """Blobs a file, revision or upload session stopped referring to: deleted at commit if nothing else does.

    Checked at commit rather than now, so that the check sees the request's final rows (and flushing
    now would record a half-updated file in the change log).
    """
    pending: set[tuple[str, str]] = session.info.setdefault(RELEASED, set())
    pending.update((tenant_id, b) for b in blob_ids if b)


def _unused(session: Session, tenant_id: str, blob_id: str) -> bool:
    for model in (File, Revision, UploadSession):
        found = session.exec(
            select(model.tenant_id).where(model.tenant_id == tenant_id, model.blob_id == blob_id)
        ).first()
        if found is not None:
            return False
    return True


def _before_commit(session: Session) -> None:
    pending: set[tuple[str, str]] | None = session.info.pop(RELEASED, None)
    if not pending:
        return
    session.flush()
    for tenant_id, blob_id in pending:
        if _unused(session, tenant_id, blob_id):
            discard(session, tenant_id, blob_id)


event.listen(Session, "before_commit", _before_commit)


def discard(session: Session, tenant_id: str, blob_id: str) -> None:
    """Delete a blob's pieces outright (an upload session starting over)."""
    session.execute(delete(TABLE).where(TABLE.c.tenant_id == tenant_id, TABLE.c.blob_id == blob_id))
