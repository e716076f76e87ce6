"""Plain float mathematics: minitorch's module 0, and the value and derivative rules of every operation.

The bottom layer of the engine (see docs/architecture.md): nothing here knows about graphs. The
built-in operations compute their values and local derivatives with these functions; raising
``ValueError``/``ArithmeticError`` on a bad domain is the caller's signal (the engine turns it
into ``MathError``).

Some names shadow Python's built-ins (``id``, ``max``, ``map``, ``sum``), as minitorch's do: use
them as ``operators.max`` and so on.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable

# -- minitorch's prelude of elementary functions ----------------------------------------------------


def mul(x: float, y: float) -> float:
    """f(x, y) = x · y"""
    return x * y


def id(x: float) -> float:
    """f(x) = x"""
    return x


def add(x: float, y: float) -> float:
    """f(x, y) = x + y"""
    return x + y


def neg(x: float) -> float:
    """f(x) = -x"""
    return -x


def sub(x: float, y: float) -> float:
    """f(x, y) = x - y"""
    return x - y


def div(x: float, y: float) -> float:
    """f(x, y) = x / y"""
    if y == 0.0:
        raise ZeroDivisionError("division by zero")
    return x / y


def lt(x: float, y: float) -> float:
    """f(x, y) = 1.0 if x < y else 0.0"""
    return 1.0 if x < y else 0.0


def eq(x: float, y: float) -> float:
    """f(x, y) = 1.0 if x == y else 0.0"""
    return 1.0 if x == y else 0.0


def max(x: float, y: float) -> float:
    """f(x, y) = x if x > y else y"""
    return x if x > y else y


def min(x: float, y: float) -> float:
    """f(x, y) = x if x < y else y"""
    return x if x < y else y


def is_close(x: float, y: float) -> bool:
    """f(x, y) = |x - y| < 1e-2"""
    return abs(x - y) < 1e-2


def sigmoid(x: float) -> float:
    """f(x) = 1 / (1 + e^-x), computed without overflow on either side."""
    if x >= 0.0:
        return 1.0 / (1.0 + math.exp(-x))
    z = math.exp(x)
    return z / (1.0 + z)


def relu(x: float) -> float:
    """f(x) = x if x > 0 else 0"""
    return x if x > 0.0 else 0.0


def log(x: float) -> float:
    """f(x) = ln x, only for x > 0 (minitorch adds a tiny ε instead; here log(0) is an error)."""
    if x <= 0.0:
        raise ValueError("log is defined for x > 0 only")
    return math.log(x)


def exp(x: float) -> float:
    """f(x) = e^x"""
    return math.exp(x)


def inv(x: float) -> float:
    """f(x) = 1/x"""
    if x == 0.0:
        raise ZeroDivisionError("division by zero")
    return 1.0 / x


def log_back(x: float, d: float) -> float:
    """d · f'(x) for f = log: d / x"""
    return d / x


def inv_back(x: float, d: float) -> float:
    """d · f'(x) for f(x) = 1/x: -d / x²"""
    return -d / (x * x)


def relu_back(x: float, d: float) -> float:
    """d · f'(x) for f = relu: d if x > 0 else 0"""
    return d if x > 0.0 else 0.0


# -- minitorch's higher-order functions ---------------------------------------------------------------


def map(fn: Callable[[float], float]) -> Callable[[Iterable[float]], list[float]]:
    """map(fn)(ls) = [fn(x) for x in ls]"""

    def apply(ls: Iterable[float]) -> list[float]:
        return [fn(x) for x in ls]

    return apply


def zipWith(fn: Callable[[float, float], float]) -> Callable[[Iterable[float], Iterable[float]], list[float]]:
    """zipWith(fn)(xs, ys) = [fn(x, y) for each pair], as long as the shorter list."""

    def apply(xs: Iterable[float], ys: Iterable[float]) -> list[float]:
        return [fn(x, y) for x, y in zip(xs, ys, strict=False)]

    return apply


