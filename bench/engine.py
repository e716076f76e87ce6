"""Engine speed against micrograd on several graph shapes, measured in the same run.

Every shape is one function written once and run on both engines (our ``Scalar`` and micrograd's
``Value``): the same plain operations (``+``, ``*``, ``relu``) build the same graph on both sides,
then ``backward()`` runs once. Rounds are interleaved (which engine goes first alternates), and
``gc.collect()`` runs before every timed run so each side pays for its own garbage (freeing the
finished graph is left out of the time on both sides). Every shape is timed twice: with
Python's cycle collector on for both (as people run them) and off for both (the engines' own
work: micrograd's closures make reference cycles that the collector has to chase, which is not a
property of its core). The per-round ratios' median is printed per shape, with the geometric mean
over the shapes. Times are this process's CPU time (``time.process_time``): on a machine shared
with other work, time spent waiting for a core lands in neither engine's figure. Also a
1,000,000-node chain: time and memory per node. And the recorded pass (``trace_columns``, what the
API's answers are made from) on three graphs of columns, in nanoseconds a node.

Run: .venv/bin/python bench/engine.py [--rounds N] [--chain N] [--shapes name,...] [--trace-rounds N]
"""

from __future__ import annotations

import argparse
import gc
import itertools
import math
import random
import statistics
import sys
import time
import tracemalloc
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from micrograd.engine import Value

from engine import Scalar, trace_columns
from engine.language import evaluate

# micrograd's topological sort is recursive: graphs thousands of nodes deep need a higher limit.
sys.setrecursionlimit(100_000)


# -- the shapes: each builds its graph with `V` (Scalar or Value), runs backward, and returns a
#    number both engines must agree on (a gradient or the loss) and the graph's output, so that the
#    graph is freed after the clock stops, on both sides (micrograd's cycles outlive the run
#    anyway while the collector is off) ---------------------------------------------------------


def fresh_leaves(V, data):
    """sum of relu(x*w + b) with a fresh x, w and b for each of 3,000 terms."""
    total = V(0.0)
    first_w = None
    for x, w, b in data["triples"]:
        wv = V(w)
        first_w = first_w or wv
        total = total + (V(x) * wv + V(b)).relu()
    total.backward()
    return first_w.grad, total


def shared_parameters(V, data):
    """sum of relu(x*w + b) over 3,000 inputs x (plain numbers), one w and one b for all."""
    w, b = V(data["w"]), V(data["b"])
    total = V(0.0)
    for x, _, _ in data["triples"]:
        total = total + (w * x + b).relu()
    total.backward()
    return w.grad + b.grad, total


def deep_chain(V, data):
    """z = relu(z*w + b), 4,000 times over: a graph 12,000 nodes deep, w and b shared."""
    w, b = V(0.9), V(0.1)
    z = V(1.0)
    for _ in range(4_000):
        z = (z * w + b).relu()
    z.backward()
    return w.grad + b.grad, z


def wide_fan_in(V, data):
    """sum of x_i * y_i over 8,192 leaf pairs, added as a balanced tree (13 levels deep)."""
    level = [V(x) * V(y) for x, y in data["pairs"]]
    while len(level) > 1:
        level = [level[i] + level[i + 1] for i in range(0, len(level), 2)]
    level[0].backward()
    return level[0].data, level[0]


def mlp_step(V, data):
    """One training step of micrograd's demo network MLP(2, [16, 16, 1]) on 100 points.

    Hinge loss + L2, zero the gradients, backward, update (the parameters persist per engine)."""
    layers = data["models"].setdefault(V, _mlp_parameters(V, data["seed"]))
    parameters = [p for layer in layers for neuron in layer for p in neuron]
    for p in parameters:
        p.grad = 0.0
    scores = []
    for x1, x2 in data["points"]:
        activations = [V(x1), V(x2)]
        for depth, layer in enumerate(layers):
            outputs = []
            for *weights, bias in layer:
                act = sum((w * a for w, a in zip(weights, activations, strict=True)), bias)
                outputs.append(act.relu() if depth < len(layers) - 1 else act)
            activations = outputs
        scores.append(activations[0])
    losses = [(1 + -y * score).relu() for y, score in zip(data["labels"], scores, strict=True)]
    data_loss = sum(losses) * (1.0 / len(losses))
    reg_loss = 1e-4 * sum(p * p for p in parameters)
    total = data_loss + reg_loss
    total.backward()
    for p in parameters:
        p.data -= 0.5 * p.grad
    return total.data, total


