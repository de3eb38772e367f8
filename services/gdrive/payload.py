"""A Docs/Sheets request body read the way Google's JSON front end reads it: against the method's schema.

Docs v1 and Sheets v4 bodies are protocol buffers in proto3 JSON. Google's front end parses them
before the service sees them, so a wrong type or an unknown name never reaches Docs/Sheets; it is a
400 naming the proto path of the field (snake_case, `requests[0].insert_text.location.index`):

    Invalid value at 'data.values[0]' (type.googleapis.com/google.protobuf.ListValue), "x"
    Invalid JSON payload received. Unknown name "foo" at 'requests[0]': Cannot find field.

The discovery document's request schema gives the message shapes. What proto3 JSON allows is
accepted: `null` for any field (= unset), numbers as strings for integers and doubles, enum numbers,
and the proto field name (`insert_text`) for the JSON name (`insertText`); the result is the body
with JSON names only, so handlers read one spelling.
"""

from __future__ import annotations

import json
import math
import re
from typing import Any

from services.gdrive import discovery
from services.gdrive.call import DriveCall
from services.gdrive.workspace import RpcError

# The request field the body is bound to, where the body is not the whole request message (`body: "x"`
# in the method's HTTP rule); its name prefixes every path in the errors.
BODY_FIELD = {
    "docs.documents.create": "document",
    "sheets.spreadsheets.create": "spreadsheet",
    "sheets.spreadsheets.values.update": "data",
    "sheets.spreadsheets.values.append": "data",
}
LIST_VALUE = "type.googleapis.com/google.protobuf.ListValue"
INT32 = (-(2**31), 2**31 - 1)
UINT32 = (0, 2**32 - 1)
_NUMBER = re.compile(r"-?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?")


