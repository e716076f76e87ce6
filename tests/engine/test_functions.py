"""One table of functions drives both value and derivative tests (minitorch style)."""

from __future__ import annotations

import math

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from engine import (
    BUILTINS,
    EQ,
    LT,
    MathError,
    Scalar,
    central_difference,
    eq,
)
from engine import operators as ops

small = st.floats(min_value=-10.0, max_value=10.0, allow_nan=False, allow_infinity=False)
positive = st.floats(min_value=0.05, max_value=10.0)


def _sigmoid(x: float) -> float:
    return 1.0 / (1.0 + math.exp(-x))


# name, Scalar function, float function, domain strategy, points to avoid for the derivative
UNARY = [
    ("neg", lambda x: -x, lambda x: -x, small),
    ("exp", lambda x: x.exp(), math.exp, small),
    ("log", lambda x: x.log(), math.log, positive),
    ("tanh", lambda x: x.tanh(), math.tanh, small),
    ("sigmoid", lambda x: x.sigmoid(), _sigmoid, small),
    ("relu", lambda x: x.relu(), lambda x: max(0.0, x), small),
    ("sin", lambda x: x.sin(), math.sin, small),
    ("cos", lambda x: x.cos(), math.cos, small),
    ("sqrt", lambda x: x.sqrt(), math.sqrt, positive),
    ("abs", lambda x: abs(x), abs, small),
    ("inv", lambda x: 1.0 / x, lambda x: 1.0 / x, positive),
    ("square", lambda x: x**2, lambda x: x**2, small),
    ("cube", lambda x: x**3.0, lambda x: x**3, small),
]

BINARY = [
    ("add", lambda a, b: a + b, lambda a, b: a + b, small, small),
    ("sub", lambda a, b: a - b, lambda a, b: a - b, small, small),
    ("mul", lambda a, b: a * b, lambda a, b: a * b, small, small),
    ("div", lambda a, b: a / b, lambda a, b: a * (1.0 / b), small, positive),
    ("pow", lambda a, b: a**b, lambda a, b: a**b, positive, small),
]


@pytest.mark.parametrize(("name", "fn", "ref", "domain"), UNARY, ids=[u[0] for u in UNARY])
@given(data=st.data())
def test_unary_value_matches_float_math(name, fn, ref, domain, data):
    x = data.draw(domain)
    assert fn(Scalar(x)).data == pytest.approx(ref(x), rel=1e-12, abs=1e-12)


@pytest.mark.parametrize(("name", "fn", "ref", "domain"), UNARY, ids=[u[0] for u in UNARY])
@given(data=st.data())
@settings(max_examples=60)
def test_unary_derivative_matches_central_difference(name, fn, ref, domain, data):
    x = data.draw(domain)
    # relu and abs have a kink at 0: central differences straddling it are not a derivative.
    assume(abs(x) > 1e-3)
    leaf = Scalar(x)
    fn(leaf).backward()
    numeric = central_difference(ref, x)
    assert leaf.grad == pytest.approx(numeric, rel=1e-5, abs=1e-5)


@pytest.mark.parametrize(("name", "fn", "ref", "da", "db"), BINARY, ids=[b[0] for b in BINARY])
@given(data=st.data())
@settings(max_examples=60)
def test_binary_value_and_derivatives(name, fn, ref, da, db, data):
    a, b = data.draw(da), data.draw(db)
    sa, sb = Scalar(a), Scalar(b)
    out = fn(sa, sb)
    assume(abs(out.data) < 1e6)
    assert out.data == pytest.approx(ref(a, b), rel=1e-12, abs=1e-12)
    out.backward()
    assert sa.grad == pytest.approx(central_difference(ref, a, b, arg=0), rel=1e-5, abs=1e-5)
    assert sb.grad == pytest.approx(central_difference(ref, a, b, arg=1), rel=1e-5, abs=1e-5)


@given(a=small, b=small)
def test_comparisons_give_one_or_zero_and_no_gradient(a, b):
    sa, sb = Scalar(a), Scalar(b)
    lt, gt, equal = sa < sb, sa > sb, eq(sa, sb)
    assert lt.data == (1.0 if a < b else 0.0)
    assert gt.data == (1.0 if a > b else 0.0)
    assert equal.data == (1.0 if a == b else 0.0)
    (lt + gt + equal).backward()
    assert sa.grad == 0.0
    assert sb.grad == 0.0
    assert lt.last_fn is LT
    assert equal.last_fn is EQ


