"""Docs v1 through googleapiclient: create, get (structural body with Docs' indexes), batchUpdate
(insertText, deleteContentRange, replaceAllText, insertTable, updateTextStyle, createParagraphBullets),
writeControl, Docs' errors, Drive permissions and scopes."""

from __future__ import annotations

from typing import Any

import pytest
from googleapiclient.errors import HttpError

from conformance.gdrive.conftest import error_of
from conformance.gdrive.workspace import DOCUMENT, DOCUMENTS_READONLY, docs_as, drive_for, share


@pytest.fixture
def docs(dtu_google: Any) -> Any:
    return docs_as(dtu_google, dtu_google.alice_email)


def new_doc(docs: Any, title: str = "Notes") -> str:
    created: dict[str, Any] = docs.documents().create(body={"title": title}).execute()
    return str(created["documentId"])


def update(docs: Any, doc_id: str, *requests: dict[str, Any], **extra: Any) -> dict[str, Any]:
    result: dict[str, Any] = (
        docs.documents().batchUpdate(documentId=doc_id, body={"requests": list(requests), **extra}).execute()
    )
    return result


def insert(text: str, index: int = 1) -> dict[str, Any]:
    return {"insertText": {"location": {"index": index}, "text": text}}


def content(docs: Any, doc_id: str) -> list[dict[str, Any]]:
    got: list[dict[str, Any]] = docs.documents().get(documentId=doc_id).execute()["body"]["content"]
    return got


def paragraphs(docs: Any, doc_id: str) -> list[tuple[int, int, str]]:
    """(startIndex, endIndex, text) of each top-level paragraph."""
    found = []
    for element in content(docs, doc_id):
        if "paragraph" in element:
            text = "".join(e["textRun"]["content"] for e in element["paragraph"]["elements"])
            found.append((element["startIndex"], element["endIndex"], text))
    return found


def test_create_gives_an_empty_body_starting_with_a_section_break(dtu_google: Any, docs: Any) -> None:
    created = docs.documents().create(body={"title": "Plan"}).execute()
    assert created["title"] == "Plan"
    assert created["revisionId"]
    assert created["suggestionsViewMode"] == "SUGGESTIONS_INLINE"
    first, paragraph = created["body"]["content"]
    assert "startIndex" not in first  # 0 is omitted, as proto3 JSON does
    assert first["endIndex"] == 1 and "sectionBreak" in first
    assert paragraph["startIndex"] == 1 and paragraph["endIndex"] == 2
    assert paragraph["paragraph"]["elements"][0]["textRun"]["content"] == "\n"
    assert paragraph["paragraph"]["paragraphStyle"]["namedStyleType"] == "NORMAL_TEXT"
    # The Drive item has the same id and the Docs type.
    drive = drive_for(dtu_google, dtu_google.alice_email)
    item = drive.files().get(fileId=created["documentId"], fields="id,name,mimeType").execute()
    assert item == {"id": created["documentId"], "name": "Plan", "mimeType": DOCUMENT}


def test_untitled_document(docs: Any) -> None:
    assert docs.documents().create(body={}).execute()["title"] == "Untitled document"


def test_indexes_stay_consistent_through_edits(docs: Any) -> None:
    doc_id = new_doc(docs)
    update(docs, doc_id, insert("Hello world\nSecond line"))
    assert paragraphs(docs, doc_id) == [(1, 13, "Hello world\n"), (13, 25, "Second line\n")]
    update(docs, doc_id, {"deleteContentRange": {"range": {"startIndex": 6, "endIndex": 12}}})
    assert paragraphs(docs, doc_id) == [(1, 7, "Hello\n"), (7, 19, "Second line\n")]
    # Deleting a paragraph's newline merges it with the next one.
    update(docs, doc_id, {"deleteContentRange": {"range": {"startIndex": 6, "endIndex": 7}}})
    assert paragraphs(docs, doc_id) == [(1, 18, "HelloSecond line\n")]
    update(docs, doc_id, {"insertText": {"endOfSegmentLocation": {}, "text": "!"}})
    assert paragraphs(docs, doc_id) == [(1, 19, "HelloSecond line!\n")]


def test_requests_apply_in_order_against_the_updated_document(docs: Any) -> None:
    doc_id = new_doc(docs)
    result = update(docs, doc_id, insert("World"), insert("Hello ", 1))
    assert result["replies"] == [{}, {}]
    assert result["documentId"] == doc_id
    assert paragraphs(docs, doc_id) == [(1, 13, "Hello World\n")]


