"""Google Docs API v1: documents.create, documents.get, documents.batchUpdate (with writeControl).

A document is a Drive item (`application/vnd.google-apps.document`, same id) whose
content lives in `Document`; Drive permissions decide who reads (reader+) and who edits
(writer+). A Drive item of that type without content yet (made through Drive's
files.create) is an empty document.
"""

from __future__ import annotations

from typing import Any

from services.gdrive import ids, payload
from services.gdrive.call import DriveCall
from services.gdrive.docs import body, edits, render
from services.gdrive.models import Document, File
from services.gdrive.workspace import DOCUMENT, create_file, invalid_argument, open_file, route, touch

DEFAULT_TITLE = "Untitled document"
RECENT_REVISIONS = 50  # revision ids that remain usable as targetRevisionId


def _revision_id(call: DriveCall) -> str:
    return "AL" + call.tenant.ids.draw(58, ids.URL_SAFE)


def _content(call: DriveCall, file: File) -> Document:
    found = call.session.get(Document, (call.tenant.id, file.id))
    if found is None:
        revision = _revision_id(call)
        found = Document(
            tenant_id=call.tenant.id,
            id=file.id,
            units=body.encode(body.empty()),
            lists={},
            revision=1,
            revision_id=revision,
            recent_revisions=[revision],
        )
        call.session.add(found)
    return found


def _render(call: DriveCall, file: File, doc: Document) -> dict[str, Any]:
    tabs = call.flag("includeTabsContent")
    return render.document(file.id, file.name, body.decode(doc.units), doc.lists or {}, doc.revision_id, tabs=tabs)


@route("POST", "/v1/documents", "docs.documents.create")
def create(call: DriveCall) -> dict[str, Any]:
    given = payload.read(call)
    # payload.read has refused a title that is not a string ('document.title' (TYPE_STRING)).
    file = create_file(call, "docs", given.get("title") or DEFAULT_TITLE, DOCUMENT)
    return _render(call, file, _content(call, file))


@route("GET", "/v1/documents/{documentId}", "docs.documents.get")
def get(call: DriveCall) -> dict[str, Any]:
    file, _ = open_file(call, "docs", call.path["documentId"], DOCUMENT, write=False)
    return _render(call, file, _content(call, file))


@route("POST", "/v1/documents/{documentId}:batchUpdate", "docs.documents.batchUpdate")
def batch_update(call: DriveCall) -> dict[str, Any]:
    given = payload.read(call)
    file, _ = open_file(call, "docs", call.path["documentId"], DOCUMENT, write=True)
    doc = _content(call, file)
    _write_control(doc, given.get("writeControl") or {})
    batch = edits.Batch(
        units=body.decode(doc.units),
        lists=dict(doc.lists or {}),
        new_list_id=lambda: "kix." + call.tenant.ids.draw(12, ids.ALNUM).lower(),
    )
    edits.apply(batch, given.get("requests") or [])
    encoded = body.encode(batch.units)
    if encoded != doc.units or batch.lists != doc.lists:
        doc.units = encoded
        doc.lists = batch.lists
        doc.revision += 1
        doc.revision_id = _revision_id(call)
        doc.recent_revisions = [*(doc.recent_revisions or []), doc.revision_id][-RECENT_REVISIONS:]
        call.session.add(doc)
        touch(call, file)
    return {
        "replies": batch.replies,
        "writeControl": {"requiredRevisionId": doc.revision_id},
        "documentId": file.id,
    }


def _write_control(doc: Document, control: dict[str, Any]) -> None:
    """requiredRevisionId must be the latest revision; targetRevisionId a recent one of this document.

    The twin applies a batch aimed at an older target revision to the latest content as it is
    (Docs would first transform it against the collaborators' changes since that revision).
    """
    required, target = control.get("requiredRevisionId"), control.get("targetRevisionId")
    if required and target:
        raise invalid_argument("Only one of requiredRevisionId and targetRevisionId may be set.")
    if required and required != doc.revision_id:
        raise invalid_argument(
            f"The document revision {required} does not match the required revision, "
            "the document has been modified since it was read."
        )
    if target and target not in (doc.recent_revisions or []):
        raise invalid_argument(f"The target revision ID {target} is invalid or too old.")
