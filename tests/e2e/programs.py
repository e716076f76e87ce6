"""Programs the browser tests and bench/page.py draw: a long chain and a small neural network."""

from __future__ import annotations


def tanh_chain(lines: int = 250, weight_name: str = "w") -> str:
    """``s_i = tanh(s_{i-1} * w + c_i)`` for ``lines`` lines: 4 nodes a line, one long thin chain
    (1,002 nodes with the default). ``weight_name`` renames w (another structure, the same shape)."""
    rows = ["s_0 = 0.5", f"{weight_name} = 0.9"]
    for i in range(1, lines + 1):
        rows.append(f"c_{i} = {0.1 + (i % 5) * 0.01:.2f}")
        rows.append(f"s_{i} = tanh(s_{i - 1} * {weight_name} + c_{i})")
    return "\n".join(rows)


def mlp_program(inputs: int = 2, hidden: tuple[int, ...] = (16, 16), weight_name: str = "w") -> str:
    """The squared error of an MLP on one point, one statement per neuron, micrograd-style.

    With the defaults: 984 nodes, one named statement per neuron (``z1_3 = w1_3_1*x1 + … + b1_3``,
    ``h1_3 = tanh(z1_3)``), an output ``out`` and a ``loss``. Weights are fixed numbers in (-1, 1)
    so every run gives the same graph; ``weight_name`` changes every weight's name (the same shape,
    another structure: the benchmark's way to make the page lay it out again).
    """
    rows = [f"x{i} = {0.5 - i:.1f}" for i in range(1, inputs + 1)]
    previous = [f"x{i}" for i in range(1, inputs + 1)]
    sizes = [*hidden, 1]
    seed = 7
    for layer, size in enumerate(sizes, start=1):
        current = []
        for j in range(1, size + 1):
            terms = []
            for k, source in enumerate(previous, start=1):
                seed = (seed * 1103515245 + 12345) % 2**31
                weight = f"{weight_name}{layer}_{j}_{k}"
                rows.append(f"{weight} = {seed / 2**31 * 2 - 1:.3f}")
                terms.append(f"{weight}*{source}")
            rows.append(f"b{layer}_{j} = 0.1")
            if layer == len(sizes):
                rows.append(f"out = {' + '.join(terms)} + b{layer}_{j}")
                current.append("out")
            else:
                rows.append(f"z{layer}_{j} = {' + '.join(terms)} + b{layer}_{j}")
                rows.append(f"h{layer}_{j} = tanh(z{layer}_{j})")
                current.append(f"h{layer}_{j}")
        previous = current
    rows.append("loss = (out - 1)**2")
    return "\n".join(rows)
