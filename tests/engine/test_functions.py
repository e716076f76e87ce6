"""The table of operations drives value and derivative tests (minitorch style): one row per operation."""

from __future__ import annotations

import inspect
import math
from collections.abc import Callable
from typing import NamedTuple

import micrograd.engine as micrograd_engine
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from engine import (
    BUILTINS,
    DERIVED,
    EQ,
    LT,
    PYTHON_CONSTRUCTIONS,
    Context,
    Div,
    Inv,
    MathError,
    Operation,
    Scalar,
    Sub,
    central_difference,
    eq,
    local_derivatives,
    operation,
)
from engine import operators as ops
from engine.scalar_functions import Code

small = st.floats(min_value=-10.0, max_value=10.0, allow_nan=False, allow_infinity=False)


def _sigmoid(x: float) -> float:
    return 1.0 / (1.0 + math.exp(-x))


class Case(NamedTuple):
    """How a test calls an operation on Scalars, and a float reference written without the engine."""

    call: Callable
    reference: Callable


# One row per operation of the table and per derived operator. A test below fails when the table
# has an operation without a row here: every operation gets a value and a derivative test.
CASES: dict[str, Case] = {
    "add": Case(lambda a, b: a + b, lambda a, b: a + b),
    "sub": Case(lambda a, b: Sub.apply(a, b), lambda a, b: a - b),  # Scalar's `a - b` is a + (-b): below
    "mul": Case(lambda a, b: a * b, lambda a, b: a * b),
    "div": Case(lambda a, b: Div.apply(a, b), lambda a, b: a / b),
    "neg": Case(lambda x: -x, lambda x: -x),
    "inv": Case(lambda x: Inv.apply(x), lambda x: 1.0 / x),
    "pow": Case(lambda a, b: a**b, lambda a, b: a**b),
    "exp": Case(lambda x: x.exp(), math.exp),
    "log": Case(lambda x: x.log(), math.log),
    "tanh": Case(lambda x: x.tanh(), math.tanh),
    "sigmoid": Case(lambda x: x.sigmoid(), _sigmoid),
    "relu": Case(lambda x: x.relu(), lambda x: max(0.0, x)),
    "sin": Case(lambda x: x.sin(), math.sin),
    "cos": Case(lambda x: x.cos(), math.cos),
    "sqrt": Case(lambda x: x.sqrt(), math.sqrt),
    "abs": Case(lambda x: abs(x), abs),
    "softplus": Case(lambda x: x.softplus(), lambda x: math.log(1.0 + math.exp(x))),
    "max": Case(lambda a, b: a.max(b), max),
    "min": Case(lambda a, b: a.min(b), min),
    "lt": Case(lambda a, b: a < b, lambda a, b: float(a < b)),
    "eq": Case(lambda a, b: a == b, lambda a, b: float(a == b)),
    # derived operators
    "gt": Case(lambda a, b: a > b, lambda a, b: float(a > b)),
    # Scalar's Python `-` and `/`: minitorch's constructions (a + (-b), a · (1/b))
    "python -": Case(lambda a, b: a - b, lambda a, b: a - b),
    "python /": Case(lambda a, b: a / b, lambda a, b: a / b),
}

OPERATIONS = {op.name: op for op in BUILTINS}
CONSTRUCTIONS = {f"python {d.symbol}": d for d in PYTHON_CONSTRUCTIONS if d not in DERIVED}
NAMES = [*OPERATIONS, *(d.name for d in DERIVED), *CONSTRUCTIONS]


def test_every_operation_in_the_table_has_a_value_and_a_derivative_test():
    assert set(CASES) == set(NAMES), "add a row to CASES for each new operation"


def _arity(name: str) -> int:
    return OPERATIONS[name].arity if name in OPERATIONS else 2


