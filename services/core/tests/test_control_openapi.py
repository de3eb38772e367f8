"""The control plane describes itself as an OpenAPI 3 document."""

from __future__ import annotations

import re

import httpx

from services.core.control import control_routes

HTTP_METHODS = {"get", "post", "put", "patch", "delete", "head", "options", "trace"}


async def test_openapi_document_is_structurally_valid(client: httpx.AsyncClient) -> None:
    response = await client.get("/_dtu/openapi.json")
    assert response.status_code == 200
    document = response.json()
    assert re.fullmatch(r"3\.\d+\.\d+", document["openapi"])
    assert document["info"]["title"] and document["info"]["version"]
    assert document["servers"] == [{"url": "http://127.0.0.1:4103"}]
    assert isinstance(document["paths"], dict) and document["paths"]
    for path, operations in document["paths"].items():
        assert path.startswith("/_dtu/")
        params = set(re.findall(r"{(\w+)}", path))
        for verb, operation in operations.items():
            assert verb in HTTP_METHODS, f"{path}: {verb}"
            assert operation.get("summary"), f"{verb.upper()} {path} has no summary"
            responses = operation["responses"]
            assert responses, f"{verb.upper()} {path} has no responses"
            for status, described in responses.items():
                assert re.fullmatch(r"[1-5]\d\d|default", str(status)), status
                assert described.get("description"), f"{verb.upper()} {path} {status}"
            assert params == set(re.findall(r"{(\w+)}", path))


async def test_every_control_route_is_documented(client: httpx.AsyncClient) -> None:
    document = (await client.get("/_dtu/openapi.json")).json()
    documented = {(verb.upper(), path) for path, ops in document["paths"].items() for verb in ops}
    for route in control_routes():
        path = re.sub(r"{(\w+)(:\w+)?}", r"{\1}", route.path)  # type: ignore[attr-defined]
        for method in route.methods or ():  # type: ignore[attr-defined]
            if method != "HEAD":
                assert (method, path) in documented, f"{method} {path}"


async def test_health_and_ready(client: httpx.AsyncClient) -> None:
    health = (await client.get("/_dtu/health")).json()
    assert (health["status"], health["service"]) == ("ok", "slack")
    assert (await client.get("/_dtu/ready")).json() == {"status": "ready"}
