"""The API's request and response models: what /docs shows, and what the answers are."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, FiniteFloat

from engine.language import MAX_VALUES

LECTURE = "a = 2; b = -3; c = 10; e = a*b; d = e + c; f = -2; L = d*f"


class GraphRequest(BaseModel):
    """A program, optional values for its variables, and whether to check gradients numerically."""

    # strict: the body must match the schema /docs shows (no "check": 0, no "values": {"x": "1"}).
    model_config = ConfigDict(
        extra="forbid",
        strict=True,
        json_schema_extra={
            "examples": [
                {"expression": LECTURE},
                {
                    "expression": "tanh(x1*w1 + x2*w2 + b)",
                    "values": {"x1": 2, "x2": 0, "w1": -3, "w2": 1, "b": 6.8813735870195432},
                    "check": True,
                },
            ]
        },
    )

    expression: str = Field(description="The program: statements separated by newlines or ';'.")
    values: dict[str, FiniteFloat] = Field(
        default_factory=dict,
        max_length=MAX_VALUES,
        description="Values for variables: override declared ones, give free ones theirs.",
    )
    check: bool = Field(False, description="Also compare every gradient with central differences.")
    partial: bool = Field(
        False,
        description="On a math_error, also answer the graph as far as it was built (`partial`), so a "
        "page can draw the program up to the failing node.",
    )
    default_value: FiniteFloat | None = Field(
        None,
        description="The value of every free variable missing from `values` (without it, a free "
        "variable with no value is an `unbound_variable` error). Variable nodes say which are `free`.",
    )
    format: Literal["object", "columns"] = Field(
        "object",
        description="The answer's form: `object` (contract v1: an object per node and per backward step) "
        "or `columns` (the same data as arrays, several times smaller: see docs/api-columns.md). "
        "POST /api/graph/dot accepts it and answers the same DOT either way.",
    )


class Answer(BaseModel):
    """A part of an answer: its schema lists every key it may have (additionalProperties: false), so the
    OpenAPI document is the whole contract, and a test holds real answers to it."""

    model_config = ConfigDict(extra="forbid")


class Span(Answer):
    """Where a node comes from in the source: 1-based, end column exclusive; offsets 0-based."""

    line: int
    column: int
    end_line: int
    end_column: int
    offset: int
    end_offset: int


class Node(Answer):
    id: str
    kind: Literal["variable", "constant", "operation"]
    op: str | None = Field(description="The function's name (add, mul, tanh, ...) for operations.")
    label: str | None = Field(description="The variable's name, or the name assigned to the expression.")
    value: float
    grad: float | None = Field(description="d output / d node; null for constants.")
    inputs: list[str] = Field(description="Input node ids in order, repeats kept (x*x has two).")
    span: Span = Field(description="Where the node's text is in the program.")
    free: bool | None = Field(
        None,
        description="Variables only: true for a name the program uses but never assigns (its value "
        "comes from `values` or `default_value`), false for a declared one. Absent on other nodes.",
    )


class Contribution(Answer):
    input: str
    local: float | None = Field(description="∂node/∂input; null for a constant input where undefined.")
    contribution: float | None = Field(description="grad × local, added to the input's gradient.")


class BackwardStep(Answer):
    node: str
    grad: float = Field(description="The node's full gradient when it is processed.")
    contributions: list[Contribution]


class Check(Answer):
    analytic: float
    numeric: float | None = Field(description="Central difference; null where the program is undefined.")
    ok: bool


class ProgramWarning(Answer):
    """Something legal that is probably a mistake: a likely typo, an unused variable, dead code."""

    code: Literal["possible_typo", "unused_variable", "unreachable_statement"]
    message: str
    line: int
    column: int
    names: list[str]


class GraphResponse(Answer):
    output: str
    value: float
    gradients: dict[str, float] = Field(description="d output / d variable for every variable.")
    nodes: list[Node]
    forward: list[str] = Field(description="Every node id once, inputs first, output last.")
    backward: list[BackwardStep] = Field(description="One step per operation node, output first.")
    check: dict[str, Check] | None = None
    warnings: list[ProgramWarning] = Field(description="Possibly empty; sorted by line and column.")


class NodeType(Answer):
    kind: Literal["variable", "constant", "operation"]
    op: str | None = Field(description="The function's name for operations, else null.")


class InputColumns(Answer):
    counts: list[int] = Field(description="How many inputs each node has (0 for variables and constants).")
    nodes: list[int] = Field(
        description="Every node's inputs one after another, in order, repeats kept: node i's are the "
        "`counts[i]` entries after those of nodes 0..i-1."
    )


class SpanColumns(Answer):
    starts: list[int] = Field(
        description="Where each node's text starts, as the difference from the previous node's start "
        "(the first node's from 0): offsets are the running sum."
    )
    lengths: list[int] = Field(description="Each node's text length: end_offset = offset + length.")


class LineTable(Answer):
    numbers: list[int] = Field(description="The lines any node's text is on (1-based, ascending).")
    starts: list[int] = Field(description="The offset where each of those lines starts.")


class BackwardColumns(Answer):
    nodes: list[int] = Field(description="The node of each step, output first (its grad is the node's).")
    locals: list[float | None] = Field(
        description="∂node/∂input for every input of every step's node, step after step, each step's in "
        "its node's input order; contribution = grad × local. null (and so the contribution) for a "
        "constant input where it is undefined."
    )


class ColumnsResponse(Answer):
    """The answer with `"format": "columns"`: node i (id `n{i}` in the object form) is entry i of every
    per-node array; nodes are in forward order, the output last. docs/api-columns.md rebuilds the
    object form from it."""

    format: Literal["columns"]
    node_types: list[NodeType] = Field(description="The legend of `types`.")
    types: list[int] = Field(description="Each node's index into `node_types`.")
    labels: list[str | None]
    values: list[float]
    grads: list[float | None] = Field(description="null for constants.")
    free: list[int] = Field(description="The free variables' nodes, ascending.")
    inputs: InputColumns
    spans: SpanColumns
    lines: LineTable
    backward: BackwardColumns
    warnings: list[ProgramWarning]
    check: dict[str, Check] | None = None


class ErrorDetail(Answer):
    code: Literal[
        "parse_error", "reserved_name", "duplicate_variable", "unbound_variable", "unknown_variable",
        "math_error", "too_large", "invalid_request",
    ]  # fmt: skip
    message: str
    line: int | None = None
    column: int | None = None
    names: list[str] = Field(default_factory=list)


class ErrorResponse(Answer):
    """A program or its values refused: ``{"detail": {code, message, line, column, names}}``."""

    detail: ErrorDetail


class ValidationIssue(Answer):
    """One problem with a body that does not fit the request schema (FastAPI's shape, input not echoed)."""

    type: str = Field(description="pydantic's error type, e.g. 'missing', 'json_invalid', 'finite_number'.")
    loc: list[str] = Field(description="Where in the request: ['body', 'values', 'x'].")
    msg: str


class PartialNode(Node):
    value: float | None = Field(description="null only for the failing node of a forward failure.")


class PartialGraph(Answer):
    """A program that failed with a math_error, as far as it was built (only when the request asked)."""

    nodes: list[PartialNode] = Field(description="Node objects as in a 200 answer, every grad null.")
    forward: list[str] = Field(description="The nodes' ids in forward order, the failing one included.")
    failed: str = Field(
        description="The id of the node whose value (forward) or derivative (backward) failed."
    )
    phase: Literal["forward", "backward"]
    backward: list[BackwardStep] | None = Field(
        None,
        description="Backward failures only: the backward steps that succeeded before the failing one, "
        "output first, in the shape of a 200 answer's `backward` (possibly empty). Absent after a "
        "forward failure.",
    )


class UnprocessableResponse(Answer):
    """422: a refused program (``detail`` is an object) or a malformed body (``detail`` is a list).

    With ``"partial": true`` in the request, a math_error also carries ``partial``."""

    detail: ErrorDetail | list[ValidationIssue]
    partial: PartialGraph | None = None


class DotResponse(BaseModel):
    dot: str = Field(description="Graphviz DOT source: render with `dot -Tsvg`.")


class Op(BaseModel):
    name: str
    symbol: str | None = Field(description="Its operator in a program (`+`), or null for a function.")
    formula: str
    rules: list[str] = Field(description="One derivative rule per input, as display text.")
    arity: int
    description: str
    display: str = Field(description="The glyph drawn on its graph nodes: `×`, `1/x`, or a function's name.")
    call: str | None = Field(description="The name a program calls it by (`max`), or null for an operator.")
    domain: str = Field(description="Where its value and derivatives are finite real numbers.")
    # Its backward step as code (added compatibly). Placeholders in braces are filled with numbers;
    # dropping the braces gives the code itself. See docs/architecture.md, "An operation's code".
    micrograd: list[str] = Field(
        description="One line of micrograd's `_backward` per input, in input order, e.g. "
        "`{self}.grad += {other.data} * {out.grad}`: `{self}`/`{other}` are the first/second input, `{out}` "
        "this node; `{v}` stands for a node's name, `{v.data}` its value, `{v.grad}` its gradient "
        "(`{out.grad}`: the gradient this step passes on)."
    )
    micrograd_native: bool = Field(
        description="True when the lines are micrograd's own (its engine.py); false: written in its style."
    )
    minitorch: str = Field(
        description="The `return` of minitorch's `backward(ctx, d_output)`, e.g. `return {b} * {d_output}, "
        "{a} * {d_output}`: `{a}`, `{b}`, `{x}`, `{y}` are the inputs' values, named as `rules` names them, "
        "`{out}` this node's value, `{d_output}` its gradient."
    )
    minitorch_native: bool = Field(
        description="True when the line is minitorch's own (its ScalarFunctions); false: in its style."
    )
    code_note: str = Field(description="How micrograd or minitorch does it when not natively; or empty.")


class DerivedOp(BaseModel):
    name: str
    symbol: str
    formula: str
    uses: list[str] = Field(description="The operations it is built from, innermost first.")


class OpsResponse(BaseModel):
    ops: list[Op]
    derived: list[DerivedOp]


class Example(BaseModel):
    id: str
    title: str
    description: str
    expression: str


class ExamplesResponse(BaseModel):
    examples: list[Example]


class Health(BaseModel):
    status: Literal["ok"]
