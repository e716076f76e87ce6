"""Training a small network on a 2-D dataset: one model on one dataset, one epoch two ways, the loop,
and one example's loss.

- `Setup` is a preset's model on a dataset (noise and a test set included); its parameters are named
  like program variables: ``l1_w0_1`` is layer 1's weight from input 0 to unit 1, ``l1_b1`` that
  unit's bias; hidden units are ``h1_0``, ``h2_1`` (layer, unit), as `example_program` names them.
- `ScalarTrainer` trains a full-batch epoch on a plain Scalar graph, as micrograd and minitorch do;
  `CompiledTrainer` records that graph's shape once per label (`engine.tape`) and replays it on
  floats: the same numbers (a test holds them to 1e-12), many times faster. Both train on the
  training points only; the compiled one also measures the test points and reads the hidden units.
- `train` yields one `Epoch` per epoch trained; `example` gives one example's forward pass and loss.

The presets and settings are in `engine.presets`, the plot's grids in `engine.plot`, the warnings
in `engine.diagnosis`, an example's loss as program text in `engine.example_program`. See docs/training.md and
docs/architecture.md.
"""

from __future__ import annotations

import math
import random
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass

from .datasets import Dataset, make_dataset, split_points, with_noise
from .module import Module, Parameter
from .nn import ACTIVATIONS
from .optim import SGD
from .presets import PRESETS, Settings
from .replay import CompiledTape, finite
from .scalar import Scalar
from .tape import Tape, Traced

# -- one model on one dataset ----------------------------------------------------------------------------


def parameter_rng(seed: int) -> random.Random:
    """The initial parameters' generator: its own stream, so the points do not shape the weights."""
    return random.Random(f"parameters-{seed}")


class Setup:
    """A preset's model with ``hidden`` units on ``points`` of a dataset, all drawn from ``seed``:
    the points (moved by ``noise``), the test set (``test_fraction`` of them), the parameters."""

    def __init__(self, preset: str, dataset: str, points: int, hidden: int, activation: str, seed: int = 0,
                 noise: float = 0.0, test_fraction: float = 0.0) -> None:  # fmt: skip
        if preset not in PRESETS:
            raise ValueError(f"unknown preset {preset!r}: choose one of {', '.join(PRESETS)}")
        if activation not in ACTIVATIONS:
            raise ValueError(f"unknown activation {activation!r}: choose one of {', '.join(ACTIVATIONS)}")
        self.preset = PRESETS[preset]
        self.activation = activation
        self.hidden = hidden
        self.seed = seed
        self.noise = noise
        self.test_fraction = test_fraction
        self.dataset: Dataset = with_noise(make_dataset(dataset, points, seed), noise, seed)
        self.is_test = split_points(len(self.dataset), test_fraction, seed)
        self.train_indices = [n for n, test in enumerate(self.is_test) if not test]
        self.test_indices = [n for n, test in enumerate(self.is_test) if test]
        self.model = self.preset.build_model(hidden, activation, parameter_rng(seed))
        self.layers = self.model.dense_layers()
        self.named = program_parameters(self.model)  # name → Parameter, in named_parameters() order
        self.names = list(self.named)
        self.unit_names = [f"h{k}_{j}" for k, layer in enumerate(self.layers[:-1], start=1)
                           for j in range(layer.out_size)]  # fmt: skip
        self.targets = [self.preset.target(label) for label in self.dataset.labels]

    @classmethod
    def from_settings(cls, settings: Settings) -> Setup:
        s = settings
        return cls(s.preset, s.dataset, s.points, s.hidden, s.activation, s.seed, s.noise, s.test_fraction)

    @property
    def split(self) -> list[str]:
        """ "train" or "test" for each point, in the dataset's order."""
        return ["test" if test else "train" for test in self.is_test]

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


# -- one full-batch epoch, two ways ----------------------------------------------------------------------


