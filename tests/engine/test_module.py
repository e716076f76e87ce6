"""Module, Parameter and SGD: registration by assignment, dotted names, modes, fresh leaves."""

from __future__ import annotations

import pytest

from engine import SGD, Module, Parameter, Scalar


class Leaf(Module):
    def __init__(self, value: float) -> None:
        super().__init__()
        self.w = Parameter(value)
        self.note = "not a parameter"


class Branch(Module):
    def __init__(self) -> None:
        super().__init__()
        self.scale = Parameter(2.0)
        self.left = Leaf(1.0)
        self.right = Leaf(3.0)
        self.right.extra = self.right.add_parameter("bias_0", 4.0)


def test_parameters_and_modules_are_registered_by_assignment_and_named_by_path():
    tree = Branch()
    assert [name for name, _ in tree.named_parameters()] == ["scale", "left.w", "right.w", "right.bias_0"]
    assert [p.value.data for p in tree.parameters()] == [2.0, 1.0, 3.0, 4.0]
    assert tree.children() == [tree.left, tree.right]
    assert tree.modules() == [tree, tree.left, tree.right]
    assert [name for name, _ in tree.named_modules()] == ["", "left", "right"]


def test_a_parameter_under_two_names_is_listed_once():
    tree = Branch()
    tree.right.alias = tree.right.w
    assert [name for name, _ in tree.right.named_parameters()] == ["w", "bias_0"]


def test_a_parameter_keeps_its_name_on_its_leaf():
    leaf = Leaf(1.0)
    parameter = leaf.add_parameter("weight_0_1", 0.5)
    assert parameter.value.name == "weight_0_1"
    assert leaf.weight_0_1 is parameter


def test_reassigning_a_name_forgets_what_it_held():
    tree = Branch()
    tree.left = 5  # no longer a module
    tree.scale = "plain"
    assert [name for name, _ in tree.named_parameters()] == ["right.w", "right.bias_0"]
    assert tree.children() == [tree.right]
    del tree.right
    assert tree.named_parameters() == []


def test_a_misspelt_attribute_is_an_error_not_none():
    tree = Branch()
    with pytest.raises(AttributeError):
        _ = tree.lefft
    with pytest.raises(AttributeError):
        _ = tree.left.ww


def test_assigning_before_module_init_says_what_to_do():
    class Forgetful(Module):
        def __init__(self) -> None:
            self.w = Parameter(1.0)

    with pytest.raises(AttributeError, match=r"call Module.__init__\(\)"):
        Forgetful()


def test_train_and_eval_reach_every_descendant():
    tree = Branch()
    tree.eval()
    assert [m.training for m in tree.modules()] == [False, False, False]
    tree.left.train()
    assert [m.training for m in tree.modules()] == [False, True, False]
    tree.train()
    assert all(m.training for m in tree.modules())


def test_call_runs_forward_and_a_module_without_one_says_so():
    class Double(Module):
        def forward(self, x):
            return 2 * x

    assert Double()(Scalar(3.0)).data == 6.0
    with pytest.raises(NotImplementedError, match="Leaf defines no forward"):
        Leaf(1.0)(1.0)


def test_repr_shows_the_tree():
    assert repr(Branch()) == "Branch(\n  (left): Leaf()\n  (right): Leaf()\n)"


def test_update_puts_a_fresh_leaf_so_an_old_graph_keeps_its_numbers():
    parameter = Parameter(2.0, "w")
    old = parameter.value
    y = old * 3.0
    parameter.update(5.0)
    assert parameter.value is not old
    assert parameter.value.is_leaf() and parameter.value.name == "w" and parameter.value.data == 5.0
    assert y.data == 6.0
    y.backward()
    assert old.grad == 3.0
    assert parameter.value.grad is None
    parameter.update(y)  # a Scalar gives its number, never its graph
    assert parameter.value.is_leaf() and parameter.value.data == 6.0


def test_sgd_steps_parameters_with_fresh_leaves_and_skips_unreached_ones():
    a, b = Parameter(1.0, "a"), Parameter(-2.0, "b")
    optimizer = SGD([a, b], lr=0.1)
    loss = a.value * a.value * 3.0  # d/da = 6a = 6; b is not used
    loss.backward()
    old = a.value
    optimizer.step()
    assert a.value.data == 1.0 - 0.1 * 6.0
    assert a.value is not old and old.data == 1.0
    assert b.value.data == -2.0
    optimizer.zero_grad()
    assert a.value.grad is None and b.value.grad is None


def test_sgd_changes_bare_scalars_in_place_as_micrograd_does():
    p = Scalar(1.5)
    (p * p).backward()  # d/dp = 3
    optimizer = SGD([p], lr=0.5)
    optimizer.step()
    assert p.data == 1.5 - 0.5 * 3.0
    optimizer.zero_grad()
    assert p.grad is None
