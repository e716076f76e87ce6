"""One example's loss as a program in the expression language: what /api/train/example answers.

Parameters are declared variables (one line per unit), the example's inputs are constants, and each
unit is one statement, computed in the library's order (bias first, then each input times its
weight), so the program's gradients are the library's for this example. See docs/training.md.
"""

from __future__ import annotations

from .training import Setup


def _number(value: float) -> str:
    return repr(float(value))


def example_program(setup: Setup, index: int) -> tuple[str, dict[str, float]]:
    """Example ``index``'s loss in the expression language, at the setup's current parameters.

    Parameters are declared variables (one line per unit), the example's inputs are constants,
    and each unit is one statement, computed in the library's order (bias first, then each
    input times its weight), so the program's gradients are the library's for this example.
    """
    if not 0 <= index < len(setup.dataset):
        raise IndexError(index)
    preset = setup.preset
    (x1, x2), label = setup.dataset.points[index], setup.dataset.labels[index]
    target = setup.targets[index]
    values = setup.parameter_values()
    if setup.is_test[index]:
        role = "# a test point: training does not use its loss"
    else:
        role = "# this example's loss; training averages it over every training point" + (
            f" and adds {preset.regularization:g}·Σp²" if preset.regularization else ""
        )
    lines = [
        f"# {preset.name} preset, {setup.dataset.name} point {index} of {len(setup.dataset)}: "
        f"x = ({_number(x1)}, {_number(x2)}), label {label}"
        + ("" if target == label else f", y = {target:+d}"),
        role,
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
