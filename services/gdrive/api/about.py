"""Drive v3 `about.get`: the user, their storage quota, import/export formats and limits.

Drive requires `fields` on every `about` method (no default selection); without it the
request fails with 400 `required` on `fields` ("Return specific fields", Drive guides).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import func
from sqlmodel import col, select

from services.gdrive.call import DriveCall, Reply
from services.gdrive.endpoint import route
from services.gdrive.errors import GoogleError
from services.gdrive.models import File

APPS = "application/vnd.google-apps."
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PPTX = "application/vnd.openxmlformats-officedocument.presentationml.presentation"
QUOTA_LIMIT = 15 * 1024**3  # a Workspace user's pooled default shown per user
MAX_UPLOAD = 5 * 1024**4  # Drive's 5 TB per-file upload limit

IMPORT_FORMATS: dict[str, list[str]] = {
    "text/plain": [APPS + "document"],
    "text/html": [APPS + "document"],
    "application/rtf": [APPS + "document"],
    "application/vnd.oasis.opendocument.text": [APPS + "document"],
    "application/msword": [APPS + "document"],
    DOCX: [APPS + "document"],
    "text/csv": [APPS + "spreadsheet"],
    "text/tab-separated-values": [APPS + "spreadsheet"],
    "application/vnd.ms-excel": [APPS + "spreadsheet"],
    XLSX: [APPS + "spreadsheet"],
    "application/vnd.oasis.opendocument.spreadsheet": [APPS + "spreadsheet"],
    "application/vnd.ms-powerpoint": [APPS + "presentation"],
    PPTX: [APPS + "presentation"],
    "image/jpeg": [APPS + "document"],
    "image/png": [APPS + "document"],
    "application/pdf": [APPS + "document"],
}
EXPORT_FORMATS: dict[str, list[str]] = {
    APPS + "document": [
        DOCX,
        "application/vnd.oasis.opendocument.text",
        "application/rtf",
        "application/pdf",
        "text/plain",
        "application/zip",
        "application/epub+zip",
        "text/markdown",
    ],
    APPS + "spreadsheet": [
        XLSX,
        "application/x-vnd.oasis.opendocument.spreadsheet",
        "application/pdf",
        "text/csv",
        "text/tab-separated-values",
        "application/zip",
    ],
    APPS + "presentation": [PPTX, "application/vnd.oasis.opendocument.presentation", "application/pdf", "text/plain"],
    APPS + "drawing": ["application/pdf", "image/jpeg", "image/png", "image/svg+xml"],
    APPS + "script": ["application/vnd.google-apps.script+json"],
    APPS + "jam": ["application/pdf"],
    APPS + "form": ["application/zip"],
}
THEMES = [
    {
        "id": "abacus",
        "backgroundImageLink": "https://ssl.gstatic.com/team_drive_themes/abacus_background.jpg",
        "colorRgb": "#2f9a50",
    },
    {
        "id": "bok_choy",
        "backgroundImageLink": "https://ssl.gstatic.com/team_drive_themes/bok_choy_background.jpg",
        "colorRgb": "#4986e7",
    },
]
FOLDER_COLORS = ["#ac725e", "#d06b64", "#f83a22", "#fa573c", "#ff7537", "#ffad46", "#42d692", "#16a765", "#8f8f8f"]


@route("GET", "/drive/v3/about", "drive.about.get")
def get(call: DriveCall) -> Reply:
    if not call.fields_given:
        raise GoogleError(400, "The 'fields' parameter is required for this method.", "required", location="fields")
    user = call.user
    tenant_id = call.tenant.id
    # Content bytes owned by the user, summed in SQL (blob files only; Google files use no quota).
    usage, trash = 0, 0
    for trashed, total in call.session.exec(
        select(File.trashed, func.sum(col(File.size)))
        .where(File.tenant_id == tenant_id, File.owner_id == user.id)
        .group_by(col(File.trashed))
    ).all():
        if trashed:
            trash = int(total or 0)
        usage += int(total or 0)
    body: dict[str, Any] = {
        "kind": "drive#about",
        "user": {
            "kind": "drive#user",
            "displayName": user.display_name,
            "me": True,
            "permissionId": user.permission_id,
            "emailAddress": user.email,
        },
        "storageQuota": {
            "limit": str(QUOTA_LIMIT),
            "usage": str(usage),
            "usageInDrive": str(usage),
            "usageInDriveTrash": str(trash),
        },
        "importFormats": IMPORT_FORMATS,
        "exportFormats": EXPORT_FORMATS,
        "maxImportSizes": {APPS + "document": "10485760", APPS + "spreadsheet": "104857600"},
        "maxUploadSize": str(MAX_UPLOAD),
        "appInstalled": False,
        "folderColorPalette": FOLDER_COLORS,
        "driveThemes": THEMES,
        "canCreateDrives": user.kind == "user",
        "canCreateTeamDrives": user.kind == "user",
        "teamDriveThemes": THEMES,
    }
    return Reply(body)
