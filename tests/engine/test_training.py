"""Training: the presets reach their accuracies, the compiled step is the Scalar step, runs repeat."""

from __future__ import annotations

import math

import pytest

from engine import SGD, Scalar
from engine.example_program import example_program
from engine.language import evaluate
from engine.plot import decision_grid, grid_points, plot_square
from engine.presets import PRESETS
from engine.tape import Tape, Traced
from engine.training import CompiledTrainer, DivergedError, ScalarTrainer, Setup, train

CLOSE = {"rel": 1e-12, "abs": 1e-12}


def default_setup(preset: str, dataset: str | None = None, hidden: int | None = None, seed: int = 0,
                  activation: str | None = None, points: int | None = None) -> Setup:  # fmt: skip
    d = PRESETS[preset].defaults
    return Setup(
        preset, dataset or d.dataset, points or d.points, hidden or d.hidden, activation or d.activation, seed
    )


def full_run(setup: Setup, epochs: int | None = None, learning_rate: float | None = None) -> list:
    d = setup.preset.defaults
    rate = d.learning_rate if learning_rate is None else learning_rate
    return list(train(setup, CompiledTrainer(setup), rate, epochs or d.epochs))


# -- what the presets reach ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("dataset", "hidden"), [("simple", None), ("diag", None), ("xor", 10), ("split", 10)]
)
def test_minitorch_preset_reaches_95_percent(dataset, hidden):
    # run_scalar's defaults: H = 2, lr = 0.5, 500 epochs, 50 points; seed 0. On split, H = 2 reaches
    # 95% for only a few seeds (2 layers of 2 ReLUs often lose a unit), so split is held to it with H = 10.
    run = full_run(default_setup("minitorch", dataset, hidden))
    assert len(run) == 500
    assert run[-1].accuracy >= 0.95
    assert run[-1].loss < run[0].loss


def test_micrograd_preset_reaches_100_percent_on_moons_within_100_steps():
    run = full_run(default_setup("micrograd"))
    assert len(run) == 100
    first_perfect = next(epoch.epoch for epoch in run if epoch.accuracy == 1.0)
    assert first_perfect <= 100
    assert run[-1].accuracy == 1.0


def test_micrograd_preset_uses_the_demos_learning_rates():
    run = full_run(default_setup("micrograd", points=20), epochs=100)
    assert [epoch.learning_rate for epoch in run] == [1.0 - 0.9 * k / 100 for k in range(100)]
    assert {epoch.learning_rate for epoch in full_run(default_setup("minitorch", points=10), epochs=5)} == {
        0.5
    }


# -- the two ways of stepping ----------------------------------------------------------------------------

CASES = [
    ("minitorch", "simple", 2, "relu"),
    ("minitorch", "xor", 5, "tanh"),
    ("minitorch", "spiral", 3, "sigmoid"),
    ("micrograd", "moons", 16, "relu"),
    ("micrograd", "circle", 4, "tanh"),
    ("micrograd", "split", 3, "sigmoid"),
]


@pytest.mark.parametrize(("preset", "dataset", "hidden", "activation"), CASES)
def test_the_compiled_step_gives_the_scalar_steps_numbers(preset, dataset, hidden, activation):
    plain = default_setup(preset, dataset, hidden, seed=5, activation=activation, points=40)
    compiled = default_setup(preset, dataset, hidden, seed=5, activation=activation, points=40)
    reference, fast = ScalarTrainer(plain), CompiledTrainer(compiled)
    first = True
    for _ in range(4):
        expected, got = reference.train_epoch(0.3), fast.train_epoch(0.3)
        if first:  # same parameters: the forward pass is the same arithmetic, bit for bit
            assert got.loss == expected.loss
            first = False
        assert got.loss == pytest.approx(expected.loss, **CLOSE)
        assert got.accuracy == expected.accuracy
        assert got.gradients == pytest.approx(expected.gradients, **CLOSE)
        assert fast.parameter_values() == pytest.approx(reference.parameter_values(), **CLOSE)
    assert any(g != 0.0 for g in got.gradients)


GRADIENT_CASES = [
    ("minitorch", "tanh"),
    ("minitorch", "sigmoid"),
    ("micrograd", "tanh"),
    ("minitorch", "relu"),
]


@pytest.mark.parametrize(("preset", "activation"), GRADIENT_CASES)
def test_parameter_gradients_match_central_differences(preset, activation):
    setup = default_setup(preset, "circle", 3, seed=2, activation=activation, points=30)
    start = setup.parameter_values()
    gradients = CompiledTrainer(setup).train_epoch(0.0).gradients

    def loss_at(values: dict) -> float:
        setup.set_parameters(values)
        outputs = [setup.model.forward((x1, x2)) for x1, x2 in setup.dataset.points]
        losses = [setup.preset.example_loss(o, t) for o, t in zip(outputs, setup.targets, strict=True)]
        return setup.preset.batch_loss(losses, [p.value for p in setup.named.values()]).data

    h = 1e-6
    for name, analytic in zip(setup.names, gradients, strict=True):
        numeric = (loss_at(start | {name: start[name] + h}) - loss_at(start | {name: start[name] - h})) / (
            2 * h
        )
        assert analytic == pytest.approx(numeric, rel=1e-5, abs=1e-7), name


