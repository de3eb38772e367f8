"""A Starlette adapter for authlib's framework-neutral authorization server.

authlib ships server integrations for Flask and Django only. This is the Starlette
one: the request body is read (bounded) before the synchronous transaction starts,
wrapped as authlib's `OAuth2Request`, and authlib's `(status, body, headers)` answers
become Starlette responses.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable
from typing import Any
from urllib.parse import parse_qsl

from authlib.oauth2.rfc6749 import JsonPayload, JsonRequest, OAuth2Payload, OAuth2Request
from starlette.requests import Request
from starlette.responses import Response

from services.core.errors import BadRequestBody
from services.core.request_params import read_body

Pairs = list[tuple[str, str]]
NO_STORE = {"Cache-Control": "no-store", "Pragma": "no-cache"}


async def read_form(request: Request, max_bytes: int) -> Pairs:
    """The urlencoded body as ordered pairs (repeated parameters kept: authlib refuses duplicates)."""
    if request.method not in ("POST", "PUT"):
        return []
    body = await read_body(request, max_bytes)
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise BadRequestBody("invalid_charset", str(exc)) from exc
    # NUL cannot be stored in PostgreSQL text; no OAuth parameter legitimately holds one.
    return [(k.replace("\x00", ""), v.replace("\x00", "")) for k, v in parse_qsl(text, keep_blank_values=True)]


class PairsPayload(OAuth2Payload):
    """authlib's view of the OAuth parameters: first value wins in `data`, all kept in `datalist`."""

    def __init__(self, pairs: Iterable[tuple[str, str]]) -> None:
        self._datalist: defaultdict[str, list[str]] = defaultdict(list)
        self._data: dict[str, str] = {}
        for key, value in pairs:
            self._datalist[key].append(value)
            self._data.setdefault(key, value)

    @property
    def data(self) -> dict[str, str]:
        return self._data

    @property
    def datalist(self) -> defaultdict[str, list[str]]:
        return self._datalist


class StarletteOAuth2Request(OAuth2Request):
    """An authlib request built from a Starlette request whose body was already read.

    `parameters` says where the OAuth parameters come from: the query string (authorize,
    logout) or the form body (token, introspect, revoke), as Okta reads them.
    """

    def __init__(self, request: Request, form: Pairs, *, parameters: str = "form") -> None:
        # OAuth2Request.__init__ refuses plain-http URLs (InsecureTransportError) unless an
        # environment variable is set; the twin serves http on loopback by design, so the
        # attributes are set here instead of calling it.
        self.method = request.method
        self.uri = str(request.url)
        self.headers = request.headers
        self._body = None
        self.client = None
        self.auth_method = None
        self.user = None
        self.authorization_code = None
        self.refresh_token = None
        self.credential = None
        self._scope = None
        self.okta_session: dict[str, Any] = {}  # the sign-in behind an authorization (auth_time, session_id)
        self._args = dict(request.query_params)
        self._form = PairsPayload(form).data
        source = form if parameters == "form" else list(request.query_params.multi_items())
        self.payload = PairsPayload(source)

    @property
    def args(self) -> dict[str, str]:
        return self._args

    @property
    def form(self) -> dict[str, str]:
        return self._form


class StarletteJsonPayload(JsonPayload):
    def __init__(self, data: dict[str, Any]) -> None:
        self._data = data

    @property
    def data(self) -> dict[str, Any]:
        return self._data


class StarletteJsonRequest(JsonRequest):
    def __init__(self, request: Request, data: dict[str, Any]) -> None:
        super().__init__(request.method, str(request.url), request.headers)
        self.payload = StarletteJsonPayload(data)


def to_response(status: int, body: Any, headers: Iterable[tuple[str, str]] | dict[str, str] | None) -> Response:
    """authlib's `(status, body, headers)` as a Starlette response (JSON bodies serialised compactly)."""
    pairs = list(headers.items()) if isinstance(headers, dict) else list(headers or [])
    merged = {k: v for k, v in pairs if k.lower() != "content-type"}
    if isinstance(body, dict | list):
        content = json.dumps(body, separators=(",", ":")).encode()
        return Response(content, status_code=status, headers=merged, media_type="application/json")
    media = next((v for k, v in pairs if k.lower() == "content-type"), None)
    return Response(body or b"", status_code=status, headers=merged, media_type=media)
