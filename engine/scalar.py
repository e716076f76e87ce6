"""`Scalar`: a float that remembers how it was made, so its derivatives can be traced back.

The top layer of the engine's core (see docs/architecture.md): ``operators`` ← ``autodiff`` ←
``scalar_functions`` ← ``scalar``. Scalar's operators and methods are made from the table of
operations in ``scalar_functions``: adding an operation there adds it here.
"""

from __future__ import annotations

import itertools
import numbers
from collections.abc import Callable, Sequence
from typing import NamedTuple

from .autodiff import Context, backpropagate, derivative_check, shares
from .errors import MathError
from .scalar_functions import (
    BUILTINS,
    EQ,
    PYTHON_CONSTRUCTIONS,
    DerivedOperation,
    Operation,
    ScalarFunction,
    python_methods,
)

_next_id = itertools.count(1).__next__
_new = object.__new__

__all__ = [
    "Context",
    "Scalar",
    "ScalarHistory",
    "apply_function",
    "derivative_check",
    "eq",
    "scalars_of_columns",
    "value_function",
]


class ScalarHistory(NamedTuple):
    """How a Scalar was made: the function, its context and its inputs (all None/empty for a leaf)."""

    last_fn: type[ScalarFunction] | None = None
    ctx: Context | None = None
    inputs: tuple = ()


_LEAF = ScalarHistory()


class Scalar:
    """A real number in a computation graph.

    ``Scalar(v)`` is a *leaf* (a variable). ``Scalar(v, None)`` — or a Python number that meets
    a Scalar in an operation — is a *constant*: a leaf that never gets a gradient. Every other
    Scalar is the output of a ``ScalarFunction`` and remembers it (``Scalar(v, back)`` with a
    ``ScalarHistory``, as minitorch, makes one by hand).

    The operators (``+ - * / ** < > ==``, unary ``-``, ``abs``) and the function methods
    (``x.exp()``, ``a.max(b)``, …) come from the table of operations. ``==`` builds an ``EQ``
    Scalar, as in minitorch; Scalars stay hashable by identity, so sets and dicts of them work.
    """

    __slots__ = ("_constant", "ctx", "data", "grad", "inputs", "last_fn", "name", "unique_id")

    def __init__(self, v: float, back: ScalarHistory | None = _LEAF, name: str | None = None) -> None:
        value = v if v.__class__ is float else float(v)
        if value - value != 0.0:  # inf - inf and nan - nan are nan: one test for both, without a call
            raise ValueError(f"a Scalar must be a finite number, got {value!r}")
        self.data = value
        self.grad: float | None = None
        self.name = name
        self.unique_id = _next_id()
        if back is _LEAF:  # a variable: the common case first
            self.last_fn = None
            self.ctx = None
            self.inputs: tuple[Scalar, ...] = ()
            self._constant = False
        elif back is None:  # a constant, as minitorch: no history
            self.last_fn = None
            self.ctx = None
            self.inputs = ()
            self._constant = True
        elif isinstance(back, str):
            raise TypeError("Scalar(v, back=ScalarHistory(), name=None): pass the name as name=...")
        else:
            self.last_fn, self.ctx, inputs = back
            self.inputs = tuple(inputs)
            self._constant = False

    @classmethod
    def constant(cls, value: float, name: str | None = None) -> Scalar:
        """A number that takes part in the graph but has no gradient."""
        return cls(value, None, name)

    # -- what kind of node -------------------------------------------------------------------------

    def is_leaf(self) -> bool:
        """True for a Scalar no function made: a variable or a constant."""
        return self.last_fn is None

    def is_constant(self) -> bool:
        """True for a constant: it never receives a gradient."""
        return self._constant

    @property
    def history(self) -> ScalarHistory | None:
        """How this Scalar was made (None for a constant, as minitorch).

        A built-in operation keeps no Context: its rules read the inputs and the output
        directly. Asked for one, it gets a Context holding what its ``backward`` expects.
        """
        if self._constant:
            return None
        ctx = self.ctx
        if ctx is None and self.last_fn is not None:
            ctx = Context(saved_values=(*(p.data for p in self.inputs), self.data))
        return ScalarHistory(self.last_fn, ctx, self.inputs)

    @property
    def parents(self) -> tuple[Scalar, ...]:
        return self.inputs

    # -- derivatives -------------------------------------------------------------------------------

    @property
    def derivative(self) -> float | None:
        """minitorch's name for ``grad``."""
        return self.grad

    @derivative.setter
    def derivative(self, value: float | None) -> None:
        self.grad = value

    def accumulate_derivative(self, x: float) -> None:
        """Add ``x`` to this variable's derivative (minitorch's way to give a leaf its share)."""
        if self.last_fn is not None or self._constant:
            raise ValueError("only a variable (a leaf that is not a constant) accumulates a derivative")
        self.grad = x if self.grad is None else self.grad + x

    def chain_rule(self, d_output: float) -> list[tuple[Scalar, float]]:
        """``(input, d_output × ∂self/∂input)`` for each input, in order, repeats kept.

        Constants are listed too (minitorch turns a plain number into a leaf that gets its share);
        ``backward`` gives them nothing.
        """
        if self.last_fn is None:
            return []
        return list(zip(self.inputs, shares(self, d_output), strict=False))

    def backward(self, d_output: float | None = None) -> None:
        """Fill ``.grad`` of every Scalar this one depends on with d self / d that Scalar.

        Leaves accumulate across calls (as in PyTorch); see ``zero_grad``.
        """
        backpropagate(self, 1.0 if d_output is None else d_output)

    def zero_grad(self) -> None:
        """Forget this Scalar's gradient."""
        self.grad = None

    # -- Python's number protocol (the operators themselves are made from the table below) --------

    def __pos__(self) -> Scalar:
        return self

    def __bool__(self) -> bool:
        return bool(self.data)

    def __float__(self) -> float:
        return self.data

    # Hashable by identity, although `==` builds a Scalar instead of comparing.
    __hash__ = object.__hash__

    def __repr__(self) -> str:
        named = f", name={self.name!r}" if self.name else ""
        return f"Scalar({self.data!r}{named})"


