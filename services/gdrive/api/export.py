"""Drive v3 files.export: Google Docs as text/plain, text/html or text/markdown; Sheets as CSV/TSV of the
first sheet.

Drive's errors: a file that is not a Docs Editors file is 403 `fileNotExportable`
"Export only supports Docs Editors files."; a format outside the type's exportFormats is
400 `badRequest` "The requested conversion is not supported." at `convertTo`. Formats Drive
offers that the twin does not render (PDF, Office, OpenDocument, EPUB, zip) answer 501.
"""

from __future__ import annotations

import csv
import io

from services.gdrive.api.files import Context
from services.gdrive.call import DriveCall, Reply
from services.gdrive.docs import body, render
from services.gdrive.endpoint import route
from services.gdrive.errors import GoogleError, forbidden, insufficient_scopes, required
from services.gdrive.models import Document, File, Spreadsheet
from services.gdrive.scopes import DRIVE
from services.gdrive.sheets.book import Book
from services.gdrive.workspace import DOCUMENT, SPREADSHEET

# Drive's exportFormats (about.get) for the two types, all of which the API accepts.
EXPORT_FORMATS = {
    DOCUMENT: (
        "application/rtf",
        "application/vnd.oasis.opendocument.text",
        "text/html",
        "application/pdf",
        "text/markdown",
        "application/epub+zip",
        "application/zip",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "text/plain",
    ),
    SPREADSHEET: (
        "application/x-vnd.oasis.opendocument.spreadsheet",
        "text/tab-separated-values",
        "application/pdf",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "text/csv",
        "application/zip",
        "application/vnd.oasis.opendocument.spreadsheet",
    ),
}


def unsupported() -> GoogleError:
    return GoogleError(400, "The requested conversion is not supported.", "badRequest", location="convertTo")


@route("GET", "/drive/v3/files/{fileId}/export", "drive.files.export")
def export(call: DriveCall) -> Reply:
    wanted = call.query.get("mimeType")
    if not wanted:
        raise required("mimeType")
    ctx = Context(call)
    file = ctx.access.find(call.path["fileId"])
    if not call.can_read_content:
        raise insufficient_scopes(DRIVE, call.operation)
    formats = EXPORT_FORMATS.get(file.mime_type)
    if formats is None:
        raise forbidden("Export only supports Docs Editors files.", reason="fileNotExportable")
    if wanted not in formats:
        raise unsupported()
    content = _document(call, file, wanted) if file.mime_type == DOCUMENT else _sheet(call, file, wanted)
    if content is None:
        raise GoogleError(501, f"The DTU twin does not render exports to {wanted}.", "notImplemented")
    return Reply(media=content.encode("utf-8"), media_type=f"{wanted}; charset=utf-8")


def _document(call: DriveCall, file: File, wanted: str) -> str | None:
    stored = call.session.get(Document, (call.tenant.id, file.id))
    units = body.decode(stored.units if stored else None)
    lists = (stored.lists if stored else None) or {}
    if wanted == "text/plain":
        return render.plain_text(units, lists)
    if wanted == "text/html":
        return render.html_document(file.name, units)
    if wanted == "text/markdown":
        return render.plain_text(units, lists).lstrip("\ufeff").replace("\r\n", "\n\n") + "\n"
    return None


def _sheet(call: DriveCall, file: File, wanted: str) -> str | None:
    if wanted not in ("text/csv", "text/tab-separated-values"):
        return None
    stored = call.session.get(Spreadsheet, (call.tenant.id, file.id))
    if stored is None:
        return ""
    workbook = Book(stored, file.name)
    rows, cols = workbook.extent(0)
    out = io.StringIO()
    if wanted == "text/csv":
        writer = csv.writer(out, lineterminator="\r\n")
        for r in range(rows):
            writer.writerow(workbook.rendered(0, r, c, "FORMATTED_VALUE", "SERIAL_NUMBER") for c in range(cols))
        return out.getvalue().removesuffix("\r\n")
    return "\r\n".join(
        "\t".join(str(workbook.rendered(0, r, c, "FORMATTED_VALUE", "SERIAL_NUMBER")) for c in range(cols))
        for r in range(rows)
    )
