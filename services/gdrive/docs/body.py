"""A document body as a sequence of index units, the way Docs counts indexes.

Every unit occupies one index. Position 0 is the section break that opens the body; then
paragraphs (characters, ended by a paragraph-end unit that is the `\\n` of the paragraph)
and tables, which Docs indexes as a table-start marker, then per row a row marker, per
cell a cell marker followed by the cell's paragraphs, and a table-end marker:

    0 S | 1 'H' 2 'i' 3 '\\n' | 4 T | 5 R | 6 C 7 '\\n' | 8 C 9 '\\n' | 10 X | 11 '\\n'

Keeping the body flat makes every edit an insertion or removal of units: the indexes that
documents.get reports after any edit are simply the positions, so they always agree.
Stored compactly (runs of equal-style characters) in `Document.units`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

SECTION, CHAR, END, TABLE, ROW, CELL, TABLE_END = "S", "c", "n", "T", "R", "C", "X"
MARKERS = (TABLE, ROW, CELL, TABLE_END)


@dataclass
class Unit:
    kind: str
    ch: str = ""
    style: dict[str, Any] = field(default_factory=dict)  # textStyle (characters and paragraph ends)
    para: dict[str, Any] = field(default_factory=dict)  # paragraphStyle overrides (paragraph ends)
    bullet: dict[str, Any] | None = None  # {"listId", "nestingLevel"} (paragraph ends)

    @property
    def text(self) -> str:
        return "\n" if self.kind == END else self.ch


def empty() -> list[Unit]:
    return [Unit(SECTION), Unit(END)]


def paragraph_end(para: dict[str, Any] | None = None, bullet: dict[str, Any] | None = None) -> Unit:
    return Unit(END, para=dict(para or {}), bullet=dict(bullet) if bullet else None)


# -- storage ---------------------------------------------------------------------------------
def encode(units: list[Unit]) -> list[Any]:
    stored: list[Any] = []
    for unit in units:
        if unit.kind == CHAR:
            last = stored[-1] if stored else None
            if last is not None and last[0] == "t" and last[2] == unit.style:
                last[1] += unit.ch
            else:
                stored.append(["t", unit.ch, unit.style])
        elif unit.kind == END:
            stored.append(["n", unit.style, unit.para, unit.bullet])
        else:
            stored.append([unit.kind])
    return stored


def decode(stored: list[Any] | None) -> list[Unit]:
    if not stored:
        return empty()
    units: list[Unit] = []
    for item in stored:
        if item[0] == "t":
            style = item[2] or {}
            units.extend(Unit(CHAR, ch, style) for ch in item[1])
        elif item[0] == "n":
            units.append(Unit(END, style=item[1] or {}, para=item[2] or {}, bullet=item[3]))
        else:
            units.append(Unit(item[0]))
    return units


# -- structure ---------------------------------------------------------------------------------
def well_formed(units: list[Unit]) -> bool:
    """body := S block* paragraph;  block := paragraph | table;  paragraph := c* n;
    table := T (R (C block* paragraph)+)+ X -- a table always follows a paragraph end."""
    if not units or units[0].kind != SECTION or units[-1].kind != END:
        return False
    position = _blocks(units, 1, top=True)
    return position == len(units)


def _blocks(units: list[Unit], i: int, *, top: bool) -> int:
    """Parse blocks from i until a marker that closes the container; -1 when malformed."""
    count = 0
    while i < len(units):
        kind = units[i].kind
        if kind == TABLE:
            if i == 0 or units[i - 1].kind != END:
                return -1
            i = _table(units, i)
            if i < 0:
                return -1
            continue
        if kind in (ROW, CELL, TABLE_END):
            break
        if kind == SECTION:
            return -1
        while i < len(units) and units[i].kind == CHAR:
            i += 1
        if i >= len(units) or units[i].kind != END:
            return -1
        i += 1
        count += 1
    if i < len(units) and top:
        return -1
    # A container ends with a paragraph (never a table).
    return i if count and units[i - 1].kind == END else -1


def _table(units: list[Unit], i: int) -> int:
    i += 1
    rows = 0
    while i < len(units) and units[i].kind == ROW:
        i += 1
        cells = 0
        while i < len(units) and units[i].kind == CELL:
            i = _blocks(units, i + 1, top=False)
            if i < 0:
                return -1
            cells += 1
        if not cells:
            return -1
        rows += 1
    if not rows or i >= len(units) or units[i].kind != TABLE_END:
        return -1
    return i + 1


def paragraph_spans(units: list[Unit]) -> list[tuple[int, int]]:
    """(start, end) of every paragraph, tables' cells included, in index order; end is past the `\\n`."""
    spans: list[tuple[int, int]] = []
    start: int | None = None
    for i, unit in enumerate(units):
        if unit.kind == CHAR:
            if start is None:
                start = i
        elif unit.kind == END:
            spans.append((i if start is None else start, i + 1))
            start = None
        else:
            start = None
    return spans


def paragraph_end_at(units: list[Unit], index: int) -> int:
    """The position of the `\\n` ending the paragraph that contains `index`."""
    i = index
    while units[i].kind != END:
        i += 1
    return i


def text_of(units: list[Unit], start: int, end: int) -> str:
    return "".join(u.text for u in units[start:end])
