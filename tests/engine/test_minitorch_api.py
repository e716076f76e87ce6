"""minitorch's module-1 names and signatures: `import engine as minitorch` is enough."""

from __future__ import annotations

import math

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

import engine as minitorch
from engine import (
    EQ,
    Context,
    MathTest,
    MathTestVariable,
    Mul,
    Scalar,
    ScalarFunction,
    ScalarHistory,
    central_difference,
    derivative_check,
)

NAMES = ["operators", "Scalar", "ScalarHistory", "ScalarFunction", "Context", "central_difference",
         "derivative_check", "topological_sort", "backpropagate", "MathTest", "MathTestVariable"]  # fmt: skip


def test_minitorchs_names_are_all_there():
    assert [name for name in NAMES if not hasattr(minitorch, name)] == []


class PlusTen(ScalarFunction):
    """f(x, y) = x + y + 10"""

    @staticmethod
    def forward(ctx: Context, x: float, y: float) -> float:
        return x + y + 10

    @staticmethod
    def backward(ctx: Context, d_output: float) -> tuple[float, float]:
        return d_output, d_output


class TimesPlus(ScalarFunction):
    """f(x, y) = x·y + x"""

    @staticmethod
    def forward(ctx: Context, x: float, y: float) -> float:
        ctx.save_for_backward(x, y)
        return x * y + x

    @staticmethod
    def backward(ctx: Context, d_output: float) -> tuple[float, float]:
        x, y = ctx.saved_values
        return d_output * (y + 1), d_output * x


# -- Scalar(v, back=ScalarHistory(), name=None) -----------------------------------------------------


def test_a_scalar_is_made_as_in_minitorch():
    leaf = Scalar(2)
    assert (leaf.data, leaf.grad, leaf.derivative, leaf.name) == (2.0, None, None, None)
    assert leaf.is_leaf() and not leaf.is_constant() and leaf.history == ScalarHistory()
    named = Scalar(1.5, name="w")
    assert named.name == "w" and repr(named) == "Scalar(1.5, name='w')"
    constant = Scalar(3.0, None)  # no history: a constant, as minitorch
    assert constant.is_constant() and constant.history is None
    x = Scalar(1.0)
    made = Scalar(4.0, ScalarHistory(PlusTen, Context(), [x, x]), name="made")
    assert made.inputs == (x, x) and made.last_fn is PlusTen and made.parents == (x, x) and not made.is_leaf()


def test_a_name_in_the_history_slot_is_refused_with_a_hint():
    with pytest.raises(TypeError, match="name="):
        Scalar(1.0, "a")


def test_unique_ids_grow():
    a, b = Scalar(1.0), Scalar(2.0)
    c = a * b
    assert a.unique_id < b.unique_id < c.unique_id


# -- chain_rule, accumulate_derivative, derivative ---------------------------------------------------


def test_chain_rule_gives_one_pair_per_input_with_repeats():
    x = Scalar(0.0)
    made = Scalar(0.0, ScalarHistory(PlusTen, Context(), [x, x]))
    assert made.chain_rule(d_output=5) == [(x, 5), (x, 5)]


def test_chain_rule_on_a_function_that_saved_values():
    var1, var2 = Scalar(5.0), Scalar(10.0)
    y = TimesPlus.apply(var1, var2)
    assert y.data == 55.0
    assert y.chain_rule(d_output=5) == [(var1, 5 * 11.0), (var2, 5 * 5.0)]


def test_chain_rule_lists_a_number_that_met_a_scalar():
    var = Scalar(5.0)
    y = TimesPlus.apply(10, var)  # 10 becomes a constant: listed, as minitorch lists it
    (constant, d_constant), (variable, d_var) = y.chain_rule(d_output=5)
    assert constant.is_constant() and constant.data == 10.0 and d_constant == 5 * 6.0
    assert variable is var and d_var == 50.0
    y.backward()
    assert constant.grad is None and var.grad == 10.0


def test_chain_rule_of_a_built_in_operation_and_of_a_leaf():
    a, b = Scalar(2.0), Scalar(-3.0)
    assert (a * b).chain_rule(2.0) == [(a, -6.0), (b, 4.0)]
    assert a.chain_rule(1.0) == []


def test_accumulate_derivative_adds_up_on_variables_only():
    x = Scalar(1.0)
    x.accumulate_derivative(2.5)
    x.accumulate_derivative(0.5)
    assert x.derivative == x.grad == 3.0
    with pytest.raises(ValueError):
        (x * 2).accumulate_derivative(1.0)
    with pytest.raises(ValueError):
        Scalar(1.0, None).accumulate_derivative(1.0)


def test_derivative_is_readable_and_settable():
    x = Scalar(3.0)
    (x * x).backward()
    assert x.derivative == 6.0
    x.derivative = None
    assert x.grad is None
    x.derivative = 1.5
    (x * 2).backward()
    assert x.grad == 3.5


def test_backward_with_a_d_output_and_repeated_uses():
    var1 = Scalar(0.0)
    var2 = PlusTen.apply(0, var1)
    var3 = PlusTen.apply(0, var1)
    PlusTen.apply(var2, var3).backward(d_output=5)
    assert var1.derivative == 10


