"""Importing this package registers every Google API route."""

from services.gdrive.api import files, permissions, uploads

__all__ = ["files", "permissions", "uploads"]
