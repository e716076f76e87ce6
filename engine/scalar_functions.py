"""The table of operations: every built-in declared once, as a `ScalarFunction` with its rules.

The third layer of the engine (see docs/architecture.md), above ``operators`` (the float maths)
and ``autodiff`` (the Context and the backward pass), below ``scalar``. Each declaration is the
operation's name, symbol, arity, value rule, local-derivative rule, display text (formula, one
rule per input, the glyph drawn on a graph node) and domain. Everything else is derived from
the table: Scalar's operators and methods, ``BUILTINS``, the language's function names, the
derived operators (``a - b``, ``a / b``, ``a > b``) and ``GET /api/ops``.

A function can also be written the minitorch way, as a subclass of ``ScalarFunction`` with
``forward(ctx, *floats)`` and ``backward(ctx, d_out)``; the engine runs both kinds.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, NamedTuple

from . import operators
from .autodiff import Context

if TYPE_CHECKING:
    from .scalar import Scalar


class ScalarFunction:
    """minitorch's function: subclasses define ``forward(ctx, *floats)`` and ``backward(ctx, d_out)``.

    ``backward`` returns ``d_out`` × the local derivative, one per input (a bare float for one
    input). The built-in operations are ``Operation`` subclasses made by ``operation(...)``.
    """

    name: str = ""
    symbol: str | None = None
    formula: str = ""
    rules: tuple[str, ...] = ()
    #: The local-derivative rule of a declared operation; None: ask ``backward``.
    local: Callable | None = None

    @staticmethod
    def forward(ctx: Context, *values: float) -> float:
        raise NotImplementedError

    @staticmethod
    def backward(ctx: Context, d_out: float) -> float | tuple[float, ...]:
        raise NotImplementedError

    @classmethod
    def _forward(cls, ctx: Context, *values: float) -> float:
        return cls.forward(ctx, *values)

    @classmethod
    def _backward(cls, ctx: Context, d_out: float) -> tuple[float, ...]:
        """``backward``, always as a tuple: one entry per input."""
        result = cls.backward(ctx, d_out)
        return result if isinstance(result, tuple) else (result,)

    @classmethod
    def display_name(cls) -> str:
        return cls.name or cls.__name__

    @classmethod
    def apply(cls, *values: Scalar | float) -> Scalar:
        """A new Scalar: this function of ``values`` (numbers become constants)."""
        # The Scalar type lives one layer up: it is looked up when this runs, not imported when
        # this module loads (minitorch's apply does the same), so the layers have no cycle.
        from .scalar import apply_function

        return apply_function(cls, values)


# -- the declarations' vocabulary --------------------------------------------------------------------


class Domain(NamedTuple):
    """Where an operation's value and local derivatives are finite real numbers."""

    text: str  # as people read it
    contains: Callable[..., bool]  # the same, as a test on the input values


REALS = Domain("all reals", lambda *values: True)
POSITIVE = Domain("x > 0", lambda x: x > 0.0)


class Operation(ScalarFunction):
    """A built-in operation: ``value(*inputs)`` and ``local(*inputs, out)`` are its rules.

    ``local`` gives the local derivative for one input, a tuple of them for two; a rule that
    does not depend on the inputs is written as its value (``(1.0, 1.0)`` for addition). The engine
    calls both rules directly (no Context is made); ``forward``/``backward`` express the same
    rules in minitorch's terms, for code that calls them that way.
    """

    arity: int = 0
    #: The function name a program calls it by (``exp``); None for an operator.
    call: str | None = None
    #: The glyph drawn on its graph nodes.
    display: str = ""
    domain: Domain = REALS

    @staticmethod
    def value(*inputs: float) -> float:
        raise NotImplementedError

    @classmethod
    def forward(cls, ctx: Context, *inputs: float) -> float:
        out = cls.value(*inputs)
        ctx.save_for_backward(*inputs, out)
        return out

    @classmethod
    def backward(cls, ctx: Context, d_out: float) -> float | tuple[float, ...]:
        *inputs, out = ctx.saved_values
        local = cls.local(*inputs, out) if callable(cls.local) else cls.local
        if cls.arity == 1:
            return local * d_out
        return tuple(each * d_out for each in local)


