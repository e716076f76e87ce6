"""What the build stage makes: a program's graph, differentiated, as columns (``Graph``); one node as
an object (``Node``); a graph that failed (``Partial``); a variable's numeric check (``CheckResult``).

The graph is kept as columns (one list per field, node ``i`` at index ``i`` of each), not as an
object per node: a program of 50,000 nodes is built, answered and freed well within a second, and
the API's compact answer is these very lists. Its backward pass is the engine's one recorded form,
a ``FlatTrace``. ``Graph.node(i)`` gives one node as an object and ``Graph.scalars`` the whole graph
as engine Scalars, for people and tests, when asked: the API's answers ask for neither.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from itertools import accumulate

from ..scalar import Scalar, scalars_of_columns
from ..scalar_functions import BUILTINS, ScalarFunction
from ..trace import FlatTrace
from .analysis import ProgramWarning
from .syntax import SourceMap, Span

VARIABLE, CONSTANT, OPERATION = "variable", "constant", "operation"

#: The engine's operation for each operation name a node type has.
OPERATIONS: dict[str, type[ScalarFunction]] = {op.name: op for op in BUILTINS}


@dataclass(slots=True, eq=False)
class Node:
    """One node of a program's graph, as the API's object answer shows it."""

    id: str
    kind: str  # variable | constant | operation
    op: str | None
    label: str | None
    value: float | None  # None only for the failing node of a forward Partial
    inputs: tuple[str, ...]
    span: Span
    free: bool = False  # a variable the program uses but never assigns
    grad: float | None = None  # d output / d node; None for constants


@dataclass(slots=True)
class Partial:
    """A graph that failed: the nodes made before the failure, in forward order, and the failing node.

    In the forward pass the failing operation has no value (its node's ``value`` is None). In the
    backward pass every node has its value, ``failed`` is the one whose derivative failed, and
    ``backward`` holds the steps that succeeded before it (positions index ``nodes``).
    """

    nodes: list[Node]
    failed: Node
    phase: str  # forward | backward
    backward: FlatTrace | None = None


@dataclass(slots=True)
class CheckResult:
    analytic: float
    numeric: float | None
    ok: bool


@dataclass(eq=False)
class Graph:
    """A program built and differentiated, as columns: node ``i`` (id ``n{i}``) is entry ``i`` of every
    per-node list, in forward order (inputs first, output last)."""

    types: list[tuple[str, str | None]]  # the legend of type codes: (kind, op)
    type_codes: list[int]  # each node's index into `types`
    labels: list[str | None]  # the variable's name, or the name assigned to the expression
    values: list[float]
    grads: list[float | None]  # d output / d node; None for constants (the trace's node_grads)
    free: list[int]  # the free variables' nodes: used, never assigned
    inputs: list[int]  # every node's inputs one after another, in order, repeats kept
    input_counts: list[int]  # how many of `inputs` each node has
    starts: list[int]  # each node's text in the program, as offsets (end exclusive)
    ends: list[int]
    variables_at: dict[str, int]  # variable name -> node, in order of first appearance
    backward: FlatTrace | None  # the recorded backward pass (None until it has run)
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
        table = [OPERATIONS.get(op) for kind, op in self.types]
        return list(map(table.__getitem__, self.type_codes))

    @property
    def constant(self) -> list[bool]:
        """True for each constant node: it never gets a gradient."""
        table = [kind == CONSTANT for kind, op in self.types]
        return list(map(table.__getitem__, self.type_codes))

    def reaching_output(self) -> list[bool]:
        """For each node, whether the output depends on it."""
        return reaching(self.inputs, self.input_counts, self.count - 1)

    @cached_property
    def scalars(self) -> list[Scalar]:
        """The same graph as engine Scalars, with the same values, names and gradients (made when
        first asked for: nothing in the pipeline asks)."""
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
        node = Node(f"n{i}", kind, op, self.labels[i], self.values[i], inputs, span, grad=self.grads[i])
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


def reaching(inputs: list[int], input_counts: list[int], output: int) -> list[bool]:
    """For each node, whether ``output`` depends on it (the output itself included)."""
    offsets = list(accumulate(input_counts, initial=0))
    reached = [False] * len(input_counts)
    reached[output] = True
    for node in range(output, -1, -1):  # inputs are made before the nodes that use them
        if reached[node]:
            for i in inputs[offsets[node] : offsets[node + 1]]:
                reached[i] = True
    return reached
