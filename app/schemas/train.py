"""The training routes' models (POST /api/train, POST /api/train/example, GET /api/datasets).

The line models below describe /api/train's application/x-ndjson answer, one JSON object a line;
docs/training.md says the same in prose.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, FiniteFloat, RootModel

from engine.datasets import DATASETS
from engine.diagnosis import WARNING_CODES
from engine.nn import ACTIVATIONS
from engine.presets import MAX_EPOCHS, MAX_HIDDEN, MAX_NOISE, MAX_POINTS, MAX_TEST_FRACTION, PRESETS

from .graph import ValidationIssue

# The names come from the engine's own tables: adding a preset, dataset or activation there adds it here.
PresetName = Literal[tuple(PRESETS)]
DatasetName = Literal[tuple(DATASETS)]
ActivationName = Literal[tuple(ACTIVATIONS)]
WarningCode = Literal[WARNING_CODES]


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
    noise: FiniteFloat = Field(
        0.0,
        ge=0,
        le=MAX_NOISE,
        description="Moves every point by Gaussian noise of this standard deviation (the unit square's "
        "side, the moons' radius); labels stay. The same for a seed.",
    )
    test_fraction: FiniteFloat = Field(
        0.0,
        ge=0,
        le=MAX_TEST_FRACTION,
        description="Sets round(test_fraction · points) points apart as a test set: training does not use "
        "them. Which ones is the same for a seed.",
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
    split: Literal["train", "test"] = Field("train", description="Whether training uses this point.")


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


#: Each hidden unit's output over the boundary's grid, by name (``h1_0``: layer 1, unit 0).
Units = dict[str, list[float]]


class TrainWarning(BaseModel):
    """Something wrong with the run, said in words: ``dead_units`` (``units`` names them), ``stalled``,
    ``diverged`` (the run stops: this frame is the last)."""

    code: WarningCode
    message: str
    units: list[str] | None = Field(None, description="The hidden units concerned (dead_units).")


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
    noise: float
    test_fraction: float
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
    split: list[Literal["train", "test"]] = Field(
        description="For each point: whether training uses it or it is held out as a test point."
    )
    names: list[str] = Field(description="Every parameter's name, in the model's order.")
    paths: dict[str, str] = Field(description="Each name's dotted path in the library (`layer1.weight_0_1`).")
    layers: list[LayerShape]
    parameters: dict[str, float] = Field(description="Values at start_epoch, by name.")
    output: OutputKind
    square: Square
    boundary: Boundary
    units: Units = Field(
        description="Each hidden unit's output over the boundary's grid, by name, layer by layer "
        "(h1_0, …, h2_0, …)."
    )
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
    test_loss: float | None = Field(
        None, description="With a test set: the loss on the test points, measured as `loss` is."
    )
    test_accuracy: float | None = Field(None, description="With a test set: its accuracy, 0 to 1.")
    boundary: Boundary | None = Field(
        None, description="Present at least every boundary_interval, and at the end."
    )
    units: Units | None = Field(
        None, description="With every boundary: each hidden unit's output over the boundary's grid."
    )
    warnings: list[TrainWarning] | None = Field(
        None, description="Only when something is wrong: dead units, a stall, a divergence (then final)."
    )
    final: bool = Field(
        description="True on the last line: the frame of stop_epoch, or the one a divergence stopped at."
    )


class TrainErrorDetail(BaseModel):
    code: Literal["math_error", "internal_error"]
    message: str
    line: None = None
    column: None = None
    names: list[str] = Field(default_factory=list)


class TrainError(BaseModel):
    """The last line when training cannot go on (a loss or gradient that is no longer finite)."""

    type: Literal["error"]
    epoch: int = Field(description="The epoch that failed.")
    detail: TrainErrorDetail
    warnings: list[TrainWarning] | None = Field(
        None, description="``diverged`` when the loss or a gradient stopped being finite."
    )


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


class RecommendedSettings(BaseModel):
    """A request body without dataset and seed, measured to train this dataset well across seeds."""

    preset: PresetName
    hidden: int
    activation: ActivationName
    learning_rate: float
    epochs: int


class DatasetInfo(BaseModel):
    name: DatasetName
    source: PresetName
    description: str
    default_points: int
    recommended: RecommendedSettings


class Limits(BaseModel):
    points: int
    hidden: int
    epochs: int
    noise: float
    test_fraction: float


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
