"""Docs/Sheets request bodies are proto3 JSON, parsed by Google's front end before the service sees them.

What Google answers (the messages users meet, e.g. writing a flat list as `values`):
- a value of the wrong type: 400 INVALID_ARGUMENT `Invalid value at '<proto path>' (<type>), <value>`,
  the path in proto (snake_case) names: `data.values[0]`, `requests[0].insert_text.location.index`;
- an unknown name: 400 `Invalid JSON payload received. Unknown name "x" at '<path>': Cannot find field.`;
- proto3 JSON parsers accept the proto field name as well as the JSON name (`insert_text`).
Found by the schemathesis run: such bodies used to reach the handlers (and one answered 500).
"""

from __future__ import annotations

from typing import Any

import pytest
from googleapiclient.errors import HttpError

from conformance.gdrive.conftest import error_of
from conformance.gdrive.workspace import docs_as, sheets_as


def _refused(call: Any) -> dict[str, Any]:
    with pytest.raises(HttpError) as caught:
        call.execute()
    assert caught.value.resp.status == 400
    error = error_of(caught.value)
    assert error["status"] == "INVALID_ARGUMENT"
    return error


def test_flat_values_list_is_refused_as_listvalue(dtu_google: Any) -> None:
    sheets = sheets_as(dtu_google, dtu_google.alice_email)
    sid = sheets.spreadsheets().create(body={}).execute()["spreadsheetId"]
    values = sheets.spreadsheets().values()
    update = values.update(spreadsheetId=sid, range="A1", valueInputOption="RAW", body={"values": ["a", "b"]})
    error = _refused(update)
    assert error["message"].startswith(
        "Invalid value at 'data.values[0]' (type.googleapis.com/google.protobuf.ListValue), \"a\""
    )
    assert error["details"][0]["@type"] == "type.googleapis.com/google.rpc.BadRequest"
    assert error["details"][0]["fieldViolations"][0]["field"] == "data.values[0]"
    assert "values" not in values.get(spreadsheetId=sid, range="A1:B2").execute()


def test_unknown_name_is_refused_before_any_request_applies(dtu_google: Any) -> None:
    sheets = sheets_as(dtu_google, dtu_google.alice_email)
    sid = sheets.spreadsheets().create(body={}).execute()["spreadsheetId"]
    body = {"requests": [{"addSheet": {"properties": {"title": "Two"}}}, {"addSheet": {"propertie": {}}}]}
    error = _refused(sheets.spreadsheets().batchUpdate(spreadsheetId=sid, body=body))
    assert error["message"] == (
        "Invalid JSON payload received. Unknown name \"propertie\" at 'requests[1].add_sheet': Cannot find field."
    )
    titles = [s["properties"]["title"] for s in sheets.spreadsheets().get(spreadsheetId=sid).execute()["sheets"]]
    assert titles == ["Sheet1"]


def test_wrong_scalar_type_names_the_proto_path(dtu_google: Any) -> None:
    docs = docs_as(dtu_google, dtu_google.alice_email)
    did = docs.documents().create(body={"title": "Notes"}).execute()["documentId"]
    body = {"requests": [{"insertText": {"location": {"index": "one"}, "text": "hi"}}]}
    error = _refused(docs.documents().batchUpdate(documentId=did, body=body))
    assert error["message"] == "Invalid value at 'requests[0].insert_text.location.index' (TYPE_INT32), \"one\""


def test_proto_field_names_and_numeric_strings_are_accepted(dtu_google: Any) -> None:
    docs = docs_as(dtu_google, dtu_google.alice_email)
    did = docs.documents().create(body={"title": "Notes"}).execute()["documentId"]
    body = {"requests": [{"insert_text": {"location": {"index": "1"}, "text": "hi"}}]}
    docs.documents().batchUpdate(documentId=did, body=body).execute()
    content = docs.documents().get(documentId=did).execute()["body"]["content"]
    runs = [e["textRun"]["content"] for c in content for e in c.get("paragraph", {}).get("elements", [])]
    assert runs == ["hi\n"]