@dataclass(frozen=True)
class EpochResult:
    """One epoch (a full-batch update): the loss and accuracy before the update (on the training
    points, and on the test points when there are any), and the gradients it used."""

    loss: float
    accuracy: float
    gradients: list[float]  # in Setup.names order
    #: The largest |∂loss/∂p| without the L2 term: 0 when the data no longer moves any parameter.
    data_gradient: float = 0.0
    test_loss: float | None = None
    test_accuracy: float | None = None


class ScalarTrainer:
    """A full-batch epoch on a plain Scalar graph: forward every training example, backward once, SGD."""

    def __init__(self, setup: Setup) -> None:
        self.setup = setup

    def train_epoch(self, learning_rate: float) -> EpochResult:
        setup, preset = self.setup, self.setup.preset
        parameters = list(setup.named.values())
        optimizer = SGD(parameters, learning_rate)
        optimizer.zero_grad()
        train = setup.train_indices
        outputs = [setup.model.forward((Scalar(x1), Scalar(x2))) for x1, x2 in
                   (setup.dataset.points[n] for n in train)]  # fmt: skip
        losses = [preset.example_loss(out, setup.targets[n]) for out, n in zip(outputs, train, strict=True)]
        total = preset.batch_loss(losses, [p.value for p in parameters])
        total.backward()
        gradients = [p.value.grad or 0.0 for p in parameters]
        l2 = [2 * preset.regularization * p.value.data for p in parameters]
        correct = sum(
            preset.is_correct(out.data, setup.dataset.labels[n])
            for out, n in zip(outputs, train, strict=True)
        )
        optimizer.step()
        data_gradient = max((abs(g - r) for g, r in zip(gradients, l2, strict=True)), default=0.0)
        return EpochResult(total.data, correct / len(outputs), gradients, data_gradient)

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


class _Points:
    """Some of a setup's points as the replays want them: coordinates in columns, examples grouped
    by target (the example loss is recorded once per target)."""

    def __init__(self, setup: Setup, indices: Sequence[int]) -> None:
        self.indices = list(indices)
        self.xs1 = [setup.dataset.points[n][0] for n in indices]
        self.xs2 = [setup.dataset.points[n][1] for n in indices]
        self.labels = [setup.dataset.labels[n] for n in indices]
        targets = [setup.targets[n] for n in indices]
        self.groups = [(t, [k for k, x in enumerate(targets) if x == t]) for t in sorted(set(targets))]

    def __len__(self) -> int:
        return len(self.indices)


