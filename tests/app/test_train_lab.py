"""/api/train as a lab: a test set and noise, the hidden units' grids, warnings, recommended settings."""

from __future__ import annotations

import itertools
import json
import math
import statistics

import pytest

from app.errors import STATUS_BY_CODE, error_detail, status_of
from app.schemas import TrainLine, TrainRequest
from app.training_worker import GRID_SIZE
from engine import Scalar
from engine.datasets import DATASETS
from engine.plot import grid_points, plot_square
from engine.presets import RECOMMENDED
from engine.training import CompiledTrainer, Setup, example, train


def lines_of(answer) -> list[dict]:
    assert answer.status_code == 200, answer.text[:500]
    lines = [json.loads(line) for line in answer.text.splitlines()]
    for line in lines:
        TrainLine.model_validate(line)  # every line fits the documented schema
    return lines


LAB = {"preset": "minitorch", "dataset": "circle", "points": 40, "hidden": 3, "activation": "tanh",
       "epochs": 30, "seed": 4, "noise": 0.08, "test_fraction": 0.25}  # fmt: skip


def test_a_test_set_is_held_out_and_measured_every_epoch(client):
    lines = lines_of(client.post("/api/train", json=LAB))
    start, frames = lines[0], lines[1:]
    assert start["setup"]["noise"] == 0.08 and start["setup"]["test_fraction"] == 0.25
    assert start["split"].count("test") == 10 and start["split"].count("train") == 30
    setup = Setup("minitorch", "circle", 40, 3, "tanh", 4, noise=0.08, test_fraction=0.25)
    assert start["points"] == [list(p) for p in setup.dataset.points]
    assert start["points"] != [list(p) for p in Setup("minitorch", "circle", 40, 3, "tanh", 4).dataset.points]
    # The first epoch's loss is the mean of the training points' own losses, the test loss the test points'.
    losses = [example(setup, n).loss for n in range(40)]
    split = start["split"]
    train_loss = statistics.fmean(loss for loss, s in zip(losses, split, strict=True) if s == "train")
    test_loss = statistics.fmean(loss for loss, s in zip(losses, split, strict=True) if s == "test")
    first = frames[0] if frames[0]["epoch"] == 1 else None
    epochs = list(train(setup, CompiledTrainer(setup), 0.5, 30))
    assert epochs[0].loss == pytest.approx(train_loss, rel=1e-12)
    assert epochs[0].test_loss == pytest.approx(test_loss, rel=1e-12)
    if first is not None:
        assert first["loss"] == epochs[0].loss and first["test_loss"] == epochs[0].test_loss
    last = frames[-1]
    assert last["final"] and last["test_loss"] == epochs[-1].test_loss
    assert last["test_accuracy"] == epochs[-1].test_accuracy
    assert all("test_loss" in f and "test_accuracy" in f for f in frames)
    # The same request is the same run; another seed splits other points off.
    again = lines_of(client.post("/api/train", json=LAB))
    assert again[0]["split"] == split and again[0]["points"] == start["points"]
    other = lines_of(client.post("/api/train", json=LAB | {"seed": 5, "epochs": 1}))
    assert other[0]["split"] != split


def test_without_a_test_set_frames_have_no_test_numbers(client):
    lines = lines_of(client.post("/api/train", json=LAB | {"test_fraction": 0, "epochs": 3}))
    assert lines[0]["split"] == ["train"] * 40
    assert not any("test_loss" in f or "test_accuracy" in f for f in lines[1:])


def test_an_example_may_be_a_test_point(client):
    start = lines_of(client.post("/api/train", json=LAB | {"epochs": 1}))[0]
    index = start["split"].index("test")
    body = {k: v for k, v in LAB.items() if k != "epochs"} | {"index": index}
    answer = client.post("/api/train/example", json=body).json()
    assert answer["split"] == "test" and answer["point"] == start["points"][index]
    assert "# a test point: training does not use its loss" in answer["program"]
    graph = client.post("/api/graph", json={"expression": answer["program"]}).json()
    assert graph["value"] == answer["loss"]
    gradients = client.post(
        "/api/train/gradients", json={k: v for k, v in body.items() if k != "index"}
    ).json()
    assert gradients["weights"][index] == 0.0 and gradients["losses"][index] == answer["loss"]
    assert sum(w > 0 for w in gradients["weights"]) == 30


OUT_OF_BOUNDS = [
    ({"noise": 0.6}, "noise"),
    ({"test_fraction": -0.1}, "test_fraction"),
    ({"noise": "0.1"}, "noise"),
]


@pytest.mark.parametrize(("body", "where"), OUT_OF_BOUNDS)
def test_noise_and_test_fraction_out_of_bounds_are_422s(client, body, where):
    answer = client.post("/api/train", json=body)
    assert answer.status_code == 422
    assert [issue["loc"] for issue in answer.json()["detail"]] == [["body", where]]


# -- the hidden units ------------------------------------------------------------------------------------


