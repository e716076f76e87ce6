"""The expression language: text → statements, with a line and column for every piece.

A hand-written tokenizer and a precedence-climbing parser that follows the grammar in the design:
user text is only ever *read* here, never given to eval, exec or compile. Recursion is bounded by
the nesting limit, so hostile input gets a clear error instead of a crash.

    program   := statement ((NEWLINE | ';') statement)*
    statement := NAME '=' expr | expr
    expr      := sum (('<' | '>' | '==') sum)?
    sum       := term (('+' | '-') term)*
    term      := unary (('*' | '/') unary)*
    unary     := ('-' | '+') unary | power
    power     := atom (('**' | '^') unary)?
    atom      := NUMBER | NAME | FUNC '(' expr (',' expr)* ')' | '(' expr ')'

Its output, a ``Program`` (the statements and a ``SourceMap`` of the text), is the analysis stage's
input; see docs/architecture.md for the whole path from text to page.
"""

from __future__ import annotations

import math
import re
from bisect import bisect_right
from dataclasses import dataclass
from typing import NamedTuple

from .errors import ParseError, ReservedNameError, TooLargeError
from .vocabulary import FUNCTIONS

MAX_SOURCE_CHARS = 200_000
MAX_NESTING = 200


# -- source positions --------------------------------------------------------------------------------


@dataclass(slots=True)
class Span:
    """Where a piece of the program is: 1-based line and column, end exclusive; offsets 0-based."""

    line: int
    column: int
    end_line: int
    end_column: int
    offset: int
    end_offset: int


class SourceMap:
    """Turns character offsets into Spans: the parser keeps only offsets, and a graph asks for
    line and column once per node it makes."""

    def __init__(self, source: str):
        starts = [0]
        find = source.find
        at = find("\n")
        while at != -1:
            starts.append(at + 1)
            at = find("\n", at + 1)
        self.line_starts = starts

    def span(self, loc: tuple[int, int]) -> Span:
        start, end = loc
        starts = self.line_starts
        line = bisect_right(starts, start)
        end_line = bisect_right(starts, end - 1) if end > start else line
        return Span(line, start - starts[line - 1] + 1, end_line, end - starts[end_line - 1] + 1, start, end)


# -- tokens ------------------------------------------------------------------------------------------

_TOKEN = re.compile(
    r"""
    (?P<space>[ \t\r\f\v]+)
  | (?P<comment>\#[^\n]*)
  | (?P<newline>\n)
  | (?P<number>(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?)
  | (?P<name>[A-Za-z_][A-Za-z_0-9]*)
  | (?P<op>\*\*|==|[-+*/^()=<>;,])
    """,
    re.VERBOSE,
)


class Token(NamedTuple):
    kind: str  # number | name | op | newline | end
    text: str
    line: int
    column: int
    offset: int
    end_offset: int


def _describe(token: Token) -> str:
    if token.kind == "end":
        return "unexpected end of input"
    if token.kind == "newline":
        return "unexpected end of line"
    return f"unexpected {token.text!r}"


def tokenize(source: str) -> list[Token]:
    """Split ``source`` into tokens, or raise ParseError at the first character that fits none."""
    tokens: list[Token] = []
    append = tokens.append
    line, line_start, pos, size = 1, 0, 0, len(source)
    match = _TOKEN.match
    while pos < size:
        found = match(source, pos)
        if found is None:
            raise ParseError(line, pos - line_start + 1, f"unexpected character {source[pos]!r}")
        kind = found.lastgroup
        end = found.end()
        if kind == "newline":
            append(Token("newline", "\n", line, pos - line_start + 1, pos, end))
            line, line_start = line + 1, end
        elif kind != "space" and kind != "comment":
            append(Token(kind, found.group(), line, pos - line_start + 1, pos, end))
        pos = end
    append(Token("end", "", line, pos - line_start + 1, pos, pos))
    return tokens


# -- syntax tree: every node keeps `loc`, its (start, end) character offsets ------------------------


@dataclass(slots=True)
class Number:
    value: float
    loc: tuple[int, int]


@dataclass(slots=True)
class Name:
    name: str
    loc: tuple[int, int]


@dataclass(slots=True)
class Unary:
    op: str  # "-"
    operand: object
    loc: tuple[int, int]


@dataclass(slots=True)
class Binary:
    op: str  # + - * / ** < > ==
    left: object
    right: object
    loc: tuple[int, int]
    op_start: int


@dataclass(slots=True)
class Call:
    function: str
    arguments: tuple
    loc: tuple[int, int]


@dataclass(slots=True)
class Statement:
    target: str | None  # the assigned name, or None for a bare expression
    expr: object
    loc: tuple[int, int]
    target_loc: tuple[int, int] | None = None  # where the assigned name is written


@dataclass(slots=True)
class Program:
    """A parsed program: its statements in order, and the map from offsets to lines and columns."""

    statements: list[Statement]
    source_map: SourceMap


# Binding powers for the precedence climb: higher binds tighter.
_BINARY = {"<": 1, ">": 1, "==": 1, "+": 2, "-": 2, "*": 3, "/": 3, "**": 5, "^": 5}
_UNARY_OPERAND = 4  # -x**2 is -(x**2); -a*b is (-a)*b
_COMPARISONS = frozenset(("<", ">", "=="))


