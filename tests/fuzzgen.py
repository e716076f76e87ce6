"""Inputs for fuzzing the HTTP API (the rules every answer must follow: ``tests/fuzzcheck.py``).

Shared by ``tests/app/test_fuzz.py`` (a short deterministic slice in ``make test``) and ``bench/fuzz.py``
(100,000+ inputs). Everything is driven by one ``random.Random`` so a seed reproduces a run exactly.

Inputs come in four families:

- ``grammar``: programs of the expression language (statements, assignments, declarations, aliases,
  numbers, every operator and function of the engine's table of operations, unary signs,
  parentheses, free variables with values), mostly valid, sometimes with a missing or an extra value;
- ``mutant``: a grammar program with character-level damage (deletions, insertions of hostile
  characters, duplicated or swapped slices, truncation);
- ``random``: raw random text over an alphabet of operators, digits, letters, whitespace, NUL, control
  characters, non-ASCII letters and lone surrogates;
- ``hostile``: a fixed list of attacks (deep nesting, long unary chains, huge exponents, ``1e999``,
  ``__import__``, very long names, many statements, programs near the node limit) plus malformed bodies
  (not JSON, wrong types, non-finite values, unknown fields, bad UTF-8, deeply nested JSON).
"""

from __future__ import annotations

import json
import random
from collections.abc import Iterator
from dataclasses import dataclass, field

from engine.language.vocabulary import BINDINGS, NEGATE
from engine.language.vocabulary import FUNCTIONS as VOCABULARY_FUNCTIONS
from engine.scalar_functions import FUNCTIONS as TABLE_FUNCTIONS
from engine.scalar_functions import POSITIVE, POWER, PRODUCT, SUM

# The language's words, from the engine's table of operations: every function (with its number of
# arguments), every arithmetic operator spelling, every comparison.
FUNCTIONS: dict[str, int] = {name: function.arity for name, function in VOCABULARY_FUNCTIONS.items()}
BINARY = tuple(spelling for spelling, binding in BINDINGS.items() if binding.chains)
COMPARISONS = tuple(spelling for spelling, binding in BINDINGS.items() if not binding.chains)
SUMS, PRODUCTS, POWERS = (
    tuple(s for s in BINARY if BINDINGS[s].power == level) for level in (SUM, PRODUCT, POWER)
)
SIGNS = (NEGATE.symbol, "+")
#: Functions defined only for positive arguments: mostly given one (`log(1 + abs(...))`).
POSITIVE_ONLY = tuple(name for name, op in TABLE_FUNCTIONS.items() if op.domain is POSITIVE)
NAMES = ("a", "b", "c", "x", "y", "w1", "w2", "b1", "_t", "L", "out", "z9")
ERROR_CODES = {
    "parse_error": 422,
    "unbound_variable": 422,
    "unknown_variable": 422,
    "reserved_name": 422,
    "duplicate_variable": 422,
    "math_error": 422,
    "invalid_request": 422,
    "too_large": 413,
}
ENDPOINTS = ("/api/graph", "/api/graph/dot")


@dataclass
class Request:
    """One request to send: a JSON ``body`` (any JSON value), or raw ``content`` bytes."""

    family: str
    path: str = "/api/graph"
    body: object = None
    content: bytes | None = None
    content_type: str = "application/json"
    note: str = ""
    expected: int | None = None  # the status a hostile request must get

    def encoded(self) -> bytes:
        if self.content is not None:
            return self.content
        return json.dumps(self.body).encode()  # ensure_ascii: lone surrogates travel as \\udxxx

    def describe(self) -> str:
        raw = self.encoded()
        shown = raw[:300] + (b"..." if len(raw) > 300 else b"")
        return f"[{self.family}{' ' + self.note if self.note else ''}] POST {self.path} {shown!r}"


# -- programs of the language -----------------------------------------------------------------------


