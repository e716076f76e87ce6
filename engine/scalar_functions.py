"""The table of operations: every built-in declared once, as a `ScalarFunction` with its rules.

The third layer of the engine (see docs/architecture.md), above ``operators`` (the float maths)
and ``autodiff`` (the Context and the backward pass), below ``scalar``. Each declaration is the
operation's name, arity, value rule, local-derivative rule, display text (formula, one rule per
input, the glyph drawn on a graph node) and domain; an operator's also its symbol (with any other
spelling), precedence and associativity. Everything else is derived from the table: Scalar's and
the tape's operators and methods, ``BUILTINS``, the language's function names, the parser's and
``unparse``'s binding powers, the derived operator ``a > b`` and ``GET /api/ops``. (Scalar's
Python ``-`` and ``/`` keep minitorch's construction from other operations:
``PYTHON_CONSTRUCTIONS``.)

A function can also be written the minitorch way, as a subclass of ``ScalarFunction`` with
``forward(ctx, *floats)`` and ``backward(ctx, d_out)``; the engine runs both kinds.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, NamedTuple

from . import operators
from .autodiff import Context

if TYPE_CHECKING:
    from .scalar import Scalar


class ScalarFunction:
    """minitorch's function: subclasses define ``forward(ctx, *floats)`` and ``backward(ctx, d_out)``.

    ``backward`` returns ``d_out`` × the local derivative, one per input (a bare float for one
    input). The built-in operations are ``Operation`` subclasses made by ``operation(...)``.
    """

    name: str = ""
    symbol: str | None = None
    formula: str = ""
    rules: tuple[str, ...] = ()
    #: The local-derivative rule of a declared operation; None: ask ``backward``.
    local: Callable | None = None

    @staticmethod
    def forward(ctx: Context, *values: float) -> float:
        raise NotImplementedError

    @staticmethod
    def backward(ctx: Context, d_out: float) -> float | tuple[float, ...]:
        raise NotImplementedError

    @classmethod
    def _forward(cls, ctx: Context, *values: float) -> float:
        return cls.forward(ctx, *values)

    @classmethod
    def _backward(cls, ctx: Context, d_out: float) -> tuple[float, ...]:
        """``backward``, always as a tuple: one entry per input."""
        result = cls.backward(ctx, d_out)
        return result if isinstance(result, tuple) else (result,)

    @classmethod
    def display_name(cls) -> str:
        return cls.name or cls.__name__

    @classmethod
    def apply(cls, *values: Scalar | float) -> Scalar:
        """A new Scalar: this function of ``values`` (numbers become constants)."""
        # The Scalar type lives one layer up: it is looked up when this runs, not imported when
        # this module loads (minitorch's apply does the same), so the layers have no cycle.
        from .scalar import apply_function

        return apply_function(cls, values)


# -- the declarations' vocabulary --------------------------------------------------------------------


class Domain(NamedTuple):
    """Where an operation's value and local derivatives are finite real numbers."""

    text: str  # as people read it
    contains: Callable[..., bool]  # the same, as a test on the input values


REALS = Domain("all reals", lambda *values: True)

# How tightly an operator holds its operands, as the parser reads them: higher binds tighter.
# `-x**2` is -(x**2) and `-a*b` is (-a)*b: the unary minus sits between a product and a power.
COMPARISON, SUM, PRODUCT, UNARY, POWER = 1, 2, 3, 4, 5
#: Associativity: `a - b - c` is (a - b) - c; `2**3**2` is 2**(3**2); `a < b < c` is an error.
LEFT, RIGHT, NONE = "left", "right", "none"

#: Python's operator protocol: the special method an operator symbol fills on Scalars (and the tape's
#: stand-ins), and the one Python calls when a plain number stands on the left (None: Python turns
#: `2 < x` into `x > 2`, and `-x` has no other side).
PYTHON_METHODS: dict[tuple[str, int], tuple[str, str | None]] = {
    ("+", 2): ("__add__", "__radd__"), ("-", 2): ("__sub__", "__rsub__"), ("*", 2): ("__mul__", "__rmul__"),
    ("/", 2): ("__truediv__", "__rtruediv__"), ("**", 2): ("__pow__", "__rpow__"), ("<", 2): ("__lt__", None),
    (">", 2): ("__gt__", None), ("==", 2): ("__eq__", None), ("-", 1): ("__neg__", None),
}  # fmt: skip
#: Python built-ins that call a special method: abs(x) calls x.__abs__().
PYTHON_BUILTINS = {"abs": "__abs__"}
POSITIVE = Domain("x > 0", lambda x: x > 0.0)


