"""JQL text -> syntax tree, with Jira's own error messages for malformed queries.

query   := [or] [ORDER BY field [ASC|DESC] {, field [ASC|DESC]}]
or      := and {OR and}          and := not {AND not}
not     := (NOT | !) not | '(' or ')' | clause
clause  := field op operand | field [NOT] IN list | field IS [NOT] (EMPTY|NULL)
         | field WAS [NOT] [IN] operand
operand := value | list | function '(' [args] ')' | EMPTY | NULL
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from services.jira.errors import JiraError

KEYWORDS = {"and", "or", "not", "in", "is", "was", "empty", "null", "order", "by", "asc", "desc", "changed"}
OPERATORS = ("!=", "!~", ">=", "<=", "=", "~", ">", "<")
VALID_OPERATORS = (
    "The valid operators are '=', '!=', '<', '>', '<=', '>=', '~', '!~', 'IN', 'NOT IN', 'IS' and 'IS NOT'."
)
WORD_STOP = set(" \t\r\n=!<>~(),\"'")


class JqlSyntaxError(JiraError):
    def __init__(self, message: str) -> None:
        super().__init__(400, message, extra={"warningMessages": []})


@dataclass(frozen=True)
class Token:
    kind: str  # word | string | op | lparen | rparen | comma | end
    text: str
    line: int
    column: int

    @property
    def keyword(self) -> str | None:
        return self.text.lower() if self.kind == "word" and self.text.lower() in KEYWORDS else None

    def shown(self) -> str:
        return "EOF" if self.kind == "end" else self.text


def _where(token: Token) -> str:
    return f"(line {token.line}, character {token.column})"


def tokenize(text: str) -> list[Token]:
    tokens: list[Token] = []
    index, line, line_start = 0, 1, 0
    while index < len(text):
        char = text[index]
        column = index - line_start + 1
        if char == "\n":
            index, line, line_start = index + 1, line + 1, index + 1
            continue
        if char.isspace():
            index += 1
            continue
        if char in "\"'":
            end = index + 1
            chars: list[str] = []
            while end < len(text) and text[end] != char:
                if text[end] == "\\" and end + 1 < len(text):
                    end += 1
                chars.append(text[end])
                end += 1
            if end >= len(text):
                raise JqlSyntaxError(
                    f"Error in the JQL Query: The quoted string '{text[index + 1 :]}' has not been completed. "
                    f"(line {line}, character {column})"
                )
            tokens.append(Token("string", "".join(chars), line, column))
            index = end + 1
            continue
        if char == "(":
            tokens.append(Token("lparen", "(", line, column))
            index += 1
            continue
        if char == ")":
            tokens.append(Token("rparen", ")", line, column))
            index += 1
            continue
        if char == ",":
            tokens.append(Token("comma", ",", line, column))
            index += 1
            continue
        operator = next((op for op in OPERATORS if text.startswith(op, index)), None)
        if operator is not None:
            tokens.append(Token("op", operator, line, column))
            index += len(operator)
            continue
        if char == "!":
            tokens.append(Token("word", "!", line, column))  # `!` negation
            index += 1
            continue
        end = index
        while end < len(text) and text[end] not in WORD_STOP:
            if text[end] == "[":  # cf[10000]
                close = text.find("]", end)
                end = close + 1 if close != -1 else len(text)
                continue
            end += 1
        tokens.append(Token("word", text[index:end], line, column))
        index = end
    last_column = len(text) - line_start + 1
    tokens.append(Token("end", "", line, last_column))
    return tokens


# -- the tree ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Function:
    name: str
    args: tuple[str, ...]


@dataclass(frozen=True)
class Value:
    text: str
    quoted: bool = False


Operand = Value | Function | tuple[Any, ...] | None  # a list is a tuple of Value|Function; None is EMPTY


@dataclass(frozen=True)
class Clause:
    field: str
    operator: str  # = != ~ !~ > >= < <= in "not in" is "is not" was "was not" "was in" "was not in"
    operand: Any
    token: Token


@dataclass(frozen=True)
class And:
    parts: tuple[Any, ...]


@dataclass(frozen=True)
class Or:
    parts: tuple[Any, ...]


@dataclass(frozen=True)
class Not:
    part: Any


@dataclass(frozen=True)
class OrderItem:
    field: str
    descending: bool
    token: Token


@dataclass
class Query:
    where: Any = None
    order: list[OrderItem] = field(default_factory=list)


# Parentheses and NOTs nest by recursion; past this depth a query is refused with a JQL error
# instead of exhausting Python's stack (which answered 500 on `((((...` thousands deep).
MAX_NESTING = 100


class _Parser:
    def __init__(self, tokens: list[Token]) -> None:
        self.tokens = tokens
        self.index = 0
        self.depth = 0

    @property
    def current(self) -> Token:
        return self.tokens[self.index]

    def advance(self) -> Token:
        token = self.tokens[self.index]
        self.index += 1
        return token

    def at_keyword(self, *words: str) -> bool:
        return self.current.keyword in words

    def parse(self) -> Query:
        query = Query()
        if not (self.current.kind == "end" or self.at_keyword("order")):
            query.where = self.parse_or()
        if self.at_keyword("order"):
            self.advance()
            if not self.at_keyword("by"):
                raise JqlSyntaxError(
                    f"Error in the JQL Query: Expecting 'BY' but got '{self.current.shown()}'. {_where(self.current)}"
                )
            self.advance()
            query.order = self.parse_order()
        if self.current.kind != "end":
            raise JqlSyntaxError(
                f"Error in the JQL Query: Expecting either 'OR' or 'AND' but got '{self.current.shown()}'. "
                f"{_where(self.current)}"
            )
        return query

    def parse_order(self) -> list[OrderItem]:
        items = []
        while True:
            token = self.current
            if token.kind not in ("word", "string") or token.keyword:
                raise JqlSyntaxError(
                    f"Error in the JQL Query: Expecting a field name but got '{token.shown()}'. {_where(token)}"
                )
            self.advance()
            descending = False
            if self.at_keyword("asc", "desc"):
                descending = self.advance().text.lower() == "desc"
            items.append(OrderItem(token.text, descending, token))
            if self.current.kind != "comma":
                return items
            self.advance()

    def parse_or(self) -> Any:
        parts = [self.parse_and()]
        while self.at_keyword("or"):
            self.advance()
            parts.append(self.parse_and())
        return parts[0] if len(parts) == 1 else Or(tuple(parts))

    def parse_and(self) -> Any:
        parts = [self.parse_not()]
        while self.at_keyword("and"):
            self.advance()
            parts.append(self.parse_not())
        return parts[0] if len(parts) == 1 else And(tuple(parts))

    def parse_not(self) -> Any:
        self.depth += 1
        try:
            if self.depth > MAX_NESTING:
                raise JqlSyntaxError(
                    "Error in the JQL Query: The query is nested too deeply "
                    f"(more than {MAX_NESTING} levels of parentheses or NOT). {_where(self.current)}"
                )
            return self._parse_not()
        finally:
            self.depth -= 1

    def _parse_not(self) -> Any:
        if self.at_keyword("not") or (self.current.kind == "word" and self.current.text == "!"):
            self.advance()
            return Not(self.parse_not())
        if self.current.kind == "lparen":
            self.advance()
            inner = self.parse_or()
            if self.current.kind != "rparen":
                raise JqlSyntaxError(
                    f"Error in the JQL Query: Expecting ')' but got '{self.current.shown()}'. {_where(self.current)}"
                )
            self.advance()
            return inner
        return self.parse_clause()

    def parse_clause(self) -> Clause:
        token = self.current
        if token.kind not in ("word", "string") or token.keyword:
            raise JqlSyntaxError(
                f"Error in the JQL Query: Expecting a field name but got '{token.shown()}'. {_where(token)}"
                if token.kind != "end"
                else f"Error in the JQL Query: Expecting a field name but got 'EOF'. {_where(token)}"
            )
        self.advance()
        name = token.text
        operator_token = self.current
        if operator_token.kind == "op":
            self.advance()
            return Clause(name, operator_token.text, self.parse_operand(allow_list=False), token)
        word = operator_token.keyword
        if word == "in":
            self.advance()
            return Clause(name, "in", self.parse_list(), token)
        if word == "not":
            self.advance()
            if not self.at_keyword("in"):
                raise self.expecting_operator(self.current)
            self.advance()
            return Clause(name, "not in", self.parse_list(), token)
        if word == "is":
            self.advance()
            negated = False
            if self.at_keyword("not"):
                self.advance()
                negated = True
            if not self.at_keyword("empty", "null"):
                raise JqlSyntaxError(
                    f"Error in the JQL Query: Expecting 'EMPTY' or 'NULL' but got '{self.current.shown()}'. "
                    f"{_where(self.current)}"
                )
            self.advance()
            return Clause(name, "is not" if negated else "is", None, token)
        if word == "was":
            self.advance()
            operator = "was"
            if self.at_keyword("not"):
                self.advance()
                operator = "was not"
            if self.at_keyword("in"):
                self.advance()
                return Clause(name, operator + " in", self.parse_list(), token)
            return Clause(name, operator, self.parse_operand(allow_list=False), token)
        raise self.expecting_operator(operator_token)

    def expecting_operator(self, token: Token) -> JqlSyntaxError:
        return JqlSyntaxError(
            f"Error in the JQL Query: Expecting operator but got '{token.shown()}'. {VALID_OPERATORS} {_where(token)}"
        )

    def parse_list(self) -> tuple[Any, ...]:
        if self.current.kind == "word" and not self.current.keyword and self.tokens[self.index + 1].kind == "lparen":
            return (self.parse_operand(allow_list=False),)  # `in membersOf(...)`-style functions
        if self.current.kind != "lparen":
            raise JqlSyntaxError(
                f"Error in the JQL Query: Expecting '(' but got '{self.current.shown()}'. {_where(self.current)}"
            )
        self.advance()
        values = [self.parse_operand(allow_list=False)]
        while self.current.kind == "comma":
            self.advance()
            values.append(self.parse_operand(allow_list=False))
        if self.current.kind != "rparen":
            raise JqlSyntaxError(
                f"Error in the JQL Query: Expecting ')' but got '{self.current.shown()}'. {_where(self.current)}"
            )
        self.advance()
        return tuple(values)

    def parse_operand(self, allow_list: bool) -> Any:
        token = self.current
        if token.kind == "string":
            self.advance()
            return Value(token.text, quoted=True)
        if token.kind == "word" and token.keyword in ("empty", "null"):
            self.advance()
            return None
        if token.kind == "word" and not token.keyword:
            self.advance()
            if self.current.kind == "lparen":
                self.advance()
                args: list[str] = []
                while self.current.kind in ("word", "string"):
                    args.append(self.advance().text)
                    if self.current.kind != "comma":
                        break
                    self.advance()
                if self.current.kind != "rparen":
                    raise JqlSyntaxError(
                        f"Error in the JQL Query: Expecting ')' but got '{self.current.shown()}'. "
                        f"{_where(self.current)}"
                    )
                self.advance()
                return Function(token.text, tuple(args))
            return Value(token.text)
        if token.kind == "lparen" and allow_list:
            return self.parse_list()
        shown = token.shown()
        raise JqlSyntaxError(
            f"Error in the JQL Query: Expecting either a value, list or function but got '{shown}'. "
            f"You must surround '{shown}' in quotation marks to use it as a value. {_where(token)}"
        )


def parse(text: str) -> Query:
    return _Parser(tokenize(text or "")).parse()
