"""spreadsheets.batchUpdate requests, applied in order; one reply per request, in order.

A request without a reply answers `{}`. The first invalid request fails the whole batch
with 400 `Invalid requests[i].<kind>: ...` (nothing is saved).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from services.gdrive import fields as fieldmask
from services.gdrive.sheets import book as books
from services.gdrive.sheets import cells, values
from services.gdrive.sheets.book import Book
from services.gdrive.workspace import invalid_argument, unimplemented


class Failure(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


Handler = Callable[[Book, dict[str, Any], Callable[[], int]], dict[str, Any]]


def apply(book: Book, requests: Any, new_sheet_id: Callable[[], int]) -> list[dict[str, Any]]:
    if not isinstance(requests, list):
        raise invalid_argument("Invalid JSON payload received. 'requests' must be a list.")
    replies = []
    for position, request in enumerate(requests):
        if not isinstance(request, dict) or len(request) != 1:
            raise invalid_argument(f"Invalid requests[{position}]: exactly one request kind must be set.")
        kind, spec = next(iter(request.items()))
        handler = HANDLERS.get(kind)
        if handler is None:
            raise unimplemented(f"spreadsheets.batchUpdate {kind} requests")
        try:
            replies.append(handler(book, spec if isinstance(spec, dict) else {}, new_sheet_id))
            book.invalidate()
        except Failure as failure:
            raise invalid_argument(f"Invalid requests[{position}].{kind}: {failure.message}") from None
    return replies


def _sheet(book: Book, sheet_id: Any, grid: bool = False) -> int:
    found = book.by_id(sheet_id if sheet_id is not None else 0)
    if found is None:
        raise Failure(f"No grid with id: {sheet_id or 0}" if grid else f"No sheet with id: {sheet_id or 0}")
    return found


def _mask(spec: dict[str, Any]) -> fieldmask.Selection:
    raw = str(spec.get("fields") or "").strip()
    if not raw:
        raise Failure("At least one field must be specified in 'fields'.")
    try:
        return fieldmask.parse(raw.replace(".", "/"))  # FieldMask paths use dots
    except Exception:
        raise Failure(f"Invalid field mask: {raw}") from None


def _masked(current: dict[str, Any], given: dict[str, Any], mask: fieldmask.Selection) -> dict[str, Any]:
    """current with the masked paths replaced by given's (absent in given: removed)."""
    if "*" in mask:
        return dict(given)
    merged = dict(current)
    for name, sub in mask.items():
        if sub is None or not isinstance(given.get(name), dict):
            if name in given:
                merged[name] = given[name]
            else:
                merged.pop(name, None)
        else:
            merged[name] = _masked(current.get(name) or {}, given[name], sub)
    return merged


def _grid_range(book: Book, given: dict[str, Any]) -> tuple[int, int, int, int, int]:
    sheet = _sheet(book, given.get("sheetId"), grid=True)
    rows, cols = book.rows(sheet), book.columns(sheet)
    r0, r1 = int(given.get("startRowIndex", 0)), int(given.get("endRowIndex", rows))
    c0, c1 = int(given.get("startColumnIndex", 0)), int(given.get("endColumnIndex", cols))
    if r1 > rows or c1 > cols:
        raise Failure(
            f"Range ({books.a1.a1(book.titles[sheet], r0, r1, c0, c1)}) exceeds grid limits. "
            f"Max rows: {rows}, max columns: {cols}"
        )
    return sheet, r0, r1, c0, c1


# -- sheets ----------------------------------------------------------------------------------------
def add_sheet(book: Book, spec: dict[str, Any], new_id: Callable[[], int]) -> dict[str, Any]:
    given = spec.get("properties") or {}
    title = given.get("title")
    if title is None:
        n = len(book.sheets) + 1
        while f"Sheet{n}" in book.titles:
            n += 1
        title = f"Sheet{n}"
    if title.lower() in (t.lower() for t in book.titles):
        raise Failure(f'A sheet with the name "{title}" already exists. Please enter another name.')
    sheet_id = given.get("sheetId")
    if sheet_id is None:
        sheet_id = new_id()
    elif book.by_id(sheet_id) is not None:
        raise Failure(f"Sheet with id {sheet_id} already exists.")
    index = given.get("index", len(book.sheets))
    index = max(0, min(int(index), len(book.sheets)))
    for sheet in book.sheets:
        if sheet["properties"]["index"] >= index:
            sheet["properties"]["index"] += 1
    properties = books.sheet_properties(int(sheet_id), title, index, given)
    book.sheets.append({"properties": properties, "cells": {}})
    book.reindex()
    return {"addSheet": {"properties": properties}}


def delete_sheet(book: Book, spec: dict[str, Any], _: Callable[[], int]) -> dict[str, Any]:
    sheet = _sheet(book, spec.get("sheetId"))
    if len(book.sheets) == 1:
        raise Failure("You can't remove all the sheets in a document.")
    del book.sheets[sheet]
    book.reindex()
    return {}