def operation(class_name: str, *, name: str, arity: int, value: Callable, local: Callable, formula: str,
              rules: tuple[str, ...], symbol: str | None = None, call: str | None = None,
              display: str | None = None, domain: Domain = REALS) -> type[Operation]:  # fmt: skip
    """Declare an operation: the one place its rules and its display text are written.

    ``value(*inputs)`` and ``local(*inputs, out)`` work on floats; ``local`` returns the local
    derivative (a tuple of ``arity`` of them for more than one input), or is that number (tuple)
    when it does not depend on the inputs. ``symbol`` makes it a
    Python operator on Scalars, ``call`` a function in the language and a Scalar method.
    """
    if arity not in (1, 2) or len(rules) != arity:
        raise ValueError(f"{name}: an operation takes 1 or 2 inputs, with one derivative rule for each")
    members = {
        "__doc__": f"f({', '.join(_placeholders(rules))}) = {formula}",
        "__module__": __name__,
        "name": name,
        "symbol": symbol,
        "call": call,
        "arity": arity,
        "formula": formula,
        "rules": rules,
        "display": display or symbol or call or name,
        "domain": domain,
        "value": staticmethod(value),
        "local": staticmethod(local) if callable(local) else local,
    }
    return type(class_name, (Operation,), members)


def _placeholders(rules: tuple[str, ...]) -> list[str]:
    """The inputs' names, as the rules write them: ``x`` in ``∂/∂x = …``."""
    return [rule.removeprefix("∂/∂").split(" ", 1)[0] for rule in rules]


# -- the table: one declaration per operation, in the order the page lists them ----------------------

Add = operation(
    "Add", name="add", symbol="+", arity=2, formula="a + b", rules=("∂/∂a = 1", "∂/∂b = 1"),
    value=operators.add, local=(1.0, 1.0),
)  # fmt: skip
Mul = operation(
    "Mul", name="mul", symbol="*", display="×", arity=2, formula="a · b", rules=("∂/∂a = b", "∂/∂b = a"),
    value=operators.mul, local=lambda a, b, out: (b, a),
)  # fmt: skip
Neg = operation(
    "Neg", name="neg", symbol="-", display="−", arity=1, formula="-x", rules=("∂/∂x = -1",),
    value=operators.neg, local=-1.0,
)  # fmt: skip
Inv = operation(
    "Inv", name="inv", display="1/x", arity=1, formula="1/x", rules=("∂/∂x = -1/x²",),
    value=operators.inv, local=lambda x, out: -1.0 / (x * x),
    domain=Domain("x ≠ 0", lambda x: x != 0.0),
)  # fmt: skip
Pow = operation(
    "Pow", name="pow", symbol="**", display="^", arity=2, formula="x^y",
    rules=("∂/∂x = y·x^(y-1)", "∂/∂y = x^y·ln x"),
    value=operators.power,
    local=lambda x, y, out: (operators.power_base_local(x, y), operators.power_exponent_local(x, y, out)),
    domain=Domain("x > 0 (x < 0 only to a constant integer power)", lambda x, y: x > 0.0),
)  # fmt: skip
Exp = operation(
    "Exp", name="exp", call="exp", arity=1, formula="e^x", rules=("∂/∂x = e^x",),
    value=operators.exp, local=lambda x, out: out,
)  # fmt: skip
Log = operation(
    "Log", name="log", call="log", arity=1, formula="ln x", rules=("∂/∂x = 1/x",),
    value=operators.log, local=lambda x, out: 1.0 / x, domain=POSITIVE,
)  # fmt: skip
Tanh = operation(
    "Tanh", name="tanh", call="tanh", arity=1, formula="tanh x", rules=("∂/∂x = 1 - tanh²x",),
    value=math.tanh, local=lambda x, out: 1.0 - out * out,
)  # fmt: skip
Sigmoid = operation(
    "Sigmoid", name="sigmoid", call="sigmoid", arity=1, formula="σ(x) = 1/(1 + e^-x)",
    rules=("∂/∂x = σ(x)·(1 - σ(x))",),
    value=operators.sigmoid, local=lambda x, out: out * (1.0 - out),
)  # fmt: skip
ReLU = operation(
    "ReLU", name="relu", call="relu", arity=1, formula="max(0, x)", rules=("∂/∂x = 1 if x > 0 else 0",),
    value=operators.relu, local=lambda x, out: 1.0 if x > 0.0 else 0.0,
)  # fmt: skip
Sin = operation(
    "Sin", name="sin", call="sin", arity=1, formula="sin x", rules=("∂/∂x = cos x",),
    value=math.sin, local=lambda x, out: math.cos(x),
)  # fmt: skip
Cos = operation(
    "Cos", name="cos", call="cos", arity=1, formula="cos x", rules=("∂/∂x = -sin x",),
    value=math.cos, local=lambda x, out: -math.sin(x),
)  # fmt: skip
Sqrt = operation(
    "Sqrt", name="sqrt", call="sqrt", arity=1, formula="√x", rules=("∂/∂x = 1/(2√x)",),
    value=operators.sqrt, local=lambda x, out: 0.5 * operators.reciprocal_or_inf(out), domain=POSITIVE,
)  # fmt: skip
Abs = operation(
    "Abs", name="abs", call="abs", arity=1, formula="|x|", rules=("∂/∂x = sign(x), 0 at 0",),
    value=abs, local=lambda x, out: operators.sign(x),
)  # fmt: skip
Softplus = operation(
    "Softplus", name="softplus", call="softplus", arity=1, formula="softplus(x) = ln(1 + e^x)",
    rules=("∂/∂x = σ(x)",),
    value=operators.softplus, local=lambda x, out: operators.sigmoid(x),
)  # fmt: skip
Max = operation(
    "Max", name="max", call="max", arity=2, formula="max(a, b)",
    rules=("∂/∂a = 1 if a > b, ½ if a = b, else 0", "∂/∂b = 1 if b > a, ½ if a = b, else 0"),
    value=operators.max, local=lambda a, b, out: operators.max_back(a, b),
)  # fmt: skip
Min = operation(
    "Min", name="min", call="min", arity=2, formula="min(a, b)",
    rules=("∂/∂a = 1 if a < b, ½ if a = b, else 0", "∂/∂b = 1 if b < a, ½ if a = b, else 0"),
    value=operators.min, local=lambda a, b, out: operators.min_back(a, b),
)  # fmt: skip
LT = operation(
    "LT", name="lt", symbol="<", arity=2, formula="a < b", rules=("∂/∂a = 0", "∂/∂b = 0"),
    value=operators.lt, local=(0.0, 0.0),
)  # fmt: skip
EQ = operation(
    "EQ", name="eq", symbol="==", arity=2, formula="a == b", rules=("∂/∂a = 0", "∂/∂b = 0"),
    value=operators.eq, local=(0.0, 0.0),
)  # fmt: skip

