"""`Module` and `Parameter`: minitorch's way of keeping a model's numbers in a tree.

A Module registers every `Parameter` and every sub-Module assigned to one of its attributes, so
``named_parameters()`` can name each number by its path (``layer1.weight_0_1``). Unlike minitorch's,
a Module has no ``__getattr__`` fallback: a misspelt attribute raises ``AttributeError`` instead of
quietly answering ``None``. See docs/architecture.md.
"""

from __future__ import annotations

from collections.abc import Iterator

from .scalar import Scalar


class Parameter:
    """A named slot holding one leaf `Scalar` that training changes.

    ``update`` puts a *fresh* leaf in the slot instead of changing the old one, so graphs built
    from earlier values keep the numbers they were built with.
    """

    __slots__ = ("name", "value")

    def __init__(self, value: Scalar | float, name: str | None = None) -> None:
        self.name = name
        self.value = _leaf(value, name)

    def update(self, value: Scalar | float) -> None:
        """Hold a new leaf with ``value``'s number (a Scalar's graph is not kept)."""
        self.value = _leaf(value.data if isinstance(value, Scalar) else value, self.name)

    def __repr__(self) -> str:
        return f"Parameter({self.value.data!r}, name={self.name!r})"


def _leaf(value: Scalar | float, name: str | None) -> Scalar:
    if isinstance(value, Scalar):
        if name and value.name is None:
            value.name = name
        return value
    return Scalar(value, name=name)


class Module:
    """A node of the model tree: its own parameters and its child modules, found by assignment."""

    training: bool

    def __init__(self) -> None:
        self.__dict__["_parameters"] = {}
        self.__dict__["_modules"] = {}
        self.__dict__["training"] = True

    # -- registration --------------------------------------------------------------------------------

    def __setattr__(self, name: str, value) -> None:
        if "_parameters" not in self.__dict__:
            raise AttributeError(f"call Module.__init__() in {type(self).__name__} before assigning {name!r}")
        # A name holds one kind of thing: assigning something else to it forgets what it was.
        self._parameters.pop(name, None)
        self._modules.pop(name, None)
        if isinstance(value, Parameter):
            self._parameters[name] = value
        elif isinstance(value, Module):
            self._modules[name] = value
        object.__setattr__(self, name, value)

    def __delattr__(self, name: str) -> None:
        self._parameters.pop(name, None)
        self._modules.pop(name, None)
        object.__delattr__(self, name)

    def add_parameter(self, name: str, value: Scalar | float) -> Parameter:
        """Make a Parameter called ``name`` holding ``value`` and register it (minitorch's helper)."""
        parameter = Parameter(value, name)
        setattr(self, name, parameter)
        return parameter

    # -- the tree ------------------------------------------------------------------------------------

    def children(self) -> list[Module]:
        """The direct sub-modules, in the order they were assigned."""
        return list(self._modules.values())

    def named_modules(self, prefix: str = "") -> Iterator[tuple[str, Module]]:
        """This module (named ``prefix``) and every module below it, parents before children."""
        yield prefix, self
        for name, child in self._modules.items():
            yield from child.named_modules(f"{prefix}.{name}" if prefix else name)

    def modules(self) -> list[Module]:
        """This module and all of its descendants (PyTorch's meaning; minitorch's is ``children()``)."""
        return [module for _, module in self.named_modules()]

    def named_parameters(self) -> list[tuple[str, Parameter]]:
        """Every parameter here and below, named by its dotted path: own ones first, then each child's.

        A parameter registered under two names is listed once, under the first (an optimizer must
        not step it twice).
        """
        seen = set()
        named = []
        for path, module in self.named_modules():
            for name, parameter in module._parameters.items():
                if id(parameter) not in seen:
                    seen.add(id(parameter))
                    named.append((f"{path}.{name}" if path else name, parameter))
        return named

    def parameters(self) -> list[Parameter]:
        """Every parameter here and below, in ``named_parameters()`` order."""
        return [parameter for _, parameter in self.named_parameters()]

    # -- modes ---------------------------------------------------------------------------------------

    def train(self) -> None:
        """Put this module and every descendant in training mode."""
        for module in self.modules():
            module.__dict__["training"] = True

    def eval(self) -> None:
        """Put this module and every descendant in evaluation mode."""
        for module in self.modules():
            module.__dict__["training"] = False

    # -- use -----------------------------------------------------------------------------------------

    def forward(self, *args, **kwargs):
        raise NotImplementedError(f"{type(self).__name__} defines no forward()")

    def __call__(self, *args, **kwargs):
        return self.forward(*args, **kwargs)

    def __repr__(self) -> str:
        if not self._modules:
            return f"{type(self).__name__}()"
        lines = [f"{type(self).__name__}("]
        for name, child in self._modules.items():
            lines.append("  " + f"({name}): {child!r}".replace("\n", "\n  "))
        lines.append(")")
        return "\n".join(lines)
