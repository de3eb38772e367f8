"""What Docs v1 and Sheets v4 share: their error envelope, their front door, and Drive access to a file.

Docs and Sheets are newer Google APIs than Drive v3: their errors carry `code`, `message`,
`status` (and sometimes `details`) but no `errors` list:

    {"error": {"code": 400, "message": "Unable to parse range: Foo!A1", "status": "INVALID_ARGUMENT"}}

`route` registers a handler through the Drive dispatcher (credentials, scopes from the
discovery document, faults, one transaction, `fields`) and re-renders whatever the front door
refuses in that shape. Access follows Drive permissions, as at Google: a file that does not
exist (or is not a document/spreadsheet) is 404 "Requested entity was not found.", a file the
caller cannot open or (for writes) edit is 403 "The caller does not have permission".
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qsl, urlencode

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from services.core.faults import InjectedFault
from services.gdrive import endpoint, ids, scopes
from services.gdrive.call import DriveCall
from services.gdrive.domain import items
from services.gdrive.domain.access import READER, WRITER, Access
from services.gdrive.domain.items import Tree
from services.gdrive.errors import GoogleError
from services.gdrive.models import File

Handler = Callable[[DriveCall], Any]
DOCUMENT = "application/vnd.google-apps.document"
SPREADSHEET = "application/vnd.google-apps.spreadsheet"

# The scopes of each API that reach every document/spreadsheet of the user (not just an app's own).
BROAD = {
    "docs": frozenset({scopes.DOCUMENTS, scopes.DOCUMENTS_READONLY}),
    "sheets": frozenset({scopes.SPREADSHEETS, scopes.SPREADSHEETS_READONLY}),
}
SERVICE = {"docs": "docs.googleapis.com", "sheets": "sheets.googleapis.com"}


class RpcError(GoogleError):
    """An error of a Docs/Sheets method: `{code, message, status, details?}`, no `errors` list."""

    def body(self) -> dict[str, Any]:
        error: dict[str, Any] = {"code": self.status_code, "message": self.message}
        error["status"] = _status(self.status_code)
        if self.error_details:
            error["details"] = self.error_details
        return {"error": error}


def _status(code: int) -> str:
    from services.gdrive.errors import STATUS

    return STATUS.get(code, "UNKNOWN")


def invalid_argument(message: str) -> RpcError:
    return RpcError(400, message, "badRequest")


def not_found() -> RpcError:
    return RpcError(404, "Requested entity was not found.", "notFound")


def permission_denied() -> RpcError:
    return RpcError(403, "The caller does not have permission", "forbidden")


def unimplemented(what: str) -> RpcError:
    return RpcError(501, f"The DTU twin does not implement {what}.", "notImplemented")


def _from_front_door(error: GoogleError, api: str, operation: str) -> RpcError:
    if isinstance(error, RpcError):
        return error
    details = error.error_details
    if error.reason == "insufficientPermissions":
        details = [{**d, "metadata": {"service": SERVICE[api], "method": operation}} for d in details]
    message = error.message
    if error.location == "fields":
        # Sheets and Docs name the bad path only in a BadRequest detail.
        details = [
            {
                "@type": "type.googleapis.com/google.rpc.BadRequest",
                "fieldViolations": [
                    {"field": "fields", "description": f"Error expanding 'fields' parameter. {error.message}"}
                ],
            }
        ]
        message = "Request contains an invalid argument."
    return RpcError(error.status_code, message, error.reason, headers=error.headers, details=details)


def route(method: str, path: str, operation: str) -> Callable[[Handler], Handler]:
    """Register a Docs/Sheets handler (operation: the discovery method id, `sheets.spreadsheets.get`)."""
    api = operation.split(".", 1)[0]

    def register(handler: Handler) -> Handler:
        async def serve(request: Request) -> Response:
            _dotted_fields(request)
            try:
                return await endpoint.dispatch(request, handler, operation, operation)
            except InjectedFault as fault:
                raise _from_front_door(endpoint._injected(fault), api, operation) from None
            except GoogleError as error:
                raise _from_front_door(error, api, operation) from None

        endpoint.ROUTES.append((path.count("{"), Route(path, serve, methods=[method], name=f"{operation}:{method}")))
        return handler

    return register


def _dotted_fields(request: Request) -> None:
    """Docs and Sheets accept `fields=sheets.properties.title` (dots as path separators): make them `/`."""
    raw = request.scope.get("query_string", b"")
    if b"fields=" not in raw:
        return
    pairs = parse_qsl(raw.decode("latin-1"), keep_blank_values=True)
    rewritten = [(k, v.replace(".", "/") if k == "fields" else v) for k, v in pairs]
    request.scope["query_string"] = urlencode(rewritten).encode("latin-1")


# -- Drive access ------------------------------------------------------------------------------
class WorkspaceAccess(Access):
    """Drive's access rules, except that the Docs/Sheets scopes reach all of the user's files."""

    def __init__(self, call: DriveCall, tree: Tree, broad: bool) -> None:
        super().__init__(call, tree)
        self._broad = broad

    def app_visible(self, file: File) -> bool:
        return True if self._broad else super().app_visible(file)


def access_for(call: DriveCall, api: str) -> WorkspaceAccess:
    broad = not call.principal.scopes.isdisjoint(BROAD[api])
    return WorkspaceAccess(call, Tree(call.session, call.tenant.id), broad)


def open_file(call: DriveCall, api: str, file_id: str, mime_type: str, *, write: bool) -> tuple[File, Access]:
    access = access_for(call, api)
    file = access.tree.get(file_id)
    if file is None or file.mime_type != mime_type:
        raise not_found()
    if access.rank(file) < (WRITER if write else READER):
        raise permission_denied()
    access.remember(file)
    return file, access


def create_file(call: DriveCall, api: str, name: str, mime_type: str) -> File:
    """The Drive item of a new document/spreadsheet, in the caller's My Drive (same id for both APIs)."""
    access = access_for(call, api)
    user = access.user
    return items.create_item(
        call.session,
        call.tenant,
        user,
        name=name,
        mime_type=mime_type,
        parents=[user.root_folder_id],
        now=call.now(),
        client_id=call.client_id,
        file_id="1" + call.tenant.ids.draw(43, ids.URL_SAFE),
    )


def touch(call: DriveCall, file: File, *, rename: str | None = None) -> None:
    """An edit through Docs/Sheets is a change of the Drive item: new version, modified now, by the caller."""
    if rename is not None:
        file.name = rename
    file.version += 1
    file.modified = call.now()
    file.last_modifying_user_id = call.user.id
    call.session.add(file)
