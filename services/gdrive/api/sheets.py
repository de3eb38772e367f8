"""Google Sheets API v4: spreadsheets.create/get/batchUpdate and spreadsheets.values.*.

A spreadsheet is a Drive item (`application/vnd.google-apps.spreadsheet`, same id) whose
content lives in `Spreadsheet`; Drive permissions decide who reads (reader+) and who edits
(writer+). A Drive item of that type without content yet is a new spreadsheet with Sheet1.
"""

from __future__ import annotations

from typing import Any

from services.gdrive import payload
from services.gdrive.call import DriveCall
from services.gdrive.models import File, Spreadsheet
from services.gdrive.sheets import a1, book, requests, values
from services.gdrive.sheets.a1 import Area
from services.gdrive.sheets.book import Book
from services.gdrive.sheets.cells import extended, format_number, json_number
from services.gdrive.workspace import SPREADSHEET, create_file, invalid_argument, open_file, route, touch

DEFAULT_TITLE = "Untitled spreadsheet"


def _stored(call: DriveCall, file: File) -> Spreadsheet:
    found = call.session.get(Spreadsheet, (call.tenant.id, file.id))
    if found is None:
        found = Spreadsheet(
            tenant_id=call.tenant.id,
            id=file.id,
            properties=book.spreadsheet_properties(None),
            sheets=[{"properties": book.sheet_properties(0, "Sheet1", 0), "cells": {}}],
        )
        call.session.add(found)
    return found


def _open(call: DriveCall, *, write: bool) -> tuple[File, Book]:
    file, _ = open_file(call, "sheets", call.path["spreadsheetId"], SPREADSHEET, write=write)
    return file, Book(_stored(call, file), file.name)


def _save(call: DriveCall, file: File, workbook: Book) -> None:
    workbook.save()
    call.session.add(workbook.stored)
    touch(call, file, rename=workbook.title if workbook.title != file.name else None)


def _new_sheet_id(call: DriveCall) -> int:
    return int(call.tenant.ids.digits(9)) or 1


# -- rendering ------------------------------------------------------------------------------------
def _cell_data(workbook: Book, sheet: int, row: int, col: int) -> dict[str, Any]:
    cell = workbook.cell(sheet, row, col) or {}
    data: dict[str, Any] = {}
    if "v" in cell:
        data["userEnteredValue"] = _wire(cell["v"])
        value = workbook.effective(sheet, row, col)
        data["effectiveValue"] = _wire(extended(value))
        if isinstance(value, float):
            data["formattedValue"] = format_number(value, workbook.number_format(sheet, row, col))
        else:
            data["formattedValue"] = workbook.rendered(sheet, row, col, "FORMATTED_VALUE", "SERIAL_NUMBER")
    if cell.get("f"):
        data["userEnteredFormat"] = cell["f"]
    return data


def _wire(value: dict[str, Any]) -> dict[str, Any]:
    return {k: json_number(v) if k == "numberValue" else v for k, v in value.items()}


def _grid_data(workbook: Book, area: Area) -> dict[str, Any]:
    rows_used, _ = workbook.extent(area.sheet)
    row_data = []
    for row in range(area.row0, min(area.row1, max(rows_used, area.row0))):
        cells = [_cell_data(workbook, area.sheet, row, col) for col in range(area.col0, area.col1)]
        while cells and not cells[-1]:
            cells.pop()
        row_data.append({"values": cells} if cells else {})
    while row_data and not row_data[-1]:
        row_data.pop()
    data: dict[str, Any] = {}
    if area.row0:
        data["startRow"] = area.row0
    if area.col0:
        data["startColumn"] = area.col0
    if row_data:
        data["rowData"] = row_data
    data["rowMetadata"] = [{"pixelSize": 21} for _ in range(area.rows)]
    data["columnMetadata"] = [{"pixelSize": 100} for _ in range(area.cols)]
    return data


def _wants_grid(call: DriveCall) -> bool:
    if call.flag("includeGridData"):
        return True
    sheets = (call.fields or {}).get("sheets", False)
    return sheets is None or (isinstance(sheets, dict) and "data" in sheets) or "*" in (call.fields or {})


