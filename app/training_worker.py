"""The training worker: the process that runs every /api/train training of one server process.

It imports the engine and orjson only (no web framework), so it starts quickly and shares nothing
with the event loop: training never holds the server's interpreter, and a busy machine that pauses
this process pauses no request. `app.training` starts it and talks to it over a pipe.

- `JobSpec` is a training request with every default filled in (its `Settings`): plain values that
  cross the pipe. The worker builds the model from it, once.
- `training_lines` is one training as a generator: each ``next()`` runs one epoch (or the set-up)
  and says whether there is a line to send. Frames are throttled here: one every FRAME_INTERVAL at
  most, a decision boundary (with the hidden units' grids) once BOUNDARY_INTERVAL has passed, and
  always the last epoch. Each frame says what is wrong, if anything (`engine.diagnosis`); a loss
  that grows far past its start ends the run with a final frame that says so.
- `serve` is the worker's loop: an epoch of each training in turn, messages from the server between.

See docs/training.md and docs/architecture.md.
"""

from __future__ import annotations

import collections
import contextlib
import logging
import math
import os
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

import orjson

from engine.diagnosis import diagnose, diverged
from engine.plot import plot_square, unit_grids
from engine.presets import Settings
from engine.training import CompiledTrainer, Setup, train

log = logging.getLogger(__name__)

FRAME_INTERVAL = 0.05  # seconds: at most 20 frames a second
#: A boundary rides on the first frame after this: with a frame interval and an epoch on top, a
#: fresh boundary arrives at least every half second while epochs take under 50 ms.
BOUNDARY_INTERVAL = 0.4
GRID_SIZE = 30  # cells a side: 900 model evaluations per boundary
MAX_BACKLOG = 8  # lines the client has not read yet before frames wait (the curve keeps every epoch)
#: The worker runs at a lower priority than the server, so that when the machine is short of CPU
#: it is training that waits, not requests.
WORKER_NICENESS = 10


@dataclass(frozen=True)
class JobSpec:
    """One training: its settings (every default filled in), which epochs to run, the pace, and the
    starting parameters by name (already checked against the model's names)."""

    settings: Settings
    start_epoch: int
    stop_epoch: int
    epochs_per_second: float | None = None
    parameters: dict[str, float] = field(default_factory=dict)

    def setup(self) -> Setup:
        setup = Setup.from_settings(self.settings)
        setup.set_parameters(self.parameters)
        return setup


# -- one training as lines -------------------------------------------------------------------------------


def _line(payload: dict) -> bytes:
    return orjson.dumps(payload) + b"\n"


def error_line(epoch: int, code: str, message: str, warnings: list | None = None) -> bytes:
    """A stream's last line when it cannot go on: ``math_error`` (the numbers left the reals) or
    ``internal_error`` (a bug, or the worker died)."""
    detail = {"code": code, "message": message, "line": None, "column": None, "names": []}
    line = {"type": "error", "epoch": epoch, "detail": detail}
    if warnings:
        line["warnings"] = [w.as_dict() for w in warnings]
    return _line(line)


@dataclass(frozen=True)
class Slice:
    """What one step of a job produced: a line to send (or None), and when it may run again."""

    line: bytes | None
    not_before: float = 0.0