def _mlp_parameters(V, seed: int) -> list:
    """Layers of neurons, each neuron its weights then its bias, as micrograd's nn makes them."""
    rng = random.Random(seed)
    sizes = [2, 16, 16, 1]
    return [
        [[V(rng.uniform(-1, 1)) for _ in range(n_in)] + [V(0.0)] for _ in range(n_out)]
        for n_in, n_out in itertools.pairwise(sizes)
    ]


@dataclass
class Shape:
    name: str
    run: Callable


SHAPES = [
    Shape("fresh leaves", fresh_leaves),
    Shape("shared parameters", shared_parameters),
    Shape("deep chain", deep_chain),
    Shape("wide fan-in", wide_fan_in),
    Shape("MLP step", mlp_step),
]


def make_data(seed: int = 0) -> dict:
    rng = random.Random(seed)
    points = [(rng.uniform(-2, 2), rng.uniform(-2, 2)) for _ in range(100)]
    return {
        "triples": [(rng.uniform(-1, 1), rng.uniform(-1, 1), rng.uniform(-1, 1)) for _ in range(3_000)],
        "w": 0.5,
        "b": 0.1,
        "pairs": [(rng.uniform(-1, 1), rng.uniform(-1, 1)) for _ in range(8_192)],
        "points": points,
        "labels": [1.0 if x1 * x2 > 0 else -1.0 for x1, x2 in points],
        "seed": seed,
        "models": {},
    }


# -- timing --------------------------------------------------------------------------------------


def timed(run, V, data, collector: bool) -> tuple[float, float]:
    gc.collect()
    if not collector:
        gc.disable()
    try:
        start = time.process_time()
        result, graph = run(V, data)
        seconds = time.process_time() - start
    finally:
        gc.enable()
    del graph  # freed outside the timed run
    return seconds, result


def compare(shape: Shape, rounds: int, collector: bool) -> tuple[float, float, float]:
    """Interleaved rounds, which engine goes first alternating: medians of ours, theirs, the ratio."""
    data = make_data()
    ours, theirs, ratios = [], [], []
    for i in range(rounds):
        order = [(Scalar, ours), (Value, theirs)]
        if i % 2:
            order.reverse()
        results = {}
        for V, times in order:
            seconds, results[V] = timed(shape.run, V, data, collector)
            times.append(seconds)
        if not math.isclose(results[Scalar], results[Value], rel_tol=1e-9, abs_tol=1e-12):
            raise SystemExit(f"{shape.name}: the engines disagree ({results[Scalar]} vs {results[Value]})")
        ratios.append(theirs[-1] / ours[-1])
    return statistics.median(ours), statistics.median(theirs), statistics.median(ratios)


# -- a million-node chain ------------------------------------------------------------------------


def build_chain(n: int) -> tuple[Scalar, Scalar]:
    x = Scalar(0.5)
    z = x
    step = Scalar(1.0000001)
    for _ in range(n):
        z = z * step
    return x, z