class Operation(ScalarFunction):
    """A built-in operation: ``value(*inputs)`` and ``local(*inputs, out)`` are its rules.

    ``local`` gives the local derivative for one input, a tuple of them for two; a rule that
    does not depend on the inputs is written as its value (``(1.0, 1.0)`` for addition). The engine
    calls both rules directly (no Context is made); ``forward``/``backward`` express the same
    rules in minitorch's terms, for code that calls them that way.
    """

    arity: int = 0
    #: The function name a program calls it by (``exp``); None for an operator.
    call: str | None = None
    #: An operator's binding power (``SUM``, ``PRODUCT``, …), its associativity (``LEFT``, ``RIGHT``,
    #: ``NONE``) and every way a program may write it (``("**", "^")``; the symbol first).
    precedence: int | None = None
    associativity: str = LEFT
    spellings: tuple[str, ...] = ()
    #: The glyph drawn on its graph nodes.
    display: str = ""
    domain: Domain = REALS
    #: Its backward step as code, for display (the format: ``Code``).
    code: Code | None = None

    @staticmethod
    def value(*inputs: float) -> float:
        raise NotImplementedError

    @classmethod
    def forward(cls, ctx: Context, *inputs: float) -> float:
        out = cls.value(*inputs)
        ctx.save_for_backward(*inputs, out)
        return out

    @classmethod
    def backward(cls, ctx: Context, d_out: float) -> float | tuple[float, ...]:
        *inputs, out = ctx.saved_values
        local = cls.local(*inputs, out) if callable(cls.local) else cls.local
        if cls.arity == 1:
            return local * d_out
        return tuple(each * d_out for each in local)


class Code(NamedTuple):
    """An operation's backward step as micrograd and minitorch write it: display text whose placeholders
    in braces the page fills with numbers (dropping the braces gives the code). ``micrograd``: one line
    of ``_backward`` per input; ``{self}``/``{other}`` are the inputs, ``{out}`` the node; ``{v}`` is
    a name, ``{v.data}`` a value, ``{v.grad}`` a gradient. ``minitorch``: the ``return`` of
    ``backward(ctx, d_output)``; ``{a}``, ``{x}``… are the inputs' values as the rules name them,
    ``{out}`` the node's value, ``{d_output}`` the gradient. ``*_native``: the library's own text
    (else in its style, and ``note`` says how it does it). The full format: docs/architecture.md."""

    micrograd: tuple[str, ...]
    minitorch: str
    micrograd_native: bool = False
    minitorch_native: bool = False
    note: str = ""


_PLACEHOLDER = re.compile(r"\{([^{}]*)\}")


def _check_code(name: str, code: Code, inputs: list[str]) -> None:
    """Refuse a ``Code`` whose lines do not fit the operation (one micrograd line per input, each
    giving that input's gradient) or name a placeholder that does not exist."""
    roles = ("self", "other")[: len(inputs)]
    allowed = {*roles, *(f"{v}.{part}" for v in (*roles, "out") for part in ("data", "grad"))}
    lines = len(code.micrograd) == len(inputs) and all(
        line.startswith(f"{{{role}}}.grad += ") for line, role in zip(code.micrograd, roles, strict=False)
    )
    known = {p for line in code.micrograd for p in _PLACEHOLDER.findall(line)} <= allowed
    if not (lines and known and set(_PLACEHOLDER.findall(code.minitorch)) <= {*inputs, "out", "d_output"}):
        raise ValueError(f"{name}: its code needs one micrograd line per input and known placeholders")


