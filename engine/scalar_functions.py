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


def wrap_tuple(value) -> tuple:
    """A backward may return one float or a tuple of them; make it a tuple."""
    return value if isinstance(value, tuple) else (value,)


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


class Exp(ScalarFunction):
    """f(x) = e^x"""

    name, formula = "exp", "e^x"
    rules = ("∂/∂x = e^x",)

    @staticmethod
    def forward(ctx: Context, x: float) -> float:
        out = math.exp(x)
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx: Context, d_out: float) -> float:
        (out,) = ctx.saved_values
        return out * d_out


class Log(ScalarFunction):
    """f(x) = ln x"""

    name, formula = "log", "ln x"
    rules = ("∂/∂x = 1/x",)

    @staticmethod
    def forward(ctx: Context, x: float) -> float:
        ctx.save_for_backward(x)
        return operators.log(x)

    @staticmethod
    def backward(ctx: Context, d_out: float) -> float:
        (x,) = ctx.saved_values
        return (1.0 / x) * d_out


class Tanh(ScalarFunction):
    """f(x) = tanh x"""

    name, formula = "tanh", "tanh x"
    rules = ("∂/∂x = 1 - tanh²x",)

    @staticmethod
    def forward(ctx: Context, x: float) -> float:
        out = math.tanh(x)
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx: Context, d_out: float) -> float:
        (out,) = ctx.saved_values
        return (1.0 - out * out) * d_out


class Sigmoid(ScalarFunction):
    """f(x) = 1 / (1 + e^-x)"""

    name, formula = "sigmoid", "σ(x) = 1/(1 + e^-x)"
    rules = ("∂/∂x = σ(x)·(1 - σ(x))",)

    @staticmethod
    def forward(ctx: Context, x: float) -> float:
        out = operators.sigmoid(x)
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx: Context, d_out: float) -> float:
        (out,) = ctx.saved_values
        return (out * (1.0 - out)) * d_out


class ReLU(ScalarFunction):
    """f(x) = max(0, x)"""

    name, formula = "relu", "max(0, x)"
    rules = ("∂/∂x = 1 if x > 0 else 0",)

    @staticmethod
    def forward(ctx: Context, x: float) -> float:
        ctx.save_for_backward(x)
        return operators.relu(x)

    @staticmethod
    def backward(ctx: Context, d_out: float) -> float:
        (x,) = ctx.saved_values
        return operators.step(x) * d_out


class Sin(ScalarFunction):
    """f(x) = sin x"""

    name, formula = "sin", "sin x"
    rules = ("∂/∂x = cos x",)

    @staticmethod
    def forward(ctx: Context, x: float) -> float:
        ctx.save_for_backward(x)
        return math.sin(x)

    @staticmethod
    def backward(ctx: Context, d_out: float) -> float:
        (x,) = ctx.saved_values
        return math.cos(x) * d_out


class Cos(ScalarFunction):
    """f(x) = cos x"""

    name, formula = "cos", "cos x"
    rules = ("∂/∂x = -sin x",)

    @staticmethod
    def forward(ctx: Context, x: float) -> float:
        ctx.save_for_backward(x)
        return math.cos(x)

    @staticmethod
    def backward(ctx: Context, d_out: float) -> float:
        (x,) = ctx.saved_values
        return (-math.sin(x)) * d_out


class Sqrt(ScalarFunction):
    """f(x) = √x"""

    name, formula = "sqrt", "√x"
    rules = ("∂/∂x = 1/(2√x)",)

    @staticmethod
    def forward(ctx: Context, x: float) -> float:
        out = math.sqrt(x)
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx: Context, d_out: float) -> float:
        (out,) = ctx.saved_values
        return (0.5 * operators.reciprocal_or_inf(out)) * d_out


class Abs(ScalarFunction):
    """f(x) = |x|"""

    name, formula = "abs", "|x|"
    rules = ("∂/∂x = sign(x), 0 at 0",)

    @staticmethod
    def forward(ctx: Context, x: float) -> float:
        ctx.save_for_backward(x)
        return abs(x)

    @staticmethod
    def backward(ctx: Context, d_out: float) -> float:
        (x,) = ctx.saved_values
        return operators.sign(x) * d_out


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
