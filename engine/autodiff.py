"""Reverse-mode differentiation over Scalars: topological order, backpropagation, traces, checks.

No recursion anywhere: a chain of a million operations is as easy as a chain of three.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Sequence
from typing import NamedTuple

from .errors import MathError

_isfinite = math.isfinite
# NamedTuple(...) goes through a Python-level __new__; tuple.__new__ makes the same object without
# it, which matters once per input of every node of a 50,000-node trace.
_new_tuple = tuple.__new__


def topological_sort(variable, include_constants: bool = False) -> list:
    """Every Scalar ``variable`` depends on, itself included, output first (minitorch's order).

    Each Scalar is made after its inputs, so its ``unique_id`` is larger than theirs: sorting the
    reachable Scalars by id, newest first, is a topological order, found without recursion.
    """
    found = {variable.unique_id: variable}
    stack = [variable]
    pop, push = stack.pop, stack.append
    while stack:
        for parent in pop().inputs:
            key = parent.unique_id
            if key not in found and (include_constants or not parent._constant):
                found[key] = parent
                push(parent)
    return [found[key] for key in sorted(found, reverse=True)]


def backpropagate(variable, deriv: float = 1.0) -> None:
    """Set ``.grad`` on every Scalar ``variable`` depends on: d variable / d that Scalar × ``deriv``.

    Each node's backward runs exactly once, after all of its own gradient has arrived; gradients
    from several uses of one Scalar add up. Leaves keep adding across calls, other nodes are set.
    """
    # topological_sort, fused with resetting the accumulators: `.grad` is where gradients add up,
    # so operation nodes start this pass at 0 while leaves keep what earlier passes gave them.
    found = {variable.unique_id: variable}
    stack = [variable]
    pop, push = stack.pop, stack.append
    while stack:
        node = pop()
        if node.last_fn is not None or node.grad is None:
            node.grad = 0.0
        for parent in node.inputs:
            key = parent.unique_id
            if key not in found and not parent._constant:
                found[key] = parent
                push(parent)
    variable.grad += float(deriv)
    keys = sorted(found, reverse=True)  # newest first: every node's users before it
    for key in keys:
        node = found[key]
        d = node.grad  # complete: every user of this node came before it
        if d - d != 0.0:  # inf - inf and nan - nan are nan: a derivative that is not finite arrived
            raise _first_non_finite([found[k] for k in keys], keys.index(key))
        fn = node.last_fn
        if fn is None:
            continue
        try:
            local_times_d = fn.backward(node.ctx, d)
        except (ArithmeticError, ValueError) as exc:
            raise _backward_error(node, str(exc)) from None
        inputs = node.inputs
        if local_times_d.__class__ is not tuple:
            parent = inputs[0]
            if not parent._constant:
                parent.grad += local_times_d
        elif len(inputs) == 2:  # the common case, unrolled: this loop runs once per operation
            parent, other = inputs
            if not parent._constant:
                parent.grad += local_times_d[0]
            if not other._constant:
                other.grad += local_times_d[1]
        else:
            for parent, g in zip(inputs, local_times_d, strict=False):
                if not parent._constant:
                    parent.grad += g


def _first_non_finite(order: list, position: int) -> MathError:
    """The error for a gradient found not finite at ``order[position]``: name the operation whose
    local derivative made it so, or, when every contribution was finite, the overflowing sum.
    Only ever runs once, on the way out, so it may search."""
    node = order[position]
    for user in order[:position]:
        if user.last_fn is None or not any(p is node for p in user.inputs):
            continue
        try:
            shares = user.last_fn.backward(user.ctx, user.grad)
        except (ArithmeticError, ValueError) as exc:
            return _backward_error(user, str(exc))
        shares = shares if shares.__class__ is tuple else (shares,)
        for parent, g in zip(user.inputs, shares, strict=False):
            if parent is node and g - g != 0.0:
                return _backward_error(user, "infinite or undefined derivative")
    if position == 0:  # the seed itself
        reason = "the output's derivative is not finite"
        return MathError("backward", (node.grad,), "backward", reason, node=node)
    return _sum_error(node)


class Contribution(NamedTuple):
    """One input's share of a backward step: ``contribution = grad × local``.

    For a constant input whose local derivative is undefined both numbers are ``None``.
    """

    input: object
    local: float | None
    contribution: float | None


class BackwardStep(NamedTuple):
    """One operation node processed in the backward pass: its full gradient, then what it passes on."""

    node: object
    grad: float
    contributions: tuple[Contribution, ...]


class Trace(NamedTuple):
    """One backward pass as plain data: forward order (inputs first, output last) and the steps."""

    output: object
    forward: tuple
    steps: tuple[BackwardStep, ...]
    gradients: dict  # unique_id -> gradient in this pass, for every node in `forward` but constants


def trace_backward(variable, deriv: float = 1.0, order: Sequence | None = None) -> Trace:
    """Backpropagate like ``backpropagate`` and record every step.

    ``order`` is a forward (topological) order to walk, output last; by default every node
    ``variable`` depends on, constants included. Nodes in ``order`` that the output does not
    depend on get gradient 0. Local derivatives come from ``backward(ctx, 1.0)`` and each
    contribution is ``grad × local``, so the recorded numbers are the ones added up.
    """
    if order is None:
        order = topological_sort(variable, include_constants=True)[::-1]
    forward = tuple(order)
    derivs = {variable.unique_id: float(deriv)}
    get = derivs.get
    steps = []
    for node in reversed(forward):
        if node._constant:
            continue
        d = get(node.unique_id, 0.0)
        if d - d != 0.0:  # finite contributions can add up to infinity
            raise _sum_error(node)
        fn = node.last_fn
        if fn is None:
            node.grad = d if node.grad is None else node.grad + d
            continue
        node.grad = d
        try:
            local_values = fn.backward(node.ctx, 1.0)
        except (ArithmeticError, ValueError) as exc:
            raise _backward_error(node, str(exc)) from None
        if local_values.__class__ is not tuple:
            local_values = (local_values,)
        contributions = []
        for parent, local in zip(node.inputs, local_values, strict=False):
            if local.__class__ is not float:
                local = float(local)
            contribution = d * local
            if parent._constant:
                if not _isfinite(contribution):
                    local = contribution = None
            else:
                if not _isfinite(contribution):
                    raise _backward_error(node, "infinite or undefined derivative")
                key = parent.unique_id
                derivs[key] = get(key, 0.0) + contribution
            contributions.append(_new_tuple(Contribution, (parent, local, contribution)))
        steps.append(_new_tuple(BackwardStep, (node, d, tuple(contributions))))
    gradients = {node.unique_id: get(node.unique_id, 0.0) for node in forward if not node._constant}
    return Trace(variable, forward, tuple(steps), gradients)


def _backward_error(node, reason: str) -> MathError:
    name = node.last_fn.display_name()
    return MathError(name, tuple(p.data for p in node.inputs), "backward", reason, node=node)


def _sum_error(node) -> MathError:
    name = node.last_fn.display_name() if node.last_fn else "variable"
    subject = f"the gradient of {node.name or name}"
    return MathError(name, (node.data,), "backward", "finite contributions added up to infinity",
                     node=node, subject=subject)  # fmt: skip


def central_difference(f: Callable[..., float], *vals: float, arg: int = 0, epsilon: float = 1e-6) -> float:
    """(f(..., x + ε, ...) - f(..., x - ε, ...)) / 2ε for argument ``arg``: a numeric derivative."""
    up = list(vals)
    down = list(vals)
    up[arg] = vals[arg] + epsilon
    down[arg] = vals[arg] - epsilon
    return (float(f(*up)) - float(f(*down))) / (2.0 * epsilon)


def zero_grad(variables: Iterable) -> None:
    """Forget the gradients of ``variables`` (leaves accumulate across backward calls)."""
    for variable in variables:
        variable.grad = None
