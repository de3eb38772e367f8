"""Sheets v4 through googleapiclient: spreadsheets.create/get/batchUpdate, values.get/update/append/
clear/batchGet/batchUpdate/batchClear, A1 notation, value input and render options, formulas,
Sheets' errors, Drive permissions and scopes."""

from __future__ import annotations

from typing import Any

import pytest
from googleapiclient.errors import HttpError

from conformance.gdrive.conftest import error_of
from conformance.gdrive.workspace import SPREADSHEET, SPREADSHEETS_READONLY, drive_for, share, sheets_as


@pytest.fixture
def sheets(dtu_google: Any) -> Any:
    return sheets_as(dtu_google, dtu_google.alice_email)


def new_sheet(sheets: Any, title: str = "Budget") -> str:
    return str(sheets.spreadsheets().create(body={"properties": {"title": title}}).execute()["spreadsheetId"])


def put(sheets: Any, sid: str, rng: str, rows: list[list[Any]], option: str = "USER_ENTERED") -> dict[str, Any]:
    result: dict[str, Any] = (
        sheets.spreadsheets()
        .values()
        .update(spreadsheetId=sid, range=rng, valueInputOption=option, body={"values": rows})
        .execute()
    )
    return result


def get(sheets: Any, sid: str, rng: str, **options: Any) -> dict[str, Any]:
    result: dict[str, Any] = sheets.spreadsheets().values().get(spreadsheetId=sid, range=rng, **options).execute()
    return result


def failure(call: Any) -> dict[str, Any]:
    with pytest.raises(HttpError) as caught:
        call.execute()
    return error_of(caught.value)


def test_create_default_sheet_and_drive_item(dtu_google: Any, sheets: Any) -> None:
    created = sheets.spreadsheets().create(body={"properties": {"title": "Budget"}}).execute()
    sid = created["spreadsheetId"]
    assert created["properties"]["title"] == "Budget"
    assert created["properties"]["locale"] == "en_US"
    assert created["sheets"] == [
        {
            "properties": {
                "sheetId": 0,
                "title": "Sheet1",
                "index": 0,
                "sheetType": "GRID",
                "gridProperties": {"rowCount": 1000, "columnCount": 26},
            }
        }
    ]
    assert created["spreadsheetUrl"] == f"https://docs.google.com/spreadsheets/d/{sid}/edit"
    drive = drive_for(dtu_google, dtu_google.alice_email)
    assert drive.files().get(fileId=sid, fields="mimeType,name").execute() == {
        "mimeType": SPREADSHEET,
        "name": "Budget",
    }
    assert sheets.spreadsheets().create(body={}).execute()["properties"]["title"] == "Untitled spreadsheet"


def test_update_and_get_with_a1_forms(sheets: Any) -> None:
    sid = new_sheet(sheets)
    written = put(sheets, sid, "Sheet1!A1:C2", [["Name", "Qty", "Price"], ["Pen", 2, 1.5]])
    assert written == {
        "spreadsheetId": sid,
        "updatedRange": "Sheet1!A1:C2",
        "updatedRows": 2,
        "updatedColumns": 3,
        "updatedCells": 6,
    }
    assert get(sheets, sid, "Sheet1") == {
        "range": "Sheet1!A1:Z1000",
        "majorDimension": "ROWS",
        "values": [["Name", "Qty", "Price"], ["Pen", "2", "1.5"]],
    }
    assert get(sheets, sid, "B:B")["range"] == "Sheet1!B1:B1000"
    assert get(sheets, sid, "B:B")["values"] == [["Qty"], ["2"]]
    assert get(sheets, sid, "2:3") == {
        "range": "Sheet1!A2:Z3",
        "majorDimension": "ROWS",
        "values": [["Pen", "2", "1.5"]],
    }
    assert get(sheets, sid, "B2:C")["values"] == [["2", "1.5"]]
    assert get(sheets, sid, "A1:C2", majorDimension="COLUMNS")["values"] == [
        ["Name", "Pen"],
        ["Qty", "2"],
        ["Price", "1.5"],
    ]
    # An empty range has no values member.
    assert get(sheets, sid, "D5:E6") == {"range": "Sheet1!D5:E6", "majorDimension": "ROWS"}


