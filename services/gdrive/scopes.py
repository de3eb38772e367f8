"""OAuth scopes: which exist, and what a set of granted scopes allows in Drive.

A method's accepted scopes come from its discovery document (any one of them is enough,
as at Google). Drive narrows some further: `drive.metadata*` read metadata but not
content, and `drive.file` reaches only the items the same OAuth client created or opened.
"""

from __future__ import annotations

AUTH = "https://www.googleapis.com/auth/"
DRIVE = AUTH + "drive"
DRIVE_READONLY = AUTH + "drive.readonly"
DRIVE_FILE = AUTH + "drive.file"
DRIVE_APPDATA = AUTH + "drive.appdata"
DRIVE_METADATA = AUTH + "drive.metadata"
DRIVE_METADATA_READONLY = AUTH + "drive.metadata.readonly"
DOCUMENTS = AUTH + "documents"
DOCUMENTS_READONLY = AUTH + "documents.readonly"
SPREADSHEETS = AUTH + "spreadsheets"
SPREADSHEETS_READONLY = AUTH + "spreadsheets.readonly"

KNOWN = frozenset(
    {
        DRIVE,
        DRIVE_READONLY,
        DRIVE_FILE,
        DRIVE_APPDATA,
        DRIVE_METADATA,
        DRIVE_METADATA_READONLY,
        AUTH + "drive.apps.readonly",
        AUTH + "drive.photos.readonly",
        AUTH + "drive.scripts",
        AUTH + "drive.meet.readonly",
        AUTH + "documents",
        AUTH + "documents.readonly",
        AUTH + "spreadsheets",
        AUTH + "spreadsheets.readonly",
        AUTH + "admin.directory.user",
        AUTH + "admin.directory.user.readonly",
        AUTH + "admin.directory.group",
        AUTH + "admin.directory.group.readonly",
        AUTH + "userinfo.email",
        AUTH + "userinfo.profile",
        AUTH + "cloud-platform",
        "openid",
        "email",
        "profile",
    }
)

# Scopes that reach every item the user can reach (as opposed to drive.file's app-created items).
FULL_ACCESS = frozenset(
    {DRIVE, DRIVE_READONLY, DRIVE_METADATA, DRIVE_METADATA_READONLY, AUTH + "drive.photos.readonly"}
)
# Scopes that may read content (alt=media), not metadata only.
CONTENT_READ = frozenset({DRIVE, DRIVE_READONLY, DRIVE_FILE, DRIVE_APPDATA, AUTH + "drive.photos.readonly"})


def normalise(scope: str) -> str:
    """Google accepts the short forms `email`, `profile` and `openid` as they are."""
    return scope.strip()


def split(text: str) -> list[str]:
    return [normalise(s) for s in text.replace(",", " ").split() if s.strip()]


def app_only(granted: frozenset[str]) -> bool:
    """True when the token reaches only its own client's items (drive.file, no broader Drive scope)."""
    return granted.isdisjoint(FULL_ACCESS)