def test_replace_all_text_reports_occurrences(docs: Any) -> None:
    doc_id = new_doc(docs)
    update(docs, doc_id, insert("Dear {{name}},\nBye {{NAME}}"))
    result = update(
        docs,
        doc_id,
        {"replaceAllText": {"containsText": {"text": "{{name}}", "matchCase": False}, "replaceText": "Ada"}},
        {"replaceAllText": {"containsText": {"text": "absent"}, "replaceText": "x"}},
    )
    # proto3 JSON drops a zero count: no occurrences gives an empty reply object.
    assert result["replies"] == [{"replaceAllText": {"occurrencesChanged": 2}}, {"replaceAllText": {}}]
    assert paragraphs(docs, doc_id) == [(1, 11, "Dear Ada,\n"), (11, 19, "Bye Ada\n")]
    result = update(
        docs, doc_id, {"replaceAllText": {"containsText": {"text": "ada", "matchCase": True}, "replaceText": "x"}}
    )
    assert result["replies"] == [{"replaceAllText": {}}]


def test_update_text_style_splits_runs(docs: Any) -> None:
    doc_id = new_doc(docs)
    update(docs, doc_id, insert("Hello world"))
    update(
        docs,
        doc_id,
        {
            "updateTextStyle": {
                "range": {"startIndex": 1, "endIndex": 6},
                "textStyle": {"bold": True, "italic": True},
                "fields": "bold",
            }
        },
    )
    runs = content(docs, doc_id)[1]["paragraph"]["elements"]
    assert [(r["startIndex"], r["endIndex"], r["textRun"]["content"], r["textRun"]["textStyle"]) for r in runs] == [
        (1, 6, "Hello", {"bold": True}),
        (6, 13, " world\n", {}),
    ]
    # Text inserted after a bold character continues bold.
    update(docs, doc_id, insert("!", 6))
    runs = content(docs, doc_id)[1]["paragraph"]["elements"]
    assert runs[0]["textRun"]["content"] == "Hello!"


def test_insert_table_structure_and_indexes(docs: Any) -> None:
    doc_id = new_doc(docs)
    update(docs, doc_id, {"insertTable": {"rows": 2, "columns": 2, "location": {"index": 1}}})
    elements = content(docs, doc_id)
    # A newline is inserted before the table; the table starts after it.
    assert [e.get("startIndex") for e in elements] == [None, 1, 2, 14]
    table = elements[2]
    assert table["endIndex"] == 14
    assert table["table"]["rows"] == 2 and table["table"]["columns"] == 2
    cell_paragraphs = [
        cell["content"][0]["startIndex"] for row in table["table"]["tableRows"] for cell in row["tableCells"]
    ]
    assert cell_paragraphs == [5, 7, 10, 12]
    # Text typed into the first cell moves everything after it.
    update(docs, doc_id, insert("A1", 5))
    table = content(docs, doc_id)[2]
    first = table["table"]["tableRows"][0]["tableCells"][0]["content"][0]["paragraph"]["elements"][0]
    assert first["textRun"]["content"] == "A1\n"
    assert table["endIndex"] == 16
    # Inserting where a table starts is refused.
    with pytest.raises(HttpError) as caught:
        update(docs, doc_id, insert("x", 2))
    assert caught.value.resp.status == 400
    assert error_of(caught.value)["message"] == (
        "Invalid requests[0].insertText: The insertion index must be inside the bounds of an existing paragraph. "
        "You can still create new paragraphs by inserting newlines."
    )


def test_create_paragraph_bullets_with_nesting_tabs(docs: Any) -> None:
    doc_id = new_doc(docs)
    update(docs, doc_id, insert("One\n\tTwo\nThree"))
    update(
        docs,
        doc_id,
        {
            "createParagraphBullets": {
                "range": {"startIndex": 1, "endIndex": 15},
                "bulletPreset": "BULLET_DISC_CIRCLE_SQUARE",
            }
        },
    )
    document = docs.documents().get(documentId=doc_id).execute()
    elements = document["body"]["content"][1:]
    bullets = [e["paragraph"]["bullet"] for e in elements]
    list_id = bullets[0]["listId"]
    assert bullets == [
        {"listId": list_id, "textStyle": {}},
        {"listId": list_id, "nestingLevel": 1, "textStyle": {}},
        {"listId": list_id, "textStyle": {}},
    ]
    # The leading tab was consumed: "Two" moved one index left.
    assert [(e["startIndex"], e["endIndex"]) for e in elements] == [(1, 5), (5, 9), (9, 15)]
    assert document["lists"][list_id]["listProperties"]["nestingLevels"][0]["glyphSymbol"] == "●"


def test_write_control_required_revision(docs: Any) -> None:
    doc_id = new_doc(docs)
    first = docs.documents().get(documentId=doc_id).execute()["revisionId"]
    result = update(docs, doc_id, insert("a"), writeControl={"requiredRevisionId": first})
    second = result["writeControl"]["requiredRevisionId"]
    assert second != first
    assert docs.documents().get(documentId=doc_id).execute()["revisionId"] == second
    with pytest.raises(HttpError) as caught:
        update(docs, doc_id, insert("b"), writeControl={"requiredRevisionId": first})
    assert caught.value.resp.status == 400
    assert error_of(caught.value)["status"] == "INVALID_ARGUMENT"
    # A recent target revision is accepted.
    update(docs, doc_id, insert("c"), writeControl={"targetRevisionId": first})
    assert paragraphs(docs, doc_id) == [(1, 4, "ca\n")]