def test_quoted_sheet_names_and_percent_encoding(sheets: Any) -> None:
    sid = new_sheet(sheets)
    reply = (
        sheets.spreadsheets()
        .batchUpdate(spreadsheetId=sid, body={"requests": [{"addSheet": {"properties": {"title": "My Sheet"}}}]})
        .execute()
    )
    assert reply["replies"][0]["addSheet"]["properties"]["title"] == "My Sheet"
    assert put(sheets, sid, "'My Sheet'!B2", [[1, 2], [3, 4]])["updatedRange"] == "'My Sheet'!B2:C3"
    assert get(sheets, sid, "'My Sheet'!A1:C3")["values"] == [[], ["", "1", "2"], ["", "3", "4"]]
    assert get(sheets, sid, "'My Sheet'!C3") == {"range": "'My Sheet'!C3", "majorDimension": "ROWS", "values": [["4"]]}


def test_user_entered_parsing_and_render_options(sheets: Any) -> None:
    sid = new_sheet(sheets)
    put(sheets, sid, "A1:F1", [["1,234", "12%", "TRUE", "2024-01-15", "'007", "$5"]])
    assert get(sheets, sid, "A1:F1")["values"] == [["1,234", "12%", "TRUE", "2024-01-15", "007", "$5.00"]]
    assert get(sheets, sid, "A1:F1", valueRenderOption="UNFORMATTED_VALUE")["values"] == [
        [1234, 0.12, True, 45306, "007", 5]
    ]
    unformatted_dates = get(
        sheets, sid, "D1", valueRenderOption="UNFORMATTED_VALUE", dateTimeRenderOption="FORMATTED_STRING"
    )
    assert unformatted_dates["values"] == [["2024-01-15"]]
    put(sheets, sid, "A2:C2", [["1,234", "=1+1", "TRUE"]], option="RAW")
    assert get(sheets, sid, "A2:C2", valueRenderOption="UNFORMATTED_VALUE")["values"] == [["1,234", "=1+1", "TRUE"]]


def test_formulas_evaluated_and_returned(sheets: Any) -> None:
    sid = new_sheet(sheets)
    put(
        sheets,
        sid,
        "A1",
        [
            [10, "=SUM(A1:A3)", "=AVERAGE(A1:A3)", "=COUNT(A1:A4)"],
            [20, '=IF(A1>5,"big","small")', '="Total: "&B1', "=A1/0"],
            [30, "=NOSUCH(1)", "=B3", "=D4"],
            ["x", "", "=B4", "=D3"],
        ],
    )
    assert get(sheets, sid, "B1:D4")["values"] == [
        ["60", "20", "3"],
        ["big", "Total: 60", "#DIV/0!"],
        ["#NAME?", "#NAME?", "#REF!"],
        ["", "0", "#REF!"],
    ]
    assert get(sheets, sid, "B1:C1", valueRenderOption="UNFORMATTED_VALUE")["values"] == [[60, 20]]
    assert get(sheets, sid, "B1:C2", valueRenderOption="FORMULA")["values"] == [
        ["=SUM(A1:A3)", "=AVERAGE(A1:A3)"],
        ['=IF(A1>5,"big","small")', '="Total: "&B1'],
    ]
    put(sheets, sid, "A1", [[100]])
    assert get(sheets, sid, "B1")["values"] == [["150"]]


def test_write_outside_requested_range(sheets: Any) -> None:
    sid = new_sheet(sheets)
    call = (
        sheets.spreadsheets()
        .values()
        .update(spreadsheetId=sid, range="Sheet1!A1:B2", valueInputOption="RAW", body={"values": [[1, 2, 3]]})
    )
    assert failure(call) == {
        "code": 400,
        "message": "Requested writing within range [Sheet1!A1:B2], but tried writing to column [C]",
        "status": "INVALID_ARGUMENT",
    }
    call = (
        sheets.spreadsheets()
        .values()
        .update(spreadsheetId=sid, range="Sheet1!A1:B1", valueInputOption="RAW", body={"values": [[1], [2]]})
    )
    assert failure(call)["message"] == "Requested writing within range [Sheet1!A1:B1], but tried writing to row [2]"


def test_range_errors(sheets: Any) -> None:
    sid = new_sheet(sheets)
    values = sheets.spreadsheets().values()
    assert failure(values.get(spreadsheetId=sid, range="Nope!A1")) == {
        "code": 400,
        "message": "Unable to parse range: Nope!A1",
        "status": "INVALID_ARGUMENT",
    }
    assert failure(values.get(spreadsheetId=sid, range="Sheet1!A1:B1001"))["message"] == (
        "Range (Sheet1!A1:B1001) exceeds grid limits. Max rows: 1000, max columns: 26"
    )
    call = values.update(spreadsheetId=sid, range="A1", body={"values": [[1]]})
    assert failure(call)["message"] == "'valueInputOption' is required but not specified"


