"""/api/train/example (one point's loss as a program) and /api/train/gradients (the batch gradient
taken apart): the library's numbers, the explorer's gradients, refusals."""

from __future__ import annotations

import json

import pytest

from app.schemas import TrainRequest
from app.training import resolve
from engine import Scalar
from engine.presets import PRESETS
from engine.training import CompiledTrainer, Setup


def lines_of(answer) -> list[dict]:
    assert answer.status_code == 200, answer.text[:500]
    return [json.loads(line) for line in answer.text.splitlines()]


# -- one example as a program ----------------------------------------------------------------------------

EXAMPLES = [
    {"preset": "minitorch", "dataset": "xor", "hidden": 3, "activation": "tanh", "index": 4},
    {"preset": "minitorch", "dataset": "spiral", "points": 31, "index": 29},
    {"preset": "micrograd", "hidden": 5, "index": 17, "seed": 4},
    {"preset": "micrograd", "dataset": "circle", "hidden": 2, "activation": "sigmoid", "index": 0},
]


@pytest.mark.parametrize("body", EXAMPLES)
def test_an_examples_program_evaluates_to_its_loss_with_the_librarys_gradients(client, body):
    answer = client.post("/api/train/example", json=body)
    assert answer.status_code == 200
    example = answer.json()
    graph = client.post("/api/graph", json={"expression": example["program"], "values": example["values"]})
    assert graph.status_code == 200
    result = graph.json()
    preset = PRESETS[body["preset"]]
    d = preset.defaults
    setup = Setup(
        body["preset"], body.get("dataset", d.dataset), body.get("points", d.points),
        body.get("hidden", d.hidden), body.get("activation", d.activation), body.get("seed", 0),
    )  # fmt: skip
    x1, x2 = setup.dataset.points[body["index"]]
    loss = preset.example_loss(setup.model.forward((Scalar(x1), Scalar(x2))), setup.targets[body["index"]])
    loss.backward()
    assert result["value"] == loss.data == example["loss"]
    assert result["gradients"] == {name: p.value.grad for name, p in setup.named.items()}
    assert example["point"] == [x1, x2] and example["label"] == setup.dataset.labels[body["index"]]


def test_an_example_at_trained_parameters_uses_them(client):
    lines = lines_of(client.post("/api/train", json={"preset": "minitorch", "points": 20, "epochs": 30}))
    trained = lines[-1]["parameters"]
    body = {"preset": "minitorch", "points": 20, "index": 6, "parameters": trained}
    example = client.post("/api/train/example", json=body).json()
    assert example["values"] == trained
    graph = client.post("/api/graph", json={"expression": example["program"]}).json()  # the declared values
    assert graph["value"] == example["loss"]
    untrained = client.post(
        "/api/train/example", json={"preset": "minitorch", "points": 20, "index": 6}
    ).json()
    assert untrained["loss"] != example["loss"]


def test_an_example_past_the_last_point_is_a_422(client):
    answer = client.post("/api/train/example", json={"dataset": "spiral", "points": 21, "index": 20})
    assert answer.status_code == 422
    assert answer.json()["detail"] == {
        "code": "invalid_request", "message": "index 20 is past the last point: the dataset has 20 points",
        "line": None, "column": None, "names": ["index", "points"],
    }  # fmt: skip
    assert client.post("/api/train/example", json={"index": 200}).status_code == 422
    assert client.post("/api/train/example", json={}).status_code == 422


# -- the batch gradient taken apart ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "body",
    [
        {"preset": "micrograd", "points": 40, "hidden": 4, "seed": 2},
        {"preset": "minitorch", "dataset": "xor"},
    ],
)
def test_the_batch_gradient_is_the_weighted_sum_of_the_examples_gradients(client, body):
    answer = client.post("/api/train/gradients", json=body)
    assert answer.status_code == 200
    terms = answer.json()
    count = len(terms["losses"])
    assert terms["weights"] == [1.0 / count] * count
    setup = resolve(TrainRequest.model_validate(body)).setup()
    step = CompiledTrainer(setup).train_epoch(0.0)
    assert terms["loss"] == step.loss
    for name, expected in zip(setup.names, step.gradients, strict=True):
        column = terms["example_gradients"][name]
        total = (
            sum(w * g for w, g in zip(terms["weights"], column, strict=True)) + terms["regularization"][name]
        )
        assert total == pytest.approx(expected, rel=1e-12, abs=1e-15)
        assert terms["gradients"][name] == pytest.approx(expected, rel=1e-12, abs=1e-15)
    # Example 5's column entries are what /api/graph gives for its program.
    example = client.post("/api/train/example", json=body | {"index": 5}).json()
    graph = client.post("/api/graph", json={"expression": example["program"]}).json()
    assert {name: column[5] for name, column in terms["example_gradients"].items()} == graph["gradients"]
    assert terms["losses"][5] == example["loss"]


def test_the_batch_gradient_for_some_parameters_and_unknown_ones(client):
    answer = client.post("/api/train/gradients", json={"preset": "micrograd", "names": ["l3_b0", "l1_w1_3"]})
    assert answer.status_code == 200
    terms = answer.json()
    assert terms["names"] == ["l3_b0", "l1_w1_3"] and list(terms["example_gradients"]) == ["l3_b0", "l1_w1_3"]
    assert terms["regularization"]["l1_w1_3"] != 0.0  # micrograd's L2 term
    answer = client.post("/api/train/gradients", json={"names": ["l3_b0", "l9_w0_0"]})
    assert answer.status_code == 422
    assert answer.json()["detail"]["names"] == ["l9_w0_0"]
