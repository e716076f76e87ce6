"""Training a small network on a 2-D dataset: the two presets, one step two ways, the loop, the grid.

- A `Preset` is a model, a loss and a schedule: ``minitorch`` (run_scalar's network, −log p) and
  ``micrograd`` (the demo notebook's MLP, hinge loss + L2, decaying learning rate).
- `Setup` is one model on one dataset; its parameters are named like program variables: ``l1_w0_1``
  is layer 1's weight from input 0 to neuron 1, ``l1_b1`` that neuron's bias.
- `ScalarTrainer` takes a full-batch step on a plain Scalar graph, as micrograd and minitorch do;
  `CompiledTrainer` records that graph's shape once per label (`engine.tape`) and replays it on
  floats: the same numbers (a test holds them to 1e-12), many times faster.
- `train` yields one `Epoch` per step; `decision_grid` evaluates the model over the plot's square;
  `example_program` writes one example's loss in the expression language.

See docs/training.md and docs/architecture.md.
"""

from __future__ import annotations

import math
import random
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass

from .datasets import DATASETS, Dataset, make_dataset
from .module import Module, Parameter
from .nn import ACTIVATIONS, MLP, Network
from .optim import SGD
from .scalar import Scalar
from .tape import Tape, TapeProgram, Traced, finite

# -- presets ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Defaults:
    dataset: str
    points: int
    hidden: int
    activation: str
    learning_rate: float
    epochs: int


class Preset:
    """A model family, its loss and its learning-rate schedule. The loss code runs on Scalars and
    on traced numbers alike, so the compiled step is recorded from this very code."""

    name: str
    summary: str
    defaults: Defaults
    #: What the model's output is, and where the classes divide: "probability" at 0.5, "score" at 0.
    output: str
    threshold: float

    def build_model(self, hidden: int, activation: str, rng: random.Random) -> Module:
        raise NotImplementedError

    def target(self, label: int) -> int:
        """The number the loss compares the output with, for a 0/1 label."""
        raise NotImplementedError

    def example_loss(self, output, target: int):
        raise NotImplementedError

    def batch_loss(self, losses: list, parameters: list):
        """The full-batch loss from every example's loss and the parameters' values."""
        raise NotImplementedError

    def learning_rate_at(self, base: float, epoch: int, epochs: int) -> float:
        """The learning rate of step ``epoch`` (0-based) of ``epochs``."""
        return base

    def is_correct(self, output: float, label: int) -> bool:
        raise NotImplementedError

    # The example's loss as program text; see `example_program`.
    def output_statement(self, layer_sum: str) -> str:
        raise NotImplementedError

    def loss_statement(self, target: int) -> str:
        raise NotImplementedError


class MinitorchPreset(Preset):
    name = "minitorch"
    summary = (
        "minitorch's run_scalar: Linear(2,H) → act → Linear(H,H) → act → Linear(H,1) → sigmoid; "
        "loss −log p (p = out if y = 1 else 1 − out) averaged; full-batch SGD"
    )
    defaults = Defaults("simple", 50, 2, "relu", 0.5, 500)
    output, threshold = "probability", 0.5

    def build_model(self, hidden, activation, rng):
        return Network(hidden, activation, rng)

    def target(self, label):
        return label

    def example_loss(self, output, target):
        prob = output if target == 1 else -output + 1.0
        return -prob.log()

    def batch_loss(self, losses, parameters):
        return sum(losses) / len(losses)

    def is_correct(self, output, label):
        return output > self.threshold if label == 1 else output < self.threshold

    def output_statement(self, layer_sum):
        return f"out = sigmoid({layer_sum})"

    def loss_statement(self, target):
        return "loss = -log(out)" if target == 1 else "loss = -log(1 - out)"


