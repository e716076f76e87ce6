"""Programs of the expression language, built into Scalar graphs and differentiated with a trace.

``evaluate(source, values)`` is the whole pipeline the API serves: parse, build the graph on the
engine's own Scalars, run the traced backward pass, and optionally check every gradient against
central differences of the whole program.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field

from .autodiff import Trace, trace_backward
from .errors import MathError
from .language import (
    Binary,
    Call,
    Name,
    Number,
    ParseError,
    ProgramError,
    ProgramMathError,
    SourceMap,
    Span,
    Statement,
    TooLargeError,
    Unary,
    UnboundVariableError,
    UnknownVariableError,
    parse,
)
from .scalar import Context, Scalar
from .scalar_functions import EQ, LT, UNARY_FUNCTIONS, Add, Inv, Mul, Neg, Pow, ScalarFunction, apply_function

MAX_NODES = 50_000
MAX_VALUES = 10_000
#: The numeric check re-runs the forward pass twice per variable: bound that work.
MAX_CHECK_EVALUATIONS = 1_000_000
CHECK_REL_TOL = 1e-4
CHECK_ABS_TOL = 1e-6

_BINARY_FUNCTIONS = {"+": Add, "*": Mul, "**": Pow, "<": LT, "==": EQ}


@dataclass(slots=True, eq=False)
class Node:
    """One node of a program's graph, as the API and the page see it."""

    id: str
    kind: str  # variable | constant | operation
    op: str | None
    label: str | None
    scalar: Scalar
    inputs: tuple[str, ...]
    span: Span | None

    @property
    def value(self) -> float:
        return self.scalar.data


@dataclass(slots=True)
class CheckResult:
    analytic: float
    numeric: float | None
    ok: bool


@dataclass(slots=True)
class GraphResult:
    """Everything the API returns for one program: nodes, output, gradients, trace, check."""

    nodes: list[Node]
    output: Node
    variables: dict[str, Node]  # name -> variable node, in order of first appearance
    trace: Trace
    grads: dict[str, float | None]  # node id -> gradient (None for constants)
    check: dict[str, CheckResult] | None = None
    by_uid: dict[int, Node] = field(default_factory=dict)

    @property
    def gradients(self) -> dict[str, float]:
        return {name: self.grads[node.id] for name, node in self.variables.items()}


def _walk(expr) -> tuple[list[Name], int]:
    """The Name uses in an expression, left to right, and how many nodes the rest will make;
    without recursion."""
    found, stack, nodes = [], [expr], 0
    while stack:
        node = stack.pop()
        if isinstance(node, Name):
            found.append(node)
            continue
        nodes += 1
        if isinstance(node, Binary):
            stack.extend((node.right, node.left))
            if node.op in ("-", "/"):
                nodes += 1  # a - b and a / b make two nodes: neg or inv, then add or mul
        elif isinstance(node, Unary):
            stack.append(node.operand)
        elif isinstance(node, Call):
            stack.append(node.argument)
    return found, nodes


@dataclass(slots=True)
class _Analysis:
    declared: dict[str, Span]  # name = <number>
    free: dict[str, Span]  # used before (or without) any assignment: first use


def analyze(statements: list[Statement], source_map: SourceMap) -> _Analysis:
    """Which names are variables (declared or free); reject a variable made twice."""
    declared: dict[str, Span] = {}
    free: dict[str, Span] = {}
    bound: set[str] = set()
    nodes = 0
    for statement in statements:
        uses, made = _walk(statement.expr)
        nodes += made
        for use in uses:
            if use.name not in bound and use.name not in free:
                free[use.name] = source_map.span(use.loc)
                nodes += 1
        if nodes > MAX_NODES:
            span = source_map.span(statement.loc)
            raise TooLargeError(
                f"line {span.line}: the program makes more than {MAX_NODES:,} nodes",
                span.line,
                span.column,
            )
        target = statement.target
        if target is None:
            continue
        if isinstance(statement.expr, Number):
            span = statement.target_token
            earlier = declared.get(target) or free.get(target)
            if earlier is not None:
                how = "declared" if target in declared else "used"
                raise ParseError(
                    span.line,
                    span.column,
                    f"{target!r} is already a variable ({how} on line {earlier.line}); "
                    "give this one another name",
                )
            declared[target] = source_map.span(statement.loc)
        bound.add(target)
    return _Analysis(declared, free)


