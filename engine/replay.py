"""Replay a recorded tape on whole batches of floats: `CompiledTape` (forward, then backward from one
output) and its kernels.

`engine.tape` records a computation's shape (`Tape`, `Traced`); `Tape.compile` makes the
`CompiledTape` here. Each slot holds a list of floats (one per example) when it varies from example
to example, or one float when every example shares it. The numbers are the engine's own, from each
operation's declaration in the table of operations; values come out bit for bit as a Scalar graph
gives them. See docs/architecture.md and docs/training.md ("The compiled step").
"""

from __future__ import annotations

import math
import operator
from collections.abc import Sequence
from itertools import repeat
from typing import TYPE_CHECKING

from . import operators
from .autodiff import Context
from .errors import MathError
from .scalar_functions import Add, Mul, ScalarFunction, product_rule

if TYPE_CHECKING:
    from .tape import Tape

_add, _mul, _neg = operator.add, operator.mul, operator.neg

#: The kinds of slot a tape holds.
PARAMETER, INPUT, CONSTANT, OPERATION = "parameter", "input", "constant", "operation"

# How an operation is replayed, read from its declaration in the table of operations (``_kernel``):
# a local derivative that does not depend on the inputs (``+``, unary ``-``, the comparisons: LINEAR)
# makes each input's share that constant times the gradient; the product rule (``*``: each input's
# derivative is the other input: PRODUCT) the other input's values times it; their values come from
# the value rule (or its C twin below: the same float operation without a Python call). Any other
# rule (GENERIC, or SHARED when no input varies) runs the operation's forward and backward per
# example. The pattern says which inputs vary (V) or are shared by every example (U).
#
# A product feeding only the sum right after it (``acc + w·x``, a dense layer's every term) is
# replayed as one step (MAC: ``acc + x·w`` per example, w shared; MAC_UU: all shared), with the same
# float operations in the same order, so the numbers do not change; the product is not kept.
_MAC, _MAC_UU = -2, -1
_LINEAR, _PRODUCT, _GENERIC, _SHARED = range(4)
_VV, _VU, _UV, _UU, _V, _U = range(4, 10)
_PATTERN = {(True, True): _VV, (True, False): _VU, (False, True): _UV, (False, False): _UU, (True,): _V,
            (False,): _U}  # fmt: skip
_C_TWIN = {operators.add: operator.add, operators.mul: operator.mul, operators.neg: operator.neg}


