"""Datasets: minitorch's rules on uniform points, its deterministic spiral, micrograd's moons."""

from __future__ import annotations

import math
import random
import statistics

import pytest

from engine.datasets import DATASETS, circle, diag, make_dataset, moons, simple, spiral, split, xor

RULES = {
    simple: lambda x1, x2: x1 < 0.5,
    diag: lambda x1, x2: x1 + x2 < 0.5,
    split: lambda x1, x2: x1 < 0.2 or x1 > 0.8,
    xor: lambda x1, x2: (x1 < 0.5 and x2 > 0.5) or (x1 > 0.5 and x2 < 0.5),
    circle: lambda x1, x2: (x1 - 0.5) ** 2 + (x2 - 0.5) ** 2 > 0.1,
}


@pytest.mark.parametrize("make", list(RULES), ids=lambda f: f.__name__)
def test_uniform_datasets_draw_x1_then_x2_and_label_by_their_rule(make):
    data = make(60, seed=9)
    draws = random.Random(9)
    assert data.points == tuple((draws.random(), draws.random()) for _ in range(60))
    assert data.labels == tuple(int(RULES[make](x1, x2)) for x1, x2 in data.points)
    assert len(data) == 60 and data.name == make.__name__
    assert 0 < sum(data.labels) < 60  # both classes present at this size
    assert make(60, seed=9) == data
    assert make(60, seed=10) != data


def test_the_default_size_is_minitorchs_fifty():
    assert len(simple()) == 50 and len(moons()) == 100


def test_spiral_is_deterministic_with_its_true_length():
    data = spiral(51, seed=123)
    assert len(data) == 50  # 2 · (51 // 2)
    assert data == spiral(51, seed=0)
    assert data.labels == (0,) * 25 + (1,) * 25
    t = 10.0 * 5 / 25  # the first arm starts at i = 5
    assert data.points[0] == (t * math.cos(t) / 20.0 + 0.5, t * math.sin(t) / 20.0 + 0.5)
    assert data.points[25] == (-t * math.sin(-t) / 20.0 + 0.5, -t * math.cos(-t) / 20.0 + 0.5)
    assert min(min(p) for p in data.points) < 0.0  # the outer turn leaves the unit square


def test_moons_without_noise_lie_on_their_half_circles():
    data = moons(100, seed=1, noise=0.0)
    assert sorted(data.labels) == [0] * 50 + [1] * 50
    for (x, y), label in zip(data.points, data.labels, strict=True):
        if label == 0:  # the upper half circle around (0, 0)
            assert math.hypot(x, y) == pytest.approx(1.0) and y >= -1e-12
        else:  # the lower one around (1, 0.5)
            assert math.hypot(x - 1.0, y - 0.5) == pytest.approx(1.0) and y <= 0.5 + 1e-12
    assert data.labels != tuple(sorted(data.labels))  # shuffled, as make_moons does


def test_moons_noise_has_the_asked_spread():
    data = moons(200, seed=2, noise=0.1)
    clean = moons(200, seed=2, noise=0.0)
    assert data.labels == clean.labels  # the same shuffle; noise comes after it
    offsets = [
        a - b for p, q in zip(data.points, clean.points, strict=True) for a, b in zip(p, q, strict=True)
    ]
    assert 0.08 < statistics.pstdev(offsets) < 0.12
    assert moons(100, seed=5) == moons(100, seed=5)


def test_make_dataset_by_name_and_unknown_names():
    assert list(DATASETS) == ["simple", "diag", "split", "xor", "circle", "spiral", "moons"]
    assert make_dataset("xor", 10, 4) == xor(10, 4)
    with pytest.raises(ValueError, match="unknown dataset 'ring'"):
        make_dataset("ring", 10)
