"""backprop-explorer's scalar autograd engine: standard library only (see docs/architecture.md).

>>> from engine import Scalar
>>> a, b = Scalar(2.0, name="a"), Scalar(-3.0, name="b")
>>> e = a * b
>>> e.backward()
>>> a.grad, b.grad
(-3.0, 2.0)

``import engine as minitorch`` gives minitorch's module-0/1 names: ``operators``, ``Scalar``,
``ScalarHistory``, ``ScalarFunction``, ``Context``, ``central_difference``, ``derivative_check``,
``MathTest``, ``MathTestVariable``, and the rest below.
"""

from . import operators
from .autodiff import (
    Context,
    Variable,
    backpropagate,
    central_difference,
    derivative_check,
    local_derivatives,
    topological_sort,
    zero_grad,
)
from .errors import MathError
from .scalar import Scalar, ScalarHistory, apply_function, eq, scalars_of_columns, value_function
from .scalar_functions import (
    BUILTINS,
    DERIVED,
    DIV,
    EQ,
    FUNCTIONS,
    GT,
    LT,
    PYTHON_CONSTRUCTIONS,
    SUB,
    Abs,
    Add,
    Cos,
    DerivedOperation,
    Div,
    Domain,
    Exp,
    Inv,
    Log,
    Max,
    Min,
    Mul,
    Neg,
    Operation,
    Pow,
    ReLU,
    ScalarFunction,
    Sigmoid,
    Sin,
    Softplus,
    Sqrt,
    Sub,
    Tanh,
    operation,
)
from .testing import MathTest, MathTestVariable
from .trace import BackwardStep, Contribution, FlatTrace, Trace, trace_backward, trace_columns, trace_flat

__all__ = [
    "BUILTINS",
    "DERIVED",
    "DIV",
    "EQ",
    "FUNCTIONS",
    "GT",
    "LT",
    "PYTHON_CONSTRUCTIONS",
    "SUB",
    "Abs",
    "Add",
    "BackwardStep",
    "Context",
    "Contribution",
    "Cos",
    "DerivedOperation",
    "Div",
    "Domain",
    "Exp",
    "FlatTrace",
    "Inv",
    "Log",
    "MathError",
    "MathTest",
    "MathTestVariable",
    "Max",
    "Min",
    "Mul",
    "Neg",
    "Operation",
    "Pow",
    "ReLU",
    "Scalar",
    "ScalarFunction",
    "ScalarHistory",
    "Sigmoid",
    "Sin",
    "Softplus",
    "Sqrt",
    "Sub",
    "Tanh",
    "Trace",
    "Variable",
    "apply_function",
    "backpropagate",
    "central_difference",
    "derivative_check",
    "eq",
    "explore",
    "local_derivatives",
    "operation",
    "operators",
    "scalars_of_columns",
    "to_program",
    "topological_sort",
    "trace_backward",
    "trace_columns",
    "trace_flat",
    "value_function",
    "zero_grad",
]  # fmt: skip

# From a graph built in Python to the explorer: the language sits above the engine's core, so it is
# imported last (the core never imports it).
from .language.unparse import explore, to_program

# -- training: modules, networks, an optimizer (engine.datasets and engine.training are modules) --------
from .module import Module, Parameter
from .nn import MLP, Layer, Linear, Network, Neuron
from .optim import SGD

__all__ += ["MLP", "SGD", "Layer", "Linear", "Module", "Network", "Neuron", "Parameter"]
