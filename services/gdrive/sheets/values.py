"""spreadsheets.values: reading and writing ValueRanges on a Book (no HTTP here)."""

from __future__ import annotations

from typing import Any

from services.gdrive.sheets import a1
from services.gdrive.sheets.a1 import Area
from services.gdrive.sheets.answers import ANSWERS
from services.gdrive.sheets.book import Book
from services.gdrive.workspace import invalid_argument

RENDER_OPTIONS = ("FORMATTED_VALUE", "UNFORMATTED_VALUE", "FORMULA")
DATE_OPTIONS = ("SERIAL_NUMBER", "FORMATTED_STRING")
INPUT_OPTIONS = ("RAW", "USER_ENTERED")
DIMENSIONS = ("ROWS", "COLUMNS")


def choice(value: str | None, allowed: tuple[str, ...], name: str, default: str) -> str:
    if value is None or value == "":
        return default
    if value not in allowed:
        raise invalid_argument(f"Invalid value at '{name}' ({_enum_type(name)}), \"{value}\"")
    return value


def _enum_type(name: str) -> str:
    return {
        "value_render_option": "type.googleapis.com/google.apps.sheets.v4.ValueRenderOption",
        "date_time_render_option": "type.googleapis.com/google.apps.sheets.v4.DateTimeRenderOption",
        "value_input_option": "type.googleapis.com/google.apps.sheets.v4.ValueInputOption",
        "major_dimension": "type.googleapis.com/google.apps.sheets.v4.Dimension",
    }.get(name, "TYPE_ENUM")


def read(book: Book, given: str, major: str, option: str, date_option: str) -> dict[str, Any]:
    """A ValueRange: the range as Sheets names it, and the values with trailing empties trimmed."""
    spreadsheet = (book.stored.tenant_id, book.stored.id)
    request = (given, major, option, date_option)
    return ANSWERS.get(
        spreadsheet, book.sheets, book.properties, request, lambda: _read(book, given, major, option, date_option)
    )


def _read(book: Book, given: str, major: str, option: str, date_option: str) -> dict[str, Any]:
    area = book.area(given)
    a1.check_grid(area, given, book.sizes)
    grid = [
        book.rendered_row(area.sheet, r, area.col0, area.col1, option, date_option) for r in _rows_with_data(book, area)
    ]
    if major == "COLUMNS":
        width = max((len(row) for row in grid), default=0)
        grid = [[row[c] if c < len(row) else "" for row in grid] for c in range(width)]
    values = _trim(grid)
    body: dict[str, Any] = {"range": a1.area_name(area), "majorDimension": major}
    if values:
        body["values"] = values
    return body


def _rows_with_data(book: Book, area: Area) -> range:
    rows, _ = book.extent(area.sheet)
    return range(area.row0, min(area.row1, max(rows, area.row0)))


def _trim(grid: list[list[Any]]) -> list[list[Any]]:
    trimmed = []
    for row in grid:
        end = len(row)
        while end and row[end - 1] == "":
            end -= 1
        trimmed.append(row[:end])
    while trimmed and not trimmed[-1]:
        trimmed.pop()
    return trimmed


def _matrix(body: dict[str, Any], url_major: str | None = None) -> list[list[Any]]:
    values = body.get("values") or []
    if not isinstance(values, list) or any(not isinstance(row, list) for row in values):
        raise invalid_argument("Invalid values: values must be a list of lists.")
    major = choice(body.get("majorDimension") or url_major, DIMENSIONS, "major_dimension", "ROWS")
    if major == "COLUMNS":
        height = max((len(col) for col in values), default=0)
        return [[col[r] if r < len(col) else None for col in values] for r in range(height)]
    return values


