"""The Drive browser: My Drive, folders, Shared with me, Shared drives, Trash, a file's page.

Every list is a `drive.files.list` as the signed-in person (so an item not shared with
them never shows), and trashing/restoring is `drive.files.update {trashed}`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from services.core.ui.session import ui_request
from services.gdrive.ui import sharing
from services.gdrive.ui.common import action, back, page, render
from services.gdrive.ui.gateway import Gateway
from services.gdrive.ui.items import FOLDER, Item, item

ALL_DRIVES = {"supportsAllDrives": "true"}
PAGE_SIZE = 100  # rows per page; "Next" follows files.list's nextPageToken
LISTING = {**ALL_DRIVES, "includeItemsFromAllDrives": "true", "corpora": "allDrives", "pageSize": str(PAGE_SIZE)}
ORDER = "folder,name_natural"
MAX_DEPTH = 30  # breadcrumbs stop climbing here


@dataclass(frozen=True)
class Listing:
    """One page of a Drive list: its items, and the address of the next page (files.list's pageToken)."""

    items: list[Item]
    next_page: str = ""  # "" on the last page
    paged: bool = False  # this is not the first page


def _listing(request: Request, gateway: Gateway, q: str, order_by: str = ORDER) -> Listing:
    query = {**LISTING, "q": q, "orderBy": order_by}
    token = request.query_params.get("pageToken", "")
    if token:
        query["pageToken"] = token  # a bad or stale token is files.list's 400, shown as its error page
    found = gateway.call("drive.files.list", query=query)
    following = found.get("nextPageToken", "")
    next_page = f"{request.url.path}?{urlencode({'pageToken': following})}" if following else ""
    return Listing([item(f) for f in found.get("files", [])], next_page, bool(token))


def _shared_drives(gateway: Gateway) -> list[dict[str, Any]]:
    drives: list[dict[str, Any]] = gateway.call("drive.drives.list", query={"pageSize": "100"}).get("drives", [])
    return drives


def _show(
    request: Request, gateway: Gateway, *, section: str, heading: str, listing: Listing, **extra: Any
) -> Response:
    context = {
        "title": heading,
        "section": section,
        "heading": heading,
        "items": listing.items,
        "next_page": listing.next_page,
        "paged": listing.paged,
        "drives": _shared_drives(gateway),
        "crumbs": extra.pop("crumbs", []),
        "share": sharing.dialog(request, gateway),
        "empty": extra.pop("empty", "No files here yet."),
        **extra,
    }
    return render(request, gateway, "drive.html", context)


async def my_drive(request: Request, gateway: Gateway) -> Response:
    q = f"'{gateway.me.root_folder_id}' in parents and trashed = false"
    return _show(request, gateway, section="my-drive", heading="My Drive", listing=_listing(request, gateway, q))


async def shared_with_me(request: Request, gateway: Gateway) -> Response:
    found = _listing(request, gateway, "sharedWithMe = true and trashed = false", "sharedWithMeTime desc")
    return _show(
        request, gateway, section="shared", heading="Shared with me", listing=found, empty="Nothing is shared with you."
    )


async def shared_drives(request: Request, gateway: Gateway) -> Response:
    return _show(request, gateway, section="drives", heading="Shared drives", listing=Listing([]), drive_tiles=True)


async def trash(request: Request, gateway: Gateway) -> Response:
    # Drive's Trash lists what was trashed itself, not the contents of a trashed folder.
    found = _listing(request, gateway, "trashed = true", "modifiedTime desc")
    shown = Listing([i for i in found.items if i.resource.get("explicitlyTrashed")], found.next_page, found.paged)
    return _show(
        request,
        gateway,
        section="trash",
        heading="Trash",
        listing=shown,
        empty="Trash is empty.",
        trash_view=True,
    )


def _crumbs(gateway: Gateway, folder: dict[str, Any]) -> tuple[str, list[tuple[str, str]]]:
    """The section a folder is in (my-drive, drives, shared) and the path to it: (name, href) pairs."""
    chain: list[tuple[str, str]] = []
    current = folder
    for _ in range(MAX_DEPTH):
        parents = current.get("parents") or []
        if not parents:
            break
        current = gateway.call("drive.files.get", path={"fileId": parents[0]}, query=ALL_DRIVES)
        if current["id"] == gateway.me.root_folder_id:
            return "my-drive", [("My Drive", "/drive/my-drive"), *chain]
        chain.insert(0, (current.get("name", ""), f"/drive/folders/{current['id']}"))
    drive_id = folder.get("driveId")
    if drive_id:
        return "drives", [("Shared drives", "/drive/shared-drives"), *chain]
    if folder["id"] == gateway.me.root_folder_id:
        return "my-drive", []
    return "shared", [("Shared with me", "/drive/shared-with-me"), *chain]


async def folder(request: Request, gateway: Gateway) -> Response:
    folder_id = request.path_params["folderId"]
    if folder_id in ("root", gateway.me.root_folder_id):
        return RedirectResponse("/drive/my-drive", status_code=303)
    found = gateway.call("drive.files.get", path={"fileId": folder_id}, query=ALL_DRIVES)
    if found.get("mimeType") != FOLDER:
        return RedirectResponse(item(found).href, status_code=303)
    section, crumbs = _crumbs(gateway, found)
    q = f"'{folder_id}' in parents and trashed = false"
    return _show(
        request,
        gateway,
        section=section,
        heading=found.get("name", ""),
        listing=_listing(request, gateway, q),
        crumbs=crumbs,
        folder=item(found),
        empty="Drop files here (through the API): this folder is empty.",
    )


async def file_page(request: Request, gateway: Gateway) -> Response:
    found = gateway.call("drive.files.get", path={"fileId": request.path_params["fileId"]}, query=ALL_DRIVES)
    shown = item(found)
    if shown.is_folder:
        return RedirectResponse(shown.href, status_code=303)
    section, crumbs = _crumbs(gateway, found)
    context = {
        "title": shown.name,
        "section": section,
        "file": shown,
        "crumbs": crumbs,
        "drives": _shared_drives(gateway),
        "share": sharing.dialog(request, gateway),
    }
    return render(request, gateway, "file.html", context)


async def _set_trashed(request: Request, gateway: Gateway, trashed: bool) -> Response:
    form = await request.form()
    file_id = request.path_params["fileId"]
    updated = gateway.call(
        "drive.files.update", method="PATCH", path={"fileId": file_id}, query=ALL_DRIVES, body={"trashed": trashed}
    )
    verb = "moved to trash" if trashed else "restored"
    return back(request, str(form.get("next") or ""), notice=f"“{updated.get('name', '')}” {verb}.")


async def trash_item(request: Request, gateway: Gateway) -> Response:
    return await _set_trashed(request, gateway, True)


async def restore_item(request: Request, gateway: Gateway) -> Response:
    return await _set_trashed(request, gateway, False)


async def drive_home(request: Request) -> Response:
    ui_request(request)
    return RedirectResponse("/drive/my-drive", status_code=303)


def routes() -> list[Route]:
    return [
        Route("/drive", drive_home, methods=["GET"]),
        Route("/drive/my-drive", page(my_drive), methods=["GET"]),
        Route("/drive/shared-with-me", page(shared_with_me), methods=["GET"]),
        Route("/drive/shared-drives", page(shared_drives), methods=["GET"]),
        Route("/drive/trash", page(trash), methods=["GET"]),
        Route("/drive/folders/{folderId}", page(folder), methods=["GET"]),
        Route("/file/d/{fileId}/view", page(file_page), methods=["GET"]),
        Route("/drive/items/{fileId}/trash", action("drive.trash", trash_item), methods=["POST"]),
        Route("/drive/items/{fileId}/restore", action("drive.restore", restore_item), methods=["POST"]),
    ]
