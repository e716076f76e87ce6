"""The expression language: text → statements, with a line and column for every piece.

A hand-written tokenizer and a precedence-climbing parser that follows the grammar in the design:
user text is only ever *read* here, never given to eval, exec or compile. The parser does not
recurse: what the grammar nests waits on a stack of its own, bounded by the nesting limit, so
hostile input gets a clear error instead of a crash.

    program   := statement ((NEWLINE | ';') statement)*
    statement := NAME '=' expr | expr
    expr      := sum (('<' | '>' | '==') sum)?
    sum       := term (('+' | '-') term)*
    term      := unary (('*' | '/') unary)*
    unary     := ('-' | '+') unary | power
    power     := atom (('**' | '^') unary)?
    atom      := NUMBER | NAME | FUNC '(' expr (',' expr)* ')' | '(' expr ')'

Its output, a ``Program`` (the statements, their expressions as postfix ``Code`` and a ``SourceMap``
of the text), is the analysis stage's input; see docs/architecture.md for the whole path from text
to page.
"""

from __future__ import annotations

import math
import re
from bisect import bisect_right
from dataclasses import dataclass, field
from itertools import accumulate
from typing import NamedTuple

from .errors import ParseError, ReservedNameError, TooLargeError
from .vocabulary import BINDINGS, FUNCTIONS, NEGATE, OPERATOR_SPELLINGS, UNARY_POWER

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

    def position(self, offset: int) -> tuple[int, int]:
        """The 1-based line and column of the character at ``offset``."""
        line = bisect_right(self.line_starts, offset)
        return line, offset - self.line_starts[line - 1] + 1


# -- tokens ------------------------------------------------------------------------------------------

#: The grammar's own punctuation; the operators' spellings come from the table of operations.
_PUNCTUATION = ("(", ")", "=", ";", ",", "\n", "+")  # "+" also signs a number: `+2`
_SYMBOL_TEXTS = sorted({*OPERATOR_SPELLINGS, *_PUNCTUATION}, key=lambda text: (-len(text), text))
# One token: a name, an operator or punctuation, a newline, a number, or a comment (dropped). What lies
# between two tokens may only be blanks. Names come first: they are the most common token. Symbols
# of several characters come before single ones (`**` before `*`, `==` before `=`).
_TOKEN = re.compile(
    r"""(
        [A-Za-z_][A-Za-z_0-9]*
      | """
    + "|".join(re.escape(text) for text in _SYMBOL_TEXTS if len(text) > 1)
    + "|["
    + "".join(re.escape(text).replace("\n", "n") for text in _SYMBOL_TEXTS if len(text) == 1)
    + r"""]
      | (?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?
      | \#[^\n]*
    )""",
    re.VERBOSE,
)
_BLANKS = re.compile(r"[ \t\r\f\v]*")
#: Every token that is not a name or a number; "" is the end of the input.
_SYMBOLS = frozenset((*_SYMBOL_TEXTS, ""))


class Token(NamedTuple):
    kind: str  # number | name | op | newline | end
    text: str
    line: int
    column: int
    offset: int
    end_offset: int


def _kind(text: str) -> str:
    if text == "":
        return "end"
    if text == "\n":
        return "newline"
    if text in _SYMBOLS:
        return "op"
    return "name" if text.isidentifier() else "number"


def _describe(text: str) -> str:
    if text == "":
        return "unexpected end of input"
    if text == "\n":
        return "unexpected end of line"
    return f"unexpected {text!r}"