@dataclass
class _Program:
    statements: list[str] = field(default_factory=list)
    assigned: set[str] = field(default_factory=set)
    declared: set[str] = field(default_factory=set)
    free: list[str] = field(default_factory=list)


class ProgramGenerator:
    """Random programs that follow the grammar in the design, with the values they need."""

    def __init__(self, rng: random.Random, max_depth: int = 4):
        self.rng = rng
        self.max_depth = max_depth

    def number(self) -> str:
        r = self.rng.random()
        if r < 0.35:
            return str(self.rng.randint(1, 9))
        if r < 0.7:
            return f"{self.rng.uniform(0, 5):.{self.rng.randint(1, 3)}f}"
        if r < 0.8:
            return f".{self.rng.randint(0, 99)}"
        if r < 0.9:
            return f"{self.rng.randint(1, 9)}e{self.rng.choice(['-', '+', ''])}{self.rng.randint(0, 4)}"
        return self.rng.choice(["0", "0.0", "1e308", "1e-308", "2.5E+2", "100", "1e3", "1", "2", "0.5", "3"])

    def value(self) -> float:
        r = self.rng.random()
        if r < 0.92:
            return round(self.rng.choice([-1, 1]) * self.rng.uniform(0.1, 3), self.rng.randint(1, 6))
        if r < 0.95:
            return 0.0
        return self.rng.choice([1e-300, -1e-300, 1e300, -1e300, 709.0, 710.0, 0.5, -1.0])

    def name_use(self, program: _Program) -> str:
        known = sorted(program.assigned) + program.free
        if known and self.rng.random() < 0.7:
            return self.rng.choice(known)
        name = self.rng.choice(NAMES)
        if name not in program.assigned and name not in program.free:
            program.free.append(name)
        return name

    def atom(self, program: _Program, depth: int) -> str:
        r = self.rng.random()
        if depth >= self.max_depth or r < 0.3:
            return self.number() if self.rng.random() < 0.4 else self.name_use(program)
        if r < 0.5:
            function = self.rng.choice(sorted(FUNCTIONS))
            arguments = [self.expr(program, depth + 1) for _ in range(FUNCTIONS[function])]
            if function in POSITIVE_ONLY and self.rng.random() < 0.7:
                arguments = [f"1 + abs({argument})" for argument in arguments]  # mostly inside the domain
            return f"{function}({', '.join(arguments)})"
        if r < 0.65:
            return f"({self.expr(program, depth + 1)})"
        return self.name_use(program)

    def unary(self, program: _Program, depth: int) -> str:
        r = self.rng.random()
        if r < 0.12 and depth < self.max_depth:
            return self.rng.choice(SIGNS) + self.unary(program, depth + 1)
        base = self.atom(program, depth)
        if r > 0.85 and depth < self.max_depth:
            # Mostly small integer powers: a negative base to a fractional power is a math_error.
            exponent = self.rng.choice("1223") if self.rng.random() < 0.85 else self.unary(program, depth + 1)
            return f"{base}{self._spaced(self.rng.choice(POWERS))}{exponent}"
        return base

    def _spaced(self, operator: str) -> str:
        return f" {operator} " if self.rng.random() < 0.4 else operator

    def term(self, program: _Program, depth: int) -> str:
        parts = [self.unary(program, depth)]
        for _ in range(self.rng.choice([0, 0, 1, 1, 2])):
            operator = self.rng.choice(PRODUCTS) if self.rng.random() < 0.5 else PRODUCTS[0]
            parts.append(self._spaced(operator))
            parts.append(self.unary(program, depth + 1))
        return "".join(parts)

    def expr(self, program: _Program, depth: int = 0) -> str:
        parts = [self.term(program, depth)]
        for _ in range(self.rng.choice([0, 0, 0, 1, 1, 2, 3])):
            parts.append(self._spaced(self.rng.choice(SUMS)))
            parts.append(self.term(program, depth + 1))
        text = "".join(parts)
        if depth == 0 and self.rng.random() < 0.08:
            text += f" {self.rng.choice(COMPARISONS)} {self.term(program, 1)}"
        return text

    def statement(self, program: _Program, last: bool) -> str:
        r = self.rng.random()
        if not last and r < 0.3:
            name = self.rng.choice(NAMES)
            if name not in program.assigned and name not in program.free:
                sign = self.rng.choice(["", "", "-", "+"])
                program.assigned.add(name)
                program.declared.add(name)
                return f"{name} = {sign}{self.number()}"
        if r < 0.55 or (not last and r < 0.9):
            expression = self.expr(program)
            name = self.rng.choice(NAMES)
            if self.rng.random() < 0.02:
                name = self.rng.choice(sorted(FUNCTIONS))  # reserved_name
            program.assigned.add(name)
            return f"{name} = {expression}"
        if not last and r < 0.93 and program.assigned:
            alias = self.rng.choice(NAMES)
            target = self.rng.choice(sorted(program.assigned))
            program.assigned.add(alias)
            return f"{alias} = {target}"
        return self.expr(program)

    def program(self) -> tuple[str, dict[str, float], str]:
        """A program, its ``values`` and a note (``ok``, ``missing`` or ``extra`` value)."""
        program = _Program()
        count = self.rng.choice([1, 1, 2, 3, 4, 6])
        lines = [self.statement(program, i == count - 1) for i in range(count)]
        source = self._join(lines)
        values = {name: self.value() for name in program.free}
        for name in sorted(program.declared):  # a set's order changes with the process's hash seed
            if self.rng.random() < 0.15:
                values[name] = self.value()
        note = "ok"
        r = self.rng.random()
        if r < 0.03 and values:
            values.pop(self.rng.choice(sorted(values)))
            note = "missing"
        elif r < 0.06:
            values["unused_" + self.rng.choice(NAMES)] = 1.0
            note = "extra"
        return source, values, note

    def _join(self, lines: list[str]) -> str:
        out = []
        for i, line in enumerate(lines):
            if i:
                out.append(self.rng.choice(["\n", "; ", ";", "\n\n", "  \n", "\r\n"]))
            if self.rng.random() < 0.05:
                out.append("# a comment\n")
            out.append(line)
            if self.rng.random() < 0.05:
                out.append("  # trailing")
        return "".join(out)


