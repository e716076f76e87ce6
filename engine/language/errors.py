"""What can be wrong with a program or its values: one exception per error code.

Each error carries the API's ``code`` and, where known, a 1-based ``line`` and ``column`` and the
``names`` involved. HTTP is not the engine's business: ``app/errors.py`` maps codes to status codes.
"""

from __future__ import annotations


class ProgramError(Exception):
    """Anything wrong with a program or its values."""

    code = "invalid_request"

    def __init__(self, message: str, line: int | None = None, column: int | None = None, names=()):
        self.message = message
        self.line = line
        self.column = column
        self.names = list(names)
        super().__init__(message)

    def as_dict(self) -> dict:
        return {
            "code": self.code,
            "message": self.message,
            "line": self.line,
            "column": self.column,
            "names": self.names,
        }


class ParseError(ProgramError):
    """Text that is not a program of the grammar; the message starts with its line and column."""

    code = "parse_error"

    def __init__(self, line: int, column: int, what: str, names=()):
        super().__init__(f"line {line}, column {column}: {what}", line, column, names)


class ReservedNameError(ProgramError):
    """An assignment to a function name (``exp = 2``)."""

    code = "reserved_name"


class DuplicateVariableError(ProgramError):
    """A variable declared twice, or declared after it was already used as a free variable."""

    code = "duplicate_variable"


class UnboundVariableError(ProgramError):
    """Free variables with no value in ``values`` and no ``default_value``."""

    code = "unbound_variable"


class UnknownVariableError(ProgramError):
    """A key of ``values`` that the program never uses as a variable."""

    code = "unknown_variable"


class ProgramMathError(ProgramError):
    """A value or gradient that is not a finite real number, at an operation's source position.

    ``partial`` is the graph as far as it was built: a ``build.Partial`` (nodes, the failing one, the
    phase), so a page can draw the program up to the failure. None where the failure has no node.
    """

    code = "math_error"
    partial = None


class TooLargeError(ProgramError):
    """A program, its nesting, its node count or its numeric check over the service's limits."""

    code = "too_large"
