"""The build stage: an analysed program becomes a graph, computed and differentiated by the engine.

Input: an ``Analysis``. Output: a ``Graph`` — every node's kind, operation, label, source text, value
and gradient, in forward order; the variables by name; the traced backward pass; and the warnings of
both stages.

The graph is kept as columns (one list per field, node ``i`` at index ``i`` of each), not as an
object per node: a program of 50,000 nodes is built, answered and freed well within a second, and
the API's compact answer is these very lists. The numbers are the engine's, to the last bit: each
value comes from the operation's own checked value rule (``scalar.value_function``, what a Scalar's
data is made with), the backward pass from ``autodiff.trace_columns`` (what ``trace_backward`` and
``backward()`` compute on Scalars). ``Graph.scalars`` gives the same graph as engine Scalars and
``Graph.node(i)`` one node as an object, for people, tests and the DOT picture, when asked.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from itertools import accumulate

from ..autodiff import trace_columns
from ..errors import MathError
from ..scalar import Scalar, scalars_of_columns, value_function
from ..scalar_functions import BUILTINS, DerivedOperation, ScalarFunction
from .analysis import MAX_NODES, Analysis, ProgramWarning
from .errors import ProgramMathError, TooLargeError
from .syntax import CALL, MINUS, NAME, NUMBER, Program, SourceMap, Span
from .vocabulary import BINARY_OPERATORS, DERIVED_STEPS, FUNCTIONS, NEGATE

VARIABLE, CONSTANT, OPERATION = "variable", "constant", "operation"

#: The engine's operation for each operation name a node type has.
_OPERATIONS: dict[str, type[ScalarFunction]] = {op.name: op for op in BUILTINS}
#: Each operation's value rule on floats, checked as the engine checks a Scalar's (a MathError).
_VALUE_OF = {op: value_function(op) for op in BUILTINS}


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
    values: list[float]
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
        return len(self.values)

    @property
    def functions(self) -> list[type[ScalarFunction] | None]:
        """The engine's operation that made each node (None for a variable or a constant)."""
        table = [_OPERATIONS.get(op) for kind, op in self.types]
        return list(map(table.__getitem__, self.type_codes))

    @property
    def constant(self) -> list[bool]:
        """True for each constant node: it never gets a gradient."""
        table = [kind == CONSTANT for kind, op in self.types]
        return list(map(table.__getitem__, self.type_codes))

    def reaching_output(self) -> list[bool]:
        """For each node, whether the output depends on it."""
        return _reaching(self.inputs, self.input_counts, self.count - 1)

    @cached_property
    def scalars(self) -> list[Scalar]:
        """The same graph as engine Scalars, with the same values, names and gradients (made when
        first asked for: the API's answers never ask)."""
        return scalars_of_columns(self.functions, self.values, self.inputs, self.input_counts, self.constant,
                                  self.labels, self.grads)  # fmt: skip

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
    values: list[float] = field(default_factory=list)
    inputs: list[int] = field(default_factory=list)
    input_counts: list[int] = field(default_factory=list)
    starts: list[int] = field(default_factory=list)
    ends: list[int] = field(default_factory=list)
    free: list[int] = field(default_factory=list)

    def inputs_of(self, offsets: list[int], i: int) -> list[int]:
        return self.inputs[offsets[i] : offsets[i + 1]]