def operation(class_name: str, *, name: str, arity: int, value: Callable, local: Callable, formula: str,
              rules: tuple[str, ...], code: Code, symbol: str | None = None, call: str | None = None,
              display: str | None = None, domain: Domain = REALS, precedence: int | None = None,
              associativity: str = LEFT, also: tuple[str, ...] = ()) -> type[Operation]:  # fmt: skip
    """Declare an operation: the one place its rules and its display text are written.

    ``value(*inputs)`` and ``local(*inputs, out)`` work on floats; ``local`` returns the local
    derivative (a tuple of ``arity`` of them for more than one input), or is that number (tuple)
    when it does not depend on the inputs. ``symbol`` (with its ``precedence``, ``associativity``
    and the other spellings ``also``) makes it an operator of the language and a Python operator
    on Scalars, ``call`` a function in the language and a Scalar method. ``code`` is its backward
    step as micrograd's and minitorch's code (``Code``).
    """
    if arity not in (1, 2) or len(rules) != arity:
        raise ValueError(f"{name}: an operation takes 1 or 2 inputs, with one derivative rule for each")
    _check_code(name, code, _placeholders(rules))
    if (symbol is None) != (precedence is None) or associativity not in (LEFT, RIGHT, NONE):
        raise ValueError(f"{name}: an operator has a symbol, a precedence and an associativity")
    members = {
        "__doc__": f"f({', '.join(_placeholders(rules))}) = {formula}", "__module__": __name__, "name": name,
        "symbol": symbol, "call": call, "arity": arity, "formula": formula, "rules": rules, "domain": domain,
        "display": display or symbol or call or name, "code": code, "precedence": precedence,
        "associativity": associativity, "spellings": (symbol, *also) if symbol is not None else (),
        "value": staticmethod(value), "local": staticmethod(local) if callable(local) else local,
    }  # fmt: skip
    return type(class_name, (Operation,), members)


def _placeholders(rules: tuple[str, ...]) -> list[str]:
    """The inputs' names, as the rules write them: ``x`` in ``∂/∂x = …``."""
    return [rule.removeprefix("∂/∂").split(" ", 1)[0] for rule in rules]


def product_rule(a: float, b: float, out: float) -> tuple[float, float]:
    """∂(a·b)/∂a = b and ∂(a·b)/∂b = a: each input's local derivative is the other input."""
    return b, a


# -- the table: one declaration per operation, in the order the page lists them ----------------------

