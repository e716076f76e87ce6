"""/api/train, /api/train/example and /api/datasets: the stream's framing, validation, disconnects, 503."""

from __future__ import annotations

import asyncio
import itertools
import json

import orjson
import pytest

from app.main import app
from app.schemas import TrainingRefused, TrainingUnprocessable, TrainLine, TrainRequest
from app.training import TrainingPool, get_training_pool, resolve
from app.training_worker import BOUNDARY_INTERVAL, FRAME_INTERVAL, GRID_SIZE, training_lines
from engine.training import CompiledTrainer, Setup, train


def lines_of(answer) -> list[dict]:
    assert answer.status_code == 200, answer.text[:500]
    assert answer.headers["content-type"] == "application/x-ndjson"
    assert answer.text.endswith("\n")
    return [json.loads(line) for line in answer.text.splitlines()]


# -- the stream ------------------------------------------------------------------------------------------


def test_a_stream_is_a_start_line_then_frames_up_to_the_last_epoch(client):
    body = {"preset": "minitorch", "dataset": "xor", "points": 40, "hidden": 4, "epochs": 300, "seed": 3}
    lines = lines_of(client.post("/api/train", json=body))
    for line in lines:
        TrainLine.model_validate(line)  # every line fits the documented schema
    start, frames = lines[0], lines[1:]
    assert start["type"] == "start"
    assert start["setup"] == {
        "preset": "minitorch", "dataset": "xor", "points": 40, "hidden": 4, "activation": "relu", "seed": 3,
        "noise": 0.0, "test_fraction": 0.0, "learning_rate": 0.5, "epochs": 300, "start_epoch": 0,
        "stop_epoch": 300, "epochs_per_second": None,
    }  # fmt: skip
    setup = Setup("minitorch", "xor", 40, 4, "relu", 3)
    assert start["points"] == [list(p) for p in setup.dataset.points]
    assert start["labels"] == list(setup.dataset.labels)
    assert start["split"] == ["train"] * 40  # no test set asked for
    assert start["names"] == setup.names
    assert start["parameters"] == setup.parameter_values()
    assert start["paths"]["l2_w3_1"] == "layer2.weight_3_1"
    assert [layer["activation"] for layer in start["layers"]] == ["relu", "relu", "sigmoid"]
    assert start["output"] == {"kind": "probability", "threshold": 0.5}
    assert start["square"] == {"x_min": 0.0, "x_max": 1.0, "y_min": 0.0, "y_max": 1.0}
    assert len(start["boundary"]["values"]) == GRID_SIZE**2 >= 30 * 30
    assert [f["type"] for f in frames] == ["frame"] * len(frames)
    assert [f["final"] for f in frames] == [False] * (len(frames) - 1) + [True]
    assert frames[-1]["epoch"] == 300 and "boundary" in frames[-1]
    # The history of all frames together is every epoch once, in order.
    assert list(itertools.chain.from_iterable(f["history"]["epochs"] for f in frames)) == list(range(1, 301))
    for f in frames:
        assert f["history"]["epochs"][-1] == f["epoch"]
        assert f["history"]["loss"][-1] == f["loss"]
    # The numbers are the library's.
    expected = list(train(setup, CompiledTrainer(setup), 0.5, 300))
    last = expected[-1]
    assert frames[-1]["loss"] == last.loss and frames[-1]["accuracy"] == last.accuracy
    assert frames[-1]["parameters"] == dict(zip(setup.names, last.parameters, strict=True))
    assert frames[-1]["gradients"] == dict(zip(setup.names, last.gradients, strict=True))
    losses = list(itertools.chain.from_iterable(f["history"]["loss"] for f in frames))
    assert losses == [e.loss for e in expected]


def test_frames_keep_their_rate_and_boundaries_come_when_due(client):
    body = {"preset": "micrograd", "points": 60, "hidden": 8, "epochs": 120}
    lines = lines_of(client.post("/api/train", json=body))
    frames = lines[1:]
    times = [0.0] + [f["elapsed"] for f in frames]
    for earlier, later, frame in zip(times, times[1:], frames, strict=False):
        if not frame["final"]:
            assert later - earlier >= FRAME_INTERVAL - 1e-9
    last_boundary = 0.0
    for frame in frames:
        if "boundary" in frame:
            assert frame["final"] or frame["elapsed"] - last_boundary >= BOUNDARY_INTERVAL - 1e-9
            last_boundary = frame["elapsed"]
        else:  # never left out when one was due
            assert frame["elapsed"] - last_boundary < BOUNDARY_INTERVAL
    assert lines[0]["output"] == {"kind": "score", "threshold": 0.0}


def job_for(**body):
    return resolve(TrainRequest.model_validate(body))


