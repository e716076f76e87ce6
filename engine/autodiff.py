"""Reverse-mode differentiation: the Context, topological order, backpropagation, traces, checks.

The second layer of the engine (see docs/architecture.md), above ``operators``: it imports nothing
of the engine but its error type, and works on anything that looks like a ``Variable`` (the
``Scalar`` two layers up is the one the engine has). No recursion anywhere: a chain of a million
operations is as easy as a chain of three.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Iterable, Sequence
from itertools import accumulate
from typing import Any, NamedTuple, Protocol

from .errors import MathError

# NamedTuple(...) goes through a Python-level __new__; tuple.__new__ makes the same object without
# it, which matters once per input of every node of a 50,000-node trace.
_new_tuple = tuple.__new__


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
    rules: dict = {}  # function -> (local rule, arity, whether the rule is a constant); see _rule_of
    for node in order:
        d = node.grad  # complete: every user of this node came before it
        if d - d != 0.0:  # inf - inf and nan - nan are nan: a derivative that is not finite arrived
            raise _first_non_finite(node, order)
        fn = node.last_fn
        try:
            local, arity, constant = rules[fn]
        except KeyError:
            local, arity, constant = rules[fn] = _rule_of(fn)
        try:
            if arity == 2:  # the common cases, unrolled: this runs once per operation
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


def _rule_of(fn) -> tuple:
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


# -- traces ------------------------------------------------------------------------------------------
#
# A trace is made flat in the first place: ``trace_columns`` walks a graph given as columns (one list
# per field, node ``i`` at index ``i`` of each) and records the backward pass as flat lists of numbers
# and positions, with no object per step or per input. ``trace_backward`` gives the same pass on
# Scalars as objects (a ``BackwardStep`` per operation, a ``Contribution`` per input), made from it.


class FlatTrace(NamedTuple):
    """One backward pass as columns. Positions index the forward order the pass was given.

    Step ``k`` processes the operation node at position ``nodes[k]`` (output first), whose gradient
    is then complete: ``grads[k]``. It passes one share to each of that node's inputs, in order: the
    next entries of ``local_derivatives`` (∂node/∂input) and ``contributions`` (grad × local, what
    the input's gradient receives). For a constant input whose local derivative is undefined both
    are ``None``. ``gradients[i]`` is node ``i``'s gradient in this pass (``None`` for a constant).
    """

    gradients: list
    nodes: list[int]
    grads: list[float]
    local_derivatives: list
    contributions: list


_UNDEFINED = "infinite or undefined derivative"
# None for a constant (it never gets a gradient), 0.0 for every other node: where gradients add up.
_GRADIENT_START = {True: None, False: 0.0}


def trace_columns(functions: Sequence, values: Sequence[float], inputs: Sequence[int],
                  input_counts: Sequence[int], constant: Sequence[bool], output: int = -1,
                  deriv: float = 1.0, *, names: Sequence | None = None, contexts: Sequence | None = None,
                  walk: int | None = None) -> FlatTrace:  # fmt: skip
    """Backpropagate from node ``output`` through a graph given as columns, and record every step.

    Node ``i`` was made by ``functions[i]`` (``None`` for a leaf) with value ``values[i]``; its inputs
    are the next ``input_counts[i]`` entries of ``inputs`` (positions, repeats kept); ``constant[i]``
    says it never gets a gradient. Nodes come in a forward (topological) order: each after its
    inputs. Positions ``walk - 1`` down to 0 are processed (all of them by default); nodes the output
    does not depend on get gradient 0 and still pass on their (zero) shares.

    The rules and the products are ``backpropagate``'s: each contribution is ``grad × local`` and
    gradients add up in the same order, so both give the same numbers to the last bit. A function
    written the minitorch way needs its node's ``Context`` in ``contexts``. ``names`` (a name or None
    per node) only words the error when a gradient is not finite. A ``MathError`` here has the
    failing node's position as its ``node``.
    """
    count = len(functions)
    walk = count if walk is None else walk
    output = output % count
    gradients = list(map(_GRADIENT_START.__getitem__, map(bool, constant)))
    if gradients[output] is not None:
        gradients[output] = float(deriv)
    offsets = list(accumulate(input_counts, initial=0))  # node i's inputs: inputs[offsets[i]:offsets[i + 1]]
    nodes: list[int] = []
    grads: list[float] = []
    local_derivatives: list = []
    contributions: list = []
    add_node, add_grad = nodes.append, grads.append
    add_local, add_contribution = local_derivatives.append, contributions.append
    rules: dict = {}  # function -> (local rule, arity, whether the rule is a constant); see _rule_of
    for i in range(walk - 1, -1, -1):
        d = gradients[i]
        if d is None:  # a constant: nothing flows into or out of it
            continue
        if d - d != 0.0:  # inf - inf and nan - nan are nan: finite contributions added up to infinity
            raise _column_sum_error(i, functions, values, names)
        fn = functions[i]
        if fn is None:  # a leaf: its gradient is all there is
            continue
        add_node(i)
        add_grad(d)
        try:
            local, arity, constant_rule = rules[fn]
        except KeyError:
            local, arity, constant_rule = rules[fn] = _rule_of(fn)
        start = offsets[i]
        # What follows is one step, written out for one and two inputs (this runs once per operation
        # of a 50,000-node graph): the local derivatives, then for each input in order its
        # contribution, added to its gradient. A constant input's share is shown and goes nowhere
        # (both None when it is not finite); any other input's share must be finite.
        if arity == 2:
            a, b = inputs[start], inputs[start + 1]
            try:
                local_a, local_b = local if constant_rule else local(values[a], values[b], values[i])
            except (ArithmeticError, ValueError) as exc:
                raise _column_backward_error(i, str(exc), functions, values, (a, b)) from None
            if local_a.__class__ is not float:
                local_a = float(local_a)
            share = local_a * d
            g = gradients[a]
            if g is None:
                if share - share != 0.0:
                    local_a = share = None
            elif share - share != 0.0:
                raise _column_backward_error(i, _UNDEFINED, functions, values, (a, b))
            else:
                gradients[a] = g + share
            add_local(local_a)
            add_contribution(share)
            if local_b.__class__ is not float:
                local_b = float(local_b)
            share = local_b * d
            g = gradients[b]
            if g is None:
                if share - share != 0.0:
                    local_b = share = None
            elif share - share != 0.0:
                raise _column_backward_error(i, _UNDEFINED, functions, values, (a, b))
            else:
                gradients[b] = g + share
            add_local(local_b)
            add_contribution(share)
            continue
        if arity == 1:
            a = inputs[start]
            try:
                local_a = local if constant_rule else local(values[a], values[i])
            except (ArithmeticError, ValueError) as exc:
                raise _column_backward_error(i, str(exc), functions, values, (a,)) from None
            if local_a.__class__ is not float:
                local_a = float(local_a)
            share = local_a * d
            g = gradients[a]
            if g is None:
                if share - share != 0.0:
                    local_a = share = None
            elif share - share != 0.0:
                raise _column_backward_error(i, _UNDEFINED, functions, values, (a,))
            else:
                gradients[a] = g + share
            add_local(local_a)
            add_contribution(share)
            continue
        # A function written the minitorch way: its backward, given d_out = 1, gives the local derivatives.
        if contexts is None:
            raise TypeError(f"{fn.display_name()} is written the minitorch way: pass its node's context")
        parents = inputs[start : offsets[i + 1]]
        try:
            local_values = fn._backward(contexts[i], 1.0)
        except (ArithmeticError, ValueError) as exc:
            raise _column_backward_error(i, str(exc), functions, values, parents) from None
        if len(local_values) != len(parents):
            raise ValueError(f"the backward of {fn.display_name()} gave {len(local_values)} derivatives "
                             f"for {len(parents)} inputs")  # fmt: skip
        for parent, local_value in zip(parents, local_values, strict=True):
            if local_value.__class__ is not float:
                local_value = float(local_value)
            share = local_value * d
            g = gradients[parent]
            if g is None:
                if share - share != 0.0:
                    local_value = share = None
            elif share - share != 0.0:
                raise _column_backward_error(i, _UNDEFINED, functions, values, parents)
            else:
                gradients[parent] = g + share
            add_local(local_value)
            add_contribution(share)
    return FlatTrace(gradients, nodes, grads, local_derivatives, contributions)


def _column_backward_error(i: int, reason: str, functions, values, inputs) -> MathError:
    name = functions[i].display_name()
    return MathError(name, tuple(map(values.__getitem__, inputs)), "backward", reason, node=i)


def _column_sum_error(i: int, functions, values, names) -> MathError:
    fn = functions[i]
    name = fn.display_name() if fn else "variable"
    subject = f"the gradient of {(names[i] if names is not None else None) or name}"
    return MathError(name, (values[i],), "backward", "finite contributions added up to infinity",
                     node=i, subject=subject)  # fmt: skip


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


def trace_backward(variable: Variable, deriv: float = 1.0, order: Sequence | None = None) -> Trace:
    """Backpropagate like ``backpropagate`` and record every step.

    ``order`` is a forward (topological) order to walk, each node once, output last; by default
    every node ``variable`` depends on, constants included. Nodes in ``order`` that the output does
    not depend on get gradient 0. Each contribution is ``grad × local``: the same product
    ``backpropagate`` adds up, so both give the same numbers to the last bit. The pass is
    ``trace_columns``'s (``trace_flat`` gives it as columns); this gives it as objects.
    """
    forward, flat = trace_flat(variable, deriv, order)
    shares = zip(flat.local_derivatives, flat.contributions, strict=True)
    steps = []
    for node, grad in zip(map(forward.__getitem__, flat.nodes), flat.grads, strict=True):
        contributions = tuple(_new_tuple(Contribution, (parent, *next(shares))) for parent in node.inputs)
        steps.append(_new_tuple(BackwardStep, (node, grad, contributions)))
    gradients = {node.unique_id: g for node, g in zip(forward, flat.gradients, strict=True) if g is not None}
    return Trace(variable, forward, tuple(steps), gradients)


def trace_flat(variable: Variable, deriv: float = 1.0,
               order: Sequence | None = None) -> tuple[tuple, FlatTrace]:  # fmt: skip
    """``trace_backward``'s pass as columns: the forward order, and its ``FlatTrace`` whose positions
    index that order. Sets ``.grad`` on the nodes as ``trace_backward`` does, once the whole pass has
    gone through (a ``MathError`` leaves every ``.grad`` as it was)."""
    if order is None:
        order = topological_sort(variable, include_constants=True)[::-1]
    forward = tuple(order)
    # Every node by position: the forward order, then any input (or output) it lacks, whose
    # gradient is kept but never shown.
    nodes = list(forward)
    position = {node.unique_id: i for i, node in enumerate(forward)}
    inputs = []
    for parent in (parent for node in forward for parent in node.inputs):
        at = position.get(parent.unique_id)
        if at is None:
            at = position[parent.unique_id] = len(nodes)
            nodes.append(parent)
        inputs.append(at)
    output = position.get(variable.unique_id)
    if output is None:
        output = len(nodes)
        nodes.append(variable)
    counts = [len(node.inputs) for node in forward] + [0] * (len(nodes) - len(forward))
    try:
        flat = trace_columns(
            [node.last_fn for node in nodes], [node.data for node in nodes], inputs, counts,
            [node._constant for node in nodes], output, deriv, walk=len(forward),
            names=[getattr(node, "name", None) for node in nodes], contexts=[node.ctx for node in nodes],
        )  # fmt: skip
    except MathError as exc:
        exc.node = nodes[exc.node]  # the position, as the node
        raise
    gradients = flat.gradients[: len(forward)]
    # The nodes keep this pass's gradients, as backpropagate leaves them: an operation node this
    # pass's, a leaf what it had plus this pass's.
    for node, g in zip(forward, gradients, strict=True):
        if g is not None:
            node.grad = g if node.last_fn is not None or node.grad is None else node.grad + g
    return forward, flat._replace(gradients=gradients)


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
