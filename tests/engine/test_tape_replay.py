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


# -- fused steps: a product and the sum it feeds replay as one, with the same numbers ----------------


@pytest.mark.parametrize("preset", ["minitorch", "micrograd"])
@pytest.mark.parametrize("activation", ["relu", "tanh"])
def test_a_fused_replay_gives_every_number_the_unfused_one_gives(preset, activation):
    """A training model's tape and its batch loss's tape, replayed with and without fusion: the
    outputs, every unit and every gradient (parameters and inputs) are the same to the last bit,
    and the fused one takes fewer steps."""
    from engine.training import Setup, _traced_parameters

    setup = Setup(preset, "spiral", points=20, hidden=5, activation=activation, seed=3)
    parameters = list(setup.named.values())
    values = [p.value.data for p in parameters]
    tape = Tape()
    stand_ins = [tape.parameter() for _ in parameters]
    x1, x2 = tape.input(), tape.input()
    with _traced_parameters(parameters, stand_ins):
        out, hidden = setup.model.forward_units((x1, x2))
    columns = [[p[0] for p in setup.dataset.points], [p[1] for p in setup.dataset.points]]
    seed = [0.5 + k / 7 for k in range(len(setup.dataset))]
    units = [unit.slot for layer in hidden for unit in layer]
    batch_tape = Tape()
    shared = [batch_tape.parameter() for _ in parameters]
    losses = [batch_tape.input(varying=False) for _ in range(20)]
    total = setup.preset.batch_loss(losses, shared)
    replays = {}
    for fuse in (False, True):
        program = tape.compile([out], fuse=fuse)
        replay = program.forward(values, columns)
        grads = program.backward(replay, out.slot, seed)
        batch = batch_tape.compile([total], fuse=fuse)
        batch_replay = batch.forward(values, [k / 3 for k in range(20)])
        batch_grads = batch.backward(batch_replay, total.slot, 1.0)
        replays[fuse] = (
            len(program.steps),
            replay.values[out.slot],
            [replay.values[u] for u in units],
            [grads[s] for s in (*program.parameters, *program.inputs)],
            batch_replay.values[total.slot],
            [batch_grads[s] for s in (*batch.parameters, *batch.inputs)],
        )
    (fused_steps, *fused), (plain_steps, *plain) = replays[True], replays[False]
    assert fused == plain
    # A training step asks for the parameters' gradients only: the same numbers, no inputs' ones.
    program = tape.compile([out])
    without = program.backward(program.forward(values, columns), out.slot, seed, inputs=False)
    assert [without[s] for s in program.parameters] == fused[2][: len(program.parameters)]
    assert [without[s] for s in program.inputs] == [None, None]
    assert all(fused[2][len(program.parameters) :])  # with them, the inputs' gradients are there
    assert fused_steps < 0.6 * plain_steps  # a dense layer's every term is one step, not two