Add = operation(
    "Add", name="add", symbol="+", precedence=SUM, arity=2, formula="a + b", rules=("∂/∂a = 1", "∂/∂b = 1"),
    value=operators.add, local=(1.0, 1.0),
    code=Code(("{self}.grad += {out.grad}", "{other}.grad += {out.grad}"), "return {d_output}, {d_output}",
              True, True),
)  # fmt: skip
Sub = operation(
    "Sub", name="sub", symbol="-", precedence=SUM, display="−", arity=2, formula="a - b",
    rules=("∂/∂a = 1", "∂/∂b = -1"),
    value=operators.sub, local=(1.0, -1.0),
    code=Code(("{self}.grad += {out.grad}", "{other}.grad += -{out.grad}"), "return {d_output}, -{d_output}",
              note="micrograd and minitorch write a - b as a + (-b): add's lines, then neg's"),
)  # fmt: skip
Mul = operation(
    "Mul", name="mul", symbol="*", precedence=PRODUCT, display="×", arity=2, formula="a · b",
    rules=("∂/∂a = b", "∂/∂b = a"),
    value=operators.mul, local=product_rule,
    code=Code(("{self}.grad += {other.data} * {out.grad}", "{other}.grad += {self.data} * {out.grad}"),
              "return {b} * {d_output}, {a} * {d_output}", True, True),
)  # fmt: skip
Div = operation(
    "Div", name="div", symbol="/", precedence=PRODUCT, display="÷", arity=2, formula="a / b",
    rules=("∂/∂a = 1/b", "∂/∂b = -a/b²"),
    value=operators.div, local=lambda a, b, out: (1.0 / b, -out / b),  # -a/b² without overflowing b²
    domain=Domain("b ≠ 0", lambda a, b: b != 0.0),
    code=Code(("{self}.grad += (1 / {other.data}) * {out.grad}",
               "{other}.grad += (-{self.data} / {other.data}**2) * {out.grad}"),
              "return (1.0 / {b}) * {d_output}, (-{a} / ({b} * {b})) * {d_output}",
              note="micrograd writes a / b as a * b**-1, minitorch as a * inv(b)"),
)  # fmt: skip
Neg = operation(
    "Neg", name="neg", symbol="-", precedence=UNARY, display="−", arity=1, formula="-x", rules=("∂/∂x = -1",),
    value=operators.neg, local=-1.0,
    code=Code(("{self}.grad += -1 * {out.grad}",), "return operators.neg({d_output})", minitorch_native=True,
              note="micrograd writes -x as x * -1: mul's line with other.data = -1"),
)  # fmt: skip
Inv = operation(
    "Inv", name="inv", display="1/x", arity=1, formula="1/x", rules=("∂/∂x = -1/x²",),
    value=operators.inv, local=lambda x, out: -1.0 / (x * x),
    domain=Domain("x ≠ 0", lambda x: x != 0.0),
    code=Code(("{self}.grad += (-1 * {self.data}**(-1 - 1)) * {out.grad}",),
              "return operators.inv_back({x}, {d_output})", minitorch_native=True,
              note="micrograd writes 1/x as x**-1: pow's line with other = -1"),
)  # fmt: skip
Pow = operation(
    "Pow", name="pow", symbol="**", also=("^",), precedence=POWER, associativity=RIGHT, display="^",
    arity=2, formula="x^y", rules=("∂/∂x = y·x^(y-1)", "∂/∂y = x^y·ln x"),
    value=operators.power,
    local=lambda x, y, out: (operators.power_base_local(x, y), operators.power_exponent_local(x, y, out)),
    domain=Domain("x > 0 (x < 0 only to a constant integer power)", lambda x, y: x > 0.0),
    code=Code(("{self}.grad += ({other.data} * {self.data}**({other.data} - 1)) * {out.grad}",
               "{other}.grad += ({out.data} * math.log({self.data})) * {out.grad}"),
              "return {y} * {x} ** ({y} - 1) * {d_output}, {out} * math.log({x}) * {d_output}",
              note="micrograd's __pow__ takes a number exponent: the first line, other for other.data"),
)  # fmt: skip
Exp = operation(
    "Exp", name="exp", call="exp", arity=1, formula="e^x", rules=("∂/∂x = e^x",),
    value=operators.exp, local=lambda x, out: out,
    code=Code(("{self}.grad += {out.data} * {out.grad}",), "return operators.mul({out}, {d_output})",
              minitorch_native=True, note="micrograd's lecture writes Value.exp this way"),
)  # fmt: skip
Log = operation(
    "Log", name="log", call="log", arity=1, formula="ln x", rules=("∂/∂x = 1/x",),
    value=operators.log, local=lambda x, out: 1.0 / x, domain=POSITIVE,
    code=Code(("{self}.grad += {self.data}**-1 * {out.grad}",), "return operators.log_back({x}, {d_output})",
              minitorch_native=True),
)  # fmt: skip
Tanh = operation(
    "Tanh", name="tanh", call="tanh", arity=1, formula="tanh x", rules=("∂/∂x = 1 - tanh²x",),
    value=math.tanh, local=lambda x, out: 1.0 - out * out,
    code=Code(("{self}.grad += (1 - {out.data}**2) * {out.grad}",), "return (1.0 - {out}**2) * {d_output}",
              note="micrograd's lecture writes Value.tanh this way, with t = out.data"),
)  # fmt: skip
Sigmoid = operation(
    "Sigmoid", name="sigmoid", call="sigmoid", arity=1, formula="σ(x) = 1/(1 + e^-x)",
    rules=("∂/∂x = σ(x)·(1 - σ(x))",),
    value=operators.sigmoid, local=lambda x, out: out * (1.0 - out),
    code=Code(("{self}.grad += {out.data} * (1 - {out.data}) * {out.grad}",),
              "return {out} * (1.0 - {out}) * {d_output}", minitorch_native=True),
)  # fmt: skip
ReLU = operation(
    "ReLU", name="relu", call="relu", arity=1, formula="max(0, x)", rules=("∂/∂x = 1 if x > 0 else 0",),
    value=operators.relu, local=lambda x, out: 1.0 if x > 0.0 else 0.0,
    code=Code(("{self}.grad += ({out.data} > 0) * {out.grad}",),
              "return operators.relu_back({x}, {d_output})", True, True),
)  # fmt: skip
Sin = operation(
    "Sin", name="sin", call="sin", arity=1, formula="sin x", rules=("∂/∂x = cos x",),
    value=math.sin, local=lambda x, out: math.cos(x),
    code=Code(("{self}.grad += math.cos({self.data}) * {out.grad}",), "return math.cos({x}) * {d_output}"),
)  # fmt: skip
Cos = operation(
    "Cos", name="cos", call="cos", arity=1, formula="cos x", rules=("∂/∂x = -sin x",),
    value=math.cos, local=lambda x, out: -math.sin(x),
    code=Code(("{self}.grad += -math.sin({self.data}) * {out.grad}",), "return -math.sin({x}) * {d_output}"),
)  # fmt: skip
Sqrt = operation(
    "Sqrt", name="sqrt", call="sqrt", arity=1, formula="√x", rules=("∂/∂x = 1/(2√x)",),
    value=operators.sqrt, local=lambda x, out: 0.5 * operators.reciprocal_or_inf(out), domain=POSITIVE,
    code=Code(("{self}.grad += (0.5 / {out.data}) * {out.grad}",), "return (0.5 / {out}) * {d_output}"),
)  # fmt: skip
Abs = operation(
    "Abs", name="abs", call="abs", arity=1, formula="|x|", rules=("∂/∂x = sign(x), 0 at 0",),
    value=abs, local=lambda x, out: operators.sign(x),
    code=Code(("{self}.grad += (({self.data} > 0) - ({self.data} < 0)) * {out.grad}",),
              "return (({x} > 0) - ({x} < 0)) * {d_output}"),
)  # fmt: skip
Softplus = operation(
    "Softplus", name="softplus", call="softplus", arity=1, formula="softplus(x) = ln(1 + e^x)",
    rules=("∂/∂x = σ(x)",),
    value=operators.softplus, local=lambda x, out: operators.sigmoid(x),
    code=Code(("{self}.grad += (1 / (1 + math.exp(-{self.data}))) * {out.grad}",),
              "return operators.sigmoid({x}) * {d_output}"),
)  # fmt: skip
Max = operation(
    "Max", name="max", call="max", arity=2, formula="max(a, b)",
    rules=("∂/∂a = 1 if a > b, ½ if a = b, else 0", "∂/∂b = 1 if b > a, ½ if a = b, else 0"),
    value=operators.max, local=lambda a, b, out: operators.max_back(a, b),
    code=Code(
        ("{self}.grad += (({self.data} > {other.data}) + ({self.data} == {other.data}) / 2) * {out.grad}",
         "{other}.grad += (({other.data} > {self.data}) + ({self.data} == {other.data}) / 2) * {out.grad}"),
        "return (({a} > {b}) + ({a} == {b}) / 2) * {d_output}, (({b} > {a}) + ({a} == {b}) / 2) * {d_output}",
    ),
)  # fmt: skip
Min = operation(
    "Min", name="min", call="min", arity=2, formula="min(a, b)",
    rules=("∂/∂a = 1 if a < b, ½ if a = b, else 0", "∂/∂b = 1 if b < a, ½ if a = b, else 0"),
    value=operators.min, local=lambda a, b, out: operators.min_back(a, b),
    code=Code(
        ("{self}.grad += (({self.data} < {other.data}) + ({self.data} == {other.data}) / 2) * {out.grad}",
         "{other}.grad += (({other.data} < {self.data}) + ({self.data} == {other.data}) / 2) * {out.grad}"),
        "return (({a} < {b}) + ({a} == {b}) / 2) * {d_output}, (({b} < {a}) + ({a} == {b}) / 2) * {d_output}",
    ),
)  # fmt: skip
LT = operation(
    "LT", name="lt", symbol="<", precedence=COMPARISON, associativity=NONE, arity=2, formula="a < b",
    rules=("∂/∂a = 0", "∂/∂b = 0"),
    value=operators.lt, local=(0.0, 0.0),
    code=Code(("{self}.grad += 0 * {out.grad}", "{other}.grad += 0 * {out.grad}"), "return 0.0, 0.0",
              minitorch_native=True, note="micrograd has no comparisons"),
)  # fmt: skip
EQ = operation(
    "EQ", name="eq", symbol="==", precedence=COMPARISON, associativity=NONE, arity=2, formula="a == b",
    rules=("∂/∂a = 0", "∂/∂b = 0"),
    value=operators.eq, local=(0.0, 0.0),
    code=Code(("{self}.grad += 0 * {out.grad}", "{other}.grad += 0 * {out.grad}"), "return 0.0, 0.0",
              minitorch_native=True, note="micrograd has no comparisons"),
)  # fmt: skip

