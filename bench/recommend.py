"""Measure the recommended settings (engine.presets.RECOMMENDED): final accuracy over seeds 0–4.

For each dataset, every seed's run of the recommended request body (the preset's other defaults,
so the preset's number of points) to its last epoch; the final accuracy is the last epoch's, as
the last frame of /api/train reports it. Prints a Markdown table (median, min, max, seconds per
run) for docs/training.md, and each seed's accuracy. Seconds are CPU seconds
(time.process_time), near what a run takes on a quiet machine. ``--try`` measures candidate settings instead.

Run: .venv/bin/python bench/recommend.py [--seeds 5] [--only spiral] [--try "minitorch 8 tanh 0.5 500"]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from engine.datasets import DATASETS
from engine.presets import RECOMMENDED, Recommended, resolve_settings
from engine.training import CompiledTrainer, Setup, train

#: What the median final accuracy over seeds 0–4 must reach (issue 18).
TARGETS = {"simple": 0.95, "diag": 0.95, "split": 0.9, "xor": 0.9, "circle": 0.9, "moons": 0.9, "spiral": 0.8}


def final_accuracy(dataset: str, seed: int, recommended: Recommended) -> float:
    """The last epoch's accuracy of a whole run (0 when the run stops on a non-finite number)."""
    settings = resolve_settings(dataset=dataset, seed=seed, **vars(recommended))
    setup = Setup.from_settings(settings)
    accuracy = 0.0
    try:
        for epoch in train(setup, CompiledTrainer(setup), settings.learning_rate, settings.epochs):
            accuracy = epoch.accuracy
    except ArithmeticError:
        return 0.0
    return accuracy


def measure(dataset: str, recommended: Recommended, seeds: int) -> tuple[list[float], float]:
    """Every seed's final accuracy, and the CPU seconds per run (time.process_time: on a shared,
    busy machine the wall clock counts other people's work too)."""
    started = time.process_time()
    accuracies = [final_accuracy(dataset, seed, recommended) for seed in range(seeds)]
    return accuracies, (time.process_time() - started) / seeds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seeds", type=int, default=5)
    parser.add_argument("--only", action="append", choices=list(DATASETS))
    parser.add_argument("--try", dest="candidates", action="append", default=[],
                        help='"preset hidden activation learning_rate epochs"')  # fmt: skip
    args = parser.parse_args()
    print("| dataset | settings | median | min | max | target | CPU s / run |")
    print("|---|---|---|---|---|---|---|")
    for dataset in args.only or list(DATASETS):
        options = [RECOMMENDED[dataset]]
        if args.candidates:
            options = []
            for text in args.candidates:
                preset, hidden, activation, rate, epochs = text.split()
                options.append(Recommended(preset, int(hidden), activation, float(rate), int(epochs)))
        for option in options:
            accuracies, seconds = measure(dataset, option, args.seeds)
            described = (
                f"{option.preset}, H = {option.hidden}, {option.activation}, lr {option.learning_rate:g}, "
            )
            described += f"{option.epochs} epochs"
            print(
                f"| {dataset} | {described} | {statistics.median(accuracies):.0%} | {min(accuracies):.0%} "
                f"| {max(accuracies):.0%} | {TARGETS[dataset]:.0%} | {seconds:.1f} |"
                f"  seeds: {', '.join(f'{a:.0%}' for a in accuracies)}",
                flush=True,
            )


if __name__ == "__main__":
    main()
