"""The web UI's Google API calls: the API's own handlers, run as the signed-in person.

A page does not reimplement Drive: it calls `drive.files.list`, `drive.permissions.create`,
`docs.documents.get`, ... through the very handler functions the REST routes dispatch to,
with a DriveCall whose principal is the signed-in user holding the full Drive, Docs and
Sheets scopes (as an installed app with those scopes acts for its user). So access rules,
validation errors, the change log and push notifications are exactly the API's. Each call
is its own transaction, as one API request is.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Mapping
from typing import Any
from urllib.parse import urlencode

from starlette.requests import Request

from services.core.credentials import Principal
from services.core.twin import TwinRuntime, runtime_of
from services.core.ui.session import UiUser
from services.gdrive import endpoint, fields, scopes
from services.gdrive.api import docs, drives, files, permissions, sheets
from services.gdrive.call import DriveCall, Reply
from services.gdrive.models import User

Handler = Callable[[DriveCall], Any]

# The API methods the UI uses, by discovery method id (the names the journal and faults use).
HANDLERS: dict[str, Handler] = {
    "drive.files.list": files.list_files,
    "drive.files.get": files.get,
    "drive.files.update": files.update,
    "drive.drives.list": drives.list_drives,
    "drive.drives.get": drives.get,
    "drive.permissions.list": permissions.list_permissions,
    "drive.permissions.create": permissions.create,
    "drive.permissions.update": permissions.update,
    "drive.permissions.delete": permissions.delete,
    "docs.documents.get": docs.get,
    "sheets.spreadsheets.get": sheets.get,
    "sheets.spreadsheets.values.get": sheets.values_get,
}
# What a signed-in person may do: everything their own Drive, Docs and Sheets allow.
UI_SCOPES = frozenset({scopes.DRIVE, scopes.DOCUMENTS, scopes.SPREADSHEETS})
UI_CLIENT = ""  # no OAuth client: drive.file bookkeeping (FileAccess) does not apply


class SignedOut(Exception):
    """The signed-in person no longer exists in the domain, or has been suspended."""


class Gateway:
    def __init__(self, request: Request, user: UiUser) -> None:
        self.request = request
        self.runtime: TwinRuntime = runtime_of(request)
        tenant = self.runtime.tenants.find(user.tenant)
        if tenant is None:
            raise SignedOut()
        self.tenant = tenant
        with self.runtime.store.session() as session:
            row = session.get(User, (tenant.id, user.id))
            if row is None or row.suspended or row.kind != "user":
                raise SignedOut()
            self.me = row
        self.principal = Principal(
            tenant_id=tenant.id,
            subject=row.id,
            kind=row.kind,
            scopes=UI_SCOPES,
            credential="dtu-ui",
            attributes={"client_id": UI_CLIENT, "expires_at": math.inf, "email": row.email},
        )

    def call(
        self,
        operation: str,
        *,
        method: str = "GET",
        path: Mapping[str, str] | None = None,
        query: Mapping[str, str] | None = None,
        body: dict[str, Any] | None = None,
        whole: bool = True,
    ) -> Any:
        """Run one API method as the signed-in person; returns its body (GoogleError on refusal).

        `whole` asks for every field (`fields=*`), where the API's default selection is small."""
        handler = HANDLERS[operation]
        scope = dict(self.request.scope)
        scope.update(
            method=method,
            path_params=dict(path or {}),
            query_string=urlencode(dict(query or {})).encode(),
        )
        fake = Request(scope)
        selection = fields.parse_cached("*") if whole else None
        with self.runtime.store.session() as session:
            call = DriveCall(
                request=fake,
                runtime=self.runtime,
                tenant=self.tenant,
                session=session,
                principal=self.principal,
                operation=operation,
                raw=json.dumps(body).encode() if body is not None else b"",
                fields=selection,
                fields_given=selection is not None,
            )
            result = handler(call)
            session.commit()
            for hook in endpoint.COMMIT_HOOKS:
                hook(call)
        for callback in call.after_commit:
            callback()
        reply = result if isinstance(result, Reply) else Reply(result)
        return reply.body
