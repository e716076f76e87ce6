"""backprop-explorer's scalar autograd engine: standard library only.

>>> from engine import Scalar
>>> a, b = Scalar(2.0, name="a"), Scalar(-3.0, name="b")
>>> e = a * b
>>> e.backward()
>>> a.grad, b.grad
(-3.0, 2.0)
"""

from .autodiff import (
    BackwardStep,
    Contribution,
    Trace,
    backpropagate,
    central_difference,
    topological_sort,
    trace_backward,
    zero_grad,
)
from .errors import MathError
from .scalar import Context, Scalar, ScalarHistory, eq
from .scalar_functions import (
    BUILTINS,
    EQ,
    LT,
    UNARY_FUNCTIONS,
    Abs,
    Add,
    Cos,
    Exp,
    Inv,
    Log,
    Mul,
    Neg,
    Pow,
    ReLU,
    ScalarFunction,
    Sigmoid,
    Sin,
    Sqrt,
    Tanh,
)

__all__ = [
    "BUILTINS", "EQ", "LT", "UNARY_FUNCTIONS", "Abs", "Add", "BackwardStep", "Context", "Contribution",
    "Cos", "Exp", "Inv", "Log", "MathError", "Mul", "Neg", "Pow", "ReLU", "Scalar", "ScalarFunction",
    "ScalarHistory", "Sigmoid", "Sin", "Sqrt", "Tanh", "Trace", "backpropagate", "central_difference",
    "eq", "topological_sort", "trace_backward", "zero_grad",
]  # fmt: skip

# -- training: modules, networks, an optimizer (engine.datasets and engine.training are modules) --------
from .module import Module, Parameter
from .nn import MLP, Layer, Linear, Network, Neuron
from .optim import SGD

__all__ += ["MLP", "SGD", "Layer", "Linear", "Module", "Network", "Neuron", "Parameter"]
