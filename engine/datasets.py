"""Two-class datasets in the plane: minitorch's six and micrograd's moons, each from a seed.

minitorch's draw ``n`` points uniformly in [0, 1]² (x₁ then x₂ for each point, from one generator)
and label them by a rule; the spiral is deterministic and has 2·(n // 2) points. The moons are two
interleaved half circles with Gaussian noise, as scikit-learn's ``make_moons`` makes them for
micrograd's demo (written here: no scikit-learn). Labels are 0 and 1. `with_noise` moves a
dataset's points (labels stay), `split_points` sets some apart as a test set; both draw from
generators of their own, so the points themselves do not change with them. See docs/training.md.
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable
from dataclasses import dataclass

Point = tuple[float, float]


@dataclass(frozen=True)
class Dataset:
    """Points in the plane and their 0/1 labels, in the same order."""

    name: str
    points: tuple[Point, ...]
    labels: tuple[int, ...]

    def __len__(self) -> int:
        return len(self.points)


def uniform_points(n: int, rng: random.Random) -> list[Point]:
    """``n`` points uniform in [0, 1]², each drawn x₁ first (minitorch's make_pts)."""
    points = []
    for _ in range(n):
        x1 = rng.random()
        x2 = rng.random()
        points.append((x1, x2))
    return points


def _labelled(name: str, n: int, seed: int, rule: Callable[[float, float], bool]) -> Dataset:
    points = uniform_points(n, random.Random(seed))
    return Dataset(name, tuple(points), tuple(1 if rule(x1, x2) else 0 for x1, x2 in points))


def simple(n: int = 50, seed: int = 0) -> Dataset:
    """Class 1 where x₁ < 0.5: one vertical boundary."""
    return _labelled("simple", n, seed, lambda x1, x2: x1 < 0.5)


def diag(n: int = 50, seed: int = 0) -> Dataset:
    """Class 1 where x₁ + x₂ < 0.5: one diagonal boundary."""
    return _labelled("diag", n, seed, lambda x1, x2: x1 + x2 < 0.5)


def split(n: int = 50, seed: int = 0) -> Dataset:
    """Class 1 where x₁ < 0.2 or x₁ > 0.8: two vertical boundaries."""
    return _labelled("split", n, seed, lambda x1, x2: x1 < 0.2 or x1 > 0.8)


def xor(n: int = 50, seed: int = 0) -> Dataset:
    """Class 1 in the top-left and bottom-right quarters."""
    return _labelled("xor", n, seed, lambda x1, x2: (x1 < 0.5 and x2 > 0.5) or (x1 > 0.5 and x2 < 0.5))


def circle(n: int = 50, seed: int = 0) -> Dataset:
    """Class 1 outside the circle of radius √0.1 around the centre."""
    return _labelled("circle", n, seed, lambda x1, x2: (x1 - 0.5) ** 2 + (x2 - 0.5) ** 2 > 0.1)


def spiral(n: int = 50, seed: int = 0) -> Dataset:
    """Two interleaved spirals, one per class (deterministic: the seed is not used).

    Each arm has n // 2 points. Point i of the first arm sits at angle t = 10·i / (n // 2) for
    i = 5 … n // 2 + 4, radius t / 20 around (0.5, 0.5); the second arm is the first turned a
    quarter and mirrored (minitorch's construction: at small n its outer turn leaves [0, 1]²).
    """
    half = n // 2

    def x(t: float) -> float:
        return t * math.cos(t) / 20.0

    def y(t: float) -> float:
        return t * math.sin(t) / 20.0

    steps = range(5, 5 + half)
    first = [(x(10.0 * (i / half)) + 0.5, y(10.0 * (i / half)) + 0.5) for i in steps]
    second = [(y(-10.0 * (i / half)) + 0.5, x(-10.0 * (i / half)) + 0.5) for i in steps]
    return Dataset("spiral", tuple(first + second), tuple([0] * half + [1] * half))


def moons(n: int = 100, seed: int = 0, noise: float = 0.1) -> Dataset:
    """Two interleaved half moons with Gaussian noise (micrograd's demo data).

    Label 0 on top (centre (0, 0)), label 1 below (centre (1, 0.5)), shuffled, then noise of
    standard deviation ``noise`` on every coordinate: scikit-learn's make_moons recipe.
    """
    rng = random.Random(seed)
    n_outer = n // 2
    n_inner = n - n_outer

    def angles(count: int) -> list[float]:  # evenly from 0 to π, both ends included
        return [math.pi * k / (count - 1) for k in range(count)] if count > 1 else [0.0] * count

    outer = [(math.cos(t), math.sin(t)) for t in angles(n_outer)]
    inner = [(1.0 - math.cos(t), 1.0 - math.sin(t) - 0.5) for t in angles(n_inner)]
    points = outer + inner
    labels = [0] * n_outer + [1] * n_inner
    order = list(range(n))
    rng.shuffle(order)
    noisy = [(points[k][0] + rng.gauss(0.0, noise), points[k][1] + rng.gauss(0.0, noise)) for k in order]
    return Dataset("moons", tuple(noisy), tuple(labels[k] for k in order))


#: Every dataset by name, in the order a menu lists them.
DATASETS: dict[str, Callable[..., Dataset]] = {
    "simple": simple,
    "diag": diag,
    "split": split,
    "xor": xor,
    "circle": circle,
    "spiral": spiral,
    "moons": moons,
}


def with_noise(dataset: Dataset, noise: float, seed: int = 0) -> Dataset:
    """The dataset with every coordinate moved by Gaussian noise of standard deviation ``noise``
    (the unit square's side; the moons' radius), labels unchanged, as TensorFlow Playground's noise
    moves points after labelling them. The shifts come from ``random.Random(f"noise-{seed}")``."""
    if noise == 0:
        return dataset
    rng = random.Random(f"noise-{seed}")
    points = tuple((x1 + rng.gauss(0.0, noise), x2 + rng.gauss(0.0, noise)) for x1, x2 in dataset.points)
    return Dataset(dataset.name, points, dataset.labels)


def split_points(n: int, test_fraction: float, seed: int = 0) -> tuple[bool, ...]:
    """Which of ``n`` points are set apart as a test set (True): round(test_fraction · n) of them,
    drawn from ``random.Random(f"split-{seed}")``; at least one point stays for training."""
    count = min(round(test_fraction * n), n - 1)
    chosen = set(random.Random(f"split-{seed}").sample(range(n), count)) if count > 0 else set()
    return tuple(k in chosen for k in range(n))


def make_dataset(name: str, n: int, seed: int = 0) -> Dataset:
    """The dataset called ``name`` with ``n`` points (the spiral: 2·(n // 2)) from ``seed``."""
    try:
        make = DATASETS[name]
    except KeyError:
        raise ValueError(f"unknown dataset {name!r}: choose one of {', '.join(DATASETS)}") from None
    return make(n, seed)