def check_values(analysis: _Analysis, values: Mapping[str, float]) -> None:
    """Every key must name a variable, every free variable must have a value, all finite."""
    if len(values) > MAX_VALUES:
        raise ProgramError(f"'values' has {len(values):,} names; the limit is {MAX_VALUES:,}")
    unknown = [name for name in values if name not in analysis.declared and name not in analysis.free]
    if unknown:
        shown = ", ".join(repr(n) for n in unknown[:10])
        raise UnknownVariableError(
            f"'values' names {shown}, which the program never uses as a variable",
            names=unknown,
        )
    for name, value in values.items():
        if not isinstance(value, int | float) or isinstance(value, bool) or not math.isfinite(value):
            raise ProgramError(f"the value of {name!r} must be a finite number", names=[name])
    missing = [name for name in analysis.free if name not in values]
    if missing:
        first = analysis.free[missing[0]]
        shown = ", ".join(repr(n) for n in missing[:10])
        raise UnboundVariableError(
            f"line {first.line}, column {first.column}: {shown} "
            f"{'has' if len(missing) == 1 else 'have'} no value: assign "
            f"{'it' if len(missing) == 1 else 'them'} (e.g. {missing[0]} = 1.0) or send "
            f"{'it' if len(missing) == 1 else 'them'} in 'values'",
            first.line,
            first.column,
            missing,
        )


class _Builder:
    """Walks the statements and makes one Scalar per node, remembering ids, labels and spans."""

    def __init__(self, values: Mapping[str, float], source_map: SourceMap):
        self.values = values
        self.span = source_map.span
        self.nodes: list[Node] = []
        self.by_uid: dict[int, Node] = {}
        self.bindings: dict[str, Node] = {}
        self.variables: dict[str, Node] = {}

    def add(self, scalar: Scalar, kind: str, op: str | None, label: str | None, span: Span | None,
            inputs: tuple[str, ...] = ()) -> Node:  # fmt: skip
        if len(self.nodes) >= MAX_NODES:  # analyze() counts first; this is the safety net
            raise TooLargeError(f"the program makes more than {MAX_NODES:,} nodes")
        node = Node(f"n{len(self.nodes)}", kind, op, label, scalar, inputs, span)
        self.nodes.append(node)
        self.by_uid[scalar.unique_id] = node
        return node

    def variable(self, name: str, value: float, span: Span) -> Node:
        node = self.add(Scalar(value, name=name), "variable", None, name, span)
        self.variables[name] = node
        return node

    def apply(self, fn: type[ScalarFunction], span: Span, *inputs: Node) -> Node:
        try:
            if len(inputs) == 2:
                scalar = apply_function(fn, (inputs[0].scalar, inputs[1].scalar))
                ids = (inputs[0].id, inputs[1].id)
            else:
                scalar = apply_function(fn, (inputs[0].scalar,))
                ids = (inputs[0].id,)
        except MathError as exc:
            raise ProgramMathError(
                f"line {span.line}, column {span.column}: {exc}", span.line, span.column
            ) from None
        return self.add(scalar, "operation", fn.name, None, span, ids)

    def statement(self, statement: Statement) -> Node:
        expr, target = statement.expr, statement.target
        if target is not None and isinstance(expr, Number):
            value = float(self.values.get(target, expr.value))
            node = self.variable(target, value, self.span(statement.loc))
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
                    stack.append((expr.argument, False))
                else:
                    raise TypeError(f"unknown syntax node {expr!r}")
            elif kind is Binary:
                right = results.pop()
                left = results.pop()
                results.append(self.binary(expr, left, right))
            elif kind is Unary:
                results.append(self.apply(Neg, self.span(expr.loc), results.pop()))
            else:
                function = UNARY_FUNCTIONS[expr.function]
                results.append(self.apply(function, self.span(expr.loc), results.pop()))
        return results.pop()

    def name(self, expr: Name) -> Node:
        bound = self.bindings.get(expr.name)
        if bound is not None:
            return bound
        # First use of a name never assigned: a free variable, valued from `values`.
        node = self.variable(expr.name, float(self.values[expr.name]), self.span(expr.loc))
        self.bindings[expr.name] = node
        return node

    def binary(self, expr: Binary, left: Node, right: Node) -> Node:
        span = self.span(expr.loc)
        if expr.op == "-":  # a - b = a + (-b); the neg node is the text from '-' on
            negated = self.apply(Neg, self.span((expr.op_start, expr.loc[1])), right)
            return self.apply(Add, span, left, negated)
        if expr.op == "/":  # a / b = a * (1/b); the inv node is the text from '/' on
            inverted = self.apply(Inv, self.span((expr.op_start, expr.loc[1])), right)
            return self.apply(Mul, span, left, inverted)
        if expr.op == ">":  # a > b = b < a
            return self.apply(LT, span, right, left)
        return self.apply(_BINARY_FUNCTIONS[expr.op], span, left, right)


