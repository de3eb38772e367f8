"""A spreadsheet in memory for one request: sheets, their grids, cells, computed values.

Stored in `Spreadsheet.sheets` as `[{"properties": SheetProperties, "cells": {"r,c": cell}}]`
where a cell is `{"v": userEnteredValue, "f": userEnteredFormat}` (0-based row and column).
Formulas are evaluated when read, each cell once per request, cycles giving `#REF!`.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm.attributes import flag_modified

from services.gdrive.models import Spreadsheet
from services.gdrive.sheets import a1, cells, formula
from services.gdrive.sheets.a1 import Area
from services.gdrive.sheets.formula import Error, Ref, Value

DEFAULT_ROWS, DEFAULT_COLUMNS = 1000, 26
CIRCULAR = "Circular dependency detected. To resolve with iterative calculation, see File > Settings."

DEFAULT_FORMAT: dict[str, Any] = {
    "backgroundColor": {"red": 1, "green": 1, "blue": 1},
    "padding": {"top": 2, "right": 3, "bottom": 2, "left": 3},
    "verticalAlignment": "BOTTOM",
    "wrapStrategy": "OVERFLOW_CELL",
    "textFormat": {
        "foregroundColor": {},
        "fontFamily": "arial,sans,sans-serif",
        "fontSize": 10,
        "bold": False,
        "italic": False,
        "strikethrough": False,
        "underline": False,
        "foregroundColorStyle": {"rgbColor": {}},
    },
    "backgroundColorStyle": {"rgbColor": {"red": 1, "green": 1, "blue": 1}},
}


def sheet_properties(sheet_id: int, title: str, index: int, given: dict[str, Any] | None = None) -> dict[str, Any]:
    given = given or {}
    grid = {"rowCount": DEFAULT_ROWS, "columnCount": DEFAULT_COLUMNS, **(given.get("gridProperties") or {})}
    properties: dict[str, Any] = {
        "sheetId": sheet_id,
        "title": title,
        "index": index,
        "sheetType": given.get("sheetType") or "GRID",
        "gridProperties": grid,
    }
    for key in ("hidden", "tabColor", "tabColorStyle", "rightToLeft"):
        if given.get(key) not in (None, False):
            properties[key] = given[key]
    return properties


def spreadsheet_properties(given: dict[str, Any] | None) -> dict[str, Any]:
    given = given or {}
    return {
        "locale": given.get("locale") or "en_US",
        "autoRecalc": given.get("autoRecalc") or "ON_CHANGE",
        "timeZone": given.get("timeZone") or "Etc/GMT",
        "defaultFormat": DEFAULT_FORMAT,
    }


def _key(row: int, col: int) -> str:
    return f"{row},{col}"


class Book:
    def __init__(self, stored: Spreadsheet, title: str) -> None:
        self.stored = stored
        self.title = title
        # Edited in place (no copy per request: reads are the common case); save() marks them changed.
        # A failed request rolls the transaction back, which discards the loaded row.
        self.properties: dict[str, Any] = stored.properties or {}
        self.sheets: list[dict[str, Any]] = stored.sheets or []
        self._memo: dict[tuple[int, int, int], Value] = {}
        self._visiting: set[tuple[int, int, int]] = set()
        self._extents: dict[int, tuple[int, int]] = {}

    # -- sheets ----------------------------------------------------------------------------------
    @property
    def titles(self) -> list[str]:
        return [s["properties"]["title"] for s in self.sheets]

    @property
    def sizes(self) -> list[tuple[int, int]]:
        return [(self.rows(i), self.columns(i)) for i in range(len(self.sheets))]

    def rows(self, sheet: int) -> int:
        return int(self.sheets[sheet]["properties"]["gridProperties"].get("rowCount", 0))

    def columns(self, sheet: int) -> int:
        return int(self.sheets[sheet]["properties"]["gridProperties"].get("columnCount", 0))

    def grow(self, sheet: int, rows: int, columns: int) -> None:
        grid = self.sheets[sheet]["properties"]["gridProperties"]
        grid["rowCount"] = max(int(grid.get("rowCount", 0)), rows)
        grid["columnCount"] = max(int(grid.get("columnCount", 0)), columns)

    def by_id(self, sheet_id: Any) -> int | None:
        for i, sheet in enumerate(self.sheets):
            if sheet["properties"]["sheetId"] == sheet_id:
                return i
        return None

    def area(self, text: str) -> Area:
        return a1.parse(text, self.titles, self.sizes)

    def reindex(self) -> None:
        self.sheets.sort(key=lambda s: s["properties"]["index"])
        for i, sheet in enumerate(self.sheets):
            sheet["properties"]["index"] = i

    def invalidate(self) -> None:
        """Forget computed values and extents (after any change of cells, sheets or their order)."""
        self._memo.clear()
        self._extents.clear()

    # -- cells -----------------------------------------------------------------------------------
    def cell(self, sheet: int, row: int, col: int) -> dict[str, Any] | None:
        found: dict[str, Any] | None = self.sheets[sheet]["cells"].get(_key(row, col))
        return found

    def put(self, sheet: int, row: int, col: int, cell: dict[str, Any] | None) -> None:
        store = self.sheets[sheet]["cells"]
        if cell:
            store[_key(row, col)] = cell
        else:
            store.pop(_key(row, col), None)
        self._memo.clear()
        self._extents.clear()

    def set_value(self, sheet: int, row: int, col: int, value: Any, user_entered: bool) -> None:
        entered, number_format = cells.entered(value, user_entered)
        existing = dict(self.cell(sheet, row, col) or {})
        if entered is None:
            existing.pop("v", None)
        else:
            existing["v"] = entered
        if number_format is not None:
            existing["f"] = {**(existing.get("f") or {}), "numberFormat": number_format}
        self.put(sheet, row, col, existing)

    def clear_values(self, area: Area) -> None:
        for key in list(self.sheets[area.sheet]["cells"]):
            row, col = (int(x) for x in key.split(","))
            if area.row0 <= row < area.row1 and area.col0 <= col < area.col1:
                cell = self.sheets[area.sheet]["cells"][key]
                cell.pop("v", None)
                if not cell:
                    del self.sheets[area.sheet]["cells"][key]
        self._memo.clear()
        self._extents.clear()

    def extent(self, sheet: int) -> tuple[int, int]:
        """(rows, columns) up to the last cell holding a value."""
        if sheet in self._extents:
            return self._extents[sheet]
        rows = cols = 0
        for key, cell in self.sheets[sheet]["cells"].items():
            if "v" in cell:
                row, _, col = key.partition(",")
                rows, cols = max(rows, int(row) + 1), max(cols, int(col) + 1)
        self._extents[sheet] = (rows, cols)
        return rows, cols

    def number_format(self, sheet: int, row: int, col: int) -> dict[str, Any] | None:
        cell = self.cell(sheet, row, col)
        fmt = (cell or {}).get("f") or {}
        found: dict[str, Any] | None = fmt.get("numberFormat")
        return found

    # -- values ----------------------------------------------------------------------------------
    def effective(self, sheet: int, row: int, col: int) -> Value:
        key = (sheet, row, col)
        if key in self._memo:
            return self._memo[key]
        cell = self.cell(sheet, row, col)
        entered = (cell or {}).get("v")
        if entered is None:
            return None
        if "formulaValue" not in entered:
            value: Value = _plain(entered)
        elif key in self._visiting:
            return Error("REF", CIRCULAR)
        else:
            self._visiting.add(key)
            try:
                value = formula.evaluate(entered["formulaValue"][1:], lambda ref: self._resolve(sheet, ref))
            finally:
                self._visiting.discard(key)
        self._memo[key] = value
        return value

    def _resolve(self, sheet: int, ref: Ref) -> list[list[Value]]:
        target = sheet
        if ref.sheet is not None:
            lowered = [t.lower() for t in self.titles]
            if ref.sheet.lower() not in lowered:
                return [[Error("REF", f"Unresolved sheet name '{ref.sheet}'.")]]
            target = lowered.index(ref.sheet.lower())
        last_row = min(ref.row1, self.rows(target) - 1)
        last_col = min(ref.col1, self.columns(target) - 1)
        if ref.row0 > last_row or ref.col0 > last_col:
            return [[Error("REF", "Reference does not exist.")]]
        if (ref.row0, ref.col0) == (ref.row1, ref.col1):
            return [[self.effective(target, ref.row0, ref.col0)]]
        rows, cols = self.extent(target)
        last_row, last_col = min(last_row, rows - 1), min(last_col, cols - 1)
        return [
            [self.effective(target, r, c) for c in range(ref.col0, last_col + 1)] for r in range(ref.row0, last_row + 1)
        ] or [[None]]

    def rendered(self, sheet: int, row: int, col: int, option: str, date_option: str) -> Any:
        return self._render(sheet, row, col, self.cell(sheet, row, col), option, date_option)

    def rendered_row(self, sheet: int, row: int, col0: int, col1: int, option: str, date_option: str) -> list[Any]:
        """`rendered` for columns col0..col1-1 of a row: the loop of values.get, each cell looked up once."""
        stored = self.sheets[sheet]["cells"]
        return [
            self._render(sheet, row, col, stored.get(f"{row},{col}"), option, date_option) for col in range(col0, col1)
        ]

    def _render(
        self, sheet: int, row: int, col: int, cell: dict[str, Any] | None, option: str, date_option: str
    ) -> Any:
        entered = cell.get("v") if cell is not None else None
        if entered is None:
            return ""
        if "formulaValue" in entered:
            if option == "FORMULA":
                return entered["formulaValue"]
            value = self.effective(sheet, row, col)
        else:
            value = _plain(entered)
        if option == "FORMULA":
            option = "UNFORMATTED_VALUE"
        fmt = cell.get("f") if cell is not None else None
        return cells.render(value, fmt.get("numberFormat") if fmt else None, option, date_option)

    def save(self) -> None:
        self.stored.sheets = self.sheets
        self.stored.properties = self.properties
        flag_modified(self.stored, "sheets")
        flag_modified(self.stored, "properties")


def _plain(entered: dict[str, Any]) -> Value:
    if "numberValue" in entered:
        return float(entered["numberValue"])
    if "boolValue" in entered:
        return bool(entered["boolValue"])
    if "errorValue" in entered:
        return Error(entered["errorValue"].get("type", "ERROR"), entered["errorValue"].get("message", ""))
    return str(entered.get("stringValue", ""))
