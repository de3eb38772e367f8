"""File bytes over HTTP, outside the Web API: the upload URL and the private download URLs.

- `POST /upload/v1/{key}`: the `upload_url` of files.getUploadURLExternal. Takes the bytes
  raw or as multipart form data (the first file part), as Slack's upload service does,
  and answers `200 OK - <size>` in text/plain (what slack_sdk's files_upload_v2 checks).
- `GET /files-pri/{T}-{F}/{name}` and `/files-pri/{T}-{F}/download/{name}`: a file's
  `url_private` / `url_private_download`. They need `Authorization: Bearer <token>` of
  the file's workspace from someone who can see the file, and serve its exact bytes.
  Without a valid token Slack redirects to its sign-in page (an HTML page, not the
  file): the twin redirects to `/files-pri/signin`, which serves such a page.
"""

from __future__ import annotations

from urllib.parse import quote

from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.responses import HTMLResponse, PlainTextResponse, RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from services.core.credentials import Principal
from services.core.errors import BadRequestBody
from services.core.request_params import read_body
from services.core.twin import TwinRuntime, runtime_of
from services.slack.domain import files
from services.slack.models import File
from services.slack.tokens import TokenProblem

SIGNIN_PAGE = (
    "<!DOCTYPE html><html><head><title>Sign in | Slack</title></head>"
    "<body><h1>Sign in to your workspace</h1></body></html>"
)


async def _upload_content(request: Request, limit: int) -> bytes:
    """The uploaded bytes: the raw body, or the first file part of a multipart body."""
    body = await read_body(request, limit)
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type != "multipart/form-data":
        return body
    try:
        form = await request.form()  # parses the body read_body kept; nothing is read twice
    except Exception as exc:  # python-multipart raises several unrelated types
        raise BadRequestBody("invalid_form_data", str(exc)) from exc
    try:
        for _, value in form.multi_items():
            if isinstance(value, UploadFile):
                return await value.read()
        return body
    finally:
        await form.close()  # spooled temporary files


async def upload(request: Request) -> Response:
    runtime = runtime_of(request)
    request.state.dtu_operation = "files.upload_url"
    try:
        content = await _upload_content(request, runtime.settings.max_body_bytes)
    except BadRequestBody as exc:
        status = 413 if exc.kind == "too_large" else 400
        return PlainTextResponse(exc.kind, status_code=status)
    with runtime.store.session() as session:
        row = files.find_by_upload_key(session, request.path_params["key"])
        if row is None:
            return PlainTextResponse("Not Found", status_code=404)
        request.state.dtu_tenant = row.tenant_id
        files.store_upload(session, row, content)
    return PlainTextResponse(f"OK - {len(content)}")


def _principal(runtime: TwinRuntime, request: Request) -> Principal | None:
    header = request.headers.get("authorization", "")
    if header[:7].lower() != "bearer " or not header[7:].strip():
        return None
    try:
        principal: Principal | None = runtime.extras["credentials"].resolve(header[7:].strip())
    except TokenProblem:
        return None
    return principal


def _signin(runtime: TwinRuntime, request: Request) -> Response:
    return RedirectResponse(f"{runtime.base_url}/files-pri/signin?redir={quote(request.url.path)}", status_code=302)


async def download(request: Request) -> Response:
    runtime = runtime_of(request)
    request.state.dtu_operation = "files.download"
    team_id, _, file_id = request.path_params["team_file"].partition("-")
    principal = _principal(runtime, request)
    if principal is None or principal.attributes.get("team_id") != team_id:
        return _signin(runtime, request)
    request.state.dtu_tenant = principal.tenant_id
    with runtime.store.session() as session:
        row = session.get(File, (principal.tenant_id, file_id))
        if row is None or row.state != "complete" or row.content is None:
            return HTMLResponse("Not Found", status_code=404)
        if not files.visible_to(session, principal.tenant_id, principal.subject, row):
            return HTMLResponse("Not Found", status_code=404)
        content, mimetype, name = row.content, row.mimetype, row.name
    disposition = "attachment" if request.path_params.get("download") else "inline"
    headers = {"Content-Disposition": f"{disposition}; filename*=UTF-8''{quote(name, safe='')}"}
    return Response(content, media_type=mimetype, headers=headers)


async def signin(request: Request) -> Response:
    return HTMLResponse(SIGNIN_PAGE)


async def download_attachment(request: Request) -> Response:
    request.path_params["download"] = True
    return await download(request)


def routes() -> list[BaseRoute]:
    return [
        Route("/upload/v1/{key}", upload, methods=["POST"]),
        Route("/files-pri/signin", signin, methods=["GET"]),
        Route("/files-pri/{team_file}/download/{name:path}", download_attachment, methods=["GET", "HEAD"]),
        Route("/files-pri/{team_file}/{name:path}", download, methods=["GET", "HEAD"]),
    ]