def eq(a: Scalar | float, b: Scalar | float) -> Scalar:
    """1.0 where a == b, else 0.0; derivative 0 (minitorch's EQ; the same as ``a == b``)."""
    return _APPLY[EQ](a, b)


# -- applying a function ----------------------------------------------------------------------------
#
# A built-in operation needs no Context: its rules read the inputs and the output, which the new
# node keeps anyway. Each operation gets its own `apply(a, b)` (or `apply(x)`) made once from its
# declaration, which runs the value rule and makes the node in place: this is the code every
# `a * b` runs, so it is kept to one Python call besides the value rule itself.


def apply_function(fn: type[ScalarFunction], values: tuple) -> Scalar:
    """``fn`` of ``values`` (Scalars or numbers; numbers become constants): a new Scalar."""
    apply = _APPLY.get(fn)
    if apply is not None and len(values) == fn.arity:
        return apply(*values)
    inputs = tuple(v if v.__class__ is Scalar else _as_scalar(v) for v in values)
    ctx = Context()
    try:
        out = float(fn._forward(ctx, *[x.data for x in inputs]))
    except (ArithmeticError, ValueError) as exc:
        raise MathError(fn.display_name(), [x.data for x in inputs], "forward", str(exc)) from None
    if out - out != 0.0:
        raise _not_finite(fn, inputs, out)
    return _node(out, fn, ctx, inputs)


def _node(data: float, fn: type[ScalarFunction] | None, ctx: Context | None, inputs: tuple,
          constant: bool = False) -> Scalar:  # fmt: skip
    """A Scalar made without __init__: ``data`` needs none of the checks a user's number gets."""
    node = _new(Scalar)
    node.data = data
    node.grad = None
    node.name = None
    node.unique_id = _next_id()
    node.last_fn = fn
    node.ctx = ctx
    node.inputs = inputs
    node._constant = constant
    return node


