"""Reading request parameters the way lenient vendor APIs accept them.

Several vendors (Slack above all) accept the same parameter in the query string, a
form body (urlencoded or multipart) or a JSON body. `merged_params` merges them with
body values winning over query values, and bounds the body size.
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import parse_qsl

from starlette.datastructures import UploadFile
from starlette.requests import Request

from services.core.errors import BadRequestBody

DEFAULT_MAX_BODY = 8 * 1024 * 1024


async def read_body(request: Request, max_bytes: int = DEFAULT_MAX_BODY) -> bytes:
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > max_bytes:
        raise BadRequestBody("too_large", f"body of {declared} bytes")
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > max_bytes:
            raise BadRequestBody("too_large", f"body over {max_bytes} bytes")
        chunks.append(chunk)
    body = b"".join(chunks)
    request._body = body  # let later readers (request.json(), .form()) reuse it
    return body


def parse_json_object(body: bytes) -> dict[str, Any]:
    try:
        value = json.loads(body)
    except UnicodeDecodeError as exc:
        raise BadRequestBody("invalid_charset", str(exc)) from exc
    except ValueError as exc:
        raise BadRequestBody("invalid_json", str(exc)) from exc
    if not isinstance(value, dict):
        raise BadRequestBody("json_not_object", type(value).__name__)
    if b"\\u" in body and _has_lone_surrogate(value):
        # `"\ud800"` parses, but is no Unicode text: it could be neither stored nor encoded back.
        raise BadRequestBody("invalid_json", "lone UTF-16 surrogate in a string")
    return value


def _has_lone_surrogate(value: dict[str, Any]) -> bool:
    try:
        json.dumps(value, ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def without_nul(value: Any) -> Any:
    """`value` with U+0000 dropped from every string in it, keys included.

    PostgreSQL text cannot hold U+0000 (not even in a WHERE clause): twins drop it from what
    they read so both stores answer alike and never fail with a 500.
    """
    if isinstance(value, str):
        return value.replace("\x00", "")
    if isinstance(value, list):
        return [without_nul(item) for item in value]
    if isinstance(value, dict):
        return {without_nul(key): without_nul(item) for key, item in value.items()}
    return value


async def merged_params(request: Request, max_bytes: int = DEFAULT_MAX_BODY) -> dict[str, Any]:
    """Query parameters, then form or JSON body parameters on top; NUL characters removed."""
    params = await _read_params(request, max_bytes)
    if any("\x00" in key or (isinstance(value, str) and "\x00" in value) for key, value in params.items()):
        params = without_nul(params)
    return params


async def _read_params(request: Request, max_bytes: int) -> dict[str, Any]:
    params: dict[str, Any] = dict(request.query_params)
    if request.method in ("GET", "HEAD"):
        return params
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    body = await read_body(request, max_bytes)
    if not body.strip():
        return params
    if content_type == "application/json":
        params.update(parse_json_object(body))
    elif content_type == "multipart/form-data":
        try:
            form = await request.form()
        except Exception as exc:  # python-multipart raises several unrelated types
            raise BadRequestBody("invalid_form_data", str(exc)) from exc
        for key, value in form.multi_items():
            params[key] = value if isinstance(value, UploadFile) else str(value)
    else:
        # urlencoded, or no/unknown content type: read as urlencoded like the vendors do
        try:
            text = body.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise BadRequestBody("invalid_charset", str(exc)) from exc
        try:
            params.update(parse_qsl(text, keep_blank_values=True, strict_parsing=False))
        except ValueError as exc:
            raise BadRequestBody("invalid_form_data", str(exc)) from exc
    return params
