"""State in SQLModel: engine set-up, sessions, and tenant-scoped reset/snapshot/restore.

Every twin table carries a `tenant_id` column; that convention is what lets this
module reset, snapshot and restore one tenant without knowing any vendor's tables.

Transactions are short synchronous functions run on the event loop. With one
process per twin this serialises writers without locks, which is both correct
(concurrent writers lose nothing) and fastest on embedded SQLite.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, DateTime, LargeBinary, MetaData, delete, event, insert, select
from sqlalchemy.engine import Engine
from sqlalchemy.pool import StaticPool
from sqlmodel import Session, create_engine

SNAPSHOT_FORMAT = "dtu.snapshot"
SNAPSHOT_VERSION = 1


def _json_loads(text: str) -> Any:
    # Empty JSON columns hold the text 'null': skip the parser for the commonest value.
    return None if text == "null" else json.loads(text)


def make_engine(url: str) -> Engine:
    if url.startswith("sqlite"):
        in_memory = url in ("sqlite://", "sqlite:///:memory:")
        engine = create_engine(
            url,
            connect_args={"check_same_thread": False},
            poolclass=StaticPool if in_memory else None,
            json_deserializer=_json_loads,
        )

        @event.listens_for(engine, "connect")
        def _pragmas(dbapi_connection: Any, _record: Any) -> None:
            cursor = dbapi_connection.cursor()
            if not in_memory:
                cursor.execute("PRAGMA journal_mode=WAL")
                cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.execute("PRAGMA foreign_keys=OFF")
            cursor.close()

        return engine
    return create_engine(url, pool_size=10, max_overflow=10, pool_pre_ping=True)


class Store:
    """One database holding the core tables and one twin's tables."""

    def __init__(self, url: str, metadatas: list[MetaData]) -> None:
        self.url = url
        self.engine = make_engine(url)
        self.metadatas = metadatas

    def create_all(self) -> None:
        for metadata in self.metadatas:
            metadata.create_all(self.engine)

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A unit of work: commits when the block ends normally, rolls back otherwise."""
        with Session(self.engine, expire_on_commit=False) as session:
            try:
                yield session
                session.commit()
            except BaseException:
                session.rollback()
                raise

    def dispose(self) -> None:
        self.engine.dispose()


def tenant_tables(metadata: MetaData) -> list[Any]:
    return [table for table in metadata.sorted_tables if "tenant_id" in table.c]


def delete_tenant_rows(session: Session, metadata: MetaData, tenant_id: str) -> None:
    for table in reversed(tenant_tables(metadata)):
        session.execute(delete(table).where(table.c.tenant_id == tenant_id))


def _encode(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, bytes):
        return base64.b64encode(value).decode()
    return value


def _decode(column: Any, value: Any) -> Any:
    if value is None:
        return None
    if isinstance(column.type, DateTime):
        return datetime.fromisoformat(value)
    if isinstance(column.type, LargeBinary):
        return base64.b64decode(value)
    if isinstance(column.type, JSON) and isinstance(value, str):
        # JSON columns keep their Python value; a string stays a string.
        return value
    return value


def snapshot_tenant(session: Session, metadata: MetaData, service: str, tenant: dict[str, Any]) -> dict:
    tables: dict[str, list[dict[str, Any]]] = {}
    for table in tenant_tables(metadata):
        rows = session.execute(select(table).where(table.c.tenant_id == tenant["id"])).mappings()
        tables[table.name] = [{key: _encode(value) for key, value in row.items()} for row in rows]
    return {
        "format": SNAPSHOT_FORMAT,
        "version": SNAPSHOT_VERSION,
        "service": service,
        "tenant": tenant,
        "tables": tables,
    }


class SnapshotError(ValueError):
    pass


def restore_tenant(session: Session, metadata: MetaData, service: str, tenant_id: str, snapshot: Any) -> None:
    """Replace every row of a tenant with the snapshot's rows (re-keyed to `tenant_id`)."""
    if not isinstance(snapshot, dict) or snapshot.get("format") != SNAPSHOT_FORMAT:
        raise SnapshotError("not a dtu snapshot")
    if snapshot.get("version") != SNAPSHOT_VERSION:
        raise SnapshotError(f"unsupported snapshot version {snapshot.get('version')!r}")
    if snapshot.get("service") != service:
        raise SnapshotError(f"snapshot is of service {snapshot.get('service')!r}, not {service!r}")
    tables = snapshot.get("tables")
    if not isinstance(tables, dict):
        raise SnapshotError("snapshot has no tables")
    known = {table.name: table for table in tenant_tables(metadata)}
    unknown = set(tables) - set(known)
    if unknown:
        raise SnapshotError(f"unknown tables: {sorted(unknown)}")
    delete_tenant_rows(session, metadata, tenant_id)
    for table in tenant_tables(metadata):
        rows = tables.get(table.name) or []
        if not isinstance(rows, list):
            raise SnapshotError(f"table {table.name} is not a list")
        prepared = []
        for row in rows:
            if not isinstance(row, dict):
                raise SnapshotError(f"row of {table.name} is not an object")
            values = {}
            for column in table.columns:
                if column.name in row:
                    try:
                        values[column.name] = _decode(column, row[column.name])
                    except (ValueError, TypeError) as exc:
                        raise SnapshotError(f"{table.name}.{column.name}: {exc}") from exc
            values["tenant_id"] = tenant_id
            prepared.append(values)
        if prepared:
            session.execute(insert(table), prepared)


def dumps(value: Any) -> str:
    return json.dumps(value, separators=(",", ":"), default=str)