def fake_clock(step: float):
    ticks = itertools.count()
    return lambda: next(ticks) * step


def test_with_a_slow_clock_every_epoch_is_a_frame_and_every_other_one_has_a_boundary():
    job = job_for(preset="minitorch", points=10, epochs=6)
    slices = list(training_lines(job, clock=fake_clock(0.15)))  # two clock reads per epoch: 0.3 s
    frames = [orjson.loads(s.line) for s in slices[1:]]
    assert [f["epoch"] for f in frames] == [1, 2, 3, 4, 5, 6]
    assert ["boundary" in f for f in frames] == [False, True, False, True, False, True]


def test_with_a_fast_clock_frames_wait_and_the_last_epoch_always_comes():
    job = job_for(preset="minitorch", points=10, epochs=50)
    slices = list(training_lines(job, clock=fake_clock(0.001)))  # 2 ms an epoch: a frame every 25 epochs
    frames = [orjson.loads(s.line) for s in slices if s.line is not None][1:]
    assert [f["epoch"] for f in frames] == [25, 50]
    assert frames[0]["history"]["epochs"] == list(range(1, 26))
    assert [s.line is None for s in slices[1:]].count(True) == 48


def test_a_client_behind_gets_no_frames_until_the_last_which_carries_every_epoch():
    job = job_for(preset="minitorch", points=10, epochs=20)
    slices = list(training_lines(job, clock=fake_clock(1.0), backlog=lambda: 100))
    frames = [orjson.loads(s.line) for s in slices if s.line is not None][1:]
    assert len(frames) == 1 and frames[0]["final"]
    assert frames[0]["history"]["epochs"] == list(range(1, 21))


def test_a_paced_run_asks_to_wait_between_epochs():
    job = job_for(preset="minitorch", points=10, epochs=3, epochs_per_second=4)
    slices = list(training_lines(job, clock=fake_clock(0.01)))
    assert slices[0].not_before == pytest.approx(0.0 + 0.25)  # after the start line
    # Each epoch may begin a quarter second after the previous one began (the clock reads 0.01, 0.03, 0.05).
    assert [s.not_before for s in slices[1:]] == pytest.approx([0.01 + 0.25, 0.03 + 0.25, 0.05 + 0.25])


def test_a_continued_run_and_a_single_step(client):
    first = lines_of(
        client.post("/api/train", json={"preset": "micrograd", "points": 20, "hidden": 3, "epochs": 10})
    )
    straight = {f["epoch"]: f for f in first[1:]}
    assert 10 in straight
    # Run epochs 1-4 as one step each, carrying the parameters, then the rest: the same numbers.
    parameters = first[0]["parameters"]
    for epoch in range(4):
        body = {"preset": "micrograd", "points": 20, "hidden": 3, "epochs": 10}
        body |= {"start_epoch": epoch, "steps": 1, "parameters": parameters}
        lines = lines_of(client.post("/api/train", json=body))
        assert lines[0]["setup"]["stop_epoch"] == epoch + 1
        assert [line["epoch"] for line in lines[1:]] == [epoch + 1] and lines[-1]["final"]
        parameters = lines[-1]["parameters"]
    body = {
        "preset": "micrograd",
        "points": 20,
        "hidden": 3,
        "epochs": 10,
        "start_epoch": 4,
        "parameters": parameters,
    }
    rest = lines_of(client.post("/api/train", json=body))
    assert rest[-1]["parameters"] == straight[10]["parameters"]
    assert rest[-1]["loss"] == straight[10]["loss"]


def test_a_loss_that_stops_being_finite_ends_with_an_error_line(client):
    # An output bias of 800 makes the sigmoid exactly 1 on every point: −log(1 − out) is log(0) for
    # every label-0 point in the first epoch's forward pass.
    body = {"preset": "minitorch", "dataset": "circle", "hidden": 4, "parameters": {"l3_b0": 800.0}}
    lines = lines_of(client.post("/api/train", json=body))
    assert [line["type"] for line in lines] == ["start", "error"]
    error = lines[-1]
    TrainLine.model_validate(error)
    assert error["epoch"] == 1
    assert error["detail"] == {
        "code": "math_error",
        "message": "epoch 1: log(0.0): value is not a finite number (log is defined for x > 0 only); "
        "try a smaller learning rate",
        "line": None, "column": None, "names": [],
    }  # fmt: skip
    assert [w["code"] for w in error["warnings"]] == ["diverged"]
    assert error["warnings"][0]["message"].startswith("Stopped at epoch 1: the loss is no longer a finite")


# -- validation ------------------------------------------------------------------------------------------

