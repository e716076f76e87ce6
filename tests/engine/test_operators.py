"""engine.operators: minitorch's module 0 (plain float functions), by its names, and the engine's own."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from engine import operators as ops

floats = st.floats(min_value=-100.0, max_value=100.0, allow_nan=False)
lists = st.lists(floats, max_size=8)

MODULE_0 = ["mul", "id", "add", "neg", "lt", "eq", "max", "is_close", "sigmoid", "relu", "log", "exp", "inv",
            "log_back", "inv_back", "relu_back", "map", "zipWith", "reduce", "negList", "addLists", "sum",
            "prod"]  # fmt: skip


def test_every_name_of_minitorchs_module_0_is_here():
    assert [name for name in MODULE_0 if not callable(getattr(ops, name, None))] == []


def test_elementary_functions_give_exact_numbers():
    assert (ops.mul(3.0, -2.5), ops.id(7.25), ops.add(0.5, 0.25), ops.neg(4.0)) == (-7.5, 7.25, 0.75, -4.0)
    assert (ops.lt(1.0, 2.0), ops.lt(2.0, 1.0), ops.lt(2.0, 2.0)) == (1.0, 0.0, 0.0)
    assert (ops.eq(2.0, 2.0), ops.eq(2.0, 2.5)) == (1.0, 0.0)
    assert (ops.max(1.0, 3.0), ops.max(3.0, 1.0)) == (3.0, 3.0)
    assert (ops.min(1.0, 3.0), ops.min(3.0, 1.0)) == (1.0, 1.0)
    assert ops.relu(-2.0) == 0.0 and ops.relu(2.5) == 2.5 and ops.relu(0.0) == 0.0
    assert ops.sigmoid(0.0) == 0.5 and ops.exp(0.0) == 1.0 and ops.log(math.e) == 1.0 and ops.inv(4.0) == 0.25
    assert ops.is_close(1.0, 1.009) and not ops.is_close(1.0, 1.011)


def test_back_functions_are_d_times_the_derivative():
    assert ops.log_back(4.0, 2.0) == 0.5
    assert ops.inv_back(2.0, 3.0) == -0.75
    assert (ops.relu_back(1.5, 3.0), ops.relu_back(-1.5, 3.0), ops.relu_back(0.0, 3.0)) == (3.0, 0.0, 0.0)


def test_bad_domains_raise_instead_of_returning_nonsense():
    with pytest.raises(ValueError):
        ops.log(0.0)
    with pytest.raises(ZeroDivisionError):
        ops.inv(0.0)


@given(floats)
def test_sigmoid_is_a_symmetric_increasing_probability(x):
    s = ops.sigmoid(x)
    assert 0.0 <= s <= 1.0
    assert ops.is_close(1.0 - s, ops.sigmoid(-x))
    assert ops.sigmoid(x + 1.0) >= s


@given(floats, floats)
def test_max_and_min_pick_one_input(a, b):
    assert {ops.max(a, b), ops.min(a, b)} == {a, b}
    assert ops.max(a, b) >= ops.min(a, b)


@given(floats, floats, floats)
def test_mul_distributes_over_add(x, y, z):
    assert ops.is_close(ops.mul(z, ops.add(x, y)), ops.add(ops.mul(z, x), ops.mul(z, y)))


def test_higher_order_functions():
    assert ops.map(ops.neg)([1.0, -2.0]) == [-1.0, 2.0]
    assert ops.zipWith(ops.mul)([1.0, 2.0, 3.0], [4.0, 5.0]) == [4.0, 10.0]
    assert ops.reduce(lambda x, acc: acc * 10 + x, 0.0)([1.0, 2.0, 3.0]) == 123.0  # x1 goes in first
    assert ops.negList([1.5, 0.0, -2.0]) == [-1.5, -0.0, 2.0]
    assert ops.addLists([1.0, 2.0], [0.5, 0.25]) == [1.5, 2.25]
    assert (ops.sum([]), ops.prod([])) == (0.0, 1.0)
    assert (ops.sum([1.0, 2.0, 3.5]), ops.prod([2.0, -3.0, 0.5])) == (6.5, -3.0)


@given(lists, lists)
def test_sum_of_added_lists_is_the_sum_of_sums(xs, ys):
    n = min(len(xs), len(ys))
    xs, ys = xs[:n], ys[:n]
    assert ops.is_close(ops.sum(ops.addLists(xs, ys)), ops.sum(xs) + ops.sum(ys))


def test_engine_functions():
    assert ops.softplus(0.0) == math.log(2.0)
    assert ops.softplus(800.0) == 800.0 and ops.softplus(-800.0) == 0.0  # no overflow either way
    assert ops.max_back(2.0, 1.0) == (1.0, 0.0) and ops.max_back(1.0, 2.0) == (0.0, 1.0)
    assert ops.max_back(1.0, 1.0) == ops.min_back(1.0, 1.0) == (0.5, 0.5)
    assert ops.min_back(2.0, 1.0) == (0.0, 1.0) and ops.min_back(1.0, 2.0) == (1.0, 0.0)
    assert ops.sign(-2.0) == -1.0 and ops.sign(0.0) == 0.0
    assert ops.heaviside(0.0) == 0.0 and ops.heaviside(3.0) == 1.0
    assert ops.power(2.0, 10.0) == 1024.0 and ops.power(-2.0, 3.0) == -8.0
    assert ops.power_exponent_local(0.0, 2.0, 0.0) == 0.0
    assert math.isnan(ops.power_exponent_local(-2.0, 2.0, 4.0))
    assert ops.power_base_local(0.0, 0.5) == math.inf and ops.reciprocal_or_inf(0.0) == math.inf
