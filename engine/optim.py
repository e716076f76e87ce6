"""`SGD`: plain gradient descent, p ← p − lr · ∂L/∂p. See docs/architecture.md."""

from __future__ import annotations

from collections.abc import Iterable

from .module import Parameter
from .scalar import Scalar


class SGD:
    """Gradient descent on `Parameter`s (minitorch) or bare Scalars (micrograd's ``parameters()``).

    A Parameter gets a fresh leaf holding its new value, so earlier graphs stay as they were; a bare
    Scalar is changed in place, micrograd's ``p.data -= lr * p.grad``. A parameter the loss never
    reached (gradient ``None``) is left alone.
    """

    def __init__(self, params: Iterable[Parameter | Scalar], lr: float = 1.0) -> None:
        self.parameters = list(params)
        self.lr = lr

    def zero_grad(self) -> None:
        """Forget every gradient, so the next backward pass starts from nothing."""
        for p in self.parameters:
            _leaf(p).grad = None

    def step(self) -> None:
        """Move every parameter one step against its gradient."""
        for p in self.parameters:
            leaf = _leaf(p)
            if leaf.grad is None:
                continue
            if isinstance(p, Parameter):
                p.update(leaf.data - self.lr * leaf.grad)
            else:
                leaf.data -= self.lr * leaf.grad


def _leaf(p: Parameter | Scalar) -> Scalar:
    return p.value if isinstance(p, Parameter) else p
