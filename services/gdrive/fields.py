"""Partial responses: Google's `fields` syntax, parsed, checked against the method's schema, applied.

    fields = item ("," item)*
    item   = path [ "(" fields ")" ]
    path   = name ("/" name)*        name = identifier | "*"

`files(id,name),nextPageToken` selects two keys of every element of `files` and the token;
`a/b` is `a(b)`. A name the response schema does not have is refused with Google's
`Invalid field selection <name>` before the request runs.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from services.gdrive.errors import GoogleError

# A selection maps a key to its sub-selection; None selects the whole value.
Selection = dict[str, "Selection | None"]
_TOKEN = re.compile(r"\s*(?:([A-Za-z0-9_$@.\-]+|\*)|([,()/]))")


class FieldsError(ValueError):
    pass


def invalid(name: str) -> GoogleError:
    return GoogleError(400, f"Invalid field selection {name}", "invalidParameter", location="fields")


def _tokens(text: str) -> list[str]:
    tokens, pos = [], 0
    while pos < len(text):
        if text[pos:].strip() == "":
            break
        match = _TOKEN.match(text, pos)
        if match is None:
            raise FieldsError(text[pos:])
        tokens.append(match.group(1) or match.group(2))
        pos = match.end()
    return tokens


def _merge(into: Selection, key: str, sub: Selection | None) -> None:
    if key in into:
        existing = into[key]
        if existing is None or sub is None:
            into[key] = None
        else:
            for k, v in sub.items():
                _merge(existing, k, v)
    else:
        into[key] = sub


class _Parser:
    def __init__(self, tokens: list[str]) -> None:
        self.tokens = tokens
        self.pos = 0

    def peek(self) -> str | None:
        return self.tokens[self.pos] if self.pos < len(self.tokens) else None

    def take(self) -> str:
        token = self.peek()
        if token is None:
            raise FieldsError("unexpected end")
        self.pos += 1
        return token

    def items(self) -> Selection:
        selection: Selection = {}
        while True:
            path = [self._name()]
            while self.peek() == "/":
                self.take()
                path.append(self._name())
            sub: Selection | None = None
            if self.peek() == "(":
                self.take()
                sub = self.items()
                if self.take() != ")":
                    raise FieldsError("expected )")
            for name in reversed(path[1:]):
                sub = {name: sub}
            _merge(selection, path[0], sub)
            if self.peek() != ",":
                return selection
            self.take()

    def _name(self) -> str:
        token = self.take()
        if token in (",", "(", ")", "/"):
            raise FieldsError(token)
        return token


def parse(text: str) -> Selection:
    try:
        parser = _Parser(_tokens(text))
        selection = parser.items()
        if parser.peek() is not None:
            raise FieldsError(parser.peek() or "")
    except FieldsError:
        raise invalid(text.strip()) from None
    return selection


@lru_cache(maxsize=256)
def parse_cached(text: str) -> Selection:
    """`parse` for the handlers' fixed default selections: shared, so never to be modified."""
    return parse(text)


def _resolve(schema: dict[str, Any], schemas: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        schema = schemas[schema["$ref"]]
    if schema.get("type") == "array":
        return _resolve(schema.get("items", {}), schemas)
    return schema


def validate(selection: Selection, schema: dict[str, Any], schemas: dict[str, Any]) -> None:
    """Refuse names the schema does not define (maps accept any key)."""
    resolved = _resolve(schema, schemas)
    properties = resolved.get("properties")
    for name, sub in selection.items():
        if name == "*":
            continue
        if properties is not None and name in properties:
            child = properties[name]
        elif "additionalProperties" in resolved:
            child = resolved["additionalProperties"]
        else:
            raise invalid(name)
        if sub is not None:
            validate(sub, child, schemas)


def apply(value: Any, selection: Selection | None) -> Any:
    if selection is None:
        return value
    if isinstance(value, list):
        return [apply(item, selection) for item in value]
    if not isinstance(value, dict):
        return value
    if "*" in selection and selection["*"] is None:
        chosen = dict.fromkeys(value, None)
        chosen.update({k: v for k, v in selection.items() if k != "*"})
        selection = chosen
    return {key: apply(value[key], sub) for key, sub in selection.items() if key in value}