class _Reader:
    def __init__(self, package: str, schemas: dict[str, Any]) -> None:
        self.package = package
        self.schemas = schemas
        self.problems: list[tuple[str, str]] = []

    def fail(self, path: str, message: str) -> None:
        self.problems.append((path, message))

    def invalid(self, path: str, kind: str, value: Any) -> None:
        self.fail(path, f"Invalid value at '{path}' ({kind}), {_literal(value)}")

    def value(self, node: dict[str, Any], value: Any, path: str) -> Any:
        if value is None:
            return None
        if "$ref" in node:
            return self.message(node["$ref"], self.schemas[node["$ref"]], value, path)
        kind = node.get("type")
        if kind == "object":
            if "additionalProperties" in node:
                return self.map(node["additionalProperties"], value, path)
            return self.message("", node, value, path)
        if kind == "array":
            return self.array(node.get("items", {}), value, path)
        if kind == "string":
            return self.string(node, value, path)
        if kind == "integer":
            return self.integer(node, value, path)
        if kind == "number":
            return self.number(node, value, path)
        if kind == "boolean":
            if not isinstance(value, bool):
                self.invalid(path, "TYPE_BOOL", value)
            return value
        return value  # `any`: a google.protobuf.Value takes every JSON value

    def message(self, name: str, node: dict[str, Any], value: Any, path: str) -> Any:
        if not isinstance(value, dict):
            kind = f"type.googleapis.com/{self.package}.{name}" if name else "TYPE_MESSAGE"
            self.invalid(path, kind, value)
            return value
        properties: dict[str, Any] = node.get("properties", {})
        out: dict[str, Any] = {}
        for key, item in value.items():
            json_name = key if key in properties else _camel(key)
            if json_name not in properties:
                where = f" at '{path}'" if path else ""
                self.fail(path, f'Invalid JSON payload received. Unknown name "{key}"{where}: Cannot find field.')
                continue
            out[json_name] = self.value(properties[json_name], item, _join(path, _snake(json_name)))
        return out

    def map(self, node: dict[str, Any], value: Any, path: str) -> Any:
        if not isinstance(value, dict):
            self.invalid(path, "TYPE_MESSAGE", value)
            return value
        return {key: self.value(node, item, f"{path}[{key}]") for key, item in value.items()}

    def array(self, node: dict[str, Any], value: Any, path: str) -> Any:
        if not isinstance(value, list):
            # Named by the element type, as `"values": "x"` is (type.googleapis.com/google.protobuf.ListValue);
            # a list of `any` is itself a ListValue (a row of `values`).
            list_value = node.get("type") in ("array", "any")
            self.invalid(path, LIST_VALUE if list_value else self.kind(node), value)
            return value
        return [self.value(node, item, f"{path}[{i}]") for i, item in enumerate(value)]

    def kind(self, node: dict[str, Any]) -> str:
        """The proto type of a field as the front end names it in `Invalid value at` messages."""
        if "$ref" in node:
            return f"type.googleapis.com/{self.package}.{node['$ref']}"
        kind, fmt = node.get("type"), node.get("format")
        if kind == "string":
            return "TYPE_ENUM" if "enum" in node else "TYPE_STRING"
        if kind == "integer":
            return "TYPE_UINT32" if fmt == "uint32" else "TYPE_INT32"
        if kind == "number":
            return "TYPE_FLOAT" if fmt == "float" else "TYPE_DOUBLE"
        return {"boolean": "TYPE_BOOL"}.get(str(kind), "TYPE_MESSAGE")

    def string(self, node: dict[str, Any], value: Any, path: str) -> Any:
        enum = node.get("enum")
        if enum is not None:
            if isinstance(value, int) and not isinstance(value, bool) and 0 <= value < len(enum):
                return enum[value]
            if not isinstance(value, str) or value not in enum:
                self.invalid(path, "TYPE_ENUM", value)
            return value
        if not isinstance(value, str):
            self.invalid(path, "TYPE_STRING", value)
        return value

    def integer(self, node: dict[str, Any], value: Any, path: str) -> Any:
        unsigned = node.get("format") == "uint32"
        kind = "TYPE_UINT32" if unsigned else "TYPE_INT32"
        number = _numeric(value)
        low, high = UINT32 if unsigned else INT32
        if number is None or not math.isfinite(number) or number != int(number) or not low <= number <= high:
            self.invalid(path, kind, value)
            return value
        return int(number)

    def number(self, node: dict[str, Any], value: Any, path: str) -> Any:
        kind = "TYPE_FLOAT" if node.get("format") == "float" else "TYPE_DOUBLE"
        if isinstance(value, str) and value in ("NaN", "Infinity", "-Infinity"):
            return float(value)
        number = _numeric(value)
        if number is None:
            self.invalid(path, kind, value)
            return value
        return value if isinstance(value, (int, float)) else number


def _numeric(value: Any) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return float(value)
    if isinstance(value, str) and _NUMBER.fullmatch(value.strip()):
        return float(value)
    return None


def _literal(value: Any) -> str:
    """The offending value as the front end quotes it (a list or an object is named, not printed)."""
    if isinstance(value, list):
        return "list"
    if isinstance(value, dict):
        return "object"
    return json.dumps(value, ensure_ascii=False)


def _snake(name: str) -> str:
    return re.sub(r"(?<=[a-z0-9])([A-Z])", r"_\1", name).lower()


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part[:1].upper() + part[1:] for part in rest)


def _join(path: str, name: str) -> str:
    return f"{path}.{name}" if path else name


def read(call: DriveCall) -> dict[str, Any]:
    """The request body of a Docs/Sheets method, checked against its request schema (400 when wrong)."""
    given = call.body_object()
    method = discovery.method(call.operation)
    request = method.get("request")
    if request is None:
        return given
    api = call.operation.split(".", 1)[0]
    version = method["path"].split("/", 1)[0]
    reader = _Reader(f"google.apps.{api}.{version}", discovery.schemas_of(call.operation))
    name = request["$ref"]
    body: dict[str, Any] = reader.message(name, reader.schemas[name], given, BODY_FIELD.get(call.operation, ""))
    if reader.problems:
        message = "\n".join(text for _, text in reader.problems)
        violations = [{"field": field, "description": text} for field, text in reader.problems]
        details = [{"@type": "type.googleapis.com/google.rpc.BadRequest", "fieldViolations": violations}]
        raise RpcError(400, message, "badRequest", details=details)
    return body
