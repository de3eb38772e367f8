"""A1 notation as Sheets reads it: `Sheet1!A1:B2`, `'My Sheet'!A:B`, `1:3`, `A2:C` (open), `Sheet1`.

A range without a sheet name refers to the first sheet. A bare name that is a sheet's title
means the whole sheet (`Sheet1` is also a syntactically valid cell, column SHEET, but Sheets
columns stop at three letters). Anything else is 400 "Unable to parse range: <text>".
Sheet names that are not plain identifiers are quoted, with `'` doubled.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from services.gdrive.workspace import invalid_argument

_CELL = re.compile(r"^(\$?([A-Za-z]{1,3}))?(\$?(\d+))?$")
_PLAIN_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


@dataclass(frozen=True)
class Area:
    """A rectangle of one sheet; rows/columns 0-based, ends exclusive, clipped to nothing."""

    sheet: int  # position in the spreadsheet's sheet list
    title: str
    row0: int
    row1: int
    col0: int
    col1: int
    # Whether the end was open (`A2:C`, `A:B`, `Sheet1`): open ends follow the grid's size.
    open_rows: bool = False
    open_cols: bool = False

    @property
    def rows(self) -> int:
        return self.row1 - self.row0

    @property
    def cols(self) -> int:
        return self.col1 - self.col0


def column_name(index: int) -> str:
    """0 -> A, 25 -> Z, 26 -> AA."""
    name = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        name = chr(65 + rest) + name
    return name


def column_index(name: str) -> int:
    value = 0
    for ch in name.upper():
        value = value * 26 + ord(ch) - 64
    return value - 1


def quote_title(title: str) -> str:
    """Sheets leaves identifier-like names bare (`Sheet1`) and quotes the rest, and names that look like cells."""
    if _PLAIN_NAME.match(title) and not re.fullmatch(r"[A-Za-z]{1,3}\d+|[Rr]\d*[Cc]\d*", title):
        return title
    return "'" + title.replace("'", "''") + "'"


def cell_name(row: int, col: int) -> str:
    return f"{column_name(col)}{row + 1}"


def a1(title: str, row0: int, row1: int, col0: int, col1: int) -> str:
    """The A1 name Sheets reports for a rectangle (a single cell has no `:`)."""
    start = cell_name(row0, col0)
    if row1 - row0 == 1 and col1 - col0 == 1:
        return f"{quote_title(title)}!{start}"
    return f"{quote_title(title)}!{start}:{cell_name(row1 - 1, col1 - 1)}"


def area_name(area: Area) -> str:
    return a1(area.title, area.row0, area.row1, area.col0, area.col1)


def _split_sheet(text: str) -> tuple[str | None, str]:
    """(sheet name or None, cell part). A quoted name may contain `!` and doubled quotes."""
    if text.startswith("'"):
        i, name = 1, []
        while i < len(text):
            if text[i] == "'":
                if text[i + 1 : i + 2] == "'":
                    name.append("'")
                    i += 2
                    continue
                rest = text[i + 1 :]
                if rest == "":
                    return "".join(name), ""
                if rest.startswith("!"):
                    return "".join(name), rest[1:]
                raise ValueError(text)
            name.append(text[i])
            i += 1
        raise ValueError(text)
    if "!" in text:
        sheet, _, cells = text.partition("!")
        return sheet, cells
    return None, text


def _corner(text: str) -> tuple[int | None, int | None]:
    match = _CELL.match(text.strip())
    if match is None or (match.group(2) is None and match.group(4) is None):
        raise ValueError(text)
    col = column_index(match.group(2)) if match.group(2) else None
    row = int(match.group(4)) - 1 if match.group(4) else None
    if row is not None and row < 0:
        raise ValueError(text)
    return row, col


def parse(text: str, titles: list[str], sizes: list[tuple[int, int]]) -> Area:
    """Resolve `text` against the sheets (titles and (rowCount, columnCount) in sheet order)."""
    failure = invalid_argument(f"Unable to parse range: {text}")
    raw = text.strip()
    if not raw:
        raise failure
    try:
        name, cells = _split_sheet(raw)
    except ValueError:
        raise failure from None
    if name is None:
        if raw in titles:
            name, cells = raw, ""
        else:
            name = titles[0]
    if name not in titles:
        lowered = [t.lower() for t in titles]
        if name.lower() not in lowered:
            raise failure
        name = titles[lowered.index(name.lower())]
    sheet = titles.index(name)
    rows, cols = sizes[sheet]
    if cells == "":
        return Area(sheet, name, 0, rows, 0, cols, open_rows=True, open_cols=True)
    try:
        first, _, second = cells.partition(":")
        r0, c0 = _corner(first)
        if ":" not in cells:
            if r0 is None or c0 is None:
                raise ValueError(cells)  # `A` or `5` alone is not a range
            return Area(sheet, name, r0, r0 + 1, c0, c0 + 1)
        r1, c1 = _corner(second)
    except ValueError:
        raise failure from None
    # Whole columns (`A:B`), whole rows (`1:3`), open ends (`A2:C`).
    open_rows = r0 is None or r1 is None
    open_cols = c0 is None or c1 is None
    start_row = r0 if r0 is not None else 0
    end_row = r1 + 1 if r1 is not None else rows
    start_col = c0 if c0 is not None else 0
    end_col = c1 + 1 if c1 is not None else cols
    if r0 is not None and r1 is not None and r1 < r0:
        start_row, end_row = r1, r0 + 1
    if c0 is not None and c1 is not None and c1 < c0:
        start_col, end_col = c1, c0 + 1
    return Area(sheet, name, start_row, end_row, start_col, end_col, open_rows=open_rows, open_cols=open_cols)


def check_grid(area: Area, given: str, sizes: list[tuple[int, int]]) -> None:
    rows, cols = sizes[area.sheet]
    if area.row1 > rows or area.col1 > cols:
        raise invalid_argument(f"Range ({given}) exceeds grid limits. Max rows: {rows}, max columns: {cols}")
