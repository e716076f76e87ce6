"""The flat trace (``trace_columns``, ``trace_flat``) and the language's graph of columns give the very
numbers a graph of Scalars gives: every value, gradient, local derivative and contribution equal to the
last bit (compared as ``float.hex``, so ``-0.0`` is not ``0.0``), and the same errors.

The oracle is a trace written the plain way, one object per step, on Scalars made by the engine's own
operators: what ``trace_backward`` computed before its core was made flat.
"""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from engine import (
    EQ,
    LT,
    Context,
    FlatTrace,
    MathError,
    Scalar,
    ScalarFunction,
    apply_function,
    local_derivatives,
    topological_sort,
    trace_backward,
    trace_columns,
    trace_flat,
)
from engine.autodiff import _backward_error, _sum_error
from engine.scalar import scalars_of_columns, value_function
from engine.scalar_functions import Max, Mul, Sqrt


def bits(x) -> str | None:
    """A number as its exact bits (and its type): equal only when the two are the same number."""
    return None if x is None else f"{type(x).__name__}:{float(x).hex()}"


def ids(nodes) -> list[int]:
    """Nodes by identity: ``==`` on Scalars makes a Scalar (truthy when the values are equal)."""
    return [id(node) for node in nodes]


def index_of(nodes, node) -> int:
    return ids(nodes).index(id(node))


# -- the oracle --------------------------------------------------------------------------------------


def reference_trace(output: Scalar, order: list, deriv: float = 1.0) -> tuple[list, dict]:
    """[(node, grad, [(input, local, contribution), ...]), ...] output first, and the gradients by
    unique_id: one pass over ``order`` from the output back, a dict of gradients, an object per step."""
    gradients = {output.unique_id: float(deriv)}
    steps = []
    for node in reversed(order):
        if node.is_constant():
            continue
        d = gradients.get(node.unique_id, 0.0)
        if not math.isfinite(d):
            raise _failed(_sum_error(node), steps)
        if node.is_leaf():
            continue
        try:
            locals_ = local_derivatives(node)
        except (ArithmeticError, ValueError) as exc:
            raise _failed(_backward_error(node, str(exc)), steps) from None
        shares = []
        for parent, local in zip(node.inputs, locals_, strict=True):
            local = float(local)
            contribution = local * d
            if parent.is_constant():
                if not math.isfinite(contribution):
                    local = contribution = None
            elif not math.isfinite(contribution):
                raise _failed(_backward_error(node, "infinite or undefined derivative"), steps)
            else:
                gradients[parent.unique_id] = gradients.get(parent.unique_id, 0.0) + contribution
            shares.append((parent, local, contribution))
        steps.append((node, d, shares))
    return steps, {n.unique_id: gradients.get(n.unique_id, 0.0) for n in order if not n.is_constant()}


def _failed(error: MathError, steps: list) -> MathError:
    error.steps = steps  # the steps that succeeded before the failure, as the oracle records them
    return error


def assert_trace_is_the_reference(trace, steps: list, gradients: dict) -> None:
    assert ids(step.node for step in trace.steps) == ids(node for node, _, _ in steps)
    assert [bits(step.grad) for step in trace.steps] == [bits(grad) for _, grad, _ in steps]
    for step, (_, _, shares) in zip(trace.steps, steps, strict=True):
        assert ids(c.input for c in step.contributions) == ids(parent for parent, _, _ in shares)
        assert [(bits(c.local), bits(c.contribution)) for c in step.contributions] == [
            (bits(local), bits(contribution)) for _, local, contribution in shares
        ]
    assert {k: bits(v) for k, v in trace.gradients.items()} == {k: bits(v) for k, v in gradients.items()}


# -- graphs of Scalars: trace_backward and trace_flat against the oracle ------------------------------


class Square(ScalarFunction):
    """Written the minitorch way: backward from a Context."""

    @staticmethod
    def forward(ctx: Context, x: float) -> float:
        ctx.save_for_backward(x)
        return x * x

    @staticmethod
    def backward(ctx: Context, d_out: float) -> float:
        (x,) = ctx.saved_values
        return 2.0 * x * d_out


