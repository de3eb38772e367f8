"""SCIM 1.1 `filter` expressions, as Slack's SCIM API accepts them.

    userName eq "alice"      email co "@example.com"      displayName sw "Eng"
    active eq true           externalId pr                 a eq "x" and b eq "y"

Operators eq, co, sw, pr (plus gt/ge/lt/le on strings), joined by `and`/`or` (`and`
binds tighter); operators and attribute names are case-insensitive (Slack's own
examples write `Eq`). Filters are evaluated against the rendered SCIM resource, so
every attribute a resource shows can be filtered on.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

TOKEN = re.compile(r'\s*(?:"((?:[^"\\]|\\.)*)"|([^\s"]+))')
OPERATORS = {"eq", "co", "sw", "ew", "pr", "gt", "ge", "lt", "le"}
# Aliases Slack accepts for multi-valued attributes.
ALIASES = {"email": "emails.value", "emails": "emails.value", "members": "members.value", "groups": "groups.value"}

Predicate = Callable[[dict[str, Any]], bool]


class FilterError(ValueError):
    """The filter could not be parsed (Slack answers 400 `no_filters`)."""


def _tokens(text: str) -> list[tuple[str, bool]]:
    """(token, was_quoted) pairs."""
    out: list[tuple[str, bool]] = []
    position = 0
    text = text.strip()
    while position < len(text):
        match = TOKEN.match(text, position)
        if match is None or match.end() == position:
            raise FilterError(text)
        if match.group(1) is not None:
            out.append((match.group(1).replace('\\"', '"'), True))
        else:
            out.append((match.group(2), False))
        position = match.end()
    return out


def values(resource: dict[str, Any], path: str) -> list[Any]:
    """All values at an attribute path (case-insensitive), flattening multi-valued attributes."""
    path = ALIASES.get(path.lower(), path)
    current: list[Any] = [resource]
    for part in path.split("."):
        found: list[Any] = []
        for item in current:
            if not isinstance(item, dict):
                continue
            key = next((k for k in item if k.lower() == part.lower()), None)
            if key is None:
                continue
            value = item[key]
            found.extend(value if isinstance(value, list) else [value])
        current = found
    # A multi-valued complex attribute filtered by itself means its "value" sub-attribute.
    return [v["value"] if isinstance(v, dict) and "value" in v else v for v in current]


def _literal(token: str, quoted: bool) -> Any:
    if quoted:
        return token
    lowered = token.lower()
    if lowered in ("true", "false"):
        return lowered == "true"
    if lowered == "null":
        return None
    return token


def _compare(op: str, actual: Any, expected: Any) -> bool:
    if op == "pr":
        return actual not in (None, "", [], {})
    if isinstance(actual, bool) or isinstance(expected, bool):
        return op == "eq" and actual == expected
    if actual is None:
        return False
    left, right = str(actual).lower(), str(expected).lower()
    return {
        "eq": left == right,
        "co": right in left,
        "sw": left.startswith(right),
        "ew": left.endswith(right),
        "gt": left > right,
        "ge": left >= right,
        "lt": left < right,
        "le": left <= right,
    }[op]


def _term(attribute: str, op: str, expected: Any) -> Predicate:
    def matches(resource: dict[str, Any]) -> bool:
        found = values(resource, attribute)
        if op == "pr":
            return any(_compare("pr", v, None) for v in found)
        return any(_compare(op, v, expected) for v in found)

    return matches


def parse(text: str) -> Predicate:
    """Compile a filter into a predicate over rendered resources; FilterError if malformed."""
    tokens = _tokens(text)
    if not tokens:
        raise FilterError(text)
    groups: list[list[Predicate]] = [[]]
    index = 0
    while True:
        if index + 1 >= len(tokens):
            raise FilterError(text)
        (attribute, quoted_attr), (op, _) = tokens[index], tokens[index + 1]
        op = op.lower()
        if quoted_attr or op not in OPERATORS or not re.match(r"^[A-Za-z][\w.:-]*$", attribute):
            raise FilterError(text)
        if op == "pr":
            groups[-1].append(_term(attribute, op, None))
            index += 2
        else:
            if index + 2 >= len(tokens):
                raise FilterError(text)
            groups[-1].append(_term(attribute, op, _literal(*tokens[index + 2])))
            index += 3
        if index == len(tokens):
            break
        joiner = tokens[index][0].lower()
        if joiner == "or":
            groups.append([])
        elif joiner != "and":
            raise FilterError(text)
        index += 1

    def predicate(resource: dict[str, Any]) -> bool:
        return any(all(term(resource) for term in group) for group in groups)

    return predicate