def test_append_overwrite_and_insert_rows(sheets: Any) -> None:
    sid = new_sheet(sheets)
    values = sheets.spreadsheets().values()
    first = values.append(
        spreadsheetId=sid, range="Sheet1!A1", valueInputOption="RAW", body={"values": [["h1", "h2"]]}
    ).execute()
    assert "tableRange" not in first
    assert first["updates"]["updatedRange"] == "Sheet1!A1:B1"
    put(sheets, sid, "A4", [["below"]])
    second = values.append(
        spreadsheetId=sid,
        range="Sheet1!A1:B",
        valueInputOption="USER_ENTERED",
        insertDataOption="INSERT_ROWS",
        body={"values": [["a", "1"], ["b", "2"]]},
    ).execute()
    assert second["tableRange"] == "Sheet1!A1:B1"
    assert second["updates"] == {
        "spreadsheetId": sid,
        "updatedRange": "Sheet1!A2:B3",
        "updatedRows": 2,
        "updatedColumns": 2,
        "updatedCells": 4,
    }
    # INSERT_ROWS pushed the row below down and grew the grid.
    assert get(sheets, sid, "A1:B10")["values"] == [["h1", "h2"], ["a", "1"], ["b", "2"], [], [], ["below"]]
    grid = sheets.spreadsheets().get(spreadsheetId=sid).execute()["sheets"][0]["properties"]["gridProperties"]
    assert grid["rowCount"] == 1002
    third = values.append(
        spreadsheetId=sid, range="Sheet1", valueInputOption="RAW", body={"values": [["c", 3]]}
    ).execute()
    assert third["tableRange"] == "Sheet1!A1:B3"
    assert third["updates"]["updatedRange"] == "Sheet1!A4:B4"


def test_clear_batch_get_batch_update_batch_clear(sheets: Any) -> None:
    sid = new_sheet(sheets)
    values = sheets.spreadsheets().values()
    result = values.batchUpdate(
        spreadsheetId=sid,
        body={
            "valueInputOption": "USER_ENTERED",
            "data": [
                {"range": "A1:B1", "values": [[1, 2]]},
                {"range": "D1", "majorDimension": "COLUMNS", "values": [[3, 4]]},
            ],
        },
    ).execute()
    assert result["totalUpdatedCells"] == 4
    assert result["totalUpdatedSheets"] == 1
    assert [r["updatedRange"] for r in result["responses"]] == ["Sheet1!A1:B1", "Sheet1!D1:D2"]
    got = values.batchGet(spreadsheetId=sid, ranges=["A1:B1", "D1:D2"], valueRenderOption="UNFORMATTED_VALUE").execute()
    assert [v["values"] for v in got["valueRanges"]] == [[[1, 2]], [[3], [4]]]
    cleared = values.clear(spreadsheetId=sid, range="A1:A1", body={}).execute()
    assert cleared == {"spreadsheetId": sid, "clearedRange": "Sheet1!A1"}
    assert get(sheets, sid, "A1:B1")["values"] == [["", "2"]]
    cleared = values.batchClear(spreadsheetId=sid, body={"ranges": ["B1", "D:D"]}).execute()
    assert cleared["clearedRanges"] == ["Sheet1!B1", "Sheet1!D1:D1000"]
    assert "values" not in get(sheets, sid, "Sheet1")
    bad = values.batchUpdate(
        spreadsheetId=sid, body={"valueInputOption": "RAW", "data": [{"range": "Nope!A1", "values": [[1]]}]}
    )
    assert failure(bad)["message"] == "Invalid data[0]: Unable to parse range: Nope!A1"


