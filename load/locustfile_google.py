"""Google load: a domain admin's automation working in Drive and Sheets, in googleapiclient's HTTP shapes.

Each load user first does what google-auth does for a service account with domain-wide
delegation: the JWT-bearer grant (RFC 7523) at the credentials' token URI, as the Workspace
admin. google-api-python-client then sends `authorization: Bearer`, `accept: application/json`,
`accept-encoding: gzip, deflate`, `user-agent: (gzip)` and an `x-goog-api-client` header, adds
`alt=json` to every query string (form-encoded, `+` for spaces) and percent-encodes A1 ranges
in the path (`Sheet1%21A1%3AC2`, `Sheet1%21A1:append`). Drive is served at /drive/v3, Sheets at
/v4/spreadsheets, both on the twin's one root URL.

    locust -f load/locustfile_google.py --headless -u 10 -r 5 -t 30s [--host http://127.0.0.1:4104]
"""

from __future__ import annotations

import json
import random
import secrets
import time
import urllib.parse
from typing import Any

from locust import FastHttpUser, between, task

from load import bounds, report
from load.common import GOOGLE, PYTHON, call, credentials, package_version, think_max

report.install()
bounds.install()

SCOPES = ["https://www.googleapis.com/auth/drive", "https://www.googleapis.com/auth/spreadsheets"]
API_CLIENT = f"gdcl/{package_version('google-api-python-client', '2.202.0')} gl-python/{PYTHON} cred-type/sa"
DOCUMENT = "application/vnd.google-apps.document"
FOLDER = "application/vnd.google-apps.folder"
KEEP_FILES = 50


def query(**params: Any) -> str:
    return urllib.parse.urlencode({**params, "alt": "json"})


def a1(range_: str) -> str:
    return urllib.parse.quote(range_, safe="")


class GoogleUser(FastHttpUser):
    """Reports automation: lists and reads most, files new documents, reads and writes a sheet."""

    twin = GOOGLE.name
    host = GOOGLE.host()
    wait_time = between(0, think_max())
    weight = 2

    def on_start(self) -> None:
        # google-auth is imported here, not at the top: its `requests` must come after Locust's gevent patching.
        from google.oauth2 import service_account

        creds = credentials(GOOGLE, self.host)
        info = {**creds["service_account"], "token_uri": creds["token_uri"]}
        self.credentials = service_account.Credentials.from_service_account_info(
            info, scopes=SCOPES, subject=creds["admin_email"]
        )
        self.files: list[str] = []
        self.folder: str | None = None
        self.spreadsheet: str | None = None
        if not self.refresh_token():
            return
        folder = self.api(
            "POST",
            "/drive/v3/files",
            "drive.files.create",
            params=query(fields="id"),
            body={"name": f"load-{secrets.token_hex(4)}", "mimeType": FOLDER},
        )
        self.folder = folder["id"] if folder else None
        sheet = self.api(
            "POST",
            "/v4/spreadsheets",
            "sheets.spreadsheets.create",
            params=query(fields="spreadsheetId"),
            body={"properties": {"title": f"load report {secrets.token_hex(3)}"}},
        )
        self.spreadsheet = sheet["spreadsheetId"] if sheet else None

    def refresh_token(self) -> bool:
        """google-auth's grant, timed and counted like any call ("google oauth2.token")."""
        import google.auth.transport.requests

        started = time.perf_counter()
        error: Exception | None = None
        try:
            self.credentials.refresh(google.auth.transport.requests.Request())
        except Exception as exc:  # any failure of the grant is the load test's failure to report
            error = exc
        self.environment.events.request.fire(
            request_type="POST",
            name="google oauth2.token",
            response_time=(time.perf_counter() - started) * 1000,
            response_length=0,
            exception=error,
            context={},
        )
        return error is None

    def api(self, method: str, path: str, operation: str, *, params: str, body: Any = None) -> Any:
        if not self.credentials.valid and not self.refresh_token():
            return None
        headers = {
            "accept": "application/json",
            "accept-encoding": "gzip, deflate",
            "user-agent": "(gzip)",
            "x-goog-api-client": API_CLIENT,
            "authorization": f"Bearer {self.credentials.token}",
        }
        data = None
        if body is not None:
            headers["content-type"] = "application/json"
            data = json.dumps(body)
        return call(self, method, path, f"google {operation}", headers=headers, query=params, body=data)

    @task(4)
    def list_files(self) -> None:
        q = random.choice(("name contains 'load' and trashed = false", f"mimeType = '{DOCUMENT}' and trashed = false"))
        fields = "nextPageToken, files(id, name, mimeType, modifiedTime)"
        self.api("GET", "/drive/v3/files", "drive.files.list", params=query(q=q, pageSize=100, fields=fields))

    @task(1)
    def create_file(self) -> None:
        if self.folder is None:
            return
        body = {"name": f"load notes {secrets.token_hex(3)}", "mimeType": DOCUMENT, "parents": [self.folder]}
        created = self.api("POST", "/drive/v3/files", "drive.files.create", params=query(fields="id,name"), body=body)
        if created:
            self.files = [*self.files[-(KEEP_FILES - 1) :], created["id"]]

    @task(2)
    def get_file(self) -> None:
        if self.files:
            path = f"/drive/v3/files/{random.choice(self.files)}"
            self.api("GET", path, "drive.files.get", params=query(fields="id,name,mimeType,modifiedTime"))

    @task(4)
    def read_values(self) -> None:
        if self.spreadsheet:
            path = f"/v4/spreadsheets/{self.spreadsheet}/values/{a1('Sheet1!A1:C20')}"
            self.api("GET", path, "sheets.spreadsheets.values.get", params=query())

    @task(2)
    def write_values(self) -> None:
        if self.spreadsheet:
            row = random.randint(1, 19)
            body = {"values": [[random.randint(1, 100), random.randint(1, 100), f"=A{row}+B{row}"]]}
            path = f"/v4/spreadsheets/{self.spreadsheet}/values/{a1(f'Sheet1!A{row}:C{row}')}"
            self.api(
                "PUT",
                path,
                "sheets.spreadsheets.values.update",
                params=query(valueInputOption="USER_ENTERED"),
                body=body,
            )

    @task(1)
    def append_values(self) -> None:
        if self.spreadsheet:
            path = f"/v4/spreadsheets/{self.spreadsheet}/values/{a1('Sheet1!E1')}:append"
            body = {"values": [[time.strftime("%Y-%m-%d"), "deploy", random.randint(1, 9)]]}
            self.api("POST", path, "sheets.spreadsheets.values.append", params=query(valueInputOption="RAW"), body=body)
