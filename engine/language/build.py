"""The build stage: an analysed program becomes a graph of the engine's Scalars, differentiated.

Input: an ``Analysis``. Output: a ``Graph`` — every node's kind, operation, label, source text, value
and gradient, in forward order; the variables by name; the traced backward pass; and the warnings of
both stages. Each node is one Scalar made by the engine's own operations, so the numbers are the
engine's.

The graph is kept as columns (one list per field, node ``i`` at index ``i`` of each), not as an
object per node: a program of 50,000 nodes is built, answered and freed within a second, and the
API's compact answer is these very lists. ``Graph.node(i)`` gives one node as an object for people,
tests and the DOT picture.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from itertools import accumulate, chain, compress
from operator import attrgetter, is_, itemgetter

from ..autodiff import trace_backward
from ..errors import MathError
from ..scalar import Scalar, apply_function
from ..scalar_functions import DerivedOperation, ScalarFunction
from .analysis import MAX_NODES, Analysis, ProgramWarning
from .errors import ProgramMathError, TooLargeError
from .syntax import CALL, MINUS, NAME, NUMBER, Program, SourceMap, Span, Statement
from .vocabulary import BINARY_OPERATORS, FUNCTIONS, NEGATE, NODES_MADE

VARIABLE, CONSTANT, OPERATION = "variable", "constant", "operation"

_unique_id = attrgetter("unique_id")
_data = attrgetter("data")
_step_node, _step_grad, _step_shares = itemgetter(0), itemgetter(1), itemgetter(2)  # a BackwardStep's
_share_local, _share_contribution = itemgetter(1), itemgetter(2)  # a Contribution's


@dataclass(slots=True, eq=False)
class Node:
    """One node of a program's graph, as the API's object answer shows it."""

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
class BackwardPass:
    """The traced backward pass, flat. Step ``k`` processes node ``nodes[k]``, whose gradient is then
    ``grads[k]``; it passes one share to each of that node's inputs, in order: the next
    ``input_counts[nodes[k]]`` entries of ``local_derivatives`` (∂node/∂input) and ``contributions``
    (grad × local, what the input's gradient receives)."""

    nodes: list[int]
    grads: list[float]
    local_derivatives: list[float | None]  # None with its contribution: a constant input, undefined
    contributions: list[float | None]


@dataclass(eq=False)
class Graph:
    """A program built and differentiated, as columns: node ``i`` (id ``n{i}``) is entry ``i`` of every
    per-node list, in forward order (inputs first, output last)."""

    types: list[tuple[str, str | None]]  # the legend of type codes: (kind, op)
    type_codes: list[int]  # each node's index into `types`
    labels: list[str | None]  # the variable's name, or the name assigned to the expression
    scalars: list[Scalar]
    grads: list[float | None]  # d output / d node; None for constants
    free: list[int]  # the free variables' nodes: used, never assigned
    inputs: list[int]  # every node's inputs one after another, in order, repeats kept
    input_counts: list[int]  # how many of `inputs` each node has
    starts: list[int]  # each node's text in the program, as offsets (end exclusive)
    ends: list[int]
    variables_at: dict[str, int]  # variable name -> node, in order of first appearance
    backward: BackwardPass
    warnings: list[ProgramWarning]
    source_map: SourceMap
    lines: list[int]  # every line a node's text is on (and perhaps a few more), ascending
    check: dict[str, CheckResult] | None = None

    @property
    def count(self) -> int:
        return len(self.scalars)

    @property
    def values(self) -> list[float]:
        return list(map(_data, self.scalars))

    @cached_property
    def free_set(self) -> frozenset[int]:
        return frozenset(self.free)

    @cached_property
    def input_offsets(self) -> list[int]:
        """Node ``i``'s inputs are ``inputs[input_offsets[i]:input_offsets[i + 1]]``."""
        return list(accumulate(self.input_counts, initial=0))

    def _node(self, i: int) -> Node:
        kind, op = self.types[self.type_codes[i]]
        offsets = self.input_offsets
        inputs = tuple(f"n{j}" for j in self.inputs[offsets[i] : offsets[i + 1]])
        span = self.source_map.span((self.starts[i], self.ends[i]))
        node = Node(f"n{i}", kind, op, self.labels[i], self.scalars[i], inputs, span, grad=self.grads[i])
        node.free = kind == VARIABLE and i in self.free_set
        return node

    @cached_property
    def nodes(self) -> list[Node]:
        """Every node as an object (made once, when first asked for: the API's answers never ask)."""
        return [self._node(i) for i in range(self.count)]

    def node(self, i: int) -> Node:
        """Node ``i`` as an object."""
        return self.nodes[i]

    @property
    def output(self) -> Node:
        return self.nodes[-1]

    @property
    def variables(self) -> dict[str, Node]:
        """name -> variable node, in order of first appearance."""
        return {name: self.nodes[i] for name, i in self.variables_at.items()}

    @property
    def gradients(self) -> dict[str, float]:
        """d output / d variable, by variable name."""
        return {name: self.grads[i] for name, i in self.variables_at.items()}


@dataclass(eq=False)
class _Columns:
    """The graph's columns while it is being built, in the order the nodes are made."""

    types: list[tuple[str, str | None]] = field(default_factory=list)
    type_codes: list[int] = field(default_factory=list)
    labels: list[str | None] = field(default_factory=list)
    scalars: list[Scalar] = field(default_factory=list)
    inputs: list[int] = field(default_factory=list)
    input_counts: list[int] = field(default_factory=list)
    starts: list[int] = field(default_factory=list)
    ends: list[int] = field(default_factory=list)
    free: list[int] = field(default_factory=list)

    def inputs_of(self, offsets: list[int], i: int) -> list[int]:
        return self.inputs[offsets[i] : offsets[i + 1]]


class _Builder:
    """Runs the program's code and makes one Scalar per node, remembering kinds, labels and text."""

    def __init__(self, analysis: Analysis):
        self.program = analysis.program
        self.values = analysis.values
        self.free = analysis.free
        self.source_map = analysis.program.source_map
        self.columns = _Columns()
        self.type_code: dict[str, int] = {}  # the op's name, or the kind for leaves -> code
        self.bindings: dict[str, int] = {}
        self.variables: dict[str, int] = {}

    def add(self, scalar: Scalar, kind: str, op: str | None, label: str | None, start: int, end: int,
            inputs: tuple[int, ...] = ()) -> int:  # fmt: skip
        columns = self.columns
        node = len(columns.scalars)
        if node >= MAX_NODES:  # analyze() counts first; this is the safety net
            raise TooLargeError(f"the program makes more than {MAX_NODES:,} nodes")
        code = self.type_code.get(op or kind)
        if code is None:
            code = self.type_code[op or kind] = len(columns.types)
            columns.types.append((kind, op))
        columns.type_codes.append(code)
        columns.labels.append(label)
        columns.scalars.append(scalar)
        columns.inputs.extend(inputs)
        columns.input_counts.append(len(inputs))
        columns.starts.append(start)
        columns.ends.append(end)
        return node

    def variable(self, name: str, start: int, end: int) -> int:
        node = self.add(Scalar(self.values[name], name=name), VARIABLE, None, name, start, end)
        if name in self.free:
            self.columns.free.append(node)
        self.variables[name] = node
        return node

    def apply(self, fn: type[ScalarFunction], start: int, end: int, inputs: tuple[int, ...]) -> int:
        try:
            scalar = apply_function(fn, tuple(map(self.columns.scalars.__getitem__, inputs)))
        except MathError as exc:
            line, column = self.source_map.position(start)
            error = ProgramMathError(f"line {line}, column {column}: {exc}", line, column)
            error.partial = self.forward_failure(fn, start, end, inputs)
            raise error from None
        return self.add(scalar, OPERATION, fn.name, None, start, end, inputs)

    def statement(self, statement: Statement) -> int:
        target = statement.target
        lone = self.program.lone(statement)
        if target is not None and lone == NUMBER:
            node = self.variable(target, *statement.loc)
        elif target is not None and lone == NAME:
            node = self.expression(statement.begin, statement.end)  # an alias: the same node, another name
        else:
            node = self.expression(statement.begin, statement.end)
            columns = self.columns
            if target is not None and columns.types[columns.type_codes[node]][0] == OPERATION:
                columns.labels[node] = target
                columns.scalars[node].name = target
        if target is not None:
            self.bindings[target] = node
        return node

    def expression(self, begin: int, end: int) -> int:
        """Run instructions ``begin..end-1`` of the program's postfix code on a stack of nodes; the
        node left on it is the expression's."""
        code = self.program.code
        kinds, arguments, starts, ends = code.kinds, code.arguments, code.starts, code.ends
        stack: list[int] = []
        push, pop = stack.append, stack.pop
        for i in range(begin, end):
            kind = kinds[i]
            if kind == NAME:
                push(self.name(arguments[i], starts[i], ends[i]))
            elif kind == NUMBER:
                push(self.add(Scalar.constant(arguments[i]), CONSTANT, None, None, starts[i], ends[i]))
            elif kind == CALL:
                function = FUNCTIONS[arguments[i]]
                operands = tuple(stack[-function.arity :])
                del stack[-function.arity :]
                push(self.apply(function.function, starts[i], ends[i], operands))
            elif kind == MINUS:
                push(self.apply(NEGATE, starts[i], ends[i], (pop(),)))
            else:
                right = pop()
                push(self.binary(kind, arguments[i], starts[i], ends[i], pop(), right))
        return pop()

    def name(self, name: str, start: int, end: int) -> int:
        bound = self.bindings.get(name)
        if bound is not None:
            return bound
        # First use of a name never assigned: a free variable, valued from `values` or the default.
        node = self.variable(name, start, end)
        self.bindings[name] = node
        return node

    def binary(self, op: str, op_start: int, start: int, end: int, left: int, right: int) -> int:
        operator = BINARY_OPERATORS[op]
        if not isinstance(operator, DerivedOperation):
            return self.apply(operator, start, end, (left, right))
        # A derived operator is built from its one declaration (a - b = a + (-b)). Its last node is
        # its result and spans the whole expression; the ones before it (the neg of `a - b`) span
        # the text from the operator on.
        total, made = NODES_MADE[op], 0

        def apply(fn: type[ScalarFunction], *inputs: int) -> int:
            nonlocal made
            made += 1
            return self.apply(fn, start if made == total else op_start, end, inputs)

        return operator.build(apply, left, right)

    def forward_failure(self, fn: type[ScalarFunction], start: int, end: int,
                        inputs: tuple[int, ...]) -> Partial:  # fmt: skip
        """The nodes made so far and the operation that failed, which has no value."""
        graph = _graph(self.columns, self.variables, [None] * len(self.columns.scalars), None, [],
                       self.program)  # fmt: skip
        span = self.source_map.span((start, end))
        failed = Node(f"n{graph.count}", OPERATION, fn.name, None, None, tuple(f"n{i}" for i in inputs), span)
        return Partial([*graph.nodes, failed], failed, "forward")


def _graph(columns: _Columns, variables: dict[str, int], grads: list, backward: BackwardPass | None,
           warnings: list[ProgramWarning], program: Program) -> Graph:  # fmt: skip
    # Each node's text is within its statement's: the statements' lines are all the nodes' lines.
    lines = program.source_map.lines(statement.loc for statement in program.statements)
    return Graph(columns.types, columns.type_codes, columns.labels, columns.scalars, grads, columns.free,
                 columns.inputs, columns.input_counts, columns.starts, columns.ends, variables, backward,
                 warnings, program.source_map, lines)  # fmt: skip


def _forward_order(columns: _Columns, output: int) -> list[int] | None:
    """Every node once, inputs first, output last: creation order without the output's own
    descendants (possible only when the last statement names an earlier node). None when that is
    creation order itself: the output was made last."""
    count = len(columns.scalars)
    if output == count - 1:
        return None
    offsets = list(accumulate(columns.input_counts, initial=0))
    dropped = {output}
    for node in range(output + 1, count):
        if not dropped.isdisjoint(columns.inputs_of(offsets, node)):
            dropped.add(node)
    return [node for node in range(count) if node not in dropped] + [output]


def _reorder(columns: _Columns, order: list[int], variables: dict[str, int]) -> tuple[_Columns, dict]:
    """The columns with the nodes in ``order`` (which keeps every input of a node it keeps)."""
    position = {node: i for i, node in enumerate(order)}
    offsets = list(accumulate(columns.input_counts, initial=0))
    used = sorted({columns.type_codes[node] for node in order})  # the legend loses the dropped nodes'
    code = {old: new for new, old in enumerate(used)}
    reordered = _Columns(types=[columns.types[old] for old in used])
    for node in order:
        reordered.type_codes.append(code[columns.type_codes[node]])
        reordered.labels.append(columns.labels[node])
        reordered.scalars.append(columns.scalars[node])
        reordered.inputs.extend(position[i] for i in columns.inputs_of(offsets, node))
        reordered.input_counts.append(columns.input_counts[node])
        reordered.starts.append(columns.starts[node])
        reordered.ends.append(columns.ends[node])
    reordered.free = sorted(position[node] for node in columns.free)
    return reordered, {name: position[node] for name, node in variables.items()}


def _unreachable_warnings(program: Program, made: list[int], columns: _Columns,
                          output: int) -> list[ProgramWarning]:  # fmt: skip
    """Statements whose node the output does not depend on: their gradients are all 0."""
    count = len(columns.scalars)
    used = set(columns.inputs)
    if output == count - 1 and len(used) == count - 1:
        # Every node but the output is an input of a later one: following its users from any node
        # ends at the only node nobody uses, the output. Everything reaches it.
        return []
    offsets = list(accumulate(columns.input_counts, initial=0))
    reached = [False] * count
    reached[output] = True
    for node in range(output, -1, -1):  # inputs are made before the nodes that use them
        if reached[node]:
            for i in columns.inputs_of(offsets, node):
                reached[i] = True
    warnings = []
    output_label = columns.labels[output]
    for statement, node in zip(program.statements[:-1], made[:-1], strict=True):
        if reached[node] or columns.types[columns.type_codes[node]][0] == VARIABLE:
            continue  # unused variables: the analysis says so
        where = program.source_map.span(statement.loc)
        what = f"'{statement.target}'" if statement.target else "this statement"
        warnings.append(ProgramWarning(
            "unreachable_statement",
            f"line {where.line}, column {where.column}: {what} does not reach the output "
            f"'{output_label or 'out'}', so every gradient through it is 0",
            where.line, where.column, [statement.target] if statement.target else [],
        ))  # fmt: skip
    return warnings


def _flat_backward(graph: Graph, trace) -> BackwardPass:
    """The engine's Trace as flat lists of numbers and node indices (and then the Trace is dropped).

    Every pass here is a map over a whole column, in C: no tuple or iterator per step or per share,
    which at 50,000 nodes would also wake the cycle collector over the whole graph again and again.
    """
    steps = trace.steps
    counts = graph.input_counts
    # The engine walks the forward order from the output back and makes a step for each operation,
    # i.e. for each node with inputs: so this is the steps' order. Checked, not assumed.
    nodes = list(compress(range(graph.count - 1, -1, -1), reversed(counts)))
    made = map(graph.scalars.__getitem__, nodes)
    if len(nodes) != len(steps) or not all(map(is_, map(_step_node, steps), made)):
        position = dict(zip(map(_unique_id, graph.scalars), range(graph.count), strict=True))
        nodes = [position[step.node.unique_id] for step in steps]
    shares = list(map(_step_shares, steps))
    if list(map(len, shares)) != list(map(counts.__getitem__, nodes)):
        raise RuntimeError("the engine's trace has a step whose shares do not match its node's inputs")
    flat = list(chain.from_iterable(shares))
    return BackwardPass(nodes, list(map(_step_grad, steps)), list(map(_share_local, flat)),
                        list(map(_share_contribution, flat)))  # fmt: skip


def build(analysis: Analysis) -> Graph:
    """Make the graph of an analysed program and backpropagate from its last statement."""
    builder = _Builder(analysis)
    program = analysis.program
    made = [builder.statement(statement) for statement in program.statements]
    output = made[-1]
    columns, variables = builder.columns, builder.variables
    warnings = analysis.warnings + _unreachable_warnings(program, made, columns, output)
    warnings.sort(key=lambda w: (w.line, w.column))
    order = _forward_order(columns, output)
    if order is not None:
        columns, variables = _reorder(columns, order, variables)
    graph = _graph(columns, variables, [None] * len(columns.scalars), None, warnings, program)
    scalars = graph.scalars
    try:
        trace = trace_backward(scalars[-1], 1.0, order=scalars)
    except MathError as exc:
        failed = next((i for i, s in enumerate(scalars) if s is exc.node), graph.count - 1)
        line, column = program.source_map.position(graph.starts[failed])
        error = ProgramMathError(f"line {line}, column {column}: {exc}", line, column)
        error.partial = Partial(graph.nodes, graph.node(failed), "backward")
        raise error from None
    graph.grads = list(map(trace.gradients.get, map(_unique_id, scalars)))
    graph.backward = _flat_backward(graph, trace)
    return graph
