"""Inputs for fuzzing the HTTP API, and the rules every answer must follow.

Shared by ``tests/app/test_fuzz.py`` (a short deterministic slice in ``make test``) and ``bench/fuzz.py``
(100,000+ inputs). Everything is driven by one ``random.Random`` so a seed reproduces a run exactly.

Inputs come in four families:

- ``grammar``: programs of the expression language (statements, assignments, declarations, aliases,
  numbers, ``+ - * / ** ^``, unary signs, parentheses, comparisons, the nine functions, free variables
  with values), mostly valid, sometimes with a missing or an extra value;
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
import math
import random
import re
import time
from collections.abc import Iterator
from dataclasses import dataclass, field

FUNCTIONS = ("exp", "log", "tanh", "sigmoid", "relu", "sin", "cos", "sqrt", "abs")
BINARY = ("+", "-", "*", "/", "**", "^")
COMPARISONS = ("<", ">", "==")
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
            function = self.rng.choice(FUNCTIONS)
            argument = self.expr(program, depth + 1)
            if function in ("log", "sqrt") and self.rng.random() < 0.7:
                argument = f"1 + abs({argument})"  # mostly inside the domain
            return f"{function}({argument})"
        if r < 0.65:
            return f"({self.expr(program, depth + 1)})"
        return self.name_use(program)

    def unary(self, program: _Program, depth: int) -> str:
        r = self.rng.random()
        if r < 0.12 and depth < self.max_depth:
            return self.rng.choice("-+") + self.unary(program, depth + 1)
        base = self.atom(program, depth)
        if r > 0.85 and depth < self.max_depth:
            # Mostly small integer powers: a negative base to a fractional power is a math_error.
            exponent = self.rng.choice("1223") if self.rng.random() < 0.85 else self.unary(program, depth + 1)
            return f"{base}{self.rng.choice(['**', '^', ' ** '])}{exponent}"
        return base

    def term(self, program: _Program, depth: int) -> str:
        parts = [self.unary(program, depth)]
        for _ in range(self.rng.choice([0, 0, 1, 1, 2])):
            parts.append(
                self.rng.choice(["*", " * ", "*", "/", " * ", " / "] if self.rng.random() < 0.5 else "*")
            )
            parts.append(self.unary(program, depth + 1))
        return "".join(parts)

    def expr(self, program: _Program, depth: int = 0) -> str:
        parts = [self.term(program, depth)]
        for _ in range(self.rng.choice([0, 0, 0, 1, 1, 2, 3])):
            parts.append(self.rng.choice(["+", "-", " + ", " - "]))
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
                name = self.rng.choice(FUNCTIONS)  # reserved_name
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
        for name in program.declared:
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
            chars[i:i] = list(rng.choice([*BINARY, *COMPARISONS, *FUNCTIONS, "(", ")", "=", "1e999"]))
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


# -- what every answer must look like ---------------------------------------------------------------

_ID = re.compile(r"n\d+")


def _finite(value) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def check_answer(request: Request, status: int, content_type: str, body: bytes) -> list[str]:
    """Everything wrong with one answer (an empty list when it is fine)."""
    problems: list[str] = []
    if not content_type.startswith("application/json"):
        return [f"content-type {content_type!r}"]
    try:
        data = json.loads(body)
    except ValueError as exc:
        return [f"body is not JSON: {exc}"]
    if status == 200:
        if request.path == "/api/graph/dot":
            if not (isinstance(data, dict) and isinstance(data.get("dot"), str)):
                problems.append("dot answer without a 'dot' string")
            elif not data["dot"].startswith("digraph"):
                problems.append("dot text does not start with 'digraph'")
            return problems
        asked_check = isinstance(request.body, dict) and request.body.get("check") is True
        return check_graph(data, asked_check)
    if status not in (413, 422):
        return [f"status {status}"]
    return check_error(status, data)


def check_error(status: int, data) -> list[str]:
    if not isinstance(data, dict) or set(data) != {"detail"}:
        return ["error body is not {'detail': ...}"]
    detail = data["detail"]
    if isinstance(detail, list):
        if status != 422:
            return [f"list-shaped detail with status {status}"]
        for item in detail:
            if not (isinstance(item, dict) and {"type", "loc", "msg"} <= set(item)):
                return [f"list-shaped detail item {item!r}"]
            if not all(isinstance(p, str) for p in item["loc"]):
                return [f"loc is not a list of strings: {item['loc']!r}"]
        return [] if detail else ["empty list-shaped detail"]
    if not isinstance(detail, dict) or set(detail) != {"code", "message", "line", "column", "names"}:
        return [f"detail has keys {sorted(detail) if isinstance(detail, dict) else type(detail)}"]
    problems = []
    code = detail["code"]
    if ERROR_CODES.get(code) != status:
        problems.append(f"code {code!r} with status {status}")
    if not isinstance(detail["message"], str) or not detail["message"]:
        problems.append("empty message")
    for key in ("line", "column"):
        v = detail[key]
        if v is not None and not (isinstance(v, int) and v >= 1):
            problems.append(f"{key} = {v!r}")
    if not (isinstance(detail["names"], list) and all(isinstance(n, str) for n in detail["names"])):
        problems.append(f"names = {detail['names']!r}")
    if code == "unbound_variable" and not detail["names"]:
        problems.append("unbound_variable without names")
    return problems


def check_graph(data: dict, asked_check: bool) -> list[str]:
    """The REST contract's structural rules for a 200 answer of POST /api/graph."""
    problems: list[str] = []
    expected_keys = {"output", "value", "gradients", "nodes", "forward", "backward", "warnings"}
    if asked_check:
        expected_keys.add("check")
    if set(data) != expected_keys:
        return [f"keys {sorted(data)}, expected {sorted(expected_keys)}"]
    for warning in data["warnings"]:
        if set(warning) != {"code", "message", "line", "column", "names"} or not warning["message"]:
            problems.append(f"warning {warning!r}")
    nodes = {}
    for node in data["nodes"]:
        if not _ID.fullmatch(node["id"]) or node["id"] in nodes:
            problems.append(f"bad or repeated node id {node['id']!r}")
        nodes[node["id"]] = node
        if not _finite(node["value"]):
            problems.append(f"{node['id']}: value {node['value']!r}")
        kind = node["kind"]
        if kind == "constant":
            if node["grad"] is not None or node["inputs"]:
                problems.append(f"{node['id']}: constant with grad or inputs")
        else:
            if not _finite(node["grad"]):
                problems.append(f"{node['id']}: grad {node['grad']!r}")
            if kind == "variable" and (node["inputs"] or node["op"] is not None or not node["label"]):
                problems.append(f"{node['id']}: variable with inputs, op or no label")
            if kind == "variable" and not isinstance(node.get("free"), bool):
                problems.append(f"{node['id']}: variable without a boolean 'free'")
            if kind == "operation" and (not node["inputs"] or not node["op"]):
                problems.append(f"{node['id']}: operation without inputs or op")
    if problems:
        return problems
    forward = data["forward"]
    if sorted(forward) != sorted(nodes) or len(forward) != len(set(forward)):
        return ["forward is not every node once"]
    if forward[-1] != data["output"]:
        problems.append("output is not last in forward")
    position = {node_id: i for i, node_id in enumerate(forward)}
    for node in data["nodes"]:
        for input_id in node["inputs"]:
            if input_id not in position or position[input_id] >= position[node["id"]]:
                problems.append(f"{node['id']}: input {input_id} missing or not before it")
    output = nodes[data["output"]]
    if data["value"] != output["value"]:
        problems.append("value is not the output node's value")
    operations = [n for n in forward if nodes[n]["kind"] == "operation"]
    steps = data["backward"]
    if sorted(s["node"] for s in steps) != sorted(operations):
        return [*problems, "backward is not one step per operation node"]
    if steps and output["kind"] == "operation" and steps[0]["node"] != output["id"]:
        problems.append("backward does not start at the output")
    done = set()
    received = {n: 0.0 for n in nodes}
    if output["kind"] != "constant":
        received[output["id"]] = 1.0
    for step in steps:
        node = nodes[step["node"]]
        for input_id in node["inputs"]:
            if input_id in done:
                problems.append(f"step {node['id']} after its input {input_id}")
        done.add(node["id"])
        if step["grad"] != node["grad"]:
            problems.append(f"step {node['id']}: grad {step['grad']} but the node has {node['grad']}")
        if not math.isclose(received[node["id"]], step["grad"], rel_tol=1e-9, abs_tol=1e-300):
            problems.append(f"step {node['id']}: grad {step['grad']} is not the sum {received[node['id']]}")
        contributions = step["contributions"]
        if [c["input"] for c in contributions] != node["inputs"]:
            problems.append(f"step {node['id']}: contributions do not follow the inputs")
            continue
        for c in contributions:
            if c["local"] is None or c["contribution"] is None:
                if nodes[c["input"]]["kind"] != "constant":
                    problems.append(f"step {node['id']}: null local for a non-constant input")
                continue
            if c["contribution"] != step["grad"] * c["local"]:
                problems.append(f"step {node['id']}: contribution is not grad × local")
            if nodes[c["input"]]["kind"] != "constant":
                received[c["input"]] += c["contribution"]
    for node_id, node in nodes.items():
        if node["kind"] == "variable" and not math.isclose(
            received[node_id], node["grad"], rel_tol=1e-9, abs_tol=1e-300
        ):
            problems.append(f"{node_id}: grad {node['grad']} is not the sum {received[node_id]}")
    variables = {n["label"]: n for n in data["nodes"] if n["kind"] == "variable"}
    if set(data["gradients"]) != set(variables):
        problems.append("gradients does not have every variable")
    else:
        for name, grad in data["gradients"].items():
            if grad != variables[name]["grad"]:
                problems.append(f"gradients[{name!r}] is not the variable's grad")
    if asked_check:
        if set(data["check"]) != set(data["gradients"]):
            problems.append("check does not have every variable")
        for name, c in data["check"].items():
            if c["analytic"] != data["gradients"][name] or not isinstance(c["ok"], bool):
                problems.append(f"check[{name!r}] disagrees with gradients")
    return problems


# -- sending ---------------------------------------------------------------------------------------


@dataclass
class Answer:
    status: int
    content_type: str
    body: bytes
    seconds: float


def send(client, request: Request) -> Answer:
    """POST ``request`` with an httpx-style client (``TestClient`` or ``httpx.Client``), timed."""
    start = time.perf_counter()
    response = client.post(
        request.path, content=request.encoded(), headers={"content-type": request.content_type}
    )
    seconds = time.perf_counter() - start
    return Answer(response.status_code, response.headers.get("content-type", ""), response.content, seconds)
