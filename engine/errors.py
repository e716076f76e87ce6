"""The engine's one error type for mathematics that leaves the real numbers."""

from __future__ import annotations


class MathError(ArithmeticError):
    """A value or a derivative that is not a finite real number.

    Raised instead of a bare ``ZeroDivisionError``, ``OverflowError``, ``ValueError`` or a silent NaN.
    ``function`` is the operation's display name (``"log"``), ``inputs`` its input values,
    ``phase`` is ``"forward"`` or ``"backward"``, and ``node`` the Scalar whose backward failed
    (``None`` in the forward pass, where the output was never made). A backward pass being recorded
    (``trace.trace_columns``) leaves the steps that succeeded before the failure in ``trace``.
    """

    def __init__(self, function: str, inputs: tuple[float, ...], phase: str, reason: str, node=None,
                 subject: str | None = None):  # fmt: skip
        self.function = function
        self.inputs = tuple(inputs)
        self.phase = phase
        self.reason = reason
        self.node = node
        self.trace = None
        args = ", ".join(_short(v) for v in self.inputs)
        what = "value" if phase == "forward" else "derivative"
        subject = subject or f"{function}({args})"
        super().__init__(f"{subject}: {what} is not a finite number ({reason})")


def _short(value: float) -> str:
    return repr(float(value))