class _Parser:
    def __init__(self, tokens: list[Token]):
        self.tokens = tokens
        self.pos = 0
        self.depth = 0

    def fail(self, token: Token | None = None, what: str | None = None):
        token = token or self.tokens[self.pos]
        raise ParseError(token.line, token.column, what or _describe(token))

    def expect(self, text: str) -> Token:
        token = self.tokens[self.pos]
        if token.kind == "op" and token.text == text:
            self.pos += 1
            return token
        self.fail(what=f"{_describe(token)}, expected {text!r}")

    # program := statement ((NEWLINE | ';') statement)*, empty statements allowed
    def program(self) -> list[Statement]:
        statements = []
        tokens = self.tokens
        while True:
            token = tokens[self.pos]
            if token.kind == "end":
                return statements
            if token.kind == "newline" or (token.kind == "op" and token.text == ";"):
                self.pos += 1
                continue
            statements.append(self.statement())
            after = tokens[self.pos]
            if not (after.kind in ("end", "newline") or (after.kind == "op" and after.text == ";")):
                self.fail(after)

    def statement(self) -> Statement:
        first = self.tokens[self.pos]
        after = self.tokens[self.pos + 1] if first.kind == "name" else None
        if after is not None and after.kind == "op" and after.text == "=":
            if first.text in FUNCTIONS:
                raise ReservedNameError(
                    f"line {first.line}, column {first.column}: {first.text!r} is a function "
                    "name and cannot be assigned",
                    first.line,
                    first.column,
                    [first.text],
                )
            self.pos += 2
            expr = self.expression(0)
            return Statement(first.text, expr, (first.offset, expr.loc[1]), (first.offset, first.end_offset))
        expr = self.expression(0)
        return Statement(None, expr, expr.loc)

    def expression(self, min_power: int):
        self.depth += 1
        if self.depth > MAX_NESTING + 1:  # the statement's own expression is level 0, not 1
            token = self.tokens[self.pos]
            raise TooLargeError(
                f"line {token.line}, column {token.column}: nesting deeper than {MAX_NESTING}",
                token.line,
                token.column,
            )
        left = self.prefix()
        tokens = self.tokens
        while True:
            token = tokens[self.pos]
            power = _BINARY.get(token.text) if token.kind == "op" else None
            if power is None or power < min_power:
                break
            if power == 1 and min_power == 1:
                self.fail(token, f"unexpected {token.text!r}: comparisons cannot be chained")
            self.pos += 1
            if power == 5:  # ** and ^: right-associative
                right = self.expression(power)
                op = "**"
            else:
                right = self.expression(power + 1)
                op = token.text
            left = Binary(op, left, right, (left.loc[0], right.loc[1]), token.offset)
            if power == 1:
                min_power = 1  # a second comparison is an error, caught above
        self.depth -= 1
        return left

    def prefix(self):
        tokens = self.tokens
        token = tokens[self.pos]
        self.pos += 1
        kind = token.kind
        if kind == "number":
            value = float(token.text)
            if value == math.inf:
                self.fail(token, f"number {token.text!r} is too large")
            return Number(value, (token.offset, token.end_offset))
        if kind == "name":
            following = tokens[self.pos]
            opens = following.kind == "op" and following.text == "("
            if token.text in FUNCTIONS:
                if not opens:
                    self.fail(what=f"{_describe(following)}, expected '(' after function {token.text!r}")
                self.pos += 1
                arguments = [self.expression(0)]
                while tokens[self.pos].kind == "op" and tokens[self.pos].text == ",":
                    self.pos += 1
                    arguments.append(self.expression(0))
                close = self.expect(")")
                arity = FUNCTIONS[token.text].arity
                if len(arguments) != arity:
                    self.fail(
                        token,
                        f"{token.text} takes {arity} argument{'s' if arity != 1 else ''}, "
                        f"got {len(arguments)}",
                    )
                return Call(token.text, tuple(arguments), (token.offset, close.end_offset))
            if opens:
                self.fail(
                    following,
                    f"unexpected '(': {token.text!r} is not a function "
                    f"(functions: {', '.join(sorted(FUNCTIONS))})",
                )
            return Name(token.text, (token.offset, token.end_offset))
        if kind == "op" and token.text in ("-", "+"):
            operand = self.expression(_UNARY_OPERAND)
            if isinstance(operand, Number):
                # A sign on a number is part of the number: `-2` is one constant, not neg(2).
                value = -operand.value if token.text == "-" else operand.value
                return Number(value, (token.offset, operand.loc[1]))
            if token.text == "+":
                return operand
            return Unary("-", operand, (token.offset, operand.loc[1]))
        if kind == "op" and token.text == "(":
            inner = self.expression(0)
            self.expect(")")
            return inner
        self.fail(token)


def parse(source: str) -> Program:
    """Parse a program; raise ParseError, ReservedNameError or TooLargeError."""
    if len(source) > MAX_SOURCE_CHARS:
        raise TooLargeError(f"the program has {len(source):,} characters; the limit is {MAX_SOURCE_CHARS:,}")
    statements = _Parser(tokenize(source)).program()
    if not statements:
        raise ParseError(1, 1, "the program is empty: write an expression such as 'a*b + c'")
    return Program(statements, SourceMap(source))
