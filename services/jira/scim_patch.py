"""SCIM 2.0 request parsing for the Users endpoints: the error type, PATCH operations, `filter`.

PATCH (RFC 7644 §3.5.2) arrives as `{"Operations": [{"op", "path"?, "value"}]}`; identity
providers send `replace` either with a path (`"path": "active", "value": false`) or with an
object of attributes and no path. Both become one flat attribute mapping applied like a
partial PUT. Filters: the `attr eq "value"` form identity providers use to match accounts.
"""

from __future__ import annotations

import re
from typing import Any

PATCH_OP = "urn:ietf:params:scim:api:messages:2.0:PatchOp"
SIMPLE = {"active", "username", "externalid", "displayname", "title"}
CANONICAL = {"username": "userName", "externalid": "externalId", "displayname": "displayName"}
FILTER = re.compile(r'^\s*(userName|externalId|emails\.value|emails)\s+eq\s+"((?:[^"\\]|\\.)*)"\s*$', re.IGNORECASE)


class ScimError(Exception):
    def __init__(self, status: int, detail: str, scim_type: str | None = None) -> None:
        super().__init__(detail)
        self.status = status
        self.detail = detail
        self.scim_type = scim_type


def parse_filter(text: str | None) -> tuple[str, str] | None:
    """(lower-cased attribute, value) of `attr eq "value"`; None without a filter; 400 otherwise."""
    if text is None or not text.strip():
        return None
    match = FILTER.match(text)
    if match is None:
        raise ScimError(400, f"Unsupported filter: {text}", "invalidFilter")
    return match.group(1).lower(), match.group(2).replace('\\"', '"')


def _set(changes: dict[str, Any], path: str, value: Any) -> None:
    key = path.strip()
    lower = key.lower()
    if lower.startswith("urn:ietf:params:scim:schemas:core:2.0:user:"):
        lower = lower.rsplit(":", 1)[1]
    if lower in SIMPLE:
        changes[CANONICAL.get(lower, lower)] = value
    elif lower in ("name.givenname", "name.familyname"):
        part = "givenName" if lower.endswith("givenname") else "familyName"
        changes.setdefault("name", {})[part] = value
    elif lower == "name" and isinstance(value, dict):
        changes.setdefault("name", {}).update(value)
    elif lower in ("emails", 'emails[type eq "work"].value', "emails.value"):
        changes["emails"] = value if isinstance(value, list) else [{"value": value, "primary": True}]
    else:
        raise ScimError(400, f"Unsupported attribute path: {path}", "invalidPath")


def apply_patch(body: dict[str, Any]) -> dict[str, Any]:
    """The attributes a PatchOp body sets, as a partial User resource."""
    operations = body.get("Operations")
    if not isinstance(operations, list) or not operations:
        raise ScimError(400, "Operations must be a non-empty list.", "invalidSyntax")
    changes: dict[str, Any] = {}
    for operation in operations:
        if not isinstance(operation, dict):
            raise ScimError(400, "Each operation must be an object.", "invalidSyntax")
        op = str(operation.get("op") or "").lower()
        if op not in ("add", "replace", "remove"):
            raise ScimError(400, f"Unsupported operation: {operation.get('op')}", "invalidSyntax")
        path, value = operation.get("path"), operation.get("value")
        if op == "remove":
            if not isinstance(path, str):
                raise ScimError(400, "A remove operation needs a path.", "noTarget")
            _set(changes, path, None if path.lower() != "active" else False)
        elif isinstance(path, str) and path:
            _set(changes, path, value)
        elif isinstance(value, dict):
            for key, item in value.items():
                _set(changes, key, item)
        else:
            raise ScimError(400, "An operation without a path needs an object value.", "invalidValue")
    if "active" in changes and isinstance(changes["active"], str) and changes["active"].lower() in ("true", "false"):
        changes["active"] = changes["active"].lower() == "true"  # some providers send booleans as strings
    return changes
