"""Google's discovery documents, converted to OpenAPI 3.0 for schemathesis.

Google publishes no OpenAPI for its APIs; its discovery documents (`/work/shared/specs/google/`,
the same documents googleapiclient builds its clients from) describe every method:
`httpMethod`, `flatPath`, `parameters` (location, type, format, enum, minimum/maximum,
required), `request`/`response` schema references, and `schemas` in a JSON-Schema dialect.

The conversion is mechanical:
- path `servicePath + flatPath`, operationId = the method id (`drive.files.list`); the newer APIs'
  custom verbs stay literal (`/v1/documents/{documentId}:batchUpdate`), and RFC 6570 reserved
  expansion (`{+range}`) becomes a plain `{range}` (OpenAPI has no reserved expansion: the value is
  sent percent-encoded, which Google's front end decodes the same way);
- parameters keep their location, type, enum, bounds (int32/uint32 ones too) and `required`; `format: int64` integers
  stay strings as Google sends them; repeated parameters become arrays (`explode`);
- schemas: `$ref: File` -> `#/components/schemas/File`; `format: int64/uint64/byte/google-datetime`
  are strings; `additionalProperties` and `items` are converted recursively; `annotations`,
  `readOnly`, `description` and `default` are dropped (`default` would make schemathesis send it);
- responses: `200` with the response schema (or `204` when the method has no response), and
  `default` with Google's error envelope (`{"error": {"code", "message", "errors", "status"}}`);
- security: OAuth 2.0 bearer (the scopes of the method).

Google's standard query parameters (`fields`, `alt`, `prettyPrint` ...) are left out: they are
the dispatcher's, not the methods', and `alt=media` answers are not JSON.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

SPECS = Path("/work/shared/specs/google")

ERROR_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["error"],
    "properties": {
        "error": {
            "type": "object",
            "required": ["code", "message"],
            "properties": {
                "code": {"type": "integer"},
                "message": {"type": "string"},
                "status": {"type": "string"},
                "errors": {
                    "type": "array",
                    "items": {
                        "type": "object",
                        "required": ["message", "domain", "reason"],
                        "properties": {
                            "message": {"type": "string"},
                            "domain": {"type": "string"},
                            "reason": {"type": "string"},
                            "location": {"type": "string"},
                            "locationType": {"type": "string"},
                        },
                    },
                },
                "details": {"type": "array"},
            },
        }
    },
}
WIDTHS = {"int32": (-(2**31), 2**31 - 1), "uint32": (0, 2**32 - 1)}
RESERVED_EXPANSION = re.compile(r"\{\+(\w+)\}")
STRING_FORMATS = {"int64", "uint64", "byte", "google-datetime", "google-duration", "google-fieldmask", "date-time"}


def load(name: str) -> dict[str, Any]:
    document: dict[str, Any] = json.loads((SPECS / name).read_text())
    return document


def schema(node: dict[str, Any], closed: bool = False) -> dict[str, Any]:
    """One discovery schema as an OpenAPI 3.0 schema object (`closed`: no properties beyond the listed ones)."""
    if "$ref" in node:
        return {"$ref": f"#/components/schemas/{node['$ref']}"}
    out: dict[str, Any] = {}
    kind = node.get("type")
    fmt = node.get("format")
    if kind == "any":
        return {}
    if kind == "string" or fmt in STRING_FORMATS:
        out["type"] = "string"
        if fmt == "date-time":
            out["format"] = "date-time"
    elif kind in ("integer", "number", "boolean", "array", "object"):
        out["type"] = kind
        if fmt in ("int32", "uint32", "double", "float"):
            out["format"] = fmt
    if "enum" in node:
        out["enum"] = list(node["enum"])
    if kind == "integer" and fmt in WIDTHS:
        # A protocol-buffer int32/uint32: Google refuses what does not fit.
        out["minimum"], out["maximum"] = WIDTHS[fmt]
    for bound in ("minimum", "maximum"):
        if bound in node:
            out[bound] = int(node[bound])
    if "properties" in node:
        out["properties"] = {name: schema(value, closed) for name, value in node["properties"].items()}
        if closed and "additionalProperties" not in node:
            out["additionalProperties"] = False
    if "additionalProperties" in node:
        out["additionalProperties"] = schema(node["additionalProperties"], closed)
    if "items" in node:
        out["items"] = schema(node["items"], closed)
    return out


def parameter(name: str, spec: dict[str, Any]) -> dict[str, Any]:
    body = schema(spec)
    if spec.get("repeated"):
        body = {"type": "array", "items": body}
    out: dict[str, Any] = {"name": name, "in": spec.get("location", "query"), "schema": body}
    if spec.get("required") or out["in"] == "path":
        out["required"] = True
    if spec.get("repeated"):
        out["explode"] = True
    return out


def _methods(resources: dict[str, Any]) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    for resource in resources.values():
        found.extend(resource.get("methods", {}).values())
        found.extend(_methods(resource.get("resources", {})))
    return found


def operation(method: dict[str, Any]) -> dict[str, Any]:
    op: dict[str, Any] = {
        "operationId": method["id"],
        "parameters": [parameter(name, spec) for name, spec in sorted(method.get("parameters", {}).items())],
        "security": [{"oauth2": list(method.get("scopes", []))}],
    }
    if "request" in method:
        op["requestBody"] = {
            "required": True,
            "content": {"application/json": {"schema": schema(method["request"])}},
        }
    if "response" in method:
        ok = {"description": "OK", "content": {"application/json": {"schema": schema(method["response"])}}}
        op["responses"] = {"200": ok}
    else:
        op["responses"] = {"204": {"description": "No Content"}}
    op["responses"]["default"] = {
        "description": "Google's error envelope",
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/GoogleError"}}},
    }
    return op


def path_of(document: dict[str, Any], method: dict[str, Any]) -> str:
    """The OpenAPI path template of a method: `/` + servicePath + flatPath, `{+name}` as `{name}`."""
    template = RESERVED_EXPANSION.sub(r"{\1}", method.get("flatPath", method["path"]))
    return ("/" + document.get("servicePath", "") + template).replace("//", "/")


def convert(document: dict[str, Any], only: set[str] | None = None, *, closed: bool = False) -> dict[str, Any]:
    """OpenAPI 3.0 for a discovery document (restricted to the method ids in `only`).

    `closed` marks every message schema `additionalProperties: false`: true of the protocol-buffer APIs
    (Docs, Sheets), whose front end refuses unknown names in a body and whose answers hold only the
    message's fields; Drive v3's JSON resources are left open.
    """
    paths: dict[str, dict[str, Any]] = {}
    for method in _methods(document.get("resources", {})):
        if only is not None and method["id"] not in only:
            continue
        paths.setdefault(path_of(document, method), {})[method["httpMethod"].lower()] = operation(method)
    schemas = {name: schema(value, closed) for name, value in document.get("schemas", {}).items()}
    schemas["GoogleError"] = ERROR_SCHEMA
    return {
        "openapi": "3.0.3",
        "info": {"title": document.get("title", document["name"]), "version": document["version"]},
        "servers": [{"url": "/"}],
        "paths": paths,
        "components": {
            "schemas": schemas,
            "securitySchemes": {"oauth2": {"type": "http", "scheme": "bearer"}},
        },
    }