def test_index_out_of_bounds_errors(docs: Any) -> None:
    doc_id = new_doc(docs)
    update(docs, doc_id, insert("abc"))
    cases = [
        (
            insert("x", 10),
            "Invalid requests[0].insertText: Index 10 must be less than the end index of the referenced segment, 5.",
        ),
        (
            {"deleteContentRange": {"range": {"startIndex": 1, "endIndex": 5}}},
            "Invalid requests[0].deleteContentRange: "
            "The range cannot include the newline character at the end of the segment.",
        ),
        (
            {"deleteContentRange": {"range": {"startIndex": 2, "endIndex": 2}}},
            "Invalid requests[0].deleteContentRange: The range should not be empty.",
        ),
        (
            {
                "updateTextStyle": {
                    "range": {"startIndex": 1, "endIndex": 9},
                    "textStyle": {"bold": True},
                    "fields": "bold",
                }
            },
            "Invalid requests[0].updateTextStyle: "
            "Index 9 must be less than the end index of the referenced segment, 5.",
        ),
    ]
    for request, message in cases:
        with pytest.raises(HttpError) as caught:
            update(docs, doc_id, request)
        error = error_of(caught.value)
        assert (error["code"], error["status"], error["message"]) == (400, "INVALID_ARGUMENT", message)
        assert "errors" not in error  # Docs errors have no Drive-style errors list
    # A failing request leaves the batch unapplied, earlier requests included.
    with pytest.raises(HttpError):
        update(docs, doc_id, insert("zzz"), insert("x", 100))
    assert paragraphs(docs, doc_id) == [(1, 5, "abc\n")]


def test_drive_permissions_govern_documents(dtu_google: Any, docs: Any) -> None:
    doc_id = new_doc(docs)
    bob = docs_as(dtu_google, dtu_google.bob_email)
    with pytest.raises(HttpError) as caught:
        bob.documents().get(documentId=doc_id).execute()
    assert caught.value.resp.status == 403
    assert error_of(caught.value) == {
        "code": 403,
        "message": "The caller does not have permission",
        "status": "PERMISSION_DENIED",
    }
    share(drive_for(dtu_google, dtu_google.alice_email), doc_id, dtu_google.bob_email, "reader")
    assert bob.documents().get(documentId=doc_id).execute()["documentId"] == doc_id
    with pytest.raises(HttpError) as caught:
        update(bob, doc_id, insert("x"))
    assert caught.value.resp.status == 403
    with pytest.raises(HttpError) as caught:
        bob.documents().get(documentId="1" + "x" * 43).execute()
    assert error_of(caught.value) == {"code": 404, "message": "Requested entity was not found.", "status": "NOT_FOUND"}


def test_readonly_scope_cannot_edit(dtu_google: Any, docs: Any) -> None:
    doc_id = new_doc(docs)
    reader = docs_as(dtu_google, dtu_google.alice_email, [DOCUMENTS_READONLY])
    assert reader.documents().get(documentId=doc_id).execute()["documentId"] == doc_id
    with pytest.raises(HttpError) as caught:
        update(reader, doc_id, insert("x"))
    error = error_of(caught.value)
    assert (error["code"], error["message"]) == (403, "Request had insufficient authentication scopes.")
    assert error["details"][0]["reason"] == "ACCESS_TOKEN_SCOPE_INSUFFICIENT"
    assert error["details"][0]["metadata"]["service"] == "docs.googleapis.com"


def test_bundled_discovery_with_api_endpoint(dtu_google: Any) -> None:
    docs = docs_as(dtu_google, dtu_google.alice_email, endpoint=True)
    doc_id = new_doc(docs, "Endpoint")
    update(docs, doc_id, insert("via endpoint"))
    assert paragraphs(docs, doc_id) == [(1, 14, "via endpoint\n")]


def test_drive_created_document_is_empty_and_editable(dtu_google: Any, docs: Any) -> None:
    drive = drive_for(dtu_google, dtu_google.alice_email)
    made = drive.files().create(body={"name": "From Drive", "mimeType": DOCUMENT}).execute()
    got = docs.documents().get(documentId=made["id"]).execute()
    assert got["title"] == "From Drive"
    update(docs, made["id"], insert("x"))
    assert paragraphs(docs, made["id"]) == [(1, 3, "x\n")]


def test_tabs_content(docs: Any) -> None:
    doc_id = new_doc(docs)
    got = docs.documents().get(documentId=doc_id, includeTabsContent=True).execute()
    assert "body" not in got
    assert got["tabs"][0]["tabProperties"] == {"tabId": "t.0", "title": "Tab 1", "index": 0}
    assert got["tabs"][0]["documentTab"]["body"]["content"][1]["endIndex"] == 2
