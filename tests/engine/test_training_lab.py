"""The lab's engine side: settings and defaults, noise and a test set, the hidden units, the warnings."""

from __future__ import annotations

import math
import statistics

import pytest

from engine import Scalar
from engine.datasets import make_dataset, split_points, with_noise
from engine.diagnosis import dead_units, diagnose, diverged, stalled
from engine.plot import grid_points, plot_square, unit_grids
from engine.presets import PRESETS, resolve_settings
from engine.training import CompiledTrainer, ScalarTrainer, Setup, example, train

# -- settings --------------------------------------------------------------------------------------------


def test_settings_left_out_are_the_presets_defaults():
    s = resolve_settings("micrograd", hidden=4, seed=7)
    given = (s.dataset, s.points, s.hidden, s.activation, s.learning_rate, s.epochs)
    assert given == ("moons", 100, 4, "relu", 1.0, 100)
    assert (s.seed, s.noise, s.test_fraction) == (7, 0.0, 0.0)
    assert resolve_settings("minitorch", learning_rate=0.1).learning_rate == 0.1
    with pytest.raises(ValueError, match="unknown preset 'torch'"):
        resolve_settings("torch")


@pytest.mark.parametrize("preset", list(PRESETS))
@pytest.mark.parametrize("hidden", [1, 3])
def test_the_parameter_names_are_known_without_building_the_model(preset, hidden):
    assert PRESETS[preset].parameter_names(hidden) == Setup(preset, "xor", 5, hidden, "relu").names


# -- noise and a test set --------------------------------------------------------------------------------


def test_noise_moves_the_points_but_keeps_their_labels_and_is_the_same_for_a_seed():
    clean = make_dataset("circle", 200, 3)
    assert with_noise(clean, 0.0, 3) is clean
    noisy = with_noise(clean, 0.2, 3)
    assert noisy.labels == clean.labels
    shifts = [
        a - b for p, q in zip(noisy.points, clean.points, strict=True) for a, b in zip(p, q, strict=True)
    ]
    assert statistics.pstdev(shifts) == pytest.approx(0.2, rel=0.15)
    assert with_noise(clean, 0.2, 3) == noisy
    assert with_noise(clean, 0.2, 4) != noisy
    # Some points now lie on the other side of the circle their label was given by.
    inside = [(x - 0.5) ** 2 + (y - 0.5) ** 2 > 0.1 for x, y in noisy.points]
    assert inside != [label == 1 for label in noisy.labels]


def test_a_test_set_is_the_asked_fraction_the_same_for_a_seed():
    split = split_points(50, 0.3, seed=1)
    assert sum(split) == 15
    assert split_points(50, 0.3, seed=1) == split
    assert split_points(50, 0.3, seed=2) != split
    assert sum(split_points(50, 0.0)) == 0
    assert sum(split_points(2, 0.5)) == 1 and sum(split_points(3, 0.5)) == 2  # round(1.5) is 2
    assert sum(split_points(1, 0.5)) == 0  # the only point stays for training


def test_noise_and_a_test_set_leave_the_weights_and_the_clean_points_alone():
    plain = Setup("minitorch", "xor", 40, 3, "tanh", seed=5)
    lab = Setup("minitorch", "xor", 40, 3, "tanh", seed=5, noise=0.1, test_fraction=0.25)
    assert lab.parameter_values() == plain.parameter_values()
    assert lab.dataset.labels == plain.dataset.labels
    assert lab.split.count("test") == 10 and len(lab.train_indices) == 30
    assert lab.split == ["test" if n in lab.test_indices else "train" for n in range(40)]


@pytest.mark.parametrize("preset", list(PRESETS))
def test_training_uses_the_training_points_only_and_measures_the_test_points(preset):
    setup = Setup(preset, "circle", 30, 3, "tanh", seed=2, noise=0.05, test_fraction=0.3)
    step = CompiledTrainer(setup).train_epoch(0.5)
    losses = {n: example(setup, n).loss for n in range(len(setup.dataset))}
    parameters = list(setup.parameter_values().values())
    l2 = setup.preset.regularization * sum(p * p for p in parameters)
    train_loss = statistics.fmean(losses[n] for n in setup.train_indices) + l2
    test_loss = statistics.fmean(losses[n] for n in setup.test_indices) + l2
    assert step.loss == pytest.approx(train_loss, rel=1e-12)
    assert step.test_loss == pytest.approx(test_loss, rel=1e-12)
    # The Scalar step agrees, test set and all.
    scalar = ScalarTrainer(
        Setup(preset, "circle", 30, 3, "tanh", seed=2, noise=0.05, test_fraction=0.3)
    ).train_epoch(0.5)
    assert scalar.loss == pytest.approx(step.loss, rel=1e-12)
    assert scalar.gradients == pytest.approx(step.gradients, rel=1e-9, abs=1e-12)
    assert scalar.data_gradient == pytest.approx(step.data_gradient, rel=1e-9)


