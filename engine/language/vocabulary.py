"""The language's words, all taken from the engine's table of operations: the functions a program may
call (with how many arguments each takes), the operation or derived operator each operator symbol
builds, and the operation the unary minus is.

The syntax stage asks it which names are functions; the analysis stage how many nodes an operator
makes; the build stage what to apply.
"""

from __future__ import annotations

from typing import NamedTuple

from ..scalar_functions import BUILTINS, DERIVED, DerivedOperation, Operation
from ..scalar_functions import FUNCTIONS as CALLABLE_OPERATIONS


class Function(NamedTuple):
    """A function a program calls by name: ``tanh(x)``, ``max(a, b)``."""

    name: str
    arity: int
    function: type[Operation]


FUNCTIONS: dict[str, Function] = {
    name: Function(name, op.arity, op) for name, op in CALLABLE_OPERATIONS.items()
}

#: Binary operators: an operation of the table (`+`), or a derived operator made of them (`-`).
BINARY_OPERATORS: dict[str, type[Operation] | DerivedOperation] = {
    **{op.symbol: op for op in BUILTINS if op.symbol is not None and op.arity == 2},
    **{derived.symbol: derived for derived in DERIVED},
}

#: How many nodes each derived operator makes (`a - b`: a neg and an add).
NODES_MADE: dict[str, int] = {derived.symbol: len(derived.uses) for derived in DERIVED}


def _steps(derived: DerivedOperation) -> tuple[tuple[type[Operation], tuple[int, ...]], ...]:
    """The operations a derived operator is built of, in order, each with its inputs as indices into
    [left operand, right operand, the first operation's node, the second's, ...]: its declaration
    run once on placeholders."""
    steps: list = []

    def record(op, *inputs: int) -> int:
        steps.append((op, inputs))
        return len(steps) + 1

    derived.build(record, 0, 1)
    return tuple(steps)


#: Each derived operator's operations, as ``_steps`` gives them (`a - b`: neg of 1, then add of 0 and 2).
DERIVED_STEPS: dict[str, tuple[tuple[type[Operation], tuple[int, ...]], ...]] = {
    derived.symbol: _steps(derived) for derived in DERIVED
}

#: The unary minus.
NEGATE: type[Operation] = next(op for op in BUILTINS if op.symbol == "-" and op.arity == 1)