@pytest.mark.parametrize(("preset", "activation"), [("micrograd", "sigmoid"), ("minitorch", "tanh")])
def test_loss_terms_take_the_batch_gradient_apart_example_by_example(preset, activation):
    setup = default_setup(preset, "circle", 3, seed=4, activation=activation, points=25)
    trainer = CompiledTrainer(setup)
    for _ in range(3):
        trainer.train_epoch(0.3)
    terms = trainer.loss_terms()
    step = trainer.train_epoch(0.0)
    assert terms.loss == step.loss
    assert terms.gradients() == pytest.approx(step.gradients, **CLOSE)
    assert terms.weights == [1 / 25] * 25
    assert any(r != 0.0 for r in terms.regularization) == (preset == "micrograd")
    setup.set_parameters(dict(zip(setup.names, trainer.parameter_values(), strict=True)))
    for n in (0, 13, 24):  # each column entry is that example's own Scalar gradient, bit for bit
        SGD(setup.named.values()).zero_grad()
        x1, x2 = setup.dataset.points[n]
        loss = setup.preset.example_loss(setup.model.forward((Scalar(x1), Scalar(x2))), setup.targets[n])
        loss.backward()
        assert terms.losses[n] == loss.data
        assert [column[n] for column in terms.example_gradients] == [
            p.value.grad or 0.0 for p in setup.named.values()
        ]


@pytest.mark.parametrize("preset", ["minitorch", "micrograd"])
def test_one_hidden_unit_is_a_network_too(preset):
    setup = default_setup(preset, "simple", 1, points=20)
    plain = default_setup(preset, "simple", 1, points=20)
    got, expected = CompiledTrainer(setup).train_epoch(0.5), ScalarTrainer(plain).train_epoch(0.5)
    assert len(got.gradients) == 2 + 1 + 1 + 1 + 1 + 1 == len(setup.names)
    assert got.loss == expected.loss
    assert got.gradients == pytest.approx(expected.gradients, **CLOSE)


def test_a_traced_number_cannot_steer_the_recorded_shape():
    x = Tape().input()
    with pytest.raises(TypeError, match="no value yet"):
        bool(x * 2.0)
    comparison = x < 0.5  # recorded, as a Scalar's `<` makes an `lt` node (its methods are the table's)
    assert isinstance(comparison, Traced) and comparison.tape is x.tape
    with pytest.raises(TypeError, match="no value yet"):
        bool(comparison)  # ... but it cannot steer the shape either


def test_the_same_seed_gives_the_same_run_and_another_seed_another():
    first = full_run(default_setup("micrograd", hidden=4, points=30, seed=7), epochs=15)
    again = full_run(default_setup("micrograd", hidden=4, points=30, seed=7), epochs=15)
    other = full_run(default_setup("micrograd", hidden=4, points=30, seed=8), epochs=15)
    assert first == again
    assert [e.loss for e in first] != [e.loss for e in other]


def test_a_run_continued_from_its_parameters_is_the_same_run():
    straight = full_run(default_setup("micrograd", hidden=3, points=20), epochs=10)
    setup = default_setup("micrograd", hidden=3, points=20)
    setup.set_parameters(dict(zip(setup.names, straight[4].parameters, strict=True)))
    rest = list(train(setup, CompiledTrainer(setup), 1.0, 10, start_epoch=5))
    assert rest == straight[5:]
    one = list(train(setup, CompiledTrainer(setup), 1.0, 10, start_epoch=5, stop_epoch=6))
    assert one == straight[5:6]


def test_too_large_a_learning_rate_ends_in_an_arithmetic_error():
    setup = default_setup("micrograd", "xor", 4, points=50)
    with pytest.raises(DivergedError, match="no longer a finite number"):
        full_run(setup, epochs=300, learning_rate=1e4)
    setup = default_setup("minitorch", "xor", 4, points=50)
    with pytest.raises(ArithmeticError, match=r"log\(0.0\)"):
        full_run(setup, epochs=300, learning_rate=1e4)


def test_setup_refuses_unknown_names():
    setup = default_setup("minitorch")
    with pytest.raises(KeyError):
        setup.set_parameters({"l9_w0_0": 1.0})
    with pytest.raises(ValueError, match="unknown preset"):
        Setup("torch", "simple", 10, 2, "relu")
    with pytest.raises(ValueError, match="unknown activation"):
        Setup("minitorch", "simple", 10, 2, "gelu")


