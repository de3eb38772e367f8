"""Docs and Sheets, read-only: a document as text (`/document/d/{id}/edit`), a spreadsheet as a grid
(`/spreadsheets/d/{id}/edit`), read through `docs.documents.get` and `sheets.spreadsheets.values.get`."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from services.gdrive.ui import sharing
from services.gdrive.ui.common import page, render
from services.gdrive.ui.docview import document_blocks
from services.gdrive.ui.gateway import Gateway
from services.gdrive.ui.grid import grid, quoted
from services.gdrive.ui.items import item

ALL_DRIVES = {"supportsAllDrives": "true"}


async def document(request: Request, gateway: Gateway) -> Response:
    document_id = request.path_params["documentId"]
    body = gateway.call("docs.documents.get", path={"documentId": document_id}, whole=False)
    file = gateway.call("drive.files.get", path={"fileId": document_id}, query=ALL_DRIVES)
    context = {
        "title": body.get("title", ""),
        "file": item(file),
        "blocks": document_blocks(body),
        "revision": body.get("revisionId", ""),
        "share": sharing.dialog(request, gateway),
    }
    return render(request, gateway, "document.html", context)


async def spreadsheet(request: Request, gateway: Gateway) -> Response:
    spreadsheet_id = request.path_params["spreadsheetId"]
    book = gateway.call("sheets.spreadsheets.get", path={"spreadsheetId": spreadsheet_id}, whole=False)
    file = gateway.call("drive.files.get", path={"fileId": spreadsheet_id}, query=ALL_DRIVES)
    tabs = [s["properties"] for s in book.get("sheets", [])]
    wanted = request.query_params.get("gid", "")
    chosen = next((t for t in tabs if str(t.get("sheetId")) == wanted), tabs[0] if tabs else None)
    shown = None
    if chosen is not None:
        ranged = {"spreadsheetId": spreadsheet_id, "range": quoted(chosen["title"])}
        values = gateway.call("sheets.spreadsheets.values.get", path=ranged, whole=False)
        formulas = gateway.call(
            "sheets.spreadsheets.values.get", path=ranged, query={"valueRenderOption": "FORMULA"}, whole=False
        )
        size = chosen.get("gridProperties") or {}
        shown = grid(
            values.get("values", []),
            formulas.get("values", []),
            int(size.get("rowCount", 0)),
            int(size.get("columnCount", 0)),
        )
    context = {
        "title": book.get("properties", {}).get("title", ""),
        "file": item(file),
        "tabs": tabs,
        "chosen": chosen,
        "grid": shown,
        "share": sharing.dialog(request, gateway),
    }
    return render(request, gateway, "spreadsheet.html", context)


def routes() -> list[Route]:
    return [
        Route("/document/d/{documentId}/edit", page(document), methods=["GET"]),
        Route("/spreadsheets/d/{spreadsheetId}/edit", page(spreadsheet), methods=["GET"]),
    ]
