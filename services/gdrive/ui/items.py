"""How a Drive item shows in the UI: its icon (by mimeType) and where opening it goes."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

FOLDER = "application/vnd.google-apps.folder"
DOCUMENT = "application/vnd.google-apps.document"
SPREADSHEET = "application/vnd.google-apps.spreadsheet"

# (icon text, colour, label) by mimeType, then by its major type: plain glyphs, no icon font.
ICONS: dict[str, tuple[str, str, str]] = {
    FOLDER: ("▰", "#5f6368", "Folder"),
    DOCUMENT: ("≡", "#4285f4", "Google Docs"),
    SPREADSHEET: ("▦", "#0f9d58", "Google Sheets"),
    "application/vnd.google-apps.presentation": ("▭", "#f4b400", "Google Slides"),
    "application/vnd.google-apps.form": ("☰", "#7248b9", "Google Forms"),
    "application/pdf": ("PDF", "#db4437", "PDF"),
    "application/json": ("{}", "#5f6368", "JSON"),
    "text/csv": ("CSV", "#0f9d58", "CSV"),
}
BY_MAJOR = {
    "image": ("▣", "#db4437", "Image"),
    "video": ("▶", "#db4437", "Video"),
    "audio": ("♪", "#db4437", "Audio"),
    "text": ("¶", "#5f6368", "Text"),
}
OTHER = ("◆", "#5f6368", "File")


@dataclass(frozen=True)
class Item:
    """One row of a Drive list, from a `drive#file` resource."""

    id: str
    name: str
    mime_type: str
    owner: str  # "me", a person's name, or the shared drive for its items
    modified: str
    size: str | None
    trashed: bool
    can_share: bool
    can_trash: bool
    can_untrash: bool
    resource: dict[str, Any]

    @property
    def icon(self) -> tuple[str, str, str]:
        return ICONS.get(self.mime_type) or BY_MAJOR.get(self.mime_type.split("/", 1)[0], OTHER)

    @property
    def is_folder(self) -> bool:
        return self.mime_type == FOLDER

    @property
    def href(self) -> str:
        """Where Drive opens it: a folder's list, the Docs or Sheets editor, else the file's page."""
        if self.mime_type == FOLDER:
            return f"/drive/folders/{self.id}"
        if self.mime_type == DOCUMENT:
            return f"/document/d/{self.id}/edit"
        if self.mime_type == SPREADSHEET:
            return f"/spreadsheets/d/{self.id}/edit"
        return f"/file/d/{self.id}/view"


def item(resource: dict[str, Any]) -> Item:
    owners = resource.get("owners") or []
    if owners:
        owner = "me" if owners[0].get("me") else owners[0].get("displayName") or owners[0].get("emailAddress", "")
    else:
        owner = "Shared drive" if resource.get("driveId") else ""
    capabilities = resource.get("capabilities") or {}
    return Item(
        id=resource["id"],
        name=resource.get("name", ""),
        mime_type=resource.get("mimeType", ""),
        owner=owner,
        modified=resource.get("modifiedTime", ""),
        size=resource.get("size"),
        trashed=bool(resource.get("trashed")),
        can_share=bool(capabilities.get("canShare")),
        can_trash=bool(capabilities.get("canTrash")),
        can_untrash=bool(capabilities.get("canUntrash")),
        resource=resource,
    )