SCHEMA_ERRORS = [
    ({"points": 201}, ["body", "points"]),
    ({"points": 1}, ["body", "points"]),
    ({"hidden": 17}, ["body", "hidden"]),
    ({"hidden": 0}, ["body", "hidden"]),
    ({"epochs": 2001}, ["body", "epochs"]),
    ({"preset": "torch"}, ["body", "preset"]),
    ({"dataset": "ring"}, ["body", "dataset"]),
    ({"activation": "gelu"}, ["body", "activation"]),
    ({"learning_rate": 0}, ["body", "learning_rate"]),
    ({"learning_rate": -0.5}, ["body", "learning_rate"]),
    ({"learning_rate": 1e9}, ["body", "learning_rate"]),
    ({"points": "50"}, ["body", "points"]),
    ({"seed": -1}, ["body", "seed"]),
    ({"batch": 10}, ["body", "batch"]),
    ({"parameters": {"l1_w0_0": "1"}}, ["body", "parameters", "l1_w0_0"]),
]


@pytest.mark.parametrize(("body", "where"), SCHEMA_ERRORS)
def test_a_body_outside_the_schema_is_a_422_that_says_where(client, body, where):
    answer = client.post("/api/train", json=body)
    assert answer.status_code == 422
    TrainingUnprocessable.model_validate(answer.json())
    assert [issue["loc"] for issue in answer.json()["detail"]] == [where]


def test_non_finite_and_malformed_bodies_are_422s(client):
    for raw in (b'{"learning_rate": NaN}', b'{"learning_rate": 1e999}', b'{"preset": '):
        answer = client.post("/api/train", content=raw, headers={"content-type": "application/json"})
        assert answer.status_code == 422, raw
        assert isinstance(answer.json()["detail"], list)


def test_fields_that_do_not_fit_together_are_named(client):
    answer = client.post("/api/train", json={"epochs": 10, "start_epoch": 10})
    assert answer.status_code == 422
    detail = answer.json()["detail"]
    assert detail["code"] == "invalid_request" and detail["names"] == ["start_epoch", "epochs"]
    assert detail["message"] == "start_epoch (10) must be less than epochs (10): nothing is left"
    answer = client.post(
        "/api/train", json={"hidden": 2, "parameters": {"l1_w0_0": 1.0, "l4_b0": 2.0, "w": 3.0}}
    )
    assert answer.status_code == 422
    assert answer.json()["detail"]["names"] == ["l4_b0", "w"]
    TrainingUnprocessable.model_validate(answer.json())


# -- the pool: disconnects and the bound -----------------------------------------------------------------


class StreamingCall:
    """One request to the ASGI app that the test reads message by message and can hang up on."""

    def __init__(self, body: dict) -> None:
        self.body = json.dumps(body).encode()
        self.sent: asyncio.Queue = asyncio.Queue()
        self.gone = asyncio.Event()
        self.task: asyncio.Task | None = None

    def start(self) -> StreamingCall:
        scope = {
            "type": "http", "asgi": {"version": "3.0", "spec_version": "2.4"}, "http_version": "1.1",
            "method": "POST", "scheme": "http", "path": "/api/train", "raw_path": b"/api/train",
            "root_path": "", "query_string": b"", "client": ("127.0.0.1", 50000), "server": ("test", 80),
            "headers": [(b"content-type", b"application/json"), (b"content-length", b"%d" % len(self.body))],
        }  # fmt: skip
        delivered = False

        async def receive():
            nonlocal delivered
            if not delivered:
                delivered = True
                return {"type": "http.request", "body": self.body, "more_body": False}
            await self.gone.wait()
            return {"type": "http.disconnect"}

        async def send(message):
            await self.sent.put(message)

        self.task = asyncio.create_task(app(scope, receive, send))
        return self

    async def message(self, timeout: float = 30.0) -> dict:
        return await asyncio.wait_for(self.sent.get(), timeout)

    async def first_line(self) -> tuple[int, dict, dict]:
        start = await self.message()
        body = await self.message()
        headers = {k.decode(): v.decode() for k, v in start["headers"]}
        return start["status"], headers, orjson.loads(body["body"].splitlines()[0])

    async def hang_up(self) -> None:
        self.gone.set()
        await asyncio.wait_for(self.task, 30.0)


async def until(condition, timeout: float = 10.0) -> None:
    """Poll ``condition`` until it holds (a generous ceiling: it normally takes one epoch)."""
    deadline = asyncio.get_running_loop().time() + timeout
    while not condition():
        assert asyncio.get_running_loop().time() < deadline, "timed out"
        await asyncio.sleep(0.01)


@pytest.fixture
def small_pool():
    pool = TrainingPool(capacity=1)
    app.dependency_overrides[get_training_pool] = lambda: pool
    yield pool
    app.dependency_overrides.pop(get_training_pool, None)
    pool.close()