class MicrogradPreset(Preset):
    name = "micrograd"
    summary = (
        "micrograd's demo: MLP(2, [H, H, 1]); hinge loss relu(1 − y·score) averaged + 1e-4·Σp²; "
        "learning rate lr·(1 − 0.9·k/epochs) at step k"
    )
    defaults = Defaults("moons", 100, 16, "relu", 1.0, 100)
    output, threshold = "score", 0.0
    regularization = 1e-4

    def build_model(self, hidden, activation, rng):
        return MLP(2, [hidden, hidden, 1], activation=activation, rng=rng)

    def target(self, label):
        return 2 * label - 1

    def example_loss(self, output, target):
        return (1 + -target * output).relu()

    def batch_loss(self, losses, parameters):
        data_loss = sum(losses) * (1.0 / len(losses))
        reg_loss = self.regularization * sum(p * p for p in parameters)
        return data_loss + reg_loss

    def learning_rate_at(self, base, epoch, epochs):
        return base * (1.0 - 0.9 * epoch / epochs)

    def is_correct(self, output, label):
        return (label == 1) == (output > self.threshold)

    def output_statement(self, layer_sum):
        return f"score = {layer_sum}"

    def loss_statement(self, target):
        return "loss = relu(1 - score)" if target == 1 else "loss = relu(1 + score)"


PRESETS: dict[str, Preset] = {preset.name: preset for preset in (MinitorchPreset(), MicrogradPreset())}

#: Limits a request may ask for (the API holds bodies to them).
MAX_POINTS, MAX_HIDDEN, MAX_EPOCHS = 200, 16, 2_000


# -- one model on one dataset ----------------------------------------------------------------------------


def parameter_rng(seed: int) -> random.Random:
    """The initial parameters' generator: its own stream, so the points do not shape the weights."""
    return random.Random(f"parameters-{seed}")


class Setup:
    """A preset's model with ``hidden`` units on ``points`` of a dataset, both drawn from ``seed``."""

    def __init__(self, preset: str, dataset: str, points: int, hidden: int, activation: str, seed: int = 0):
        if preset not in PRESETS:
            raise ValueError(f"unknown preset {preset!r}: choose one of {', '.join(PRESETS)}")
        if activation not in ACTIVATIONS:
            raise ValueError(f"unknown activation {activation!r}: choose one of {', '.join(ACTIVATIONS)}")
        self.preset = PRESETS[preset]
        self.activation = activation
        self.hidden = hidden
        self.seed = seed
        self.dataset: Dataset = make_dataset(dataset, points, seed)
        self.model = self.preset.build_model(hidden, activation, parameter_rng(seed))
        self.layers = self.model.dense_layers()
        self.named = program_parameters(self.model)  # name → Parameter, in named_parameters() order
        self.names = list(self.named)
        self.targets = [self.preset.target(label) for label in self.dataset.labels]

    def parameter_values(self) -> dict[str, float]:
        return {name: parameter.value.data for name, parameter in self.named.items()}

    def set_parameters(self, values: Mapping[str, float]) -> None:
        """Give the named parameters these values (fresh leaves); unknown names are an error."""
        unknown = sorted(set(values) - set(self.named))
        if unknown:
            raise KeyError(unknown)
        for name, value in values.items():
            self.named[name].update(float(value))


def program_parameters(model: Module) -> dict[str, Parameter]:
    """Every parameter under its program name (``l1_w0_1``, ``l1_b1``), in named_parameters() order."""
    by_identity = {}
    for k, layer in enumerate(model.dense_layers(), start=1):
        for j in range(layer.out_size):
            for i in range(layer.in_size):
                by_identity[id(layer.weight_parameter(i, j))] = f"l{k}_w{i}_{j}"
            by_identity[id(layer.bias_parameter(j))] = f"l{k}_b{j}"
    return {by_identity[id(p)]: p for _, p in model.named_parameters()}


class DivergedError(ArithmeticError):
    """Training left the real numbers: the loss or a gradient overflowed to infinity or NaN."""


# -- one full-batch step, two ways -----------------------------------------------------------------------


@dataclass(frozen=True)
class StepResult:
    """One full-batch step: the loss and accuracy before the update, and the gradients it used."""

    loss: float
    accuracy: float
    gradients: list[float]  # in Setup.names order