# -- the hidden units ------------------------------------------------------------------------------------


@pytest.mark.parametrize("preset", list(PRESETS))
def test_each_units_grid_is_that_units_output_at_each_cell_centre(preset):
    setup = Setup(preset, "moons" if preset == "micrograd" else "spiral", 20, 3, "tanh", seed=1)
    trainer = CompiledTrainer(setup)
    square = plot_square(setup.dataset)
    boundary, units = unit_grids(trainer, square, 6)
    assert list(units) == ["h1_0", "h1_1", "h1_2", "h2_0", "h2_1", "h2_2"] == setup.unit_names
    xs1, xs2 = grid_points(square, 6)
    assert boundary == trainer.predict(xs1, xs2)
    for cell in (0, 13, 35):
        out, hidden = setup.model.forward_units((Scalar(xs1[cell]), Scalar(xs2[cell])))
        assert boundary[cell] == out.data
        flat = [unit.data for layer in hidden for unit in layer]
        assert [units[name][cell] for name in setup.unit_names] == flat


# -- the warnings ----------------------------------------------------------------------------------------


def test_a_unit_is_reported_dead_once_half_a_layer_is():
    live = [0.1, 0.5, 0.9]
    assert dead_units({"h1_0": live, "h1_1": live, "h1_2": live, "h1_3": [0.0] * 3}) is None
    warning = dead_units({"h1_0": live, "h1_1": [0.0] * 3, "h2_0": live, "h2_1": live})
    assert warning.code == "dead_units" and warning.units == ("h1_1",)
    assert warning.message.startswith("h1_1 gives 0 on every training point")
    assert "another seed" in warning.message and "tanh" in warning.message
    saturated = dead_units({"h1_0": [1.0, 1.0, 1.0], "h1_1": [0.0] * 3})
    assert saturated.units == ("h1_0", "h1_1") and "one same value" in saturated.message


def test_a_stall_is_tiny_gradients_with_poor_accuracy_and_a_divergence_a_loss_far_past_its_start():
    assert stalled(1e-5, 0.5).code == "stalled"
    assert stalled(1e-5, 0.95) is None and stalled(1e-2, 0.5) is None
    assert diverged(0.7, 0.69, 10, 0.5) is None
    assert diverged(9.9, 0.69, 10, 0.5) is None  # under 10 × max(start, 1)
    warning = diverged(10.5, 0.69, 12, 0.5)
    assert warning.message.startswith("Stopped at epoch 12: the loss grew from 0.69 to 10.5")
    assert "0.5" in warning.message and "smaller" in warning.message
    assert diverged(math.nan, 0.69, 3, 1.0).message.startswith(
        "Stopped at epoch 3: the loss is no longer a finite"
    )
    assert diverged(math.inf, 0.69, 3, 1.0) is not None


def test_minitorchs_preset_on_xor_dies_and_stalls_as_the_issue_says():
    # H = 2, relu, lr 0.5: h1_1 is dead from the start; around epoch 255 the rest die, the loss
    # goes to ln 2 and the accuracy to 50%; the gradients then fade below the stall's threshold.
    setup = Setup("minitorch", "xor", 50, 2, "relu", seed=0)
    trainer = CompiledTrainer(setup)
    said = {}
    for epoch in train(setup, trainer, 0.5, 500):
        said[epoch.epoch] = diagnose(trainer.train_units(), epoch.data_gradient, epoch.accuracy)
        if epoch.epoch == 200:
            assert epoch.accuracy >= 0.8
    assert [(w.code, w.units) for w in said[1]] == [("dead_units", ("h1_1",))]
    assert epoch.loss == pytest.approx(math.log(2), abs=1e-9) and epoch.accuracy == 0.5
    assert [(w.code, w.units) for w in said[500]] == [
        ("dead_units", ("h1_0", "h1_1", "h2_0", "h2_1")),
        ("stalled", None),
    ]


def test_a_healthy_run_says_nothing():
    setup = Setup(
        "micrograd", "moons", 100, 16, "relu", seed=0
    )  # micrograd's demo: 100% (two units of 32 dead)
    trainer = CompiledTrainer(setup)
    start = None
    for epoch in train(setup, trainer, 1.0, 100):
        start = epoch.loss if start is None else start
        assert diagnose(trainer.train_units(), epoch.data_gradient, epoch.accuracy) == []
        assert diverged(epoch.loss, start, epoch.epoch, epoch.learning_rate) is None
    assert epoch.accuracy == 1.0