def _scan(source: str) -> tuple[list[str], list[int], list[int]]:
    """The tokens of ``source`` as three lists: texts, start offsets and end offsets, closed by an
    end token (text ""). Raise ParseError at the first character that fits no token.

    ``re.split`` with the token pattern captured gives [blanks, token, blanks, token, ..., blanks],
    and the running sum of their lengths gives every offset: both run in C, with no Python work per
    token, which matters at 100,000 tokens.
    """
    parts = _TOKEN.split(source)
    if not _BLANKS.fullmatch("".join(parts[0::2])):
        _refuse_character(source, parts)
    bounds = list(accumulate(map(len, parts)))
    texts = parts[1::2]
    starts = bounds[0::2]  # token i starts where the blanks before it end; the last one is the end token's
    ends = bounds[1::2]
    if "#" in source:  # a comment is a token for the split only: drop them
        kept = [i for i, text in enumerate(texts) if text[0] != "#"]
        texts = [texts[i] for i in kept]
        starts = [*(starts[i] for i in kept), len(source)]
        ends = [ends[i] for i in kept]
    texts.append("")
    ends.append(len(source))
    return texts, starts, ends


def _refuse_character(source: str, parts: list[str]) -> None:
    """Raise the ParseError for the first character between tokens that is not a blank."""
    offset = 0
    for i, part in enumerate(parts):
        if i % 2 == 0:
            blanks = _BLANKS.match(part).end()
            if blanks < len(part):
                at = offset + blanks
                line, column = SourceMap(source).position(at)
                raise ParseError(line, column, f"unexpected character {source[at]!r}")
        offset += len(part)


def tokenize(source: str) -> list[Token]:
    """Split ``source`` into tokens with their positions, or raise ParseError at the first character
    that fits none. (The parser reads the same tokens as plain lists.)"""
    texts, starts, ends = _scan(source)
    position = SourceMap(source).position
    return [Token(_kind(text), text, *position(start), start, end)
            for text, start, end in zip(texts, starts, ends, strict=True)]  # fmt: skip


# -- code: each statement's expression as postfix instructions --------------------------------------

#: Instruction kinds besides the binary operators ("+", "-", "*", "/", "**", "<", ">", "=="), which
#: stand for themselves. Postfix: an instruction comes after the instructions of its operands.
NUMBER = "number"  # argument: the value
NAME = "name"  # argument: the name
CALL = "call"  # argument: the function's name; its arguments are the last `arity` values
MINUS = "minus"  # the unary minus; argument: None


@dataclass(slots=True)
class Code:
    """Every statement's expression as postfix instructions, in parallel lists: instruction ``i`` is
    ``kinds[i]`` with ``arguments[i]``, and its text is ``starts[i]``..``ends[i]`` (offsets). That text
    is also the span of the node the instruction makes. For a binary operator the argument is the
    offset of the operator itself (where a derived operator's inner nodes start).

    Flat lists rather than a tree: the parser emits them in reading order, and the analysis and
    build stages each read them once, front to back, without recursion and without an object per node.
    """

    kinds: list[str] = field(default_factory=list)
    arguments: list = field(default_factory=list)
    starts: list[int] = field(default_factory=list)
    ends: list[int] = field(default_factory=list)


@dataclass(slots=True)
class Statement:
    target: str | None  # the assigned name, or None for a bare expression
    begin: int  # its expression is instructions begin..end-1 of the program's code
    end: int
    loc: tuple[int, int]
    target_loc: tuple[int, int] | None = None  # where the assigned name is written


@dataclass(slots=True)
class Program:
    """A parsed program: its statements in order, their code, the map from offsets to lines and
    columns, and the lines that hold a statement (ascending; a statement never spans two lines)."""

    statements: list[Statement]
    code: Code
    source_map: SourceMap
    lines: list[int] = field(default_factory=list)

    def lone(self, statement: Statement) -> str | None:
        """NUMBER or NAME when the statement's expression is a single number or name, else None."""
        if statement.end - statement.begin == 1:
            kind = self.code.kinds[statement.begin]
            if kind in (NUMBER, NAME):
                return kind
        return None


# The frames of the parser's stack (see _Parser.expression).
_OPERATOR, _SIGN, _PARENTHESES, _CALL = "operator", "sign", "parentheses", "call"

# Binding powers for the precedence climb, from the table of operations: higher binds tighter.
_BINARY = {spelling: binding.power for spelling, binding in BINDINGS.items()}
_UNARY_OPERAND = UNARY_POWER  # -x**2 is -(x**2); -a*b is (-a)*b
_MINUS = NEGATE.symbol
_SIGNS = (_MINUS, "+")  # `+x` is x