def _graph_order(nodes: list[Node], output: Node) -> list[Node]:
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


def evaluate(source: str, values: Mapping[str, float] | None = None, check: bool = False) -> GraphResult:
    """Parse ``source``, build its graph with ``values``, backpropagate from the last statement.

    Raises a ``ProgramError`` subclass (parse_error, reserved_name, unbound_variable,
    unknown_variable, math_error, too_large) for anything wrong with the program or its values.
    """
    values = dict(values or {})
    statements = parse(source)
    source_map = SourceMap(source)
    analysis = analyze(statements, source_map)
    check_values(analysis, values)
    builder = _Builder(values, source_map)
    output = None
    for statement in statements:
        output = builder.statement(statement)
    nodes = _graph_order(builder.nodes, output)
    try:
        trace = trace_backward(output.scalar, 1.0, order=[n.scalar for n in nodes])
    except MathError as exc:
        node = builder.by_uid[exc.node.unique_id] if exc.node is not None else output
        span = node.span
        raise ProgramMathError(
            f"line {span.line}, column {span.column}: {exc}", span.line, span.column
        ) from None
    grads = {n.id: (None if n.kind == "constant" else trace.gradients[n.scalar.unique_id]) for n in nodes}
    result = GraphResult(nodes, output, builder.variables, trace, grads, None, builder.by_uid)
    if check:
        result.check = numeric_check(result)
    return result


def numeric_check(result: GraphResult) -> dict[str, CheckResult]:
    """Central differences of the whole program, one variable at a time, against the trace.

    The forward pass is replayed on floats with the very same ``forward`` functions, so the
    numeric answer differs from the analytic one only by the finite difference itself.
    """
    from .autodiff import topological_sort

    ancestors = topological_sort(result.output.scalar, include_constants=True)[::-1]
    index = {s.unique_id: i for i, s in enumerate(ancestors)}
    tape = [(s.last_fn, tuple(index[p.unique_id] for p in s.inputs)) for s in ancestors]
    base = [s.data for s in ancestors]
    reachable = [(name, node) for name, node in result.variables.items() if node.scalar.unique_id in index]
    if 2 * len(reachable) * len(tape) > MAX_CHECK_EVALUATIONS:
        raise TooLargeError(
            f"the numeric check would replay {len(tape):,} nodes for {len(reachable):,} variables; "
            f"the limit is {MAX_CHECK_EVALUATIONS:,} node evaluations: turn the check off"
        )

    ctx = Context(no_grad=True)  # saves nothing, so one serves every replayed node

    def replay(slot: int, value: float) -> float | None:
        data = base.copy()
        data[slot] = value
        try:
            for i, (fn, inputs) in enumerate(tape):
                if fn is not None:
                    data[i] = float(fn.forward(ctx, *[data[j] for j in inputs]))
        except (ArithmeticError, ValueError):
            return None
        out = data[-1]
        return out if math.isfinite(out) else None

    scale = max(1.0, abs(result.output.value))
    checks = {}
    for name, node in result.variables.items():
        analytic = result.grads[node.id]
        if node.scalar.unique_id not in index:
            checks[name] = CheckResult(analytic, 0.0, analytic == 0.0)
            continue
        x = node.value
        h = 1e-6 * max(1.0, abs(x))
        slot = index[node.scalar.unique_id]
        up, down = replay(slot, x + h), replay(slot, x - h)
        numeric = None if up is None or down is None else (up - down) / ((x + h) - (x - h))
        if numeric is not None and not math.isfinite(numeric):
            numeric = None
        ok = numeric is not None and math.isclose(
            analytic, numeric, rel_tol=CHECK_REL_TOL, abs_tol=CHECK_ABS_TOL * scale
        )
        checks[name] = CheckResult(analytic, numeric, ok)
    return checks