positive = st.floats(min_value=1e-3, max_value=10.0)
nonzero = st.one_of(st.floats(min_value=-10.0, max_value=-1e-3), st.floats(min_value=1e-3, max_value=10.0))
# Where most of [-10, 10] is outside an operation's domain, its inputs are drawn inside it, so that
# few draws are filtered out (Hypothesis fails a test that filters too much).
STRATEGIES: dict[str, tuple] = {
    "pow": (st.floats(min_value=0.1, max_value=10.0), st.floats(min_value=-4.0, max_value=4.0)),
    "log": (positive,),
    "sqrt": (positive,),
    "inv": (nonzero,),
    "div": (small, nonzero),
    "python /": (small, nonzero),
}


def _inputs_in_domain(name: str, data) -> list[float]:
    """Inputs drawn from [-10, 10] where the operation's value and derivatives are finite, and
    its value not huge (x^y and e^x reach far)."""
    domain = OPERATIONS[name].domain if name in OPERATIONS else None
    strategies = STRATEGIES.get(name, (small,) * _arity(name))
    values = [data.draw(strategy) for strategy in strategies]
    assume(domain is None or domain.contains(*values))
    try:
        assume(abs(CASES[name].reference(*values)) < 1e6)
    except OverflowError:
        assume(False)
    return values


@pytest.mark.parametrize("name", NAMES)
@given(data=st.data())
def test_value_matches_float_math(name, data):
    values = _inputs_in_domain(name, data)
    out = CASES[name].call(*[Scalar(v) for v in values])
    assert out.data == pytest.approx(CASES[name].reference(*values), rel=1e-12, abs=1e-12)


@pytest.mark.parametrize("name", NAMES)
@given(data=st.data())
@settings(max_examples=60)
def test_derivative_matches_central_difference(name, data):
    values = _inputs_in_domain(name, data)
    # Kinks (relu and abs at 0, a tie in max, min and the comparisons): central differences that
    # straddle one are not a derivative.
    assume(all(abs(v) > 1e-3 for v in values))
    assume(len(values) == 1 or abs(values[0] - values[1]) > 1e-3)
    reference = CASES[name].reference
    leaves = [Scalar(v) for v in values]
    CASES[name].call(*leaves).backward()
    for i, leaf in enumerate(leaves):
        numeric = central_difference(reference, *values, arg=i)
        assert leaf.grad == pytest.approx(numeric, rel=1e-5, abs=1e-5), f"argument {i}"


@pytest.mark.parametrize("op", BUILTINS, ids=[op.name for op in BUILTINS])
@given(data=st.data())
@settings(max_examples=30)
def test_minitorch_forward_and_backward_say_what_the_rules_say(op, data):
    values = _inputs_in_domain(op.name, data)
    node = CASES[op.name].call(*[Scalar(v) for v in values])
    ctx = Context()
    assert op.forward(ctx, *values) == node.data
    d_out = 0.75
    shares = op.backward(ctx, d_out)
    shares = shares if isinstance(shares, tuple) else (shares,)
    assert shares == tuple(local * d_out for local in local_derivatives(node))
    assert op._backward(ctx, d_out) == shares


def test_each_operation_is_a_scalar_function_with_its_display_text():
    for op in BUILTINS:
        assert issubclass(op, Operation) and op.arity in (1, 2) and len(op.rules) == op.arity
        assert op.name and op.formula and op.display and op.domain.text
        assert op.__doc__.startswith("f(")
        assert all(rule.startswith("∂/∂") for rule in op.rules)
    glyphs = {op.name: op.display for op in BUILTINS}
    assert glyphs["add"] == "+" and glyphs["mul"] == "×" and glyphs["neg"] == "−" and glyphs["inv"] == "1/x"
    assert glyphs["pow"] == "^" and glyphs["lt"] == "<" and glyphs["eq"] == "==" and glyphs["tanh"] == "tanh"


def test_scalar_methods_come_from_the_table():
    for op in BUILTINS:
        if op.call is not None:
            assert getattr(Scalar, op.call).__doc__ == op.__doc__
    assert Scalar.__mul__.__doc__ == OPERATIONS["mul"].__doc__
    assert Scalar.__sub__.__doc__ == "a - b = a + (-b)"  # minitorch's construction, not the `sub` operation
    assert [d.uses for d in PYTHON_CONSTRUCTIONS] == [("neg", "add"), ("inv", "mul"), ("lt",)]
    assert [d.name for d in DERIVED] == ["gt"]  # the language's `-` and `/` are operations of the table