class CompiledTrainer:
    """The same step on recorded shapes, replayed on floats.

    Three recordings, made once: the model's forward from (x1, x2) to its output (its hidden units
    along the way), for every example at once; the example loss from that output, once per target
    (the loss's code branches on it); the batch loss from the training examples' losses and the
    parameters.
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
            out, hidden = setup.model.forward_units((x1, x2))
        self.model: CompiledTape = tape.compile([out])
        self.model_output = out.slot
        units = [unit for layer in hidden for unit in layer]
        self.unit_slots = dict(zip(setup.unit_names, (u.slot for u in units), strict=True))
        self.loss_tapes: dict[int, tuple[CompiledTape, int]] = {}
        for target in sorted(set(setup.targets)):
            tape = Tape()
            loss = preset.example_loss(tape.input(), target)
            self.loss_tapes[target] = (tape.compile([loss]), loss.slot)
        self.train_points = _Points(setup, setup.train_indices)
        self.test_points = _Points(setup, setup.test_indices) if setup.test_indices else None
        tape = Tape()
        stand_ins = [tape.parameter() for _ in parameters]
        losses = [tape.input(varying=False) for _ in self.train_points.indices]
        total = preset.batch_loss(losses, stand_ins)
        self.batch = tape.compile([total])
        self.batch_output = total.slot
        self.last_forward = None  # the latest step's model replay on the training points
        self._per_example: tuple[CompiledTape, int] | None = None  # made when first asked for

    def _example_losses(self, points: _Points, outputs: list[float], gradients: bool = True):
        """Each example's loss, and each target's replay (for the backward pass)."""
        losses = [0.0] * len(points)
        replays = []
        for target, positions in points.groups:
            program, slot = self.loss_tapes[target]
            replay = program.forward((), [[outputs[k] for k in positions]], gradients=gradients)
            for k, loss in zip(positions, replay.values[slot], strict=True):
                losses[k] = loss
            replays.append(replay)
        return losses, replays

    def train_epoch(self, learning_rate: float) -> EpochResult:
        preset, points = self.setup.preset, self.train_points
        model = self.model.forward(self.values, [points.xs1, points.xs2])
        self.last_forward = model
        outputs = model.values[self.model_output]
        losses, replays = self._example_losses(points, outputs)
        batch = self.batch.forward(self.values, losses)
        total = batch.values[self.batch_output]
        batch_grads = self.batch.backward(batch, self.batch_output, 1.0)
        seeds = [batch_grads[s] or 0.0 for s in self.batch.inputs]  # ∂total/∂loss_n
        d_outputs = [0.0] * len(points)
        for (target, positions), replay in zip(points.groups, replays, strict=True):
            program, slot = self.loss_tapes[target]
            grads = program.backward(replay, slot, [seeds[k] for k in positions])
            for k, d in zip(positions, grads[program.inputs[0]] or [0.0] * len(positions), strict=True):
                d_outputs[k] = d
        grads = self.model.backward(model, self.model_output, d_outputs, inputs=False)
        data = [grads[a] or 0.0 for a in self.model.parameters]
        gradients = [d + (batch_grads[b] or 0.0) for d, b in zip(data, self.batch.parameters, strict=True)]
        if not math.isfinite(total) or not finite(gradients):
            what = "loss" if not math.isfinite(total) else "a gradient"
            raise DivergedError(f"{what} is no longer a finite number (learning rate {learning_rate:g})")
        correct = sum(preset.is_correct(out, y) for out, y in zip(outputs, points.labels, strict=True))
        test_loss = test_accuracy = None
        if self.test_points is not None:
            test_loss, test_accuracy = self.evaluate(self.test_points)
        self.values = [p - learning_rate * g for p, g in zip(self.values, gradients, strict=True)]
        data_gradient = max(map(abs, data), default=0.0)
        return EpochResult(total, correct / len(points), gradients, data_gradient, test_loss, test_accuracy)

    def evaluate(self, points: _Points) -> tuple[float, float]:
        """The batch loss (as training measures it) and accuracy on these points, current parameters."""
        preset = self.setup.preset
        outputs = self.predict(points.xs1, points.xs2)
        losses, _ = self._example_losses(points, outputs, gradients=False)
        correct = sum(preset.is_correct(out, y) for out, y in zip(outputs, points.labels, strict=True))
        return float(preset.batch_loss(losses, self.values)), correct / len(points)

    def parameter_values(self) -> list[float]:
        return list(self.values)

    def train_units(self) -> dict[str, list[float]]:
        """Every hidden unit's output on each training point, in the latest step's forward pass."""
        values = self.last_forward.values if self.last_forward is not None else None
        if values is None:
            points = self.train_points
            values = self.model.forward(self.values, [points.xs1, points.xs2], gradients=False).values
        return {name: values[slot] for name, slot in self.unit_slots.items()}

    def predict(self, xs1: Sequence[float], xs2: Sequence[float]) -> list[float]:
        """The model's output at each point (x1, x2), at the current parameters."""
        replay = self.model.forward(self.values, [xs1, xs2], gradients=False)
        return replay.values[self.model_output]

    def predict_units(self, xs1: Sequence[float], xs2: Sequence[float]):
        """The model's output and every hidden unit's at each point, from the same pass."""
        values = self.model.forward(self.values, [xs1, xs2], gradients=False).values
        return values[self.model_output], {name: values[slot] for name, slot in self.unit_slots.items()}

    def loss_terms(self) -> LossTerms:
        """The full-batch gradient taken apart: each example's own loss gradient, and the weight the
        batch loss gives it (0 for a test point), at the current parameters (see `LossTerms`)."""
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
        every = _Points(self.setup, range(len(self.setup.dataset)))
        count = len(every)
        columns = [[value] * count for value in self.values]
        model = program.forward((), [*columns, every.xs1, every.xs2])
        outputs = model.values[out_slot]
        losses, replays = self._example_losses(every, outputs)
        d_outputs = [0.0] * count
        for (target, positions), replay in zip(every.groups, replays, strict=True):
            loss_program, slot = self.loss_tapes[target]
            grads = loss_program.backward(replay, slot, [1.0] * len(positions))
            for k, d in zip(positions, grads[loss_program.inputs[0]] or [0.0] * len(positions), strict=True):
                d_outputs[k] = d
        grads = program.backward(model, out_slot, d_outputs)
        per_example = [grads[s] or [0.0] * count for s in program.inputs[: len(self.values)]]
        train = self.train_points.indices
        batch = self.batch.forward(self.values, [losses[n] for n in train])
        batch_grads = self.batch.backward(batch, self.batch_output, 1.0)
        weights = [0.0] * count
        for n, s in zip(train, self.batch.inputs, strict=True):
            weights[n] = batch_grads[s] or 0.0
        return LossTerms(
            loss=batch.values[self.batch_output],
            losses=losses,
            weights=weights,
            example_gradients=per_example,
            regularization=[batch_grads[s] or 0.0 for s in self.batch.parameters],
        )


