"""The language's words, all taken from the engine's table of operations: the functions a program may
call (with how many arguments each takes), the operation or derived operator each operator symbol
builds, how tightly each binds and which way it groups, and the operation the unary minus is.

The syntax stage asks it which names are functions and how operators bind; the analysis stage how
many nodes an operator makes; the build stage what to apply; ``unparse`` how to write it back.
"""

from __future__ import annotations

from typing import NamedTuple

from ..scalar_functions import BUILTINS, DERIVED, NONE, OPERATORS, RIGHT, DerivedOperation, Operation
from ..scalar_functions import FUNCTIONS as CALLABLE_OPERATIONS


class Function(NamedTuple):
    """A function a program calls by name: ``tanh(x)``, ``max(a, b)``."""

    name: str
    arity: int
    function: type[Operation]


FUNCTIONS: dict[str, Function] = {
    name: Function(name, op.arity, op) for name, op in CALLABLE_OPERATIONS.items()
}

#: Binary operators by symbol: an operation of the table (`+`), or a derived operator made of them (`>`).
BINARY_OPERATORS: dict[str, type[Operation] | DerivedOperation] = {
    op.symbol: op for op in OPERATORS if isinstance(op, DerivedOperation) or op.arity == 2
}


class Binding(NamedTuple):
    """How a binary operator's spelling reads: the symbol it stands for (`^` is `**`), its binding
    power (higher binds tighter), whether it groups to the right (`2**3**2`) and whether it does
    not group at all (a comparison: `a < b < c` is an error)."""

    symbol: str
    power: int
    right: bool
    chains: bool


#: Every way a program may write a binary operator (`^` too), as the parser reads it.
BINDINGS: dict[str, Binding] = {
    spelling: Binding(op.symbol, op.precedence, op.associativity == RIGHT, op.associativity != NONE)
    for op in BINARY_OPERATORS.values()
    for spelling in op.spellings
}

#: How many nodes each derived operator makes (`a > b`: one lt).
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


#: Each derived operator's operations, as ``_steps`` gives them (`a > b`: lt of 1 and 0).
DERIVED_STEPS: dict[str, tuple[tuple[type[Operation], tuple[int, ...]], ...]] = {
    derived.symbol: _steps(derived) for derived in DERIVED
}

#: The unary minus, and how tightly it binds its operand (`-x**2` is -(x**2); `-a*b` is (-a)*b).
NEGATE: type[Operation] = next(op for op in BUILTINS if op.symbol is not None and op.arity == 1)
UNARY_POWER: int = NEGATE.precedence
#: Every operator symbol and spelling a program may write (the tokenizer's operators).
OPERATOR_SPELLINGS: frozenset[str] = frozenset(spelling for op in OPERATORS for spelling in op.spellings)
