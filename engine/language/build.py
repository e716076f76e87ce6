"""The build stage: an analysed program becomes a graph of the engine's Scalars, differentiated.

Input: an ``Analysis``. Output: a ``Graph`` — every node with its id, kind, label, source span, value
and gradient, in forward order; the output; the variables by name; the traced backward pass; and the
warnings of both stages. Each node is one Scalar made by the engine's own operations, so the numbers
are the engine's.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..autodiff import Trace, trace_backward
from ..errors import MathError
from ..scalar import Scalar, apply_function
from ..scalar_functions import DerivedOperation, ScalarFunction
from .analysis import MAX_NODES, Analysis, ProgramWarning
from .errors import ProgramMathError, TooLargeError
from .syntax import Binary, Call, Name, Number, Span, Statement, Unary
from .vocabulary import BINARY_OPERATORS, FUNCTIONS, NEGATE, NODES_MADE


@dataclass(slots=True, eq=False)
class Node:
    """One node of a program's graph, as the API and the page see it."""

    id: str
    kind: str  # variable | constant | operation
    op: str | None
    label: str | None
    scalar: Scalar | None  # None only for the failing node of a Partial
    inputs: tuple[str, ...]
    span: Span
    free: bool = False  # a variable the program uses but never assigns
    grad: float | None = None  # d output / d node; None for constants

    @property
    def value(self) -> float | None:
        return self.scalar.data if self.scalar is not None else None


@dataclass(slots=True)
class Partial:
    """A graph that failed: the nodes made before the failure, in forward order, and the failing node.

    In the forward pass the failing operation made no Scalar: its node has ``scalar`` None (no value).
    In the backward pass every node has its value and ``failed`` is the one whose derivative failed.
    """

    nodes: list[Node]
    failed: Node
    phase: str  # forward | backward


@dataclass(slots=True)
class CheckResult:
    analytic: float
    numeric: float | None
    ok: bool


@dataclass(slots=True)
class Graph:
    """A program built and differentiated: what the API answers, before it is serialised."""

    nodes: list[Node]  # forward order: inputs first, output last
    output: Node
    variables: dict[str, Node]  # name -> variable node, in order of first appearance
    trace: Trace
    warnings: list[ProgramWarning]
    by_uid: dict[int, Node] = field(default_factory=dict)  # Scalar.unique_id -> node
    check: dict[str, CheckResult] | None = None

    @property
    def gradients(self) -> dict[str, float]:
        """d output / d variable, by variable name."""
        return {name: node.grad for name, node in self.variables.items()}


class _Builder:
    """Walks the statements and makes one Scalar per node, remembering ids, labels and spans."""

    def __init__(self, analysis: Analysis):
        self.values = analysis.values
        self.free = analysis.free
        self.span = analysis.program.source_map.span
        self.nodes: list[Node] = []
        self.by_uid: dict[int, Node] = {}
        self.bindings: dict[str, Node] = {}
        self.variables: dict[str, Node] = {}

    def add(self, scalar: Scalar, kind: str, op: str | None, label: str | None, span: Span,
            inputs: tuple[str, ...] = ()) -> Node:  # fmt: skip
        if len(self.nodes) >= MAX_NODES:  # analyze() counts first; this is the safety net
            raise TooLargeError(f"the program makes more than {MAX_NODES:,} nodes")
        node = Node(f"n{len(self.nodes)}", kind, op, label, scalar, inputs, span)
        self.nodes.append(node)
        self.by_uid[scalar.unique_id] = node
        return node

    def variable(self, name: str, span: Span) -> Node:
        node = self.add(Scalar(self.values[name], name=name), "variable", None, name, span)
        node.free = name in self.free
        self.variables[name] = node
        return node

    def apply(self, fn: type[ScalarFunction], span: Span, *inputs: Node) -> Node:
        try:
            scalar = apply_function(fn, tuple([node.scalar for node in inputs]))
        except MathError as exc:
            error = ProgramMathError(f"line {span.line}, column {span.column}: {exc}", span.line, span.column)
            failed = Node(f"n{len(self.nodes)}", "operation", fn.name, None, None,
                          tuple([node.id for node in inputs]), span)  # fmt: skip
            error.partial = Partial([*self.nodes, failed], failed, "forward")
            raise error from None
        return self.add(scalar, "operation", fn.name, None, span, tuple([node.id for node in inputs]))

    def statement(self, statement: Statement) -> Node:
        expr, target = statement.expr, statement.target
        if target is not None and isinstance(expr, Number):
            node = self.variable(target, self.span(statement.loc))
        elif target is not None and isinstance(expr, Name):
            node = self.expression(expr)  # an alias: the same node under another name
        else:
            node = self.expression(expr)
            if target is not None and node.kind == "operation":
                node.label = target
                node.scalar.name = target
        if target is not None:
            self.bindings[target] = node
        return node

    def expression(self, root) -> Node:
        """Build an expression's nodes, left before right, with an explicit stack: a sum of
        100,000 terms is a tree 100,000 deep, and must not exhaust Python's recursion limit."""
        results: list[Node] = []
        stack = [(root, False)]
        while stack:
            expr, children_done = stack.pop()
            kind = type(expr)
            if kind is Number:
                constant = Scalar.constant(expr.value)
                results.append(self.add(constant, "constant", None, None, self.span(expr.loc)))
            elif kind is Name:
                results.append(self.name(expr))
            elif not children_done:
                stack.append((expr, True))
                if kind is Binary:
                    stack.append((expr.right, False))
                    stack.append((expr.left, False))
                elif kind is Unary:
                    stack.append((expr.operand, False))
                elif kind is Call:
                    stack.extend((argument, False) for argument in reversed(expr.arguments))
                else:
                    raise TypeError(f"unknown syntax node {expr!r}")
            elif kind is Binary:
                right = results.pop()
                left = results.pop()
                results.append(self.binary(expr, left, right))
            elif kind is Unary:
                results.append(self.apply(NEGATE, self.span(expr.loc), results.pop()))
            else:
                count = len(expr.arguments)
                arguments = results[-count:]
                del results[-count:]
                function = FUNCTIONS[expr.function].function
                results.append(self.apply(function, self.span(expr.loc), *arguments))
        return results.pop()

    def name(self, expr: Name) -> Node:
        bound = self.bindings.get(expr.name)
        if bound is not None:
            return bound
        # First use of a name never assigned: a free variable, valued from `values` or the default.
        node = self.variable(expr.name, self.span(expr.loc))
        self.bindings[expr.name] = node
        return node

    def binary(self, expr: Binary, left: Node, right: Node) -> Node:
        operator = BINARY_OPERATORS[expr.op]
        span = self.span(expr.loc)
        if not isinstance(operator, DerivedOperation):
            return self.apply(operator, span, left, right)
        # A derived operator is built from its one declaration (a - b = a + (-b)). Its last node is
        # its result and spans the whole expression; the ones before it (the neg of `a - b`) span
        # the text from the operator on.
        inner = self.span((expr.op_start, expr.loc[1]))
        total, made = NODES_MADE[expr.op], 0

        def apply(fn: type[ScalarFunction], *inputs: Node) -> Node:
            nonlocal made
            made += 1
            return self.apply(fn, span if made == total else inner, *inputs)

        return operator.build(apply, left, right)