def render(call: DriveCall, file: File, workbook: Book, ranges: list[str], grid: bool) -> dict[str, Any]:
    areas = [workbook.area(r) for r in ranges]
    for text, area in zip(ranges, areas, strict=True):
        a1.check_grid(area, text, workbook.sizes)
    sheets = []
    for i, sheet in enumerate(workbook.sheets):
        chosen = [a for a in areas if a.sheet == i]
        if ranges and not chosen:
            continue
        entry: dict[str, Any] = {"properties": sheet["properties"]}
        if grid:
            whole = Area(i, workbook.titles[i], 0, workbook.rows(i), 0, workbook.columns(i))
            entry["data"] = [_grid_data(workbook, a) for a in (chosen or [whole])]
        sheets.append(entry)
    return {
        "spreadsheetId": file.id,
        "properties": {"title": file.name, **workbook.properties},
        "sheets": sheets,
        "spreadsheetUrl": f"https://docs.google.com/spreadsheets/d/{file.id}/edit",
    }


# -- spreadsheets ----------------------------------------------------------------------------------
@route("POST", "/v4/spreadsheets", "sheets.spreadsheets.create")
def create(call: DriveCall) -> dict[str, Any]:
    given = payload.read(call)
    properties = given.get("properties") or {}
    file = create_file(call, "sheets", properties.get("title") or DEFAULT_TITLE, SPREADSHEET)
    sheets: list[dict[str, Any]] = []
    for n, sheet in enumerate(given.get("sheets") or [{}], start=1):
        props = (sheet or {}).get("properties") or {}
        title = props.get("title") or f"Sheet{n}"
        if title in (s["properties"]["title"] for s in sheets):
            raise invalid_argument(f'A sheet with the name "{title}" already exists. Please enter another name.')
        sheet_id = props.get("sheetId", 0 if n == 1 else _new_sheet_id(call))
        sheets.append({"properties": book.sheet_properties(int(sheet_id), title, n - 1, props), "cells": {}})
    stored = Spreadsheet(
        tenant_id=call.tenant.id, id=file.id, properties=book.spreadsheet_properties(properties), sheets=sheets
    )
    call.session.add(stored)
    return render(call, file, Book(stored, file.name), [], False)


@route("GET", "/v4/spreadsheets/{spreadsheetId}", "sheets.spreadsheets.get")
def get(call: DriveCall) -> dict[str, Any]:
    file, workbook = _open(call, write=False)
    return render(call, file, workbook, call.query.getlist("ranges"), _wants_grid(call))


@route("POST", "/v4/spreadsheets/{spreadsheetId}:batchUpdate", "sheets.spreadsheets.batchUpdate")
def batch_update(call: DriveCall) -> dict[str, Any]:
    given = payload.read(call)
    file, workbook = _open(call, write=True)
    replies = requests.apply(workbook, given.get("requests") or [], lambda: _new_sheet_id(call))
    _save(call, file, workbook)
    body: dict[str, Any] = {"spreadsheetId": file.id, "replies": replies}
    if given.get("includeSpreadsheetInResponse"):
        ranges = given.get("responseRanges") or []
        body["updatedSpreadsheet"] = render(call, file, workbook, ranges, bool(given.get("responseIncludeGridData")))
    return body


# -- values ----------------------------------------------------------------------------------------
def _read_options(call: DriveCall, major: str | None = None) -> tuple[str, str, str]:
    return (
        values.choice(major or call.query.get("majorDimension"), values.DIMENSIONS, "major_dimension", "ROWS"),
        values.choice(
            call.query.get("valueRenderOption"), values.RENDER_OPTIONS, "value_render_option", "FORMATTED_VALUE"
        ),
        values.choice(
            call.query.get("dateTimeRenderOption"), values.DATE_OPTIONS, "date_time_render_option", "SERIAL_NUMBER"
        ),
    )


def _input_option(raw: str | None) -> bool:
    if raw is None or raw == "" or raw == "INPUT_VALUE_OPTION_UNSPECIFIED":
        raise invalid_argument("'valueInputOption' is required but not specified")
    return values.choice(raw, values.INPUT_OPTIONS, "value_input_option", "RAW") == "USER_ENTERED"


def _response_values(call: DriveCall, workbook: Book, updated: dict[str, Any], body: dict[str, Any]) -> None:
    if call.flag("includeValuesInResponse") or body.get("includeValuesInResponse"):
        option = call.query.get("responseValueRenderOption") or body.get("responseValueRenderOption")
        date_option = call.query.get("responseDateTimeRenderOption") or body.get("responseDateTimeRenderOption")
        updated["updatedData"] = values.read(
            workbook,
            updated["updatedRange"],
            "ROWS",
            values.choice(option, values.RENDER_OPTIONS, "value_render_option", "FORMATTED_VALUE"),
            values.choice(date_option, values.DATE_OPTIONS, "date_time_render_option", "SERIAL_NUMBER"),
        )


