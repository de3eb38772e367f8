"""The sharing dialog ("Share 'Q3 plan'"): who has access, with which role; add, change, remove.

Reading is `drive.permissions.list`; the actions are `drive.permissions.create/update/delete`,
so the dialog refuses what the API refuses, with the API's message (an owner cannot be
removed, a role that does not exist, an address outside the domain's rules, ...).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlmodel import select
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from services.gdrive.models import User
from services.gdrive.ui.common import action, back
from services.gdrive.ui.gateway import Gateway
from services.gdrive.ui.items import Item, item

ALL_DRIVES = {"supportsAllDrives": "true"}
# The roles the dialog offers (Drive's names; the labels are the product's).
ROLES = (("reader", "Viewer"), ("commenter", "Commenter"), ("writer", "Editor"))
TYPES = (("user", "Person"), ("group", "Group"), ("domain", "Domain"), ("anyone", "Anyone with the link"))


@dataclass(frozen=True)
class Grantee:
    """One row of "People with access"."""

    id: str
    type: str
    role: str
    email: str
    name: str
    inherited_from: str | None

    @property
    def label(self) -> str:
        if self.type == "anyone":
            return "Anyone with the link"
        if self.type == "domain":
            return f"Anyone at {self.email}"
        return self.name or self.email


@dataclass(frozen=True)
class Dialog:
    file: Item
    grantees: list[Grantee]
    roles: tuple[tuple[str, str], ...] = ROLES
    types: tuple[tuple[str, str], ...] = TYPES


def _names(gateway: Gateway) -> dict[str, str]:
    """The domain's people by email, to show names next to addresses as Drive does."""
    with gateway.runtime.store.session() as session:
        rows = session.exec(select(User).where(User.tenant_id == gateway.tenant.id)).all()
        return {u.email.lower(): u.display_name for u in rows if u.display_name}


def grantee(resource: dict[str, Any], names: dict[str, str]) -> Grantee:
    details = resource.get("permissionDetails") or []
    inherited = next((d.get("inheritedFrom") for d in details if d.get("inherited")), None)
    email = resource.get("emailAddress") or resource.get("domain") or ""
    return Grantee(
        id=resource["id"],
        type=resource.get("type", ""),
        role=resource.get("role", ""),
        email=email,
        name=resource.get("displayName") or names.get(email.lower(), ""),
        inherited_from=inherited,
    )


def dialog(request: Request, gateway: Gateway) -> Dialog | None:
    """The dialog for `?share=<fileId>`, when the page is asked to show it open."""
    file_id = request.query_params.get("share")
    if not file_id:
        return None
    found = gateway.call("drive.files.get", path={"fileId": file_id}, query=ALL_DRIVES)
    listing = gateway.call("drive.permissions.list", path={"fileId": file_id}, query=ALL_DRIVES)
    names = _names(gateway)
    return Dialog(item(found), [grantee(p, names) for p in listing.get("permissions", [])])


async def _form(request: Request) -> dict[str, str]:
    form = await request.form()
    return {k: str(v) for k, v in form.items() if isinstance(v, str)}


def _done(request: Request, form: dict[str, str], file_id: str, notice: str) -> Response:
    return back(request, form.get("next", ""), notice=notice, keep={"share": file_id})


async def add(request: Request, gateway: Gateway) -> Response:
    form = await _form(request)
    file_id = request.path_params["fileId"]
    kind = form.get("type", "user")
    body: dict[str, Any] = {"type": kind, "role": form.get("role", "reader")}
    address = form.get("emailAddress", "").strip()
    if kind in ("user", "group"):
        body["emailAddress"] = address
    elif kind == "domain":
        body["domain"] = address
    # Drive's "Notify people" box, checked by default: permissions.create's sendNotificationEmail.
    notify = "true" if form.get("notify") else "false"
    gateway.call(
        "drive.permissions.create",
        method="POST",
        path={"fileId": file_id},
        query={**ALL_DRIVES, "sendNotificationEmail": notify},
        body=body,
    )
    return _done(request, form, file_id, f"Shared with {address or 'anyone with the link'}.")


async def change(request: Request, gateway: Gateway) -> Response:
    form = await _form(request)
    file_id, permission_id = request.path_params["fileId"], request.path_params["permissionId"]
    role = form.get("role", "")
    query = {**ALL_DRIVES, **({"transferOwnership": "true"} if role == "owner" else {})}
    gateway.call(
        "drive.permissions.update",
        method="PATCH",
        path={"fileId": file_id, "permissionId": permission_id},
        query=query,
        body={"role": role},
    )
    return _done(request, form, file_id, "Access updated.")


async def remove(request: Request, gateway: Gateway) -> Response:
    form = await _form(request)
    file_id, permission_id = request.path_params["fileId"], request.path_params["permissionId"]
    gateway.call(
        "drive.permissions.delete",
        method="DELETE",
        path={"fileId": file_id, "permissionId": permission_id},
        query=ALL_DRIVES,
    )
    return _done(request, form, file_id, "Access removed.")


def routes() -> list[Route]:
    base = "/drive/items/{fileId}/permissions"
    return [
        Route(base, action("share.add", add), methods=["POST"]),
        Route(base + "/{permissionId}", action("share.update", change), methods=["POST"]),
        Route(base + "/{permissionId}/delete", action("share.remove", remove), methods=["POST"]),
    ]