def test_every_boundary_comes_with_each_hidden_units_grid(client):
    body = {"preset": "micrograd", "points": 30, "hidden": 3, "activation": "tanh", "epochs": 4, "seed": 1}
    lines = lines_of(client.post("/api/train", json=body))
    names = ["h1_0", "h1_1", "h1_2", "h2_0", "h2_1", "h2_2"]
    with_boundary = [line for line in lines if "boundary" in line]
    assert with_boundary[0] is lines[0] and with_boundary[-1] is lines[-1]
    for line in lines:
        assert ("units" in line) == ("boundary" in line)
    setup = Setup("micrograd", "moons", 30, 3, "tanh", 1)
    square = plot_square(setup.dataset)
    xs1, xs2 = grid_points(square, GRID_SIZE)
    for line in with_boundary:
        assert list(line["units"]) == names
        assert all(len(grid) == GRID_SIZE**2 for grid in line["units"].values())
        setup.set_parameters(line["parameters"])
        for cell in (0, 451, GRID_SIZE**2 - 1):  # the unit's own output at that cell's centre
            _, hidden = setup.model.forward_units((Scalar(xs1[cell]), Scalar(xs2[cell])))
            flat = [unit.data for layer in hidden for unit in layer]
            assert [line["units"][name][cell] for name in names] == flat


# -- warnings --------------------------------------------------------------------------------------------


def test_minitorch_on_xor_with_two_units_says_they_die_and_the_run_stalls(client):
    lines = lines_of(
        client.post("/api/train", json={"preset": "minitorch", "dataset": "xor"})
    )  # H = 2, lr 0.5
    last = lines[-1]
    assert last["final"] and last["epoch"] == 500
    assert last["accuracy"] == 0.5 and last["loss"] == pytest.approx(math.log(2), abs=1e-9)
    codes = {w["code"]: w for w in last["warnings"]}
    assert list(codes) == ["dead_units", "stalled"]
    assert codes["dead_units"]["units"] == ["h1_0", "h1_1", "h2_0", "h2_1"]
    assert "another seed" in codes["dead_units"]["message"] and "tanh" in codes["dead_units"]["message"]
    assert "about 0" in codes["stalled"]["message"] and "50%" in codes["stalled"]["message"]
    assert "warnings" in lines[1]  # h1_1 is dead from the first epoch


@pytest.mark.parametrize(
    "body",
    [{"preset": "micrograd", "learning_rate": 50}, {"preset": "minitorch", "dataset": "circle", "hidden": 4,
                                                    "epochs": 300, "learning_rate": 100}],
)  # fmt: skip
def test_a_loss_that_grows_far_past_its_start_stops_the_run_with_a_final_frame(client, body):
    lines = lines_of(client.post("/api/train", json=body))
    last = lines[-1]
    assert last["type"] == "frame" and last["final"] and last["epoch"] == 2  # both blow up at once
    assert [f["final"] for f in lines[1:]] == [False] * (len(lines) - 2) + [True]
    assert list(itertools.chain.from_iterable(f["history"]["epochs"] for f in lines[1:])) == [1, 2]
    assert "boundary" in last and "units" in last
    diverged = [w for w in last["warnings"] if w["code"] == "diverged"]
    assert len(diverged) == 1
    assert diverged[0]["message"].startswith("Stopped at epoch 2: the loss grew from ")
    assert "try a smaller one" in diverged[0]["message"]


def test_a_healthy_run_has_no_warnings(client):
    lines = lines_of(client.post("/api/train", json={"preset": "micrograd", "points": 60, "epochs": 60}))
    assert lines[-1]["accuracy"] >= 0.95
    assert not any("warnings" in line for line in lines)


# -- recommended settings, errors ------------------------------------------------------------------------


def test_every_dataset_has_recommended_settings_that_are_a_request_body(client):
    listing = client.get("/api/datasets").json()
    assert [d["name"] for d in listing["datasets"]] == list(DATASETS)
    for dataset in listing["datasets"]:
        recommended = dataset["recommended"]
        assert set(recommended) == {"preset", "hidden", "activation", "learning_rate", "epochs"}
        assert recommended == vars(RECOMMENDED[dataset["name"]])
        TrainRequest.model_validate(recommended | {"dataset": dataset["name"], "seed": 3})


def test_one_table_gives_every_error_code_its_status():
    assert STATUS_BY_CODE == {"too_large": 413, "busy": 503, "internal_error": 500}
    assert [status_of(code) for code in ("parse_error", "invalid_request", "busy", "too_large")] == [
        422, 422, 503, 413,
    ]  # fmt: skip
    assert error_detail("busy", "wait", ["x"]) == {
        "code": "busy", "message": "wait", "line": None, "column": None, "names": ["x"],
    }  # fmt: skip


def test_the_lab_lines_fit_the_published_openapi_schema(client):
    # The stream's line schema lives only in /openapi.json (under application/x-ndjson): hold a stream
    # with a test set, unit grids, warnings and a divergence to it, and the datasets listing to its own.
    from jsonschema import Draft202012Validator

    document = client.get("/openapi.json").json()
    train = document["paths"]["/api/train"]["post"]["responses"]["200"]["content"]["application/x-ndjson"]
    validator = Draft202012Validator(train["schema"])
    bodies = [LAB | {"epochs": 3}, {"preset": "minitorch", "dataset": "xor", "epochs": 2},
              {"preset": "micrograd", "points": 20, "learning_rate": 50}]  # fmt: skip
    lines = [line for body in bodies for line in lines_of(client.post("/api/train", json=body))]
    assert {"split", "units"} <= set(lines[0]) and any("warnings" in line for line in lines)
    for line in lines:
        validator.validate(line)
    listing = client.get("/api/datasets").json()
    Draft202012Validator({**document["components"]["schemas"]["DatasetsResponse"],
                          "components": document["components"]}).validate(listing)  # fmt: skip
