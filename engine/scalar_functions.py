"""One `ScalarFunction` per operation: `forward` on floats, `backward` giving local derivative × d_out.

Each built-in also carries its rule as display text (``rules``, one per input) for the page and
``GET /api/ops``. Every backward computes the local derivative first and multiplies by ``d_out``
last, so a trace that asks for the local derivative alone (``d_out = 1``) and multiplies it by the
gradient gets exactly the numbers ``backward`` accumulates.
"""

from __future__ import annotations

import math
import operator

from . import operators
from .errors import MathError
from .scalar import Context, Scalar, _next_id

_data = operator.attrgetter("data")
_new = object.__new__


class ScalarFunction:
    """Base class: subclasses define ``forward(ctx, *floats)`` and ``backward(ctx, d_out)``.

    ``name`` and ``rules`` describe the function for people; ``symbol`` is set for operators.
    """

    name: str = ""
    symbol: str | None = None
    formula: str = ""
    rules: tuple[str, ...] = ()

    @staticmethod
    def forward(ctx: Context, *values: float) -> float:
        raise NotImplementedError

    @staticmethod
    def backward(ctx: Context, d_out: float):
        raise NotImplementedError

    @classmethod
    def display_name(cls) -> str:
        return cls.name or cls.__name__

    @classmethod
    def apply(cls, *values) -> Scalar:
        """Unwrap the inputs (numbers become constants), run forward, wrap the result."""
        return apply_function(cls, values)


def apply_function(cls: type[ScalarFunction], values: tuple) -> Scalar:
    """``cls.apply(*values)``; Scalar's operators call it directly, one call less per operation.

    Every operation comes through here: one- and two-input calls with Scalars take a short path,
    anything else (numbers, subclasses, three inputs) the general one.
    """
    ctx = _new(Context)  # Context() without the __init__ call
    ctx.no_grad = False
    ctx.saved_values = ()
    try:
        if len(values) == 2:
            a, b = values
            if a.__class__ is not Scalar or b.__class__ is not Scalar:
                a, b = values = _as_scalars(values)
            out = cls.forward(ctx, a.data, b.data)
        elif len(values) == 1:
            a = values[0]
            if a.__class__ is not Scalar:
                (a,) = values = _as_scalars(values)
            out = cls.forward(ctx, a.data)
        else:
            values = _as_scalars(values)
            out = cls.forward(ctx, *map(_data, values))
    except (ArithmeticError, ValueError) as exc:
        raise MathError(cls.display_name(), [v.data for v in values], "forward", str(exc)) from None
    if out.__class__ is not float:
        out = float(out)
    if out - out != 0.0:  # inf - inf and nan - nan are nan: one test for both, without a call
        reason = "overflow" if out == out else "NaN"
        raise MathError(cls.display_name(), [v.data for v in values], "forward", reason)
    # The new Scalar, made without __init__: the value needs none of the checks a user's gets.
    scalar = _new(Scalar)
    scalar.data = out
    scalar.grad = None
    scalar.name = None
    scalar.unique_id = _next_id()
    scalar.last_fn = cls
    scalar.ctx = ctx
    scalar.inputs = values
    scalar._constant = False
    return scalar


def _as_scalars(values: tuple) -> tuple:
    """Scalars stay, Python numbers become constants."""
    return tuple(v if isinstance(v, Scalar) else Scalar.constant(v) for v in values)


class Add(ScalarFunction):
    """f(a, b) = a + b"""

    name, symbol, formula = "add", "+", "a + b"
    rules = ("∂/∂a = 1", "∂/∂b = 1")

    @staticmethod
    def forward(ctx: Context, a: float, b: float) -> float:
        return a + b

    @staticmethod
    def backward(ctx: Context, d_out: float) -> tuple[float, float]:
        return d_out, d_out


class Mul(ScalarFunction):
    """f(a, b) = a · b"""

    name, symbol, formula = "mul", "*", "a · b"
    rules = ("∂/∂a = b", "∂/∂b = a")

    @staticmethod
    def forward(ctx: Context, a: float, b: float) -> float:
        ctx.save_for_backward(a, b)
        return a * b

    @staticmethod
    def backward(ctx: Context, d_out: float) -> tuple[float, float]:
        a, b = ctx.saved_values
        return b * d_out, a * d_out


class Neg(ScalarFunction):
    """f(x) = -x"""

    name, symbol, formula = "neg", "-", "-x"
    rules = ("∂/∂x = -1",)

    @staticmethod
    def forward(ctx: Context, x: float) -> float:
        return -x

    @staticmethod
    def backward(ctx: Context, d_out: float) -> float:
        return -1.0 * d_out


class Inv(ScalarFunction):
    """f(x) = 1/x"""

    name, formula = "inv", "1/x"
    rules = ("∂/∂x = -1/x²",)

    @staticmethod
    def forward(ctx: Context, x: float) -> float:
        ctx.save_for_backward(x)
        return operators.inv(x)

    @staticmethod
    def backward(ctx: Context, d_out: float) -> float:
        (x,) = ctx.saved_values
        return (-1.0 / (x * x)) * d_out


