"""Backpropagation: reuse, depth, repeated calls, custom functions, traces."""

from __future__ import annotations

import ast
import pathlib
import sys

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from engine import (
    Context,
    MathError,
    Scalar,
    ScalarFunction,
    backpropagate,
    topological_sort,
    trace_backward,
    zero_grad,
)

ENGINE = pathlib.Path(__file__).resolve().parents[2] / "engine"


def lecture():
    a, b, c, f = Scalar(2.0, name="a"), Scalar(-3.0, name="b"), Scalar(10.0, name="c"), Scalar(-2.0, name="f")
    e = a * b
    d = e + c
    return (a, b, c, f, e, d), d * f


def test_the_micrograd_lecture_graph():
    (a, b, c, f, e, d), loss = lecture()
    loss.backward()
    assert loss.data == -8.0
    assert (a.grad, b.grad, c.grad, f.grad, e.grad, d.grad) == (6.0, -4.0, -2.0, 4.0, -2.0, -2.0)
    assert loss.grad == 1.0


def test_a_reused_input_keeps_both_edges():
    x = Scalar(3.0)
    y = x * x
    assert y.inputs == (x, x)
    y.backward()
    assert x.grad == 6.0


def test_reuse_accumulates_per_unique_id():
    a = Scalar(1.0)
    b = a + a
    c = b + b
    c.backward()
    assert a.grad == 4.0
    assert b.grad == 2.0


def test_backward_twice_gives_exactly_twice_on_leaves():
    (a, b, c, f, e, _), loss = lecture()
    loss.backward()
    first = (a.grad, b.grad, c.grad, f.grad, e.grad)
    loss.backward()
    assert (a.grad, b.grad, c.grad, f.grad) == tuple(2 * g for g in first[:4])
    assert e.grad == first[4]  # an operation node holds this pass's gradient
    zero_grad([a, b, c, f])
    loss.backward()
    assert (a.grad, b.grad, c.grad, f.grad) == first[:4]


def test_a_million_node_chain_needs_no_recursion():
    limit = sys.getrecursionlimit()
    x = Scalar(1.0)
    z = x
    for _ in range(1_000_000):
        z = z + 1.0
    z.backward()
    assert x.grad == 1.0
    assert z.data == 1_000_001.0
    assert sys.getrecursionlimit() == limit


def test_topological_sort_puts_every_node_after_its_users():
    (_, _, _, _, _, _), loss = lecture()
    order = topological_sort(loss)
    assert order[0] is loss
    position = {id(node): i for i, node in enumerate(order)}
    for node in order:
        for parent in node.inputs:
            if not parent.is_constant():
                assert position[id(parent)] > position[id(node)]
    assert len(order) == 7


def test_backpropagate_with_a_d_output():
    x = Scalar(2.0)
    backpropagate(x * 3.0, 0.5)
    assert x.grad == 1.5


# -- custom functions: minitorch's slide examples just work ---------------------------------------


class TimesFive(ScalarFunction):
    @staticmethod
    def forward(ctx: Context, x: float) -> float:
        return x * 5

    @staticmethod
    def backward(ctx: Context, d_out: float) -> float:
        return 5 * d_out


class AddTimes2(ScalarFunction):
    @staticmethod
    def forward(ctx: Context, x: float, y: float) -> float:
        return x + 2 * y

    @staticmethod
    def backward(ctx: Context, d_out: float) -> tuple[float, float]:
        return d_out, 2 * d_out


class Square(ScalarFunction):
    @staticmethod
    def forward(ctx: Context, x: float) -> float:
        ctx.save_for_backward(x)
        return x * x

    @staticmethod
    def backward(ctx: Context, d_out: float) -> float:
        (x,) = ctx.saved_values
        return 2 * x * d_out


class Broken(ScalarFunction):
    @staticmethod
    def forward(ctx: Context, x: float) -> float:
        return x

    @staticmethod
    def backward(ctx: Context, d_out: float) -> float:
        return 1.0 / 0.0