def test_numbers_on_either_side_become_constants():
    x = Scalar(3.0, name="x")
    for out, value, grad in [
        (2 + x, 5.0, 1.0),
        (x + 2, 5.0, 1.0),
        (2 - x, -1.0, -1.0),
        (x - 2, 1.0, 1.0),
        (2 * x, 6.0, 2.0),
        (x * 2, 6.0, 2.0),
        (6 / x, 2.0, -6.0 / 9.0),
        (x / 2, 1.5, 0.5),
        (2**x, 8.0, 8.0 * math.log(2.0)),
        (x**2, 9.0, 6.0),
        (-x, -3.0, -1.0),
        (+x, 3.0, 1.0),
    ]:
        x.zero_grad()
        out.backward()
        assert out.data == pytest.approx(value)
        assert x.grad == pytest.approx(grad)
    constant = (x * 2).inputs[1]
    assert constant.is_constant() and constant.is_leaf() and constant.grad is None


def test_kinks_follow_pytorch_conventions():
    for fn in (lambda s: s.relu(), abs):
        zero = Scalar(0.0)
        fn(zero).backward()
        assert zero.grad == 0.0


def test_sigmoid_is_stable_at_the_extremes():
    for x, expected in [(-800.0, 0.0), (800.0, 1.0), (0.0, 0.5)]:
        s = Scalar(x)
        out = s.sigmoid()
        out.backward()
        assert out.data == pytest.approx(expected)
        assert math.isfinite(s.grad)


def test_variable_exponent_derivative_is_x_to_the_y_ln_x():
    x, y = Scalar(2.0), Scalar(3.0)
    (x**y).backward()
    assert x.grad == pytest.approx(12.0)
    assert y.grad == pytest.approx(8.0 * math.log(2.0))


def test_every_builtin_has_display_rules_and_a_math_docstring():
    for fn in BUILTINS:
        assert fn.name and fn.formula
        assert fn.__doc__.startswith("f(")
        assert all(rule.startswith("∂/∂") for rule in fn.rules)
        assert len(fn.rules) in (1, 2)


@pytest.mark.parametrize(
    ("make", "function"),
    [
        (lambda: Scalar(0.0).log(), "log"),
        (lambda: Scalar(-1.0).log(), "log"),
        (lambda: 1.0 / Scalar(0.0), "inv"),
        (lambda: Scalar(1000.0).exp(), "exp"),
        (lambda: Scalar(-1.0).sqrt(), "sqrt"),
        (lambda: Scalar(-8.0) ** (1.0 / 3.0), "pow"),
        (lambda: Scalar(0.0) ** -1.0, "pow"),
        (lambda: Scalar(10.0) ** 400.0, "pow"),
    ],
)
def test_bad_forward_math_raises_one_clear_error(make, function):
    with pytest.raises(MathError) as info:
        make()
    assert info.value.function == function
    assert info.value.phase == "forward"
    assert function in str(info.value)


@pytest.mark.parametrize(
    ("make", "function"),
    [
        (lambda x: x.sqrt(), "sqrt"),  # sqrt'(0) = ∞
        (lambda x: (x - 2.0) ** Scalar(2.0), "pow"),  # negative base to a variable power
        (lambda x: x**0.5, "pow"),  # (x^0.5)' at 0
    ],
)
def test_bad_backward_math_raises_one_clear_error(make, function):
    x = Scalar(0.0)
    out = make(x)
    with pytest.raises(MathError) as info:
        out.backward()
    assert info.value.function == function
    assert info.value.phase == "backward"
    assert info.value.node is out


def test_constant_base_zero_to_a_variable_power_is_fine():
    y = Scalar(0.5)
    out = 0.0**y
    out.backward()
    assert out.data == 0.0 and y.grad == 0.0


def test_non_finite_leaves_are_refused():
    for bad in (math.inf, -math.inf, math.nan):
        with pytest.raises(ValueError):
            Scalar(bad)


def test_operators_module_is_plain_float_math():
    assert ops.sign(-2.0) == -1.0 and ops.sign(0.0) == 0.0 and ops.step(0.0) == 0.0
    assert ops.power_exponent_local(0.0, 2.0, 0.0) == 0.0
    assert math.isnan(ops.power_exponent_local(-2.0, 2.0, 4.0))