class Pow(ScalarFunction):
    """f(x, y) = x^y"""

    name, symbol, formula = "pow", "**", "x^y"
    rules = ("∂/∂x = y·x^(y-1)", "∂/∂y = x^y·ln x")

    @staticmethod
    def forward(ctx: Context, x: float, y: float) -> float:
        out = operators.power(x, y)
        ctx.save_for_backward(x, y, out)
        return out

    @staticmethod
    def backward(ctx: Context, d_out: float) -> tuple[float, float]:
        x, y, out = ctx.saved_values
        return operators.power_base_local(x, y) * d_out, operators.power_exponent_local(x, y, out) * d_out


# -- one-input functions, as data ---------------------------------------------------------------------
#
# Each is its value rule and its local-derivative rule, in terms of the input x and the output
# f(x); `unary_function` makes the ScalarFunction around them: forward saves (x, f(x)), backward
# returns local(x, f(x)) × d_out. Adding a function is one row here (and a row in the tests).


def unary_function(class_name: str, name: str, formula: str, rule: str, value, local) -> type[ScalarFunction]:
    """A one-input ScalarFunction from ``value(x)`` and ``local(x, out) = f'(x)``."""

    def forward(ctx: Context, x: float) -> float:
        out = value(x)
        ctx.save_for_backward(x, out)
        return out

    def backward(ctx: Context, d_out: float) -> float:
        x, out = ctx.saved_values
        return local(x, out) * d_out

    members = {
        "__doc__": f"f(x) = {formula}",
        "__module__": __name__,
        "name": name,
        "formula": formula,
        "rules": (rule,),
        "forward": staticmethod(forward),
        "backward": staticmethod(backward),
    }
    return type(class_name, (ScalarFunction,), members)


# Each row: class name, function name, formula, the rule shown on the page; value(x); local(x, f(x)).

Exp = unary_function("Exp", "exp", "e^x", "∂/∂x = e^x",
                     math.exp, lambda x, out: out)  # fmt: skip
Log = unary_function("Log", "log", "ln x", "∂/∂x = 1/x",
                     operators.log, lambda x, out: 1.0 / x)  # fmt: skip
Tanh = unary_function("Tanh", "tanh", "tanh x", "∂/∂x = 1 - tanh²x",
                      math.tanh, lambda x, out: 1.0 - out * out)  # fmt: skip
Sigmoid = unary_function("Sigmoid", "sigmoid", "σ(x) = 1/(1 + e^-x)", "∂/∂x = σ(x)·(1 - σ(x))",
                         operators.sigmoid, lambda x, out: out * (1.0 - out))  # fmt: skip
ReLU = unary_function("ReLU", "relu", "max(0, x)", "∂/∂x = 1 if x > 0 else 0",
                      operators.relu, lambda x, out: operators.step(x))  # fmt: skip
Sin = unary_function("Sin", "sin", "sin x", "∂/∂x = cos x",
                     math.sin, lambda x, out: math.cos(x))  # fmt: skip
Cos = unary_function("Cos", "cos", "cos x", "∂/∂x = -sin x",
                     math.cos, lambda x, out: -math.sin(x))  # fmt: skip
Sqrt = unary_function("Sqrt", "sqrt", "√x", "∂/∂x = 1/(2√x)",
                      math.sqrt, lambda x, out: 0.5 * operators.reciprocal_or_inf(out))  # fmt: skip
Abs = unary_function("Abs", "abs", "|x|", "∂/∂x = sign(x), 0 at 0",
                     abs, lambda x, out: operators.sign(x))  # fmt: skip


class LT(ScalarFunction):
    """f(a, b) = 1 if a < b else 0"""

    name, symbol, formula = "lt", "<", "a < b"
    rules = ("∂/∂a = 0", "∂/∂b = 0")

    @staticmethod
    def forward(ctx: Context, a: float, b: float) -> float:
        return 1.0 if a < b else 0.0

    @staticmethod
    def backward(ctx: Context, d_out: float) -> tuple[float, float]:
        return 0.0 * d_out, 0.0 * d_out


class EQ(ScalarFunction):
    """f(a, b) = 1 if a == b else 0"""

    name, symbol, formula = "eq", "==", "a == b"
    rules = ("∂/∂a = 0", "∂/∂b = 0")

    @staticmethod
    def forward(ctx: Context, a: float, b: float) -> float:
        return 1.0 if a == b else 0.0

    @staticmethod
    def backward(ctx: Context, d_out: float) -> tuple[float, float]:
        return 0.0 * d_out, 0.0 * d_out


#: Every built-in, in the order the page lists them.
BUILTINS: tuple[type[ScalarFunction], ...] = (
    Add, Mul, Neg, Inv, Pow, Exp, Log, Tanh, Sigmoid, ReLU, Sin, Cos, Sqrt, Abs, LT, EQ,
)  # fmt: skip

#: The one-argument functions a program may call by name.
UNARY_FUNCTIONS: dict[str, type[ScalarFunction]] = {
    fn.name: fn for fn in (Exp, Log, Tanh, Sigmoid, ReLU, Sin, Cos, Sqrt, Abs)
}