def training_lines(job: JobSpec, clock: Callable[[], float] = time.monotonic,
                   backlog: Callable[[], int] = lambda: 0) -> Iterator[Slice]:  # fmt: skip
    """The whole stream of one training: the start line, frames, and the final frame or an error.

    Each ``next()`` does one piece of work (the set-up, or one epoch). ``backlog`` tells how many
    lines still wait for the client: while it is high, frames wait too (the last one never does).
    """
    setup = job.setup()
    settings = job.settings
    preset = setup.preset
    trainer = CompiledTrainer(setup)
    square = plot_square(setup.dataset)
    names = setup.names
    started = clock()

    def grids() -> dict:
        values, units = unit_grids(trainer, square, GRID_SIZE)
        return {"boundary": {"size": GRID_SIZE, "values": values}, "units": units}

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
            "noise": settings.noise,
            "test_fraction": settings.test_fraction,
            "learning_rate": settings.learning_rate,
            "epochs": settings.epochs,
            "start_epoch": job.start_epoch,
            "stop_epoch": job.stop_epoch,
            "epochs_per_second": job.epochs_per_second,
        },
        "points": [list(p) for p in setup.dataset.points],
        "labels": list(setup.dataset.labels),
        "split": setup.split,
        "names": names,
        "paths": {name: paths[id(p)] for name, p in setup.named.items()},
        "layers": layers,
        "parameters": dict(zip(names, trainer.parameter_values(), strict=True)),
        "output": {"kind": preset.output, "threshold": preset.threshold},
        "square": vars(square),
        **grids(),
        "frame_interval": FRAME_INTERVAL,
        "boundary_interval": BOUNDARY_INTERVAL,
    }
    pace = 1.0 / job.epochs_per_second if job.epochs_per_second else 0.0
    last_frame = last_boundary = started
    yield Slice(_line(start), started + pace)
    history: dict[str, list] = {"epochs": [], "loss": [], "accuracy": []}
    latest = None  # the last epoch run (history holds the ones no frame has told of yet)
    start_loss = None  # the loss of this request's first epoch: how far it grows tells a divergence

    def frame_line(epoch, now: float, final: bool, last: bool = False, stop=None) -> bytes:
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
        if epoch.test_loss is not None:
            frame["test_loss"], frame["test_accuracy"] = epoch.test_loss, epoch.test_accuracy
        if final or last or now - last_boundary >= BOUNDARY_INTERVAL:
            frame |= grids()
            last_boundary = now
        warnings = diagnose(trainer.train_units(), epoch.data_gradient, epoch.accuracy)
        if stop is not None:
            warnings.append(stop)
        if warnings:
            frame["warnings"] = [w.as_dict() for w in warnings]
        last_frame = now
        history = {"epochs": [], "loss": [], "accuracy": []}
        return _line(frame)

    epochs = train(setup, trainer, settings.learning_rate, settings.epochs, job.start_epoch, job.stop_epoch)
    while True:
        begun = clock()
        try:
            epoch = next(epochs)
        except StopIteration:
            return
        except ArithmeticError as exc:  # MathError, or a loss that left the real numbers
            failed = latest.epoch + 1 if latest else job.start_epoch + 1
            message = f"epoch {failed}: {exc}; try a smaller learning rate"
            rate = preset.learning_rate_at(settings.learning_rate, failed - 1, settings.epochs)
            warning = diverged(math.inf, start_loss or math.inf, failed, rate)
            # The epochs run since the last frame go out first, with a boundary, so none is lost.
            tell = frame_line(latest, clock(), False, last=True) if history["epochs"] else b""
            yield Slice(tell + error_line(failed, "math_error", message, [warning]))
            return
        history["epochs"].append(epoch.epoch)
        history["loss"].append(epoch.loss)
        history["accuracy"].append(epoch.accuracy)
        latest = epoch
        start_loss = epoch.loss if start_loss is None else start_loss
        now = clock()
        stop = diverged(epoch.loss, start_loss, epoch.epoch, epoch.learning_rate)
        if stop is not None:  # the last line: a final frame that says why
            yield Slice(frame_line(epoch, now, True, stop=stop))
            return
        final = epoch.epoch == job.stop_epoch
        due = now - last_frame >= FRAME_INTERVAL and backlog() < MAX_BACKLOG
        if not (final or due):
            yield Slice(None, begun + pace)
            continue
        yield Slice(frame_line(epoch, now, final), begun + pace)


# -- the worker's loop -----------------------------------------------------------------------------------

#: Messages. From the server: ("start", run id, JobSpec), ("cancel", run id), ("read", run id) when
#: the client has taken a line, ("stop", None) to end the worker. To the server: (run id, line
#: bytes), and (run id, None) at a training's end.
START, CANCEL, READ, STOP = "start", "cancel", "read", "stop"


@dataclass
class _Run:
    lines: Iterator[Slice]
    not_before: float = 0.0
    unread: int = 0


def serve(connection, clock: Callable[[], float] = time.monotonic, niceness: int = WORKER_NICENESS) -> None:
    """Run trainings until told to stop or the server is gone: an epoch of each due one in turn."""
    with contextlib.suppress(AttributeError, OSError):  # not every system has nice()
        os.nice(niceness)
    runs: dict[int, _Run] = {}
    turns: collections.deque[int] = collections.deque()

    def end(run_id: int) -> None:
        run = runs.pop(run_id, None)
        if run is not None:
            run.lines.close()
            turns.remove(run_id)
            connection.send((run_id, None))

    def handle(message) -> bool:
        """Act on one message; False to stop."""
        kind, run_id, *rest = message
        if kind == STOP:
            return False
        if kind == START:
            run = _Run(iter(()))
            run.lines = training_lines(rest[0], clock, lambda: run.unread)
            runs[run_id] = run
            turns.append(run_id)
        elif kind == CANCEL:
            end(run_id)
        elif kind == READ and run_id in runs:
            runs[run_id].unread -= 1
        return True

    while True:
        try:
            # Read every waiting message; wait for one only when no training is due.
            now = clock()
            waits = [run.not_before - now for run in runs.values()]
            timeout = None if not waits else max(0.0, min(waits))
            while connection.poll(timeout):
                if not handle(connection.recv()):
                    return
                timeout = 0.0
        except (EOFError, OSError):  # the server is gone
            return
        now = clock()
        due = next((run_id for run_id in turns if runs[run_id].not_before <= now), None)
        if due is None:
            continue
        turns.remove(due)
        turns.append(due)
        run = runs[due]
        try:
            piece = next(run.lines)
        except StopIteration:
            end(due)
            continue
        except Exception:  # a bug: end this stream with a line that says so, keep serving the rest
            log.exception("training failed")
            message = "the training stopped on an internal error"
            connection.send((due, error_line(0, "internal_error", message)))
            end(due)
            continue
        run.not_before = piece.not_before
        if piece.line is not None:
            run.unread += 1
            connection.send((due, piece.line))