OPS = {
    "add": lambda a, b: a + b,
    "sub": lambda a, b: a - b,
    "mul": lambda a, b: a * b,
    "div": lambda a, b: a / (b.abs() + 0.5),
    "repeat": lambda a, b: a * a,
    "repeat_add": lambda a, b: a + a,
    "const_left": lambda a, b: 2.5 * a,
    "const_right": lambda a, b: a - 0.1,
    "lt": lambda a, b: a < b,
    "gt": lambda a, b: a > b,
    "eq": lambda a, b: a == b,
    "eq_self": lambda a, b: a == a,
    "max": lambda a, b: a.max(b),
    "min_tie": lambda a, b: a.min(a),
    "relu": lambda a, b: a.relu(),
    "abs": lambda a, b: a.abs(),
    "tanh": lambda a, b: a.tanh(),
    "sigmoid": lambda a, b: a.sigmoid(),
    "softplus": lambda a, b: a.softplus(),
    "sin": lambda a, b: a.sin(),
    "cos": lambda a, b: a.cos(),
    "neg": lambda a, b: -a,
    "square": lambda a, b: a**2,
    "cube_of_negative": lambda a, b: apply_function(Mul, (-2.0, a.abs() + 0.5)) ** 3,
    "custom": lambda a, b: Square.apply(a),
    "exp_small": lambda a, b: (a.tanh()).exp(),
}
steps_strategy = st.tuples(st.sampled_from(sorted(OPS)), st.integers(0, 60), st.integers(0, 60))
SPECIAL_VALUES = [0.0, -0.0, 1.0, -1.0, 0.5, 2.0, -3.0, 1e-300, 1e150]
leaf_values = st.lists(st.sampled_from(SPECIAL_VALUES) | st.floats(-3, 3), min_size=1, max_size=5)


def make_graph(values: list[float], program: list, constant_leaf: bool) -> tuple[list, Scalar]:
    leaves = [Scalar(v, name=f"x{i}") for i, v in enumerate(values)]
    if constant_leaf:
        leaves.append(Scalar.constant(0.75))
    pool = list(leaves)
    for op, i, j in program:
        try:
            pool.append(OPS[op](pool[i % len(pool)], pool[j % len(pool)]))
        except MathError:  # a value out of range: that operation is left out
            continue
    return leaves, pool[-1]


def outcome(run):
    """What ``run()`` gives, or the error it raises (type, message, node)."""
    try:
        return "ok", run()
    except MathError as exc:
        return "error", (str(exc), exc.node, exc.phase)


@given(values=leaf_values, program=st.lists(steps_strategy, max_size=30), constant_leaf=st.booleans(),
       deriv=st.sampled_from([1.0, -2.0, 0.0, 1e300]))  # fmt: skip
@settings(max_examples=300, deadline=None)
def test_trace_backward_is_the_reference_trace(values, program, constant_leaf, deriv):
    leaves, out = make_graph(values, program, constant_leaf)
    order = topological_sort(out, include_constants=True)[::-1]
    expected = outcome(lambda: reference_trace(out, order, deriv))
    got = outcome(lambda: trace_backward(out, deriv))
    assert got[0] == expected[0]
    if got[0] == "error":
        assert got[1] == expected[1]
        return
    assert_trace_is_the_reference(got[1], *expected[1])
    for leaf in leaves:
        if not leaf.is_constant() and leaf.unique_id in got[1].gradients:
            assert bits(leaf.grad) == bits(got[1].gradients[leaf.unique_id])


@given(values=leaf_values, program=st.lists(steps_strategy, max_size=30), constant_leaf=st.booleans(),
       deriv=st.sampled_from([1.0, 1e300]))  # fmt: skip
@settings(max_examples=300, deadline=None)
def test_a_failed_pass_carries_the_reference_steps_before_the_failure(values, program, constant_leaf, deriv):
    _, out = make_graph(values, program, constant_leaf)
    order = topological_sort(out, include_constants=True)[::-1]
    try:
        reference_trace(out, order, deriv)
    except MathError as exc:
        expected = exc.steps
    else:
        return
    with pytest.raises(MathError) as info:
        trace_flat(out, deriv, order)
    done = info.value.trace  # positions index `order`
    assert done.step_nodes == [index_of(order, node) for node, _, _ in expected]
    assert list(map(bits, done.step_grads)) == [bits(grad) for _, grad, _ in expected]
    shares = [share for _, _, node_shares in expected for share in node_shares]
    assert list(map(bits, done.local_derivatives)) == [bits(local) for _, local, _ in shares]
    assert list(map(bits, done.contributions)) == [bits(c) for _, _, c in shares]
    # the gradients that were complete: the failing node's and every one above it
    failed = index_of(order, info.value.node)
    assert done.node_grads[:failed] == [None] * failed and len(done.node_grads) == len(order)