def write(book: Book, given: str, body: dict[str, Any], user_entered: bool, *, at: Area | None = None) -> dict:
    """values.update: write `body.values` from the range's top-left cell; returns UpdateValuesResponse fields."""
    area = at or book.area(given)
    matrix = _matrix(body)
    height = len(matrix)
    width = max((len(row) for row in matrix), default=0)
    if at is None:
        single = (area.rows, area.cols) == (1, 1) and ":" not in given.rpartition("!")[2]
        if single:
            # A single cell names where the data starts; the data may extend from it.
            area = Area(
                area.sheet, area.title, area.row0, area.row0 + max(height, 1), area.col0, area.col0 + max(width, 1)
            )
        if not area.open_rows and height > area.rows:
            raise invalid_argument(
                f"Requested writing within range [{given}], but tried writing to row [{area.row0 + area.rows + 1}]"
            )
        if not area.open_cols and width > area.cols:
            raise invalid_argument(
                f"Requested writing within range [{given}], but tried writing to column "
                f"[{a1.column_name(area.col0 + area.cols)}]"
            )
        end = Area(area.sheet, area.title, area.row0, area.row0 + max(height, 1), area.col0, area.col0 + max(width, 1))
        a1.check_grid(end, given, book.sizes)
    written = 0
    for r, row in enumerate(matrix):
        for c, value in enumerate(row):
            if value is None:
                continue  # null leaves the cell as it is
            book.set_value(area.sheet, area.row0 + r, area.col0 + c, value, user_entered)
            written += 1
    result: dict[str, Any] = {}
    if height and width:
        result["updatedRange"] = a1.a1(area.title, area.row0, area.row0 + height, area.col0, area.col0 + width)
        result["updatedRows"] = sum(1 for row in matrix if any(v is not None for v in row))
        result["updatedColumns"] = sum(
            1 for c in range(width) if any(c < len(row) and row[c] is not None for row in matrix)
        )
        result["updatedCells"] = written
    else:
        result["updatedRange"] = a1.area_name(area)
    return result


def clear(book: Book, given: str) -> str:
    area = book.area(given)
    a1.check_grid(area, given, book.sizes)
    book.clear_values(area)
    return a1.area_name(area)


def append(book: Book, given: str, body: dict[str, Any], user_entered: bool, insert_rows: bool) -> dict[str, Any]:
    """values.append: find the table in the range, write after its last row (inserting rows if asked)."""
    area = book.area(given)
    a1.check_grid(area, given, book.sizes)
    table = _table(book, area)
    matrix = _matrix(body)
    height = len(matrix)
    width = max((len(row) for row in matrix), default=0)
    if table is None:
        start_row, start_col = area.row0, area.col0
    else:
        start_row, start_col = table.row1, table.col0
    sheet = area.sheet
    if insert_rows and height:
        shift_rows(book, sheet, start_row, height)
    book.grow(sheet, start_row + height, start_col + width)
    target = Area(sheet, area.title, start_row, start_row + max(height, 1), start_col, start_col + max(width, 1))
    updates = write(book, given, body, user_entered, at=target)
    result: dict[str, Any] = {}
    if table is not None:
        result["tableRange"] = a1.area_name(table)
    result["updates"] = updates
    return result


def _table(book: Book, area: Area) -> Area | None:
    """The first block of consecutive rows holding values inside the range (Sheets' "table")."""
    occupied: dict[int, set[int]] = {}
    # A single cell (`A1`) starts the search: the table may extend right of and below it.
    last_col = book.columns(area.sheet) if (area.rows, area.cols) == (1, 1) else area.col1
    for key, cell in book.sheets[area.sheet]["cells"].items():
        if "v" not in cell:
            continue
        row, col = (int(x) for x in key.split(","))
        if area.row0 <= row and (row < area.row1 or (area.rows, area.cols) == (1, 1)) and area.col0 <= col < last_col:
            occupied.setdefault(row, set()).add(col)
    if not occupied:
        return None
    first = min(occupied)
    last = first
    while last + 1 in occupied:
        last += 1
    columns = set().union(*(occupied[r] for r in range(first, last + 1)))
    return Area(area.sheet, area.title, first, last + 1, min(columns), max(columns) + 1)


def shift_rows(book: Book, sheet: int, at: int, count: int) -> None:
    """Insert `count` empty rows before row `at` (negative count deletes rows at..at-count)."""
    _shift(book, sheet, at, count, axis=0)
    grid = book.sheets[sheet]["properties"]["gridProperties"]
    grid["rowCount"] = int(grid.get("rowCount", 0)) + count


def shift_columns(book: Book, sheet: int, at: int, count: int) -> None:
    _shift(book, sheet, at, count, axis=1)
    grid = book.sheets[sheet]["properties"]["gridProperties"]
    grid["columnCount"] = int(grid.get("columnCount", 0)) + count


def _shift(book: Book, sheet: int, at: int, count: int, axis: int) -> None:
    moved: dict[str, Any] = {}
    for key, cell in book.sheets[sheet]["cells"].items():
        position = [int(x) for x in key.split(",")]
        if count < 0 and at <= position[axis] < at - count:
            continue  # deleted
        if position[axis] >= at:
            position[axis] += count
        moved[f"{position[0]},{position[1]}"] = cell
    book.sheets[sheet]["cells"] = moved
    book.invalidate()