# 2,000 epochs at 2 a second: a training that would run for over a quarter of an hour.
SLOW = {"preset": "micrograd", "points": 20, "hidden": 2, "epochs": 2000, "epochs_per_second": 2}


def test_a_client_that_hangs_up_stops_its_training(small_pool):
    async def scenario():
        call = StreamingCall(SLOW).start()
        status, _, line = await call.first_line()
        assert status == 200 and line["type"] == "start"
        assert small_pool.running == 1
        await call.hang_up()
        await until(lambda: small_pool.running == 0)

    asyncio.run(scenario())


def test_past_the_bound_a_training_gets_503_with_retry_after(small_pool):
    async def scenario():
        first = StreamingCall(SLOW).start()
        assert (await first.first_line())[0] == 200
        refused = StreamingCall(SLOW).start()
        start = await refused.message()
        body = await refused.message()
        headers = {k.decode(): v.decode() for k, v in start["headers"]}
        assert start["status"] == 503
        assert headers["retry-after"] == "2"
        answer = orjson.loads(body["body"])
        TrainingRefused.model_validate(answer)
        assert answer["detail"]["code"] == "busy"
        assert answer["detail"]["message"] == "this worker already runs 1 trainings; try again shortly"
        await refused.hang_up()
        await first.hang_up()
        await until(lambda: small_pool.running == 0)
        again = StreamingCall(SLOW).start()  # the slot is free again
        assert (await again.first_line())[0] == 200
        await again.hang_up()
        await until(lambda: small_pool.running == 0)

    asyncio.run(scenario())


def test_a_worker_that_dies_ends_its_streams_and_the_next_training_gets_a_new_one(small_pool):
    async def scenario():
        call = StreamingCall(SLOW).start()
        assert (await call.first_line())[0] == 200
        small_pool._process.kill()  # as the kernel's OOM killer would
        body = b""
        while True:
            message = await call.message()
            body += message.get("body", b"")
            if not message.get("more_body", False):
                break
        error = orjson.loads(body.splitlines()[-1])
        assert error["type"] == "error" and error["detail"]["code"] == "internal_error"
        await until(lambda: small_pool.running == 0)
        await call.hang_up()
        again = StreamingCall({"preset": "minitorch", "points": 10, "epochs": 3}).start()
        assert (await again.first_line())[0] == 200
        await again.hang_up()

    asyncio.run(scenario())


def test_a_finished_stream_frees_its_slot(client, small_pool):
    lines_of(client.post("/api/train", json={"preset": "minitorch", "points": 10, "epochs": 5}))
    assert small_pool.running == 0
    lines_of(client.post("/api/train", json={"preset": "minitorch", "points": 10, "epochs": 5}))


# -- datasets and presets --------------------------------------------------------------------------------


def test_datasets_and_presets_are_listed_with_their_defaults(client):
    answer = client.get("/api/datasets")
    assert answer.status_code == 200
    listing = answer.json()
    assert [(d["name"], d["source"], d["default_points"]) for d in listing["datasets"]] == [
        ("simple", "minitorch", 50), ("diag", "minitorch", 50), ("split", "minitorch", 50),
        ("xor", "minitorch", 50), ("circle", "minitorch", 50), ("spiral", "minitorch", 50),
        ("moons", "micrograd", 100),
    ]  # fmt: skip
    minitorch, micrograd = listing["presets"]
    keys = ("dataset", "points", "hidden", "activation", "learning_rate", "epochs")
    assert [minitorch[k] for k in keys] == ["simple", 50, 2, "relu", 0.5, 500]
    assert [micrograd[k] for k in keys] == ["moons", 100, 16, "relu", 1.0, 100]
    assert listing["activations"] == ["relu", "tanh", "sigmoid"]
    assert listing["limits"] == {
        "points": 200,
        "hidden": 16,
        "epochs": 2000,
        "noise": 0.5,
        "test_fraction": 0.5,
    }


def test_the_training_routes_are_documented(client):
    document = client.get("/openapi.json").json()
    train = document["paths"]["/api/train"]["post"]["responses"]
    assert list(train["200"]["content"]) == ["application/x-ndjson"]
    assert train["503"]["headers"]["Retry-After"]["schema"] == {"type": "integer"}
    assert list(train["422"]["content"]) == ["application/json"]
    line = train["200"]["content"]["application/x-ndjson"]["schema"]
    assert {option["properties"]["type"]["const"] for option in line["anyOf"]} == {"start", "frame", "error"}
    assert {"/api/train/example", "/api/train/gradients", "/api/datasets"} <= set(document["paths"])
