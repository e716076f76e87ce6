"""The plot's square and the grids over it: the model's output (the decision boundary) and every
hidden unit's output, cell by cell. See docs/training.md."""

from __future__ import annotations

import math
from dataclasses import dataclass

from .datasets import DATASETS, Dataset


@dataclass(frozen=True)
class Square:
    x_min: float
    x_max: float
    y_min: float
    y_max: float


#: Where each dataset's plot is centred and its half width, before it grows to hold every point.
_PLOT_CENTRES = {name: (0.5, 0.5, 0.5) for name in DATASETS} | {"moons": (0.5, 0.25, 1.75)}


def plot_square(dataset: Dataset) -> Square:
    """The square the page plots: the dataset's usual region ([0, 1]², or around the moons); when a
    point falls outside (the spiral's outer turn at small n, noisy points) it grows, in steps of 0.05,
    to hold every point with a 5% margin."""
    cx, cy, half = _PLOT_CENTRES[dataset.name]
    reach = max((max(abs(x - cx), abs(y - cy)) for x, y in dataset.points), default=0.0)
    if reach > half:
        half = math.ceil(reach * 1.05 * 20) / 20
    return Square(cx - half, cx + half, cy - half, cy + half)


def grid_points(square: Square, size: int) -> tuple[list[float], list[float]]:
    """The centres of a size × size grid of cells over the square, row by row from y_min up,
    left to right in each row: cell (r, c) is entry r·size + c."""
    dx = (square.x_max - square.x_min) / size
    dy = (square.y_max - square.y_min) / size
    xs1 = [square.x_min + (c + 0.5) * dx for _ in range(size) for c in range(size)]
    xs2 = [square.y_min + (r + 0.5) * dy for r in range(size) for _ in range(size)]
    return xs1, xs2


def decision_grid(trainer, square: Square, size: int) -> list[float]:
    """The model's output at every cell centre of the grid (see `grid_points`), current parameters."""
    return trainer.predict(*grid_points(square, size))


def unit_grids(trainer, square: Square, size: int) -> tuple[list[float], dict[str, list[float]]]:
    """The model's output and every hidden unit's (by name, ``h1_0`` …) over the same grid, from
    one pass of a `CompiledTrainer`'s model."""
    return trainer.predict_units(*grid_points(square, size))
