"""/api/train's plumbing: a request becomes a job, a worker process runs it, its lines stream out.

- `resolve` fills the preset's defaults in (`settings_of`) and refuses what does not fit together
  (422), without building the model: the worker builds it, once.
- `TrainingPool` admits a bounded number of trainings (more get 503) and hands them to this server
  process's training worker (`app.training_worker`), a process of its own started at the first
  training. Training in a thread of this process made /healthz wait behind it: the thread held the
  interpreter, and on a busy machine it was often paused while holding it. A reader thread takes
  the worker's lines off the pipe and puts each on its stream's queue on the event loop.
- `TrainingStreamResponse` sends a stream's lines and, when the client goes away, cancels the job.

See docs/training.md and docs/architecture.md.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import logging
import multiprocessing
import threading
from collections.abc import Mapping

import anyio
from starlette.responses import StreamingResponse

from app.errors import ApiError
from app.schemas import ExampleRequest, ModelSetup, TrainRequest
from app.training_worker import CANCEL, READ, START, STOP, JobSpec, error_line, serve
from engine.presets import PRESETS, Settings, resolve_settings
from engine.training import Setup

log = logging.getLogger(__name__)


# -- requests --------------------------------------------------------------------------------------------


def invalid(message: str, names: list[str]) -> ApiError:
    return ApiError("invalid_request", message, names)


def settings_of(request: ModelSetup) -> Settings:
    """The settings a request means, every default filled in (by `resolve_settings`, the only place
    that knows them). A request without a learning rate or epochs (an example's) gets the preset's."""
    return resolve_settings(
        request.preset, request.dataset, request.points, request.hidden, request.activation,
        getattr(request, "learning_rate", None), getattr(request, "epochs", None), request.seed,
        request.noise, request.test_fraction,
    )  # fmt: skip


def check_parameter_names(settings: Settings, parameters: Mapping[str, float]) -> None:
    """422 for a parameter name the model does not have (known from the preset and hidden alone)."""
    known = set(PRESETS[settings.preset].parameter_names(settings.hidden))
    unknown = sorted(set(parameters) - known)
    if unknown:
        raise invalid(
            f"the {settings.preset} model with hidden = {settings.hidden} has no parameter "
            f"{', '.join(map(repr, unknown))} (its names run l1_w0_0 … l3_b0)",
            unknown,
        )


def build_setup(request: ModelSetup) -> Setup:
    """The model and dataset a request asks for, at its starting parameters (422 for unknown names)."""
    settings = settings_of(request)
    check_parameter_names(settings, request.parameters)
    setup = Setup.from_settings(settings)
    setup.set_parameters(request.parameters)
    return setup


def resolve(request: TrainRequest) -> JobSpec:
    """A validated request, defaults filled in; fields that do not fit together are a 422. The
    Setup itself is built once, by the worker."""
    settings = settings_of(request)
    if request.start_epoch >= settings.epochs:
        raise invalid(
            f"start_epoch ({request.start_epoch}) must be less than epochs ({settings.epochs}): "
            "nothing is left",
            ["start_epoch", "epochs"],
        )
    check_parameter_names(settings, request.parameters)
    stop = settings.epochs
    if request.steps is not None:
        stop = min(stop, request.start_epoch + request.steps)
    return JobSpec(
        settings=settings,
        start_epoch=request.start_epoch,
        stop_epoch=stop,
        epochs_per_second=request.epochs_per_second,
        parameters=dict(request.parameters),
    )


def resolve_example(request: ExampleRequest) -> Setup:
    setup = build_setup(request)
    if request.index >= len(setup.dataset):
        raise invalid(
            f"index {request.index} is past the last point: the dataset has {len(setup.dataset)} points",
            ["index", "points"],
        )
    return setup


# -- the pool --------------------------------------------------------------------------------------------


class TrainingBusy(Exception):
    """The pool already runs its maximum number of trainings."""


_END = object()


class TrainingRun:
    """One admitted training, seen from the event loop: the queue its lines arrive on."""

    def __init__(self, pool: TrainingPool, run_id: int, loop: asyncio.AbstractEventLoop) -> None:
        self.pool = pool
        self.run_id = run_id
        self.loop = loop
        self.queue: asyncio.Queue = asyncio.Queue()
        self.cancelled = False
        self.ended = False

    def cancel(self) -> None:
        """Stop the training at its next epoch (nothing to do once its stream has ended)."""
        if not self.cancelled and not self.ended:
            self.cancelled = True
            self.pool.send((CANCEL, self.run_id))

    def deliver(self, item) -> None:
        """From the reader thread: hand a line (or the end) to the event loop."""
        with contextlib.suppress(RuntimeError):  # the loop is closed: nobody is listening
            self.loop.call_soon_threadsafe(self.queue.put_nowait, item)

    async def stream(self):
        while True:
            item = await self.queue.get()
            if item is _END:
                self.ended = True
                return
            self.pool.send((READ, self.run_id))  # lets the worker hold frames back from a slow client
            yield item


class TrainingPool:
    """Admits up to ``capacity`` trainings at once and runs them in one worker process."""

    def __init__(self, capacity: int) -> None:
        self.capacity = capacity
        self._runs: dict[int, TrainingRun] = {}
        self._ids = itertools.count()
        self._lock = threading.Lock()  # guards _runs, the worker's start, and writes to the pipe
        self._connection = None
        self._process = None

    @property
    def running(self) -> int:
        """Trainings admitted and not yet finished or cancelled."""
        return len(self._runs)

    def submit(self, job: JobSpec) -> TrainingRun:
        """Admit a job (call on the event loop); raises TrainingBusy at capacity."""
        with self._lock:
            if len(self._runs) >= self.capacity:
                raise TrainingBusy
            if self._process is None or not self._process.is_alive():
                self._start_worker()
            run = TrainingRun(self, next(self._ids), asyncio.get_running_loop())
            self._runs[run.run_id] = run
            self._connection.send((START, run.run_id, job))
        return run

    def send(self, message) -> None:
        with self._lock:
            if self._connection is not None:
                with contextlib.suppress(OSError):  # the worker is gone; the reader ends every run
                    self._connection.send(message)

    def _start_worker(self) -> None:
        # "spawn": a fresh interpreter, never a fork of this threaded one.
        context = multiprocessing.get_context("spawn")
        ours, theirs = context.Pipe()
        self._process = context.Process(target=serve, args=(theirs,), name="training-worker", daemon=True)
        self._process.start()
        theirs.close()
        self._connection = ours
        threading.Thread(target=self._read, args=(ours,), name="training-reader", daemon=True).start()

    def _read(self, connection) -> None:
        """The reader thread: the worker's lines to their streams, until the worker is gone."""
        while True:
            try:
                run_id, line = connection.recv()
            except (EOFError, OSError):
                break
            if line is None:
                with self._lock:
                    run = self._runs.pop(run_id, None)
                if run is not None:
                    run.deliver(_END)
            elif (run := self._runs.get(run_id)) is not None:
                run.deliver(line)
        with self._lock:  # the worker died: end every stream it had, and start afresh next time
            if self._connection is connection:
                self._connection = None
                self._process = None
            runs = list(self._runs.values())
            self._runs.clear()
        line = error_line(0, "internal_error", "the training worker stopped")
        for run in runs:
            run.deliver(line)
            run.deliver(_END)

    def close(self) -> None:
        """Stop the worker; streams it still had end with an error line."""
        with self._lock:
            process = self._process
        self.send((STOP, None))  # closing our end would not do: the reader thread is blocked on it
        if process is not None:
            process.join(timeout=5)
            if process.is_alive():
                process.kill()


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