@dataclass(frozen=True)
class LossTerms:
    """The batch loss and its gradient as sums over the examples.

    For every parameter p (lists in Setup.names order, examples in dataset order):
    ∂loss/∂p = Σₙ weights[n] · example_gradients[p][n] + regularization[p], where
    example_gradients[p][n] = ∂lossₙ/∂p is example n's own loss gradient, weights[n] = ∂loss/∂lossₙ
    (1/N for both presets, N the training points; 0 for a test point) and regularization[p] the L2
    term's share (0 for minitorch).
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
    """What one epoch did: loss and accuracy before its update (test ones too when there is a test
    set), the learning rate and gradients it used, and the parameters after it (Setup.names order)."""

    epoch: int  # 1-based
    loss: float
    accuracy: float
    learning_rate: float
    gradients: list[float]
    parameters: list[float]
    data_gradient: float = 0.0  # see EpochResult
    test_loss: float | None = None
    test_accuracy: float | None = None


def train(setup: Setup, trainer: CompiledTrainer | ScalarTrainer, learning_rate: float, epochs: int,
          start_epoch: int = 0, stop_epoch: int | None = None) -> Iterator[Epoch]:  # fmt: skip
    """Epochs ``start_epoch + 1`` … ``stop_epoch`` (default ``epochs``) of an ``epochs``-long run."""
    stop = epochs if stop_epoch is None else stop_epoch
    for k in range(start_epoch, stop):
        rate = setup.preset.learning_rate_at(learning_rate, k, epochs)
        r = trainer.train_epoch(rate)
        yield Epoch(k + 1, r.loss, r.accuracy, rate, r.gradients, trainer.parameter_values(),
                    r.data_gradient, r.test_loss, r.test_accuracy)  # fmt: skip


# -- one example -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Example:
    """One point of the dataset and its loss at the setup's current parameters (the library's value)."""

    index: int
    point: tuple[float, float]
    label: int
    target: int
    loss: float
    test: bool


def example(setup: Setup, index: int) -> Example:
    """Example ``index`` (a training or a test point): its forward pass and loss on Scalars."""
    if not 0 <= index < len(setup.dataset):
        raise IndexError(index)
    (x1, x2), label = setup.dataset.points[index], setup.dataset.labels[index]
    target = setup.targets[index]
    output = setup.model.forward((Scalar(x1), Scalar(x2)))
    loss = setup.preset.example_loss(output, target)
    return Example(index, (x1, x2), label, target, loss.data, setup.is_test[index])