@given(values=leaf_values, program=st.lists(steps_strategy, max_size=30), constant_leaf=st.booleans())
@settings(max_examples=200, deadline=None)
def test_trace_flat_is_trace_backward_as_columns(values, program, constant_leaf):
    _, out = make_graph(values, program, constant_leaf)
    try:
        trace = trace_backward(out)
    except MathError:
        return
    forward, flat = trace_flat(out)
    assert isinstance(flat, FlatTrace) and ids(forward) == ids(trace.forward)
    position = {node.unique_id: i for i, node in enumerate(forward)}
    assert flat.step_nodes == [position[step.node.unique_id] for step in trace.steps]
    assert list(map(bits, flat.step_grads)) == [bits(step.grad) for step in trace.steps]
    shares = [c for step in trace.steps for c in step.contributions]
    assert list(map(bits, flat.local_derivatives)) == [bits(c.local) for c in shares]
    assert list(map(bits, flat.contributions)) == [bits(c.contribution) for c in shares]
    assert list(map(bits, flat.node_grads)) == [
        None if node.is_constant() else bits(trace.gradients[node.unique_id]) for node in forward
    ]


@given(values=leaf_values, program=st.lists(steps_strategy, max_size=30))
@settings(max_examples=150, deadline=None)
def test_trace_columns_on_the_columns_of_a_graph_is_trace_flat(values, program):
    _, out = make_graph(values, program, constant_leaf=True)
    forward = topological_sort(out, include_constants=True)[::-1]
    position = {node.unique_id: i for i, node in enumerate(forward)}
    columns = (
        [node.last_fn for node in forward],
        [node.data for node in forward],
        [position[p.unique_id] for node in forward for p in node.inputs],
        [len(node.inputs) for node in forward],
        [node.is_constant() for node in forward],
    )
    expected = outcome(lambda: trace_flat(out)[1])
    got = outcome(lambda: trace_columns(*columns, contexts=[node.ctx for node in forward],
                                        names=[node.name for node in forward]))  # fmt: skip
    if expected[0] == "error":
        message, node, phase = expected[1]
        assert got == ("error", (message, index_of(forward, node), phase))
        return
    assert got[0] == "ok"
    assert [list(map(bits, column)) if i != 1 else column for i, column in enumerate(got[1])] == [
        list(map(bits, column)) if i != 1 else column for i, column in enumerate(expected[1])
    ]
    # and the Scalars made back from the columns are that graph again
    scalars = scalars_of_columns(*columns, names=[node.name for node in forward], grads=got[1].node_grads)
    assert [(s.data, s.name, s.last_fn, s.is_constant()) for s in scalars] == [
        (n.data, n.name, n.last_fn, n.is_constant()) for n in forward
    ]
    made_at = {id(scalar): i for i, scalar in enumerate(scalars)}  # (== on Scalars makes a Scalar)
    assert [[made_at[id(p)] for p in s.inputs] for s in scalars] == [
        [position[p.unique_id] for p in n.inputs] for n in forward
    ]


def test_repeated_inputs_constants_and_comparisons_step_by_step():
    x = Scalar(3.0, name="x")
    y = Scalar(3.0, name="y")
    out = (x * x) + (x < y) + (x == y) + x.max(y) + 2.0 * x
    trace = trace_backward(out)
    forward, flat = trace_flat(out)
    steps, gradients = reference_trace(out, list(trace.forward))
    assert_trace_is_the_reference(trace, steps, gradients)
    mul = next(
        step for step in trace.steps if step.node.last_fn is Mul and ids(step.node.inputs) == ids((x, x))
    )
    assert [(id(c.input), c.local) for c in mul.contributions] == [(id(x), 3.0), (id(x), 3.0)]
    compare = [step for step in trace.steps if step.node.last_fn in (LT, EQ)]
    assert [c.local for step in compare for c in step.contributions] == [0.0, 0.0, 0.0, 0.0]
    tie = next(step for step in trace.steps if step.node.last_fn is Max)
    assert [c.local for c in tie.contributions] == [0.5, 0.5]
    assert trace.gradients[x.unique_id] == 2 * 3.0 + 0.5 + 2.0 and trace.gradients[y.unique_id] == 0.5
    assert flat.node_grads[index_of(forward, x)] == 8.5
    assert (x.grad, y.grad) == (17.0, 1.0)  # leaves add up across passes, as with backward()