class ScalarTrainer:
    """A full-batch step on a plain Scalar graph: forward every example, backward once, SGD."""

    def __init__(self, setup: Setup) -> None:
        self.setup = setup

    def step(self, learning_rate: float) -> StepResult:
        setup, preset = self.setup, self.setup.preset
        parameters = list(setup.named.values())
        optimizer = SGD(parameters, learning_rate)
        optimizer.zero_grad()
        outputs = [setup.model.forward((Scalar(x1), Scalar(x2))) for x1, x2 in setup.dataset.points]
        losses = [preset.example_loss(out, t) for out, t in zip(outputs, setup.targets, strict=True)]
        total = preset.batch_loss(losses, [p.value for p in parameters])
        total.backward()
        gradients = [p.value.grad or 0.0 for p in parameters]
        correct = sum(
            preset.is_correct(out.data, y) for out, y in zip(outputs, setup.dataset.labels, strict=True)
        )
        optimizer.step()
        return StepResult(total.data, correct / len(outputs), gradients)

    def parameter_values(self) -> list[float]:
        return [p.value.data for p in self.setup.named.values()]


@contextmanager
def _traced_parameters(parameters: Sequence[Parameter], stand_ins: Sequence[Traced]):
    """Let the model's own forward run on a tape: each parameter holds a stand-in meanwhile."""
    saved = [p.value for p in parameters]
    try:
        for p, stand_in in zip(parameters, stand_ins, strict=True):
            p.value = stand_in
        yield
    finally:
        for p, value in zip(parameters, saved, strict=True):
            p.value = value