def update_sheet_properties(book: Book, spec: dict[str, Any], _: Callable[[], int]) -> dict[str, Any]:
    given = spec.get("properties") or {}
    sheet = _sheet(book, given.get("sheetId"))
    mask = _mask(spec)
    current = book.sheets[sheet]["properties"]
    merged = _masked(current, given, mask)
    merged["sheetId"] = current["sheetId"]
    title = merged.get("title") or current["title"]
    if title != current["title"] and title.lower() in (t.lower() for i, t in enumerate(book.titles) if i != sheet):
        raise Failure(f'A sheet with the name "{title}" already exists. Please enter another name.')
    merged["title"] = title
    merged.setdefault("sheetType", "GRID")
    merged["gridProperties"] = {**current["gridProperties"], **(merged.get("gridProperties") or {})}
    if "index" in merged and merged["index"] != current["index"]:
        target = max(0, min(int(merged["index"]), len(book.sheets) - 1))
        moving = book.sheets.pop(sheet)
        book.sheets.insert(target, moving)
        for i, s in enumerate(book.sheets):
            s["properties"]["index"] = i
        merged["index"] = target
    book.sheets[book.by_id(current["sheetId"]) or 0]["properties"] = merged
    return {}


def update_spreadsheet_properties(book: Book, spec: dict[str, Any], _: Callable[[], int]) -> dict[str, Any]:
    mask = _mask(spec)
    given = dict(spec.get("properties") or {})
    current = {**book.properties, "title": book.title}
    merged = _masked(current, given, mask)
    book.title = merged.pop("title", book.title) or book.title
    book.properties = merged
    return {}


# -- cells and dimensions ----------------------------------------------------------------------------
def _apply_cell(book: Book, sheet: int, row: int, col: int, data: dict[str, Any], mask: fieldmask.Selection) -> None:
    current = book.cell(sheet, row, col) or {}
    as_wire = {"userEnteredValue": current.get("v"), "userEnteredFormat": current.get("f")}
    as_wire = {k: v for k, v in as_wire.items() if v is not None}
    merged = _masked(
        as_wire, data, {k: v for k, v in mask.items() if k in ("userEnteredValue", "userEnteredFormat", "*")}
    )
    cell: dict[str, Any] = {}
    entered = merged.get("userEnteredValue")
    if entered:
        if "formulaValue" in entered or "numberValue" in entered or "boolValue" in entered:
            cell["v"] = {k: (float(v) if k == "numberValue" else v) for k, v in entered.items()}
        elif "stringValue" in entered:
            cell["v"] = {"stringValue": str(entered["stringValue"])}
    if merged.get("userEnteredFormat"):
        cell["f"] = merged["userEnteredFormat"]
    book.put(sheet, row, col, cell)


def repeat_cell(book: Book, spec: dict[str, Any], _: Callable[[], int]) -> dict[str, Any]:
    sheet, r0, r1, c0, c1 = _grid_range(book, spec.get("range") or {})
    mask = _mask(spec)
    data = spec.get("cell") or {}
    for row in range(r0, r1):
        for col in range(c0, c1):
            _apply_cell(book, sheet, row, col, data, mask)
    return {}


def update_cells(book: Book, spec: dict[str, Any], _: Callable[[], int]) -> dict[str, Any]:
    mask = _mask(spec)
    rows = spec.get("rows") or []
    if "start" in spec:
        start = spec["start"] or {}
        sheet = _sheet(book, start.get("sheetId"), grid=True)
        r0, c0 = int(start.get("rowIndex", 0)), int(start.get("columnIndex", 0))
        r1 = r0 + len(rows)
        c1 = c0 + max((len(r.get("values") or []) for r in rows), default=0)
        if r1 > book.rows(sheet) or c1 > book.columns(sheet):
            raise Failure(
                f"Range ({books.a1.a1(book.titles[sheet], r0, max(r1, r0 + 1), c0, max(c1, c0 + 1))}) exceeds grid "
                f"limits. Max rows: {book.rows(sheet)}, max columns: {book.columns(sheet)}"
            )
    else:
        sheet, r0, r1, c0, c1 = _grid_range(book, spec.get("range") or {})
    for i, row in enumerate(rows):
        for j, data in enumerate(row.get("values") or []):
            if r0 + i < r1 and c0 + j < c1:
                _apply_cell(book, sheet, r0 + i, c0 + j, data or {}, mask)
    return {}


def append_cells(book: Book, spec: dict[str, Any], _: Callable[[], int]) -> dict[str, Any]:
    sheet = _sheet(book, spec.get("sheetId"), grid=True)
    mask = _mask(spec)
    rows = spec.get("rows") or []
    start, _cols = book.extent(sheet)
    width = max((len(r.get("values") or []) for r in rows), default=0)
    book.grow(sheet, start + len(rows), width)
    for i, row in enumerate(rows):
        for j, data in enumerate(row.get("values") or []):
            _apply_cell(book, sheet, start + i, j, data or {}, mask)
    return {}


