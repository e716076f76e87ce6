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


# -- training (POST /api/train, POST /api/train/example, GET /api/datasets) ---------------------------------
#
# The line models below describe /api/train's application/x-ndjson answer, one JSON object a line;
# docs/training.md says the same in prose.

from pydantic import RootModel  # noqa: E402

from engine.training import MAX_EPOCHS, MAX_HIDDEN, MAX_POINTS  # noqa: E402

PresetName = Literal["minitorch", "micrograd"]
DatasetName = Literal["simple", "diag", "split", "xor", "circle", "spiral", "moons"]
ActivationName = Literal["relu", "tanh", "sigmoid"]


class ModelSetup(BaseModel):
    """Which model on which data: every field but ``preset`` defaults to the preset's own."""

    model_config = ConfigDict(extra="forbid", strict=True)

    preset: PresetName = Field("minitorch", description="minitorch (run_scalar) or micrograd (the demo).")
    dataset: DatasetName | None = Field(None, description="Default: the preset's (simple or moons).")
    points: int | None = Field(
        None,
        ge=2,
        le=MAX_POINTS,
        description="How many points (the spiral makes 2·(points // 2)). Default: 50 or 100.",
    )
    hidden: int | None = Field(
        None, ge=1, le=MAX_HIDDEN, description="Units per hidden layer. Default: 2 or 16."
    )
    activation: ActivationName | None = Field(
        None, description="The hidden layers' activation. Default: relu."
    )
    seed: int = Field(
        0,
        ge=0,
        le=2**32 - 1,
        description="Draws the points and, from its own stream, the initial parameters.",
    )
    parameters: dict[str, FiniteFloat] = Field(
        default_factory=dict,
        max_length=1000,
        description="Starting values by name (`l1_w0_1`, `l1_b1`, ...); names left out keep the seed's "
        "initial values. A name the model does not have is refused.",
    )


class TrainRequest(ModelSetup):
    """A training to run and stream. To continue a run, send its last parameters and ``start_epoch``."""

    model_config = ConfigDict(
        extra="forbid",
        strict=True,
        json_schema_extra={
            "examples": [
                {"preset": "minitorch", "dataset": "xor", "hidden": 10},
                {"preset": "micrograd"},
                {"preset": "minitorch", "dataset": "simple", "epochs": 500, "start_epoch": 120, "steps": 1,
                 "parameters": {"l1_w0_0": 0.25}},
            ]
        },
    )  # fmt: skip

    learning_rate: FiniteFloat | None = Field(
        None,
        gt=0,
        le=100,
        description="Default: 0.5 (minitorch) or 1.0 (micrograd, decayed by the schedule).",
    )
    epochs: int | None = Field(
        None, ge=1, le=MAX_EPOCHS, description="Length of the whole run. Default: 500 or 100."
    )
    start_epoch: int = Field(
        0, ge=0, le=MAX_EPOCHS - 1, description="Epochs already done: training goes on from the next."
    )
    steps: int | None = Field(
        None,
        ge=1,
        le=MAX_EPOCHS,
        description="Epochs to run in this request (1 for a single step). Default: all left.",
    )
    epochs_per_second: FiniteFloat | None = Field(
        None,
        gt=0,
        le=1000,
        description="Run no faster than this, so a person can watch. Default: as fast as it goes.",
    )


class ExampleRequest(ModelSetup):
    """One example of a dataset and the parameters to build its loss at."""

    model_config = ConfigDict(
        extra="forbid",
        strict=True,
        json_schema_extra={"examples": [{"preset": "minitorch", "dataset": "simple", "index": 3}]},
    )

    index: int = Field(
        ge=0, le=MAX_POINTS - 1, description="Which point (0-based, in the order /api/train lists them)."
    )


class ExampleResponse(BaseModel):
    program: str = Field(
        description="The example's loss in the expression language: each parameter a declared variable, the "
        "point's coordinates constants, one statement per neuron. POST it to /api/graph."
    )
    values: dict[str, float] = Field(
        description="Every parameter's value, by name (the program declares them too)."
    )
    point: list[float] = Field(description="The example's (x1, x2).")
    label: int = Field(description="Its class, 0 or 1.")
    loss: float = Field(description="The example's loss as the library computes it: the program's output.")


class Square(BaseModel):
    """The region the plot shows and the boundary grid covers."""

    x_min: float
    x_max: float
    y_min: float
    y_max: float


class Boundary(BaseModel):
    """The model's output at the centres of a size × size grid over ``square``: ``values[r·size + c]``
    is at x1 = x_min + (c + ½)·(x_max − x_min)/size, x2 = y_min + (r + ½)·(y_max − y_min)/size."""

    size: int
    values: list[float]


class OutputKind(BaseModel):
    kind: Literal["probability", "score"] = Field(description="A probability of class 1, or a signed score.")
    threshold: float = Field(description="Class 1 above it, class 0 below: 0.5 or 0.")


class LayerShape(BaseModel):
    name: str = Field(description="l1, l2, ...: the prefix of its parameters' names.")
    inputs: int
    outputs: int
    activation: str | None = Field(description="relu, tanh, sigmoid; the last layer's: sigmoid or null.")