class CompiledTrainer:
    """The same step on recorded shapes, replayed on floats.

    Three recordings, made once: the model's forward from (x1, x2) to its output, for every example
    at once; the example loss from that output, once per target (the loss's code branches on it);
    the batch loss from the examples' losses and the parameters.
    """

    def __init__(self, setup: Setup) -> None:
        self.setup = setup
        preset = setup.preset
        parameters = list(setup.named.values())
        self.values = [p.value.data for p in parameters]
        tape = Tape()
        stand_ins = [tape.parameter() for _ in parameters]
        x1, x2 = tape.input(), tape.input()
        with _traced_parameters(parameters, stand_ins):
            out = setup.model.forward((x1, x2))
        self.model: TapeProgram = tape.compile([out])
        self.model_output = out.slot
        self.losses = []  # (program, loss slot, indices of the examples with this target)
        for target in sorted(set(setup.targets)):
            tape = Tape()
            loss = preset.example_loss(tape.input(), target)
            indices = [n for n, t in enumerate(setup.targets) if t == target]
            self.losses.append((tape.compile([loss]), loss.slot, indices))
        tape = Tape()
        stand_ins = [tape.parameter() for _ in parameters]
        losses = [tape.input(varying=False) for _ in setup.dataset.points]
        total = preset.batch_loss(losses, stand_ins)
        self.batch = tape.compile([total])
        self.batch_output = total.slot
        self._per_example: tuple[TapeProgram, int] | None = None  # made when first asked for

    def step(self, learning_rate: float) -> StepResult:
        setup, preset = self.setup, self.setup.preset
        points, labels = setup.dataset.points, setup.dataset.labels
        model = self.model.forward(self.values, [[x1 for x1, _ in points], [x2 for _, x2 in points]])
        outputs = model.values[self.model_output]
        losses = [0.0] * len(points)
        per_target = []
        for program, loss_slot, indices in self.losses:
            replay = program.forward((), [[outputs[n] for n in indices]])
            for n, loss in zip(indices, replay.values[loss_slot], strict=True):
                losses[n] = loss
            per_target.append(replay)
        batch = self.batch.forward(self.values, losses)
        total = batch.values[self.batch_output]
        batch_grads = self.batch.backward(batch, self.batch_output, 1.0)
        seeds = [batch_grads[s] or 0.0 for s in self.batch.inputs]  # ∂total/∂loss_n
        d_outputs = [0.0] * len(points)
        for (program, loss_slot, indices), replay in zip(self.losses, per_target, strict=True):
            grads = program.backward(replay, loss_slot, [seeds[n] for n in indices])
            for n, d in zip(indices, grads[program.inputs[0]] or [0.0] * len(indices), strict=True):
                d_outputs[n] = d
        grads = self.model.backward(model, self.model_output, d_outputs)
        gradients = [
            (grads[a] or 0.0) + (batch_grads[b] or 0.0)
            for a, b in zip(self.model.parameters, self.batch.parameters, strict=True)
        ]
        if not math.isfinite(total) or not finite(gradients):
            what = "loss" if not math.isfinite(total) else "a gradient"
            raise DivergedError(f"{what} is no longer a finite number (learning rate {learning_rate:g})")
        correct = sum(preset.is_correct(out, y) for out, y in zip(outputs, labels, strict=True))
        self.values = [p - learning_rate * g for p, g in zip(self.values, gradients, strict=True)]
        return StepResult(total, correct / len(points), gradients)

    def parameter_values(self) -> list[float]:
        return list(self.values)

    def predict(self, xs1: Sequence[float], xs2: Sequence[float]) -> list[float]:
        """The model's output at each point (x1, x2), at the current parameters."""
        replay = self.model.forward(self.values, [xs1, xs2], gradients=False)
        return replay.values[self.model_output]

    def loss_terms(self) -> LossTerms:
        """The full-batch gradient taken apart: each example's own loss gradient, and the weight the
        batch loss gives it, at the current parameters (see `LossTerms`)."""
        if self._per_example is None:
            # The model again, with every parameter an input that varies: its gradient then comes
            # back example by example instead of summed. The same operations on the same numbers.
            setup, parameters = self.setup, list(self.setup.named.values())
            tape = Tape()
            stand_ins = [tape.input() for _ in parameters]
            x1, x2 = tape.input(), tape.input()
            with _traced_parameters(parameters, stand_ins):
                out = setup.model.forward((x1, x2))
            self._per_example = (tape.compile([out]), out.slot)
        program, out_slot = self._per_example
        points = self.setup.dataset.points
        count = len(points)
        columns = [[value] * count for value in self.values]
        model = program.forward((), [*columns, [x1 for x1, _ in points], [x2 for _, x2 in points]])
        outputs = model.values[out_slot]
        losses, d_outputs = [0.0] * count, [0.0] * count
        for loss_program, loss_slot, indices in self.losses:
            replay = loss_program.forward((), [[outputs[n] for n in indices]])
            grads = loss_program.backward(replay, loss_slot, [1.0] * len(indices))
            d_out = grads[loss_program.inputs[0]] or [0.0] * len(indices)
            for n, loss, d in zip(indices, replay.values[loss_slot], d_out, strict=True):
                losses[n], d_outputs[n] = loss, d
        grads = program.backward(model, out_slot, d_outputs)
        per_example = [grads[s] or [0.0] * count for s in program.inputs[: len(self.values)]]
        batch = self.batch.forward(self.values, losses)
        batch_grads = self.batch.backward(batch, self.batch_output, 1.0)
        return LossTerms(
            loss=batch.values[self.batch_output],
            losses=losses,
            weights=[batch_grads[s] or 0.0 for s in self.batch.inputs],
            example_gradients=per_example,
            regularization=[batch_grads[s] or 0.0 for s in self.batch.parameters],
        )


@dataclass(frozen=True)
class LossTerms:
    """The batch loss and its gradient as sums over the examples.

    For every parameter p (lists in Setup.names order, examples in dataset order):
    ∂loss/∂p = Σₙ weights[n] · example_gradients[p][n] + regularization[p], where
    example_gradients[p][n] = ∂lossₙ/∂p is example n's own loss gradient, weights[n] = ∂loss/∂lossₙ
    (1/N for both presets) and regularization[p] the L2 term's share (0 for minitorch).
    """

    loss: float
    losses: list[float]
    weights: list[float]
    example_gradients: list[list[float]]
    regularization: list[float]

    def gradients(self) -> list[float]:
        return [
            sum(w * g for w, g in zip(self.weights, column, strict=True)) + r
            for column, r in zip(self.example_gradients, self.regularization, strict=True)
        ]


