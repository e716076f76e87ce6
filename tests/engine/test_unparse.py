"""From a Scalar graph back to program text: same values, same gradients, readable names."""

from __future__ import annotations

import random
from urllib.parse import parse_qs, urlsplit

import pytest

from engine import (
    BUILTINS,
    Add,
    Div,
    Inv,
    MathError,
    Neg,
    Scalar,
    ScalarFunction,
    Sub,
    explore,
    to_program,
    topological_sort,
)
from engine.language import UnsupportedOperationError, evaluate, explorer_url


def named(value: float, name: str | None = None) -> Scalar:
    return Scalar(value, name=name)


def lecture() -> Scalar:
    a, b, c, f = named(2.0, "a"), named(-3.0, "b"), named(10.0, "c"), named(-2.0, "f")
    e = a * b
    e.name = "e"
    d = e + c
    d.name = "d"
    out = d * f
    out.name = "L"
    return out


def neuron() -> Scalar:
    x1, x2, w1, w2 = named(2.0, "x1"), named(0.0, "x2"), named(-3.0, "w1"), named(1.0, "w2")
    b = named(6.8813735870195432, "b")
    return (x1 * w1 + x2 * w2 + b).tanh()


def every_operation() -> Scalar:
    x, y = named(0.5, "x"), named(1.5, "y")
    parts = [
        (x * y).tanh() / (1 + x**2), (x - 2) * (-y), x.max(y), y.min(x), (x > y) + (x < y) + (x == y),
        2**x, (x * y) ** 2, x.exp().log(), x.sigmoid() + y.relu() + (-x).relu(), x.sin() * y.cos(),
        (x * y).sqrt() + abs(x - y) + x.softplus(), 3 - x / y, -(x**-y),
    ]  # fmt: skip
    total = parts[0]
    for part in parts[1:]:
        total = total + part
    return total


def mlp_step(seed: int = 1) -> Scalar:
    rng = random.Random(seed)
    weights = [[named(rng.uniform(-1, 1), f"w{i}_{j}") for j in range(2)] for i in range(3)]
    biases = [named(rng.uniform(-1, 1), f"b{i}") for i in range(3)]
    loss = Scalar.constant(0.0)
    for x1, x2, y in [(0.3, -0.2, 1.0), (-0.7, 0.4, -1.0), (0.1, 0.9, 1.0)]:
        hidden = [(w[0] * x1 + w[1] * x2 + b).relu() for w, b in zip(weights, biases, strict=True)]
        score = hidden[0] + hidden[1] - hidden[2]
        loss = loss + (1 - y * score).relu()
    return loss * (1 / 3)


def leaves(out: Scalar) -> list[Scalar]:
    return [s for s in topological_sort(out) if s.is_leaf() and not s.is_constant()]


@pytest.mark.parametrize("make", [lecture, neuron, every_operation, mlp_step])
def test_the_program_has_the_graphs_values_and_gradients(make):
    out = make()
    out.backward()
    program = to_program(out)
    graph = evaluate(program)
    assert graph.output.value == out.data
    names = {s.unique_id: s.name for s in leaves(out)}
    expected = {names[s.unique_id]: s.grad for s in leaves(out)}
    assert graph.gradients == expected


@pytest.mark.parametrize("make", [lecture, neuron, every_operation])
def test_the_program_makes_the_same_nodes_but_for_minitorchs_constructions(make):
    out = make()
    nodes = topological_sort(out, include_constants=True)
    # Scalar's `a - b` is a + (-b) (two nodes), which the language writes and builds as one `sub`;
    # its `a / b` is a · (1/b), whose 1/b the language writes and builds as a `div` of the constant 1.
    subtractions = sum(1 for n in nodes if n.last_fn is Add and n.inputs[1].last_fn is Neg)
    reciprocals = sum(1 for n in nodes if n.last_fn is Inv)
    assert len(evaluate(to_program(out)).nodes) == len(nodes) - subtractions + reciprocals


def test_the_lecture_reads_like_the_lecture():
    assert to_program(lecture()) == "a = 2.0\nb = -3.0\nc = 10.0\nf = -2.0\ne = a * b\nd = e + c\nL = d * f\n"


