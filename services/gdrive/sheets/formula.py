"""Sheets formulas: a parser and evaluator for the common subset.

Numbers, strings, TRUE/FALSE, cell references (`A1`, `$B$2`, `Sheet2!C3`, `'My Sheet'!A1:B4`),
operators by Sheets' precedence (comparison < `&` < `+ -` < `* /` < `^` < unary minus < `%`),
and the functions in FUNCTIONS. Errors are values, as in Sheets (`#DIV/0!`, `#VALUE!`,
`#NAME?`, `#REF!`, `#ERROR!`, `#N/A`), each with the message Sheets attaches.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from services.gdrive.sheets.a1 import column_index


@dataclass(frozen=True)
class Error:
    type: str  # ErrorValue.type: DIVIDE_BY_ZERO, VALUE, NAME, REF, ERROR, N_A, NUM
    message: str

    @property
    def code(self) -> str:
        return CODES[self.type]


CODES = {
    "DIVIDE_BY_ZERO": "#DIV/0!",
    "VALUE": "#VALUE!",
    "NAME": "#NAME?",
    "REF": "#REF!",
    "ERROR": "#ERROR!",
    "N_A": "#N/A",
    "NUM": "#NUM!",
}
Value = float | str | bool | None | Error


@dataclass(frozen=True)
class Ref:
    sheet: str | None
    row0: int
    col0: int
    row1: int
    col1: int  # inclusive ends


class ParseError(Exception):
    pass


_TOKEN = re.compile(
    r"\s*(?:"
    r"(?P<number>\d+(?:\.\d*)?(?:[eE][+-]?\d+)?|\.\d+(?:[eE][+-]?\d+)?)"
    r"|(?P<string>\"(?:[^\"]|\"\")*\")"
    r"|(?P<ref>(?:(?:'(?:[^']|'')+'|[A-Za-z_][A-Za-z0-9_.]*)!)?\$?[A-Za-z]{1,3}\$?\d+(?::\$?[A-Za-z]{1,3}\$?\d+)?)"
    r"|(?P<colrange>(?:(?:'(?:[^']|'')+'|[A-Za-z_][A-Za-z0-9_.]*)!)?\$?[A-Za-z]{1,3}:\$?[A-Za-z]{1,3})"
    r"|(?P<name>[A-Za-z_][A-Za-z0-9_.]*)"
    r"|(?P<op><>|<=|>=|[-+*/^&=<>%(),:;])"
    r")"
)
_CELL = re.compile(r"\$?([A-Za-z]{1,3})\$?(\d+)")


def tokenize(text: str) -> list[tuple[str, str]]:
    tokens: list[tuple[str, str]] = []
    pos = 0
    while pos < len(text):
        if text[pos:].strip() == "":
            break
        match = _TOKEN.match(text, pos)
        if match is None:
            raise ParseError(text[pos:])
        kind = match.lastgroup or ""
        tokens.append((kind, match.group(kind)))
        pos = match.end()
    return tokens


def _ref(text: str, whole_columns: bool = False) -> Ref:
    sheet = None
    if "!" in text:
        sheet, _, text = text.rpartition("!")
        if sheet.startswith("'"):
            sheet = sheet[1:-1].replace("''", "'")
    if whole_columns:
        first, second = text.replace("$", "").split(":")
        c0, c1 = column_index(first), column_index(second)
        return Ref(sheet, 0, min(c0, c1), 10**7, max(c0, c1))
    corners = [_CELL.fullmatch(part) for part in text.split(":")]
    cells = [(int(m.group(2)) - 1, column_index(m.group(1))) for m in corners if m]
    (r0, c0), (r1, c1) = cells[0], cells[-1]
    return Ref(sheet, min(r0, r1), min(c0, c1), max(r0, r1), max(c0, c1))


# AST nodes are tuples: ("num", v) ("str", v) ("bool", v) ("ref", Ref) ("call", name, args)
# ("unary", op, node) ("binary", op, left, right) ("percent", node)
Node = tuple[Any, ...]
_BINARY = {"=": 1, "<>": 1, "<": 1, ">": 1, "<=": 1, ">=": 1, "&": 2, "+": 3, "-": 3, "*": 4, "/": 4, "^": 5}


class _Parser:
    def __init__(self, tokens: list[tuple[str, str]]) -> None:
        self.tokens = tokens
        self.pos = 0

    def peek(self) -> tuple[str, str] | None:
        return self.tokens[self.pos] if self.pos < len(self.tokens) else None

    def take(self) -> tuple[str, str]:
        token = self.peek()
        if token is None:
            raise ParseError("unexpected end")
        self.pos += 1
        return token

    def expression(self, floor: int = 0) -> Node:
        left = self.unary()
        while True:
            token = self.peek()
            if token is None or token[0] != "op" or token[1] not in _BINARY:
                return left
            precedence = _BINARY[token[1]]
            if precedence < floor:
                return left
            self.take()
            # `^` is left-associative in Sheets, like the others.
            right = self.expression(precedence + 1)
            left = ("binary", token[1], left, right)

    def unary(self) -> Node:
        token = self.peek()
        if token is not None and token[0] == "op" and token[1] in "+-":
            self.take()
            operand = self.unary()
            return ("unary", token[1], operand) if token[1] == "-" else operand
        node = self.primary()
        while self.peek() == ("op", "%"):
            self.take()
            node = ("percent", node)
        return node

    def primary(self) -> Node:
        kind, text = self.take()
        if kind == "number":
            return ("num", float(text))
        if kind == "string":
            return ("str", text[1:-1].replace('""', '"'))
        if kind == "ref":
            return ("ref", _ref(text))
        if kind == "colrange":
            return ("ref", _ref(text, whole_columns=True))
        if kind == "name":
            upper = text.upper()
            if self.peek() == ("op", "("):
                self.take()
                args: list[Node] = []
                if self.peek() != ("op", ")"):
                    while True:
                        args.append(self.expression())
                        if self.peek() in (("op", ","), ("op", ";")):
                            self.take()
                            continue
                        break
                if self.take() != ("op", ")"):
                    raise ParseError("expected )")
                return ("call", upper, args)
            if upper in ("TRUE", "FALSE"):
                return ("bool", upper == "TRUE")
            return ("name", text)
        if (kind, text) == ("op", "("):
            node = self.expression()
            if self.take() != ("op", ")"):
                raise ParseError("expected )")
            return node
        raise ParseError(text)


@lru_cache(maxsize=4096)
def parse(formula: str) -> Node:
    """Parse the text after `=`; ParseError if it is not a formula Sheets would accept."""
    parser = _Parser(tokenize(formula))
    node = parser.expression()
    if parser.peek() is not None:
        raise ParseError(str(parser.peek()))
    return node


# -- evaluation ----------------------------------------------------------------------------------
Resolver = Callable[[Ref], list[list[Value]]]


def _display(value: Value) -> str:
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        return number_text(value)
    return "" if value is None else str(value)


def number_text(value: float) -> str:
    if value == int(value) and abs(value) < 1e15:
        return str(int(value))
    return f"{value:.10g}" if abs(value) >= 1e-4 else f"{value:.10G}"


def to_number(value: Value, function: str, position: int) -> float | Error:
    if isinstance(value, Error):
        return value
    if isinstance(value, bool):
        return 1.0 if value else 0.0
    if value is None:
        return 0.0
    if isinstance(value, float):
        return value
    try:
        return float(value.strip())
    except ValueError:
        return Error(
            "VALUE",
            f"Function {function} parameter {position} expects number values. "
            f"But '{value}' is a text and cannot be coerced to a number.",
        )


def to_text(value: Value) -> str | Error:
    return value if isinstance(value, Error) else _display(value)


def to_bool(value: Value, function: str, position: int) -> bool | Error:
    if isinstance(value, Error | bool):
        return value
    if value is None:
        return False
    if isinstance(value, float):
        return value != 0
    upper = value.strip().upper()
    if upper in ("TRUE", "FALSE"):
        return upper == "TRUE"
    return Error(
        "VALUE",
        f"Function {function} parameter {position} expects boolean values. "
        f"But '{value}' is a text and cannot be coerced to a boolean.",
    )


class Evaluator:
    def __init__(self, resolve: Resolver) -> None:
        self.resolve = resolve

    def scalar(self, node: Node) -> Value:
        value = self.value(node)
        if isinstance(value, list):
            # A range where one value is expected: its first cell (no implicit intersection here).
            return value[0][0] if value and value[0] else None
        return value

    def value(self, node: Node) -> Value | list[list[Value]]:
        kind = node[0]
        if kind in ("num", "str", "bool"):
            literal: Value = node[1]
            return literal
        if kind == "ref":
            cells = self.resolve(node[1])
            return cells if (len(cells) != 1 or len(cells[0]) != 1) else cells[0][0]
        if kind == "name":
            return Error("NAME", f"Unknown range name: '{node[1].upper()}'.")
        if kind == "unary":
            number = to_number(self.scalar(node[2]), "UMINUS", 1)
            return number if isinstance(number, Error) else -number
        if kind == "percent":
            number = to_number(self.scalar(node[1]), "UNARY_PERCENT", 1)
            return number if isinstance(number, Error) else number / 100
        if kind == "binary":
            return self.binary(node[1], self.scalar(node[2]), self.scalar(node[3]))
        if kind == "call":
            function = FUNCTIONS.get(node[1])
            if function is None:
                return Error("NAME", f"Unknown function: '{node[1]}'.")
            return function(self, node[2])
        return Error("ERROR", "Formula parse error.")

    def binary(self, op: str, left: Value, right: Value) -> Value:
        if op == "&":
            text_a, text_b = to_text(left), to_text(right)
            if isinstance(text_a, Error):
                return text_a
            return text_b if isinstance(text_b, Error) else text_a + text_b
        if op in ("=", "<>", "<", ">", "<=", ">="):
            return _compare(op, left, right)
        names = {"+": "ADD", "-": "MINUS", "*": "MULTIPLY", "/": "DIVIDE", "^": "POW"}
        a = to_number(left, names[op], 1)
        if isinstance(a, Error):
            return a
        b = to_number(right, names[op], 2)
        if isinstance(b, Error):
            return b
        if op == "+":
            return a + b
        if op == "-":
            return a - b
        if op == "*":
            return a * b
        if op == "/":
            if b == 0:
                return Error("DIVIDE_BY_ZERO", "Function DIVIDE parameter 2 cannot be zero.")
            return a / b
        try:
            return float(a**b)
        except (OverflowError, ZeroDivisionError, TypeError):
            return Error("NUM", "Function POW result was not a number.")


def _rank(value: Value) -> int:
    # Sheets orders numbers < text < booleans when comparing mixed types.
    return 0 if isinstance(value, float) or value is None else (2 if isinstance(value, bool) else 1)


def _compare(op: str, left: Value, right: Value) -> Value:
    for side in (left, right):
        if isinstance(side, Error):
            return side
    if left is None:
        left = 0.0 if isinstance(right, float) else ("" if isinstance(right, str) else False)
    if right is None:
        right = 0.0 if isinstance(left, float) else ("" if isinstance(left, str) else False)
    if _rank(left) != _rank(right):
        a: Any = _rank(left)
        b: Any = _rank(right)
    elif isinstance(left, str) and isinstance(right, str):
        a, b = left.lower(), right.lower()
    else:
        a, b = left, right
    return {
        "=": a == b,
        "<>": a != b,
        "<": a < b,
        ">": a > b,
        "<=": a <= b,
        ">=": a >= b,
    }[op]


# -- functions ---------------------------------------------------------------------------------
def _flat(evaluator: Evaluator, args: list[Node]) -> list[tuple[Value, bool]]:
    """Every argument value, with whether it came from a range (ranges skip text and booleans)."""
    found: list[tuple[Value, bool]] = []
    for arg in args:
        value = evaluator.value(arg)
        if isinstance(value, list):
            found.extend((cell, True) for row in value for cell in row)
        else:
            found.append((value, arg[0] == "ref"))
    return found


def _numbers(evaluator: Evaluator, args: list[Node], name: str) -> list[float] | Error:
    numbers: list[float] = []
    for position, (value, from_range) in enumerate(_flat(evaluator, args), start=1):
        if isinstance(value, Error):
            return value
        if from_range:
            if isinstance(value, float):
                numbers.append(value)
            continue
        number = to_number(value, name, position)
        if isinstance(number, Error):
            return number
        numbers.append(number)
    return numbers


def _sum(evaluator: Evaluator, args: list[Node]) -> Value:
    numbers = _numbers(evaluator, args, "SUM")
    return numbers if isinstance(numbers, Error) else float(math.fsum(numbers))


def _average(evaluator: Evaluator, args: list[Node]) -> Value:
    numbers = _numbers(evaluator, args, "AVERAGE")
    if isinstance(numbers, Error):
        return numbers
    if not numbers:
        return Error("DIVIDE_BY_ZERO", "Evaluation of function AVERAGE caused a divide by zero error.")
    return math.fsum(numbers) / len(numbers)


def _count(evaluator: Evaluator, args: list[Node]) -> Value:
    count = 0
    for value, from_range in _flat(evaluator, args):
        if isinstance(value, float) or (
            not from_range and isinstance(value, str) and not isinstance(to_number(value, "COUNT", 1), Error)
        ):
            count += 1
    return float(count)


def _counta(evaluator: Evaluator, args: list[Node]) -> Value:
    return float(sum(1 for value, _ in _flat(evaluator, args) if value is not None))


def _extreme(name: str, pick: Callable[[list[float]], float]) -> Callable[[Evaluator, list[Node]], Value]:
    def run(evaluator: Evaluator, args: list[Node]) -> Value:
        numbers = _numbers(evaluator, args, name)
        if isinstance(numbers, Error):
            return numbers
        return pick(numbers) if numbers else 0.0

    return run


def _arity(name: str, args: list[Node], low: int, high: int) -> Error | None:
    if low <= len(args) <= high:
        return None
    expected = str(low) if low == high else f"between {low} and {high}"
    return Error(
        "N_A", f"Wrong number of arguments to {name}. Expected {expected} arguments, but got {len(args)} arguments."
    )


def _if(evaluator: Evaluator, args: list[Node]) -> Value:
    wrong = _arity("IF", args, 2, 3)
    if wrong:
        return wrong
    condition = to_bool(evaluator.scalar(args[0]), "IF", 1)
    if isinstance(condition, Error):
        return condition
    if condition:
        return evaluator.scalar(args[1])
    return evaluator.scalar(args[2]) if len(args) == 3 else False


def _iferror(evaluator: Evaluator, args: list[Node]) -> Value:
    wrong = _arity("IFERROR", args, 1, 2)
    if wrong:
        return wrong
    value = evaluator.scalar(args[0])
    if isinstance(value, Error):
        return evaluator.scalar(args[1]) if len(args) == 2 else None
    return value


def _logic(name: str, combine: Callable[[list[bool]], bool]) -> Callable[[Evaluator, list[Node]], Value]:
    def run(evaluator: Evaluator, args: list[Node]) -> Value:
        flags: list[bool] = []
        for position, (value, from_range) in enumerate(_flat(evaluator, args), start=1):
            if from_range and (value is None or isinstance(value, str)):
                continue
            flag = to_bool(value, name, position)
            if isinstance(flag, Error):
                return flag
            flags.append(flag)
        return combine(flags)

    return run


def _not(evaluator: Evaluator, args: list[Node]) -> Value:
    wrong = _arity("NOT", args, 1, 1)
    if wrong:
        return wrong
    flag = to_bool(evaluator.scalar(args[0]), "NOT", 1)
    return flag if isinstance(flag, Error) else not flag


def _concatenate(evaluator: Evaluator, args: list[Node]) -> Value:
    parts = []
    for value, _ in _flat(evaluator, args):
        text = to_text(value)
        if isinstance(text, Error):
            return text
        parts.append(text)
    return "".join(parts)


def _text_function(name: str, change: Callable[[str], Value]) -> Callable[[Evaluator, list[Node]], Value]:
    def run(evaluator: Evaluator, args: list[Node]) -> Value:
        wrong = _arity(name, args, 1, 1)
        if wrong:
            return wrong
        text = to_text(evaluator.scalar(args[0]))
        return text if isinstance(text, Error) else change(text)

    return run


def _round(evaluator: Evaluator, args: list[Node]) -> Value:
    wrong = _arity("ROUND", args, 1, 2)
    if wrong:
        return wrong
    number = to_number(evaluator.scalar(args[0]), "ROUND", 1)
    places = to_number(evaluator.scalar(args[1]), "ROUND", 2) if len(args) == 2 else 0.0
    if isinstance(number, Error):
        return number
    if isinstance(places, Error):
        return places
    factor = 10 ** int(places)
    # Half away from zero, as Sheets rounds (Python's round() is half to even).
    return math.copysign(math.floor(abs(number) * factor + 0.5) / factor, number)


def _abs(evaluator: Evaluator, args: list[Node]) -> Value:
    wrong = _arity("ABS", args, 1, 1)
    if wrong:
        return wrong
    number = to_number(evaluator.scalar(args[0]), "ABS", 1)
    return number if isinstance(number, Error) else abs(number)


def _product(evaluator: Evaluator, args: list[Node]) -> Value:
    numbers = _numbers(evaluator, args, "PRODUCT")
    return numbers if isinstance(numbers, Error) else float(math.prod(numbers)) if numbers else 0.0


FUNCTIONS: dict[str, Callable[[Evaluator, list[Node]], Value]] = {
    "SUM": _sum,
    "AVERAGE": _average,
    "COUNT": _count,
    "COUNTA": _counta,
    "MIN": _extreme("MIN", min),
    "MAX": _extreme("MAX", max),
    "PRODUCT": _product,
    "IF": _if,
    "IFERROR": _iferror,
    "AND": _logic("AND", all),
    "OR": _logic("OR", any),
    "NOT": _not,
    "CONCATENATE": _concatenate,
    "CONCAT": _concatenate,
    "LEN": _text_function("LEN", lambda s: float(len(s))),
    "UPPER": _text_function("UPPER", str.upper),
    "LOWER": _text_function("LOWER", str.lower),
    "TRIM": _text_function("TRIM", lambda s: " ".join(s.split())),
    "ROUND": _round,
    "ABS": _abs,
}


def evaluate(formula: str, resolve: Resolver) -> Value:
    """The value of `=formula` (without the `=`)."""
    try:
        node = parse(formula)
    except ParseError:
        return Error("ERROR", "Formula parse error.")
    evaluator = Evaluator(resolve)
    value = evaluator.scalar(node)
    # A formula whose result is an empty cell shows 0 (`=C4` with C4 empty).
    return 0.0 if value is None else value
