"""The language's graphs and their recorded passes against the same programs built as Scalars."""

from __future__ import annotations

import random

import pytest
from test_flat_trace import bits, index_of, reference_trace  # the oracle and its exact comparison

from engine import (
    MathError,
    Scalar,
    apply_function,
)
from engine.language import ProgramError, ProgramMathError, analyze, evaluate, parse
from engine.language.syntax import CALL, MINUS, NAME, NUMBER
from engine.language.vocabulary import BINARY_OPERATORS, FUNCTIONS, NEGATE
from engine.scalar_functions import DerivedOperation
from tests.fuzzgen import ProgramGenerator

# -- the language: its graph of columns against a graph of Scalars ------------------------------------


def scalar_graph(source: str, values: dict, default_value: float | None = None):
    """The program run on Scalars made by the engine's operators, in the order its nodes are made, and
    its output; or the MathError it raises."""
    analysis = analyze(parse(source), values, default_value)
    program = analysis.program
    code = program.code
    made: list[Scalar] = []

    def keep(scalar: Scalar) -> Scalar:
        made.append(scalar)
        return scalar

    def apply(fn, *inputs):
        return keep(apply_function(fn, inputs))

    bindings: dict[str, Scalar] = {}
    last = None
    for statement in program.statements:
        lone = program.lone(statement)
        if statement.target is not None and lone == NUMBER:
            node = keep(Scalar(analysis.values[statement.target], name=statement.target))
        else:
            stack = []
            for i in range(statement.begin, statement.end):
                kind, argument = code.kinds[i], code.arguments[i]
                if kind == NAME:
                    if argument not in bindings:
                        bindings[argument] = keep(Scalar(analysis.values[argument], name=argument))
                    stack.append(bindings[argument])
                elif kind == NUMBER:
                    stack.append(keep(Scalar.constant(argument)))
                elif kind == CALL:
                    arity = FUNCTIONS[argument].arity
                    operands = stack[-arity:]
                    del stack[-arity:]
                    stack.append(apply(FUNCTIONS[argument].function, *operands))
                elif kind == MINUS:
                    stack.append(apply(NEGATE, stack.pop()))
                else:
                    right, left = stack.pop(), stack.pop()
                    operator = BINARY_OPERATORS[kind]
                    if isinstance(operator, DerivedOperation):
                        stack.append(operator.build(apply, left, right))
                    else:
                        stack.append(apply(operator, left, right))
            (node,) = stack
            if statement.target is not None and lone != NAME and not node.is_leaf():
                node.name = statement.target
        if statement.target is not None:
            bindings[statement.target] = node
        last = node
    # Forward order: as made, the output last, without what was made from the output (when the last
    # statement names an earlier node).
    dropped = {last.unique_id}
    order = []
    for scalar in made:
        if scalar is last:
            continue
        if any(p.unique_id in dropped for p in scalar.inputs):
            dropped.add(scalar.unique_id)
        else:
            order.append(scalar)
    return [*order, last], last


