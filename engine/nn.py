"""Networks of Scalars: minitorch's `Linear` and `Network`, micrograd's `Neuron`, `Layer` and `MLP`.

Both families are `Module`s, so both name their parameters by path and switch train/eval the same
way. micrograd's keep micrograd's own surface as well: ``parameters()`` gives the leaf Scalars
themselves and ``zero_grad()`` sets their gradients to 0, so micrograd's demo notebook runs
unchanged with `Scalar` in place of ``Value``. Every layer reads its parameters when it is called,
so a parameter updated with a fresh leaf is used from the next call on. See docs/architecture.md.
"""

from __future__ import annotations

import random

from .module import Module, Parameter
from .scalar import Scalar

#: The activations a hidden layer may use: each is a method every Scalar has.
ACTIVATIONS = {
    "relu": lambda x: x.relu(),
    "tanh": lambda x: x.tanh(),
    "sigmoid": lambda x: x.sigmoid(),
}


def activation_function(name: str):
    """The activation called ``name``; a clear error for any other name."""
    try:
        return ACTIVATIONS[name]
    except KeyError:
        raise ValueError(f"unknown activation {name!r}: choose one of {', '.join(ACTIVATIONS)}") from None


# -- minitorch -------------------------------------------------------------------------------------------


class Linear(Module):
    """y_j = bias_j + Σ_i x_i · weight_i_j, one Scalar per weight (minitorch's scalar Linear).

    Weights, then biases, are drawn uniformly from [-1, 1) in minitorch's order, from ``rng``
    (Python's shared generator when none is given, as minitorch does).
    """

    def __init__(self, in_size: int, out_size: int, rng: random.Random | None = None) -> None:
        super().__init__()
        draw = (rng or random).random
        self.in_size, self.out_size = in_size, out_size
        self.weights = [
            [self.add_parameter(f"weight_{i}_{j}", 2 * (draw() - 0.5)) for j in range(out_size)]
            for i in range(in_size)
        ]
        self.bias = [self.add_parameter(f"bias_{j}", 2 * (draw() - 0.5)) for j in range(out_size)]

    def forward(self, inputs) -> list:
        y = [b.value for b in self.bias]
        for i, x in enumerate(inputs):
            row = self.weights[i]
            for j in range(len(y)):
                y[j] = y[j] + x * row[j].value
        return y

    def weight_parameter(self, i: int, j: int) -> Parameter:
        """The weight from input ``i`` to output ``j``."""
        return self.weights[i][j]

    def bias_parameter(self, j: int) -> Parameter:
        return self.bias[j]


class Network(Module):
    """minitorch's run_scalar model: Linear(2, H) → act → Linear(H, H) → act → Linear(H, 1) → sigmoid."""

    def __init__(self, hidden: int, activation: str = "relu", rng: random.Random | None = None) -> None:
        super().__init__()
        self.activation = activation
        self.act = activation_function(activation)
        self.layer1 = Linear(2, hidden, rng)
        self.layer2 = Linear(hidden, hidden, rng)
        self.layer3 = Linear(hidden, 1, rng)

    def forward(self, x):
        return self.forward_units(x)[0]

    def forward_units(self, x) -> tuple:
        """The output, and each hidden layer's unit outputs (after the activation)."""
        middle = [self.act(h) for h in self.layer1.forward(x)]
        end = [self.act(h) for h in self.layer2.forward(middle)]
        return self.layer3.forward(end)[0].sigmoid(), [middle, end]

    def dense_layers(self) -> list[Linear]:
        return [self.layer1, self.layer2, self.layer3]


# -- micrograd -------------------------------------------------------------------------------------------


class MicrogradModule(Module):
    """micrograd's Module surface on top of ours: parameters are the Scalars, zero_grad sets 0."""

    def parameters(self) -> list[Scalar]:  # micrograd's meaning: the values to change in place
        return [parameter.value for parameter in super().parameters()]

    def zero_grad(self) -> None:
        for p in self.parameters():
            p.grad = 0.0


class Neuron(MicrogradModule):
    """act(b + Σ_i w_i · x_i): weights uniform in [-1, 1], bias 0 (micrograd's Neuron)."""

    def __init__(self, nin: int, nonlin: bool = True, activation: str = "relu",
                 rng: random.Random | None = None) -> None:  # fmt: skip
        super().__init__()
        uniform = (rng or random).uniform
        self.weights = [self.add_parameter(f"weight_{i}", uniform(-1, 1)) for i in range(nin)]
        self.bias = self.add_parameter("bias", 0.0)
        self.nonlin = nonlin
        self.activation = activation
        self.act = activation_function(activation)

    @property
    def w(self) -> list[Scalar]:
        return [p.value for p in self.weights]

    @property
    def b(self) -> Scalar:
        return self.bias.value

    def __call__(self, x):
        act = sum((wi * xi for wi, xi in zip(self.w, x, strict=True)), self.b)
        return self.act(act) if self.nonlin else act

    forward = __call__

    def __repr__(self) -> str:
        kind = {"relu": "ReLU", "tanh": "Tanh", "sigmoid": "Sigmoid"}[self.activation]
        return f"{kind if self.nonlin else 'Linear'}Neuron({len(self.weights)})"


class Layer(MicrogradModule):
    """``nout`` neurons on the same inputs; one output comes back bare, as in micrograd."""

    def __init__(self, nin: int, nout: int, **kwargs) -> None:
        super().__init__()
        self.in_size, self.out_size = nin, nout
        self.neurons = [Neuron(nin, **kwargs) for _ in range(nout)]
        for j, neuron in enumerate(self.neurons):
            setattr(self, f"neuron{j}", neuron)

    def __call__(self, x):
        out = [n(x) for n in self.neurons]
        return out[0] if len(out) == 1 else out

    forward = __call__

    def weight_parameter(self, i: int, j: int) -> Parameter:
        """The weight from input ``i`` to neuron ``j``."""
        return self.neurons[j].weights[i]

    def bias_parameter(self, j: int) -> Parameter:
        return self.neurons[j].bias

    def __repr__(self) -> str:
        return f"Layer of [{', '.join(str(n) for n in self.neurons)}]"


class MLP(MicrogradModule):
    """Layers of sizes ``nouts`` after ``nin`` inputs; every layer but the last is nonlinear."""

    def __init__(self, nin: int, nouts: list[int], activation: str = "relu",
                 rng: random.Random | None = None) -> None:  # fmt: skip
        super().__init__()
        sizes = [nin, *nouts]
        self.layers = [
            Layer(sizes[k], sizes[k + 1], nonlin=k != len(nouts) - 1, activation=activation, rng=rng)
            for k in range(len(nouts))
        ]
        for k, layer in enumerate(self.layers, start=1):
            setattr(self, f"layer{k}", layer)

    def __call__(self, x):
        return self.forward_units(x)[0]

    forward = __call__

    def forward_units(self, x) -> tuple:
        """The output, and each hidden layer's unit outputs (after the activation)."""
        hidden = []
        for layer in self.layers[:-1]:
            x = layer(x)
            if layer.out_size == 1:  # a one-unit layer answers a bare value; the next one wants a list
                x = [x]
            hidden.append(x)
        return self.layers[-1](x), hidden

    def dense_layers(self) -> list[Layer]:
        return list(self.layers)

    def __repr__(self) -> str:
        return f"MLP of [{', '.join(str(layer) for layer in self.layers)}]"
