"""Drive's search query language (`files.list` `q`): a tokenizer, a parser and an evaluator.

    query   = or
    or      = and ("or" and)*
    and     = unary ("and" unary)*
    unary   = "not" unary | "(" query ")" | term
    term    = FIELD OP VALUE | VALUE "in" FIELD | FIELD "has" "{" key = 'k' and value = 'v' "}"
            | "sharedWithMe"

Terms and the operators each accepts are Drive's ("Search query terms and operators" in
the Drive API guides); anything else is refused as Google does, with 400 `Invalid Value`
on parameter `q`. Strings are single-quoted with `\\'` and `\\\\` escapes. The evaluator
asks a `Subject` (one item as the caller sees it) for field values.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Protocol

from services.gdrive.errors import invalid_value

STRING_TERMS = {"name": {"contains", "=", "!="}, "mimeType": {"contains", "=", "!="}, "fullText": {"contains"}}
STRING_TERMS["visibility"] = {"=", "!="}
STRING_TERMS["shortcutDetails.targetId"] = {"=", "!="}
DATE_TERMS = {"modifiedTime", "viewedByMeTime", "createdTime", "sharedWithMeTime"}
DATE_OPS = {"<", "<=", "=", "!=", ">", ">="}
BOOL_TERMS = {"trashed", "starred", "hidden", "sharedWithMe"}
COLLECTION_TERMS = {"parents", "owners", "writers", "readers"}
MAP_TERMS = {"properties", "appProperties"}

_TOKEN = re.compile(
    r"""\s*(?:
      (?P<string>'(?:[^'\\]|\\.)*')
    | (?P<op><=|>=|!=|=|<|>)
    | (?P<punct>[(){}])
    | (?P<word>[A-Za-z_][A-Za-z0-9_.]*)
    | (?P<number>-?\d+(?:\.\d+)?)
    )""",
    re.VERBOSE,
)


class QueryError(ValueError):
    pass


@dataclass(frozen=True)
class Token:
    kind: str  # string | op | punct | word | number
    text: str


def tokenize(text: str) -> list[Token]:
    tokens: list[Token] = []
    pos = 0
    while pos < len(text):
        if not text[pos:].strip():
            break
        match = _TOKEN.match(text, pos)
        if match is None:
            raise QueryError(f"unexpected input at {pos}")
        kind = match.lastgroup or ""
        raw = match.group(kind)
        if kind == "string":
            raw = re.sub(r"\\(.)", r"\1", raw[1:-1])
        tokens.append(Token(kind, raw))
        pos = match.end()
    return tokens


# -- the tree ---------------------------------------------------------------------------------
@dataclass(frozen=True)
class Compare:
    field: str
    op: str
    value: str | bool | float


@dataclass(frozen=True)
class Member:
    value: str
    field: str


@dataclass(frozen=True)
class Has:
    field: str
    key: str
    value: str


@dataclass(frozen=True)
class Not:
    operand: Node


@dataclass(frozen=True)
class BoolOp:
    op: str  # and | or
    operands: tuple[Node, ...]


Node = Compare | Member | Has | Not | BoolOp


class _Parser:
    def __init__(self, tokens: list[Token]) -> None:
        self.tokens = tokens
        self.pos = 0

    def peek(self) -> Token | None:
        return self.tokens[self.pos] if self.pos < len(self.tokens) else None

    def take(self) -> Token:
        token = self.peek()
        if token is None:
            raise QueryError("unexpected end of query")
        self.pos += 1
        return token

    def expect(self, kind: str, text: str | None = None) -> Token:
        token = self.take()
        if token.kind != kind or (text is not None and token.text != text):
            raise QueryError(f"expected {text or kind}, got {token.text!r}")
        return token

    def keyword(self, word: str) -> bool:
        token = self.peek()
        return token is not None and token.kind == "word" and token.text.lower() == word

    def query(self) -> Node:
        return self._chain("or", self._and)

    def _and(self) -> Node:
        return self._chain("and", self._unary)

    def _chain(self, word: str, operand: object) -> Node:
        parse = operand  # a bound method returning a Node
        items = [parse()]  # type: ignore[operator]
        while self.keyword(word):
            self.take()
            items.append(parse())  # type: ignore[operator]
        return items[0] if len(items) == 1 else BoolOp(word, tuple(items))

    def _unary(self) -> Node:
        if self.keyword("not"):
            self.take()
            return Not(self._unary())
        token = self.peek()
        if token is not None and token.kind == "punct" and token.text == "(":
            self.take()
            inner = self.query()
            self.expect("punct", ")")
            return inner
        return self._term()

    def _term(self) -> Node:
        first = self.take()
        if first.kind == "string":  # 'value' in collection
            if not self.keyword("in"):
                raise QueryError("expected in")
            self.take()
            field = self.expect("word").text
            if field not in COLLECTION_TERMS:
                raise QueryError(f"{field} is not a collection")
            return Member(first.text, field)
        if first.kind != "word":
            raise QueryError(f"unexpected {first.text!r}")
        field = first.text
        if field == "sharedWithMe" and not self._next_is_op():
            return Compare(field, "=", True)
        if field in MAP_TERMS:
            return self._has(field)
        op = self.take()
        if op.kind == "word" and op.text == "contains":
            operator = "contains"
        elif op.kind == "op":
            operator = op.text
        else:
            raise QueryError(f"unexpected {op.text!r}")
        value = self.take()
        if field in STRING_TERMS:
            if operator not in STRING_TERMS[field] or value.kind != "string":
                raise QueryError(f"{field} {operator}")
            return Compare(field, operator, value.text)
        if field in DATE_TERMS:
            if operator not in DATE_OPS or value.kind != "string":
                raise QueryError(f"{field} {operator}")
            return Compare(field, operator, parse_time(value.text))
        if field in BOOL_TERMS:
            if operator not in ("=", "!=") or value.kind != "word" or value.text.lower() not in ("true", "false"):
                raise QueryError(f"{field} {operator}")
            return Compare(field, operator, value.text.lower() == "true")
        raise QueryError(f"unknown term {field}")

    def _next_is_op(self) -> bool:
        token = self.peek()
        return token is not None and token.kind == "op"

    def _has(self, field: str) -> Node:
        if not self.keyword("has"):
            raise QueryError("expected has")
        self.take()
        self.expect("punct", "{")
        self.expect("word", "key")
        self.expect("op", "=")
        key = self.expect("string").text
        if not self.keyword("and"):
            raise QueryError("expected and")
        self.take()
        self.expect("word", "value")
        self.expect("op", "=")
        value = self.expect("string").text
        self.expect("punct", "}")
        return Has(field, key, value)


def parse_time(text: str) -> float:
    """RFC 3339 (`2012-06-04T12:00:00`, UTC unless an offset is given) or a date."""
    raw = text.strip()
    if raw.endswith("Z") or raw.endswith("z"):
        raw = raw[:-1] + "+00:00"
    try:
        parsed = datetime.fromisoformat(raw)
    except ValueError:
        raise QueryError(f"bad time {text!r}") from None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed.timestamp()


def parse(text: str) -> Node | None:
    """The tree of a `q` parameter (None for an empty one); 400 `Invalid Value` on any defect."""
    if not text.strip():
        return None
    try:
        parser = _Parser(tokenize(text))
        node = parser.query()
        if parser.peek() is not None:
            raise QueryError(f"trailing {parser.peek()}")
    except QueryError:
        raise invalid_value("q") from None
    return node


def uses_full_text(node: Node | None) -> bool:
    if node is None:
        return False
    if isinstance(node, Compare):
        return node.field == "fullText"
    if isinstance(node, Not):
        return uses_full_text(node.operand)
    if isinstance(node, BoolOp):
        return any(uses_full_text(n) for n in node.operands)
    return False


# -- evaluation -------------------------------------------------------------------------------
class Subject(Protocol):
    """One item, as the caller sees it."""

    def text(self, field: str) -> str: ...
    def flag(self, field: str) -> bool: ...
    def time(self, field: str) -> float | None: ...
    def has_member(self, field: str, value: str) -> bool: ...
    def mapping(self, field: str) -> dict[str, str]: ...
    def full_text(self) -> str: ...


_WORD = re.compile(r"[^\W_]+", re.UNICODE)


def name_contains(name: str, needle: str) -> bool:
    """Drive matches `name contains` on word prefixes: 'Hello' finds "HelloWorld", 'World' does not."""
    name, needle = name.lower(), needle.lower()
    if not needle:
        return True
    if name.startswith(needle):
        return True
    return any(name[m.start() :].startswith(needle) for m in _WORD.finditer(name))


def text_contains(haystack: str, needle: str) -> bool:
    """fullText: every word of the phrase, in order, as whole words (case-insensitive)."""
    words = _WORD.findall(needle.lower())
    if not words:
        return True
    pattern = r"(?<![^\W_])" + r"[\W_]+".join(re.escape(w) for w in words) + r"(?![^\W_])"
    return re.search(pattern, haystack.lower()) is not None


def _compare(left: float | str | bool, op: str, right: float | str | bool) -> bool:
    if op == "=":
        return left == right
    if op == "!=":
        return left != right
    if op == "<":
        return left < right  # type: ignore[operator]
    if op == "<=":
        return left <= right  # type: ignore[operator]
    if op == ">":
        return left > right  # type: ignore[operator]
    return left >= right  # type: ignore[operator]


def matches(node: Node | None, subject: Subject) -> bool:
    if node is None:
        return True
    if isinstance(node, BoolOp):
        if node.op == "and":
            return all(matches(n, subject) for n in node.operands)
        return any(matches(n, subject) for n in node.operands)
    if isinstance(node, Not):
        return not matches(node.operand, subject)
    if isinstance(node, Member):
        return subject.has_member(node.field, node.value)
    if isinstance(node, Has):
        return subject.mapping(node.field).get(node.key) == node.value
    field, op, value = node.field, node.op, node.value
    if field == "fullText":
        return text_contains(subject.full_text(), str(value))
    if field in STRING_TERMS:
        actual = subject.text(field)
        if op == "contains":
            return name_contains(actual, str(value)) if field == "name" else str(value).lower() in actual.lower()
        return _compare(actual, op, str(value))
    if field in BOOL_TERMS:
        return _compare(subject.flag(field), op, bool(value))
    moment = subject.time(field)
    if moment is None:
        return op == "!="
    # Drive compares at millisecond precision: the milliseconds its RFC 3339 times show.
    return _compare(millisecond(moment), op, millisecond(float(value)))


def millisecond(moment: float) -> int:
    """The millisecond of a timestamp as timefmt.rfc3339 writes it: the microsecond rounded as
    datetime.fromtimestamp rounds it (the fraction alone, half to even), then truncated."""
    fraction, whole = math.modf(moment)
    micro = round(fraction * 1_000_000)
    if micro >= 1_000_000:
        whole, micro = whole + 1, micro - 1_000_000
    elif micro < 0:
        whole, micro = whole - 1, micro + 1_000_000
    return int(whole) * 1000 + micro // 1000