def _forward_order(nodes: list[Node], output: Node) -> list[Node]:
    """Every node once, inputs first, output last: creation order without the output's own
    descendants (possible only when the last statement names an earlier node)."""
    position = nodes.index(output)
    dropped: set[str] = set()
    for node in nodes[position + 1 :]:
        if any(i == output.id or i in dropped for i in node.inputs):
            dropped.add(node.id)
    kept = [n for n in nodes if n.id not in dropped and n is not output]
    kept.append(output)
    return kept


def _unreachable_warnings(statements: list[Statement], made: list[Node], nodes: list[Node],
                          output: Node, span) -> list[ProgramWarning]:  # fmt: skip
    """Statements whose node the output does not depend on: their gradients are all 0."""
    by_id = {node.id: node for node in nodes}
    reached = {output.id}
    stack = [output]
    while stack:
        for input_id in stack.pop().inputs:
            if input_id not in reached:
                reached.add(input_id)
                stack.append(by_id[input_id])
    warnings = []
    for statement, node in zip(statements[:-1], made[:-1], strict=True):
        if node.id in reached or node.kind == "variable":  # unused variables: the analysis says so
            continue
        where = span(statement.loc)
        what = f"'{statement.target}'" if statement.target else "this statement"
        warnings.append(ProgramWarning(
            "unreachable_statement",
            f"line {where.line}, column {where.column}: {what} does not reach the output "
            f"'{output.label or 'out'}', so every gradient through it is 0",
            where.line, where.column, [statement.target] if statement.target else [],
        ))  # fmt: skip
    return warnings


def build(analysis: Analysis) -> Graph:
    """Make the graph of an analysed program and backpropagate from its last statement."""
    builder = _Builder(analysis)
    statements = analysis.program.statements
    made = [builder.statement(statement) for statement in statements]
    output = made[-1]
    nodes = _forward_order(builder.nodes, output)
    try:
        trace = trace_backward(output.scalar, 1.0, order=[n.scalar for n in nodes])
    except MathError as exc:
        node = builder.by_uid[exc.node.unique_id] if exc.node is not None else output
        span = node.span
        error = ProgramMathError(f"line {span.line}, column {span.column}: {exc}", span.line, span.column)
        error.partial = Partial(nodes, node, "backward")
        raise error from None
    gradients = trace.gradients
    for node in nodes:
        if node.kind != "constant":
            node.grad = gradients[node.scalar.unique_id]
    warnings = analysis.warnings + _unreachable_warnings(
        statements, made, nodes, output, analysis.program.source_map.span
    )
    warnings.sort(key=lambda w: (w.line, w.column))
    return Graph(nodes, output, builder.variables, trace, warnings, builder.by_uid)