def reduce(fn: Callable[[float, float], float], start: float) -> Callable[[Iterable[float]], float]:
    """reduce(fn, x0)([x1, …, xn]) = fn(xn, … fn(x2, fn(x1, x0)))"""

    def apply(ls: Iterable[float]) -> float:
        total = start
        for x in ls:
            total = fn(x, total)
        return total

    return apply


def negList(ls: Iterable[float]) -> list[float]:
    """Every element negated: map(neg)."""
    return map(neg)(ls)


def addLists(ls1: Iterable[float], ls2: Iterable[float]) -> list[float]:
    """Element-wise sums: zipWith(add)."""
    return zipWith(add)(ls1, ls2)


def sum(ls: Iterable[float]) -> float:
    """x1 + … + xn, 0 for an empty list: reduce(add, 0)."""
    return reduce(add, 0.0)(ls)


def prod(ls: Iterable[float]) -> float:
    """x1 · … · xn, 1 for an empty list: reduce(mul, 1)."""
    return reduce(mul, 1.0)(ls)


# -- the rest of the engine's functions ---------------------------------------------------------------


def softplus(x: float) -> float:
    """f(x) = ln(1 + e^x), computed without overflow: x + ln(1 + e^-x) for x > 0."""
    if x > 0.0:
        return x + math.log1p(math.exp(-x))
    return math.log1p(math.exp(x))


def sqrt(x: float) -> float:
    """f(x) = √x, only for x ≥ 0."""
    return math.sqrt(x)


def heaviside(x: float) -> float:
    """The Heaviside step, f'(x) of relu: 1 for x > 0, else 0 (relu'(0) = 0, as PyTorch)."""
    return 1.0 if x > 0.0 else 0.0


def sign(x: float) -> float:
    """f'(x) of abs: 1, -1, and 0 at 0 (abs'(0) = 0, as PyTorch)."""
    if x > 0.0:
        return 1.0
    if x < 0.0:
        return -1.0
    return 0.0


def max_back(x: float, y: float) -> tuple[float, float]:
    """(∂/∂x, ∂/∂y) of max(x, y): the larger input takes it all; a tie splits it half and half,
    as PyTorch's maximum."""
    if x > y:
        return 1.0, 0.0
    if x < y:
        return 0.0, 1.0
    return 0.5, 0.5


def min_back(x: float, y: float) -> tuple[float, float]:
    """(∂/∂x, ∂/∂y) of min(x, y): the smaller input takes it all; a tie splits it half and half."""
    if x < y:
        return 1.0, 0.0
    if x > y:
        return 0.0, 1.0
    return 0.5, 0.5


def power(x: float, y: float) -> float:
    """f(x, y) = x^y over the reals."""
    if x == 0.0 and y < 0.0:
        raise ZeroDivisionError("zero to a negative power")
    if x < 0.0 and not float(y).is_integer():
        raise ValueError("negative base to a non-integer power is not real")
    return math.pow(x, y)


def power_base_local(x: float, y: float) -> float:
    """∂(x^y)/∂x = y · x^(y-1); infinite where that blows up (0 to a power below 1)."""
    if y == 0.0:
        return 0.0
    if x == 0.0 and y < 1.0:
        return math.inf
    try:
        return y * math.pow(x, y - 1.0)
    except OverflowError:
        return math.inf


def power_exponent_local(x: float, y: float, out: float) -> float:
    """∂(x^y)/∂y = x^y · ln x; at x = 0 with y > 0 its limit 0; NaN for a negative base."""
    if x > 0.0:
        return out * math.log(x)
    if x == 0.0 and y > 0.0:
        return 0.0
    return math.nan


def reciprocal_or_inf(x: float) -> float:
    """1/x, or infinity at 0: a local derivative that is infinite, not an exception."""
    return 1.0 / x if x != 0.0 else math.inf