class _Parser:
    """A precedence climb over the token lists that emits postfix code."""

    def __init__(self, source: str):
        self.texts, self.starts, self.ends = _scan(source)
        self.source_map = SourceMap(source)
        self.pos = 0
        self.code = Code()
        self.lines: list[int] = []  # the lines that hold a statement

    def position(self, token: int) -> tuple[int, int]:
        """The 1-based line and column of a token."""
        return self.source_map.position(self.starts[token])

    def fail(self, token: int | None = None, what: str | None = None):
        token = self.pos if token is None else token
        raise ParseError(*self.position(token), what or _describe(self.texts[token]))

    # program := statement ((NEWLINE | ';') statement)*, empty statements allowed
    def program(self) -> list[Statement]:
        statements = []
        texts = self.texts
        line = 1
        lines = self.lines
        while True:
            text = texts[self.pos]
            if text == "":
                return statements
            if text == "\n":
                line += 1
            if text == "\n" or text == ";":
                self.pos += 1
                continue
            statements.append(self.statement())
            if not lines or lines[-1] != line:
                lines.append(line)
            if texts[self.pos] not in ("", "\n", ";"):
                self.fail()

    def statement(self) -> Statement:
        first = self.pos
        name = self.texts[first]
        code = self.code
        begin = len(code.kinds)
        if name.isidentifier() and self.texts[first + 1] == "=":
            if name in FUNCTIONS:
                line, column = self.position(first)
                raise ReservedNameError(
                    f"line {line}, column {column}: {name!r} is a function name and cannot be assigned",
                    line,
                    column,
                    [name],
                )
            self.pos += 2
            self.expression(0)
            loc = (self.starts[first], code.ends[-1])
            return Statement(name, begin, len(code.kinds), loc, (self.starts[first], self.ends[first]))
        self.expression(0)
        return Statement(None, begin, len(code.kinds), (code.starts[-1], code.ends[-1]))

    def expression(self, min_power: int) -> None:
        """Emit one expression whose operators bind at least ``min_power``. Its root is the last
        instruction emitted, whose text is the whole expression's.

        A precedence climb without recursion: what the grammar nests (an operator's right operand,
        a signed operand, a parenthesised expression, a call's arguments) waits on a stack of
        frames while the expression inside it is read, so a long program costs no call per
        operand. Each expression inside another is one nesting level deeper.
        """
        texts, starts, ends = self.texts, self.starts, self.ends
        code = self.code
        kinds, arguments, code_starts, code_ends = code.kinds, code.arguments, code.starts, code.ends
        # What waits for the expression being read, with the binding power its own level needs:
        #   (_OPERATOR, instruction, binding power, where it is written, where its left operand starts, power,
        #    whether the operator chains)
        #   (_SIGN, "-" or "+", its token, where its operand's code begins, power)
        #   (_PARENTHESES, power)
        #   (_CALL, function name, its token, arguments read so far, power)
        frames: list[tuple] = []
        pos, depth = self.pos, 0
        while True:
            # -- an expression, one level deeper, begins with an operand ---------------------------
            depth += 1
            if depth > MAX_NESTING + 1:  # the statement's own expression is level 0, not 1
                line, column = self.position(pos)
                raise TooLargeError(
                    f"line {line}, column {column}: nesting deeper than {MAX_NESTING}", line, column
                )
            token = pos
            text = texts[pos]
            pos += 1
            if text.isidentifier():
                if text in FUNCTIONS:
                    if texts[pos] != "(":
                        self.fail(pos, f"{_describe(texts[pos])}, expected '(' after function {text!r}")
                    frames.append((_CALL, text, token, 1, min_power))
                    pos += 1
                    min_power = 0
                    continue
                if texts[pos] == "(":
                    self.fail(pos, f"unexpected '(': {text!r} is not a function "
                                   f"(functions: {', '.join(sorted(FUNCTIONS))})")  # fmt: skip
                kinds.append(NAME)
                arguments.append(text)
                code_starts.append(starts[token])
                code_ends.append(ends[token])
            elif text not in _SYMBOLS:  # a number
                value = float(text)
                if value == math.inf:
                    self.fail(token, f"number {text!r} is too large")
                kinds.append(NUMBER)
                arguments.append(value)
                code_starts.append(starts[token])
                code_ends.append(ends[token])
            elif text in _SIGNS:
                frames.append((_SIGN, text, token, len(kinds), min_power))
                min_power = _UNARY_OPERAND
                continue
            elif text == "(":
                frames.append((_PARENTHESES, min_power))
                min_power = 0
                continue
            else:
                self.fail(token)
            # -- an operand was read: operators that bind tightly enough for this level follow -----
            start = code_starts[-1]
            while True:
                text = texts[pos]
                power = _BINARY.get(text)
                if power is not None and power >= min_power:
                    binding = BINDINGS[text]
                    if power == min_power and not binding.chains:
                        self.fail(pos, f"unexpected {text!r}: comparisons cannot be chained")
                    # ^ is **; a right-associative operator's right operand may hold the same operator
                    frames.append((_OPERATOR, binding.symbol, power, starts[pos], start, min_power,
                                   binding.chains))  # fmt: skip
                    pos += 1
                    min_power = power if binding.right else power + 1
                    break
                # This level is done: its expression completes what waits for it.
                depth -= 1
                if not frames:
                    self.pos = pos
                    return
                frame = frames.pop()
                kind = frame[0]
                if kind is _OPERATOR:
                    _, text, power, operator_start, start, min_power, chains = frame
                    kinds.append(text)
                    arguments.append(operator_start)
                    code_starts.append(start)
                    code_ends.append(code_ends[-1])
                    if not chains:
                        min_power = power  # a second operator of this power is an error, caught above
                    continue
                if kind is _SIGN:
                    _, sign, token, operand, min_power = frame
                    if len(kinds) == operand + 1 and kinds[operand] == NUMBER:
                        # A sign on a number is part of the number: `-2` is one constant, not neg(2).
                        if sign == _MINUS:
                            arguments[operand] = -arguments[operand]
                        code_starts[operand] = starts[token]
                    elif sign == _MINUS:
                        kinds.append(MINUS)
                        arguments.append(None)
                        code_starts.append(starts[token])
                        code_ends.append(code_ends[-1])
                elif kind is _PARENTHESES:
                    min_power = frame[1]
                    if texts[pos] != ")":
                        self.fail(pos, f"{_describe(texts[pos])}, expected ')'")
                    pos += 1
                else:  # a call: another argument, or the end of the call
                    _, name, token, count, min_power = frame
                    if texts[pos] == ",":
                        frames.append((_CALL, name, token, count + 1, min_power))
                        pos += 1
                        min_power = 0
                        break
                    if texts[pos] != ")":
                        self.fail(pos, f"{_describe(texts[pos])}, expected ')'")
                    pos += 1
                    arity = FUNCTIONS[name].arity
                    if count != arity:
                        plural = "s" if arity != 1 else ""
                        self.fail(token, f"{name} takes {arity} argument{plural}, got {count}")
                    kinds.append(CALL)
                    arguments.append(name)
                    code_starts.append(starts[token])
                    code_ends.append(ends[pos - 1])
                start = code_starts[-1]  # the operand this level has just read (signed, bracketed, a call)


def parse(source: str) -> Program:
    """Parse a program; raise ParseError, ReservedNameError or TooLargeError."""
    if len(source) > MAX_SOURCE_CHARS:
        raise TooLargeError(f"the program has {len(source):,} characters; the limit is {MAX_SOURCE_CHARS:,}")
    parser = _Parser(source)
    statements = parser.program()
    if not statements:
        raise ParseError(1, 1, "the program is empty: write an expression such as 'a*b + c'")
    return Program(statements, parser.code, parser.source_map, parser.lines)