def test_subtraction_and_division_come_back_as_operators():
    x, y = named(4.0, "x"), named(2.0, "y")
    # Python's `/` on Scalars is minitorch's a · (1/b): it comes back as that, to the last bit.
    assert to_program(x - y / (x + 1)).splitlines()[-1] == "out = x - y * (1 / (x + 1))"
    # The table's own sub and div (what the language builds) come back as themselves.
    assert to_program(Sub.apply(x, Div.apply(y, x + 1))).splitlines()[-1] == "out = x - y / (x + 1)"
    assert (
        to_program(Div.apply(Sub.apply(x, y), Sub.apply(y, x))).splitlines()[-1] == "out = (x - y) / (y - x)"
    )
    assert to_program((x - 2) * -y).splitlines()[-1] == "out = (x - 2) * -y"
    assert to_program((-x) ** 2).splitlines()[-1] == "out = (-x)**2"
    assert to_program(-(x**2)).splitlines()[-1] == "out = -x**2"
    assert to_program(x * Scalar.constant(-1.5)).splitlines()[-1] == "out = x * (-1.5)"


def test_names_are_made_valid_unique_and_unreserved():
    a, b, c, d = named(1.0, "a"), named(2.0, "a"), named(3.0, "exp"), named(4.0, "not a name")
    e = Scalar(5.0)
    program = to_program(a * b + c * d + e)
    assert program.splitlines()[:5] == ["a = 1.0", "a_2 = 2.0", "exp_ = 3.0", "x1 = 4.0", "x2 = 5.0"]
    assert evaluate(program).output.value == 1 * 2 + 3 * 4 + 5


def test_a_node_used_twice_gets_its_own_statement():
    x = named(3.0, "x")
    shared = x * x
    program = to_program(shared + shared.tanh())
    assert program == "x = 3.0\nt1 = x * x\nout = t1 + tanh(t1)\n"


def test_a_custom_function_is_refused_by_name():
    class Square(ScalarFunction):
        @staticmethod
        def forward(ctx, x):
            ctx.save_for_backward(x)
            return x * x

        @staticmethod
        def backward(ctx, d_out):
            (x,) = ctx.saved_values
            return 2 * x * d_out

    with pytest.raises(UnsupportedOperationError, match="Square is a custom ScalarFunction"):
        to_program(Square.apply(named(2.0, "x")) + 1)


def test_explore_gives_the_pages_url_with_the_program_in_its_state(monkeypatch):
    opened = []
    monkeypatch.setattr("webbrowser.open", opened.append)
    out = lecture()
    url = explore(out, base_url="http://localhost:9000/")
    parts = urlsplit(url)
    assert (parts.scheme, parts.netloc, parts.path) == ("http", "localhost:9000", "/")
    assert parse_qs(parts.fragment)["e"] == [to_program(out)]
    assert "+" not in parts.fragment  # the page's URLSearchParams would read '+' as a space
    assert opened == []
    assert explore(out, open_browser=True) == opened[0] == explorer_url(to_program(out))


# Every operator of the table on either side of every other, grouped both ways: the program comes back
# with the parentheses the table's precedence and associativity need, and no others change the graph.
_OPERATORS = [op for op in BUILTINS if op.symbol is not None and op.arity == 2]


@pytest.mark.parametrize("outer", _OPERATORS, ids=lambda op: op.name)
@pytest.mark.parametrize("inner", _OPERATORS, ids=lambda op: op.name)
def test_every_pair_of_operators_comes_back_with_its_grouping(inner, outer):
    for left in (True, False):
        a, b, c = named(3.0, "a"), named(1.5, "b"), named(2.0, "c")
        try:
            out = outer.apply(inner.apply(a, b), c) if left else outer.apply(a, inner.apply(b, c))
        except MathError:  # a / (b == c): a division by zero, not a grouping
            continue
        out.backward()
        graph = evaluate(to_program(out))
        assert [n.op for n in graph.nodes if n.op] == [inner.name, outer.name]
        assert graph.output.value == out.data
        assert graph.gradients == {"a": a.grad, "b": b.grad, "c": c.grad}, to_program(out)