#: Every built-in operation, in the order the page lists them.
BUILTINS: tuple[type[Operation], ...] = (
    Add, Mul, Neg, Inv, Pow, Exp, Log, Tanh, Sigmoid, ReLU, Sin, Cos, Sqrt, Abs, Softplus, Max, Min, LT, EQ,
)  # fmt: skip

#: The functions a program may call, by name.
FUNCTIONS: dict[str, type[Operation]] = {op.call: op for op in BUILTINS if op.call}


# -- derived operators: declared once, built from the operations above --------------------------------


class DerivedOperation(NamedTuple):
    """An operator made of operations: ``build(apply, a, b)`` makes its nodes with ``apply(op, *inputs)``.

    Whoever builds decides what a node is: Scalar's operators make Scalars, the language's
    builder makes graph nodes that remember where they are in the source.
    """

    name: str
    symbol: str
    formula: str
    build: Callable[..., Any]

    @property
    def uses(self) -> tuple[str, ...]:
        """The operations it is made of, innermost first."""
        made: list[str] = []

        def record(op, *inputs):
            made.append(op.name)
            return op.name

        self.build(record, "a", "b")
        return tuple(made)


SUB = DerivedOperation("sub", "-", "a - b = a + (-b)", lambda apply, a, b: apply(Add, a, apply(Neg, b)))
DIV = DerivedOperation("div", "/", "a / b = a · (1/b)", lambda apply, a, b: apply(Mul, a, apply(Inv, b)))
GT = DerivedOperation("gt", ">", "a > b = b < a", lambda apply, a, b: apply(LT, b, a))

#: Every derived operator, in the order the page lists them.
DERIVED: tuple[DerivedOperation, ...] = (SUB, DIV, GT)
