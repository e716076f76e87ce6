"""Networks: minitorch's Linear/Network, and micrograd's Neuron/Layer/MLP checked against micrograd."""

from __future__ import annotations

import math
import random

import pytest
from micrograd.engine import Value
from micrograd.nn import MLP as MicrogradMLP

from engine import MLP, Layer, Linear, Network, Neuron, Scalar
from engine.datasets import moons


def test_linear_draws_weights_then_biases_from_the_generator_in_minitorchs_order():
    layer = Linear(2, 3, random.Random(4))
    draws = random.Random(4)
    expected = [2 * (draws.random() - 0.5) for _ in range(2 * 3 + 3)]
    weights = [layer.weights[i][j].value.data for i in range(2) for j in range(3)]
    biases = [b.value.data for b in layer.bias]
    assert weights + biases == expected
    assert all(-1.0 <= v < 1.0 for v in expected)
    assert [name for name, _ in layer.named_parameters()] == [
        "weight_0_0", "weight_0_1", "weight_0_2", "weight_1_0", "weight_1_1", "weight_1_2",
        "bias_0", "bias_1", "bias_2",
    ]  # fmt: skip


def test_linear_adds_each_input_times_its_weight_to_the_bias():
    layer = Linear(2, 2, random.Random(0))
    x = (Scalar(0.25), Scalar(-2.0))
    out = layer.forward(x)
    for j in range(2):
        expected = layer.bias[j].value.data + 0.25 * layer.weights[0][j].value.data
        expected = expected + -2.0 * layer.weights[1][j].value.data
        assert out[j].data == expected


@pytest.mark.parametrize("hidden", [1, 2, 10])
def test_network_is_runs_scalar_model(hidden):
    network = Network(hidden, "relu", random.Random(1))
    names = [name for name, _ in network.named_parameters()]
    assert len(names) == (2 * hidden + hidden) + (hidden * hidden + hidden) + (hidden + 1)
    assert names[0] == "layer1.weight_0_0" and names[-1] == "layer3.bias_0"
    x1, x2 = Scalar(0.3), Scalar(0.9)
    out = network.forward((x1, x2))
    middle = [h.relu() for h in network.layer1.forward((x1, x2))]
    end = [h.relu() for h in network.layer2.forward(middle)]
    assert out.data == network.layer3.forward(end)[0].sigmoid().data
    assert 0.0 < out.data < 1.0


def test_an_unknown_activation_is_refused_by_name():
    with pytest.raises(ValueError, match="unknown activation 'gelu'"):
        Network(2, "gelu")


@pytest.mark.parametrize("activation", ["relu", "tanh", "sigmoid"])
def test_a_neuron_applies_its_activation_to_the_bias_plus_weighted_inputs(activation):
    neuron = Neuron(2, activation=activation, rng=random.Random(2))
    x = [0.5, -1.5]
    act = neuron.b.data + neuron.w[0].data * 0.5 + neuron.w[1].data * -1.5
    expected = {"relu": max(act, 0.0), "tanh": math.tanh(act), "sigmoid": 1 / (1 + math.exp(-act))}[
        activation
    ]
    assert neuron(x).data == pytest.approx(expected, abs=1e-15)
    assert Neuron(2, nonlin=False, rng=random.Random(2))(x).data == act
    assert neuron.b.data == 0.0  # micrograd starts every bias at 0


def test_micrograd_modules_give_the_scalars_and_zero_their_gradients():
    layer = Layer(3, 2, rng=random.Random(0))
    params = layer.parameters()
    assert len(params) == 8 and all(isinstance(p, Scalar) for p in params)
    assert [name for name, _ in layer.named_parameters()][:4] == [
        "neuron0.weight_0", "neuron0.weight_1", "neuron0.weight_2", "neuron0.bias",
    ]  # fmt: skip
    sum(p * p for p in params).backward()
    layer.zero_grad()
    assert [p.grad for p in params] == [0.0] * 8


def test_mlp_draws_the_same_weights_as_micrograd_and_prints_like_it():
    random.seed(1337)
    ours = MLP(2, [16, 16, 1])
    random.seed(1337)
    theirs = MicrogradMLP(2, [16, 16, 1])
    assert [p.data for p in ours.parameters()] == [p.data for p in theirs.parameters()]
    assert len(ours.parameters()) == 337
    assert repr(ours) == repr(theirs)


def demo_steps(model, number, steps: int) -> list[tuple[float, float]]:
    """micrograd's demo notebook's training loop, as a user writes it, for either library."""
    data = moons(100, seed=3)
    X = [list(p) for p in data.points]
    y = [2 * label - 1 for label in data.labels]
    history = []
    for k in range(steps):
        inputs = [list(map(number, xrow)) for xrow in X]
        scores = list(map(model, inputs))
        losses = [(1 + -yi * scorei).relu() for yi, scorei in zip(y, scores, strict=True)]
        data_loss = sum(losses) * (1.0 / len(losses))
        reg_loss = 1e-4 * sum(p * p for p in model.parameters())
        total_loss = data_loss + reg_loss
        accuracy = [(yi > 0) == (scorei.data > 0) for yi, scorei in zip(y, scores, strict=True)]
        model.zero_grad()
        total_loss.backward()
        learning_rate = 1.0 - 0.9 * k / 100
        for p in model.parameters():
            p.data -= learning_rate * p.grad
        history.append((total_loss.data, sum(accuracy) / len(accuracy)))
    return history


def test_micrograds_demo_runs_unchanged_with_scalar_and_gives_micrograds_numbers():
    random.seed(1337)
    ours = demo_steps(MLP(2, [16, 16, 1]), Scalar, 4)
    random.seed(1337)
    theirs = demo_steps(MicrogradMLP(2, [16, 16, 1]), Value, 4)
    for (loss, accuracy), (their_loss, their_accuracy) in zip(ours, theirs, strict=True):
        assert loss == pytest.approx(their_loss, rel=1e-12, abs=1e-12)
        assert accuracy == their_accuracy
    assert ours[-1][0] < ours[0][0]
