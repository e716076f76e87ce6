"""The tape's stand-ins and replay against Scalars, operation by operation, from the table of operations."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from test_functions import CASES, NAMES, OPERATIONS, _arity, _inputs_in_domain  # the table's test rows

from engine import (
    BUILTINS,
    DERIVED,
    Scalar,
)
from engine.scalar_functions import python_methods
from engine.tape import Tape, Traced

# -- the tape: its stand-ins' methods and its kernels come from the table too -------------------------


def test_the_tapes_stand_ins_have_every_method_scalar_has_from_the_table():
    for op in (*BUILTINS, *DERIVED):
        for names in python_methods(op):
            for name in filter(None, names):
                assert hasattr(Traced, name) and hasattr(Scalar, name), (op.name, name)


# Two examples per varying input; each input either varies (a list) or is shared (a float).
_PATTERNS = [(True,), (False,), (True, True), (True, False), (False, True), (False, False)]


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("pattern", _PATTERNS, ids=lambda p: "".join("V" if v else "U" for v in p))
@given(data=st.data())
@settings(max_examples=10)
def test_a_replayed_operation_gives_a_scalar_graphs_numbers(name, pattern, data):
    """Every operation of the table, recorded on a tape and replayed on a batch, gives each example
    the value and the gradients its own Scalar graph gives, to the last bit."""
    if len(pattern) != _arity(name):
        return
    rows = [_inputs_in_domain(name, data) for _ in range(2)]
    tape = Tape()
    stand_ins = [tape.input(varying) for varying in pattern]
    # An operation of the table is recorded as itself; the others by the stand-ins' Python operators.
    op = OPERATIONS.get(name)
    out = tape.apply(op, *stand_ins) if op is not None else CASES[name].call(*stand_ins)
    program = tape.compile([out])
    examples = rows if any(pattern) else rows[:1]
    columns = [[row[i] for row in rows] if varying else rows[0][i] for i, varying in enumerate(pattern)]
    replay = program.forward([], columns)
    got = replay.values[out.slot] if any(pattern) else [replay.values[out.slot]]
    grads = program.backward(replay, out.slot, [1.0] * len(examples) if any(pattern) else 1.0)
    shared_sums = [0.0] * len(pattern)
    for example, row in enumerate(examples):
        leaves = [Scalar(row[i] if varying else rows[0][i]) for i, varying in enumerate(pattern)]
        expected = CASES[name].call(*leaves)
        expected.backward()
        assert got[example] == expected.data
        for i, (leaf, varying, stand_in) in enumerate(zip(leaves, pattern, stand_ins, strict=True)):
            if varying:
                assert grads[stand_in.slot][example] == leaf.grad
            else:
                shared_sums[i] += leaf.grad
    for i, (varying, stand_in) in enumerate(zip(pattern, stand_ins, strict=True)):
        if not varying:  # a shared input: the sum over the examples, added in another order
            assert grads[stand_in.slot] == pytest.approx(shared_sums[i], rel=1e-12, abs=1e-300)