@route("GET", "/v4/spreadsheets/{spreadsheetId}/values/{range:path}", "sheets.spreadsheets.values.get")
def values_get(call: DriveCall) -> dict[str, Any]:
    _, workbook = _open(call, write=False)
    major, option, date_option = _read_options(call)
    return values.read(workbook, call.path["range"], major, option, date_option)


@route("GET", "/v4/spreadsheets/{spreadsheetId}/values:batchGet", "sheets.spreadsheets.values.batchGet")
def values_batch_get(call: DriveCall) -> dict[str, Any]:
    file, workbook = _open(call, write=False)
    major, option, date_option = _read_options(call)
    ranges = call.query.getlist("ranges")
    return {
        "spreadsheetId": file.id,
        "valueRanges": [values.read(workbook, r, major, option, date_option) for r in ranges],
    }


@route("PUT", "/v4/spreadsheets/{spreadsheetId}/values/{range:path}", "sheets.spreadsheets.values.update")
def values_update(call: DriveCall) -> dict[str, Any]:
    given = payload.read(call)
    user_entered = _input_option(call.query.get("valueInputOption"))
    file, workbook = _open(call, write=True)
    updated = {"spreadsheetId": file.id, **values.write(workbook, call.path["range"], given, user_entered)}
    _response_values(call, workbook, updated, {})
    _save(call, file, workbook)
    return updated


@route("POST", "/v4/spreadsheets/{spreadsheetId}/values/{range:path}:append", "sheets.spreadsheets.values.append")
def values_append(call: DriveCall) -> dict[str, Any]:
    given = payload.read(call)
    user_entered = _input_option(call.query.get("valueInputOption"))
    insert = values.choice(
        call.query.get("insertDataOption"), ("OVERWRITE", "INSERT_ROWS"), "insert_data_option", "OVERWRITE"
    )
    file, workbook = _open(call, write=True)
    result = values.append(workbook, call.path["range"], given, user_entered, insert == "INSERT_ROWS")
    updates = {"spreadsheetId": file.id, **result["updates"]}
    _response_values(call, workbook, updates, {})
    _save(call, file, workbook)
    body: dict[str, Any] = {"spreadsheetId": file.id}
    if "tableRange" in result:
        body["tableRange"] = result["tableRange"]
    body["updates"] = updates
    return body


@route("POST", "/v4/spreadsheets/{spreadsheetId}/values/{range:path}:clear", "sheets.spreadsheets.values.clear")
def values_clear(call: DriveCall) -> dict[str, Any]:
    payload.read(call)
    file, workbook = _open(call, write=True)
    cleared = values.clear(workbook, call.path["range"])
    _save(call, file, workbook)
    return {"spreadsheetId": file.id, "clearedRange": cleared}


@route("POST", "/v4/spreadsheets/{spreadsheetId}/values:batchUpdate", "sheets.spreadsheets.values.batchUpdate")
def values_batch_update(call: DriveCall) -> dict[str, Any]:
    given = payload.read(call)
    user_entered = _input_option(given.get("valueInputOption"))
    file, workbook = _open(call, write=True)
    responses = []
    for position, data in enumerate(given.get("data") or []):
        text = str((data or {}).get("range") or "")
        try:
            updated = {"spreadsheetId": file.id, **values.write(workbook, text, data or {}, user_entered)}
        except Exception as error:
            message = getattr(error, "message", str(error))
            raise invalid_argument(f"Invalid data[{position}]: {message}") from None
        _response_values(call, workbook, updated, given)
        responses.append(updated)
    _save(call, file, workbook)
    body: dict[str, Any] = {"spreadsheetId": file.id}
    if responses:
        body["totalUpdatedRows"] = sum(r.get("updatedRows", 0) for r in responses)
        body["totalUpdatedColumns"] = sum(r.get("updatedColumns", 0) for r in responses)
        body["totalUpdatedCells"] = sum(r.get("updatedCells", 0) for r in responses)
        body["totalUpdatedSheets"] = len({r["updatedRange"].rpartition("!")[0] for r in responses})
        body["responses"] = responses
    return body


@route("POST", "/v4/spreadsheets/{spreadsheetId}/values:batchClear", "sheets.spreadsheets.values.batchClear")
def values_batch_clear(call: DriveCall) -> dict[str, Any]:
    given = payload.read(call)
    file, workbook = _open(call, write=True)
    cleared = []
    for position, text in enumerate(given.get("ranges") or []):
        try:
            cleared.append(values.clear(workbook, str(text)))
        except Exception as error:
            message = getattr(error, "message", str(error))
            raise invalid_argument(f"Invalid ranges[{position}]: {message}") from None
    _save(call, file, workbook)
    return {"spreadsheetId": file.id, "clearedRanges": cleared}
