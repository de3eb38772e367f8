"""Drive files.export of Docs (text/plain, text/html) and Sheets (text/csv of the first sheet), with
Drive's errors for formats outside a type's exportFormats and for files that are not Docs Editors files."""

from __future__ import annotations

from typing import Any

import pytest
from googleapiclient.errors import HttpError
from googleapiclient.http import MediaInMemoryUpload

from conformance.gdrive.conftest import error_of
from conformance.gdrive.workspace import docs_as, drive_for, sheets_as


@pytest.fixture
def drive(dtu_google: Any) -> Any:
    return drive_for(dtu_google, dtu_google.alice_email)


def make_doc(dtu_google: Any) -> str:
    docs = docs_as(dtu_google, dtu_google.alice_email)
    doc_id = str(docs.documents().create(body={"title": "Report"}).execute()["documentId"])
    requests = [
        {"insertText": {"location": {"index": 1}, "text": "Title & more\nSecond <line>"}},
        {"updateTextStyle": {"range": {"startIndex": 1, "endIndex": 6}, "textStyle": {"bold": True}, "fields": "bold"}},
    ]
    docs.documents().batchUpdate(documentId=doc_id, body={"requests": requests}).execute()
    return doc_id


def test_document_as_plain_text(dtu_google: Any, drive: Any) -> None:
    doc_id = make_doc(dtu_google)
    text = drive.files().export(fileId=doc_id, mimeType="text/plain").execute()
    assert text.decode("utf-8") == "\ufeffTitle & more\r\nSecond <line>"


def test_document_as_html(dtu_google: Any, drive: Any) -> None:
    doc_id = make_doc(dtu_google)
    page = drive.files().export(fileId=doc_id, mimeType="text/html").execute().decode("utf-8")
    assert page.startswith("<html>")
    assert "Title" in page and "&amp; more" in page and "Second &lt;line&gt;" in page
    assert "font-weight:700" in page


def test_spreadsheet_first_sheet_as_csv(dtu_google: Any, drive: Any) -> None:
    sheets = sheets_as(dtu_google, dtu_google.alice_email)
    sid = sheets.spreadsheets().create(body={"properties": {"title": "T"}}).execute()["spreadsheetId"]
    sheets.spreadsheets().values().update(
        spreadsheetId=sid,
        range="A1",
        valueInputOption="USER_ENTERED",
        body={"values": [["name", "total"], ["a, b", "=1+2"], ['say "hi"', "1,000"]]},
    ).execute()
    sheets.spreadsheets().batchUpdate(
        spreadsheetId=sid, body={"requests": [{"addSheet": {"properties": {"title": "Other"}}}]}
    ).execute()
    csv_text = drive.files().export(fileId=sid, mimeType="text/csv").execute().decode("utf-8")
    assert csv_text == 'name,total\r\n"a, b",3\r\n"say ""hi""","1,000"'


def test_unsupported_conversion_and_non_editor_files(dtu_google: Any, drive: Any) -> None:
    doc_id = make_doc(dtu_google)
    with pytest.raises(HttpError) as caught:
        drive.files().export(fileId=doc_id, mimeType="text/csv").execute()
    assert caught.value.resp.status == 400
    assert error_of(caught.value)["errors"] == [
        {
            "message": "The requested conversion is not supported.",
            "domain": "global",
            "reason": "badRequest",
            "location": "convertTo",
            "locationType": "parameter",
        }
    ]
    plain = (
        drive.files()
        .create(body={"name": "a.txt"}, media_body=MediaInMemoryUpload(b"hi", mimetype="text/plain"))
        .execute()
    )
    with pytest.raises(HttpError) as caught:
        drive.files().export(fileId=plain["id"], mimeType="text/plain").execute()
    error = error_of(caught.value)
    assert (error["code"], error["message"], error["errors"][0]["reason"]) == (
        403,
        "Export only supports Docs Editors files.",
        "fileNotExportable",
    )


def test_export_follows_drive_access(dtu_google: Any) -> None:
    doc_id = make_doc(dtu_google)
    bob = drive_for(dtu_google, dtu_google.bob_email)
    with pytest.raises(HttpError) as caught:
        bob.files().export(fileId=doc_id, mimeType="text/plain").execute()
    assert caught.value.resp.status == 404
    assert error_of(caught.value)["message"] == f"File not found: {doc_id}."
