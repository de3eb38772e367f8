"""A Sheets tab as a grid: column letters, row numbers, each cell's formatted value (and formula)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

MIN_ROWS, MIN_COLUMNS = 20, 8  # an empty sheet still looks like a sheet
MAX_ROWS, MAX_COLUMNS = 500, 52  # what one page shows


def column_letter(index: int) -> str:
    """0 -> A, 25 -> Z, 26 -> AA (A1 notation's columns)."""
    letters = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(ord("A") + remainder) + letters
    return letters


@dataclass(frozen=True)
class Cell:
    value: str
    formula: str  # the entered formula ("=SUM(B2:B4)"), "" for a plain value
    numeric: bool


@dataclass(frozen=True)
class Grid:
    columns: list[str]
    rows: list[list[Cell]]


def _text(value: Any) -> str:
    return "" if value is None else str(value)


def quoted(title: str) -> str:
    """A sheet title as an A1 range ('Q3 plan' quoted, quotes doubled)."""
    return "'" + title.replace("'", "''") + "'"


def grid(formatted: list[list[Any]], formulas: list[list[Any]], row_count: int, column_count: int) -> Grid:
    used_rows = max(len(formatted), len(formulas))
    used_columns = max([len(r) for r in formatted + formulas] or [0])
    rows = min(max(used_rows, MIN_ROWS), row_count or MIN_ROWS, MAX_ROWS)
    columns = min(max(used_columns, MIN_COLUMNS), column_count or MIN_COLUMNS, MAX_COLUMNS)
    out: list[list[Cell]] = []
    for r in range(rows):
        shown = formatted[r] if r < len(formatted) else []
        entered = formulas[r] if r < len(formulas) else []
        line = []
        for c in range(columns):
            value = _text(shown[c]) if c < len(shown) else ""
            raw = _text(entered[c]) if c < len(entered) else ""
            line.append(Cell(value, raw if raw.startswith("=") else "", _is_number(value)))
        out.append(line)
    return Grid([column_letter(c) for c in range(columns)], out)


def _is_number(text: str) -> bool:
    cleaned = text.replace(",", "").replace("$", "").replace("%", "").strip()
    try:
        float(cleaned)
    except ValueError:
        return False
    return bool(cleaned)
