"""The SQL narrowing of Drive queries (services/gdrive/domain/narrowing.py) never loses a match.

Every query runs both ways over the same rows: the Python evaluator files.list trusts
(query.matches) and the SQL condition candidates are read with. The SQL set must hold every
Python match, and equal the matches when the narrowing says it is exact. The rows are chosen
at the edges: mixed case, characters that fold to ASCII, LIKE wildcards, times a fraction of a
millisecond apart."""

from __future__ import annotations

import sys
from collections.abc import Iterator

import pytest
from sqlmodel import Session, SQLModel, create_engine, select

from services.gdrive import query
from services.gdrive.domain.narrowing import FOLDS_TO_ASCII, narrowing
from services.gdrive.models import File, Permission

TENANT = "t1"
BASE = 1_700_000_000.0
OWNERS = {"f1": "alice@example.com", "f2": "Bob@Example.com", "f3": "alice@example.com", "f4": "\u212aim@example.com"}
NAMES = {
    "f1": "Quarterly REPORT.txt",
    "f2": "100%_done",
    "f3": "\u212aelvin notes",
    "f4": "\u0130stanbul plan",
    "f5": "reporting-2024",
    "f6": "École plan",
    "f7": "a/b c",
}


class Subject:
    """A row as the evaluator sees it (the fields narrowing.py translates)."""

    def __init__(self, file: File) -> None:
        self.file = file

    def text(self, field: str) -> str:
        return self.file.name if field == "name" else self.file.mime_type

    def flag(self, field: str) -> bool:
        return bool(getattr(self.file, field))

    def time(self, field: str) -> float | None:
        return self.file.modified if field == "modifiedTime" else self.file.created

    def has_member(self, field: str, value: str) -> bool:
        if field == "parents":
            return value in (self.file.parents or [])
        return OWNERS.get(self.file.id, "").lower() == value.lower()

    def mapping(self, field: str) -> dict[str, str]:
        return {}

    def full_text(self) -> str:
        return self.file.name


@pytest.fixture(scope="module")
def session() -> Iterator[Session]:
    engine = create_engine("sqlite://")
    SQLModel.metadata.create_all(engine, tables=[File.__table__, Permission.__table__])  # type: ignore[attr-defined]
    with Session(engine) as db:
        for n, (file_id, name) in enumerate(NAMES.items()):
            parent = "folderA" if n % 2 else "folderB"
            db.add(
                File(
                    tenant_id=TENANT,
                    id=file_id,
                    seq=n,
                    name=name,
                    mime_type="text/plain" if n % 3 else "application/vnd.google-apps.folder",
                    parents=[parent],
                    parent_id=parent,
                    starred=n % 2 == 0,
                    trashed=n == 3,
                    created=BASE + n,
                    modified=BASE + n * 0.0004,  # several within one millisecond
                )
            )
            if file_id in OWNERS:
                email = OWNERS[file_id]
                db.add(
                    Permission(tenant_id=TENANT, file_id=file_id, id=f"p{n}", type="user", role="owner", email=email)
                )
        db.commit()
        yield db
    engine.dispose()


QUERIES = [
    "name contains 'report'",
    "name contains 'REPORT'",
    "name contains 'kelvin'",
    "name contains 'istanbul'",
    "name contains 'i'",
    "name contains '100%'",
    "name contains '100%_'",
    "name contains 'é'",
    "name contains 'a/b'",
    "name contains ''",
    "name = 'Quarterly REPORT.txt'",
    "name = 'quarterly report.txt'",
    "name != '100%_done'",
    "not name contains 'plan'",
    "not name = 'a/b c'",
    "mimeType contains 'TEXT'",
    "mimeType = 'text/plain' and starred = true",
    "trashed = false and not starred = true",
    "name contains 'plan' or fullText contains 'notes'",
    "name contains 'plan' or trashed = true",
    "not (name contains 'report' or trashed = true)",
    "'folderA' in parents",
    "not 'folderA' in parents",
    "'ALICE@example.com' in owners",
    "'bob@example.com' in owners",
    "'kim@example.com' in owners",
    "modifiedTime = '2023-11-14T22:13:20.001Z'",
    "modifiedTime > '2023-11-14T22:13:20.001Z'",
    "modifiedTime >= '2023-11-14T22:13:20.001Z'",
    "modifiedTime < '2023-11-14T22:13:20.001Z'",
    "modifiedTime <= '2023-11-14T22:13:20.000Z'",
    "createdTime > '2023-11-14T22:13:22Z' and name contains 'plan'",
]


@pytest.mark.parametrize("q", QUERIES)
def test_sql_keeps_every_match(session: Session, q: str) -> None:
    node = query.parse(q)
    rows = session.exec(select(File).where(File.tenant_id == TENANT)).all()
    expected = {row.id for row in rows if query.matches(node, Subject(row))}
    narrowed = narrowing(node, lambda value: value, TENANT)
    if narrowed is None:
        return  # nothing pushed to SQL: the evaluator sees every row
    found = set(session.exec(select(File.id).where(File.tenant_id == TENANT, narrowed.condition)).all())
    assert expected <= found, f"SQL dropped {sorted(expected - found)}"
    if narrowed.exact:
        assert found == expected


def test_only_these_characters_fold_to_ascii() -> None:
    """FOLDS_TO_ASCII must list every non-ASCII character whose Python lower case holds ASCII."""
    folding = "".join(c for c in map(chr, range(0x80, sys.maxunicode + 1)) if any(x.isascii() for x in c.lower()))
    assert folding == FOLDS_TO_ASCII
