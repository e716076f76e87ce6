"""Training: /api/train (a live stream), /api/train/example (one point's loss as a program),
/api/train/gradients (the batch gradient example by example), /api/datasets."""

from __future__ import annotations

import inspect
from typing import Annotated

from fastapi import APIRouter, Depends
from fastapi.responses import Response

from app.errors import ApiError
from app.schemas import (
    DatasetsResponse,
    ExampleRequest,
    ExampleResponse,
    GradientsRequest,
    GradientsResponse,
    TrainingRefused,
    TrainingUnprocessable,
    TrainLine,
    TrainRequest,
)
from app.schemas.train import RecommendedSettings
from app.settings import get_settings
from app.training import (
    TrainingBusy,
    TrainingPool,
    TrainingStreamResponse,
    build_setup,
    get_training_pool,
    invalid,
    resolve,
    resolve_example,
)
from app.training_worker import BOUNDARY_INTERVAL, FRAME_INTERVAL
from engine.datasets import DATASETS
from engine.example_program import example_program
from engine.nn import ACTIVATIONS
from engine.presets import (
    MAX_EPOCHS,
    MAX_HIDDEN,
    MAX_NOISE,
    MAX_POINTS,
    MAX_TEST_FRACTION,
    PRESETS,
    RECOMMENDED,
)
from engine.training import CompiledTrainer, example

router = APIRouter(prefix="/api", tags=["training"])

UNPROCESSABLE = {
    "model": TrainingUnprocessable,
    "description": "invalid_request: fields that do not fit together, or a parameter name the model does not "
    "have (a body that does not fit the schema, e.g. points over 200, gets FastAPI's list-shaped detail)",
}

STREAM_DESCRIPTION = f"""An `application/x-ndjson` stream: one JSON object a line, told apart by `type`.

1. `start` — the points and labels, the parameters' names and starting values, the model's layers, the plot's
   square and the decision boundary there (a grid of model outputs).
2. `frame` — after an epoch: its loss and accuracy (measured before its update; `test_loss` and
   `test_accuracy` too when there is a test set), learning rate, gradients, the parameters after the update,
   and `history` (every epoch since the previous frame). Frames are at least {FRAME_INTERVAL} s apart (at most
   {1 / FRAME_INTERVAL:.0f} a second) except the last; a frame carries a `boundary` (and `units`, every hidden
   unit's output on the same grid) once {BOUNDARY_INTERVAL} s have passed since the last one, and the last
   frame (`final: true`) always does. `warnings` come only when something is wrong: `dead_units`, `stalled`,
   `diverged` (the run stops: that frame is the last).
3. `error` — the last line when the loss or a gradient stops being finite (lower the rate); a frame for the
   epochs run since the previous frame comes just before it.

Closing the connection stops the training. Each schema below is one line's."""


def inline_schema(model) -> dict:
    """``model``'s JSON schema with its definitions written in place: the stream's line schema lives
    only here, under application/x-ndjson, where FastAPI does not register models (none recurse)."""
    schema = model.model_json_schema()
    definitions = schema.pop("$defs", {})

    def inline(node):
        if isinstance(node, dict):
            if "$ref" in node:
                return inline(definitions[node["$ref"].rsplit("/", 1)[1]])
            return {key: inline(value) for key, value in node.items()}
        if isinstance(node, list):
            return [inline(item) for item in node]
        return node

    return inline(schema)


@router.post(
    "/train",
    # Declared as a plain Response so the error models below are documented as application/json;
    # the handler answers with the stream itself.
    response_class=Response,
    status_code=200,
    responses={
        200: {
            "description": STREAM_DESCRIPTION,
            "content": {"application/x-ndjson": {"schema": inline_schema(TrainLine)}},
        },
        422: UNPROCESSABLE,
        503: {
            "model": TrainingRefused,
            "description": "busy: this worker already runs its maximum of trainings; retry after the "
            "Retry-After header's seconds",
            "headers": {"Retry-After": {"schema": {"type": "integer"}, "description": "Seconds to wait."}},
        },
    },
)
async def create_training(
    request: TrainRequest, pool: Annotated[TrainingPool, Depends(get_training_pool)]
) -> Response:
    """Train a network on a 2-D dataset and stream its progress, frame by frame."""
    job = resolve(request)
    try:
        run = pool.submit(job)
    except TrainingBusy:
        message = f"this worker already runs {pool.capacity} trainings; try again shortly"
        retry = str(get_settings().training_retry_after)
        raise ApiError("busy", message, headers={"Retry-After": retry}) from None
    return TrainingStreamResponse(run)


@router.post("/train/example", response_model=ExampleResponse, responses={422: UNPROCESSABLE})
def create_example(request: ExampleRequest) -> ExampleResponse:
    """One point's loss as a program in the expression language, at the given parameters."""
    setup = resolve_example(request)
    program, values = example_program(setup, request.index)
    point = example(setup, request.index)
    return ExampleResponse(program=program, values=values, point=list(point.point), label=point.label,
                           loss=point.loss, split="test" if point.test else "train")  # fmt: skip


@router.post("/train/gradients", response_model=GradientsResponse, responses={422: UNPROCESSABLE})
def create_gradients(request: GradientsRequest) -> GradientsResponse:
    """The full-batch gradient as a sum over the examples, for a view of how each point pulls."""
    setup = build_setup(request)
    names = setup.names if request.names is None else request.names
    unknown = sorted(set(names) - set(setup.names))
    if unknown:
        raise invalid(f"the model has no parameter {', '.join(map(repr, unknown))}", unknown)
    terms = CompiledTrainer(setup).loss_terms()
    position = {name: k for k, name in enumerate(setup.names)}
    gradients = terms.gradients()
    return GradientsResponse(
        loss=terms.loss,
        names=names,
        gradients={name: gradients[position[name]] for name in names},
        losses=terms.losses,
        weights=terms.weights,
        example_gradients={name: terms.example_gradients[position[name]] for name in names},
        regularization={name: terms.regularization[position[name]] for name in names},
    )


_DATASET_SOURCES = {name: "micrograd" if name == "moons" else "minitorch" for name in DATASETS}


@router.get("/datasets", response_model=DatasetsResponse)
def list_datasets() -> DatasetsResponse:
    """The datasets and the presets, with every default a training request may leave out."""
    datasets = [
        {
            "name": name,
            "source": _DATASET_SOURCES[name],
            "description": make.__doc__.split("\n")[0],
            "default_points": inspect.signature(make).parameters["n"].default,
            "recommended": RecommendedSettings(**vars(RECOMMENDED[name])),
        }
        for name, make in DATASETS.items()
    ]
    presets = [
        {
            "name": preset.name,
            "summary": preset.summary,
            **vars(preset.defaults),
            "output": {"kind": preset.output, "threshold": preset.threshold},
        }
        for preset in PRESETS.values()
    ]
    limits = {"points": MAX_POINTS, "hidden": MAX_HIDDEN, "epochs": MAX_EPOCHS, "noise": MAX_NOISE,
              "test_fraction": MAX_TEST_FRACTION}  # fmt: skip
    return DatasetsResponse(datasets=datasets, presets=presets, activations=list(ACTIVATIONS), limits=limits)
