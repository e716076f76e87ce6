"""Record a computation's shape once, then replay it on whole batches of floats.

Training builds the same graph for every example and every epoch: only the numbers change. A
`Tape` records that shape by running the model's own code on `Traced` stand-ins (the same operators
and methods a `Scalar` has); `Tape.compile` turns it into a `CompiledTape` that runs forward and
backward on lists of floats, one list per slot, an element per example. No graph of objects is
made per example, so a step of training costs a few list operations per node instead of a few
objects per node per example.

The replay, `CompiledTape` and its kernels, is in `engine.replay`: the numbers are the engine's own,
from each operation's declaration in the table of operations. Values come out bit for bit as a
Scalar graph gives them; gradients differ only by the order in which per-example terms are added.
See docs/architecture.md.
"""

from __future__ import annotations

from collections.abc import Sequence

from .replay import CONSTANT, INPUT, OPERATION, PARAMETER, CompiledTape
from .scalar_functions import BUILTINS, PYTHON_CONSTRUCTIONS, DerivedOperation, ScalarFunction, python_methods


class Traced:
    """A number being recorded: arithmetic on it appends an operation to its tape.

    It has Scalar's operators and methods, made from the same table of operations (below the
    class), and nothing else; asking for its truth value is an error, because a recorded shape must
    not depend on the numbers that will flow through it.
    """

    __slots__ = ("slot", "tape")

    def __init__(self, tape: Tape, slot: int) -> None:
        self.tape = tape
        self.slot = slot

    def __pos__(self):
        return self

    def __bool__(self) -> bool:
        raise TypeError("a traced number has no value yet: the recorded shape cannot depend on it")

    # Hashable by identity, although `==` records an operation instead of comparing (as Scalar).
    __hash__ = object.__hash__

    def __repr__(self) -> str:
        return f"Traced(slot {self.slot})"


def _traced_methods(op) -> tuple:
    """``self <op> other`` (or ``op(self)``) and the reflected ``other <op> self``, recorded: the same
    nodes Scalar's operator makes (a derived operator's several: ``a - b`` is ``a + (-b)``)."""
    if isinstance(op, DerivedOperation):
        build = op.build

        def method(self, other):
            return build(self.tape.apply, self, other)

        def reflected(self, other):
            return build(self.tape.apply, other, self)

        return method, reflected

    def method(self, *others):
        return self.tape.apply(op, self, *others)

    def reflected(self, other):
        return self.tape.apply(op, other, self)

    return method, reflected


# As on Scalar: the operations, then minitorch's constructions over the operators they build.
for _op in (*BUILTINS, *PYTHON_CONSTRUCTIONS):
    for _names in python_methods(_op):
        for _name, _method in zip(_names, _traced_methods(_op), strict=True):
            if _name is not None:
                _method.__name__, _method.__qualname__ = _name, f"Traced.{_name}"
                setattr(Traced, _name, _method)
del _op, _names, _name, _method


class Tape:
    """Slots (parameters, inputs, constants, results) and the operations between them, in order."""

    def __init__(self) -> None:
        self.kinds: list[str] = []
        self.varying: list[bool] = []  # True when the slot's value differs from example to example
        self.constants: dict[int, float] = {}
        self.operations: list[tuple[type[ScalarFunction], tuple[int, ...], int]] = []
        self.parameters: list[int] = []
        self.inputs: list[int] = []

    def _slot(self, kind: str, varying: bool) -> int:
        self.kinds.append(kind)
        self.varying.append(varying)
        return len(self.kinds) - 1

    def parameter(self) -> Traced:
        """A number shared by every example (a weight)."""
        slot = self._slot(PARAMETER, False)
        self.parameters.append(slot)
        return Traced(self, slot)

    def input(self, varying: bool = True) -> Traced:
        """A number given at replay: one per example when ``varying``, else one for all."""
        slot = self._slot(INPUT, varying)
        self.inputs.append(slot)
        return Traced(self, slot)

    def apply(self, fn: type[ScalarFunction], *args) -> Traced:
        slots = []
        for arg in args:
            if isinstance(arg, Traced):
                if arg.tape is not self:
                    raise ValueError("a traced number from another tape")
                slots.append(arg.slot)
            else:  # a Python number: a constant, as a Scalar operation makes it
                slot = self._slot(CONSTANT, False)
                self.constants[slot] = float(arg)
                slots.append(slot)
        out = self._slot(OPERATION, any(self.varying[s] for s in slots))
        self.operations.append((fn, tuple(slots), out))
        return Traced(self, out)

    def compile(self, outputs: Sequence[Traced], fuse: bool = True) -> CompiledTape:
        """The replayable program for ``outputs``: only the operations they depend on (with ``fuse``,
        a product and the sum it feeds are one step; the numbers are the same either way)."""
        needed = {t.slot for t in outputs}
        kept = []
        for fn, ins, out in reversed(self.operations):
            if out in needed:
                kept.append((fn, ins, out))
                needed.update(ins)
        kept.reverse()
        return CompiledTape(self, kept, [t.slot for t in outputs], fuse)
