"""The examples menu: small programs that show one idea each."""

from __future__ import annotations

EXAMPLES: list[dict[str, str]] = [
    {
        "id": "lecture",
        "title": "micrograd's lecture graph: L = d·f",
        "description": "The first graph of 'The spelled-out intro to neural networks and backpropagation'.",
        "expression": "a = 2\nb = -3\nc = 10\ne = a*b\nd = e + c\nf = -2\nL = d*f",
    },
    {
        "id": "neuron",
        "title": "A tanh neuron",
        "description": "Two inputs, two weights, a bias, tanh: the neuron of micrograd's lecture.",
        "expression": (
            "x1 = 2\nx2 = 0\nw1 = -3\nw2 = 1\nb = 6.8813735870195432\n"
            "x1w1 = x1*w1\nx2w2 = x2*w2\nn = x1w1 + x2w2 + b\no = tanh(n)"
        ),
    },
    {
        "id": "minitorch",
        "title": "minitorch: log(z) + exp(z)",
        "description": "The running example of minitorch's autodiff module, with z = x·y.",
        "expression": "x = 2\ny = 0.5\nz = x*y\nh = log(z) + exp(z)",
    },
    {
        "id": "sine",
        "title": "sin(2x)",
        "description": "The chain rule through a function: d/dx sin(2x) = 2·cos(2x).",
        "expression": "x = 0.5\ny = sin(2*x)",
    },
    {
        "id": "square",
        "title": "(x·y)²",
        "description": "A power of a product: d/dx (xy)² = 2xy·y.",
        "expression": "x = 1.5\ny = -2\nz = (x*y)^2",
    },
    {
        "id": "reuse",
        "title": "A reused variable: b = a + a",
        "description": "One variable used twice: its gradient is the sum of both paths (+=).",
        "expression": "a = 3\nb = a + a\nc = b * a",
    },
]
