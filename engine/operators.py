"""Plain float mathematics, one function per operation, shared by the forward and backward rules.

Nothing here knows about graphs; raising ``ValueError``/``ArithmeticError`` on a bad domain is the
caller's signal (``ScalarFunction.apply`` turns it into ``MathError``).
"""

from __future__ import annotations

import math


def sigmoid(x: float) -> float:
    """f(x) = 1 / (1 + e^-x), computed without overflow on either side."""
    if x >= 0.0:
        return 1.0 / (1.0 + math.exp(-x))
    z = math.exp(x)
    return z / (1.0 + z)


def relu(x: float) -> float:
    """f(x) = max(0, x)."""
    return x if x > 0.0 else 0.0


def step(x: float) -> float:
    """f'(x) of relu: 1 for x > 0, else 0 (relu'(0) = 0, as PyTorch)."""
    return 1.0 if x > 0.0 else 0.0


def sign(x: float) -> float:
    """f'(x) of abs: 1, -1, and 0 at 0 (abs'(0) = 0, as PyTorch)."""
    if x > 0.0:
        return 1.0
    if x < 0.0:
        return -1.0
    return 0.0


def log(x: float) -> float:
    """f(x) = ln x, only for x > 0."""
    if x <= 0.0:
        raise ValueError("log is defined for x > 0 only")
    return math.log(x)


def inv(x: float) -> float:
    """f(x) = 1/x."""
    if x == 0.0:
        raise ZeroDivisionError("division by zero")
    return 1.0 / x


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


def reciprocal_or_inf(x: float) -> float:
    """1/x, or infinity at 0: a local derivative that is infinite, not an exception."""
    return 1.0 / x if x != 0.0 else math.inf


def power_exponent_local(x: float, y: float, out: float) -> float:
    """∂(x^y)/∂y = x^y · ln x; at x = 0 with y > 0 its limit 0; NaN for a negative base."""
    if x > 0.0:
        return out * math.log(x)
    if x == 0.0 and y > 0.0:
        return 0.0
    return math.nan