# -- mutations and raw text ------------------------------------------------------------------------

HOSTILE_CHARS = [
    "\x00", "\x01", "\x7f", "\t", "\n", "\r", "\u00a0", "\u2028", "\ufeff", "\ud800", "\udfff",
    "é", "π", "𝑥", "٣", "＋", "−", "×", "<", ">", "&", '"', "'", "\\", "`", "$", "{", "}", "[", "]",
    ",", ".", "e", "E", "(", ")", "=", ";", "#", "*", "**", "^", "/", "_", "0", "9",
]  # fmt: skip
RANDOM_ALPHABET = "abcxyzeE_019.+-*/^()=<>;#\n \t" + "".join(HOSTILE_CHARS[:14])


def mutate(rng: random.Random, text: str) -> str:
    """One to four character-level edits of ``text``."""
    chars = list(text)
    for _ in range(rng.randint(1, 4)):
        op = rng.randrange(7)
        i = rng.randint(0, len(chars))
        if op == 0 and chars:  # delete
            del chars[min(i, len(chars) - 1)]
        elif op == 1:  # insert a hostile character
            chars[i:i] = list(rng.choice(HOSTILE_CHARS))
        elif op == 2 and chars:  # duplicate a slice
            j = rng.randint(i, min(len(chars), i + 20))
            chars[i:i] = chars[i:j]
        elif op == 3 and len(chars) > 1:  # swap two characters
            j = rng.randrange(len(chars))
            k = min(i, len(chars) - 1)
            chars[j], chars[k] = chars[k], chars[j]
        elif op == 4:  # truncate
            del chars[i:]
        elif op == 5:  # insert an operator or a function name
            chars[i:i] = list(
                rng.choice([*BINARY, *COMPARISONS, *sorted(FUNCTIONS), "(", ")", ",", "=", "1e999"])
            )
        elif op == 6 and chars:  # replace a character by a random one
            chars[min(i, len(chars) - 1)] = rng.choice(RANDOM_ALPHABET)
    return "".join(chars)


