"""Engine speed against micrograd, measured in the same run.

The graph: sum over 3,000 inputs of relu(x*w + b), about 12,000 nodes. Each round builds it and
runs backward once with micrograd's Value and once with our Scalar (which goes first alternates),
and the median of the per-round ratios is printed. Also a 1,000,000-node chain: time and memory.

Run: .venv/bin/python bench/engine.py [--rounds N]
"""

from __future__ import annotations

import argparse
import gc
import random
import statistics
import sys
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from micrograd.engine import Value

from engine import Scalar

N_INPUTS = 3_000
# micrograd's topological sort is recursive: a running sum 3,000 deep needs a higher limit.
sys.setrecursionlimit(50_000)


def make_data(seed: int = 0) -> list[tuple[float, float, float]]:
    rng = random.Random(seed)
    return [(rng.uniform(-1, 1), rng.uniform(-1, 1), rng.uniform(-1, 1)) for _ in range(N_INPUTS)]


def run_micrograd(data) -> float:
    total = Value(0.0)
    leaves = []
    for x, w, b in data:
        xv, wv, bv = Value(x), Value(w), Value(b)
        leaves.append(wv)
        total = total + (xv * wv + bv).relu()
    total.backward()
    return leaves[0].grad


def run_scalar(data) -> float:
    total = Scalar(0.0)
    leaves = []
    for x, w, b in data:
        xs, ws, bs = Scalar(x), Scalar(w), Scalar(b)
        leaves.append(ws)
        total = total + (xs * ws + bs).relu()
    total.backward()
    return leaves[0].grad


def timed(fn, data, collector: bool = True) -> tuple[float, float]:
    gc.collect()
    if not collector:
        gc.disable()
    try:
        start = time.perf_counter()
        result = fn(data)
        return time.perf_counter() - start, result
    finally:
        gc.enable()


def compare(data, rounds: int, collector: bool) -> tuple[float, float, float]:
    """Interleaved rounds, which engine goes first alternating: medians of ours, theirs, the ratio."""
    ratios, ours, theirs = [], [], []
    for i in range(rounds):
        order = [(run_scalar, ours), (run_micrograd, theirs)]
        if i % 2:
            order.reverse()
        results = {}
        for fn, times in order:
            seconds, results[fn] = timed(fn, data, collector)
            times.append(seconds)
        if abs(results[run_scalar] - results[run_micrograd]) > 1e-12:
            raise SystemExit("engines disagree on the gradient")
        ratios.append(theirs[-1] / ours[-1])
    return statistics.median(ours), statistics.median(theirs), statistics.median(ratios)


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
    start = time.perf_counter()
    x, z = build_chain(n)
    z.backward()
    seconds = time.perf_counter() - start
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument("--chain", type=int, default=1_000_000)
    args = parser.parse_args()
    data = make_data()
    run_scalar(data), run_micrograd(data)  # warm-up
    ours, theirs, ratio = compare(data, args.rounds, collector=True)
    nodes = 4 * N_INPUTS  # mul, add, relu, running sum per input (plus the leaves)
    print(
        f"graph: sum of relu(x*w + b) over {N_INPUTS} inputs, ~{nodes} operation nodes, {args.rounds} rounds"
    )
    print(f"  micrograd forward+backward median: {theirs * 1e3:8.2f} ms")
    print(f"  Scalar    forward+backward median: {ours * 1e3:8.2f} ms")
    print(f"  speed ratio (micrograd time / Scalar time), median: {ratio:.2f}x")
    # Much of micrograd's time is Python's cycle collector: each Value's _backward closure refers
    # back to the Value, so its graphs are reference cycles. Shown apart, for honesty's sake.
    ours, theirs, ratio = compare(data, args.rounds, collector=False)
    print(f"  the same with the cycle collector off for both: micrograd {theirs * 1e3:.2f} ms, "
          f"Scalar {ours * 1e3:.2f} ms, ratio {ratio:.2f}x")  # fmt: skip
    seconds, per_node = chain(args.chain)
    print(
        f"chain of {args.chain:,} multiplications: {seconds:.2f} s build+backward, "
        f"{per_node:.0f} bytes per node held by the graph (tracemalloc)"
    )


if __name__ == "__main__":
    main()