def assert_graph_is_the_scalar_graph(source: str, values: dict, default_value: float | None = None) -> str:
    try:
        order, output = scalar_graph(source, values, default_value)
    except MathError as exc:  # the forward pass failed: so must the build, with the same words
        with pytest.raises(ProgramMathError) as info:
            evaluate(source, values, default_value=default_value)
        assert info.value.message.endswith(str(exc)) and info.value.partial.phase == "forward"
        return "forward error"
    try:
        steps, gradients = reference_trace(output, order)
    except MathError as exc:
        with pytest.raises(ProgramMathError) as info:
            evaluate(source, values, default_value=default_value)
        partial = info.value.partial
        assert info.value.message.endswith(str(exc)) and partial.phase == "backward"
        assert partial.failed.id == f"n{index_of(order, exc.node)}"
        # the steps that succeeded before the failure, the oracle's to the last bit
        position = {scalar.unique_id: i for i, scalar in enumerate(order)}
        assert partial.backward.step_nodes == [position[node.unique_id] for node, _, _ in exc.steps]
        assert list(map(bits, partial.backward.step_grads)) == [bits(grad) for _, grad, _ in exc.steps]
        shares = [share for _, _, node_shares in exc.steps for share in node_shares]
        assert list(map(bits, partial.backward.local_derivatives)) == [bits(local) for _, local, _ in shares]
        assert list(map(bits, partial.backward.contributions)) == [bits(c) for _, _, c in shares]
        return "backward error"
    graph = evaluate(source, values, default_value=default_value)
    position = {scalar.unique_id: i for i, scalar in enumerate(order)}
    assert list(map(bits, graph.values)) == [bits(s.data) for s in order]
    assert graph.labels == [s.name for s in order]
    assert graph.inputs == [position[p.unique_id] for s in order for p in s.inputs]
    assert list(map(bits, graph.grads)) == [
        None if s.is_constant() else bits(gradients[s.unique_id]) for s in order
    ]
    backward = graph.backward
    assert backward.step_nodes == [position[node.unique_id] for node, _, _ in steps]
    assert list(map(bits, backward.step_grads)) == [bits(grad) for _, grad, _ in steps]
    shares = [share for _, _, node_shares in steps for share in node_shares]
    assert list(map(bits, backward.local_derivatives)) == [bits(local) for _, local, _ in shares]
    assert list(map(bits, backward.contributions)) == [bits(c) for _, _, c in shares]
    # Graph.scalars is that graph again, as Scalars
    assert [(s.data, s.name, s.last_fn, s.grad) for s in graph.scalars] == [
        (s.data, s.name, s.last_fn, None if s.is_constant() else gradients[s.unique_id]) for s in order
    ]
    return "ok"


PROGRAMS = [
    ("a = 2; b = -3; c = 10; e = a*b; d = e + c; f = -2; L = d*f", {}),
    ("x*x + x", {"x": 3.0}),
    ("y = x + x; y*y", {"x": -0.0}),
    ("max(a, a) + min(a, b) - (a < b) + (a > b) * (a == b)", {"a": 2.0, "b": 2.0}),
    ("relu(x) + abs(x) + softplus(x) + sigmoid(-x)", {"x": 0.0}),
    ("x ** 3 + (-2) ** 3 + x ^ 0.5", {"x": 4.0}),
    ("(-x) ** 2", {"x": 2.0}),
    ("x ** y", {"x": -2.0, "y": 3.0}),  # a negative base to a variable power: ∂/∂y undefined
    ("log(x)", {"x": -1.0}),  # forward error
    ("sqrt(x) * 2", {"x": 0.0}),  # backward error: ∂√x/∂x infinite at 0
    ("x = 2; y = sqrt(x - 2); L = y*x", {}),  # a backward error after a step that succeeded
    ("t = x*1e308\nt*t", {"x": 1.0}),  # an overflow in the forward pass
    ("a*a*1e308", {"a": 1.0}),  # contributions that add up to infinity
    ("a = 2\nt = a*2\nu = t*3\nout = a + 1", {}),  # dead statements
    ("a = 2; b = a*3; a", {}),  # the output is an earlier node
    ("a = 2; b = a*3; c = b + a; b", {}),
    ("w = 0.5; s = tanh(w*x + 1); s - s/2 + 0*s", {"x": 0.25}),
    ("exp(710)", {}),
    ("1/x", {"x": 0.0}),
    ("x/y - y", {"x": 1e-300, "y": 1e300}),
    ("q = 3; q", {}),
    ("sin(x)*cos(x) + tanh(-x)", {"x": 1e150}),
]


@pytest.mark.parametrize(("source", "values"), PROGRAMS)
def test_the_language_graph_is_the_scalar_graph(source, values):
    assert_graph_is_the_scalar_graph(source, values)


def test_the_language_graph_is_the_scalar_graph_on_generated_programs():
    generator = ProgramGenerator(random.Random(20240613))
    outcomes: dict[str, int] = {}
    for _ in range(600):
        source, values, _ = generator.program()
        try:
            analyze(parse(source), values, None)
        except ProgramError:
            continue
        result = assert_graph_is_the_scalar_graph(source, values)
        outcomes[result] = outcomes.get(result, 0) + 1
    assert outcomes["ok"] > 300 and outcomes["forward error"] > 0 and outcomes["backward error"] > 0