class CompiledTape:
    """A compiled tape: ``forward`` on parameters and inputs, then ``backward`` from one output."""

    def __init__(self, tape: Tape, operations: list, outputs: list[int], fuse: bool = True) -> None:
        self.size = len(tape.kinds)
        self.varying = list(tape.varying)
        self.kinds = list(tape.kinds)
        self.constants = dict(tape.constants)
        self.parameters = list(tape.parameters)
        self.inputs = list(tape.inputs)
        self.outputs = outputs
        # Each step: its kernel and input pattern, the function, its input slots, its output slot, the
        # float function that computes its value and its constant local derivatives (linear kernels).
        steps = [(*_kernel(fn, ins, tape.varying), fn, ins, out, _value_of(fn), _constant_locals(fn))
                 for fn, ins, out in operations]  # fmt: skip
        self.operation_count = len(steps)
        self.steps = _fused(steps, outputs, tape.varying) if fuse else steps

    def __len__(self) -> int:
        """The number of operations replayed (a fused step counts as the two it stands for)."""
        return self.operation_count

    def forward(self, parameters: Sequence[float], inputs: Sequence, gradients: bool = True) -> Replay:
        """Every slot's value: a list (one per example) for varying slots, a float for shared ones.

        ``inputs`` follow the tape's input order: a list of floats for a varying input (all the
        same length), a float for a shared one. With ``gradients`` the local derivatives that
        ``backward`` needs are kept as well.
        """
        values: list = [None] * self.size
        for slot, value in self.constants.items():
            values[slot] = value
        for slot, value in zip(self.parameters, parameters, strict=True):
            values[slot] = float(value)
        for slot, value in zip(self.inputs, inputs, strict=True):
            values[slot] = list(map(float, value)) if self.varying[slot] else float(value)
        locals_: dict[int, list] = {}
        varying = self.varying
        for code, pattern, fn, ins, out, f, _ in self.steps:
            if code == _MAC:  # acc + x·w, x varying, w shared; pattern: whether acc varies
                acc, x, w = ins
                c, weight = values[acc], values[w]
                if pattern:
                    values[out] = [a + b * weight for a, b in zip(c, values[x], strict=True)]
                else:
                    values[out] = [c + b * weight for b in values[x]]
            elif code == _MAC_UU:
                acc, a, b = ins
                values[out] = values[acc] + values[a] * values[b]
            elif code >= _GENERIC:
                columns, flags = [values[s] for s in ins], [varying[s] for s in ins]
                values[out], locals_[out] = _forward_each(fn, columns, flags, gradients)
                if code == _SHARED:
                    values[out], locals_[out] = values[out][0], locals_[out][0] if gradients else None
            elif pattern == _VU:
                values[out] = list(map(f, values[ins[0]], repeat(values[ins[1]])))
            elif pattern == _VV:
                values[out] = list(map(f, values[ins[0]], values[ins[1]]))
            elif pattern == _UV:
                values[out] = list(map(f, repeat(values[ins[0]]), values[ins[1]]))
            elif pattern == _V:
                values[out] = list(map(f, values[ins[0]]))
            elif pattern == _UU:
                values[out] = f(values[ins[0]], values[ins[1]])
            else:
                values[out] = f(values[ins[0]])
        return Replay(values, locals_)

    def backward(self, replay: Replay, output: int, seed, inputs: bool = True) -> list:
        """d output / d slot for every slot, from ``seed`` at ``output`` (a list when it varies).

        Shared slots (parameters above all) get the sum over examples; slots the output does not
        depend on, and constants, get ``None``; so do the inputs when ``inputs`` is False (a
        training step needs only the parameters', and a dense layer's first terms skip theirs).
        """
        values, locals_ = replay.values, replay.locals
        varying, kinds = self.varying, self.kinds
        grads: list = [None] * self.size
        grads[output] = list(seed) if varying[output] else float(seed)
        for code, pattern, _fn, ins, out, _f, constant in reversed(self.steps):
            g = grads[out]
            if g is None:
                continue
            # What each input receives: a list for a varying input, a float (summed) for a shared one.
            # In the order the two steps a fused one stands for give it: the sum's, then the product's.
            if code == _MAC:  # x's share is added in place of a list of its own (written out: hot)
                acc, x, w = ins
                weight, held = values[w], grads[x]
                sums = ((acc, g if pattern else sum(g)), (w, sum(map(_mul, values[x], g))))
                if acc == x:  # acc + x·w: acc's share first, as the sum's own step gives it
                    shares = (sums[0], (x, [weight * d for d in g]), sums[1])
                else:
                    if held is not None:
                        grads[x] = [h + weight * d for h, d in zip(held, g, strict=True)]
                    elif inputs or kinds[x] != INPUT:
                        grads[x] = [weight * d for d in g]
                    shares = sums
            elif code == _MAC_UU:
                acc, a, b = ins
                shares = ((acc, g), (a, values[b] * g), (b, values[a] * g))
            elif code == _LINEAR:  # a constant times the gradient (written out: this runs every epoch)
                if pattern == _VV:
                    c0, c1 = constant
                    shares = (
                        (ins[0], g if c0 == 1.0 else _scaled(c0, g)),
                        (ins[1], g if c1 == 1.0 else _scaled(c1, g)),
                    )
                elif pattern == _V:
                    c0 = constant[0]
                    shares = ((ins[0], g if c0 == 1.0 else _scaled(c0, g)),)
                elif pattern in (_VU, _UV):
                    each, shared = (0, 1) if pattern == _VU else (1, 0)
                    c_each, c_shared = constant[each], constant[shared]
                    shares = (
                        (ins[each], g if c_each == 1.0 else _scaled(c_each, g)),
                        (ins[shared], sum(g) if c_shared == 1.0 else sum(_scaled(c_shared, g))),
                    )
                elif pattern == _UU:
                    shares = ((ins[0], constant[0] * g), (ins[1], constant[1] * g))
                else:
                    shares = ((ins[0], constant[0] * g),)
            elif code == _PRODUCT and pattern in (_VU, _UV):
                shared, each = (ins[1], ins[0]) if pattern == _VU else (ins[0], ins[1])
                # ∂(u·v)/∂v = u and ∂(u·v)/∂u = v, each times the gradient (Mul's backward).
                shares = (
                    (each, [values[shared] * d for d in g]),
                    (shared, sum(map(_mul, values[each], g))),
                )
            elif code == _PRODUCT and pattern == _VV:
                a, b = values[ins[0]], values[ins[1]]
                shares = ((ins[0], list(map(_mul, b, g))), (ins[1], list(map(_mul, a, g))))
            elif code == _PRODUCT:
                shares = ((ins[0], values[ins[1]] * g), (ins[1], values[ins[0]] * g))
            elif code == _SHARED:
                local = locals_[out] if isinstance(locals_[out], tuple) else (locals_[out],)
                shares = tuple(zip(ins, (x * g for x in local), strict=True))
            else:  # the local derivatives kept in forward, times the gradient
                local = locals_[out]
                columns = [local] if len(ins) == 1 else [list(c) for c in zip(*local, strict=True)]
                shares = tuple(
                    (s, list(map(_mul, c, g)) if varying[s] else sum(map(_mul, c, g)))
                    for s, c in zip(ins, columns, strict=True)
                )
            for slot, contribution in shares:
                if kinds[slot] == CONSTANT:
                    continue
                held = grads[slot]
                if held is None:
                    grads[slot] = contribution
                elif varying[slot]:
                    grads[slot] = list(map(_add, held, contribution))
                else:
                    grads[slot] = held + contribution
        if not inputs:
            for slot in self.inputs:
                grads[slot] = None
        return grads