def test_batch_update_sheet_requests_reply_in_order(sheets: Any) -> None:
    sid = new_sheet(sheets)
    result = (
        sheets.spreadsheets()
        .batchUpdate(
            spreadsheetId=sid,
            body={
                "requests": [
                    {"addSheet": {"properties": {"title": "Data", "sheetId": 42}}},
                    {"updateSheetProperties": {"properties": {"sheetId": 42, "title": "Renamed"}, "fields": "title"}},
                    {"appendDimension": {"sheetId": 42, "dimension": "COLUMNS", "length": 4}},
                    {
                        "repeatCell": {
                            "range": {
                                "sheetId": 42,
                                "startRowIndex": 0,
                                "endRowIndex": 2,
                                "startColumnIndex": 0,
                                "endColumnIndex": 2,
                            },
                            "cell": {
                                "userEnteredValue": {"numberValue": 7},
                                "userEnteredFormat": {"textFormat": {"bold": True}},
                            },
                            "fields": "userEnteredValue,userEnteredFormat.textFormat.bold",
                        }
                    },
                    {"deleteSheet": {"sheetId": 0}},
                ]
            },
        )
        .execute()
    )
    assert result["spreadsheetId"] == sid
    assert result["replies"][0]["addSheet"]["properties"]["sheetId"] == 42
    assert result["replies"][1:] == [{}, {}, {}, {}]
    spreadsheet = sheets.spreadsheets().get(spreadsheetId=sid).execute()
    assert [s["properties"] for s in spreadsheet["sheets"]] == [
        {
            "sheetId": 42,
            "title": "Renamed",
            "index": 0,
            "sheetType": "GRID",
            "gridProperties": {"rowCount": 1000, "columnCount": 30},
        }
    ]
    assert get(sheets, sid, "Renamed!A1:C3", valueRenderOption="UNFORMATTED_VALUE")["values"] == [[7, 7], [7, 7]]
    with_grid = sheets.spreadsheets().get(spreadsheetId=sid, ranges=["Renamed!A1:B1"], includeGridData=True).execute()
    cell = with_grid["sheets"][0]["data"][0]["rowData"][0]["values"][0]
    assert cell["userEnteredValue"] == {"numberValue": 7}
    assert cell["formattedValue"] == "7"
    assert cell["userEnteredFormat"] == {"textFormat": {"bold": True}}
    last = sheets.spreadsheets().batchUpdate(spreadsheetId=sid, body={"requests": [{"deleteSheet": {"sheetId": 42}}]})
    assert failure(last)["message"] == "Invalid requests[0].deleteSheet: You can't remove all the sheets in a document."
    duplicate = sheets.spreadsheets().batchUpdate(
        spreadsheetId=sid, body={"requests": [{"addSheet": {"properties": {"title": "Renamed"}}}]}
    )
    assert failure(duplicate)["message"] == (
        'Invalid requests[0].addSheet: A sheet with the name "Renamed" already exists. Please enter another name.'
    )


def test_get_with_fields_and_ranges(sheets: Any) -> None:
    sid = new_sheet(sheets)
    sheets.spreadsheets().batchUpdate(
        spreadsheetId=sid, body={"requests": [{"addSheet": {"properties": {"title": "Two"}}}]}
    ).execute()
    titles = sheets.spreadsheets().get(spreadsheetId=sid, fields="sheets.properties.title").execute()
    assert titles == {"sheets": [{"properties": {"title": "Sheet1"}}, {"properties": {"title": "Two"}}]}
    only = sheets.spreadsheets().get(spreadsheetId=sid, ranges=["Two!A1"], fields="sheets(properties(title))").execute()
    assert only == {"sheets": [{"properties": {"title": "Two"}}]}


def test_permissions_and_scopes(dtu_google: Any, sheets: Any) -> None:
    sid = new_sheet(sheets)
    bob = sheets_as(dtu_google, dtu_google.bob_email)
    assert failure(bob.spreadsheets().get(spreadsheetId=sid)) == {
        "code": 403,
        "message": "The caller does not have permission",
        "status": "PERMISSION_DENIED",
    }
    share(drive_for(dtu_google, dtu_google.alice_email), sid, dtu_google.bob_email, "reader")
    assert get(bob, sid, "A1") == {"range": "Sheet1!A1", "majorDimension": "ROWS"}
    assert (
        failure(
            bob.spreadsheets()
            .values()
            .update(spreadsheetId=sid, range="A1", valueInputOption="RAW", body={"values": [[1]]})
        )["code"]
        == 403
    )
    assert failure(bob.spreadsheets().get(spreadsheetId="1" + "y" * 43))["status"] == "NOT_FOUND"
    reader = sheets_as(dtu_google, dtu_google.alice_email, [SPREADSHEETS_READONLY])
    assert get(reader, sid, "A1")["range"] == "Sheet1!A1"
    error = failure(
        reader.spreadsheets()
        .values()
        .update(spreadsheetId=sid, range="A1", valueInputOption="RAW", body={"values": [[1]]})
    )
    assert (error["code"], error["status"]) == (403, "PERMISSION_DENIED")
    assert error["details"][0]["metadata"]["service"] == "sheets.googleapis.com"


def test_bundled_discovery_with_api_endpoint(dtu_google: Any) -> None:
    sheets = sheets_as(dtu_google, dtu_google.alice_email, endpoint=True)
    sid = new_sheet(sheets)
    put(sheets, sid, "'Sheet1'!A1", [["x"]])
    assert get(sheets, sid, "A1")["values"] == [["x"]]
