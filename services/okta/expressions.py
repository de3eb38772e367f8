"""Okta's filter and search expressions (a SCIM filter dialect), parsed and evaluated.

    status eq "ACTIVE" and (profile.department eq "Eng" or profile.title sw "Dir")
    lastUpdated gt "2026-01-01T00:00:00.000Z"
    profile.nickname pr

Operators: eq ne gt ge lt le sw co ew pr; `and`, `or`, `not`, parentheses. Values are
strings in double quotes, numbers, true, false or null. Operator and attribute
keywords are case-insensitive; string comparisons are case-insensitive, as Okta's
search is. Evaluation goes through a resolver that maps an attribute path to the
object's value (dates as epoch seconds, compared with ISO-8601 strings parsed).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from services.okta.timefmt import parse_iso

COMPARISONS = frozenset({"eq", "ne", "gt", "ge", "lt", "le", "sw", "co", "ew"})
_TOKEN = re.compile(
    r"""\s*(?:
        (?P<lparen>\() | (?P<rparen>\)) |
        "(?P<string>(?:[^"\\]|\\.)*)" |
        (?P<number>-?\d+(?:\.\d+)?)(?![\w.]) |
        (?P<word>[A-Za-z_$][\w.$:-]*)
    )""",
    re.VERBOSE,
)


class InvalidExpression(ValueError):
    """The expression does not parse; callers raise Okta's error for their parameter."""


@dataclass(frozen=True)
class Comparison:
    path: str
    op: str  # one of COMPARISONS or "pr"
    value: Any = None


@dataclass(frozen=True)
class Logical:
    op: str  # "and" | "or"
    left: Expression
    right: Expression


@dataclass(frozen=True)
class Not:
    inner: Expression


Expression = Comparison | Logical | Not
Resolver = Callable[[str], Any]


def tokenize(text: str) -> list[tuple[str, Any]]:
    tokens: list[tuple[str, Any]] = []
    position = 0
    stripped = text.rstrip()
    while position < len(stripped):
        match = _TOKEN.match(stripped, position)
        if match is None or match.end() == position:
            raise InvalidExpression(f"unexpected character at {position}")
        kind = match.lastgroup or ""
        raw = match.group(kind)
        if kind == "string":
            tokens.append(("value", re.sub(r"\\(.)", r"\1", raw)))
        elif kind == "number":
            tokens.append(("value", float(raw) if "." in raw else int(raw)))
        elif kind == "word":
            lowered = raw.lower()
            if lowered in ("true", "false"):
                tokens.append(("value", lowered == "true"))
            elif lowered == "null":
                tokens.append(("value", None))
            else:
                tokens.append(("word", raw))
        else:
            tokens.append((kind, raw))
        position = match.end()
    return tokens


class _Parser:
    def __init__(self, tokens: list[tuple[str, Any]]) -> None:
        self.tokens = tokens
        self.index = 0

    def peek_word(self) -> str | None:
        if self.index < len(self.tokens) and self.tokens[self.index][0] == "word":
            return str(self.tokens[self.index][1]).lower()
        return None

    def take(self, kind: str) -> Any:
        if self.index >= len(self.tokens) or self.tokens[self.index][0] != kind:
            raise InvalidExpression(f"expected {kind}")
        value = self.tokens[self.index][1]
        self.index += 1
        return value

    def parse(self) -> Expression:
        expression = self.disjunction()
        if self.index != len(self.tokens):
            raise InvalidExpression("trailing input")
        return expression

    def disjunction(self) -> Expression:
        left = self.conjunction()
        while self.peek_word() == "or":
            self.index += 1
            left = Logical("or", left, self.conjunction())
        return left

    def conjunction(self) -> Expression:
        left = self.unary()
        while self.peek_word() == "and":
            self.index += 1
            left = Logical("and", left, self.unary())
        return left

    def unary(self) -> Expression:
        if self.peek_word() == "not":
            self.index += 1
            return Not(self.unary())
        if self.index < len(self.tokens) and self.tokens[self.index][0] == "lparen":
            self.index += 1
            inner = self.disjunction()
            self.take("rparen")
            return inner
        path = str(self.take("word"))
        op = (self.peek_word() or "").lower()
        if op == "pr":
            self.index += 1
            return Comparison(path, "pr")
        if op not in COMPARISONS:
            raise InvalidExpression(f"unknown operator after {path}")
        self.index += 1
        return Comparison(path, op, self.take("value"))


def parse(text: str) -> Expression:
    if not text or not text.strip():
        raise InvalidExpression("empty expression")
    return _Parser(tokenize(text)).parse()


def evaluate(expression: Expression, resolve: Resolver) -> bool:
    if isinstance(expression, Logical):
        if expression.op == "and":
            return evaluate(expression.left, resolve) and evaluate(expression.right, resolve)
        return evaluate(expression.left, resolve) or evaluate(expression.right, resolve)
    if isinstance(expression, Not):
        return not evaluate(expression.inner, resolve)
    return _compare(resolve(expression.path), expression.op, expression.value)


def paths(expression: Expression) -> list[str]:
    """Every attribute path the expression mentions (to validate them against what a collection supports)."""
    if isinstance(expression, Logical):
        return paths(expression.left) + paths(expression.right)
    if isinstance(expression, Not):
        return paths(expression.inner)
    return [expression.path]


def _compare(actual: Any, op: str, expected: Any) -> bool:
    if op == "pr":
        return actual not in (None, "", [], {})
    if isinstance(actual, list):  # multi-valued attributes match when any value does
        return any(_compare(item, op, expected) for item in actual)
    if isinstance(actual, float | int) and not isinstance(actual, bool) and isinstance(expected, str):
        try:
            expected = parse_iso(expected)  # a date attribute (epoch seconds) against an ISO string
        except ValueError:
            return False
    if isinstance(actual, str) and isinstance(expected, str):
        actual, expected = actual.lower(), expected.lower()
    if op == "eq":
        return bool(actual == expected)
    if op == "ne":
        return bool(actual != expected)
    if actual is None or expected is None:
        return False
    if op in ("sw", "co", "ew"):
        if not isinstance(actual, str) or not isinstance(expected, str):
            return False
        return (
            actual.startswith(expected)
            if op == "sw"
            else expected in actual
            if op == "co"
            else actual.endswith(expected)
        )
    try:
        if op == "gt":
            return bool(actual > expected)
        if op == "ge":
            return bool(actual >= expected)
        if op == "lt":
            return bool(actual < expected)
        return bool(actual <= expected)
    except TypeError:
        return False