def _fused(steps: list, outputs: list[int], varying: list[bool]) -> list:
    """The steps, with each product that feeds only the addition right after it fused into it."""
    uses: dict[int, int] = {}
    for step in steps:
        for slot in step[3]:
            uses[slot] = uses.get(slot, 0) + 1
    kept, k = [], 0
    while k < len(steps):
        product, total = steps[k], steps[k + 1] if k + 1 < len(steps) else None
        t = product[4]
        if (total is not None and product[0] == _PRODUCT and product[2] is Mul and total[2] is Add
                and uses.get(t) == 1 and t not in outputs and t in total[3]):  # fmt: skip
            acc = total[3][1] if total[3][0] == t else total[3][0]
            a, b = product[3]
            if product[1] in (_VU, _UV):
                x, w = (a, b) if product[1] == _VU else (b, a)
                kept.append((_MAC, varying[acc], None, (acc, x, w), total[4], None, None))
                k += 2
                continue
            if product[1] == _UU and total[1] == _UU:
                kept.append((_MAC_UU, _UU, None, (acc, a, b), total[4], None, None))
                k += 2
                continue
        kept.append(product)
        k += 1
    return kept


def _scaled(c: float, g: list) -> list:
    """A constant local derivative ``c`` times each example's gradient (exactly -g when ``c`` is -1)."""
    return list(map(_neg, g)) if c == -1.0 else [c * d for d in g]


class Replay:
    """One forward run of a `CompiledTape`: every slot's value, and the local derivatives of the
    operations that are not ``+``, ``*`` or ``-`` (a tuple per example for two-input ones)."""

    __slots__ = ("locals", "values")

    def __init__(self, values: list, locals_: dict) -> None:
        self.values = values
        self.locals = locals_


def _kernel(fn: type[ScalarFunction], ins: tuple[int, ...], varying: list[bool]) -> tuple[int, int]:
    """How ``fn`` is replayed on these inputs, from its declaration, and which of them vary."""
    pattern = _PATTERN[tuple(varying[s] for s in ins)]
    if _constant_locals(fn) is not None:
        return _LINEAR, pattern
    if getattr(fn, "local", None) is product_rule and getattr(fn, "value", None) is not None:
        return _PRODUCT, pattern
    return (_GENERIC if pattern not in (_UU, _U) else _SHARED), pattern