class _Builder:
    """Runs the program's code and makes one node per value, remembering kinds, labels and text."""

    def __init__(self, analysis: Analysis):
        self.program = analysis.program
        self.values = analysis.values
        self.free = analysis.free
        self.source_map = analysis.program.source_map
        self.columns = _Columns()
        self.type_code: dict[str, int] = {}  # the op's name, or the kind for leaves -> code
        self.bindings: dict[str, int] = {}
        self.variables: dict[str, int] = {}

    def code_of(self, kind: str, op: str | None) -> int:
        """The node type's code, a new one the first time it is met."""
        code = self.type_code.get(op or kind)
        if code is None:
            code = self.type_code[op or kind] = len(self.columns.types)
            self.columns.types.append((kind, op))
        return code

    def variable(self, name: str, start: int, end: int) -> int:
        """A variable's node."""
        columns = self.columns
        node = len(columns.values)
        if node >= MAX_NODES:
            raise TooLargeError(f"the program makes more than {MAX_NODES:,} nodes")
        code = self.type_code.get(VARIABLE)
        columns.type_codes.append(self.code_of(VARIABLE, None) if code is None else code)
        columns.labels.append(name)
        columns.values.append(float(self.values[name]))
        columns.input_counts.append(0)
        columns.starts.append(start)
        columns.ends.append(end)
        if name in self.free:
            columns.free.append(node)
        self.variables[name] = node
        return node

    def apply(self, fn: type[ScalarFunction], start: int, end: int, inputs: tuple[int, ...]) -> int:
        """An operation's node: ``fn`` of the nodes ``inputs``."""
        columns = self.columns
        node = len(columns.values)
        if node >= MAX_NODES:
            raise TooLargeError(f"the program makes more than {MAX_NODES:,} nodes")
        try:
            value = _VALUE_OF[fn](*map(columns.values.__getitem__, inputs))
        except MathError as exc:
            raise self.forward_error(exc, fn, start, end, inputs) from None
        columns.values.append(value)
        columns.type_codes.append(self.code_of(OPERATION, fn.name))
        columns.labels.append(None)
        columns.inputs.extend(inputs)
        columns.input_counts.append(len(inputs))
        columns.starts.append(start)
        columns.ends.append(end)
        return node

    def forward_error(self, exc: MathError, fn: type[ScalarFunction], start: int, end: int,
                      inputs: tuple[int, ...]) -> ProgramMathError:  # fmt: skip
        """The error for an operation whose value is not a finite number, with the graph so far."""
        line, column = self.source_map.position(start)
        error = ProgramMathError(f"line {line}, column {column}: {exc}", line, column)
        error.partial = self.forward_failure(fn, start, end, inputs)
        return error

    def run(self) -> list[int]:
        """Run the program's statements, each one's postfix code on a stack of nodes; return the
        node each statement leaves (its value). A declaration (``a = 2``) is a variable's node; an
        assignment of a lone name (``b = a``) names the same node again; any other assignment
        labels the operation its expression ends with."""
        program = self.program
        code = program.code
        kinds, arguments, starts, ends = code.kinds, code.arguments, code.starts, code.ends
        columns = self.columns
        values, labels, bindings = columns.values, columns.labels, self.bindings
        add_value, add_input, add_label = values.append, columns.inputs.append, labels.append
        add_type, add_count = columns.type_codes.append, columns.input_counts.append
        add_start, add_end = columns.starts.append, columns.ends.append
        # An instruction's operation, its number of inputs and its node type's code, by the
        # instruction's kind (a call's: the function's name), found once; None for a derived operator.
        operations: dict[str, tuple[type[ScalarFunction], int, int] | None] = {}
        constant_code = self.type_code.get(CONSTANT)
        made = []
        stack: list[int] = []
        push, pop = stack.append, stack.pop
        for statement in program.statements:
            target, begin = statement.target, statement.begin
            lone = kinds[begin] if statement.end - begin == 1 else None
            if target is not None and lone == NUMBER:
                node = self.variable(target, *statement.loc)
                bindings[target] = node
                made.append(node)
                continue
            # The rest of this loop runs once per instruction of a program of up to 50,000 nodes:
            # nodes are made here, not in `variable` and `apply` (which the rarer cases use).
            for i in range(begin, statement.end):
                kind = kinds[i]
                if kind == NAME:
                    node = bindings.get(arguments[i])
                    if node is None:  # first use of a name never assigned: a free variable
                        node = bindings[arguments[i]] = self.variable(arguments[i], starts[i], ends[i])
                    push(node)
                    continue
                node = len(values)
                if node >= MAX_NODES:  # analyze() counts first; this is the safety net
                    raise TooLargeError(f"the program makes more than {MAX_NODES:,} nodes")
                if kind == NUMBER:
                    if constant_code is None:  # codes are given in order of first appearance
                        constant_code = self.code_of(CONSTANT, None)
                    add_value(float(arguments[i]))
                    add_type(constant_code)
                    add_count(0)
                    add_label(None)
                    add_start(starts[i])
                    add_end(ends[i])
                    push(node)
                    continue
                key = arguments[i] if kind == CALL else kind
                try:
                    operation = operations[key]
                except KeyError:
                    operation = operations[key] = self.operation_of(kind, key)
                if operation is None:  # a derived operator: a few operations
                    right = pop()
                    push(self.derived(kind, arguments[i], starts[i], ends[i], pop(), right))
                    continue
                # One operation node: its operands are on top of the stack; it takes their place.
                op, arity, type_code = operation
                try:
                    if arity == 2:
                        b = pop()
                        a = stack[-1]
                        value = _VALUE_OF[op](values[a], values[b])
                        add_input(a)
                        add_input(b)
                    else:
                        a = stack[-1]  # (a call has one argument or two)
                        value = _VALUE_OF[op](values[a])
                        add_input(a)
                except MathError as exc:
                    operands = (a, b) if arity == 2 else (a,)
                    raise self.forward_error(exc, op, starts[i], ends[i], operands) from None
                stack[-1] = node
                add_value(value)
                add_type(type_code)
                add_count(arity)
                add_label(None)
                add_start(starts[i])
                add_end(ends[i])
            node = pop()
            if target is not None:
                if lone != NAME and columns.types[columns.type_codes[node]][0] == OPERATION:
                    labels[node] = target
                bindings[target] = node
            made.append(node)
        return made

    def operation_of(self, kind: str, key: str) -> tuple[type[ScalarFunction], int, int] | None:
        """The operation an instruction applies, its number of inputs and its node type's code (given
        now, when its first node is made); None for a derived operator."""
        if kind == CALL:
            function = FUNCTIONS[key]
            op, arity = function.function, function.arity
        elif kind == MINUS:
            op, arity = NEGATE, 1
        else:
            op, arity = BINARY_OPERATORS[kind], 2
            if op.__class__ is DerivedOperation:
                return None
        return op, arity, self.code_of(OPERATION, op.name)

    def derived(self, op: str, op_start: int, start: int, end: int, left: int, right: int) -> int:
        """A derived operator's nodes, built from its one declaration (a > b = b < a). Its last node
        is its result and spans the whole expression; any before it span the text from the operator on."""
        steps = DERIVED_STEPS[op]
        made = [left, right]
        last = len(steps) - 1
        for k, (fn, operands) in enumerate(steps):
            made.append(
                self.apply(fn, start if k == last else op_start, end, tuple(map(made.__getitem__, operands)))
            )
        return made[-1]

    def forward_failure(self, fn: type[ScalarFunction], start: int, end: int,
                        inputs: tuple[int, ...]) -> Partial:  # fmt: skip
        """The nodes made so far and the operation that failed, which has no value."""
        graph = _graph(self.columns, self.variables, [None] * len(self.columns.values), None, [],
                       self.program)  # fmt: skip
        span = self.source_map.span((start, end))
        failed = Node(f"n{graph.count}", OPERATION, fn.name, None, None, tuple(f"n{i}" for i in inputs), span)
        return Partial([*graph.nodes, failed], failed, "forward")


