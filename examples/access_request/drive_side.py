"""Google Drive through googleapiclient: share a folder with the requester, and take it back.

The service account acts as the folder's owner through domain-wide delegation (a Workspace
admin cannot manage other people's My Drive files otherwise).
"""

from __future__ import annotations

import json
import logging
import threading
from typing import Any

import httplib2
from google.auth.exceptions import TransportError
from google.oauth2 import service_account
from googleapiclient.discovery import build
from googleapiclient.errors import HttpError

from examples.access_request import retry
from examples.access_request.config import Resource, Settings

log = logging.getLogger("access_request.drive")

SCOPES = ["https://www.googleapis.com/auth/drive"]
FOLDER = "application/vnd.google-apps.folder"
# googleapiclient retries 5xx, 429, rate-limit 403s and connection errors itself, with
# exponential backoff (random() * 2^n seconds).
NUM_RETRIES = 4


class NotFound(Exception):
    pass


# Google's rate limits may come as 403 with these reasons (googleapiclient's own retry knows them too).
RATE_LIMIT_REASONS = frozenset({"rateLimitExceeded", "userRateLimitExceeded"})


def _rate_limited(exc: HttpError) -> bool:
    try:
        errors = json.loads(exc.content.decode("utf-8"))["error"]["errors"]
    except (ValueError, KeyError, TypeError, AttributeError):
        return False
    return isinstance(errors, list) and any(
        isinstance(e, dict) and e.get("reason") in RATE_LIMIT_REASONS for e in errors
    )


def classify(exc: BaseException) -> retry.Transient | None:
    # After googleapiclient's own retries: one more round only for the token endpoint's failures, and
    # for calls made with num_retries=0 (a create looked up before each try) every transient answer.
    if isinstance(exc, HttpError):
        status = exc.resp.status if exc.resp is not None else 0
        if status in retry.TRANSIENT_STATUSES or (status == 403 and _rate_limited(exc)):
            return retry.Transient(retry.retry_after_of(exc.resp))
        return None
    if isinstance(exc, TransportError | ConnectionError | TimeoutError | httplib2.HttpLib2Error):
        return retry.Transient()
    return None


class Drive:
    """One Drive service per delegated subject, built from the twin's discovery document."""

    def __init__(self, settings: Settings) -> None:
        self._settings = settings
        self._services: dict[str, Any] = {}
        self._lock = threading.Lock()

    def as_user(self, subject: str) -> Any:
        with self._lock:
            if subject not in self._services:
                creds = service_account.Credentials.from_service_account_info(
                    self._settings.google_service_account, scopes=SCOPES
                ).with_subject(subject)
                self._services[subject] = retry.call(
                    lambda: build(
                        "drive",
                        "v3",
                        credentials=creds,
                        discoveryServiceUrl=self._settings.google_discovery_url,
                        static_discovery=False,
                        cache_discovery=False,
                        num_retries=NUM_RETRIES,
                    ),
                    classify,
                    "build drive",
                )
            return self._services[subject]

    def close(self) -> None:
        with self._lock:
            for service in self._services.values():
                service.close()
            self._services.clear()

    def owner(self, resource: Resource) -> str:
        return resource.drive_owner or self._settings.google_admin_email

    def folder_id(self, resource: Resource) -> str:
        """The folder by name (as its owner sees it), else the value taken as a file id."""
        assert resource.drive_folder is not None
        drive = self.as_user(self.owner(resource))
        name = resource.drive_folder.replace("\\", "\\\\").replace("'", "\\'")
        query = f"name = '{name}' and mimeType = '{FOLDER}' and trashed = false"
        found = _run(drive.files().list(q=query, fields="files(id,name)", pageSize=10), f"find folder {name}")
        if found.get("files"):
            return str(found["files"][0]["id"])
        try:
            got = _run(drive.files().get(fileId=resource.drive_folder, fields="id,mimeType"), "get folder")
        except HttpError as exc:
            if exc.resp.status == 404:
                raise NotFound(f"no Drive folder {resource.drive_folder!r} for {self.owner(resource)}") from exc
            raise
        return str(got["id"])

    def permissions_of(self, resource: Resource, folder: str, email: str) -> list[dict[str, Any]]:
        drive = self.as_user(self.owner(resource))
        listed = _run(
            drive.permissions().list(fileId=folder, fields="permissions(id,type,role,emailAddress)"),
            "list permissions",
        )
        return [
            p
            for p in listed.get("permissions", [])
            if p.get("type") == "user" and str(p.get("emailAddress", "")).lower() == email.lower()
        ]

    def share(self, resource: Resource, email: str) -> str:
        """Share the folder with the user (once: an existing permission of theirs is kept)."""
        folder = self.folder_id(resource)
        drive = self.as_user(self.owner(resource))

        def once() -> str:
            # Looked up before every try, so a create that succeeded but whose answer was lost is not repeated.
            existing = self.permissions_of(resource, folder, email)
            if existing:
                return str(existing[0]["id"])
            created = drive.permissions().create(
                fileId=folder,
                body={"type": "user", "role": resource.drive_role, "emailAddress": email},
                sendNotificationEmail=False,
                fields="id",
            )
            return str(created.execute(num_retries=0)["id"])

        return retry.call(once, classify, "share folder")

    def unshare(self, resource: Resource, email: str) -> int:
        """Remove the user's permissions on the folder; returns how many were removed."""
        folder = self.folder_id(resource)
        drive = self.as_user(self.owner(resource))
        removed = 0
        for permission in self.permissions_of(resource, folder, email):
            try:
                _run(drive.permissions().delete(fileId=folder, permissionId=permission["id"]), "delete permission")
                removed += 1
            except HttpError as exc:
                if exc.resp.status != 404:  # gone already: the goal holds
                    raise
        return removed


def _run(request: Any, what: str) -> Any:
    return retry.call(lambda: request.execute(num_retries=NUM_RETRIES), classify, what)