def test_an_undefined_local_derivative_towards_a_constant_is_none_in_both_forms():
    x = Scalar(-2.0, name="x")
    out = x**3.0  # ∂/∂(the exponent) = x^y·ln x: undefined for x < 0; the exponent is a constant
    (step,) = trace_backward(out).steps
    assert [(c.local, c.contribution) for c in step.contributions] == [(12.0, 12.0), (None, None)]
    _, flat = trace_flat(out)
    assert flat.local_derivatives == [12.0, None] and flat.contributions == [12.0, None]


def test_math_errors_name_the_same_node_in_every_form():
    a = Scalar(0.0, name="a")
    root = Sqrt.apply(a)  # ∂/∂x = 1/(2√x): infinite at 0
    for run in (lambda: trace_backward(root), lambda: trace_flat(root), root.backward):
        with pytest.raises(MathError) as info:
            run()
        assert info.value.node is root and info.value.phase == "backward"
        assert "infinite or undefined derivative" in str(info.value)
    b = Scalar(1.0, name="b")
    big = b * b * 1e308  # each contribution finite, their sum not
    with pytest.raises(MathError) as info:
        trace_backward(big)
    assert info.value.node is b and str(info.value).startswith("the gradient of b:")
    forward = topological_sort(big, include_constants=True)[::-1]
    with pytest.raises(MathError) as columns_error:
        inputs = [index_of(forward, p) for n in forward for p in n.inputs]
        trace_columns([n.last_fn for n in forward], [n.data for n in forward], inputs,
                      [len(n.inputs) for n in forward], [n.is_constant() for n in forward],
                      names=[n.name for n in forward])  # fmt: skip
    assert columns_error.value.node == index_of(forward, b) and str(columns_error.value) == str(info.value)


def test_a_math_error_in_a_trace_leaves_the_gradients_as_they_were():
    b = Scalar(1.0, name="b")
    b.grad = 0.25
    big = b * b * 1e308
    for run in (trace_backward, trace_flat):
        with pytest.raises(MathError):
            run(big)
        assert b.grad == 0.25 and big.grad is None


def test_an_order_may_hold_nodes_the_output_does_not_reach_and_miss_inputs():
    x = Scalar(2.0, name="x")
    dead = x * 5.0
    out = x * x
    trace = trace_backward(out, order=[x, dead, out])
    assert ids(step.node for step in trace.steps) == ids([out, dead])
    assert trace.gradients == {x.unique_id: 4.0, dead.unique_id: 0.0, out.unique_id: 1.0}
    assert [c.contribution for c in trace.steps[1].contributions] == [0.0, 0.0]
    y = Scalar(3.0, name="y")
    z = y * y
    top = z * 2.0
    trace = trace_backward(top, order=[top])  # z is not in the order: its gradient is not shown
    assert trace.gradients == {top.unique_id: 1.0}
    assert [(c.input, c.contribution) for c in trace.steps[0].contributions] == [
        (z, 2.0),
        (top.inputs[1], 3.0 * 3.0),
    ]


def test_a_minitorch_function_needs_its_context_in_columns():
    x = Scalar(3.0)
    out = Square.apply(x)
    columns = ([None, Square], [3.0, 9.0], [0], [0, 1], [False, False])
    with pytest.raises(TypeError, match="minitorch way"):
        trace_columns(*columns)
    flat = trace_columns(*columns, contexts=[None, out.ctx])
    assert flat.node_grads == [6.0, 1.0] and flat.local_derivatives == [6.0]


def test_value_function_is_what_a_scalar_holds_and_refuses_the_same_way():
    assert value_function(Mul)(2.0, -3.0) == (Scalar(2.0) * Scalar(-3.0)).data
    assert value_function(Square)(3.0) == Square.apply(3.0).data == 9.0
    for fn, args in ((Sqrt, (-1.0,)), (Mul, (1e308, 10.0))):
        with pytest.raises(MathError) as on_floats:
            value_function(fn)(*args)
        with pytest.raises(MathError) as on_scalars:
            apply_function(fn, tuple(Scalar(v) for v in args))
        assert str(on_floats.value) == str(on_scalars.value) and on_floats.value.phase == "forward"