def _graph(columns: _Columns, variables: dict[str, int], grads: list, backward: BackwardPass | None,
           warnings: list[ProgramWarning], program: Program) -> Graph:  # fmt: skip
    # Each node's text is within its statement's, on one line: the statements' lines are the nodes'.
    lines = program.lines
    return Graph(columns.types, columns.type_codes, columns.labels, columns.values, grads, columns.free,
                 columns.inputs, columns.input_counts, columns.starts, columns.ends, variables, backward,
                 warnings, program.source_map, lines)  # fmt: skip


def _forward_order(columns: _Columns, output: int) -> list[int] | None:
    """Every node once, inputs first, output last: creation order without the output's own
    descendants (possible only when the last statement names an earlier node). None when that is
    creation order itself: the output was made last."""
    count = len(columns.values)
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
        reordered.values.append(columns.values[node])
        reordered.inputs.extend(position[i] for i in columns.inputs_of(offsets, node))
        reordered.input_counts.append(columns.input_counts[node])
        reordered.starts.append(columns.starts[node])
        reordered.ends.append(columns.ends[node])
    reordered.free = sorted(position[node] for node in columns.free)
    return reordered, {name: position[node] for name, node in variables.items()}


def _reaching(inputs: list[int], input_counts: list[int], output: int) -> list[bool]:
    """For each node, whether ``output`` depends on it (the output itself included)."""
    offsets = list(accumulate(input_counts, initial=0))
    reached = [False] * len(input_counts)
    reached[output] = True
    for node in range(output, -1, -1):  # inputs are made before the nodes that use them
        if reached[node]:
            for i in inputs[offsets[node] : offsets[node + 1]]:
                reached[i] = True
    return reached


def _unreachable_warnings(program: Program, made: list[int], columns: _Columns,
                          output: int) -> list[ProgramWarning]:  # fmt: skip
    """Statements whose node the output does not depend on: their gradients are all 0."""
    count = len(columns.values)
    used = set(columns.inputs)
    if output == count - 1 and len(used) == count - 1:
        # Every node but the output is an input of a later one: following its users from any node
        # ends at the only node nobody uses, the output. Everything reaches it.
        return []
    reached = _reaching(columns.inputs, columns.input_counts, output)
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


def build(analysis: Analysis) -> Graph:
    """Make the graph of an analysed program and backpropagate from its last statement."""
    builder = _Builder(analysis)
    program = analysis.program
    made = builder.run()
    output = made[-1]
    columns, variables = builder.columns, builder.variables
    warnings = analysis.warnings + _unreachable_warnings(program, made, columns, output)
    warnings.sort(key=lambda w: (w.line, w.column))
    order = _forward_order(columns, output)
    if order is not None:
        columns, variables = _reorder(columns, order, variables)
    graph = _graph(columns, variables, [None] * len(columns.values), None, warnings, program)
    try:
        trace = trace_columns(graph.functions, graph.values, graph.inputs, graph.input_counts, graph.constant,
                              names=graph.labels)  # fmt: skip
    except MathError as exc:
        failed = exc.node  # its position
        line, column = program.source_map.position(graph.starts[failed])
        error = ProgramMathError(f"line {line}, column {column}: {exc}", line, column)
        error.partial = Partial(graph.nodes, graph.node(failed), "backward")
        raise error from None
    graph.grads = trace.gradients
    graph.backward = BackwardPass(trace.nodes, trace.grads, trace.local_derivatives, trace.contributions)
    return graph