def test_parameters_are_named_by_layer_input_and_unit():
    setup = default_setup("minitorch", hidden=2)
    assert setup.names == [
        "l1_w0_0", "l1_w0_1", "l1_w1_0", "l1_w1_1", "l1_b0", "l1_b1",
        "l2_w0_0", "l2_w0_1", "l2_w1_0", "l2_w1_1", "l2_b0", "l2_b1",
        "l3_w0_0", "l3_w1_0", "l3_b0",
    ]  # fmt: skip
    assert setup.named["l2_w1_0"] is setup.model.layer2.weights[1][0]
    micro = default_setup("micrograd", hidden=2)
    assert micro.names[:3] == ["l1_w0_0", "l1_w1_0", "l1_b0"]  # neuron by neuron, as micrograd lists them
    assert micro.named["l2_w1_0"] is micro.model.layers[1].neurons[0].weights[1]


# -- the plot ----------------------------------------------------------------------------------------------


def test_the_plot_square_holds_every_point():
    assert vars(plot_square(default_setup("minitorch").dataset)) == {
        "x_min": 0.0, "x_max": 1.0, "y_min": 0.0, "y_max": 1.0,
    }  # fmt: skip
    for name in ("spiral", "moons"):
        data = default_setup("minitorch", name, points=50).dataset
        square = plot_square(data)
        assert square.x_max - square.x_min == pytest.approx(square.y_max - square.y_min)
        assert all(
            square.x_min < x < square.x_max and square.y_min < y < square.y_max for x, y in data.points
        )


def test_the_decision_grid_is_the_models_output_at_each_cell_centre():
    setup = default_setup("micrograd", "moons", 3, points=20)
    trainer = CompiledTrainer(setup)
    for _ in range(3):
        trainer.train_epoch(0.5)
    setup.set_parameters(dict(zip(setup.names, trainer.parameter_values(), strict=True)))
    square = plot_square(setup.dataset)
    grid = decision_grid(trainer, square, 30)
    xs1, xs2 = grid_points(square, 30)
    assert len(grid) == 900
    step = (square.x_max - square.x_min) / 30
    assert (xs1[31], xs2[31]) == (square.x_min + 1.5 * step, square.y_min + 1.5 * step)  # row 1, column 1
    for k in (0, 31, 450, 899):
        assert grid[k] == setup.model.forward((Scalar(xs1[k]), Scalar(xs2[k]))).data


# -- one example as a program ------------------------------------------------------------------------------


EXAMPLE_CASES = [
    ("minitorch", "relu", 3),
    ("minitorch", "tanh", 0),
    ("micrograd", "sigmoid", 7),
    ("micrograd", "relu", 11),
]


@pytest.mark.parametrize(("preset", "activation", "index"), EXAMPLE_CASES)
def test_an_examples_program_has_the_librarys_value_and_gradients(preset, activation, index):
    setup = default_setup(preset, "xor", 3, seed=1, activation=activation, points=20)
    trainer = CompiledTrainer(setup)
    for _ in range(5):  # somewhere into training, not at the start
        trainer.train_epoch(0.4)
    setup.set_parameters(dict(zip(setup.names, trainer.parameter_values(), strict=True)))
    program, values = example_program(setup, index)
    x1, x2 = setup.dataset.points[index]
    loss = setup.preset.example_loss(setup.model.forward((Scalar(x1), Scalar(x2))), setup.targets[index])
    loss.backward()
    result = evaluate(program, values)
    assert result.output.value == loss.data
    assert result.gradients == {name: p.value.grad for name, p in setup.named.items()}


def test_an_examples_program_reads_one_statement_per_neuron():
    setup = default_setup("minitorch", "simple", 2, points=10)
    program, values = example_program(setup, 4)
    (x1, x2), label = setup.dataset.points[4], setup.dataset.labels[4]
    lines = program.splitlines()
    assert lines[0] == f"# minitorch preset, simple point 4 of 10: x = ({x1!r}, {x2!r}), label {label}"
    assert (
        f"l1_w0_0 = {values['l1_w0_0']!r}; l1_w1_0 = {values['l1_w1_0']!r}; l1_b0 = {values['l1_b0']!r}"
        in lines
    )
    assert f"h1_1 = relu(l1_b1 + {x1!r}*l1_w0_1 + {x2!r}*l1_w1_1)" in lines
    assert "h2_0 = relu(l2_b0 + h1_0*l2_w0_0 + h1_1*l2_w1_0)" in lines
    assert "out = sigmoid(l3_b0 + h2_0*l3_w0_0 + h2_1*l3_w1_0)" in lines
    assert lines[-1] == ("loss = -log(out)" if label == 1 else "loss = -log(1 - out)")
    assert list(values) == setup.names
    with pytest.raises(IndexError):
        example_program(setup, 10)


def test_training_numbers_stay_finite_over_a_full_default_run():
    run = full_run(default_setup("minitorch", "circle", 4))
    assert all(math.isfinite(e.loss) and all(map(math.isfinite, e.parameters)) for e in run)
