"""The language and the table of operations: functions, one node per operator typed, and the
operators' precedence and associativity as the table declares them."""

from __future__ import annotations

import math

import pytest

from engine.language import (
    ParseError,
    ProgramMathError,
    ReservedNameError,
    evaluate,
    parse,
    tokenize,
)
from engine.language.vocabulary import BINDINGS, NEGATE


def value(source: str, **values: float) -> float:
    return evaluate(source, values).output.value


# -- functions from the table of operations: softplus, and max and min with two arguments ---------------


def test_softplus_max_and_min_in_programs():
    graph = evaluate("y = -1; s = 0.25; loss = max(0, 1 - y*s) + softplus(s) + min(s, y)")
    assert graph.output.value == pytest.approx(1.25 + math.log1p(math.exp(0.25)) - 1.0, rel=1e-15)
    assert graph.gradients == pytest.approx({"y": -0.25 + 1.0, "s": 1.0 + 1.0 / (1.0 + math.exp(-0.25))})
    operations = [n.op for n in graph.nodes if n.kind == "operation"]
    assert operations[-5:] == ["max", "softplus", "add", "min", "add"]
    assert evaluate("a = 2; max(a, a)").gradients == {"a": 1.0}  # a tie splits, and both halves reach a


def test_the_hinge_loss_of_micrographs_demo():
    graph = evaluate("y = 1; score = 0.4; max(0, 1 - y*score)", check=True)
    assert graph.output.value == pytest.approx(0.6) and graph.gradients == {"y": -0.4, "score": -1.0}
    assert all(result.ok for result in graph.check.values())
    assert evaluate("y = 1; score = 2; max(0, 1 - y*score)").gradients == {"y": 0.0, "score": 0.0}


@pytest.mark.parametrize(
    ("source", "column", "message"),
    [
        ("x = 1\nmax(x)", 1, "max takes 2 arguments, got 1"),
        ("x = 1\nmin(x, x, x)", 1, "min takes 2 arguments, got 3"),
        ("x = 1\nsoftplus(x, 2)", 1, "softplus takes 1 argument, got 2"),
        ("x = 1\nmax(x,)", 7, "unexpected ')'"),
    ],
)
def test_calls_with_the_wrong_number_of_arguments_say_so(source, column, message):
    with pytest.raises(ParseError) as info:
        parse(source)
    assert (info.value.line, info.value.column) == (2, column)
    assert info.value.message == f"line 2, column {column}: {message}"


def test_every_function_of_the_table_is_a_reserved_function_name():
    from engine import FUNCTIONS

    assert {"softplus", "max", "min", "exp", "abs"} <= set(FUNCTIONS)
    for name in FUNCTIONS:
        with pytest.raises(ReservedNameError):
            parse(f"{name} = 1")


def _steps(graph) -> dict[str, list[tuple]]:
    """Each backward step's node id → its (local derivative, contribution) per input."""
    steps, at = {}, 0
    trace = graph.backward
    for node in trace.step_nodes:
        count = graph.input_counts[node]
        pairs = zip(
            trace.local_derivatives[at : at + count], trace.contributions[at : at + count], strict=True
        )
        steps[f"n{node}"] = list(pairs)
        at += count
    return steps


def test_the_language_builds_what_was_typed_one_node_per_operator():
    graph = evaluate("a = 6; b = 3\nc = a - b\nd = a / b\ne = a > b\nL = c + d + e")
    by_label = {n.label: n for n in graph.nodes if n.label}
    assert [n.op for n in graph.nodes if n.kind == "operation"] == ["sub", "div", "lt", "add", "add"]
    assert (by_label["c"].op, by_label["c"].inputs, by_label["d"].op, by_label["d"].inputs) == (
        "sub", ("n0", "n1"), "div", ("n0", "n1"))  # fmt: skip
    assert (by_label["c"].span.line, by_label["c"].span.column, by_label["c"].span.end_column) == (2, 5, 10)
    assert by_label["e"].op == "lt" and by_label["e"].inputs == ("n1", "n0")  # a > b is b < a: derived
    assert (by_label["c"].value, by_label["d"].value, by_label["e"].value) == (3.0, 2.0, 1.0)
    assert graph.gradients == {"a": 1.0 + 1 / 3, "b": -1.0 - 6 / 9}
    steps = _steps(graph)
    assert steps[by_label["c"].id] == [(1.0, 1.0), (-1.0, -1.0)]  # ∂/∂a = 1, ∂/∂b = -1
    assert steps[by_label["d"].id] == [(1 / 3, 1 / 3), (-6 / 9, -6 / 9)]  # ∂/∂a = 1/b, ∂/∂b = -a/b²


