"""What a notebook hands the explorer, as a program of the expression language, and its own gradients.

``explore`` (app/notebook.py) takes program text, an engine ``Scalar`` or a micrograd ``Value``. The
explorer shows programs (the answer is the API's), so a graph of objects is written as one:

- a ``Scalar`` by the engine's own ``to_program`` (engine/language/unparse.py);
- a micrograd ``Value`` here, read only through what micrograd's ``Value`` has (``data``, ``grad``,
  ``_prev``, ``_op``, and ``label`` when the lecture's version gives one): every leaf a declaration
  with its full-precision value, every operation its own statement, so each object has a name in
  the program and its node in the answer. micrograd's operations are ``+ * **k relu tanh exp``; its
  subtraction, negation and division are made of them (``a + b*-1``, ``a * b**-1``), so they come
  out as micrograd built them, the ``-1`` leaf included.

Names: the object's ``label`` (or ``Scalar.name``), else the name the caller's code has for it, else
``x1, x2, …`` for leaves, ``t1, t2, …`` for operations and ``out`` for the output.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field

from engine import Scalar
from engine.language.unparse import _Writer
from engine.language.vocabulary import FUNCTIONS

_NAME = re.compile(r"[A-Za-z_][A-Za-z_0-9]*\Z")
# micrograd's _op → how the language writes it (the operands are names).
_CALLS = {"ReLU": "relu", "relu": "relu", "tanh": "tanh", "exp": "exp"}


@dataclass
class Written:
    """A graph written as a program: ``names`` gives each object (by ``id``) its name in it."""

    program: str
    objects: list = field(default_factory=list)  # every object of the graph, inputs first
    names: dict[int, str] = field(default_factory=dict)
    own_grads: dict[int, float | None] = field(default_factory=dict)  # id → the object's own gradient
    output: object = None


def is_micrograd_value(x) -> bool:
    """Duck-typed: micrograd's Value (or a student's copy of it) has data, grad, _prev and _op."""
    return all(hasattr(x, attr) for attr in ("data", "grad", "_prev", "_op"))


def _number(value: float) -> str:
    value = float(value)
    if not math.isfinite(value):
        raise ValueError(f"the explorer shows finite numbers only, and this graph holds {value!r}")
    text = str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)
    return f"({text})" if text.startswith("-") else text


class _Names:
    """Unique names that are valid in the language and not a function's."""

    def __init__(self, hints: dict[int, str]):
        self.hints = hints
        self.taken: set[str] = set()
        self.counters = {"x": 0, "t": 0}

    def usable(self, name) -> bool:
        return (
            isinstance(name, str)
            and bool(_NAME.match(name))
            and name not in FUNCTIONS
            and name not in self.taken
        )

    def give(self, obj, fallback: str) -> str:
        for wanted in (getattr(obj, "label", None), self.hints.get(id(obj))):
            if self.usable(wanted):
                self.taken.add(wanted)
                return wanted
        if fallback == "out" and self.usable("out"):
            self.taken.add("out")
            return "out"
        prefix = "t" if fallback == "out" else fallback
        while True:
            self.counters[prefix] += 1
            name = f"{prefix}{self.counters[prefix]}"
            if self.usable(name):
                self.taken.add(name)
                return name


def _children(value) -> list:
    """A Value's inputs. micrograd keeps them in a set, so ``a*a`` has one: it is both operands."""
    children = list(value._prev)
    return children * 2 if len(children) == 1 and value._op in ("+", "*") else children


def _inputs_first(output) -> list:
    """Every Value the output depends on, each after its inputs (iterative: deep graphs are fine)."""
    order, opened, done, stack = [], set(), set(), [(output, False)]
    while stack:
        value, closing = stack.pop()
        if closing:
            if id(value) not in done:
                done.add(id(value))
                order.append(value)
            continue
        if id(value) in opened:
            continue
        opened.add(id(value))
        stack.append((value, True))
        stack.extend((child, False) for child in _children(value) if id(child) not in opened)
    return order


def _operation(value, names: dict[int, str]) -> str:
    op = value._op
    operands = [names[id(child)] for child in _children(value)]
    if op in ("+", "*") and len(operands) == 2:
        return f"{operands[0]} {op} {operands[1]}"
    if op.startswith("**") and len(operands) == 1:
        try:
            exponent = float(op[2:])
        except ValueError:
            raise ValueError(f"micrograd's power {op!r} has no number as its exponent") from None
        return f"{operands[0]} ** {_number(exponent)}"
    if op in _CALLS and len(operands) == 1:
        return f"{_CALLS[op]}({operands[0]})"
    raise ValueError(
        f"a micrograd operation the explorer cannot write: {op!r} with {len(operands)} input(s) "
        "(it reads + * **k relu tanh exp, and what micrograd builds of them)"
    )


def write_micrograd(output, hints: dict[int, str] | None = None) -> Written:
    """A micrograd Value's graph as a program, one statement for every object."""
    namer = _Names(hints or {})
    written = Written(program="", output=output)
    lines = []
    for value in _inputs_first(output):
        leaf = not value._prev
        name = namer.give(value, "out" if value is output else ("x" if leaf else "t"))
        text = _number(value.data).strip("()") if leaf else _operation(value, written.names)
        written.names[id(value)] = name
        written.objects.append(value)
        written.own_grads[id(value)] = float(value.grad) if isinstance(value.grad, int | float) else None
        lines.append(f"{name} = {text}")
    written.program = "\n".join(lines) + "\n"
    return written


def write_scalar(output: Scalar) -> Written:
    """An engine Scalar's graph by the engine's own writer; its variables keep their names."""
    writer = _Writer(output)
    program = writer.program()
    written = Written(program=program, output=output)
    for node in writer.order:
        name = writer.names.get(node.unique_id)
        if name is not None:
            written.names[id(node)] = name
            written.objects.append(node)
            written.own_grads[id(node)] = node.derivative
    return written


def caller_names(frame) -> dict[int, str]:
    """The names a notebook's code has for its objects (its locals, then its globals), by object id."""
    names: dict[int, str] = {}
    for scope in (frame.f_globals, frame.f_locals):
        for name, obj in scope.items():
            if not name.startswith("_") and is_micrograd_value(obj):
                names[id(obj)] = name
    return names


def _differs(own: float, engine: float) -> bool:
    """More than 1e-9 apart, relative to the larger of the two (and 1e-9 absolute near zero)."""
    return not math.isclose(own, engine, rel_tol=1e-9, abs_tol=1e-9)


def mismatches(written: Written, answer: dict) -> list[dict]:
    """Where the objects' own gradients (after the student's backward()) differ from the engine's:
    ``[{node, own, engine}]``, ``node`` the answer's node id. Empty before backward() (the output's
    own gradient is still 0 or None): there is nothing of theirs to compare yet."""
    output_grad = written.own_grads.get(id(written.output))
    if not output_grad:
        return []
    by_label = {}
    for node in answer["nodes"]:
        if node["label"] is not None:
            by_label.setdefault(node["label"], node)
    found = []
    for obj in written.objects:
        node = by_label.get(written.names[id(obj)])
        own = written.own_grads.get(id(obj))
        if node is None or own is None or node["grad"] is None:
            continue
        if _differs(own, node["grad"]):
            found.append({"node": node["id"], "own": own, "engine": node["grad"]})
    return found