def test_derived_operators_build_what_their_declaration_says():
    a, b = Scalar(6.0), Scalar(3.0)
    difference, quotient, greater = a - b, a / b, a > b
    assert difference.last_fn.name == "add" and difference.inputs[0] is a
    assert difference.inputs[1].last_fn.name == "neg" and difference.inputs[1].inputs == (b,)
    assert quotient.last_fn.name == "mul" and quotient.inputs[1].last_fn.name == "inv"
    assert greater.last_fn is LT and greater.inputs == (b, a)
    assert (2 - a).data == -4.0 and (3 / a).data == 0.5 and (a < 7).data == 1.0 and (a < 2).data == 0.0


def test_a_new_operation_is_one_declaration():
    code = Code(("{self}.grad += 3 * {self.data}**2 * {out.grad}",), "return 3.0 * {x} ** 2 * {d_output}")
    cube = operation("Cube", name="cube", arity=1, formula="x³", rules=("∂/∂x = 3x²",),
                     value=lambda x: x * x * x, local=lambda x, out: 3.0 * x * x, code=code)  # fmt: skip
    x = Scalar(2.0)
    out = cube.apply(x)
    out.backward()
    assert (out.data, x.grad, out.last_fn, cube.__doc__) == (8.0, 12.0, cube, "f(x) = x³")
    with pytest.raises(ValueError, match="one derivative rule for each"):
        operation("Bad", name="bad", arity=2, formula="?", rules=("∂/∂a = 1",), value=ops.add, local=(1.0,),
                  code=code)  # fmt: skip
    for bad in [
        Code(("{self}.grad += {out.grad}", "{other}.grad += {out.grad}"), "return {d_output}"),  # two lines
        Code(("{self}.grad += {other.data} * {out.grad}",), "return {d_output}"),  # no other input
        Code(("{self}.grad += {out.grad}",), "return {a} * {d_output}"),  # its input is x, not a
        Code(("x.grad += {out.grad}",), "return {d_output}"),  # not the input's gradient
    ]:
        with pytest.raises(ValueError, match="known placeholders"):
            operation("Bad", name="bad", arity=1, formula="?", rules=("∂/∂x = 1",), value=ops.id, local=1.0,
                      code=bad)  # fmt: skip


# -- each operation's backward step as micrograd's and minitorch's code ------------------------------


class _Value:
    """A stand-in for micrograd's Value in a line of its `_backward`: data and grad."""

    def __init__(self, data: float, grad: float = 0.0) -> None:
        self.data, self.grad = data, grad


def _code(text: str) -> str:
    """The code a display line stands for: the placeholders' braces dropped."""
    return text.replace("{", "").replace("}", "")


@pytest.mark.parametrize("op", BUILTINS, ids=[op.name for op in BUILTINS])
@given(data=st.data())
@settings(max_examples=25)
def test_the_declared_code_computes_the_operations_backward_step(op, data):
    """Run (in this test only: the text is the table's own, never a user's) micrograd's lines and
    minitorch's return with the numbers of a step: they give what the engine's backward gives."""
    values = _inputs_in_domain(op.name, data)
    node = op.apply(*[Scalar(v) for v in values])
    d_out = 0.75
    expected = op._backward(Context(saved_values=(*values, node.data)), d_out)
    roles = {"self": _Value(values[0]), "other": _Value(values[-1]), "out": _Value(node.data, d_out)}
    for i, line in enumerate(op.code.micrograd):
        role = ("self", "other")[i]
        roles[role].grad = 0.0
        exec(_code(line), {"math": math}, dict(roles))
        assert roles[role].grad == pytest.approx(expected[i], rel=1e-9, abs=1e-12), line
    names = dict(zip(_placeholder_names(op), values, strict=True), out=node.data, d_output=d_out)
    returned = eval(_code(op.code.minitorch.removeprefix("return ")), {"math": math, "operators": ops}, names)
    returned = returned if isinstance(returned, tuple) else (returned,)
    assert returned == pytest.approx(expected, rel=1e-9, abs=1e-12), op.code.minitorch