@pytest.mark.parametrize(
    ("source", "operations", "constants"),
    [
        ("x = 2; L = x - 1", ["sub"], [1.0]),  # sub of x and the constant 1: no neg node on it
        ("x = 2; L = x + -1", ["add"], [-1.0]),  # a negative literal is one constant
        ("x = 2; L = x * -1.5", ["mul"], [-1.5]),
        ("x = 2; L = x * -(1.5)", ["mul"], [-1.5]),
        ("x = 4; y = x / 4", ["div"], [4.0]),  # no inv node of 4
        ("x = 2; L = -x", ["neg"], []),  # -x stays a neg node
        ("x = 2; L = -2**2 + x", ["pow", "neg", "add"], [2.0, 2.0]),  # -2**2 is -(2²)
        ("x = 2; L = (-2)**2 + x", ["pow", "add"], [-2.0, 2.0]),
        ("a = -3; L = a * 2", ["mul"], [2.0]),  # a declaration, as before
    ],
)
def test_only_the_nodes_that_were_typed(source, operations, constants):
    graph = evaluate(source)
    assert [n.op for n in graph.nodes if n.kind == "operation"] == operations
    assert [n.value for n in graph.nodes if n.kind == "constant"] == constants
    constant_ids = {n.id for n in graph.nodes if n.kind == "constant"}
    assert all(n.grad is None for n in graph.nodes if n.kind == "constant")  # no gradient ...
    assert not constant_ids & set(_steps(graph))  # ... and no backward step


def test_a_variable_declared_negative_is_a_variable():
    graph = evaluate("a = -3; b = a - -2")
    assert [(n.kind, n.value) for n in graph.nodes] == [
        ("variable", -3.0),
        ("constant", -2.0),
        ("operation", -1.0),
    ]
    assert graph.gradients == {"a": 1.0}


@pytest.mark.parametrize(
    ("source", "column"), [("x = 1; y = 0\nL = x / y", 5), ("x = 0\nL = 3 * (2 / x)", 10)]
)
def test_division_by_zero_is_a_math_error_naming_div_and_where(source, column):
    with pytest.raises(ProgramMathError) as caught:
        evaluate(source)
    assert (caught.value.line, caught.value.column) == (2, column)
    assert "div(" in str(caught.value) and "division by zero" in str(caught.value)


# -- the operators' precedence and associativity come from the table of operations ----------------

_SPELLINGS = sorted(BINDINGS)


def _grouped(op1: str, op2: str) -> str | None:
    """How `a op1 b op2 c` groups, from the table: "left", "right", or None (an error: no chaining)."""
    first, second = BINDINGS[op1], BINDINGS[op2]
    if first.power != second.power:
        return "left" if first.power > second.power else "right"
    if not first.chains:
        return None
    return "right" if first.right else "left"


@pytest.mark.parametrize("op2", _SPELLINGS)
@pytest.mark.parametrize("op1", _SPELLINGS)
def test_every_pair_of_operators_groups_as_the_table_says(op1, op2):
    values = {"a": 3.0, "b": 1.5, "c": 2.0}
    source = f"a {op1} b {op2} c"
    grouping = _grouped(op1, op2)
    if grouping is None:
        with pytest.raises(ParseError, match="cannot be chained"):
            evaluate(source, values)
        return
    written = f"(a {op1} b) {op2} c" if grouping == "left" else f"a {op1} (b {op2} c)"
    got, expected = evaluate(source, values), evaluate(written, values)
    # The same operations on the same inputs, in the same order: the same graph.
    assert [(n.op, n.inputs) for n in got.nodes] == [(n.op, n.inputs) for n in expected.nodes]
    assert got.output.value == expected.output.value


def test_the_unary_minus_binds_as_the_table_says():
    # Tighter than a product, looser than a power: (-a)*b and -(a**b).
    assert NEGATE.precedence == BINDINGS["*"].power + 1 == BINDINGS["**"].power - 1
    assert value("-a*b", a=2.0, b=3.0) == -6.0 and value("-a**2", a=3.0) == -9.0
    assert [n.op for n in evaluate("-a**2", {"a": 3.0}).nodes if n.op] == ["pow", "neg"]
    assert [n.op for n in evaluate("-a*b", {"a": 3.0, "b": 1.0}).nodes if n.op] == ["neg", "mul"]


def test_every_spelling_of_the_table_is_a_token():
    for spelling in BINDINGS:
        tokens = tokenize(f"a {spelling} b")
        assert [t.text for t in tokens] == ["a", spelling, "b", ""], spelling


def test_divisions_derivative_stays_finite_where_b_squared_would_not():
    # ∂(a/b)/∂b = -a/b², computed as -(a/b)/b: b² = 1e-400 underflows to 0 and 1e400 overflows.
    tiny = evaluate("a = 1e-300; b = 1e-200; L = a / b")
    huge = evaluate("a = 1e300; b = 1e200; L = a / b")
    assert tiny.gradients["b"] == pytest.approx(-1e100, rel=1e-12)
    assert huge.gradients["b"] == pytest.approx(-1e-100, rel=1e-12)
