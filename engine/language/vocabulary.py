"""The language's words, taken from the engine's operations: the functions a program may call (with
how many arguments each takes) and the ScalarFunction each operator symbol builds.

The syntax stage asks it which names are functions; the build stage which ScalarFunction to apply.
"""

from __future__ import annotations

from typing import NamedTuple

from ..scalar_functions import EQ, LT, UNARY_FUNCTIONS, Add, Inv, Mul, Neg, Pow, ScalarFunction


class Function(NamedTuple):
    """A function a program calls by name: ``tanh(x)``."""

    name: str
    arity: int
    function: type[ScalarFunction]


FUNCTIONS: dict[str, Function] = {name: Function(name, 1, fn) for name, fn in UNARY_FUNCTIONS.items()}

#: Binary operators that are one operation each.
BINARY_OPERATORS: dict[str, type[ScalarFunction]] = {"+": Add, "*": Mul, "**": Pow, "<": LT, "==": EQ}

#: The unary minus, and the one-input operations the derived binary operators are made of.
NEGATE = Neg
INVERT = Inv
