"""The recorded backward pass: one form, ``FlatTrace``, and the walk that records it.

The third layer of the engine (see docs/architecture.md), above ``autodiff``: ``backpropagate`` there
walks Scalars and only sets ``.grad``; this walks a graph given as columns (one list per field, node
``i`` at index ``i`` of each) and records each step as flat lists of numbers and positions, with no
object per step or per input. Everything that shows a pass reads that record: the language's graph,
the API's answers (both forms), partial answers after a backward failure. ``trace_flat`` records the
pass of a graph of Scalars the same way; ``trace_backward`` shows it as objects (a ``BackwardStep``
per step, a ``Contribution`` per input), for people reading a pass in Python.
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import accumulate
from typing import NamedTuple

from .autodiff import Variable, rule_of, topological_sort
from .errors import MathError

# NamedTuple(...) goes through a Python-level __new__; tuple.__new__ makes the same object without
# it, which matters once per input of every node of a big trace.
_new_tuple = tuple.__new__


class FlatTrace(NamedTuple):
    """One backward pass as columns. Positions index the forward order the pass was given.

    Per node: ``node_grads[i]`` is node ``i``'s gradient in this pass (``None`` for a constant).
    Per step: step ``k`` processes the operation node at position ``step_nodes[k]`` (output first),
    whose gradient is complete by then (``step_grads[k]``, read from ``node_grads``: nothing is added
    to a node after its step). Per share: each step passes one share to each of its node's inputs,
    in order: the next entries of ``local_derivatives`` (∂node/∂input) and ``contributions`` (grad ×
    local, what the input's gradient receives). For a constant input whose local derivative is
    undefined both are ``None``.

    The steps that succeeded before a failure are a ``FlatTrace`` too (``MathError.trace``): there,
    ``node_grads`` holds the gradients that were complete (the failing node's and those processed
    before it) and ``None`` for the rest.
    """

    node_grads: list
    step_nodes: list[int]
    local_derivatives: list
    contributions: list

    @property
    def step_grads(self) -> list[float]:
        """Each step's node's gradient, step by step."""
        return list(map(self.node_grads.__getitem__, self.step_nodes))


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
    failing node's position as its ``node`` and the steps that succeeded before it as its ``trace``.
    """
    count = len(functions)
    walk = count if walk is None else walk
    output = output % count
    gradients = list(map(_GRADIENT_START.__getitem__, map(bool, constant)))
    if gradients[output] is not None:
        gradients[output] = float(deriv)
    offsets = list(accumulate(input_counts, initial=0))  # node i's inputs: inputs[offsets[i]:offsets[i + 1]]
    nodes: list[int] = []
    local_derivatives: list = []
    contributions: list = []
    add_node, add_local, add_contribution = nodes.append, local_derivatives.append, contributions.append
    rules: dict = {}  # function -> (local rule, arity, whether the rule is a constant); see rule_of
    i = walk
    try:
        for i in range(walk - 1, -1, -1):
            d = gradients[i]
            if d is None:  # a constant: nothing flows into or out of it
                continue
            if d - d != 0.0:  # inf - inf and nan - nan are nan: finite contributions added up to infinity
                raise _sum_error(i, functions, values, names)
            fn = functions[i]
            if fn is None:  # a leaf: its gradient is all there is
                continue
            try:
                local, arity, constant_rule = rules[fn]
            except KeyError:
                local, arity, constant_rule = rules[fn] = _step_rule(fn)
            # The step: the node's local derivatives, then for each input in order its share
            # (grad × local), added to the input's gradient. A constant input's share is shown and
            # goes nowhere (both None when it is not finite); any other input's share must be finite.
            # The loop at the end does this for any node. Nodes of one and two inputs (every built-in
            # operation) take a copy of it written out for their inputs, because bench/engine.py's
            # "recorded pass" shapes, each step sent through the loop instead, took 16% longer on
            # the 50,000-node product and 25% longer on the chain of unary steps.
            start = offsets[i]
            if arity == 2:
                a, b = inputs[start], inputs[start + 1]
                try:
                    local_a, local_b = local if constant_rule else local(values[a], values[b], values[i])
                except (ArithmeticError, ValueError) as exc:
                    raise _backward_error(i, str(exc), functions, values, (a, b)) from None
                add_node(i)
                if local_a.__class__ is not float:
                    local_a = float(local_a)
                share = local_a * d
                g = gradients[a]
                if g is None:
                    if share - share != 0.0:
                        local_a = share = None
                elif share - share != 0.0:
                    raise _backward_error(i, _UNDEFINED, functions, values, (a, b))
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
                    raise _backward_error(i, _UNDEFINED, functions, values, (a, b))
                else:
                    gradients[b] = g + share
                add_local(local_b)
                add_contribution(share)
                continue
            if arity == 1:
                a = inputs[start]
                try:
                    local_a = local[0] if constant_rule else local(values[a], values[i])
                except (ArithmeticError, ValueError) as exc:
                    raise _backward_error(i, str(exc), functions, values, (a,)) from None
                add_node(i)
                if local_a.__class__ is not float:
                    local_a = float(local_a)
                share = local_a * d
                g = gradients[a]
                if g is None:
                    if share - share != 0.0:
                        local_a = share = None
                elif share - share != 0.0:
                    raise _backward_error(i, _UNDEFINED, functions, values, (a,))
                else:
                    gradients[a] = g + share
                add_local(local_a)
                add_contribution(share)
                continue
            parents = inputs[start : offsets[i + 1]]
            if arity is None:  # written the minitorch way
                local_values = _minitorch_locals(fn, contexts, i, parents, functions, values)
            elif constant_rule:
                local_values = local
            else:
                try:
                    local_values = local(*map(values.__getitem__, parents), values[i])
                except (ArithmeticError, ValueError) as exc:
                    raise _backward_error(i, str(exc), functions, values, parents) from None
            add_node(i)
            for parent, local_value in zip(parents, local_values, strict=True):
                if local_value.__class__ is not float:
                    local_value = float(local_value)
                share = local_value * d
                g = gradients[parent]
                if g is None:
                    if share - share != 0.0:
                        local_value = share = None
                elif share - share != 0.0:
                    raise _backward_error(i, _UNDEFINED, functions, values, parents)
                else:
                    gradients[parent] = g + share
                add_local(local_value)
                add_contribution(share)
    except MathError as exc:
        exc.trace = _succeeded(i, gradients, nodes, local_derivatives, contributions, input_counts)
        raise
    return FlatTrace(gradients, nodes, local_derivatives, contributions)


def _step_rule(fn) -> tuple:
    """``rule_of(fn)``, with a constant rule as the tuple of local derivatives a step passes on."""
    local, arity, constant_rule = rule_of(fn)
    if constant_rule and arity == 1:
        local = (local,)
    return local, arity, constant_rule


def _minitorch_locals(fn, contexts: Sequence | None, i: int, parents: Sequence[int], functions,
                      values) -> tuple:  # fmt: skip
    """A function written the minitorch way: its backward, given d_out = 1, gives the local derivatives."""
    if contexts is None:
        raise TypeError(f"{fn.display_name()} is written the minitorch way: pass its node's context")
    try:
        local_values = fn._backward(contexts[i], 1.0)
    except (ArithmeticError, ValueError) as exc:
        raise _backward_error(i, str(exc), functions, values, parents) from None
    if len(local_values) != len(parents):
        raise ValueError(f"the backward of {fn.display_name()} gave {len(local_values)} derivatives "
                         f"for {len(parents)} inputs")  # fmt: skip
    return local_values


def _succeeded(failed: int, gradients: list, nodes: list, local_derivatives: list, contributions: list,
               input_counts: Sequence[int]) -> FlatTrace:  # fmt: skip
    """The steps before the one at position ``failed`` (which may have begun), and the gradients that
    were complete: the failing node's and those above it (every user of a node comes after it)."""
    if nodes and nodes[-1] == failed:
        nodes.pop()
    shares = sum(map(input_counts.__getitem__, nodes))
    complete = [None] * (failed + 1) + gradients[failed + 1 :]
    if failed < len(gradients):
        complete[failed] = gradients[failed]
    return FlatTrace(complete, nodes, local_derivatives[:shares], contributions[:shares])


def _backward_error(i: int, reason: str, functions, values, inputs) -> MathError:
    name = functions[i].display_name()
    return MathError(name, tuple(map(values.__getitem__, inputs)), "backward", reason, node=i)


def _sum_error(i: int, functions, values, names) -> MathError:
    fn = functions[i]
    name = fn.display_name() if fn else "variable"
    subject = f"the gradient of {(names[i] if names is not None else None) or name}"
    return MathError(name, (values[i],), "backward", "finite contributions added up to infinity",
                     node=i, subject=subject)  # fmt: skip


# -- the same pass for a graph of Scalars ------------------------------------------------------------


def trace_flat(variable: Variable, deriv: float = 1.0,
               order: Sequence | None = None) -> tuple[tuple, FlatTrace]:  # fmt: skip
    """Backpropagate like ``backpropagate`` and record every step: the forward order, and the
    ``FlatTrace`` whose positions index it.

    ``order`` is a forward (topological) order to walk, each node once, output last; by default
    every node ``variable`` depends on, constants included. Nodes in ``order`` that the output does
    not depend on get gradient 0. Sets ``.grad`` on the nodes as ``backpropagate`` does, once the
    whole pass has gone through (a ``MathError`` leaves every ``.grad`` as it was, and has the
    failing node as its ``node``)."""
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
    gradients = flat.node_grads[: len(forward)]
    # The nodes keep this pass's gradients, as backpropagate leaves them: an operation node this
    # pass's, a leaf what it had plus this pass's.
    for node, g in zip(forward, gradients, strict=True):
        if g is not None:
            node.grad = g if node.last_fn is not None or node.grad is None else node.grad + g
    return forward, flat._replace(node_grads=gradients)


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
    """A ``FlatTrace`` of Scalars shown as objects: forward order (inputs first, output last) and
    the steps."""

    output: object
    forward: tuple
    steps: tuple[BackwardStep, ...]
    gradients: dict  # unique_id -> gradient in this pass, for every node in `forward` but constants


def trace_backward(variable: Variable, deriv: float = 1.0, order: Sequence | None = None) -> Trace:
    """``trace_flat``'s pass (the same arguments, the same ``.grad``s set) as objects: a
    ``BackwardStep`` per operation node, output first, with a ``Contribution`` per input."""
    forward, flat = trace_flat(variable, deriv, order)
    shares = zip(flat.local_derivatives, flat.contributions, strict=True)
    steps = []
    for node, grad in zip(map(forward.__getitem__, flat.step_nodes), flat.step_grads, strict=True):
        contributions = tuple(_new_tuple(Contribution, (parent, *next(shares))) for parent in node.inputs)
        steps.append(_new_tuple(BackwardStep, (node, grad, contributions)))
    gradients = {node.unique_id: g for node, g in zip(forward, flat.node_grads, strict=True) if g is not None}
    return Trace(variable, forward, tuple(steps), gradients)