#: Every built-in operation, in the order the page lists them.
BUILTINS: tuple[type[Operation], ...] = (
    Add, Sub, Mul, Div, Neg, Inv, Pow, Exp, Log, Tanh, Sigmoid, ReLU, Sin, Cos, Sqrt, Abs, Softplus,
    Max, Min, LT, EQ,
)  # fmt: skip

#: The functions a program may call, by name.
FUNCTIONS: dict[str, type[Operation]] = {op.call: op for op in BUILTINS if op.call}


# -- derived operators: declared once, built from the operations above --------------------------------


class DerivedOperation(NamedTuple):
    """An operator made of operations: ``build(apply, a, b)`` makes its nodes with ``apply(op, *inputs)``.

    Whoever builds decides what a node is: Scalar's operators make Scalars, the language's
    builder makes graph nodes that remember where they are in the source.
    """

    name: str
    symbol: str
    precedence: int
    associativity: str
    formula: str
    build: Callable[..., Any]

    @property
    def spellings(self) -> tuple[str, ...]:
        return (self.symbol,)

    @property
    def uses(self) -> tuple[str, ...]:
        """The operations it is made of, innermost first."""
        made: list[str] = []

        def record(op, *inputs):
            made.append(op.name)
            return op.name

        self.build(record, "a", "b")
        return tuple(made)