def random_text(rng: random.Random) -> str:
    size = rng.choice([0, 1, 2, 5, 10, 30, 80])
    if rng.random() < 0.1:  # any code point at all, surrogates included
        return "".join(chr(rng.randrange(0x110000)) for _ in range(size))
    return "".join(rng.choice(RANDOM_ALPHABET) for _ in range(size))


# -- hostile inputs ----------------------------------------------------------------------------------


def _chain(n: int) -> str:
    """A program of about ``n`` nodes: n//4 lines of s_i = tanh(s_{i-1} * w + c)."""
    lines = ["w = 0.5", "s0 = 0.1"]
    for i in range(1, n // 4 + 1):
        lines.append(f"s{i} = tanh(s{i - 1} * w + 0.01)")
    return "\n".join(lines)


def hostile_programs() -> list[tuple[str, dict, bool, int, str]]:
    """(expression, values, check, expected status, note): attacks on the language and its limits."""
    x = {"x": 1.0}
    return [
        ("9**9**9**9", {}, False, 422, "power tower"),
        ("x**x**x**x**x", {"x": 9.0}, False, 422, "variable power tower"),
        ("(" * 5000 + "1" + ")" * 5000, {}, False, 413, "5000 nested parens"),
        ("(" * 199 + "x" + ")" * 199, x, False, 200, "199 nested parens"),
        ("(" * 201 + "x" + ")" * 201, x, False, 413, "201 nested parens"),
        ("-" * 10_000 + "x", x, False, 413, "10000 unary minus"),
        ("-" * 150 + "x", x, False, 200, "150 unary minus"),
        ("+-" * 5000 + "x", x, False, 413, "alternating signs"),
        ("exp(" * 199 + "0" + ")" * 199, {}, False, 422, "199 nested exp"),
        ("x" + "**x" * 5000, x, False, 413, "5000 powers"),
        ("x" + "+1" * 24_999, x, False, 200, "49,999-node sum"),
        ("x" + "+1" * 25_000, x, False, 413, "50,001-node sum"),
        ("x" + "*x" * 49_998, x, False, 200, "49,999-node product"),
        ("x" + "*x" * 49_998, x, True, 200, "49,999-node product with check"),
        ("x" + "*x" * 50_000, x, False, 413, "50,001-node product"),
        ("x" + "*x" * 12_000, {"x": 1.0001}, True, 200, "12,001-node product with check"),
        (
            "\n".join(f"v{i} = 0.5" for i in range(2_000)) + "\n" + "+".join(f"v{i}" for i in range(2_000)),
            {},
            True,
            413,
            "2,000 variables with check",
        ),
        ("__import__('os').system('id')", {}, False, 422, "python import"),
        ("().__class__.__bases__[0]", {}, False, 422, "dunder walk"),
        ("exec('1')", {}, False, 422, "exec"),
        ("eval", {"eval": 1.0}, False, 200, "name eval"),
        ("open", {"open": 1.0}, False, 200, "name open"),
        ("lambda: 1", {}, False, 422, "lambda"),
        ("x\x00", x, False, 422, "NUL"),
        ("x\ud800", x, False, 422, "lone surrogate"),
        ("1e999", {}, False, 422, "1e999"),
        ("-1e999", {}, False, 422, "-1e999"),
        ("1e308 * 10", {}, False, 422, "overflow multiply"),
        ("a*a*1e308", {"a": 1.0}, False, 422, "gradient sum overflows"),  # 1e308 + 1e308 into a's grad
        ("a = 1; b = a*a; b*1e308", {}, True, 422, "gradient sum overflows with check"),
        ("exp(1000)", {}, False, 422, "exp overflow"),
        ("log(0)", {}, False, 422, "log 0"),
        ("1/0", {}, False, 422, "division by zero"),
        ("sqrt(x)", {"x": 0.0}, False, 422, "sqrt'(0)"),
        ("sqrt(-1)", {}, False, 422, "sqrt(-1)"),
        ("(-8)**x", {"x": 1.0 / 3}, False, 422, "negative base to a variable power"),
        ("0**-1", {}, False, 422, "0**-1"),
        ("x**0.5", {"x": -1.0}, False, 422, "x**0.5 with x negative"),
        ("9" * 400, {}, False, 422, "400-digit number"),
        ("9" * 400 + ".5e-99999", {}, False, 200, "huge exponent"),
        ("1e-99999999", {}, False, 200, "tiny literal"),
        ("0." + "0" * 10_000 + "1", {}, False, 200, "long decimal"),
        ("a" * 100_000, {"a" * 100_000: 1.0}, False, 200, "100,000-character name"),
        ("x;" * 60_000 + "x", x, False, 200, "60,001 statements"),
        ("\n".join(f"v{i} = {i}" for i in range(9_999)) + "\nv0", {}, False, 200, "9,999 declarations"),
        ("a = 1\n" + "b = a\n" * 20_000 + "b", {}, False, 200, "20,000 aliases"),
        ("x" * 200_001, {}, False, 413, "200,001 characters"),
        (" " * 199_999 + "x", x, False, 200, "199,999 spaces then x"),
        ("#" * 300_000, {}, False, 413, "300,000-character comment"),
        ("\n" * 150_000 + "x", x, False, 200, "150,000 newlines"),
        (_chain(10_000), {}, False, 200, "10,000-node tanh chain"),
        (_chain(2_000), {}, True, 200, "2,000-node tanh chain with check"),
        (_chain(30_000), {}, False, 413, "30,000-node tanh chain over 200,000 characters"),
        ("exp = 2", {}, False, 422, "reserved name"),
        ("x = 1; x = 2; x", {}, False, 422, "declared twice"),
        ("", {}, False, 422, "empty"),
        ("# only a comment", {}, False, 422, "only a comment"),
        (";;;\n\n;", {}, False, 422, "only separators"),
        ("1 < 2 < 3", {}, False, 422, "chained comparison"),
        ("tanh", {}, False, 422, "function without call"),
        ("foo(1)", {}, False, 422, "unknown function"),
        ("x", {"x": 1.0, "y": 2.0}, False, 422, "unknown value"),
        ("x", {}, False, 422, "unbound"),
        ("<img src=x onerror=alert(1)>", {}, False, 422, "html"),
        ("<script>alert(1)</script>", {}, False, 422, "script tag"),
        ("x", {"<img src=x onerror=alert(1)>": 1.0, "x": 1.0}, False, 422, "html in values key"),
        ("x", {"\ud800": 1.0, "x": 1.0}, False, 422, "lone surrogate in values key"),
        ("x", {f"v{i}": 1.0 for i in range(10_001)}, False, 422, "10,001 values"),
        ("x", {"x": 1.0, **{f"v{i}": 1.0 for i in range(9_999)}}, False, 422, "10,000 values"),
        ("ｘ＋１", {}, False, 422, "fullwidth"),
        ("x − 1", x, False, 422, "unicode minus"),
        ("𝑥 + 1", {}, False, 422, "math italic"),
    ]


def malformed_bodies() -> list[tuple[bytes, str, str]]:
    """(raw body, content type, note) for bodies that are not a valid request: all 422 but the last (413)."""
    return [
        (b"", "application/json", "empty body"),
        (b"not json", "application/json", "not json"),
        (b"{", "application/json", "truncated"),
        (b"null", "application/json", "null"),
        (b"[]", "application/json", "array"),
        (b'"x"', "application/json", "string"),
        (b"{}", "application/json", "missing expression"),
        (b'{"expression": 1}', "application/json", "number expression"),
        (b'{"expression": null}', "application/json", "null expression"),
        (b'{"expression": ["x"]}', "application/json", "array expression"),
        (b'{"expression": "x", "values": []}', "application/json", "values array"),
        (b'{"expression": "x", "values": {"x": "1"}}', "application/json", "string value"),
        (b'{"expression": "x", "values": {"x": true}}', "application/json", "bool value"),
        (b'{"expression": "x", "values": {"x": null}}', "application/json", "null value"),
        (b'{"expression": "x", "values": {"x": NaN}}', "application/json", "NaN value"),
        (b'{"expression": "x", "values": {"x": Infinity}}', "application/json", "Infinity value"),
        (b'{"expression": "x", "values": {"x": 1e999}}', "application/json", "1e999 value"),
        (b'{"expression": "x", "values": {"x": ' + b"9" * 5000 + b"}}", "application/json", "5000 digits"),
        (b'{"expression": "x", "values": {"x": ' + b"9" * 400 + b"}}", "application/json", "400 digits"),
        (b'{"expression": "x", "values": {"\\ud800": NaN}}', "application/json", "surrogate key NaN"),
        (b'{"expression": "x", "check": 1}', "application/json", "check 1"),
        (b'{"expression": "x", "check": "yes"}', "application/json", "check string"),
        (b'{"expression": "x", "extra": 1}', "application/json", "extra field"),
        (b'{"expression": "x", "expression": "y"}', "application/json", "duplicate key"),
        (b"\xff\xfe\x00", "application/json", "bad utf-8"),
        (b'{"expression": "\xff"}', "application/json", "bad utf-8 in string"),
        (b'{"expression": "x\\u0000"}', "application/json", "escaped NUL"),
        (b'{"expression": ' + b"[" * 100_000 + b"]" * 100_000 + b"}", "application/json", "deep JSON"),
        (b'{"expression": "x"}', "text/plain", "text/plain"),
        (b"expression=x", "application/x-www-form-urlencoded", "form"),
        (b'{"expression": "' + b"x" * (1024 * 1024) + b'"}', "application/json", "1 MiB body"),
    ]


def hostile_requests() -> list[Request]:
    requests = []
    for expression, values, check, status, note in hostile_programs():
        body = {"expression": expression, "values": values, "check": check}
        requests.append(Request("hostile", "/api/graph", body, note=note, expected=status))
    for path in ENDPOINTS:
        for content, content_type, note in malformed_bodies():
            status = 413 if len(content) > 1024 * 1024 else 422
            requests.append(Request("malformed", path, None, content, content_type, note, status))
    return requests


def generate(seed: int, count: int) -> Iterator[Request]:
    """``count`` grammar, mutant and random requests, reproducible from ``seed``."""
    rng = random.Random(seed)
    programs = ProgramGenerator(rng)
    for _ in range(count):
        r = rng.random()
        path = "/api/graph" if rng.random() < 0.9 else "/api/graph/dot"
        check = rng.random() < 0.2
        if r < 0.55:
            source, values, note = programs.program()
            yield Request(
                "grammar", path, {"expression": source, "values": values, "check": check}, note=note
            )
        elif r < 0.85:
            source, values, _ = programs.program()
            mutated = mutate(rng, source)
            yield Request("mutant", path, {"expression": mutated, "values": values, "check": check})
        else:
            body = {"expression": random_text(rng)}
            if rng.random() < 0.5:
                body["values"] = {random_text(rng) or "x": programs.value()}
            yield Request("random", path, body)
