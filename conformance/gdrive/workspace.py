"""Docs v1 and Sheets v4 clients for the conformance tests, built as users build them.

Two ways are exercised: discovery served by the twin (`discoveryServiceUrl`), and the
bundled discovery document with `client_options={"api_endpoint": url}` (Docs and Sheets
have an empty service path, so the endpoint is the twin's root URL).
"""

from __future__ import annotations

from typing import Any

from googleapiclient.discovery import build

from conformance.gdrive.conftest import _OPEN, DRIVE, sa_credentials

AUTH = "https://www.googleapis.com/auth/"
DOCUMENTS = AUTH + "documents"
DOCUMENTS_READONLY = AUTH + "documents.readonly"
SPREADSHEETS = AUTH + "spreadsheets"
SPREADSHEETS_READONLY = AUTH + "spreadsheets.readonly"
DOCUMENT = "application/vnd.google-apps.document"
SPREADSHEET = "application/vnd.google-apps.spreadsheet"


def service(
    dtu_google: Any, api: str, version: str, email: str | None, scopes: list[str], *, endpoint: bool = False
) -> Any:
    credentials = sa_credentials(dtu_google, email, scopes)
    if endpoint:
        built = build(api, version, credentials=credentials, client_options={"api_endpoint": dtu_google.url + "/"})
    else:
        built = build(
            api,
            version,
            credentials=credentials,
            discoveryServiceUrl=dtu_google.discovery_url,
            static_discovery=False,
            cache_discovery=False,
        )
    _OPEN.append(built)
    return built


def docs_as(dtu_google: Any, email: str | None, scopes: list[str] | None = None, *, endpoint: bool = False) -> Any:
    return service(dtu_google, "docs", "v1", email, scopes or [DOCUMENTS], endpoint=endpoint)


def sheets_as(dtu_google: Any, email: str | None, scopes: list[str] | None = None, *, endpoint: bool = False) -> Any:
    return service(dtu_google, "sheets", "v4", email, scopes or [SPREADSHEETS], endpoint=endpoint)


def drive_for(dtu_google: Any, email: str | None) -> Any:
    return service(dtu_google, "drive", "v3", email, [DRIVE])


def share(drive: Any, file_id: str, email: str, role: str) -> None:
    drive.permissions().create(
        fileId=file_id, body={"type": "user", "role": role, "emailAddress": email}, sendNotificationEmail=False
    ).execute()
