"""Snapshots per tenant: take (a JSON download) and restore (upload that file back)."""

from __future__ import annotations

import json
import time

from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.responses import Response

from services.inspector.control import ControlError
from services.inspector.render import back, fleet_of, page
from services.inspector.tenants import fleet_tenants

MAX_UPLOAD_BYTES = 256 * 1024 * 1024


async def snapshots_page(request: Request) -> Response:
    statuses, rows = await fleet_tenants(request)
    down = [s for s in statuses if not s.up]
    return page(request, "snapshots.html", "/snapshots", title="Snapshots", rows=rows, down=down)


def snapshot_filename(twin: str, tenant: str, at: float) -> str:
    stamp = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime(at))
    safe = "".join(c if c.isalnum() or c in "-_" else "-" for c in f"{twin}-{tenant}")
    return f"dtu-snapshot-{safe}-{stamp}.json"


async def take(request: Request) -> Response:
    name, tenant = request.path_params["twin"], request.path_params["tenant"]
    try:
        document = await fleet_of(request).get(name).snapshot(tenant)
    except ControlError as exc:
        return back(request, "/snapshots", error=str(exc))
    disposition = f'attachment; filename="{snapshot_filename(name, tenant, time.time())}"'
    return Response(document, media_type="application/json", headers={"Content-Disposition": disposition})


def check_snapshot(raw: bytes) -> str | None:
    """Why an uploaded file cannot be a snapshot, or None (the twin checks the rest)."""
    if not raw.strip():
        return "the file is empty: choose a snapshot file taken here"
    try:
        document = json.loads(raw)
    except json.JSONDecodeError as exc:
        return f"the file is not JSON ({exc.msg} at line {exc.lineno}): choose a snapshot file taken here"
    except UnicodeDecodeError:
        return "the file is not text: choose a snapshot file taken here"
    if not isinstance(document, dict) or document.get("format") != "dtu.snapshot":
        return 'the file is JSON but not a DTU snapshot (no "format": "dtu.snapshot")'
    return None


async def restore(request: Request) -> Response:
    name, tenant = request.path_params["twin"], request.path_params["tenant"]
    anchor = f"snapshot-{name}-{tenant}"
    try:
        # `async with`: the uploaded file's spool is closed once read.
        async with request.form(max_part_size=MAX_UPLOAD_BYTES) as form:
            upload = form.get("snapshot")
            if not isinstance(upload, UploadFile) or not upload.filename:
                return back(request, "/snapshots", error="choose a snapshot file to restore", anchor=anchor)
            filename, raw = upload.filename, await upload.read()
    except Exception as exc:  # a malformed multipart body: python-multipart raises several kinds
        return back(request, "/snapshots", error=f"the upload could not be read: {exc}", anchor=anchor)
    problem = check_snapshot(raw)
    if problem is not None:
        return back(request, "/snapshots", error=f"{name} / {tenant}: {problem}", anchor=anchor)
    try:
        await fleet_of(request).get(name).restore(tenant, raw)
    except ControlError as exc:
        return back(request, "/snapshots", error=str(exc), anchor=anchor)
    return back(request, "/snapshots", notice=f"{name} / {tenant}: restored from {filename}", anchor=anchor)
