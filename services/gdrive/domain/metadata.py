"""Writing an item's metadata from a request body (files.create, files.update, files.copy)."""

from __future__ import annotations

from typing import Any

from services.gdrive import timefmt
from services.gdrive.errors import GoogleError, invalid_value
from services.gdrive.models import File

STRINGS = ("name", "mimeType", "description", "originalFilename")
BOOLEANS = ("starred", "writersCanShare", "copyRequiresWriterPermission", "trashed")
MAPS = ("properties", "appProperties")


def check(metadata: dict[str, Any]) -> None:
    """Types of the fields the twin writes; Google refuses a value of the wrong JSON type."""
    for key in STRINGS:
        if key in metadata and metadata[key] is not None and not isinstance(metadata[key], str):
            raise invalid_value(key)
    for key in BOOLEANS:
        if key in metadata and metadata[key] is not None and not isinstance(metadata[key], bool):
            raise invalid_value(key)
    for key in MAPS:
        value = metadata.get(key)
        if value is not None and (
            not isinstance(value, dict) or not all(isinstance(v, str) or v is None for v in value.values())
        ):
            raise invalid_value(key)
    parents = metadata.get("parents")
    if parents is not None and (not isinstance(parents, list) or not all(isinstance(p, str) for p in parents)):
        raise invalid_value("parents")
    for key in ("modifiedTime", "createdTime"):
        if metadata.get(key) is not None:
            try:
                timefmt.parse(str(metadata[key]))
            except ValueError:
                raise invalid_value(key) from None
    name = metadata.get("name")
    if isinstance(name, str) and len(name.encode()) > 32767:
        raise GoogleError(400, "The name is too long.", "invalid", location="name")


def merge_map(current: dict[str, str] | None, changes: dict[str, Any]) -> dict[str, str]:
    """Drive merges property maps; a null value removes the key."""
    merged = dict(current or {})
    for key, value in changes.items():
        if value is None:
            merged.pop(key, None)
        else:
            merged[key] = value
    return merged


def apply(file: File, metadata: dict[str, Any]) -> bool:
    """Write the plain fields; returns whether anything changed."""
    before = (
        file.name,
        file.mime_type,
        file.description,
        file.starred,
        file.properties,
        file.app_properties,
        file.writers_can_share,
        file.copy_requires_writer_permission,
        file.original_filename,
    )
    if metadata.get("name") is not None:
        file.name = metadata["name"]
    if metadata.get("mimeType"):
        file.mime_type = metadata["mimeType"]
    if "description" in metadata:
        file.description = metadata["description"] or ""
    if metadata.get("starred") is not None:
        file.starred = metadata["starred"]
    if metadata.get("originalFilename") is not None:
        file.original_filename = metadata["originalFilename"]
    if metadata.get("properties") is not None:
        file.properties = merge_map(file.properties, metadata["properties"])
    if metadata.get("appProperties") is not None:
        file.app_properties = merge_map(file.app_properties, metadata["appProperties"])
    if metadata.get("writersCanShare") is not None:
        file.writers_can_share = metadata["writersCanShare"]
    if metadata.get("copyRequiresWriterPermission") is not None:
        file.copy_requires_writer_permission = metadata["copyRequiresWriterPermission"]
    after = (
        file.name,
        file.mime_type,
        file.description,
        file.starred,
        file.properties,
        file.app_properties,
        file.writers_can_share,
        file.copy_requires_writer_permission,
        file.original_filename,
    )
    return before != after
