"""The part of a Drive query SQL can decide: a WHERE clause every match satisfies.

files.list still evaluates the whole query in Python (`query.matches`) on every candidate:
access, `fullText` and Drive's word-prefix `name contains` are not SQL. What this module
gives the database is a condition *necessary* for a match, so only plausible rows are read:

- exact: `name =`/`!=`, `mimeType =`/`!=`, `trashed`, `starred`;
- widened (necessary, not sufficient): `name contains` and `mimeType contains` as a
  case-insensitive substring (Drive matches word prefixes of the name), `modifiedTime` and
  `createdTime` with two milliseconds of slack (Drive compares rounded milliseconds),
  `'id' in parents` on the indexed first parent, `'email' in owners` through the item's own
  owner permission;
- nothing for the rest (`fullText`, `sharedWithMe`, `visibility`, properties, writers, readers,
  the per-user times): those are left to Python.

`and` keeps what its operands give; `or` only when every operand gives something; `not` only
over an exact condition (negating a widened one would drop real matches).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import ColumnElement, and_, exists, not_, or_, true
from sqlalchemy.orm import Mapped
from sqlmodel import col, select

from services.gdrive import query
from services.gdrive.models import File, Permission

# Characters outside ASCII whose Python lower case holds ASCII letters (KELVIN SIGN -> "k",
# LATIN CAPITAL I WITH DOT ABOVE -> "i" + U+0307). Drive's matching (query.py) lower-cases with
# Python; SQLite's lower() folds ASCII only, so a name holding one of these always stays a candidate.
FOLDS_TO_ASCII = "\u0130\u212a"
TIME_SLACK = 0.002  # seconds: Python compares round(t, 3); SQL compares the stored float
TIME_COLUMNS = {"modifiedTime": File.modified, "createdTime": File.created}
TEXT_COLUMNS = {"name": File.name, "mimeType": File.mime_type}
FLAG_COLUMNS = {"trashed": File.trashed, "starred": File.starred}


@dataclass(frozen=True)
class Narrowing:
    condition: ColumnElement[bool]
    exact: bool  # the condition holds exactly for the matches (not just for a superset of them)


def narrowing(node: query.Node | None, resolve_id: Callable[[str], str], tenant_id: str) -> Narrowing | None:
    """A condition on `File` rows every match of `node` satisfies; None when SQL cannot help."""
    if node is None:
        return None
    if isinstance(node, query.BoolOp):
        parts = [narrowing(operand, resolve_id, tenant_id) for operand in node.operands]
        given = [p for p in parts if p is not None]
        if node.op == "and":
            if not given:
                return None
            return Narrowing(
                and_(*(p.condition for p in given)), len(given) == len(parts) and all(p.exact for p in given)
            )
        if len(given) != len(parts):
            return None  # one operand could match anything: so could the `or`
        return Narrowing(or_(*(p.condition for p in given)), all(p.exact for p in given))
    if isinstance(node, query.Not):
        inner = narrowing(node.operand, resolve_id, tenant_id)
        return Narrowing(not_(inner.condition), True) if inner is not None and inner.exact else None
    if isinstance(node, query.Member):
        return _member(node, resolve_id, tenant_id)
    if isinstance(node, query.Compare):
        return _compare(node)
    return None  # properties/appProperties `has`: JSON, left to Python


def _member(node: query.Member, resolve_id: Callable[[str], str], tenant_id: str) -> Narrowing | None:
    if node.field == "parents":
        # Drive v3 items have one parent, indexed as parent_id; Python re-checks the list.
        return Narrowing(col(File.parent_id) == resolve_id(node.value), False)
    if node.field == "owners":
        owner = and_(
            col(Permission.tenant_id) == tenant_id,
            col(Permission.file_id) == col(File.id),
            col(Permission.role) == "owner",
        )
        wanted = node.value.lower()
        if wanted.isascii():
            owner = and_(owner, _folded_equals(col(Permission.email), wanted))
        return Narrowing(exists(select(Permission.file_id).where(owner)), False)
    return None  # writers/readers: inherited through folders, decided by access.py


def _compare(node: query.Compare) -> Narrowing | None:
    field, op, value = node.field, node.op, node.value
    if field in FLAG_COLUMNS and isinstance(value, bool):
        flag = col(FLAG_COLUMNS[field])
        return Narrowing(flag == value if op == "=" else flag != value, True)
    if field in TEXT_COLUMNS and isinstance(value, str):
        column = col(TEXT_COLUMNS[field])
        if op == "=":
            return Narrowing(column == value, True)
        if op == "!=":
            return Narrowing(column != value, True)
        needle = value.lower()
        if not needle.isascii():
            return None  # SQLite cannot fold non-ASCII case: leave it to Python
        if not needle:
            return Narrowing(true(), False)
        return Narrowing(or_(column.icontains(needle, autoescape=True), _holds_folding(column)), False)
    if field in TIME_COLUMNS and isinstance(value, float) and op != "!=":
        return Narrowing(_near(col(TIME_COLUMNS[field]), op, value), False)
    return None


def _near(column: Mapped[float], op: str, value: float) -> ColumnElement[bool]:
    """`column op value` widened by TIME_SLACK on the side that could lose a match to rounding."""
    if op in ("<", "<="):
        return column <= value + TIME_SLACK
    if op in (">", ">="):
        return column >= value - TIME_SLACK
    return and_(column >= value - TIME_SLACK, column <= value + TIME_SLACK)


def _folded_equals(column: Mapped[str], lowered: str) -> ColumnElement[bool]:
    return or_(column.ilike(_escape(lowered), escape="/"), _holds_folding(column))


def _holds_folding(column: Mapped[str]) -> ColumnElement[bool]:
    return or_(*(column.contains(char) for char in FOLDS_TO_ASCII))


def _escape(text: str) -> str:
    return text.replace("/", "//").replace("%", "/%").replace("_", "/_")