def _constant_locals(fn: type[ScalarFunction]) -> tuple[float, ...] | None:
    """A declared operation's local derivatives when they do not depend on the inputs (one per
    input: ``(1.0, 1.0)`` for ``+``), else None."""
    local = getattr(fn, "local", None)
    if local is None or callable(local) or getattr(fn, "value", None) is None:
        return None
    return local if isinstance(local, tuple) else (local,)


def _value_of(fn: type[ScalarFunction]):
    """The float function a linear or product kernel computes ``fn``'s value with."""
    value = getattr(fn, "value", None)
    return _C_TWIN.get(value, value)


def _forward_each(fn: type[ScalarFunction], columns: list, varying: list[bool], gradients: bool):
    """``fn``'s forward on each example and, with ``gradients``, its local derivative(s) there.

    ``columns`` are the inputs' values: a list for a varying input, a float for a shared one
    (repeated for every example; one row in all when none varies). The local derivative is
    ``backward(ctx, 1.0)``: every engine backward computes the local derivative first and multiplies
    by ``d_out`` last, so local × gradient is exactly what the Scalar graph's backward adds up.
    """
    value, local = getattr(fn, "value", None), fn.local
    if value is not None and callable(local):
        return _rules_each(fn, value, local, columns, varying, gradients)
    forward, backward = fn.forward, fn.backward
    ctx = Context()  # one context, used by each example's forward and then its backward
    if varying == [True]:  # the common case, a one-input function, without a tuple per example
        column = columns[0]
        try:
            if not gradients:
                return [forward(ctx, x) for x in column], None
            pairs = [(forward(ctx, x), backward(ctx, 1.0)) for x in column]
        except (ArithmeticError, ValueError) as exc:
            raise _forward_error(fn, [(x,) for x in column], exc) from None
        return [p[0] for p in pairs], [p[1] for p in pairs]
    rows = list(zip(*_full_columns(columns, varying), strict=True))
    try:
        if not gradients:
            return [forward(ctx, *row) for row in rows], None
        pairs = [(forward(ctx, *row), backward(ctx, 1.0)) for row in rows]
    except (ArithmeticError, ValueError) as exc:
        raise _forward_error(fn, rows, exc) from None
    return [p[0] for p in pairs], [p[1] for p in pairs]


def _rules_each(fn: type[ScalarFunction], value, local, columns: list, varying: list[bool], gradients: bool):
    """`_forward_each` for a declared operation: its value rule and its local-derivative rule called
    directly on whole columns, as the engine's own backward calls them (no Context). The same numbers
    as ``forward`` and ``backward(ctx, 1.0)``: those compute exactly these, times 1.0."""
    columns = _full_columns(columns, varying)
    try:
        values = list(map(value, *columns))
        return values, (list(map(local, *columns, values)) if gradients else None)
    except (ArithmeticError, ValueError) as exc:
        raise _forward_error(fn, list(zip(*columns, strict=True)), exc) from None


def _full_columns(columns: list, varying: list[bool]) -> list[list]:
    """Every input as a list, one element per example: a shared one repeated (one example in all
    when none varies)."""
    if not any(varying):
        return [[c] for c in columns]
    count = next(len(c) for c, v in zip(columns, varying, strict=True) if v)
    return [c if v else [c] * count for c, v in zip(columns, varying, strict=True)]


def _forward_error(fn: type[ScalarFunction], rows: list[tuple], exc: Exception) -> MathError:
    """The MathError for the first example where ``fn`` is undefined (only ever on the way out)."""
    bad = next((row for row in rows if not _defined(fn, row)), rows[0])
    return MathError(_function_name(fn), bad, "forward", str(exc))


def _defined(fn: type[ScalarFunction], row: tuple) -> bool:
    try:
        fn.forward(Context(), *row)
    except (ArithmeticError, ValueError):
        return False
    return True


def _function_name(fn: type[ScalarFunction]) -> str:
    return getattr(fn, "name", "") or fn.__name__


def finite(values) -> bool:
    """True when every number is finite (a replay lets inf and NaN through; its caller checks)."""
    return all(map(math.isfinite, values))
