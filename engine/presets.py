"""The two presets (a model, a loss, a schedule), the limits a run may ask for, and the one place a
run's settings get their defaults.

- `Preset`: ``minitorch`` (run_scalar's network, −log p) and ``micrograd`` (the demo notebook's MLP,
  hinge loss + L2, decaying learning rate). Their loss code runs on Scalars and on traced numbers
  alike, so the compiled step (`engine.training`) is recorded from this very code.
- `Settings` and `resolve_settings`: a run's settings with every default filled in, from the preset.
- `RECOMMENDED`: for each dataset, settings measured to train it well across seeds.

See docs/training.md.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from .datasets import DATASETS
from .module import Module
from .nn import MLP, Network


@dataclass(frozen=True)
class Defaults:
    dataset: str
    points: int
    hidden: int
    activation: str
    learning_rate: float
    epochs: int


class Preset:
    """A model family, its loss and its learning-rate schedule."""

    name: str
    summary: str
    defaults: Defaults
    #: What the model's output is, and where the classes divide: "probability" at 0.5, "score" at 0.
    output: str
    threshold: float
    #: The L2 term's factor in the batch loss (0: none).
    regularization: float = 0.0

    def build_model(self, hidden: int, activation: str, rng: random.Random) -> Module:
        raise NotImplementedError

    def parameter_names(self, hidden: int) -> list[str]:
        """The model's parameter names (``l1_w0_1``, ``l1_b1``) in its parameters' order, without
        building it: layers of sizes 2 → H → H → 1."""
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

    # The example's loss as program text; see `engine.training.example_program`.
    def output_statement(self, layer_sum: str) -> str:
        raise NotImplementedError

    def loss_statement(self, target: int) -> str:
        raise NotImplementedError


def _layer_sizes(hidden: int) -> list[tuple[int, int]]:
    return [(2, hidden), (hidden, hidden), (hidden, 1)]


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

    def parameter_names(self, hidden):
        names = []
        # Layer by layer: its weights row by row (input i to every unit), then its biases.
        for k, (inputs, outputs) in enumerate(_layer_sizes(hidden), start=1):
            names += [f"l{k}_w{i}_{j}" for i in range(inputs) for j in range(outputs)]
            names += [f"l{k}_b{j}" for j in range(outputs)]
        return names

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

    def parameter_names(self, hidden):
        names = []
        for k, (inputs, outputs) in enumerate(_layer_sizes(hidden), start=1):  # neuron by neuron
            for j in range(outputs):
                names += [f"l{k}_w{i}_{j}" for i in range(inputs)] + [f"l{k}_b{j}"]
        return names

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
#: A test set and noise are fractions up to this.
MAX_TEST_FRACTION = MAX_NOISE = 0.5


# -- a run's settings ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Settings:
    """Everything a run is made from, every default filled in."""

    preset: str
    dataset: str
    points: int
    hidden: int
    activation: str
    learning_rate: float
    epochs: int
    seed: int = 0
    noise: float = 0.0
    test_fraction: float = 0.0


def resolve_settings(preset: str, dataset: str | None = None, points: int | None = None,
                     hidden: int | None = None, activation: str | None = None,
                     learning_rate: float | None = None, epochs: int | None = None, seed: int = 0,
                     noise: float = 0.0, test_fraction: float = 0.0) -> Settings:  # fmt: skip
    """The settings a request means: what it leaves out (None) is the preset's default. The only
    place defaults are filled in; unknown names are a ValueError."""
    if preset not in PRESETS:
        raise ValueError(f"unknown preset {preset!r}: choose one of {', '.join(PRESETS)}")
    d = PRESETS[preset].defaults
    return Settings(
        preset=preset,
        dataset=d.dataset if dataset is None else dataset,
        points=d.points if points is None else points,
        hidden=d.hidden if hidden is None else hidden,
        activation=d.activation if activation is None else activation,
        learning_rate=d.learning_rate if learning_rate is None else learning_rate,
        epochs=d.epochs if epochs is None else epochs,
        seed=seed,
        noise=noise,
        test_fraction=test_fraction,
    )


# -- recommended settings --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Recommended:
    """A request body without dataset and seed: ``resolve_settings(dataset=…, seed=…, **vars(it))``."""

    preset: str
    hidden: int
    activation: str
    learning_rate: float
    epochs: int


#: Measured with bench/recommend.py over seeds 0–4 (the table in docs/training.md): the median final
#: accuracy is ≥ 95% on simple and diag, ≥ 90% on split, xor, circle and moons, ≥ 80% on spiral.
#: tanh rather than relu for minitorch's small networks: with H = 2 to 4 a ReLU unit often dies. The
#: spiral needs the widest network and the most epochs the limits allow (about 5.6 CPU s a run).
RECOMMENDED: dict[str, Recommended] = {
    "simple": Recommended("minitorch", 4, "tanh", 1.0, 500),
    "diag": Recommended("minitorch", 4, "tanh", 0.5, 500),
    "split": Recommended("minitorch", 4, "tanh", 1.0, 500),
    "xor": Recommended("minitorch", 4, "tanh", 1.0, 500),
    "circle": Recommended("minitorch", 4, "tanh", 1.0, 500),
    "spiral": Recommended("minitorch", 16, "tanh", 1.0, 2000),
    "moons": Recommended("micrograd", 16, "relu", 1.0, 100),
}
assert set(RECOMMENDED) == set(DATASETS)
