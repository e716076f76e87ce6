"""/api/train's plumbing: a request becomes a training job, jobs run on one thread, lines stream out.

- `resolve` fills the preset's defaults in and refuses what does not fit together (422).
- `training_lines` is one training as a generator: each ``next()`` runs one epoch (or the set-up)
  and says whether there is a line to send. Frames are throttled here: one every FRAME_INTERVAL at
  most, a decision boundary once BOUNDARY_INTERVAL has passed, and always the last epoch.
- `TrainingPool` runs every job of this process on one background thread, an epoch of each in
  turn. Python runs one thread at a time anyway; one compute thread instead of one per training
  means the event loop waits for at most one switch interval, not for every training in the queue,
  so /healthz stays fast under load. A bounded number of jobs run at once; more are refused (503).
- `TrainingStreamResponse` sends the lines and, when the client goes away, cancels the job.

See docs/training.md and docs/architecture.md.
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import logging
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import anyio
import orjson
from fastapi import HTTPException
from starlette.responses import StreamingResponse

from app.schemas import ExampleRequest, ModelSetup, TrainRequest
from engine.training import (
    PRESETS,
    CompiledTrainer,
    Setup,
    decision_grid,
    plot_square,
    train,
)

log = logging.getLogger(__name__)

FRAME_INTERVAL = 0.05  # seconds: at most 20 frames a second
#: A boundary rides on the first frame after this: with a frame interval and an epoch on top, a
#: fresh boundary arrives at least every half second while epochs take under 50 ms.
BOUNDARY_INTERVAL = 0.4
GRID_SIZE = 30  # cells a side: 900 model evaluations per boundary
MAX_BACKLOG = 8  # lines waiting for a slow client before frames wait (the curve keeps every epoch)
#: How long the compute thread may keep the interpreter once another thread asks for it (Python's
#: default is 5 ms). A request needs it three or four times (read, handle, write), so at 5 ms a
#: /healthz behind a busy training waited 15-20 ms at best; at 1 ms, a few. Set when the pool starts.
SWITCH_INTERVAL = 0.001


# -- requests --------------------------------------------------------------------------------------------


def invalid(message: str, names: list[str]) -> HTTPException:
    detail = {"code": "invalid_request", "message": message, "line": None, "column": None, "names": names}
    return HTTPException(status_code=422, detail=detail)


def build_setup(request: ModelSetup) -> Setup:
    """The model and dataset a request asks for, at its starting parameters (422 for unknown names)."""
    preset = PRESETS[request.preset]
    defaults = preset.defaults
    setup = Setup(
        request.preset,
        request.dataset or defaults.dataset,
        request.points or defaults.points,
        request.hidden or defaults.hidden,
        request.activation or defaults.activation,
        request.seed,
    )
    try:
        setup.set_parameters(request.parameters)
    except KeyError as exc:
        unknown = exc.args[0]
        raise invalid(
            f"the {request.preset} model with hidden = {setup.hidden} has no parameter "
            f"{', '.join(map(repr, unknown))} (its names run l1_w0_0 … l3_b0)",
            unknown,
        ) from None
    return setup


@dataclass(frozen=True)
class TrainingJob:
    setup: Setup
    learning_rate: float
    epochs: int
    start_epoch: int
    stop_epoch: int
    epochs_per_second: float | None


def resolve(request: TrainRequest) -> TrainingJob:
    """A validated request, defaults filled in; fields that do not fit together are a 422."""
    defaults = PRESETS[request.preset].defaults
    epochs = request.epochs or defaults.epochs
    if request.start_epoch >= epochs:
        raise invalid(
            f"start_epoch ({request.start_epoch}) must be less than epochs ({epochs}): nothing is left",
            ["start_epoch", "epochs"],
        )
    stop = epochs if request.steps is None else min(epochs, request.start_epoch + request.steps)
    setup = build_setup(request)
    rate = defaults.learning_rate if request.learning_rate is None else request.learning_rate
    return TrainingJob(setup, rate, epochs, request.start_epoch, stop, request.epochs_per_second)


def resolve_example(request: ExampleRequest) -> Setup:
    setup = build_setup(request)
    if request.index >= len(setup.dataset):
        raise invalid(
            f"index {request.index} is past the last point: the dataset has {len(setup.dataset)} points",
            ["index", "points"],
        )
    return setup


# -- one training as lines -------------------------------------------------------------------------------


def _line(payload: dict) -> bytes:
    return orjson.dumps(payload) + b"\n"


@dataclass(frozen=True)
class Slice:
    """What one step of a job produced: a line to send (or None), and when it may run again."""

    line: bytes | None
    not_before: float = 0.0


def training_lines(job: TrainingJob, clock: Callable[[], float] = time.monotonic,
                   backlog: Callable[[], int] = lambda: 0) -> Iterator[Slice]:  # fmt: skip
    """The whole stream of one training: the start line, frames, and the final frame or an error.

    Each ``next()`` does one piece of work (the set-up, or one epoch). ``backlog`` tells how many
    lines still wait for the client: while it is high, frames wait too (the last one never does).
    """
    setup = job.setup
    preset = setup.preset
    trainer = CompiledTrainer(setup)
    square = plot_square(setup.dataset)
    names = setup.names
    started = clock()

    def boundary() -> dict:
        return {"size": GRID_SIZE, "values": decision_grid(trainer, square, GRID_SIZE)}

    paths = {id(p): path for path, p in setup.model.named_parameters()}
    layers = [
        {
            "name": f"l{k}",
            "inputs": layer.in_size,
            "outputs": layer.out_size,
            "activation": setup.activation
            if k < len(setup.layers)
            else ("sigmoid" if preset.output == "probability" else None),
        }
        for k, layer in enumerate(setup.layers, start=1)
    ]
    start = {
        "type": "start",
        "setup": {
            "preset": preset.name,
            "dataset": setup.dataset.name,
            "points": len(setup.dataset),
            "hidden": setup.hidden,
            "activation": setup.activation,
            "seed": setup.seed,
            "learning_rate": job.learning_rate,
            "epochs": job.epochs,
            "start_epoch": job.start_epoch,
            "stop_epoch": job.stop_epoch,
            "epochs_per_second": job.epochs_per_second,
        },
        "points": [list(p) for p in setup.dataset.points],
        "labels": list(setup.dataset.labels),
        "names": names,
        "paths": {name: paths[id(p)] for name, p in setup.named.items()},
        "layers": layers,
        "parameters": dict(zip(names, trainer.parameter_values(), strict=True)),
        "output": {"kind": preset.output, "threshold": preset.threshold},
        "square": vars(square),
        "boundary": boundary(),
        "frame_interval": FRAME_INTERVAL,
        "boundary_interval": BOUNDARY_INTERVAL,
    }
    pace = 1.0 / job.epochs_per_second if job.epochs_per_second else 0.0
    last_frame = last_boundary = started
    yield Slice(_line(start), started + pace)
    history: dict[str, list] = {"epochs": [], "loss": [], "accuracy": []}
    latest = None  # the last epoch run (history holds the ones no frame has told of yet)

    def frame_line(epoch, now: float, final: bool, last: bool = False) -> bytes:
        nonlocal history, last_frame, last_boundary
        frame = {
            "type": "frame",
            "epoch": epoch.epoch,
            "elapsed": now - started,
            "loss": epoch.loss,
            "accuracy": epoch.accuracy,
            "learning_rate": epoch.learning_rate,
            "parameters": dict(zip(names, epoch.parameters, strict=True)),
            "gradients": dict(zip(names, epoch.gradients, strict=True)),
            "history": history,
            "final": final,
        }
        if final or last or now - last_boundary >= BOUNDARY_INTERVAL:
            frame["boundary"] = boundary()
            last_boundary = now
        last_frame = now
        history = {"epochs": [], "loss": [], "accuracy": []}
        return _line(frame)

    epochs = train(setup, trainer, job.learning_rate, job.epochs, job.start_epoch, job.stop_epoch)
    while True:
        begun = clock()
        try:
            epoch = next(epochs)
        except StopIteration:
            return
        except ArithmeticError as exc:  # MathError, or a loss that left the real numbers
            failed = latest.epoch + 1 if latest else job.start_epoch + 1
            message = f"epoch {failed}: {exc}; try a smaller learning rate"
            error = {"type": "error", "epoch": failed, "detail": {"code": "math_error", "message": message}}
            # The epochs run since the last frame go out first, with a boundary, so none is lost.
            tell = frame_line(latest, clock(), False, last=True) if history["epochs"] else b""
            yield Slice(tell + _line(error))
            return
        history["epochs"].append(epoch.epoch)
        history["loss"].append(epoch.loss)
        history["accuracy"].append(epoch.accuracy)
        latest = epoch
        now = clock()
        final = epoch.epoch == job.stop_epoch
        due = now - last_frame >= FRAME_INTERVAL and backlog() < MAX_BACKLOG
        if not (final or due):
            yield Slice(None, begun + pace)
            continue
        yield Slice(frame_line(epoch, now, final), begun + pace)


# -- the pool --------------------------------------------------------------------------------------------


class TrainingBusy(Exception):
    """The pool already runs its maximum number of trainings."""


_END = object()


class TrainingRun:
    """One admitted training: its line generator and the queue its lines go to on the event loop."""

    def __init__(self, job: TrainingJob, loop: asyncio.AbstractEventLoop, clock: Callable[[], float]):
        self.loop = loop
        self.queue: asyncio.Queue = asyncio.Queue()
        self.cancelled = False
        self.not_before = 0.0
        self.lines = training_lines(job, clock, self.queue.qsize)

    def cancel(self) -> None:
        """Stop at the next epoch (called from the event loop; the compute thread notices)."""
        self.cancelled = True

    def deliver(self, item) -> bool:
        """Hand a line to the event loop; False when the loop is gone."""
        try:
            self.loop.call_soon_threadsafe(self.queue.put_nowait, item)
        except RuntimeError:  # the loop was closed: nobody is listening
            return False
        return True

    async def stream(self):
        while True:
            item = await self.queue.get()
            if item is _END:
                return
            yield item


class TrainingPool:
    """Runs up to ``capacity`` trainings at once on one compute thread, an epoch of each in turn."""

    def __init__(self, capacity: int, clock: Callable[[], float] = time.monotonic) -> None:
        self.capacity = capacity
        self.clock = clock
        self._runs: collections.deque[TrainingRun] = collections.deque()
        self._admitted = 0
        self._lock = threading.Condition()
        self._thread: threading.Thread | None = None

    @property
    def running(self) -> int:
        """Trainings admitted and not yet finished or cancelled."""
        return self._admitted

    def submit(self, job: TrainingJob) -> TrainingRun:
        """Admit a job (call on the event loop); raises TrainingBusy at capacity."""
        run = TrainingRun(job, asyncio.get_running_loop(), self.clock)
        with self._lock:
            if self._admitted >= self.capacity:
                raise TrainingBusy
            self._admitted += 1
            self._runs.append(run)
            if self._thread is None or not self._thread.is_alive():
                sys.setswitchinterval(min(sys.getswitchinterval(), SWITCH_INTERVAL))
                self._thread = threading.Thread(target=self._work, name="training", daemon=True)
                self._thread.start()
            self._lock.notify()
        return run

    def _next_run(self) -> TrainingRun:
        """The next run whose time has come, round-robin; waits while there is none."""
        with self._lock:
            while True:
                now = self.clock()
                for _ in range(len(self._runs)):
                    run = self._runs.popleft()
                    if run.cancelled or run.not_before <= now:
                        return run
                    self._runs.append(run)
                waits = [run.not_before - now for run in self._runs]
                self._lock.wait(timeout=min(waits) if waits else None)

    def _finish(self, run: TrainingRun) -> None:
        run.lines.close()
        with self._lock:  # before the stream ends: a client that saw the end may start another at once
            self._admitted -= 1
        run.deliver(_END)

    def _work(self) -> None:
        while True:
            run = self._next_run()
            if run.cancelled:
                self._finish(run)
                continue
            try:
                piece = next(run.lines)
            except StopIteration:
                self._finish(run)
                continue
            except Exception:  # a bug: end this stream with a line that says so, keep serving the rest
                log.exception("training failed")
                detail = {"code": "internal_error", "message": "the training stopped on an internal error"}
                run.deliver(_line({"type": "error", "epoch": 0, "detail": detail}))
                self._finish(run)
                continue
            if piece.line is not None and not run.deliver(piece.line):
                run.cancel()
            run.not_before = piece.not_before
            with self._lock:
                self._runs.append(run)


_pool: TrainingPool | None = None


def get_training_pool() -> TrainingPool:
    """This process's pool, sized by the settings (a FastAPI dependency; tests override it)."""
    global _pool
    if _pool is None:
        from app.settings import get_settings

        _pool = TrainingPool(get_settings().max_trainings)
    return _pool


# -- the response ----------------------------------------------------------------------------------------


class TrainingStreamResponse(StreamingResponse):
    """Streams a run's lines; whichever way the response ends (done, client gone), the run is cancelled."""

    media_type = "application/x-ndjson"

    def __init__(self, run: TrainingRun) -> None:
        super().__init__(run.stream(), headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"})
        self.run = run

    async def __call__(self, scope, receive, send) -> None:
        try:
            async with anyio.create_task_group() as group:

                async def stream_then_stop() -> None:
                    with contextlib.suppress(OSError):  # the client went away mid-write
                        await self.stream_response(send)
                    group.cancel_scope.cancel()

                group.start_soon(stream_then_stop)
                await self.listen_for_disconnect(receive)
                group.cancel_scope.cancel()
        finally:
            self.run.cancel()