def _unary_apply(op: type[Operation]):
    """``apply(x)``: ``op`` of one Scalar or number."""
    value, name = op.value, op.name

    def apply(x) -> Scalar:
        if x.__class__ is not Scalar:
            x = _as_scalar(x)
        try:
            out = value(x.data)
        except (ArithmeticError, ValueError) as exc:
            raise MathError(name, (x.data,), "forward", str(exc)) from None
        if out - out != 0.0:  # inf - inf and nan - nan are nan: one test for both, without a call
            raise _not_finite(op, (x,), out)
        node = _new(Scalar)  # _node(out, op, None, (x,)), written out: one call less per operation
        node.data = out
        node.grad = None
        node.name = None
        node.unique_id = _next_id()
        node.last_fn = op
        node.ctx = None
        node.inputs = (x,)
        node._constant = False
        return node

    return apply


def _binary_apply(op: type[Operation]):
    """``apply(a, b)``: ``op`` of two Scalars or numbers."""
    value, name = op.value, op.name

    def apply(a, b) -> Scalar:
        if a.__class__ is not Scalar:
            a = _as_scalar(a)
        if b.__class__ is not Scalar:
            b = _as_scalar(b)
        try:
            out = value(a.data, b.data)
        except (ArithmeticError, ValueError) as exc:
            raise MathError(name, (a.data, b.data), "forward", str(exc)) from None
        if out - out != 0.0:
            raise _not_finite(op, (a, b), out)
        node = _new(Scalar)  # _node(out, op, None, (a, b)), written out
        node.data = out
        node.grad = None
        node.name = None
        node.unique_id = _next_id()
        node.last_fn = op
        node.ctx = None
        node.inputs = (a, b)
        node._constant = False
        return node

    return apply


_APPLY = {op: (_unary_apply(op) if op.arity == 1 else _binary_apply(op)) for op in BUILTINS}


# -- graphs kept as columns -------------------------------------------------------------------------
#
# A program of 50,000 nodes (the language's) is kept as columns, one list per field, rather than as a
# Scalar per node: its values come from the functions below, its backward pass from
# ``trace.trace_columns``. The numbers are the ones Scalars get, to the last bit: the same value
# rules, the same checks, the same products and sums.


def value_function(fn: type[ScalarFunction]) -> Callable[..., float]:
    """``fn`` of plain floats: what ``apply_function`` makes a Scalar's data, with the same
    ``MathError`` when it is not a finite number (``value_function(Mul)(2.0, 3.0) == 6.0``)."""
    value = _VALUE.get(fn)
    if value is not None:
        return value

    def value(*values: float) -> float:
        try:
            out = float(fn._forward(Context(), *values))
        except (ArithmeticError, ValueError) as exc:
            raise MathError(fn.display_name(), values, "forward", str(exc)) from None
        if out - out != 0.0:
            raise _not_finite_value(fn, values, out)
        return out

    return value


def _unary_value(op: type[Operation]) -> Callable[[float], float]:
    value, name = op.value, op.name

    def checked(x: float) -> float:  # the value rule and the checks of _unary_apply's apply
        try:
            out = value(x)
        except (ArithmeticError, ValueError) as exc:
            raise MathError(name, (x,), "forward", str(exc)) from None
        if out - out != 0.0:
            raise _not_finite_value(op, (x,), out)
        return out

    return checked


def _binary_value(op: type[Operation]) -> Callable[[float, float], float]:
    value, name = op.value, op.name

    def checked(a: float, b: float) -> float:  # the value rule and the checks of _binary_apply's apply
        try:
            out = value(a, b)
        except (ArithmeticError, ValueError) as exc:
            raise MathError(name, (a, b), "forward", str(exc)) from None
        if out - out != 0.0:
            raise _not_finite_value(op, (a, b), out)
        return out

    return checked


_VALUE = {op: (_unary_value(op) if op.arity == 1 else _binary_value(op)) for op in BUILTINS}


