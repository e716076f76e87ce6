"""The build stage: an analysed program becomes a graph, computed and differentiated by the engine.

Input: an ``Analysis``. Output: a ``Graph`` (``graph.py``) — every node's kind, operation, label,
source text, value and gradient, in forward order, as columns; the variables by name; the recorded
backward pass; and the warnings of both stages. A math error on the way carries a ``Partial``: the
graph as far as it was built and, after a backward failure, the steps that succeeded before it.

The numbers are the engine's, to the last bit: each value comes from the operation's own checked
value rule (``scalar.value_function``, what a Scalar's data is made with), the backward pass from
``trace.trace_columns`` (what ``trace_backward`` and ``backward()`` compute on Scalars).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from itertools import accumulate

from ..errors import MathError
from ..scalar import value_function
from ..scalar_functions import BUILTINS, DerivedOperation, ScalarFunction
from ..trace import FlatTrace, trace_columns
from .analysis import MAX_NODES, Analysis, ProgramWarning
from .errors import ProgramMathError, TooLargeError
from .graph import CONSTANT, OPERATION, VARIABLE, Graph, Node, Partial, reaching
from .syntax import CALL, MINUS, NAME, NUMBER, Program
from .vocabulary import BINARY_OPERATORS, DERIVED_STEPS, FUNCTIONS, NEGATE

#: Each operation's value rule on floats, checked as the engine checks a Scalar's (a MathError).
_VALUE_OF = {op: value_function(op) for op in BUILTINS}


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


def _graph(columns: _Columns, variables: dict[str, int], grads: list, backward: FlatTrace | None,
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


def _unreachable_warnings(program: Program, made: list[int], columns: _Columns,
                          output: int) -> list[ProgramWarning]:  # fmt: skip
    """Statements whose node the output does not depend on: their gradients are all 0."""
    count = len(columns.values)
    used = set(columns.inputs)
    if output == count - 1 and len(used) == count - 1:
        # Every node but the output is an input of a later one: following its users from any node
        # ends at the only node nobody uses, the output. Everything reaches it.
        return []
    reached = reaching(columns.inputs, columns.input_counts, output)
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
        error.partial = Partial(graph.nodes, graph.node(failed), "backward", exc.trace)
        raise error from None
    graph.grads = trace.node_grads
    graph.backward = trace
    return graph
