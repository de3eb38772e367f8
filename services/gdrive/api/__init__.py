"""Importing this package registers every Google API route."""

from services.gdrive.api import about, changes, docs, drives, export, files, permissions, revisions, sheets, uploads

__all__ = ["about", "changes", "docs", "drives", "export", "files", "permissions", "revisions", "sheets", "uploads"]