def _dimension(spec: dict[str, Any]) -> str:
    dimension = spec.get("dimension")
    if dimension not in ("ROWS", "COLUMNS"):
        raise Failure("dimension must be ROWS or COLUMNS.")
    return str(dimension)


def append_dimension(book: Book, spec: dict[str, Any], _: Callable[[], int]) -> dict[str, Any]:
    sheet = _sheet(book, spec.get("sheetId"), grid=True)
    dimension = _dimension(spec)
    length = int(spec.get("length") or 0)
    if length <= 0:
        raise Failure("length must be greater than 0.")
    if dimension == "ROWS":
        book.grow(sheet, book.rows(sheet) + length, 0)
    else:
        book.grow(sheet, 0, book.columns(sheet) + length)
    return {}


def _dimension_range(book: Book, given: dict[str, Any]) -> tuple[int, str, int, int]:
    sheet = _sheet(book, given.get("sheetId"), grid=True)
    dimension = _dimension(given)
    start, end = int(given.get("startIndex", 0)), int(given.get("endIndex", 0))
    if end <= start:
        raise Failure("Invalid dimension range: startIndex must be less than endIndex.")
    return sheet, dimension, start, end


def insert_dimension(book: Book, spec: dict[str, Any], _: Callable[[], int]) -> dict[str, Any]:
    sheet, dimension, start, end = _dimension_range(book, spec.get("range") or {})
    size = book.rows(sheet) if dimension == "ROWS" else book.columns(sheet)
    if start > size:
        raise Failure(f"Invalid dimension range: startIndex {start} is after the last {dimension.lower()[:-1]}.")
    if dimension == "ROWS":
        values.shift_rows(book, sheet, start, end - start)
    else:
        values.shift_columns(book, sheet, start, end - start)
    return {}


def delete_dimension(book: Book, spec: dict[str, Any], _: Callable[[], int]) -> dict[str, Any]:
    sheet, dimension, start, end = _dimension_range(book, spec.get("range") or {})
    size = book.rows(sheet) if dimension == "ROWS" else book.columns(sheet)
    end = min(end, size)
    if end - start >= size:
        raise Failure(f"You can't delete all the {dimension.lower()} on the sheet.")
    if dimension == "ROWS":
        values.shift_rows(book, sheet, start, -(end - start))
    else:
        values.shift_columns(book, sheet, start, -(end - start))
    return {}


def find_replace(book: Book, spec: dict[str, Any], _: Callable[[], int]) -> dict[str, Any]:
    find = spec.get("find")
    if not find:
        raise Failure("find must not be empty.")
    replacement = str(spec.get("replacement") or "")
    if spec.get("allSheets"):
        targets = list(range(len(book.sheets)))
    elif "sheetId" in spec:
        targets = [_sheet(book, spec["sheetId"])]
    elif "range" in spec:
        targets = [_grid_range(book, spec["range"])[0]]
    else:
        raise Failure("One of range, sheetId or allSheets must be set.")
    match_case, whole = bool(spec.get("matchCase")), bool(spec.get("matchEntireCell"))
    counts = {"valuesChanged": 0, "occurrencesChanged": 0, "rowsChanged": 0, "sheetsChanged": 0}
    for sheet in targets:
        rows: set[int] = set()
        for key, cell in list(book.sheets[sheet]["cells"].items()):
            text = (cell.get("v") or {}).get("stringValue")
            if text is None:
                continue
            haystack, needle = (text, find) if match_case else (text.lower(), find.lower())
            hits = (1 if haystack == needle else 0) if whole else haystack.count(needle)
            if not hits:
                continue
            if whole:
                new = replacement
            elif match_case:
                new = text.replace(find, replacement)
            else:
                import re

                new = re.sub(re.escape(find), replacement.replace("\\", "\\\\"), text, flags=re.IGNORECASE)
            cell["v"] = {"stringValue": new}
            counts["valuesChanged"] += 1
            counts["occurrencesChanged"] += hits
            rows.add(int(key.split(",")[0]))
        counts["rowsChanged"] += len(rows)
        counts["sheetsChanged"] += 1 if rows else 0
    return {"findReplace": {k: v for k, v in counts.items() if v}}


HANDLERS: dict[str, Handler] = {
    "addSheet": add_sheet,
    "deleteSheet": delete_sheet,
    "updateSheetProperties": update_sheet_properties,
    "updateSpreadsheetProperties": update_spreadsheet_properties,
    "repeatCell": repeat_cell,
    "updateCells": update_cells,
    "appendCells": append_cells,
    "appendDimension": append_dimension,
    "insertDimension": insert_dimension,
    "deleteDimension": delete_dimension,
    "findReplace": find_replace,
}

__all__ = ["HANDLERS", "apply", "cells"]