def chain(n: int) -> tuple[float, float]:
    """A chain of n multiplications: seconds for build+backward, and bytes per node kept alive
    (tracemalloc, which slows Python down a lot, is measured on a separate tenth-size chain)."""
    gc.collect()
    start = time.process_time()
    x, z = build_chain(n)
    z.backward()
    seconds = time.process_time() - start
    assert abs(x.grad - 1.0000001**n) < 1e-6
    del x, z
    gc.collect()
    small = max(1, n // 10)
    tracemalloc.start()
    kept = build_chain(small)
    held, _ = tracemalloc.get_traced_memory()
    del kept
    tracemalloc.stop()
    return seconds, held / small


# -- the recorded pass ---------------------------------------------------------------------------

TRACE_SHAPES = {
    # Binary steps only: 49,999 multiplications in a row.
    "50,000-node product": ("x" + "*x" * 49_998, {"x": 1.0}),
    # Unary steps only: t_i = -tanh(t_{i-1}), a neg and a tanh a line.
    "chain of unary steps": (
        "t0 = 0.1\n" + "\n".join(f"t{i} = -tanh(t{i - 1})" for i in range(1, 9_000)),
        {},
    ),
    # Mixed, as bench/api.py's "50k layered tanh": h_i = tanh(h_{i-1}*.5 + h_{i-2}*.3 - 1).
    "layered tanh": (
        "h0 = 0.1\nh1 = 0.2\n" + "\n".join(f"h{i}=tanh(h{i - 1}*.5+h{i - 2}*.3-1)" for i in range(2, 5_557)),
        {},
    ),
}


def recorded_pass(rounds: int) -> None:
    """``trace_columns`` on each shape's graph of columns: the median CPU time a node."""
    for name, (source, values) in TRACE_SHAPES.items():
        graph = evaluate(source, values)
        columns = (graph.functions, graph.values, graph.inputs, graph.input_counts, graph.constant)
        times = []
        for _ in range(rounds):
            gc.collect()
            start = time.process_time()
            trace_columns(*columns, names=graph.labels)
            times.append(time.process_time() - start)
        per_node = statistics.median(times) / graph.count * 1e9
        print(f"recorded pass, {name} ({graph.count:,} nodes): {per_node:.0f} ns a node")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=11)
    parser.add_argument("--chain", type=int, default=1_000_000, help="0 skips the chain")
    parser.add_argument("--shapes", default="", help="comma-separated names (default: all)")
    parser.add_argument("--trace-rounds", type=int, default=15, help="0 skips the recorded pass")
    args = parser.parse_args()
    chosen = [s for s in SHAPES if not args.shapes or s.name in args.shapes.split(",")]
    print(f"{args.rounds} interleaved rounds per shape and collector setting; CPU time, medians; "
          f"ratio = micrograd time / Scalar time")  # fmt: skip
    header = f"{'shape':<24}{'collector':>10}{'micrograd ms':>14}{'Scalar ms':>12}{'ratio':>8}"
    print(header)
    print("-" * len(header))
    ratios: dict[bool, list[float]] = {True: [], False: []}
    for shape in chosen:
        for V in (Scalar, Value):  # warm-up
            shape.run(V, make_data())
        for collector in (True, False):
            ours, theirs, ratio = compare(shape, args.rounds, collector)
            ratios[collector].append(ratio)
            print(f"{shape.name:<24}{'on' if collector else 'off':>10}{theirs * 1e3:>14.2f}"
                  f"{ours * 1e3:>12.2f}{ratio:>7.2f}x")  # fmt: skip
    print("-" * len(header))
    for collector in (True, False) if chosen else ():
        geomean = math.exp(statistics.fmean(math.log(r) for r in ratios[collector]))
        print(f"{'geometric mean':<24}{'on' if collector else 'off':>10}{'':>26}{geomean:>7.2f}x")
    for shape in chosen:
        print(f"  {shape.name}: {shape.run.__doc__.split(chr(10))[0]}")
    if args.chain:
        seconds, per_node = chain(args.chain)
        print(f"chain of {args.chain:,} multiplications: {seconds:.2f} s build+backward, "
              f"{per_node:.0f} bytes per node held by the graph (tracemalloc)")  # fmt: skip
    if args.trace_rounds:
        recorded_pass(args.trace_rounds)


if __name__ == "__main__":
    main()
