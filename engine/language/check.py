"""The check stage: every variable's gradient against central differences of the whole program.

Input: a built ``Graph``. Output: one ``CheckResult`` per variable. The program's forward pass is
replayed on floats with the very same ``forward`` functions, and the engine's ``central_difference``
differentiates that replay, so a disagreement can only come from the finite difference itself (or
from a kink, where the derivative is a convention).
"""

from __future__ import annotations

import math

from ..autodiff import Context, central_difference
from .errors import TooLargeError
from .graph import CheckResult, Graph

#: The check replays the forward pass twice per variable: bound that work.
MAX_CHECK_EVALUATIONS = 1_000_000
CHECK_REL_TOL = 1e-4
CHECK_ABS_TOL = 1e-6


class _Undefined(Exception):
    """The replay left the real numbers (log of a negative number, an overflow, ...)."""


def numeric_check(graph: Graph) -> dict[str, CheckResult]:
    """Central differences, one variable at a time, against the traced gradients."""
    count = graph.count
    reached = graph.reaching_output()
    ancestors = [i for i in range(count) if reached[i]]  # the nodes the output depends on, in order
    index = {node: slot for slot, node in enumerate(ancestors)}
    functions, offsets, inputs = graph.functions, graph.input_offsets, graph.inputs
    tape = [(functions[i], tuple(index[j] for j in inputs[offsets[i] : offsets[i + 1]])) for i in ancestors]
    base = [graph.values[i] for i in ancestors]
    reachable = [node for node in graph.variables_at.values() if reached[node]]
    if 2 * len(reachable) * len(tape) > MAX_CHECK_EVALUATIONS:
        raise TooLargeError(
            f"the numeric check would replay {len(tape):,} nodes for {len(reachable):,} variables; "
            f"the limit is {MAX_CHECK_EVALUATIONS:,} node evaluations: turn the check off"
        )
    ctx = Context(no_grad=True)  # saves nothing, so one serves every replayed node

    def program_at(slot: int):
        """The program's output as a function of one variable, every other one held."""

        def output(x: float) -> float:
            data = base.copy()
            data[slot] = x
            try:
                for i, (fn, inputs) in enumerate(tape):
                    if fn is not None:
                        data[i] = float(fn.forward(ctx, *[data[j] for j in inputs]))
            except (ArithmeticError, ValueError):
                raise _Undefined from None
            if not math.isfinite(data[-1]):
                raise _Undefined
            return data[-1]

        return output

    scale = max(1.0, abs(graph.values[-1]))
    checks = {}
    for name, analytic in graph.gradients.items():
        node = graph.variables_at[name]
        if not reached[node]:
            checks[name] = CheckResult(analytic, 0.0, analytic == 0.0)
            continue
        x = graph.values[node]
        epsilon = 1e-6 * max(1.0, abs(x))
        try:
            numeric = central_difference(program_at(index[node]), x, epsilon=epsilon)
        except _Undefined:
            numeric = None
        if numeric is not None and not math.isfinite(numeric):
            numeric = None
        ok = numeric is not None and math.isclose(
            analytic, numeric, rel_tol=CHECK_REL_TOL, abs_tol=CHECK_ABS_TOL * scale
        )
        checks[name] = CheckResult(analytic, numeric, ok)
    return checks
