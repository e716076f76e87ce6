"""From a Scalar graph back to program text: what a notebook built, the explorer can show.

``to_program(scalar)`` writes the graph that ``scalar`` depends on as a program of the expression
language whose graph has the same values and the same gradients: every variable becomes a
declaration (``a = 2.0``, with its full-precision value), every named node or node used more than
once its own statement, everything else is written inline where it is used. Scalar's ``a + (-b)``
comes back as ``a - b`` (the language's ``sub``: the same bits) and its ``a · (1/b)`` as
``a * (1 / b)`` (``a / b`` would be the language's ``div``, a different rounding); the table's own
``sub`` and ``div`` come back as ``a - b`` and ``a / b``. ``explore(scalar)`` gives the explorer's
URL with that program in its state.

A custom ``ScalarFunction`` (one not in the table of operations) has no spelling in the language:
it is refused with an error that names it. See docs/architecture.md.
"""

from __future__ import annotations

import re
import webbrowser
from urllib.parse import quote, urlencode

from ..autodiff import topological_sort
from ..scalar_functions import BUILTINS, FUNCTIONS, NONE, RIGHT, Inv
from .vocabulary import BINARY_OPERATORS, NEGATE

_NAME = re.compile(r"[A-Za-z_][A-Za-z_0-9]*\Z")
_BUILTINS = frozenset(BUILTINS)

# Binding powers, as the parser reads them (the table of operations'): higher binds tighter.
_SUM, _PRODUCT = BINARY_OPERATORS["+"].precedence, BINARY_OPERATORS["*"].precedence
_UNARY = NEGATE.precedence
_ATOM = 1 + max(op.precedence for op in (*BINARY_OPERATORS.values(), NEGATE))  # atoms and calls: tightest
#: Each binary operation of the table with a symbol, by name: its symbol, power and associativity.
_INFIX = {op.name: (op.symbol, op.precedence, op.associativity)
          for op in BINARY_OPERATORS.values() if op in _BUILTINS}  # fmt: skip


class UnsupportedOperationError(ValueError):
    """A graph uses a function the expression language cannot write."""


def _number(value: float) -> tuple[str, int]:
    value = float(value)
    text = str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)
    return (f"({text})", _ATOM) if text.startswith("-") else (text, _ATOM)


class _Writer:
    def __init__(self, output):
        self.order = topological_sort(output, include_constants=True)[::-1]  # inputs first
        self.uses: dict[int, int] = {}
        for node in self.order:
            fn = node.last_fn
            if fn is not None and fn not in _BUILTINS:
                raise UnsupportedOperationError(
                    f"{fn.__name__} is a custom ScalarFunction: the expression language cannot write it "
                    f"(it knows {', '.join(op.name for op in BUILTINS)})"
                )
            for parent in node.inputs:
                self.uses[parent.unique_id] = self.uses.get(parent.unique_id, 0) + 1
        self.output = output
        self.names: dict[int, str] = {}
        self.taken: set[str] = set()

    def name_of(self, node, fallback: str) -> str:
        """A unique, valid, unreserved name: the Scalar's own when it has one."""
        wanted = node.name if isinstance(node.name, str) and _NAME.match(node.name) else None
        if wanted in FUNCTIONS:
            wanted = f"{wanted}_"
        k = 1
        name = wanted or (fallback if fallback == "out" else f"{fallback}{k}")
        while name in self.taken:
            k += 1
            name = f"{wanted}_{k}" if wanted else f"{fallback}{k}"
        self.taken.add(name)
        self.names[node.unique_id] = name
        return name

    def own_statement(self, node) -> bool:
        return node is self.output or bool(node.name) or self.uses.get(node.unique_id, 0) > 1

    def inlined(self, node) -> bool:
        """An operation node written where it is used: unnamed, used once, not the output."""
        return node.last_fn is not None and not self.own_statement(node)

    def expression(self, node) -> tuple[str, int]:
        """The text of ``node`` where it is used, and how tightly that text binds."""
        if node.unique_id in self.names:
            return self.names[node.unique_id], _ATOM
        if node.last_fn is None:  # a constant (variables are always named)
            return _number(node.data)
        return self.operation(node)

    def operation(self, node) -> tuple[str, int]:
        fn, inputs = node.last_fn, node.inputs
        if fn.call is not None:
            return f"{fn.call}({', '.join(self.expression(p)[0] for p in inputs)})", _ATOM
        if fn is NEGATE:
            (operand,) = inputs
            if operand.last_fn is None and operand.unique_id not in self.names:
                # The language reads a sign on a number as part of the number: write the constant.
                return _number(-operand.data)
            return f"-{self.wrap(operand, _UNARY)}", _UNARY
        if fn is Inv:
            return f"1 / {self.wrap(inputs[0], _PRODUCT + 1)}", _PRODUCT
        a, b = inputs
        if fn.name == "add" and b.last_fn is NEGATE and self.inlined(b):
            return f"{self.wrap(a, _SUM)} - {self.wrap(b.inputs[0], _SUM + 1)}", _SUM
        symbol, power, associativity = _INFIX[fn.name]
        if associativity == RIGHT:  # its right side is a unary (`2**-x`), its left binds tighter
            return f"{self.wrap(a, power + 1)}{symbol}{self.wrap(b, _UNARY)}", power
        if associativity == NONE:  # comparisons do not chain: both sides bind tighter
            return f"{self.wrap(a, power + 1)} {symbol} {self.wrap(b, power + 1)}", power
        return f"{self.wrap(a, power)} {symbol} {self.wrap(b, power + 1)}", power

    def wrap(self, node, at_least: int) -> str:
        """The text of an operand, in parentheses unless it binds at least this tightly."""
        text, power = self.expression(node)
        return text if power >= at_least else f"({text})"

    def program(self) -> str:
        lines = []
        for node in self.order:
            if node.last_fn is None:
                if not node.is_constant():
                    name = self.name_of(node, "x")
                    lines.append(f"{name} = {float(node.data)!r}")
                continue
            if self.own_statement(node):
                text, _ = self.operation(node)
                lines.append(f"{self.name_of(node, 'out' if node is self.output else 't')} = {text}")
        if not lines:  # a constant on its own
            lines.append(f"out = {_number(self.output.data)[0]}")
        return "\n".join(lines) + "\n"


def to_program(scalar) -> str:
    """The program whose graph is the one ``scalar`` depends on: same values, same gradients."""
    return _Writer(scalar).program()


def explorer_url(program: str, base_url: str = "http://127.0.0.1:8000") -> str:
    """The explorer's URL showing ``program`` (the page keeps its state in the URL's fragment)."""
    return f"{base_url.rstrip('/')}/#{urlencode({'e': program}, quote_via=quote)}"


def explore(scalar, base_url: str = "http://127.0.0.1:8000", open_browser: bool = False) -> str:
    """The explorer's URL for the graph ``scalar`` depends on; with ``open_browser``, also open it."""
    url = explorer_url(to_program(scalar), base_url)
    if open_browser:
        webbrowser.open(url)
    return url
