"""Reverse-mode differentiation: the Context, topological order, backpropagation, numeric checks.

The second layer of the engine (see docs/architecture.md), above ``operators``: it imports nothing
of the engine but its error type, and works on anything that looks like a ``Variable`` (the
``Scalar`` two layers up is the one the engine has). No recursion anywhere: a chain of a million
operations is as easy as a chain of three. ``backpropagate`` is the object walk: it sets ``.grad``
and records nothing; ``trace`` (the next layer) records a pass step by step.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Iterable
from typing import Any, Protocol

from .errors import MathError


class Context:
    """What a ScalarFunction's forward keeps for its backward (minitorch's Context)."""

    __slots__ = ("no_grad", "saved_values")

    def __init__(self, no_grad: bool = False, saved_values: tuple = ()) -> None:
        self.no_grad = no_grad
        self.saved_values = saved_values

    def save_for_backward(self, *values: Any) -> None:
        """Keep ``values`` for the backward pass (unless this context is for a forward pass only)."""
        if not self.no_grad:
            self.saved_values = values

    @property
    def saved_tensors(self) -> tuple:  # minitorch's alias
        return self.saved_values

    def __repr__(self) -> str:
        return f"Context(no_grad={self.no_grad!r}, saved_values={self.saved_values!r})"


class Variable(Protocol):
    """What this module reads and writes on a node of the graph (``Scalar`` is the engine's one).

    ``last_fn`` is the function that made the node (``None`` for a leaf) and ``inputs`` its
    arguments in order, repeats kept. A function either declares ``local(*input values, output)``
    (the engine's built-in operations: local derivatives, one per input; a float for one input)
    or is written the minitorch way, with ``backward(ctx, d_out)`` and ``local = None``.
    ``unique_id`` grows with every node made, so a node's inputs always have smaller ids.
    """

    data: float
    grad: float | None
    unique_id: int
    inputs: tuple
    last_fn: Any
    ctx: Context | None
    _constant: bool


# -- order -------------------------------------------------------------------------------------------


def topological_sort(variable: Variable, include_constants: bool = False) -> list:
    """Every node ``variable`` depends on, itself included, output first (minitorch's order).

    Each node is made after its inputs, so its ``unique_id`` is larger than theirs: sorting the
    reachable nodes by id, newest first, is a topological order, found without recursion.
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


# -- backpropagation ---------------------------------------------------------------------------------


def backpropagate(variable: Variable, deriv: float = 1.0) -> None:
    """Set ``.grad`` on every node ``variable`` depends on: d variable / d that node × ``deriv``.

    Each operation's local derivatives are applied once, after all of its own gradient has
    arrived; gradients from several uses of one node add up. Leaves keep adding across calls
    (as in PyTorch), operation nodes hold this pass's gradient. Constants get nothing.
    """
    deriv = float(deriv)
    if variable.last_fn is None:  # a leaf: the seed is all there is
        if not variable._constant:
            variable.grad = (variable.grad or 0.0) + deriv
            _check_leaves([variable], [variable])
        return
    order, leaves = _reachable(variable)
    order.sort(key=_by_id, reverse=True)  # newest first: every node's users before it
    variable.grad += deriv
    rules: dict = {}  # function -> (local rule, arity, whether the rule is a constant); see rule_of
    for node in order:
        d = node.grad  # complete: every user of this node came before it
        if d - d != 0.0:  # inf - inf and nan - nan are nan: a derivative that is not finite arrived
            raise _first_non_finite(node, order)
        fn = node.last_fn
        try:
            local, arity, constant = rules[fn]
        except KeyError:
            local, arity, constant = rules[fn] = rule_of(fn)
        try:
            # One and two inputs (every built-in operation) are written out; the loop below serves
            # the rest. Every node sent through that loop instead, bench/engine.py's geometric mean
            # against micrograd fell from 1.82x to 0.99x (collector off; its MLP step 77 -> 134 ms).
            if arity == 2:
                a, b = node.inputs
                local_a, local_b = local if constant else local(a.data, b.data, node.data)
                if not a._constant:
                    a.grad += local_a * d
                if not b._constant:
                    b.grad += local_b * d
            elif arity == 1:
                (x,) = node.inputs
                if not x._constant:
                    x.grad += (local if constant else local(x.data, node.data)) * d
            else:  # written the minitorch way: backward gives d × each local derivative
                for parent, share in zip(node.inputs, fn._backward(node.ctx, d), strict=False):
                    if not parent._constant:
                        parent.grad += share
        except (ArithmeticError, ValueError) as exc:
            raise _backward_error(node, str(exc)) from None
    _check_leaves(leaves, order)


_by_id = operator.attrgetter("unique_id")


def rule_of(fn) -> tuple:
    """(its local-derivative rule, its number of inputs, whether the rule is a constant) for a
    function with a rule; (None, None, False) for one written the minitorch way. Backpropagation
    reads it from the class once per pass and keeps it in a dict, which is several times cheaper to
    ask than the class itself, and it asks once per node."""
    local = fn.local
    if local is None:
        return None, None, False
    return local, fn.arity, not callable(local)


def _reachable(variable: Variable) -> tuple[list, list]:
    """The operation nodes ``variable`` depends on, itself first, and the leaves (constants left
    out; a leaf used twice is listed twice), without recursion.

    Resets the accumulators on the way: ``.grad`` is where gradients add up, so operation nodes
    start this pass at 0, while leaves keep what earlier passes gave them. Leaves never enter the
    ordered walk: nothing flows out of them.
    """
    operations = [variable]
    seen = {variable.unique_id}
    leaves = []
    # Depth first: it follows each chain of nodes made one after the other, so the walk stays
    # near in memory and finds the nodes in long runs of falling ids, which the sort then merges.
    stack = [variable]
    while stack:
        node = stack.pop()
        node.grad = 0.0
        for parent in node.inputs:
            if parent.last_fn is not None:
                key = parent.unique_id
                if key not in seen:
                    seen.add(key)
                    operations.append(parent)
                    stack.append(parent)
            elif not parent._constant:
                leaves.append(parent)
                if parent.grad is None:
                    parent.grad = 0.0
    return operations, leaves


def _check_leaves(leaves: list, order: list) -> None:
    for leaf in leaves:
        g = leaf.grad
        if g - g != 0.0:
            raise _first_non_finite(leaf, order)


def shares(node: Variable, d_out: float) -> tuple:
    """``d_out`` × each local derivative of ``node``, one per input (minitorch's chain rule)."""
    fn = node.last_fn
    if fn.local is None:
        return fn._backward(node.ctx, d_out)
    return tuple(local * d_out for local in local_derivatives(node))


def local_derivatives(node: Variable) -> tuple:
    """∂node/∂input for each input, in order, repeats kept."""
    fn = node.last_fn
    local = fn.local
    if local is None:
        return fn._backward(node.ctx, 1.0)
    if callable(local):
        local = local(*[p.data for p in node.inputs], node.data)
    return (local,) if fn.arity == 1 else tuple(local)


def _first_non_finite(node, order: list) -> MathError:
    """The error for a gradient found not finite at ``node``: name the operation (a user of it,
    in ``order``) whose local derivative made it so, or, when every contribution was finite, the
    overflowing sum. Only ever runs once, on the way out, so it may search."""
    for user in order:
        if user is node:
            break
        if not any(p is node for p in user.inputs):
            continue
        try:
            given = shares(user, user.grad)
        except (ArithmeticError, ValueError) as exc:
            return _backward_error(user, str(exc))
        for parent, g in zip(user.inputs, given, strict=False):
            if parent is node and g - g != 0.0:
                return _backward_error(user, "infinite or undefined derivative")
    if order and node is order[0]:  # the seed itself
        reason = "the output's derivative is not finite"
        return MathError("backward", (node.grad,), "backward", reason, node=node)
    return _sum_error(node)


def _backward_error(node, reason: str) -> MathError:
    name = node.last_fn.display_name()
    return MathError(name, tuple(p.data for p in node.inputs), "backward", reason, node=node)


def _sum_error(node) -> MathError:
    name = node.last_fn.display_name() if node.last_fn else "variable"
    subject = f"the gradient of {node.name or name}"
    return MathError(name, (node.data,), "backward", "finite contributions added up to infinity",
                     node=node, subject=subject)  # fmt: skip


# -- numeric checks ----------------------------------------------------------------------------------


def central_difference(f: Callable[..., Any], *vals: Any, arg: int = 0, epsilon: float = 1e-6) -> Any:
    """(f(…, x + ε, …) - f(…, x - ε, …)) / 2ε for argument ``arg``: a numeric derivative.

    Returns whatever ``f`` returns: a float for a float function, a Scalar for Scalars.
    """
    up = list(vals)
    down = list(vals)
    up[arg] = vals[arg] + epsilon
    down[arg] = vals[arg] - epsilon
    return (f(*up) - f(*down)) / (2.0 * epsilon)


def derivative_check(f: Callable[..., Any], *scalars: Any, rtol: float = 1e-2, atol: float = 1e-2) -> None:
    """Backpropagate through ``f(*scalars)`` and compare each argument's derivative with a central
    difference; raise ``AssertionError`` naming the argument when one is off (minitorch's check)."""
    out = f(*scalars)
    out.backward()
    for i, x in enumerate(scalars):
        numeric = central_difference(f, *scalars, arg=i)
        numeric = getattr(numeric, "data", numeric)
        analytic = x.grad
        if analytic is None or not abs(analytic - numeric) <= atol + rtol * abs(numeric):
            at = ", ".join(repr(s.data) for s in scalars)
            raise AssertionError(
                f"derivative check at f({at}): argument {i} got derivative {analytic!r}, "
                f"central difference gives {numeric!r}"
            )


def zero_grad(variables: Iterable) -> None:
    """Forget the gradients of ``variables`` (leaves accumulate across backward calls)."""
    for variable in variables:
        variable.grad = None
