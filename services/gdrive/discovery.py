"""Google's discovery documents: served with the twin as root URL, and read for scopes and schemas.

`build(name, version, discoveryServiceUrl=..., static_discovery=False)` fetches
`/discovery/v1/apis/{api}/{version}/rest` (or `/$discovery/rest?version=`), and from then on
calls `rootUrl + servicePath` and uploads to `rootUrl + mediaUpload path`: rewriting those
roots to the URL the client used is all it takes to point the official client at the twin.
"""

from __future__ import annotations

import copy
import json
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from services.gdrive.errors import GoogleError

DIRECTORY = Path(__file__).parent / "discovery"
# (api, version) -> file. The version alone names the API on `/$discovery/rest?version=`.
DOCUMENTS = {
    ("drive", "v3"): "drive.v3.json",
    ("docs", "v1"): "docs.v1.json",
    ("sheets", "v4"): "sheets.v4.json",
    ("admin", "directory_v1"): "admin.directory_v1.json",
}
JSON_TYPE = "application/json; charset=UTF-8"


@cache
def document(api: str, version: str) -> dict[str, Any]:
    name = DOCUMENTS.get((api, version))
    if name is None:
        raise KeyError((api, version))
    loaded: dict[str, Any] = json.loads((DIRECTORY / name).read_text())
    return loaded


def _walk(resources: dict[str, Any]) -> dict[str, dict[str, Any]]:
    found: dict[str, dict[str, Any]] = {}
    for resource in resources.values():
        for method in resource.get("methods", {}).values():
            found[method["id"]] = method
        found.update(_walk(resource.get("resources", {})))
    return found


@cache
def methods(api: str, version: str) -> dict[str, dict[str, Any]]:
    """Every method of an API by its id (`drive.files.get`)."""
    return _walk(document(api, version).get("resources", {}))


@cache
def method(method_id: str) -> dict[str, Any]:
    for api, version in DOCUMENTS:
        found = methods(api, version).get(method_id)
        if found is not None:
            return found
    raise KeyError(method_id)


@cache
def schemas_of(method_id: str) -> dict[str, Any]:
    for api, version in DOCUMENTS:
        if method_id in methods(api, version):
            schemas: dict[str, Any] = document(api, version)["schemas"]
            return schemas
    raise KeyError(method_id)


@cache
def scopes(method_id: str) -> tuple[str, ...]:
    return tuple(method(method_id).get("scopes", ()))


@lru_cache(maxsize=64)
def served_text(api: str, version: str, root: str) -> str:
    doc = copy.deepcopy(document(api, version))
    doc["rootUrl"] = root
    doc["mtlsRootUrl"] = root
    doc["baseUrl"] = root + doc.get("servicePath", "")
    if "endpoints" in doc:
        # Regional endpoints would lead the client away from the twin.
        doc["endpoints"] = []
    return json.dumps(doc, indent=1)


def _root(request: Request) -> str:
    return f"{request.url.scheme}://{request.url.netloc}/"


def _not_found() -> GoogleError:
    return GoogleError(404, "Requested entity was not found.", "notFound")


async def rest(request: Request) -> Response:
    """GET /discovery/v1/apis/{api}/{version}/rest"""
    request.state.dtu_operation = "discovery.apis.getRest"
    api, version = request.path_params["api"], request.path_params["version"]
    if (api, version) not in DOCUMENTS:
        raise _not_found()
    return Response(served_text(api, version, _root(request)), media_type=JSON_TYPE)


async def rest_v2(request: Request) -> Response:
    """GET /$discovery/rest?version=v3 (the per-API host form; the version names the API here)."""
    request.state.dtu_operation = "discovery.apis.getRest"
    version = request.query_params.get("version", "")
    wanted = request.query_params.get("api")
    chosen = [(a, v) for a, v in DOCUMENTS if v == version and (wanted is None or a == wanted)]
    if len(chosen) != 1:
        raise _not_found()
    return Response(served_text(*chosen[0], _root(request)), media_type=JSON_TYPE)


async def directory(request: Request) -> Response:
    """GET /discovery/v1/apis: the directory list of the APIs this twin serves."""
    request.state.dtu_operation = "discovery.apis.list"
    root = _root(request)
    items = []
    for api, version in DOCUMENTS:
        doc = document(api, version)
        items.append(
            {
                "kind": "discovery#directoryItem",
                "id": f"{api}:{version}",
                "name": api,
                "version": version,
                "title": doc.get("title", ""),
                "description": doc.get("description", ""),
                "discoveryRestUrl": f"{root}discovery/v1/apis/{api}/{version}/rest",
                "documentationLink": doc.get("documentationLink", ""),
                "preferred": True,
            }
        )
    body = {"kind": "discovery#directoryList", "discoveryVersion": "v1", "items": items}
    return Response(json.dumps(body, indent=1), media_type=JSON_TYPE)


def routes() -> list[Route]:
    return [
        Route("/discovery/v1/apis", directory, methods=["GET"]),
        Route("/discovery/v1/apis/{api}/{version}/rest", rest, methods=["GET"]),
        Route("/$discovery/rest", rest_v2, methods=["GET"]),
    ]
