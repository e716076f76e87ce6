"""`Scalar`: a float that remembers how it was made, so its derivatives can be traced back."""

from __future__ import annotations

import itertools
import math
from typing import NamedTuple

_next_id = itertools.count().__next__


class Context:
    """What a ScalarFunction's forward keeps for its backward (minitorch's Context)."""

    __slots__ = ("no_grad", "saved_values")

    def __init__(self, no_grad: bool = False) -> None:
        self.no_grad = no_grad
        self.saved_values: tuple = ()

    def save_for_backward(self, *values) -> None:
        """Keep ``values`` for the backward pass."""
        if not self.no_grad:
            self.saved_values = values

    @property
    def saved_tensors(self) -> tuple:  # minitorch's alias
        return self.saved_values


class ScalarHistory(NamedTuple):
    """How a Scalar was made: the function, its context and its inputs (all None/empty for a leaf)."""

    last_fn: type | None = None
    ctx: Context | None = None
    inputs: tuple = ()


class Scalar:
    """A real number in a computation graph.

    A Scalar made by the user is a *leaf* (a variable); a Python number that meets a Scalar in an
    operation becomes a *constant* (a leaf that never gets a gradient); every other Scalar is the
    output of a ``ScalarFunction`` and remembers it.
    """

    __slots__ = ("_constant", "ctx", "data", "grad", "inputs", "last_fn", "name", "unique_id")

    def __init__(self, value: float, name: str | None = None) -> None:
        value = float(value)
        if not math.isfinite(value):
            raise ValueError(f"a Scalar must be a finite number, got {value!r}")
        self.data = value
        self.grad: float | None = None
        self.name = name
        self.unique_id = _next_id()
        self.last_fn = None
        self.ctx = None
        self.inputs: tuple[Scalar, ...] = ()
        self._constant = False

    @classmethod
    def constant(cls, value: float, name: str | None = None) -> Scalar:
        """A number that takes part in the graph but has no gradient."""
        scalar = cls(value, name)
        scalar._constant = True
        return scalar

    # -- what kind of node -------------------------------------------------------------------------

    def is_leaf(self) -> bool:
        """True for a Scalar no function made: a variable or a constant."""
        return self.last_fn is None

    def is_constant(self) -> bool:
        """True for a constant: it never receives a gradient."""
        return self._constant

    @property
    def history(self) -> ScalarHistory:
        return ScalarHistory(self.last_fn, self.ctx, self.inputs)

    @property
    def parents(self) -> tuple[Scalar, ...]:
        return self.inputs

    @property
    def derivative(self) -> float | None:  # minitorch's name for .grad
        return self.grad

    # -- gradients ---------------------------------------------------------------------------------

    def backward(self, d_output: float = 1.0) -> None:
        """Fill ``.grad`` of every Scalar this one depends on with d self / d that Scalar.

        Leaves accumulate across calls (as in PyTorch); see ``zero_grad``.
        """
        backpropagate(self, d_output)

    def zero_grad(self) -> None:
        """Forget this Scalar's gradient."""
        self.grad = None

    # -- operators ---------------------------------------------------------------------------------

    def __add__(self, other):
        return apply_function(Add, (self, other))

    def __radd__(self, other):
        return apply_function(Add, (other, self))

    def __sub__(self, other):  # a - b = a + (-b)
        return apply_function(Add, (self, apply_function(Neg, (other,))))

    def __rsub__(self, other):
        return apply_function(Add, (other, apply_function(Neg, (self,))))

    def __mul__(self, other):
        return apply_function(Mul, (self, other))

    def __rmul__(self, other):
        return apply_function(Mul, (other, self))

    def __truediv__(self, other):  # a / b = a * (1/b)
        return apply_function(Mul, (self, apply_function(Inv, (other,))))

    def __rtruediv__(self, other):
        return apply_function(Mul, (other, apply_function(Inv, (self,))))

    def __pow__(self, other):
        return apply_function(Pow, (self, other))

    def __rpow__(self, other):
        return apply_function(Pow, (other, self))

    def __neg__(self):
        return apply_function(Neg, (self,))

    def __pos__(self):
        return self

    def __abs__(self):
        return apply_function(Abs, (self,))

    def __lt__(self, other):
        return apply_function(LT, (self, other))

    def __gt__(self, other):  # a > b = b < a
        return apply_function(LT, (other, self))

    def __bool__(self) -> bool:
        return bool(self.data)

    def __float__(self) -> float:
        return self.data

    def __repr__(self) -> str:
        named = f", name={self.name!r}" if self.name else ""
        return f"Scalar({self.data!r}{named})"

    # -- functions ---------------------------------------------------------------------------------

    def exp(self):
        return apply_function(Exp, (self,))

    def log(self):
        return apply_function(Log, (self,))

    def tanh(self):
        return apply_function(Tanh, (self,))

    def sigmoid(self):
        return apply_function(Sigmoid, (self,))

    def relu(self):
        return apply_function(ReLU, (self,))

    def sin(self):
        return apply_function(Sin, (self,))

    def cos(self):
        return apply_function(Cos, (self,))

    def sqrt(self):
        return apply_function(Sqrt, (self,))


def eq(a, b) -> Scalar:
    """1.0 where a == b, else 0.0; derivative 0 (minitorch's EQ)."""
    return apply_function(EQ, (a, b))


# Imported last: the functions module needs `Scalar` defined above.
from .autodiff import backpropagate  # noqa: E402
from .scalar_functions import (  # noqa: E402
    EQ,
    LT,
    Abs,
    Add,
    Cos,
    Exp,
    Inv,
    Log,
    Mul,
    Neg,
    Pow,
    ReLU,
    Sigmoid,
    Sin,
    Sqrt,
    Tanh,
    apply_function,
)