# -- the loop --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Epoch:
    """What one epoch did: loss and accuracy before its update, the learning rate and gradients it
    used, and the parameters after it (both in Setup.names order)."""

    epoch: int  # 1-based
    loss: float
    accuracy: float
    learning_rate: float
    gradients: list[float]
    parameters: list[float]


def train(setup: Setup, trainer: CompiledTrainer | ScalarTrainer, learning_rate: float, epochs: int,
          start_epoch: int = 0, stop_epoch: int | None = None) -> Iterator[Epoch]:  # fmt: skip
    """Epochs ``start_epoch + 1`` … ``stop_epoch`` (default ``epochs``) of an ``epochs``-long run."""
    stop = epochs if stop_epoch is None else stop_epoch
    for k in range(start_epoch, stop):
        rate = setup.preset.learning_rate_at(learning_rate, k, epochs)
        result = trainer.step(rate)
        yield Epoch(k + 1, result.loss, result.accuracy, rate, result.gradients, trainer.parameter_values())


# -- the plot --------------------------------------------------------------------------------------------


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
    point falls outside (the spiral's outer turn at small n, noisy moons) it grows, in steps of 0.05,
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


def decision_grid(trainer: CompiledTrainer, square: Square, size: int) -> list[float]:
    """The model's output at every cell centre of the grid (see `grid_points`), current parameters."""
    return trainer.predict(*grid_points(square, size))


# -- one example as a program ----------------------------------------------------------------------------


def _number(value: float) -> str:
    return repr(float(value))


def example_program(setup: Setup, index: int) -> tuple[str, dict[str, float]]:
    """Example ``index``'s loss in the expression language, at the setup's current parameters.

    Parameters are declared variables (one line per neuron), the example's inputs are constants,
    and each neuron is one statement, computed in the library's order (bias first, then each
    input times its weight), so the program's gradients are the library's for this example.
    """
    if not 0 <= index < len(setup.dataset):
        raise IndexError(index)
    preset = setup.preset
    (x1, x2), label = setup.dataset.points[index], setup.dataset.labels[index]
    target = setup.targets[index]
    values = setup.parameter_values()
    lines = [
        f"# {preset.name} preset, {setup.dataset.name} point {index} of {len(setup.dataset)}: "
        f"x = ({_number(x1)}, {_number(x2)}), label {label}"
        + ("" if target == label else f", y = {target:+d}"),
        "# this example's loss; training averages it over every point"
        + (f" and adds {preset.regularization:g}·Σp²" if isinstance(preset, MicrogradPreset) else ""),
        "",
        "# parameters",
    ]
    for k, layer in enumerate(setup.layers, start=1):
        for j in range(layer.out_size):
            names = [f"l{k}_w{i}_{j}" for i in range(layer.in_size)] + [f"l{k}_b{j}"]
            lines.append("; ".join(f"{name} = {_number(values[name])}" for name in names))
    lines += ["", "# forward"]
    inputs = [_number(x1), _number(x2)]
    act = setup.activation
    for k, layer in enumerate(setup.layers, start=1):
        last = k == len(setup.layers)
        outputs = []
        for j in range(layer.out_size):
            terms = [f"l{k}_b{j}"] + [f"{x}*l{k}_w{i}_{j}" for i, x in enumerate(inputs)]
            layer_sum = " + ".join(terms)
            if last:
                lines.append(preset.output_statement(layer_sum))
            else:
                lines.append(f"h{k}_{j} = {act}({layer_sum})")
                outputs.append(f"h{k}_{j}")
        inputs = outputs
    lines.append(preset.loss_statement(target))
    return "\n".join(lines) + "\n", values