def _placeholder_names(op) -> list[str]:
    return [rule.removeprefix("∂/∂").split(" ", 1)[0] for rule in op.rules]


def test_native_lines_are_the_libraries_own_text():
    micrograd = inspect.getsource(micrograd_engine)  # the package installed from the lockfile
    for op in BUILTINS:
        for line in op.code.micrograd if op.code.micrograd_native else ():
            assert _code(line) in micrograd, line
    assert [op.name for op in BUILTINS if op.code.micrograd_native] == ["add", "mul", "relu"]
    assert {op.name for op in BUILTINS if op.code.minitorch_native} == {
        "add", "mul", "neg", "inv", "exp", "log", "sigmoid", "relu", "lt", "eq"}  # fmt: skip


@given(a=small, b=small)
def test_comparisons_give_one_or_zero_and_no_gradient(a, b):
    sa, sb = Scalar(a), Scalar(b)
    lt, gt, equal, same = sa < sb, sa > sb, eq(sa, sb), sa == sb
    assert lt.data == (1.0 if a < b else 0.0)
    assert gt.data == (1.0 if a > b else 0.0)
    assert equal.data == same.data == (1.0 if a == b else 0.0)
    (lt + gt + equal + same).backward()
    assert sa.grad == 0.0
    assert sb.grad == 0.0
    assert lt.last_fn is LT
    assert equal.last_fn is EQ and same.last_fn is EQ


# -- softplus, max and min: the operations added as one declaration each ---------------------------


def test_softplus_is_smooth_relu_without_overflow():
    for x, value, slope in [(0.0, math.log(2.0), 0.5), (1000.0, 1000.0, 1.0), (-1000.0, 0.0, 0.0),
                            (2.0, math.log1p(math.exp(2.0)), _sigmoid(2.0))]:  # fmt: skip
        leaf = Scalar(x)
        out = leaf.softplus()
        out.backward()
        assert out.data == pytest.approx(value, rel=1e-15, abs=1e-300)
        assert leaf.grad == pytest.approx(slope, rel=1e-15)


@pytest.mark.parametrize(
    ("method", "a", "b", "value", "grads"),
    [
        ("max", 2.0, 1.0, 2.0, (1.0, 0.0)),
        ("max", 1.0, 2.0, 2.0, (0.0, 1.0)),
        ("max", 1.5, 1.5, 1.5, (0.5, 0.5)),  # a tie splits the gradient, as PyTorch's maximum
        ("min", 2.0, 1.0, 1.0, (0.0, 1.0)),
        ("min", 1.0, 2.0, 1.0, (1.0, 0.0)),
        ("min", -3.0, -3.0, -3.0, (0.5, 0.5)),
    ],
)
def test_max_and_min_send_the_gradient_to_the_chosen_input(method, a, b, value, grads):
    sa, sb = Scalar(a), Scalar(b)
    out = getattr(sa, method)(sb)
    out.backward()
    assert (out.data, (sa.grad, sb.grad)) == (value, grads)


def test_max_of_a_scalar_with_itself_gives_it_the_whole_gradient():
    x = Scalar(4.0)
    x.max(x).backward()
    assert x.grad == 1.0


def test_micrograd_hinge_loss():
    y, score = -1.0, Scalar(0.3)
    loss = Scalar.max(Scalar(0.0, None), 1 - y * score)  # max(0, 1 - y·s)
    loss.backward()
    assert (loss.data, score.grad) == (1.3, 1.0)
    below = Scalar(-2.0)
    inactive = (1 + below).max(0)
    inactive.backward()
    assert (inactive.data, below.grad) == (0.0, 0.0)


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
