"""Training speed: a full-batch step against micrograd, minitorch's default run, the API's first frames.

1. One full-batch step of the micrograd preset (MLP(2, [16, 16, 1]), hinge loss + L2, 100 moons
   points): our compiled step, and micrograd's own MLP given the same weights and trained the demo's
   way (Value graph, backward, p.data -= lr * p.grad). Interleaved rounds, who goes first
   alternating, every round from the same weights; medians and the median of the per-round ratios,
   with Python's cycle collector on for both (its default thresholds) and off for both. Our plain
   Scalar step is timed beside them. Targets: ≥ 5× micrograd with the collector on, ≥ 3× with it off.
2. minitorch's default run (500 epochs, 50 points, H = 2) with the compiled step and with the
   plain Scalar step.
3. Through the API (one uvicorn worker on loopback): time from sending POST /api/train to its
   first line and to its first progress frame, for both presets' defaults; the server's first
   training apart, since it also starts the training worker process.

Run: .venv/bin/python bench/train.py [--rounds N] [--tries N]
"""

from __future__ import annotations

import argparse
import gc
import os
import statistics
import sys
import time
from pathlib import Path

import httpx
from micrograd.engine import Value
from micrograd.nn import MLP as MicrogradMLP

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from server import free_port, start_server  # bench/server.py

from engine.training import PRESETS, CompiledTrainer, ScalarTrainer, Setup, train

sys.setrecursionlimit(100_000)  # micrograd's topological sort recurses once per node in a chain


def micrograd_like(setup: Setup) -> MicrogradMLP:
    """micrograd's MLP(2, [H, H, 1]) holding the setup's starting weights (same order: neuron by neuron)."""
    model = MicrogradMLP(2, [setup.hidden, setup.hidden, 1])
    for p, value in zip(model.parameters(), setup.parameter_values().values(), strict=True):
        p.data = value
    return model


def micrograd_step(model: MicrogradMLP, points, labels, learning_rate: float) -> float:
    """The demo notebook's step, full batch."""
    inputs = [[Value(x1), Value(x2)] for x1, x2 in points]
    scores = list(map(model, inputs))
    losses = [(1 + -(2 * y - 1) * score).relu() for y, score in zip(labels, scores, strict=True)]
    data_loss = sum(losses) * (1.0 / len(losses))
    total = data_loss + 1e-4 * sum(p * p for p in model.parameters())
    model.zero_grad()
    total.backward()
    for p in model.parameters():
        p.data -= learning_rate * p.grad
    return total.data


def timed(step, collector: bool) -> tuple[float, float]:
    gc.collect()
    if not collector:
        gc.disable()
    try:
        start = time.perf_counter()
        loss = step()
        return time.perf_counter() - start, loss
    finally:
        gc.enable()


def compare_step(rounds: int, collector: bool) -> dict:
    setup = Setup("micrograd", "moons", 100, 16, "relu", 0)
    start_values = list(setup.parameter_values().values())
    ours = CompiledTrainer(setup)
    plain = ScalarTrainer(Setup("micrograd", "moons", 100, 16, "relu", 0))
    theirs = micrograd_like(setup)
    points, labels = setup.dataset.points, setup.dataset.labels

    def run_ours() -> float:
        ours.values = list(start_values)
        return ours.train_epoch(1.0).loss

    def run_theirs() -> float:
        for p, value in zip(theirs.parameters(), start_values, strict=True):
            p.data = value
        return micrograd_step(theirs, points, labels, 1.0)

    def run_plain() -> float:
        plain.setup.set_parameters(dict(zip(setup.names, start_values, strict=True)))
        return plain.train_epoch(1.0).loss

    times: dict[str, list[float]] = {"ours": [], "micrograd": [], "scalar": []}
    ratios = []
    for i in range(rounds):
        order = [("ours", run_ours), ("micrograd", run_theirs), ("scalar", run_plain)]
        if i % 2:
            order.reverse()
        losses = {}
        for name, step in order:
            seconds, losses[name] = timed(step, collector)
            times[name].append(seconds)
        if (
            abs(losses["ours"] - losses["micrograd"]) > 1e-12
            or abs(losses["ours"] - losses["scalar"]) > 1e-12
        ):
            raise SystemExit(f"the steps disagree on the loss: {losses}")
        ratios.append(times["micrograd"][-1] / times["ours"][-1])
    return {name: statistics.median(values) for name, values in times.items()} | {
        "ratio": statistics.median(ratios)
    }


def minitorch_default_run() -> tuple[float, float, float]:
    d = PRESETS["minitorch"].defaults
    figures = []
    for make in (CompiledTrainer, ScalarTrainer):
        setup = Setup("minitorch", d.dataset, d.points, d.hidden, d.activation, 0)
        start = time.perf_counter()
        run = list(train(setup, make(setup), d.learning_rate, d.epochs))
        figures.append(time.perf_counter() - start)
    return figures[0], figures[1], run[-1].accuracy


def first_frames(port: int, body: dict, tries: int) -> tuple[float, float, float, float]:
    """Seconds to the first line and to the first progress frame: the first try's, and the medians
    of the others (the first training of a server process also starts its training worker)."""
    to_start, to_frame = [], []
    with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=60) as client:
        for _ in range(tries):
            began = time.perf_counter()
            with client.stream("POST", "/api/train", json=body) as stream:
                lines = stream.iter_lines()
                next(lines)
                to_start.append(time.perf_counter() - began)
                next(lines)
                to_frame.append(time.perf_counter() - began)
    return to_start[0], to_frame[0], statistics.median(to_start[1:]), statistics.median(to_frame[1:])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=9)
    parser.add_argument("--tries", type=int, default=7)
    args = parser.parse_args()
    print(f"machine: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.2f}")

    compare_step(1, True)  # warm-up
    ok = True
    for collector, target in ((True, 5.0), (False, 3.0)):
        f = compare_step(args.rounds, collector)
        verdict = "meets" if f["ratio"] >= target else "MISSES"
        ok &= f["ratio"] >= target
        print(
            f"micrograd preset, one full-batch step on 100 moons points, cycle collector "
            f"{'on ' if collector else 'off'}: micrograd {f['micrograd'] * 1e3:7.1f} ms, "
            f"ours compiled {f['ours'] * 1e3:6.1f} ms, ours plain Scalar {f['scalar'] * 1e3:7.1f} ms; "
            f"micrograd / ours {f['ratio']:.1f}x ({verdict} the {target:.0f}x target)"
        )

    compiled, plain, accuracy = minitorch_default_run()
    print(
        f"minitorch default run (500 epochs, 50 points, H = 2, simple): compiled {compiled:.2f} s, "
        f"plain Scalar {plain:.2f} s; accuracy {accuracy:.0%}"
    )

    port = free_port()
    server = start_server(port)
    try:
        for preset in ("minitorch", "micrograd"):
            cold_start, cold_frame, start, frame = first_frames(port, {"preset": preset}, args.tries + 1)
            print(
                f"API, {preset} defaults: first line after {start * 1e3:.1f} ms, first progress frame "
                f"after {frame * 1e3:.1f} ms (median of {args.tries}); the server's very first training: "
                f"{cold_start * 1e3:.0f} ms and {cold_frame * 1e3:.0f} ms"
            )
    finally:
        server.terminate()
        server.wait(timeout=10)
    print("PASS" if ok else "FAIL: targets are 5x micrograd with the collector on, 3x with it off")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