def test_custom_scalar_functions():
    x, y = Scalar(2.0), Scalar(3.0)
    out = Square.apply(AddTimes2.apply(TimesFive.apply(x), y))  # (5x + 2y)^2 = 256
    assert out.data == 256.0
    out.backward()
    assert x.grad == 2 * 16 * 5
    assert y.grad == 2 * 16 * 2
    assert out.last_fn is Square and out.history.last_fn is Square
    assert TimesFive.apply(4).data == 20.0  # plain numbers are wrapped


def test_a_custom_backward_that_divides_by_zero_raises_math_error():
    x = Scalar(1.0)
    out = Broken.apply(x)
    with pytest.raises(MathError) as info:
        out.backward()
    assert info.value.function == "Broken"


# -- traces -----------------------------------------------------------------------------------------


def test_trace_records_each_step_with_locals_and_contributions():
    (a, b, _, f, e, d), loss = lecture()
    trace = trace_backward(loss)
    assert trace.forward[-1] is loss
    assert [step.node for step in trace.steps] == [loss, d, e]
    first = trace.steps[0]
    assert first.grad == 1.0
    assert [(c_.input, c_.local, c_.contribution) for c_ in first.contributions] == [
        (d, -2.0, -2.0),
        (f, 4.0, 4.0),
    ]
    last = trace.steps[-1]
    assert [(c_.input, c_.local, c_.contribution) for c_ in last.contributions] == [
        (a, -3.0, 6.0),
        (b, 2.0, -4.0),
    ]
    assert trace.gradients[a.unique_id] == 6.0 and a.grad == 6.0


def test_trace_keeps_repeats():
    x = Scalar(3.0)
    trace = trace_backward(x * x)
    (step,) = trace.steps
    assert [c.input for c in step.contributions] == [x, x]
    assert [c.contribution for c in step.contributions] == [3.0, 3.0]


OPS = {
    "add": lambda a, b: a + b,
    "sub": lambda a, b: a - b,
    "mul": lambda a, b: a * b,
    "tanh": lambda a, b: a.tanh(),
    "sigmoid": lambda a, b: a.sigmoid(),
    "sin": lambda a, b: a.sin(),
    "relu": lambda a, b: a.relu(),
    "square": lambda a, b: a**2,
}
steps = st.tuples(st.sampled_from(sorted(OPS)), st.integers(0, 50), st.integers(0, 50))


@given(values=st.lists(st.floats(-2, 2), min_size=2, max_size=5), program=st.lists(steps, max_size=25))
@settings(max_examples=150)
def test_trace_and_backward_agree_to_the_last_bit(values, program):
    def build():
        leaves = [Scalar(v) for v in values]
        pool = list(leaves)
        for op, i, j in program:
            pool.append(OPS[op](pool[i % len(pool)], pool[j % len(pool)]))
        return leaves, pool[-1]

    leaves, out = build()
    out.backward()
    fast = [leaf.grad for leaf in leaves]
    leaves, out = build()
    trace_backward(out)
    assert [leaf.grad for leaf in leaves] == fast


def test_engine_imports_only_the_standard_library():
    allowed = set(sys.stdlib_module_names)
    for path in ENGINE.rglob("*.py"):
        tree = ast.parse(path.read_text(), filename=str(path))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                if node.level:  # relative: inside engine
                    continue
                names = [node.module or ""]
            else:
                continue
            for name in names:
                assert name.split(".")[0] in allowed, f"{path.name} imports {name}"


def test_finite_contributions_that_add_up_to_infinity_raise_math_error():
    a = Scalar(1.0, name="a")
    out = a * a * 1e308
    with pytest.raises(MathError) as info:
        out.backward()
    assert info.value.node is a
    b = Scalar(1.0, name="b")
    with pytest.raises(MathError):
        trace_backward(b * b * 1e308)