# -- ScalarFunction's own methods --------------------------------------------------------------------


def test_forward_and_backward_through_the_underscore_methods():
    ctx = Context()
    assert TimesPlus._forward(ctx, 2.0, 3.0) == 8.0 and ctx.saved_values == ctx.saved_tensors == (2.0, 3.0)
    assert TimesPlus._backward(ctx, 1.0) == (4.0, 2.0)
    assert Mul._forward(Context(), 2.0, 4.0) == 8.0
    nothing = Context(no_grad=True)
    TimesPlus._forward(nothing, 2.0, 3.0)
    assert nothing.saved_values == ()


def test_history_of_a_built_in_operation_has_a_context_its_backward_understands():
    a, b = Scalar(2.0), Scalar(5.0)
    out = a * b
    history = out.history
    assert history.last_fn is Mul and history.inputs == (a, b)
    assert history.last_fn.backward(history.ctx, 1.0) == (5.0, 2.0)


# -- == builds a Scalar; Scalars stay hashable ---------------------------------------------------------


def test_equality_is_an_operation_and_hashing_is_by_identity():
    a, b = Scalar(2.0), Scalar(2.0)
    same = a == b
    assert isinstance(same, Scalar) and same.last_fn is EQ and same.data == 1.0
    assert (a == 3).data == 0.0 and (a == 2).data == 1.0
    assert len({a, b, a}) == 2
    grads = {a: "a", b: "b"}
    assert grads[a] == "a" and grads[b] == "b"
    assert a in [a] and a is not b


# -- central_difference and derivative_check ------------------------------------------------------------


def test_central_difference_returns_what_f_returns():
    numeric = central_difference(minitorch.operators.mul, 5.0, 10.0, arg=1)
    assert isinstance(numeric, float) and numeric == pytest.approx(5.0)
    on_scalars = central_difference(lambda x, y: x * y, Scalar(5.0), Scalar(10.0), arg=0)
    assert isinstance(on_scalars, Scalar) and on_scalars.data == pytest.approx(10.0)
    assert central_difference(minitorch.operators.exp, 2.0) == pytest.approx(math.exp(2.0))


def test_derivative_check_passes_right_derivatives_and_catches_wrong_ones():
    derivative_check(lambda x, y: (x * y + x).sigmoid(), Scalar(0.5), Scalar(-1.5))

    class WrongSquare(ScalarFunction):
        @staticmethod
        def forward(ctx, x):
            ctx.save_for_backward(x)
            return x * x

        @staticmethod
        def backward(ctx, d_out):
            (x,) = ctx.saved_values
            return x * d_out  # should be 2x

    with pytest.raises(AssertionError, match="argument 0"):
        derivative_check(WrongSquare.apply, Scalar(3.0))


# -- MathTest and MathTestVariable ---------------------------------------------------------------------


def test_math_tests_group_by_name():
    one, two, reductions = MathTest._tests()
    assert [name for name, _ in two] == ["add2", "div2", "eq2", "gt2", "lt2", "mul2"]
    assert [name for name, _ in reductions] == ["mean_full_red", "mean_red", "sum_red"]
    assert {"neg", "addConstant", "square", "cube", "sig", "log", "relu", "exp", "explog", "complex"} <= {
        name for name, _ in one
    }
    triples = MathTestVariable._comp_testing()[0]
    assert all(len(t) == 3 and t[1] is getattr(MathTest, t[0]) for t in triples)
    assert dict((n, f) for n, _, f in triples)["sig"] is MathTestVariable.sig


@given(st.floats(min_value=-100, max_value=100))
def test_each_math_test_gives_the_same_number_on_floats_and_scalars(x):
    one, two, _ = MathTestVariable._comp_testing()
    for name, on_floats, on_scalars in one:
        assert on_scalars(Scalar(x)).data == pytest.approx(on_floats(x), rel=1e-9, abs=1e-12), name
    for name, on_floats, on_scalars in two:
        assert on_scalars(Scalar(x), Scalar(x / 3)).data == pytest.approx(on_floats(x, x / 3)), name


@given(st.floats(min_value=-100, max_value=100), st.floats(min_value=-100, max_value=100))
def test_each_math_test_has_the_derivative_autodiff_gives(x, y):
    # Away from the kinks (relu at -5.5, complex's inner relu at -0.7) and the comparisons' jumps.
    assume(abs(x + 5.5) > 1e-3 and abs(x + 0.7) > 1e-3)
    assume(abs(x + 1.2 - y) > 1e-3 and abs(x - y - 5.5) > 1e-3)
    one, two, _ = MathTestVariable._comp_testing()
    for _, _, on_scalars in one:
        derivative_check(on_scalars, Scalar(x))
    for _, _, on_scalars in two:
        derivative_check(on_scalars, Scalar(x), Scalar(y))


def test_reductions_work_on_scalars():
    xs = [Scalar(1.0), Scalar(2.0), Scalar(6.0)]
    assert MathTestVariable.sum_red(xs).data == 9.0 and MathTestVariable.mean_red(xs).data == 3.0
