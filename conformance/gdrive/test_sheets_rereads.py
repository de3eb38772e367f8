"""values.get read again and again: every read answers the spreadsheet as it is now (after writes,
in each render option, after the tenant is restored from a snapshot), never an earlier answer."""

from __future__ import annotations

from typing import Any

from conformance.gdrive.test_sheets import get, new_sheet, put, sheets  # noqa: F401 (sheets: the fixture)


def test_reads_follow_writes_and_options(sheets: Any) -> None:  # noqa: F811
    sid = new_sheet(sheets)
    put(sheets, sid, "Sheet1!A1:C1", [[1, 2, "=A1+B1"]])
    assert get(sheets, sid, "Sheet1!A1:C1")["values"] == [["1", "2", "3"]]
    assert get(sheets, sid, "Sheet1!A1:C1")["values"] == [["1", "2", "3"]]
    put(sheets, sid, "Sheet1!B1", [[40]])
    assert get(sheets, sid, "Sheet1!A1:C1")["values"] == [["1", "40", "41"]]
    assert get(sheets, sid, "Sheet1!A1:C1", valueRenderOption="UNFORMATTED_VALUE")["values"] == [[1, 40, 41]]
    assert get(sheets, sid, "Sheet1!A1:C1", valueRenderOption="FORMULA")["values"] == [[1, 40, "=A1+B1"]]
    assert get(sheets, sid, "Sheet1!A1:C1", majorDimension="COLUMNS")["values"] == [["1"], ["40"], ["41"]]
    sheets.spreadsheets().values().clear(spreadsheetId=sid, range="Sheet1!A1").execute()
    assert get(sheets, sid, "Sheet1!A1:C1")["values"] == [["", "40", "40"]]


def test_reads_after_restore_answer_the_restored_cells(dtu_google: Any, sheets: Any) -> None:  # noqa: F811
    sid = new_sheet(sheets)
    put(sheets, sid, "Sheet1!A1:B1", [[7, "=A1*2"]])
    assert get(sheets, sid, "Sheet1!A1:B1")["values"] == [["7", "14"]]
    saved = dtu_google.control("GET", "/snapshot").json()
    put(sheets, sid, "Sheet1!A1", [[100]])
    assert get(sheets, sid, "Sheet1!A1:B1")["values"] == [["100", "200"]]
    dtu_google.control("POST", "/restore", json=saved).raise_for_status()
    assert get(sheets, sid, "Sheet1!A1:B1")["values"] == [["7", "14"]]