def scalars_of_columns(functions: Sequence, values: Sequence[float], inputs: Sequence[int],
                       input_counts: Sequence[int], constant: Sequence[bool], names: Sequence | None = None,
                       grads: Sequence | None = None) -> list[Scalar]:  # fmt: skip
    """The Scalars of a graph given as columns (``trace_columns``'s), in its order: node ``i`` made by
    ``functions[i]`` (``None`` for a leaf) from the next ``input_counts[i]`` of ``inputs``, holding
    ``values[i]`` (and ``names[i]``, ``grads[i]``). Nothing is computed again."""
    scalars: list[Scalar] = []
    at = 0
    for i, (fn, data, count) in enumerate(zip(functions, values, input_counts, strict=True)):
        parents = tuple(map(scalars.__getitem__, inputs[at : at + count]))
        at += count
        node = _node(data, fn, None, parents, bool(constant[i]))
        if names is not None:
            node.name = names[i]
        if grads is not None:
            node.grad = grads[i]
        scalars.append(node)
    return scalars


def _not_finite(fn: type[ScalarFunction], inputs: tuple, out: float) -> MathError:
    return _not_finite_value(fn, [x.data for x in inputs], out)


def _not_finite_value(fn: type[ScalarFunction], values, out: float) -> MathError:
    reason = "overflow" if out == out else "NaN"
    return MathError(fn.display_name(), values, "forward", reason)


def _as_scalar(value) -> Scalar:
    """Scalars (subclasses too) stay; a real number becomes a constant."""
    if value.__class__ is not float and value.__class__ is not int:  # the common cases, checked fast
        if isinstance(value, Scalar):
            return value
        if not isinstance(value, numbers.Real):
            raise TypeError(f"a Scalar cannot be combined with {type(value).__name__!r}")
    data = float(value)
    if data - data != 0.0:
        raise ValueError(f"a Scalar must be a finite number, got {data!r}")
    return _node(data, None, None, (), constant=True)  # Scalar(value, None) without __init__


# -- Scalar's operators and methods, made from the table --------------------------------------------
#
# Each operation fills the special methods its symbol or its call names (``python_methods``: Python's
# operator protocol), and a function Python calls by a built-in (``abs``) that one's too.


def _apply(op: type[Operation], x, y=None) -> Scalar:
    """One node: what a derived operator's ``build`` calls to make each of its parts."""
    return _APPLY[op](x) if y is None else _APPLY[op](x, y)


def _methods_of(op: type[Operation]) -> tuple:
    """``self <op> other`` (or ``op(self)``), and the reflected ``other <op> self``."""
    apply = _APPLY[op]
    if op.arity == 1:
        return apply, None  # apply(x) is already the method: x is self

    def reflected(self, other):
        return apply(other, self)

    return apply, reflected


def _derived_methods_of(derived: DerivedOperation) -> tuple:
    build = derived.build

    def method(self, other):
        return build(_apply, self, other)

    def reflected(self, other):
        return build(_apply, other, self)

    return method, reflected


def _copy(function):
    """The same function under a second name (a method's name and docstring are set on it)."""
    return type(function)(function.__code__, function.__globals__, function.__name__,
                          function.__defaults__, function.__closure__)  # fmt: skip


def _install(names: tuple, methods: tuple, doc: str) -> None:
    for name, method in zip(names, methods, strict=True):
        if name is None:
            continue
        method = _copy(method)
        method.__name__ = name
        method.__qualname__ = f"Scalar.{name}"
        method.__doc__ = doc
        setattr(Scalar, name, method)


for _op in BUILTINS:
    for _names in python_methods(_op):
        _install(_names, _methods_of(_op), _op.__doc__)
# Then minitorch's constructions take the operators they build (`a - b` is a + (-b), not a `sub`).
for _derived in PYTHON_CONSTRUCTIONS:
    for _names in python_methods(_derived):
        _install(_names, _derived_methods_of(_derived), _derived.formula)
del _names
del _op, _derived