class ResolvedSetup(BaseModel):
    """The request with every default filled in."""

    preset: PresetName
    dataset: DatasetName
    points: int = Field(description="The points actually made (the spiral's may be one fewer).")
    hidden: int
    activation: ActivationName
    seed: int
    learning_rate: float
    epochs: int
    start_epoch: int
    stop_epoch: int = Field(description="The last epoch this request runs.")
    epochs_per_second: float | None


class TrainStart(BaseModel):
    """The first line: the data, the model's shape and its parameters before the first epoch run."""

    type: Literal["start"]
    setup: ResolvedSetup
    points: list[list[float]] = Field(description="Every point's (x1, x2).")
    labels: list[int] = Field(description="Every point's class, 0 or 1.")
    names: list[str] = Field(description="Every parameter's name, in the model's order.")
    paths: dict[str, str] = Field(description="Each name's dotted path in the library (`layer1.weight_0_1`).")
    layers: list[LayerShape]
    parameters: dict[str, float] = Field(description="Values at start_epoch, by name.")
    output: OutputKind
    square: Square
    boundary: Boundary
    frame_interval: float = Field(
        description="Progress frames are at least this many seconds apart (but the last)."
    )
    boundary_interval: float = Field(
        description="A frame carries a boundary once this long has passed since the last."
    )


class History(BaseModel):
    """Every epoch since the previous frame, this frame's included, so a curve misses none."""

    epochs: list[int]
    loss: list[float]
    accuracy: list[float]


class TrainFrame(BaseModel):
    """A progress frame. ``loss``, ``accuracy`` were measured in this epoch's forward pass (at the
    parameters before its update); ``gradients`` and ``learning_rate`` made its update; ``parameters``
    are the values after it."""

    type: Literal["frame"]
    epoch: int = Field(description="1-based; the run's epochs go from start_epoch + 1 to stop_epoch.")
    elapsed: float = Field(description="Seconds since the training started, on the server's clock.")
    loss: float
    accuracy: float = Field(description="Fraction of points on the right side, 0 to 1.")
    learning_rate: float
    parameters: dict[str, float]
    gradients: dict[str, float] = Field(description="∂loss/∂parameter over the full batch.")
    history: History
    boundary: Boundary | None = Field(
        None, description="Present at least every boundary_interval, and at the end."
    )
    final: bool = Field(description="True on the frame of stop_epoch: the last line.")


class TrainErrorDetail(BaseModel):
    code: Literal["math_error", "internal_error"]
    message: str


class TrainError(BaseModel):
    """The last line when training cannot go on (a loss or gradient that is no longer finite)."""

    type: Literal["error"]
    epoch: int = Field(description="The epoch that failed.")
    detail: TrainErrorDetail


class TrainLine(RootModel[TrainStart | TrainFrame | TrainError]):
    """One line of the application/x-ndjson stream, told apart by ``type``."""


class TrainingErrorDetail(BaseModel):
    code: Literal["invalid_request", "busy"]
    message: str
    line: None = None
    column: None = None
    names: list[str] = Field(
        default_factory=list, description="The request fields (or parameter names) at fault."
    )


class TrainingRefused(BaseModel):
    """``{"detail": {code, message, line, column, names}}``: ``invalid_request`` (422) names the fields
    that do not fit together; ``busy`` (503, with Retry-After) when the worker runs its maximum."""

    detail: TrainingErrorDetail


class TrainingUnprocessable(BaseModel):
    """422: fields that do not fit together (``detail`` is an object) or a malformed body (a list)."""

    detail: TrainingErrorDetail | list[ValidationIssue]


class PresetInfo(BaseModel):
    name: PresetName
    summary: str
    dataset: DatasetName
    points: int
    hidden: int
    activation: ActivationName
    learning_rate: float
    epochs: int
    output: OutputKind


class DatasetInfo(BaseModel):
    name: DatasetName
    source: Literal["minitorch", "micrograd"]
    description: str
    default_points: int


class Limits(BaseModel):
    points: int
    hidden: int
    epochs: int


class DatasetsResponse(BaseModel):
    datasets: list[DatasetInfo]
    presets: list[PresetInfo]
    activations: list[ActivationName]
    limits: Limits


class GradientsRequest(ModelSetup):
    """The parameters to take the full-batch gradient apart at, and which parameters to answer for."""

    model_config = ConfigDict(
        extra="forbid",
        strict=True,
        json_schema_extra={"examples": [{"preset": "micrograd", "names": ["l1_w0_0", "l3_b0"]}]},
    )

    names: list[str] | None = Field(
        None, max_length=1000, description="Parameters to answer for (default: all of them)."
    )


class GradientsResponse(BaseModel):
    """∂loss/∂p = Σₙ weights[n] · example_gradients[p][n] + regularization[p], for every p in ``names``."""

    loss: float = Field(description="The full-batch loss at these parameters.")
    names: list[str]
    gradients: dict[str, float] = Field(
        description="∂loss/∂p over the full batch (what a training step uses)."
    )
    losses: list[float] = Field(description="Each example's own loss, in the points' order.")
    weights: list[float] = Field(description="∂loss/∂lossₙ for each example: 1/N for both presets.")
    example_gradients: dict[str, list[float]] = Field(
        description="For each parameter, ∂lossₙ/∂p example by example: what /api/graph gives for that "
        "example's program (/api/train/example)."
    )
    regularization: dict[str, float] = Field(
        description="The L2 term's share (micrograd's 1e-4·Σp²; 0 for minitorch)."
    )