GT = DerivedOperation("gt", ">", COMPARISON, NONE, "a > b = b < a", lambda apply, a, b: apply(LT, b, a))

#: Every derived operator of the language, in the order the page lists them.
DERIVED: tuple[DerivedOperation, ...] = (GT,)

# Scalar's (and the tape's) Python operators `-` and `/` keep minitorch's construction from other
# operations, so that a model's numbers are minitorch's to the last bit; the language builds the
# `sub` and `div` a person wrote.
SUB = DerivedOperation(
    "sub", "-", SUM, LEFT, "a - b = a + (-b)", lambda apply, a, b: apply(Add, a, apply(Neg, b))
)
DIV = DerivedOperation("div", "/", PRODUCT, LEFT, "a / b = a · (1/b)",
                       lambda apply, a, b: apply(Mul, a, apply(Inv, b)))  # fmt: skip
#: How Python's operators on Scalars are built where that is not the one operation of their symbol.
PYTHON_CONSTRUCTIONS: tuple[DerivedOperation, ...] = (SUB, DIV, GT)

#: Every operator of the language (an operation with a symbol, or a derived one), in the table's order.
OPERATORS: tuple = (*(op for op in BUILTINS if op.symbol is not None), *DERIVED)


def python_methods(op) -> list[tuple[str, str | None]]:
    """The special methods an operation (or derived operator) fills on Python objects, each with its
    reflected twin (None when Python has none): its operator's (``("__add__", "__radd__")``), its
    call's (``("exp", None)``) and the built-in's that calls it (``("__abs__", None)``)."""
    methods = []
    if op.symbol is not None:
        methods.append(PYTHON_METHODS[op.symbol, 2 if isinstance(op, DerivedOperation) else op.arity])
    call = getattr(op, "call", None)
    if call is not None:
        methods.append((call, None))
        if call in PYTHON_BUILTINS:
            methods.append((PYTHON_BUILTINS[call], None))
    return methods
